#!/usr/bin/python3
"""desk_quarantine_browser.py - the văn thư's quarantine, duplicates and
exports screens of sohoa-web in a real browser: Debian's headless Chromium
driven through chromedriver (python3-selenium), as tests/e2e/web_browser.py.

    desk_quarantine_browser.py URL SHOTS QFILE FIX RETRY_ID DELETE_ID DUP_ID MONTH DL_DIR

A văn thư signs in and opens Cách ly: the files with their reasons.  She
replaces QFILE (the cut PNG in the quarantine folder) by FIX, as the reason
file tells her, and presses "Thử lại" on RETRY_ID; she deletes DELETE_ID
after the confirmation page; she compares the probable duplicate DUP_ID
with the record it may duplicate, side by side, and drops it.  Each of
these is a request sohoad carries out: the page says it waits, refreshes
itself (a meta refresh, no script) and shows it done ("xong").  On Xuất nộp
she exports MONTH (a closed month): the request waits, sohoad runs it, the
page says "xong"; she downloads the bundle and its .p7s (the browser's own
fetch, with her session) into DL_DIR, with their Content-Disposition
checked.  Screenshots quarantine.png, quarantine-requests.png,
duplicates.png and exports.png go to
SHOTS.  Prints one line per step; exits 1 at the first failure.
"""
import base64
import os
import shutil
import sys
import time

from selenium.webdriver.common.by import By

from browser_common import browser, has, sign_in, step

URL, SHOTS, QFILE, FIX, RETRY_ID, DELETE_ID, DUP_ID, MONTH, DL = sys.argv[1:10]


def carried_out(d, gone_id=None, gone_text=None, seconds=60):
    """The page refreshes itself until sohoad has done the newest request."""
    for _ in range(int(seconds * 4)):
        try:
            gone = (gone_id is None or not d.find_elements(By.ID, gone_id)) and \
                (gone_text is None or gone_text not in d.page_source)
            first = d.find_elements(By.CSS_SELECTOR, '#requests tr[data-request]')
            if gone and first and first[0].get_attribute('data-state') in ('done', 'failed'):
                return first[0].get_attribute('data-state') == 'done', \
                    first[0].find_element(By.CSS_SELECTOR, 'td.state').text
        except Exception:  # the page was being replaced by its refresh
            pass
        time.sleep(0.25)
    return False, 'timeout'


def fetch(d, href):
    """The browser fetches href with its session: status, headers, bytes."""
    r = d.execute_async_script(
        'const done = arguments[1];'
        'fetch(arguments[0]).then(r => r.blob().then(b => {'
        '  const f = new FileReader();'
        '  f.onload = () => done([r.status, r.headers.get("content-type"),'
        '    r.headers.get("content-disposition"), f.result.split(",")[1] || ""]);'
        '  f.readAsDataURL(b); }))', href)
    return r[0], r[1], r[2], base64.b64decode(r[3])


