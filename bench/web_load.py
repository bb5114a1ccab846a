#!/usr/bin/python3
"""web_load.py - the load of make bench-web (bench/web.sh): N client threads,
each with one keep-alive HTTPS connection, signed in with a session (pages)
and a bearer token (API), running a fixed mix for S seconds:

    45 % search page   /search?q=...        (words, folded and exact, filters)
    35 % API search    /api/v1/search?q=...
    20 % document page /doc/ID               (a random record)

    web_load.py URL TOKEN MAX_ID CLIENTS SECONDS [PID]
Prints p50/p99 latency per kind, requests/s and errors; with the PID of
sohoa-web, also its CPU time from the moment every client has signed in
(each sign-in hashes a password with Argon2id, which is not what the mix
measures) to the end; and the CPU time of this load generator itself over
the same span (it shares the cores with sohoa-web).

BENCH_WEB_MIX=repeat (the default) draws the searches from the 20 fixed
queries, as staff repeat searches; BENCH_WEB_MIX=distinct makes every
search distinct (the fixed query plus one or two random extra words from a
list of 40, never the same text twice in a run), a mix no result cache can
help.
"""
import http.client
import os
import random
import resource
import ssl
import sys
import threading
import time
import urllib.parse

URL, TOKEN, MAXID, CLIENTS, SECONDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), float(sys.argv[5])
PID = sys.argv[6] if len(sys.argv) > 6 else None
MIX = os.environ.get('BENCH_WEB_MIX', 'repeat')
if MIX not in ('repeat', 'distinct'):
    sys.exit('web_load.py: BENCH_WEB_MIX is repeat or distinct')
HOST = urllib.parse.urlparse(URL).netloc
QUERIES = ['quyet dinh', 'quyết định', 'giao dat', 'thu hồi đất', 'ho gia dinh', 'ke hoach',
           'ủy ban nhân dân', '"giấy chứng nhận"', 'thua dat so', 'bao cao ket qua',
           'nam:2023 dat', 'loai:QĐ dat', 'tu:2022-01-01 den:2022-12-31 ke hoach', 'thon',
           'nguyen van', 'cong van', 'phuong an', 'to trinh', 'so:15', 'xay dung']
EXTRA = ['dat', 'nha', 'ho', 'thon', 'xa', 'nam', 'so', 'quyet', 'ke', 'hoach', 'van', 'ban',
         'cap', 'giay', 'chung', 'nhan', 'thua', 'cong', 'dan', 'ong', 'ba', 'an', 'binh', 'hoa',
         'minh', 'thi', 'duong', 'truong', 'hoc', 'tram', 'y', 'te', 'nong', 'nghiep', 'lua',
         'ruong', 'kenh', 'muong', 'cau', 'cho']
used = set()
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
lock = threading.Lock()
signed_in = threading.Barrier(int(sys.argv[4]))
cpu0 = []
self0 = []


def self_cpu():
    """This load generator's user + system time, all its threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def query(rnd):
    """The next search's text: a fixed query, or one never asked before."""
    q = rnd.choice(QUERIES)
    if MIX == 'repeat':
        return q
    while True:
        d = ' '.join([q] + rnd.sample(EXTRA, rnd.randint(1, 2)))
        with lock:
            if d not in used:
                used.add(d)
                return d


def cpu_seconds():
    """sohoa-web's user + system time (utime and stime of /proc/PID/stat)."""
    f = open('/proc/%s/stat' % PID).read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')


lat = {'search page': [], 'API search': [], 'document page': []}
errors = []


def client(seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPSConnection(HOST, context=ctx, timeout=30)
    body = urllib.parse.urlencode({'name': 'bench', 'password': 'mật khẩu đo tải'})
    conn.request('POST', '/login', body, {'Content-Type': 'application/x-www-form-urlencoded'})
    r = conn.getresponse()
    r.read()
    cookie = (r.getheader('Set-Cookie') or '').split(';')[0]
    if r.status != 303 or not cookie:
        with lock:
            errors.append('login %d' % r.status)
        signed_in.abort()
        return
    try:
        if signed_in.wait(timeout=120) == 0:
            self0.append(self_cpu())
            if PID:
                cpu0.append(cpu_seconds())
    except threading.BrokenBarrierError:
        pass
    end = time.time() + SECONDS
    mine = {k: [] for k in lat}
    while time.time() < end:
        x = rnd.random()
        q = urllib.parse.quote_plus(query(rnd))
        if x < 0.45:
            kind, path, hdr = 'search page', '/search?q=' + q, {'Cookie': cookie}
        elif x < 0.80:
            kind, path, hdr = 'API search', '/api/v1/search?limit=20&q=' + q, \
                {'Authorization': 'Bearer ' + TOKEN}
        else:
            kind, path, hdr = 'document page', '/doc/%d' % rnd.randint(1, MAXID), {'Cookie': cookie}
        t = time.perf_counter()
        try:
            conn.request('GET', path, headers=hdr)
            r = conn.getresponse()
            r.read()
            ok = r.status == 200
        except Exception as e:  # a dropped connection is an error, then reconnect
            ok = False
            conn = http.client.HTTPSConnection(HOST, context=ctx, timeout=30)
            r = e
        dt = time.perf_counter() - t
        if ok:
            mine[kind].append(dt)
        else:
            with lock:
                errors.append('%s %s' % (path, getattr(r, 'status', r)))
    with lock:
        for k in mine:
            lat[k] += mine[k]


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))] * 1000 if v else float('nan')


threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
start = time.time()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - start
self_t = self_cpu() - self0[0] if self0 else 0
total = sum(len(v) for v in lat.values())
for k, v in lat.items():
    print('%-14s %6d requests  p50 %7.1f ms  p99 %7.1f ms' % (k, len(v), pct(v, 50), pct(v, 99)))
print('mix: %s (%d distinct searches)' % (MIX, len(used)) if MIX == 'distinct' else 'mix: repeat')
print('total          %6d requests  %.1f requests/s  %d errors' % (total, total / elapsed, len(errors)))
for e in errors[:5]:
    print('  error:', e)
if PID and cpu0:
    t = cpu_seconds() - cpu0[0]
    print('sohoa-web CPU after sign-in: %.1f s, %.1f ms a request' % (t, 1000 * t / total if total else 0))
print('load generator CPU after sign-in: %.1f s, %.1f ms a request, %.0f %% of one core'
      % (self_t, 1000 * self_t / total if total else 0, 100 * self_t / SECONDS))
