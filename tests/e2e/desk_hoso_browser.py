#!/usr/bin/python3
"""desk_hoso_browser.py - the hồ sơ desk of sohoa-web in a real browser:
Debian's headless Chromium driven through chromedriver (python3-selenium),
as a văn thư would use it.

    desk_hoso_browser.py URL REC_A REC_B WORD SHOTS_DIR

The văn thư signs in, opens Hồ sơ, creates "Hồ sơ giao đất năm 2024", sets
its mã hồ sơ giấy, thời hạn bảo quản and từ khóa, puts REC_A in by its
number and REC_B from a search for WORD, then moves REC_B up: the page
lists REC_B then REC_A, with the counts of its documents.  Screenshots
hoso-list.png and hoso.png go to SHOTS_DIR.  Prints one line per step;
exits 1 at the first failure.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_common import browser, sign_in, step
import browser_common

URL, REC_A, REC_B, WORD, SHOTS = sys.argv[1:6]
TITLE = 'Hồ sơ giao đất năm 2024'
PAPER = 'H26.K1/G2/H3.15'


def has(d, text, seconds=60):
    """Whether text appears within seconds (a change rewrites packages
    before its page comes)."""
    return browser_common.has(d, text, seconds)


def doc_order(d):
    return [r.get_attribute('id')[4:] for r in
            d.find_elements(By.CSS_SELECTOR, '#hoso-docs tr[id^="doc-"]')]


def field(d, name):
    cells = d.find_elements(By.CSS_SELECTOR, '#hoso-fields td[data-field="%s"]' % name)
    return cells[0].text if cells else None


def main():
    os.makedirs(SHOTS, exist_ok=True)
    d = browser(1100)
    try:
        step(sign_in(d, URL + '/login', 'vanthu', 'mật khẩu văn thư'), 'vanthu signed in')
        d.find_element(By.LINK_TEXT, 'Hồ sơ').click()
        step(has(d, 'Tạo hồ sơ') and d.current_url.endswith('/hoso/'),
             'the header links to /hoso/, which offers "Tạo hồ sơ"')
        d.find_element(By.NAME, 'title').send_keys(TITLE)
        d.find_element(By.ID, 'create').click()
        step(has(d, 'Đã tạo hồ sơ.') and TITLE in d.find_element(By.TAG_NAME, 'h1').text,
             'created: its page, titled')
        page = d.current_url.split('?')[0]

        form = d.find_element(By.ID, 'hoso-edit')
        form.find_element(By.NAME, 'paperFileCode').send_keys(PAPER)
        form.find_element(By.NAME, 'keyword').send_keys('đất đai')
        Select(form.find_element(By.NAME, 'maintenance')).select_by_value('01')
        form.find_element(By.ID, 'save').click()
        step(has(d, 'Đã lưu và đóng gói lại hồ sơ.'), 'fields saved')
        step(field(d, 'paperFileCode') == PAPER and field(d, 'maintenance').startswith('01')
             and field(d, 'keyword') == 'đất đai',
             'mã hồ sơ giấy, thời hạn bảo quản and từ khóa shown as saved')

        box = d.find_element(By.CSS_SELECTOR, '#add-ids input[name="ids"]')
        box.send_keys(REC_A)
        box.submit()
        step(has(d, 'Đã đưa tài liệu vào hồ sơ') and doc_order(d) == [REC_A],
             'document %s put in by its number' % REC_A)

        q = d.find_element(By.CSS_SELECTOR, '#add-search input[name="q"]')
        q.send_keys(WORD)
        q.submit()
        step(has(d, 'id="search-results"'), "searched '%s'" % WORD)
        d.find_element(By.ID, 'add-' + REC_B).click()
        step(has(d, 'Đã đưa tài liệu vào hồ sơ') and doc_order(d) == [REC_A, REC_B],
             'document %s put in from the search, last' % REC_B)

        d.find_element(By.CSS_SELECTOR, '#doc-%s button[value="up"]' % REC_B).click()
        step(has(d, 'Đã đổi thứ tự') and doc_order(d) == [REC_B, REC_A],
             'moved %s up: %s then %s' % (REC_B, REC_B, REC_A))
        step(field(d, 'totalDoc') == '2' and field(d, 'numberOfPage') not in (None, '0')
             and field(d, 'startDate') and field(d, 'endDate'),
             'counts and dates computed from its documents: totalDoc %s, pages %s, %s - %s'
             % (field(d, 'totalDoc'), field(d, 'numberOfPage'), field(d, 'startDate'),
                field(d, 'endDate')))
        d.get(page)
        d.set_window_size(1280, 1750)     # the fields and the documents in one picture
        d.save_screenshot(os.path.join(SHOTS, 'hoso.png'))
        d.set_window_size(1280, 700)
        d.get(URL + '/hoso/')
        step(TITLE in d.page_source and '.HS' in d.find_element(By.ID, 'hoso-list').text,
             'the list shows the new hồ sơ, with its mã hồ sơ')
        d.save_screenshot(os.path.join(SHOTS, 'hoso-list.png'))
    finally:
        d.quit()


main()
