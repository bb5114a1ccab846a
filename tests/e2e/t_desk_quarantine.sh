#!/bin/bash
# The văn thư's desk in sohoa-web: the quarantine, the probable duplicates
# and the exports (web/desk_quarantine.c), with the real sohoad and the real
# sohoa-web on a temp store.  Into the inbox: two good scans, a byte-for-byte
# copy of one (an exact duplicate, quarantined), the other saved again with
# one byte more (a probable duplicate: same số, ký hiệu, date and cơ quan),
# a PNG cut in half (quarantined) and a file that is no image at all
# (quarantined).  sohoad renders the previews (in a limited child process)
# into state/quarantine-previews; sohoa-web only serves them.  Then with
# curl: the list with reasons in Vietnamese, a preview where the file
# decodes and the error as text where it does not, 403 for a cán bộ on
# every screen and action; and in headless Chromium
# (desk_quarantine_browser.py): the cut PNG replaced in the quarantine
# folder and retried until it is done, the other deleted after the
# confirmation step, the probable duplicate compared side by side and
# dropped - each a desk request that sohoad carries out while the page
# refreshes itself - and a closed month exported through sohoad, its bundle and .p7s
# downloaded and verified with openssl cms -verify.  The open month needs
# the confirmation.  Every action is in `sohoa access-log` and the events.
#
# Time: the records are made now; SOHOA_TEST_NOW (export.h) tells sohoad's
# and sohoa-web's export clock that it is the 1st of next month, so this
# month is a closed month and next month the open one.
. "$(dirname "$0")/lib.sh"
PORT=$((20000 + RANDOM % 20000))
URL="https://127.0.0.1:$PORT"

make_test_pki

MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
OPEN=$(TZ=Asia/Ho_Chi_Minh date -d "$(date +%Y-%m-15) +1 month" +%Y-%m)
export SOHOA_TEST_NOW=$(date -d "$OPEN-01 12:00 +07:00" +%s)
STABLE=1 EXTRA_CONF="web_listen = 127.0.0.1:$PORT
schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"
sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem
outbox = $T/outbox" write_conf

C="$TESTDATA/corpus"
for f in qd-172-2023.png cv-127-2025.tif gm-175-2026.png; do
	check "test scan $f" test -s "$C/$f"
done
cp "$C/qd-172-2023.png" "$T/inbox/a-tot.png"
cp "$C/cv-127-2025.tif" "$T/inbox/b-goc.tif"
start_daemon
check "the two good scans done" wait_until 300 '[ "$(state_count done)" = 2 ]'
# The same scan saved again (one byte more at the end): another hash, the
# same fields.  A byte-for-byte copy.  Half a PNG.  No image at all.
{ cat "$C/cv-127-2025.tif"; printf '\n'; } > "$T/b-ban-sao.tif"
mv "$T/b-ban-sao.tif" "$T/inbox/"
cp "$C/qd-172-2023.png" "$T/inbox/a-trung.png"
head -c $(( $(stat -c %s "$C/gm-175-2026.png") / 2 )) "$C/gm-175-2026.png" > "$T/inbox/hong.png"
printf 'Day khong phai la anh quet.\n' > "$T/inbox/xoa.png"
check "three files quarantined" wait_until 120 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'quarantined'"' AND quarantine_published = 1")" = 3 ]'
check "the probable duplicate flagged" wait_until 300 '[ -n "$(sql "SELECT id FROM records WHERE name = '"'b-ban-sao.tif'"' AND probable_duplicate_of IS NOT NULL")" ]'
id_of() { sql "SELECT id FROM records WHERE name = '$1' ORDER BY id DESC LIMIT 1"; }
HONG=$(id_of hong.png); XOA=$(id_of xoa.png); TRUNG=$(id_of a-trung.png); DUP=$(id_of b-ban-sao.tif)
HONGQ=$(sql "SELECT quarantine_name FROM records WHERE id = $HONG")
# The corpus prints "Mật" on some scans, which extraction keeps as secrecy
# (hidden from every web user, the desk too): cleared for the pair.
for id in $(id_of b-goc.tif) $DUP; do "$SOHOA" edit "$id" secrecy= > /dev/null; done
check "ids ($HONG, $XOA, $TRUNG, $DUP) and the quarantine name ($HONGQ)" test -n "$HONG" -a -n "$XOA" -a -n "$TRUNG" -a -n "$DUP" -a -s "$T/quarantine/$HONGQ"
check "sohoad made the three previews" wait_until 120 '[ "$(sql "SELECT count(*) FROM quarantine_previews")" = 3 ]'
check "... the good PNG rendered (png), the cut PNG and the non-image not (bad, truncated / a reason)" \
	test "$(sql "SELECT group_concat(status || ':' || coalesce(reason, ''), ',') FROM (SELECT * FROM quarantine_previews WHERE record_id IN ($TRUNG, $HONG) ORDER BY record_id)")" = "$([ $HONG -lt $TRUNG ] && echo "bad:truncated,png:" || echo "png:,bad:truncated")"
