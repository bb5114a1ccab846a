#!/bin/bash
# sohoa-web end to end: real scans ingested with the real `sohoa ingest`,
# modes set with `sohoa edit` (one record 01, one 02, one 03, one 01 whose
# file name and trích yếu hold <script>), users made with `sohoa user`, the
# real sohoa-web on a loopback port over HTTPS, checked with curl:
#   sign-in, cookies and security headers, 401/403/404, CSRF refusal,
#   no endpoint leaks 02/03 content (search snippets and totals, record
#   JSON, page image, PDF, OCR text, hồ sơ page), XSS shown as text, path
#   tricks, HTTP Range on the signed PDF, the request of a 02 record
#   approved by a lãnh đạo, bearer tokens, the access log, and a clean
#   shutdown (ASan/LSan read the logs).
. "$(dirname "$0")/lib.sh"
PORT=$((20000 + RANDOM % 20000))
URL="https://127.0.0.1:$PORT"
EXTRA_CONF="web_listen = 127.0.0.1:$PORT
web_grant_days = 7
schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"" write_conf
mkdir -p "$T/scans/ho-so-web"
files=( $(ls "$TESTDATA"/corpus/*.png "$TESTDATA"/corpus/*.tif* 2>/dev/null | head -4) )
check "four test scans" test ${#files[@]} = 4
ext() { echo "${1##*.}"; }
cp "${files[0]}" "$T/scans/ho-so-web/a-cong-khai.$(ext "${files[0]}")"
cp "${files[1]}" "$T/scans/ho-so-web/b-co-dieu-kien.$(ext "${files[1]}")"
cp "${files[2]}" "$T/scans/ho-so-web/c-mat.$(ext "${files[2]}")"
XSSNAME="<script>alert(1)<\\script>.$(ext "${files[3]}")"
cp "${files[3]}" "$T/scans/ho-so-web/$XSSNAME"
"$SOHOA" ingest "$T/scans/ho-so-web" > "$T/ingest.log" 2>&1
check "sohoa ingest: four records done" test "$(state_count done)" = 4
id_of() { sql "SELECT id FROM records WHERE name LIKE '$1%'"; }
A=$(id_of a-cong); B=$(id_of b-co); C=$(id_of c-mat); D=$(id_of '<script>')
check "ids found" test -n "$A" -a -n "$B" -a -n "$C" -a -n "$D"
# The corpus prints "Mật" on some documents, which extraction keeps as
# secrecy: cleared here for A, B and D (checked again at the end).
for id in $A $B $D; do "$SOHOA" edit "$id" secrecy= > /dev/null; done
"$SOHOA" edit "$A" mode=01 issuedDate=2024-05-06 > /dev/null
"$SOHOA" edit "$B" mode=02 issuedDate=2024-05-07 codeNumber=77 codeNotation=QĐ-UBND > /dev/null
"$SOHOA" edit "$C" mode=03 issuedDate=2024-05-08 codeNumber=88 codeNotation=QĐ-UBND > /dev/null
"$SOHOA" edit "$D" "subject=<script>alert(3)</script> Về việc thử" issuedDate=2024-05-09 > /dev/null
check "modes stored" test "$(sql "SELECT group_concat(record_id || '=' || value, ',') FROM (SELECT record_id, value FROM fields WHERE name = 'mode' ORDER BY record_id)")" = "$(echo "$A=01 $B=02 $C=03" | tr ' ' '\n' | sort -n | paste -sd,)"
ORIGIN=$(sql "SELECT origin FROM records WHERE id = $A")
# From the OCR text: a word found only in B's text, one only in C's
# (diacritics folded, as search folds them), and a line of B's text to
# look for where it must not be.
for id in $A $B $C $D; do sql "SELECT text FROM pages WHERE record_id = $id" > "$T/text.$id"; done
read -r BWORD CWORD < <($PY - "$T/text.$A" "$T/text.$B" "$T/text.$C" "$T/text.$D" <<'PYEOF'
import re, sys, unicodedata
def fold(w):
    w = w.replace('đ', 'd').replace('Đ', 'D')
    return ''.join(c for c in unicodedata.normalize('NFD', w) if unicodedata.category(c) != 'Mn').lower()
texts = [open(p, encoding='utf-8').read() for p in sys.argv[1:]]
words = [set(fold(w) for w in re.findall(r'[^\W\d_]{4,}', t)) for t in texts]
def only(i):
    others = set().union(*(w for j, w in enumerate(words) if j != i))
    return sorted(words[i] - others, key=lambda w: (-len(w), w))[0]
print(only(1), only(2))
PYEOF
)
BLINE=$($PY -c "import re,sys; o=open(sys.argv[2]).read()+open(sys.argv[3]).read()+open(sys.argv[4]).read(); ls=[l.strip() for l in open(sys.argv[1], encoding='utf-8') if len(l.strip()) >= 20 and not re.search('[&<>\"\\\\\']', l) and l.strip() not in o]; print(max(ls, key=len))" "$T/text.$B" "$T/text.$A" "$T/text.$C" "$T/text.$D")
check "words of B and C ('$BWORD', '$CWORD'), a line of B ('$BLINE')" test -n "$BWORD" -a -n "$CWORD" -a -n "$BLINE"

echo "mật khẩu cán bộ" | "$SOHOA" user add canbo --role can-bo > /dev/null
echo "mật khẩu lãnh đạo" | "$SOHOA" user add lanhdao --role lanh-dao > /dev/null
check "users listed" test "$("$SOHOA" user list --json | json "','.join(u['name'] + ':' + u['role'] for u in d['users'])")" = "canbo:can-bo,lanhdao:lanh-dao"
TOKEN=$("$SOHOA" user token canbo)
LDTOKEN=$("$SOHOA" user token lanhdao)
check "token printed" test ${#TOKEN} = 64

"$SOHOA_BIN/sohoa-web" -f > "$T/web.log" 2>&1 &
WPID=$!
check "sohoa-web answers" wait_until 30 "curl -sk -o /dev/null $URL/login"
check "certificate made in state_dir/web, key private" test "$(stat -c %a "$T/state/web/key.pem")" = 600
FP=$("$SOHOA" status --json | json "d['web']['sha256']")
SERVED=$(echo | openssl s_client -connect 127.0.0.1:$PORT 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
check "sohoa status prints the served certificate's fingerprint" test -n "$FP" -a "$FP" = "$SERVED"

code() { curl -sk --path-as-is -o /dev/null -w '%{http_code}' "$@"; }
body() { curl -sk --path-as-is "$@"; }
check "page without sign-in: 303 to login" test "$(curl -sk -o /dev/null -w '%{http_code} %{redirect_url}' $URL/search)" = "303 $URL/login"
check "API without credentials: 401" test "$(code $URL/api/v1/search?q=x)" = 401
check "API with a bad token: 401" test "$(code -H 'Authorization: Bearer 0000' $URL/api/v1/records/$A)" = 401
# Keep-alive: a page, a 401 and a page again over one connection (each new
# connection is a TLS handshake).
check "three requests over one HTTPS connection" test "$(curl -sk -w '%{num_connects}' \
	-o /dev/null $URL/login -o /dev/null "$URL/api/v1/search?q=x" -o /dev/null $URL/login)" = 100
check "wrong password: 401" test "$(code -d 'name=canbo&password=sai' $URL/login)" = 401
login() { # jar name password
	curl -sk -D "$T/$1.headers" -c "$T/$1.jar" -o /dev/null --data-urlencode "name=$2" \
		--data-urlencode "password=$3" $URL/login
}
login cb canbo "mật khẩu cán bộ"
check "login sets an HttpOnly, Secure, SameSite=Strict cookie" grep -qi '^set-cookie: sohoa_sid=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Secure' "$T/cb.headers"
CB="-b $T/cb.jar"
body -D "$T/search.headers" $CB "$URL/search?q=cong+hoa" > "$T/search.html"
check "CSP default-src 'self' and frame-ancestors 'none'" grep -qi "^content-security-policy: default-src 'self';.*frame-ancestors 'none'" "$T/search.headers"
check "X-Content-Type-Options: nosniff" grep -qi '^x-content-type-options: nosniff' "$T/search.headers"
check "search without diacritics finds the public records" grep -q "href=\"/doc/$A\"" "$T/search.html"
check "search page marks the matched words" grep -q '<mark>' "$T/search.html"
api() { curl -sk -H "Authorization: Bearer $TOKEN" "$URL/api/v1/$1"; }
api "search?q=cong+hoa&limit=50" > "$T/s1.json"
check "API search: only 01 records (A, D) for words" test "$(json "sorted(r['id'] for r in d['results'])" < "$T/s1.json")" = "$(echo "[$A, $D]" | $PY -c "import sys; print(sorted(eval(sys.stdin.read())))")"
check "API search: total counts only them" test "$(json "d['total']" < "$T/s1.json")" = 2
check "the CLI finds B by its word" test "$("$SOHOA" search --json "$BWORD" | json "[r['id'] for r in d['results']]")" = "[$B]"
api "search?q=$BWORD" > "$T/s2.json"
check "words of the 02 record's text find nothing without a grant" test "$(json "d['total']" < "$T/s2.json")" = 0
api "search?q=$CWORD" > "$T/s3.json"
check "a word of the 03 record's text: nothing, not even a count" test "$(json "(d['total'], [r['id'] for r in d['results']].count($C))" < "$T/s3.json")" = "(0, 0)"
api "search?q=nam:2024&limit=50" > "$T/s4.json"
check "filter-only search lists 02 with its catalogue fields, never 03" test "$(json "(sorted(r['id'] for r in d['results']) == sorted([$A, $B, $D]), d['total'])" < "$T/s4.json")" = "(True, 3)"
check "02 in results: no snippet, trích yếu or name" test "$(json "[(r['access'], r['snippet'], r['subject'], r['name'], r['number']) for r in d['results'] if r['id'] == $B][0]" < "$T/s4.json")" = "('catalog', '', None, None, '77/QĐ-UBND')"
body $CB "$URL/search?nam=2024" > "$T/search2.html"
check "search form filters (năm) list 02 labelled, without 03" test "$(grep -c "href=\"/doc/$B\"" "$T/search2.html"),$(grep -c "href=\"/doc/$C\"" "$T/search2.html"),$(grep -c 'Sử dụng có điều kiện' "$T/search2.html")" = "1,0,1"
check "search page never shows the 02 text" test "$(grep -c "$BLINE" "$T/search2.html")" = 0

# The 03 record: 404 everywhere, as if it did not exist.
for p in doc/$C doc/$C/pdf doc/$C/page/1.png; do
	check "03: /$p is 404" test "$(code $CB $URL/$p)" = 404
done
for p in records/$C records/$C/pdf records/$C/pages/1; do
	check "03: /api/v1/$p is 404" test "$(code -H "Authorization: Bearer $TOKEN" $URL/api/v1/$p)" = 404
done
body $CB "$URL/hoso?o=$ORIGIN" > "$T/hoso.html"
check "hồ sơ page lists A, B and D, not C" test "$(grep -o 'href="/doc/[0-9]*"' "$T/hoso.html" | sort | paste -sd' '),$(grep -c '88/QĐ' "$T/hoso.html")" = "$(printf 'href="/doc/%s"\n' $A $B $D | sort | paste -sd' '),0"
check "hồ sơ page: no 02 or 03 text" test "$(grep -c "$BLINE\|$CWORD" "$T/hoso.html")" = 0

# The 02 record before a grant: catalogue fields, 403 for the rest.
body $CB "$URL/doc/$B" > "$T/b.html"
check "02 page: catalogue fields and the request form" grep -q 'Gửi yêu cầu khai thác' "$T/b.html"
check "02 page: number shown, no OCR text, no page image, no PDF link" test "$(grep -c '77' "$T/b.html"),$(grep -c "$BLINE" "$T/b.html"),$(grep -c 'page/1.png\|/pdf' "$T/b.html")" = "1,0,0"
check "02: PDF is 403" test "$(code $CB $URL/doc/$B/pdf)" = 403
check "02: page image is 403" test "$(code $CB $URL/doc/$B/page/1.png)" = 403
check "02: API PDF and page are 403" test "$(code -H "Authorization: Bearer $TOKEN" $URL/api/v1/records/$B/pdf),$(code -H "Authorization: Bearer $TOKEN" $URL/api/v1/records/$B/pages/1)" = "403,403"
api "records/$B" > "$T/b.json"
check "02 record JSON: catalog only, no pages, no trích yếu" test "$(json "(d['access'], d['pages'], d['pdf'], 'subject' in d['fields'], d['fields']['codeNumber'], d['name'])" < "$T/b.json")" = "('catalog', None, None, False, '77', None)"

# CSRF: a POST without the form token (or with another) is refused.
check "request without CSRF token: 403" test "$(code $CB -d 'reason=x' $URL/doc/$B/request)" = 403
check "request with a wrong CSRF token: 403" test "$(code $CB -d "reason=x&csrf=$(printf '0%.0s' $(seq 64))" $URL/doc/$B/request)" = 403
check "logout without CSRF token: 403" test "$(code $CB -X POST $URL/logout)" = 403
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$1" | head -1 | cut -d'"' -f4; }
CSRF=$(csrf_of "$T/b.html")
check "request with the token: 303" test "$(code $CB --data-urlencode "csrf=$CSRF" --data-urlencode 'reason=Giải quyết đơn <b>khiếu nại</b>' $URL/doc/$B/request)" = 303
check "can-bo may not see the requests page" test "$(code $CB $URL/requests)" = 403

login ld lanhdao "mật khẩu lãnh đạo"
LD="-b $T/ld.jar"
body $LD "$URL/requests" > "$T/req.html"
check "lãnh đạo sees the pending request, its reason escaped" grep -q 'Giải quyết đơn &lt;b&gt;khiếu nại&lt;/b&gt;' "$T/req.html"
RID=$(sql "SELECT id FROM access_requests WHERE record_id = $B AND state = 'pending'")
check "lãnh đạo cannot approve without CSRF" test "$(code $LD -d action=approve $URL/requests/$RID)" = 403
check "lãnh đạo approves: 303" test "$(code $LD -d "action=approve&csrf=$(csrf_of "$T/req.html")" $URL/requests/$RID)" = 303
check "grant for 7 days" test "$(sql "SELECT expires_at - strftime('%s', 'now') BETWEEN 7 * 86400 - 60 AND 7 * 86400 + 5 FROM access_requests WHERE id = $RID")" = 1
body $CB "$URL/doc/$B" > "$T/b2.html"
check "after approval the 02 text appears" grep -q "$BLINE" "$T/b2.html"
check "after approval its PDF is served" test "$(code $CB $URL/doc/$B/pdf)" = 200
check "another user (lãnh đạo) still has no access" test "$(code $LD $URL/doc/$B/pdf)" = 403
# The search cache (web_search_cache, on by default): canbo's search for
# B's word found nothing before the grant; the approval (another
# connection's commit) makes it find B, with its text.
check "after approval canbo's search finds B (not the cached empty result)" test "$(api "search?q=$BWORD" | json "(d['total'], [r['id'] for r in d['results']], [r['access'] for r in d['results']])")" = "(1, [$B], ['full'])"

# The public record: text, page image (PNG), the signed PDF with Range.
PDF=$(sql "SELECT '$T/state/spool/done/' || spool_id || '/document.pdf' FROM records WHERE id = $A")
SIZE=$(stat -c %s "$PDF")
curl -sk $CB -D "$T/pdf.headers" -o "$T/a.pdf" "$URL/doc/$A/pdf"
check "PDF served whole, identical to the signed PDF/A" cmp -s "$T/a.pdf" "$PDF"
check "PDF says it takes ranges" grep -qi '^accept-ranges: bytes' "$T/pdf.headers"
curl -sk $CB -r 100-1123 -D "$T/range.headers" -o "$T/range.bin" "$URL/doc/$A/pdf"
check "Range 100-1123: 206 with Content-Range" grep -qi "^content-range: bytes 100-1123/$SIZE" "$T/range.headers"
check "Range bytes are the file's" cmp -s "$T/range.bin" <(tail -c +101 "$PDF" | head -c 1024)
check "suffix Range -500: the last 500 bytes" cmp -s <(curl -sk $CB -r -500 "$URL/doc/$A/pdf") <(tail -c 500 "$PDF")
check "Range beyond the end: 416" test "$(code $CB -r "$((SIZE + 10))-" $URL/doc/$A/pdf)" = 416
check "download asks to save" grep -qi '^content-disposition: attachment' <(curl -sk $CB -D - -o /dev/null "$URL/doc/$A/pdf?download=1")
check "page image is a PNG" test "$(curl -sk $CB "$URL/doc/$A/page/1.png" | head -c 4 | od -An -tx1 | tr -d ' ')" = 89504e47
check "API page image is a PNG" test "$(api records/$A/pages/1 | head -c 4 | od -An -tx1 | tr -d ' ')" = 89504e47
check "no page 99: 404" test "$(code $CB $URL/doc/$A/page/99.png)" = 404
api "records/$A" > "$T/a.json"
check "01 record JSON: full, pages with text" test "$(json "(d['access'], len(d['pages']) >= 1, len(d['pages'][0]['text']) > 50, d['mode'])" < "$T/a.json")" = "('full', True, True, '01')"

# XSS: the file name and trích yếu holding <script> are shown as text.
body $CB "$URL/doc/$D" > "$T/d.html"
check "file name with <script> shown escaped" grep -q '&lt;script&gt;alert(1)&lt;\\script&gt;' "$T/d.html"
check "trích yếu with <script> shown escaped" grep -q '&lt;script&gt;alert(3)&lt;/script&gt;' "$T/d.html"
check "no live <script> on the page" test "$(grep -c '<script' "$T/d.html")" = 0
body $CB "$URL/search?q=thu" > "$T/xss-search.html"
check "search results: no live <script>" test "$(grep -c '<script' "$T/xss-search.html")" = 0

# Path tricks: 404, never a file.
for p in "doc/../etc/passwd" "doc/$A/../../catalog.db" "doc/$A%2Fpdf" "doc/%2e%2e/$A" \
	"doc/99999999999999999999" "doc/0$A" "doc/-1" "api/v1/records/$A%2F..%2Fpdf" \
	"api/v1/records/1e3" "static/../catalog.db" "doc/$A/page/0.png" "doc/$A//pdf"; do
	check "path trick /$p: 404" test "$(code $CB "$URL/$p")" = 404
done

# The access log, read with the CLI.
"$SOHOA" access-log --json --user canbo > "$T/log.json"
check "access log of canbo: login, search, metadata, text, page, pdf, request, denied" \
	test "$(json "sorted(set(e['what'] for e in d['entries']))" < "$T/log.json")" = "['denied', 'login', 'metadata', 'page', 'pdf', 'request', 'search', 'text']"
check "access log names the PDF of A with the address" test "$(json "sum(1 for e in d['entries'] if e['record'] == $A and e['what'] == 'pdf' and e['address'] == '127.0.0.1')" < "$T/log.json")" -ge 1
check "access log --record B has the approval by lanhdao" test "$("$SOHOA" access-log --json --record "$B" | json "[e['user'] for e in d['entries'] if e['what'] == 'approve']")" = "['lanhdao']"
check "access log: nothing ever served of C" test "$(sql "SELECT count(*) FROM access_log WHERE record_id = $C AND what IN ('metadata', 'text', 'pdf', 'page')")" = 0
check "access-log --since tomorrow: exit 1, nothing" test "$("$SOHOA" access-log --since 2999-01-01 > /dev/null; echo $?)" = 1

# A real browser: headless Chromium signs in, searches, opens a document
# and its PDF, asks for C (now 02), a lãnh đạo approves, the text appears.
# SOHOA_SCREENSHOTS=doc/screenshots keeps the screenshots for the README.
"$SOHOA" edit "$C" "mode=Sử dụng có điều kiện" > /dev/null
check "sohoa edit takes a mode by its name" test "$(sql "SELECT value FROM fields WHERE record_id = $C AND name = 'mode'")" = 02
echo "mật khẩu cán bộ" | "$SOHOA" user add canbo2 --role can-bo > /dev/null
CLINE=$($PY -c "import re,sys; o=open(sys.argv[2]).read()+open(sys.argv[3]).read()+open(sys.argv[4]).read(); ls=[l.strip() for l in open(sys.argv[1], encoding='utf-8') if len(l.strip()) >= 20 and not re.search('[&<>\"\\\\\']', l) and l.strip() not in o]; print(max(ls, key=len))" "$T/text.$C" "$T/text.$A" "$T/text.$B" "$T/text.$D")
if $PY "$SOHOA_SRC/tests/e2e/web_browser.py" "$URL" "$C" "cong hoa" "$CLINE" \
	"${SOHOA_SCREENSHOTS:-$T/shots}" > "$T/browser.out" 2> "$T/browser.err"; then
	cat "$T/browser.out"
else
	cat "$T/browser.out"; tail -20 "$T/browser.err"
	fail "browser test"
fi
check "browser's request and approval are in the access log" test "$(sql "SELECT group_concat(what, ',') FROM (SELECT what FROM access_log WHERE record_id = $C AND what IN ('request', 'approve') ORDER BY id)")" = "request,approve"

# A văn thư corrects a document from its page, through the path of
# `sohoa edit`: stored as the person's, an event with the user's name,
# the package rewritten; a cán bộ may not.
echo "mật khẩu văn thư" | "$SOHOA" user add vanthu --role van-thu > /dev/null
login vt vanthu "mật khẩu văn thư"
body -b "$T/vt.jar" "$URL/doc/$D" > "$T/vt.html"
check "văn thư sees the edit form" grep -q "action=\"/doc/$D/edit\"" "$T/vt.html"
check "cán bộ does not" test "$(grep -c "/doc/$D/edit" "$T/d.html")" = 0
METS_BEFORE=$(sql "SELECT package_mets_hash FROM records WHERE id = $D")
check "văn thư edit: 303" test "$(code -b "$T/vt.jar" --data-urlencode "csrf=$(csrf_of "$T/vt.html")" \
	--data-urlencode 'subject=Về việc sửa trích yếu qua trang web' --data-urlencode 'issuedDate=10/05/2024' \
	$URL/doc/$D/edit)" = 303
check "edited fields stored as the person's" test "$("$SOHOA" show --json "$D" | json "(d['fields']['subject']['value'], d['fields']['subject']['source'], d['fields']['issuedDate']['value'])")" = "('Về việc sửa trích yếu qua trang web', 'person', '2024-05-10')"
check "the edit is an event naming the user" test "$(sql "SELECT count(*) FROM events WHERE record_id = $D AND type = 'metadata modification' AND agent LIKE 'sohoa-web % (user vanthu)' AND detail LIKE 'subject: %qua trang web%'")" = 1
check "the package is rewritten" test "$(sql "SELECT package_mets_hash <> '$METS_BEFORE' FROM records WHERE id = $D")" = 1
check "a bad date is refused with a message: 400" test "$(code -b "$T/vt.jar" --data-urlencode "csrf=$(csrf_of "$T/vt.html")" --data-urlencode 'issuedDate=31/02/2024' $URL/doc/$D/edit)" = 400
CB2="-b $T/cb.jar"
check "cán bộ edit: 403" test "$(code $CB2 --data-urlencode "csrf=$(csrf_of "$T/b2.html")" --data-urlencode 'subject=x' $URL/doc/$D/edit)" = 403
check "văn thư edit without CSRF: 403" test "$(code -b "$T/vt.jar" --data-urlencode 'subject=x' $URL/doc/$D/edit)" = 403

# Logout ends the session; a disabled user's token stops working.
CSRF=$(csrf_of "$T/b2.html")
check "logout with the token: 303" test "$(code $CB -d "csrf=$CSRF" $URL/logout)" = 303
check "the old cookie no longer opens pages" test "$(code $CB $URL/search)" = 303
"$SOHOA" user disable canbo > /dev/null
check "disabled user's token: 401" test "$(code -H "Authorization: Bearer $TOKEN" $URL/api/v1/records/$A)" = 401

# A1: a record marked Mật is gone, whatever its mode.  The search is
# asked twice first (the second answered from the search cache, and logged
# all the same); `sohoa edit`, another process, must empty the cache.
NLOG=$(sql "SELECT count(*) FROM access_log WHERE user_name = 'lanhdao' AND what = 'search' AND detail = 'cong hoa'")
for i in 1 2; do
	check "before Tối mật: A in lanhdao's search ($i)" test "$(curl -sk -H "Authorization: Bearer $LDTOKEN" "$URL/api/v1/search?q=cong+hoa" | json "$A in [r['id'] for r in d['results']]")" = True
done
check "a repeated (cached) search is logged each time" test "$(sql "SELECT count(*) FROM access_log WHERE user_name = 'lanhdao' AND what = 'search' AND detail = 'cong hoa'")" = $((NLOG + 2))
"$SOHOA" edit "$A" "secrecy=Tối mật" > /dev/null
check "marked Tối mật: its page and PDF are 404" test "$(code -H "Authorization: Bearer $LDTOKEN" $URL/api/v1/records/$A),$(code -H "Authorization: Bearer $LDTOKEN" $URL/api/v1/records/$A/pdf)" = "404,404"
check "marked Tối mật: out of search results and totals" test "$(curl -sk -H "Authorization: Bearer $LDTOKEN" "$URL/api/v1/search?q=cong+hoa" | json "(d['total'], [r['id'] for r in d['results']])")" = "(1, [$D])"

# Sorted by date: newest first, whatever the relevance.
login ld2 lanhdao "mật khẩu lãnh đạo"
body -b "$T/ld2.jar" "$URL/search?nam=2024&sap=ngay" > "$T/bydate.html"
check "search sorted by date: newest first" test "$(grep -o 'Ngày [0-9/]*' "$T/bydate.html" | awk '{split($2, d, "/"); print d[3] d[2] d[1]}' | paste -sd' ')" = "$(grep -o 'Ngày [0-9/]*' "$T/bydate.html" | awk '{split($2, d, "/"); print d[3] d[2] d[1]}' | sort -r | paste -sd' ')"
check "... of several results" test "$(grep -o 'Ngày [0-9/]*' "$T/bydate.html" | wc -l)" -ge 2

kill -TERM $WPID
wait $WPID
check "sohoa-web stops cleanly on SIGTERM" test $? = 0
check "sohoa-web says what its search cache did, with hits" grep -q 'search cache: [1-9][0-9]* hits' "$T/web.log"

# web_tls = off (behind a reverse proxy): plain HTTP, cookies without Secure.
PORT2=$((PORT + 1))
sed -i "s/^web_listen = .*/web_listen = 127.0.0.1:$PORT2/" "$T/sohoa.conf"
echo "web_tls = off" >> "$T/sohoa.conf"
"$SOHOA_BIN/sohoa-web" -f >> "$T/web.log" 2>&1 &
WPID=$!
check "plain HTTP with web_tls = off" wait_until 30 "curl -s -o /dev/null http://127.0.0.1:$PORT2/login"
curl -s -D "$T/plain.headers" -o /dev/null --data-urlencode name=lanhdao \
	--data-urlencode "password=mật khẩu lãnh đạo" "http://127.0.0.1:$PORT2/login"
check "... its cookie is HttpOnly and SameSite=Strict, not Secure" test "$(grep -ci '^set-cookie: sohoa_sid=.*HttpOnly; SameSite=Strict' "$T/plain.headers"),$(grep -ci '^set-cookie:.*Secure' "$T/plain.headers")" = "1,0"
kill -TERM $WPID
wait $WPID
check "... and stops cleanly" test $? = 0
finish
