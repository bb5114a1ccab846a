#!/usr/bin/python3
"""web_browser.py - sohoa-web in a real browser: Debian's headless Chromium
driven through chromedriver (python3-selenium), as a person would use it.

    web_browser.py URL RECORD WORD LINE SHOTS_DIR

A cán bộ signs in, searches WORD typed without diacritics, opens the first
document and its PDF, opens RECORD (Chế độ sử dụng 02) and sends a request
with a reason; a lãnh đạo signs in (another browser profile) and approves
it; the cán bộ reloads RECORD and LINE of its OCR text appears.  Screenshots
of the sign-in, search and document pages go to SHOTS_DIR.  Prints one
line per step; exits 1 at the first failure.
"""
import os
import sys
import time

from selenium.webdriver.common.by import By

from browser_common import browser, has, step

URL, RECORD, WORD, LINE, SHOTS = sys.argv[1:6]


def login(d, name, password, shot=None):
    d.get(URL + '/search')
    step(d.current_url.endswith('/login'), name + ': a page without sign-in leads to the login')
    if shot:
        d.save_screenshot(os.path.join(SHOTS, shot))
    d.find_element(By.NAME, 'name').send_keys(name)
    d.find_element(By.NAME, 'password').send_keys(password)
    d.find_element(By.CSS_SELECTOR, 'form.login button').click()
    has(d, 'Đăng xuất')
    step('/search' in d.current_url and name in d.find_element(By.CSS_SELECTOR, 'header').text,
         name + ': signed in, name in the header')


def main():
    os.makedirs(SHOTS, exist_ok=True)
    cb = browser()
    ld = None
    try:
        login(cb, 'canbo2', 'mật khẩu cán bộ', 'login.png')
        box = cb.find_element(By.NAME, 'q')
        box.send_keys(WORD)
        box.submit()
        has(cb, 'id="total"')
        results = cb.find_elements(By.CSS_SELECTOR, '.result h2 a')
        marks = cb.find_elements(By.CSS_SELECTOR, '.result mark')
        step(len(results) >= 1 and len(marks) >= 1,
             "search '%s' without diacritics: %d results, words highlighted" % (WORD, len(results)))
        cb.save_screenshot(os.path.join(SHOTS, 'search.png'))
        results[0].click()
        has(cb, 'Mở bản PDF/A')
        pdf = cb.find_element(By.PARTIAL_LINK_TEXT, 'Mở bản PDF/A')
        imgs = cb.find_elements(By.CSS_SELECTOR, '.page img')
        step(len(imgs) >= 1 and len(cb.find_elements(By.CSS_SELECTOR, '.page pre')) >= 1,
             'document page: page image and OCR text')
        # Lazy-loaded: drawn once scrolled to.
        cb.execute_script('arguments[0].scrollIntoView()', imgs[0])
        loaded = False
        for _ in range(40):
            loaded = cb.execute_script(
                'return arguments[0].complete && arguments[0].naturalWidth > 100', imgs[0])
            if loaded:
                break
            time.sleep(0.25)
        cb.execute_script('window.scrollTo(0, 0)')
        step(bool(loaded), 'the page image is drawn (%s)' % imgs[0].get_attribute('src'))
        cb.save_screenshot(os.path.join(SHOTS, 'document.png'))
        href = pdf.get_attribute('href')
        head = cb.execute_async_script(
            'const done = arguments[1]; fetch(arguments[0]).then(r => r.arrayBuffer()'
            '.then(b => done([r.status, r.headers.get("content-type"),'
            ' String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])))', href)
        step(head == [200, 'application/pdf', '%PDF-'], 'the signed PDF opens (%s)' % head)
        cb.get(href)
        step(cb.current_url == href and 'Không' not in cb.title, 'the browser shows the PDF')

        cb.get(URL + '/doc/' + RECORD)
        step(LINE not in cb.page_source and 'Gửi yêu cầu khai thác' in cb.page_source,
             '02 record: no text, a request form')
        cb.find_element(By.NAME, 'reason').send_keys('Phục vụ giải quyết khiếu nại')
        cb.find_element(By.CSS_SELECTOR, 'form[action$="/request"] button').click()
        step(has(cb, 'Đã gửi yêu cầu khai thác'), 'request sent')

        ld = browser()
        login(ld, 'lanhdao', 'mật khẩu lãnh đạo')
        ld.find_element(By.LINK_TEXT, 'Yêu cầu khai thác').click()
        has(ld, 'đang chờ duyệt')
        step(has(ld, 'Phục vụ giải quyết khiếu nại'), 'lãnh đạo sees the request')
        ld.find_element(By.CSS_SELECTOR, 'form[action^="/requests/"] button[value="approve"]').click()
        step(has(ld, 'Không có yêu cầu nào đang chờ'), 'lãnh đạo approves it')

        cb.get(URL + '/doc/' + RECORD)
        step(has(cb, LINE) and 'bạn được xem đến ngày' in cb.page_source,
             'after approval the text appears')
        cb.find_element(By.CSS_SELECTOR, 'form.who button').click()
        has(cb, 'Tên đăng nhập')
        step(cb.current_url.endswith('/login'), 'logout')
    finally:
        cb.quit()
        if ld:
            ld.quit()


main()