check "... the rendered one in state/quarantine-previews, 0640" test "$(stat -c %a "$T/state/quarantine-previews/$TRUNG.png")" = 640
check "... none for the files that do not decode" test ! -e "$T/state/quarantine-previews/$XOA.png" -a ! -e "$T/state/quarantine-previews/$HONG.png"
check "... with the reason file's text kept beside it" test "$(sql "SELECT length(note) > 20 FROM quarantine_previews WHERE record_id = $HONG")" = 1

echo "mật khẩu văn thư" | "$SOHOA" user add vanthu --role van-thu > /dev/null
echo "mật khẩu cán bộ" | "$SOHOA" user add canbo --role can-bo > /dev/null
"$SOHOA_BIN/sohoa-web" -f > "$T/web.log" 2>&1 &
WPID=$!
check "sohoa-web answers" wait_until 30 "curl -sk -o /dev/null $URL/login"

code() { curl -sk -o /dev/null -w '%{http_code}' "$@"; }
login() { # jar name password
	curl -sk -c "$T/$1.jar" -o /dev/null --data-urlencode "name=$2" \
		--data-urlencode "password=$3" $URL/login
}
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' "$1" | head -1 | cut -d'"' -f4; }
login vt vanthu "mật khẩu văn thư"
login cb canbo "mật khẩu cán bộ"
VT="-b $T/vt.jar"; CB="-b $T/cb.jar"

# ---- the list, as a văn thư sees it ------------------------------------------
curl -sk $VT "$URL/quarantine" > "$T/q.html"
check "the list names the three files" sh -c "grep -q 'hong.png' '$T/q.html' && grep -q 'xoa.png' '$T/q.html' && grep -q 'a-trung.png' '$T/q.html'"
check "... with reasons in Vietnamese (one per file)" test "$(grep -c 'class="reason"' "$T/q.html")" = 3
check "... the exact copy says which record it duplicates" grep -q "Trùng với.*/doc/$(id_of a-tot.png)" "$T/q.html"
check "... a file that is no image: the error as text, no preview" sh -c "grep -A40 'id=\"q$XOA\"' '$T/q.html' | grep -q 'class=\"err\">Không đọc được tệp' && ! grep -q 'quarantine/$XOA/preview.png' '$T/q.html'"
check "... a cut PNG: the error as text (truncated), no preview" sh -c "grep -A40 'id=\"q$HONG\"' '$T/q.html' | grep -q 'class=\"err\">Không đọc được tệp: .*cắt cụt' && ! grep -q 'quarantine/$HONG/preview.png' '$T/q.html'"
check "... the exact copy (a good PNG) has a preview" grep -q "quarantine/$TRUNG/preview.png" "$T/q.html"
curl -sk $VT -D "$T/pv.h" -o "$T/pv.png" "$URL/quarantine/$TRUNG/preview.png"
check "preview: the bytes sohoad stored" cmp "$T/pv.png" "$T/state/quarantine-previews/$TRUNG.png"
check "preview: a PNG of the first page, at most 900 px wide" test "$($PY -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(d[:8]==b'\x89PNG\r\n\x1a\n' and 0 < struct.unpack('>I', d[16:20])[0] <= 900)" "$T/pv.png")" = True
check "a file that cannot be decoded: 422, said in text" test "$(code $VT "$URL/quarantine/$XOA/preview.png")" = 422
check "the list shows the probable duplicate pair" grep -q "quarantine/dup/$DUP" "$T/q.html"
curl -sk $VT "$URL/exports" > "$T/ex.html"
check "the export form offers the last closed month ($MONTH)" grep -q "name=\"month\" id=\"month\" value=\"$MONTH\"" "$T/ex.html"