def main():
    os.makedirs(SHOTS, exist_ok=True)
    d = browser()
    d.set_script_timeout(60)
    try:
        sign_in(d, URL + '/login', 'vanthu', 'mật khẩu văn thư')
        d.find_element(By.LINK_TEXT, 'Cách ly').click()
        step(has(d, 'Tệp bị cách ly'), 'the header link leads to the quarantine')
        item = d.find_element(By.ID, 'q' + RETRY_ID)
        reason = item.find_element(By.CSS_SELECTOR, 'td.reason').text
        step(len(reason) > 5 and 'hong.png' in item.text,
             'the cut PNG is listed with its reason: %r' % reason.split('\n')[0])
        d.save_screenshot(os.path.join(SHOTS, 'quarantine.png'))

        # Fixed as the reason file says: the whole file in its place.
        shutil.copyfile(FIX, QFILE)
        item.find_element(By.CSS_SELECTOR, 'button.retry').click()
        step(has(d, 'Đã gửi yêu cầu thử lại') and has(d, 'sohoad sẽ thực hiện'),
             'retry: asked of sohoad, the file says it waits')
        done, state = carried_out(d, gone_id='q' + RETRY_ID)
        step(done and state == 'xong',
             'retry: sohoad put the file back into the inbox; it left the list (%s)' % state)

        d.find_element(By.CSS_SELECTOR, '#q%s a.delete' % DELETE_ID).click()
        step(has(d, 'Xóa tệp khỏi thư mục cách ly?'), 'delete: a confirmation page first')
        d.find_element(By.CSS_SELECTOR, 'button.confirm-delete').click()
        step(has(d, 'Đã gửi yêu cầu xóa tệp'), 'delete confirmed: asked of sohoad')
        done, state = carried_out(d, gone_id='q' + DELETE_ID)
        step(done and state == 'xong', 'delete: sohoad deleted it; it left the list (%s)' % state)

        d.get(URL + '/quarantine#duplicates')
        d.find_element(By.CSS_SELECTOR, 'a.compare[href$="/dup/%s"]' % DUP_ID).click()
        step(has(d, 'Có thể trùng (probable duplicate)'), 'the pair opens side by side')
        sides = d.find_elements(By.CSS_SELECTOR, '.side')
        step(len(sides) == 2 and all(s.find_elements(By.CSS_SELECTOR, 'table.fields') for s in sides),
             'two records, each with its fields')
        imgs = d.find_elements(By.CSS_SELECTOR, '.side img')
        loaded = False
        for _ in range(60):
            loaded = len(imgs) == 2 and all(d.execute_script(
                'return arguments[0].complete && arguments[0].naturalWidth > 100', i) for i in imgs)
            if loaded:
                break
            time.sleep(0.25)
        step(loaded, 'the first page of each is drawn')
        d.save_screenshot(os.path.join(SHOTS, 'duplicates.png'))
        d.find_element(By.CSS_SELECTOR, 'button.drop-later').click()
        step(has(d, 'Đã gửi yêu cầu bỏ tài liệu trùng'), 'drop: asked of sohoad')
        done, state = carried_out(d, gone_text='dup/' + DUP_ID)
        step(done and state == 'xong', 'the later record dropped by sohoad; the pair is gone (%s)'
             % state)
        d.get(URL + '/quarantine#desk-requests')
        rows = d.find_elements(By.CSS_SELECTOR, '#requests tr[data-request]')
        step(len(rows) == 3 and all(r.find_element(By.CSS_SELECTOR, 'td.state').text == 'xong'
                                    for r in rows), 'the three requests are listed, each "xong"')
        d.save_screenshot(os.path.join(SHOTS, 'quarantine-requests.png'))

        d.find_element(By.LINK_TEXT, 'Xuất nộp').click()
        step(has(d, 'Xuất nộp lưu trữ'), 'the exports page')
        box = d.find_element(By.ID, 'month')
        step(box.get_attribute('value') == MONTH, 'the last closed month is offered: ' + MONTH)
        d.find_element(By.ID, 'run').click()
        step(has(d, 'Đã gửi yêu cầu xuất'), 'the export is queued')
        state = ''
        for _ in range(120):
            d.get(URL + '/exports')
            state = d.find_element(By.CSS_SELECTOR, '#requests td.state').text
            if state in ('xong', 'lỗi'):
                break
            time.sleep(1)
        step(state == 'xong', 'sohoad ran it: ' + state + ' — ' +
             d.find_element(By.CSS_SELECTOR, '#requests tr:nth-child(2) td:last-child').text)
        d.save_screenshot(os.path.join(SHOTS, 'exports.png'))
        for cls, ext, ctype in (('bundle', '', 'application/x-tar'),
                                ('p7s', '.p7s', 'application/pkcs7-signature')):
            link = d.find_element(By.CSS_SELECTOR, '#ledger a.%s' % cls)
            status, got_type, disp, body = fetch(d, link.get_attribute('href'))
            name = 'sohoa-000.00.01.H26-%s.tar%s' % (MONTH, ext)
            step(status == 200 and got_type == ctype and disp == 'attachment; filename="%s"' % name
                 and len(body) > 0, 'download %s: %s, %s, %d bytes' % (cls, got_type, disp, len(body)))
            with open(os.path.join(DL, name), 'wb') as f:
                f.write(body)
    finally:
        d.quit()


main()
