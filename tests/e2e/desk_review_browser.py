#!/usr/bin/python3
"""desk_review_browser.py - the văn thư's review desk of sohoa-web in a real
browser: Debian's headless Chromium driven through chromedriver
(python3-selenium), as a văn thư would use it.

    desk_review_browser.py URL RECORD SUBJECT SHOTS_DIR

The văn thư signs in, opens Soát xét from the header, finds RECORD on the
queue, opens it (the page image with the doubted words boxed, the fields in
their controls), chooses Công văn in the type list, the date 15/03/2024 in
the date control, types SUBJECT as the trích yếu, and presses "Lưu và đánh
dấu Đã soát"; RECORD is no longer on the queue.  Then the status page.
Screenshots review.png, review-doc.png and status.png go to SHOTS_DIR.
Prints one line per step; exits 1 at the first failure.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_common import browser, has, sign_in, step

URL, RECORD, SUBJECT, SHOTS = sys.argv[1:5]


def shot(d, name, height=None):
    if height:
        d.set_window_size(1280, height)
    d.save_screenshot(os.path.join(SHOTS, name))
    d.set_window_size(1280, 1000)


def main():
    os.makedirs(SHOTS, exist_ok=True)
    d = browser()
    try:
        sign_in(d, URL + '/search', 'vanthu', 'mật khẩu văn thư')
        step('vanthu' in d.find_element(By.CSS_SELECTOR, 'header').text, 'văn thư signed in')
        d.find_element(By.LINK_TEXT, 'Soát xét').click()
        has(d, 'id="queue"')
        rows = d.find_elements(By.CSS_SELECTOR, '#queue tr[id^="q-"]')
        step(any(r.get_attribute('id') == 'q-' + RECORD for r in rows),
             'the header leads to the queue; %s is on it (%d documents)' % (RECORD, len(rows)))
        shot(d, 'review.png')
        d.find_element(By.CSS_SELECTOR, '#q-%s a' % RECORD).click()
        has(d, 'id="review-form"')
        step(d.current_url.endswith('/review/' + RECORD), 'a click opens the document for review')
        boxes = d.find_elements(By.CSS_SELECTOR, 'svg.scan rect.doubt')
        marks = d.find_elements(By.CSS_SELECTOR, 'pre.ocr mark')
        step(len(d.find_elements(By.CSS_SELECTOR, 'svg.scan image')) >= 1 and len(boxes) >= 1
             and len(marks) >= 1,
             'the page image with %d doubted words boxed, %d marked in the text'
             % (len(boxes), len(marks)))
        organs = d.find_elements(By.CSS_SELECTOR, '#organs option')
        step(len(organs) >= 1, 'cơ quan ban hành: %d suggestions from earlier records' % len(organs))
        shot(d, 'review-doc.png', 1500)
        kind = Select(d.find_element(By.ID, 'f-typeName'))
        labels = [o.text for o in kind.options]
        step('Quyết định (QĐ)' in labels and 'Tờ trình (TTr)' in labels
             and 'Công văn (CV)' in labels,
             'loại văn bản: TT 05 names with their abbreviations (%d types)' % (len(labels) - 1))
        kind.select_by_visible_text('Công văn (CV)')
        date = d.find_element(By.ID, 'f-issuedDate')
        step(date.get_attribute('type') == 'date', 'ngày ban hành is a date control')
        d.execute_script("arguments[0].value = '2024-03-15'", date)
        subj = d.find_element(By.ID, 'f-subject')
        subj.clear()
        subj.send_keys(SUBJECT)
        d.find_element(By.ID, 'reviewed').click()
        has(d, 'id="msg"')
        step('/review?msg=reviewed' in d.current_url
             and not d.find_elements(By.ID, 'q-' + RECORD),
             'saved and marked Đã soát: %s has left the queue' % RECORD)
        d.get(URL + '/review/' + RECORD)
        step(d.find_element(By.ID, 'f-subject').get_attribute('value') == SUBJECT
             and d.find_element(By.ID, 'f-issuedDate').get_attribute('value') == '2024-03-15'
             and has(d, 'id="off-queue"'),
             'the document shows the corrected fields, off the queue')
        d.find_element(By.LINK_TEXT, 'Trạng thái').click()
        has(d, 'id="status"')
        step(d.find_element(By.ID, 'review').text.split()[0].isdigit()
             and d.find_element(By.ID, 'disk').text != '',
             'the status page: review count %s, disk %s'
             % (d.find_element(By.ID, 'review').text, d.find_element(By.ID, 'disk').text))
        shot(d, 'status.png')
    finally:
        d.quit()


if __name__ == '__main__':
    main()