# ---- a cán bộ: 403 on every screen and action ---------------------------------
curl -sk $CB "$URL/search" > "$T/cb.html"
CBCSRF=$(csrf_of "$T/cb.html")
check "the cán bộ's CSRF token" test ${#CBCSRF} = 64
for p in quarantine quarantine/$TRUNG/preview.png quarantine/$XOA/delete quarantine/dup/$DUP \
	exports exports/1/bundle exports/1/p7s; do
	check "can-bo: GET /$p is 403" test "$(code $CB "$URL/$p")" = 403
done
for p in quarantine/$HONG/retry quarantine/$XOA/delete quarantine/dup/$DUP/keep \
	quarantine/dup/$DUP/drop exports/run; do
	check "can-bo: POST /$p is 403" test "$(code $CB --data-urlencode "csrf=$CBCSRF" -d confirm=yes -d drop=$DUP -d month=$MONTH "$URL/$p")" = 403
done
sleep 2
check "... and nothing changed (nothing queued)" test "$(sql "SELECT count(*) FROM records WHERE state = 'quarantined' AND quarantine_released = 0"),$(sql "SELECT count(*) FROM export_requests"),$(sql "SELECT count(*) FROM desk_requests")" = "3,0,0"
check "the refusals are in the access log" test "$("$SOHOA" access-log --json --user canbo | json "sum(1 for e in d['entries'] if e['what'] == 'denied')")" = 12

check "before: the probable duplicate is found by search (nam:2025)" test "$("$SOHOA" search --json "nam:2025" | json "[r['id'] for r in d['results']].count($DUP)")" = 1

# ---- a file replaced in the quarantine folder: its preview is made again ------------
XOAQ=$(sql "SELECT quarantine_name FROM records WHERE id = $XOA")
cp "$C/gm-175-2026.png" "$T/quarantine/$XOAQ.new" && mv "$T/quarantine/$XOAQ.new" "$T/quarantine/$XOAQ"
check "xoa.png replaced by a scan: sohoad makes its preview again (a PNG now)" \
	wait_until 60 '[ "$(sql "SELECT status FROM quarantine_previews WHERE record_id = $XOA")" = png ]'
check "... served by the web" test "$(code $VT "$URL/quarantine/$XOA/preview.png")" = 200

# ---- the browser ----------------------------------------------------------------
# desk_quarantine_browser.py replaces the cut PNG in the quarantine folder by
# the whole scan, then retries it; deletes xoa.png; drops the probable
# duplicate; exports MONTH and downloads its bundle and signature.
mkdir -p "$T/dl"
if $PY "$SOHOA_SRC/tests/e2e/desk_quarantine_browser.py" "$URL" "${SOHOA_SCREENSHOTS:-$T/shots}" \
	"$T/quarantine/$HONGQ" "$C/gm-175-2026.png" "$HONG" "$XOA" "$DUP" "$MONTH" "$T/dl" \
	> "$T/browser.out" 2> "$T/browser.err"; then
	cat "$T/browser.out"
else
	cat "$T/browser.out"; tail -20 "$T/browser.err"
	fail "browser test"
fi
check "the desk requests (retry, delete, drop) were carried out by sohoad, for vanthu" \
	test "$(sql "SELECT group_concat(action || ':' || state || ':' || requested_by, ',') FROM (SELECT * FROM desk_requests ORDER BY id)")" = "retry:done:vanthu,delete:done:vanthu,drop:done:vanthu"
check "... the previews of the files that left the quarantine are gone" test ! -e "$T/state/quarantine-previews/$HONG.png" -a "$(sql "SELECT count(*) FROM quarantine_previews WHERE record_id IN ($HONG, $XOA)")" = 0
check "the retried file is done as a new record" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE name = '"'hong.png'"' AND state = '"'done'"'")" = 1 ]'
check "... the quarantined one is marked put back, with an event naming vanthu" test "$(sql "SELECT quarantine_released FROM records WHERE id = $HONG"),$(sql "SELECT count(*) FROM events WHERE record_id = $HONG AND type = 'retry' AND detail LIKE '%by vanthu%'")" = "1,1"
check "the deleted file and its reason file are gone from the quarantine" test -z "$(ls "$T/quarantine" | grep '^xoa\.png')"
check "... the record stays, marked deleted, with an event naming vanthu" test "$(sql "SELECT quarantine_released FROM records WHERE id = $XOA"),$(sql "SELECT count(*) FROM events WHERE record_id = $XOA AND type = 'deletion' AND detail LIKE '%by vanthu%'")" = "2,1"
check "the dropped duplicate left the live set (reason duplicate)" test "$(sql "SELECT state || ',' || reason || ',' || duplicate_of FROM records WHERE id = $DUP")" = "quarantined,duplicate,$(id_of b-goc.tif)"
check "... with an event naming vanthu" test "$(sql "SELECT count(*) FROM events WHERE record_id = $DUP AND type = 'duplicate review' AND detail LIKE '%by vanthu%'")" = 1
check "... and it is found by no search" test "$("$SOHOA" search --json "nam:2025" | json "[r['id'] for r in d['results']].count($DUP)")" = 0
check "the export request: done, by vanthu" test "$(sql "SELECT state || ',' || requested_by || ',' || month FROM export_requests ORDER BY id LIMIT 1")" = "done,vanthu,$MONTH"
B="sohoa-000.00.01.H26-$MONTH.tar"
check "the downloaded bundle is the outbox's" cmp "$T/dl/$B" "$T/outbox/$B"
check "the downloaded signature is the outbox's" cmp "$T/dl/$B.p7s" "$T/outbox/$B.p7s"
openssl cms -verify -binary -inform DER -in "$T/dl/$B.p7s" -content "$T/dl/$B" \
	-CAfile "$T/pki/ca.pem" -out /dev/null 2> "$T/cms.out"
