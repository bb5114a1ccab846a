"""browser_common.py - what the headless-Chromium scripts of the e2e tests
(web_browser.py, desk_*_browser.py) share: Debian's Chromium driven through
chromedriver (python3-selenium), one line printed per step, a wait for text
on a page that may still be loading, and the sign-in form.

Imported by the scripts, which Python finds beside them (sys.path[0] is the
script's folder); not run itself.
"""
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def browser(height=1000):
    """A headless Chromium with a profile of its own (a fresh temporary
    folder), Vietnamese first, accepting the test's self-signed certificate."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = '/usr/bin/chromium'
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync',
              '--ignore-certificate-errors', '--window-size=1280,%d' % height, '--lang=vi',
              '--user-data-dir=' + tempfile.mkdtemp(prefix='sohoa-chromium-')):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=opts)


def step(ok, what):
    """Prints the step as ok or FAIL; exits 1 at the first failure."""
    print(('   ok   ' if ok else '   FAIL ') + 'browser: ' + what, flush=True)
    if not ok:
        raise SystemExit(1)


def has(d, text, seconds=10):
    """Whether text appears in the page within seconds (a click's page may
    still be loading)."""
    for _ in range(int(seconds * 4)):
        if text in d.page_source:
            return True
        time.sleep(0.25)
    return False


def sign_in(d, url, name, password):
    """Fills and sends the sign-in form at url (/login, or a page that leads
    to it); whether the signed-in page ("Đăng xuất") came."""
    d.get(url)
    d.find_element(By.NAME, 'name').send_keys(name)
    d.find_element(By.NAME, 'password').send_keys(password)
    d.find_element(By.CSS_SELECTOR, 'form.login button').click()
    return has(d, 'Đăng xuất')