check "openssl cms -verify: the downloaded bundle's signature verifies" test $? = 0
check "the bundle's export events name the requesting user" test "$(sql "SELECT count(*) FROM events WHERE agent LIKE '%requested on the web by vanthu%'")" -ge 1

# ---- the open month: only with the confirmation ---------------------------------
curl -sk $VT "$URL/exports" > "$T/ex2.html"
VTCSRF=$(csrf_of "$T/ex2.html")
check "open month $OPEN without confirmation: 409" test "$(code $VT --data-urlencode "csrf=$VTCSRF" -d month=$OPEN "$URL/exports/run")" = 409
curl -sk $VT --data-urlencode "csrf=$VTCSRF" -d month=$OPEN "$URL/exports/run" > "$T/open.html"
check "... the page asks for the confirmation" grep -q 'name="confirm" value="yes"' "$T/open.html"
check "... nothing queued" test "$(sql "SELECT count(*) FROM export_requests WHERE month = '$OPEN'")" = 0
check "an exported month again without confirmation: 409" test "$(code $VT --data-urlencode "csrf=$VTCSRF" -d month=$MONTH "$URL/exports/run")" = 409
# sohoad stopped meanwhile, so that the request waits.
stop_daemon
check "open month with the confirmation: queued (303)" test "$(code $VT --data-urlencode "csrf=$VTCSRF" -d month=$OPEN -d confirm=yes "$URL/exports/run")" = 303
check "... as a confirmed request, waiting" test "$(sql "SELECT force || ',' || state FROM export_requests WHERE month = '$OPEN'")" = "1,pending"
curl -sk $VT "$URL/exports" > "$T/ex3.html"
check "... the page shows it waiting (chờ)" grep -q '<td class="state">chờ</td>' "$T/ex3.html"
check "a second request for the same month while one waits: refused (409)" test "$(code $VT --data-urlencode "csrf=$VTCSRF" -d month=$OPEN -d confirm=yes "$URL/exports/run")" = 409
start_daemon
check "... sohoad started again runs it to the end" wait_until 180 '[ "$(sql "SELECT state FROM export_requests WHERE month = '"'$OPEN'"'")" = done ]'
check "a month that does not exist: 400" test "$(code $VT --data-urlencode "csrf=$VTCSRF" -d month=2025-13 "$URL/exports/run")" = 400

# ---- the access log -------------------------------------------------------------
"$SOHOA" access-log --json --user vanthu > "$T/log.json"
for w in "quarantine retry" "quarantine delete" "duplicate resolve" "export request" \
	"export download" "export download signature"; do
	check "access log: '$w' by vanthu" test "$(json "sum(1 for e in d['entries'] if e['what'] == '$w')" < "$T/log.json")" -ge 1
done

kill -TERM $WPID
wait $WPID
check "sohoa-web stops cleanly" test $? = 0
stop_daemon
check "sohoad stops cleanly" test $? = 0
finish
