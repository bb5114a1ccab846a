#!/bin/bash
# sohoa-web's own user (issue 12; SECURITY.md "sohoa-web's own user"): the
# store laid out as the .deb lays it out (tmpfiles.d: state_dir 3770
# owner:web-group, aip 2770; inbox 2775 and keys 0600 in the daemon's
# group), sohoad run as one uid (in both groups) and sohoa-web as another
# (its own group only), as the units run them.  The web process, with the
# credentials it runs with, reads the store, signs people in and writes the
# catalog, and rewrites a package (the code of 'sohoa edit', which the
# văn thư's desk calls); it cannot read the signing key, the PKCS#12 or the
# PIN file, nor the backup, nor write the inbox.  sohoad goes on ingesting
# after the web wrote the catalog, and rewrites a package the web wrote.
# The văn thư's quarantine screen works with these credentials: the list
# (from the catalog), the preview PNG sohoad rendered (the web cannot read
# the quarantined file itself), and a retry and a delete asked on the web
# and carried out by sohoad.
# Needs root (to run as other uids); CI runs as root.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "   SKIP: t_webuser runs sohoad and sohoa-web as two other uids: it needs root and setpriv"
	finish
	exit 0
fi
# Two uids and gids no account uses: the daemon's (sohoa) and the web's (sohoa-web).
pick() { local i=$1; while getent passwd $i >/dev/null || getent group $i >/dev/null; do i=$((i + 1)); done; echo $i; }
DU=$(pick 61230); WU=$(pick $((DU + 1)))
DG=$DU; WG=$WU
as_d() { setpriv --reuid=$DU --regid=$DG --groups=$DG,$WG -- "$@"; }
as_w() { setpriv --reuid=$WU --regid=$WG --clear-groups -- "$@"; }
chmod 755 "$T"
PORT=$((20000 + RANDOM % 20000))
URL="https://127.0.0.1:$PORT"
mkdir -p "$T/keys" "$T/backup" "$T/state/aip" "$T/inbox" "$T/quarantine"
( cd "$T/keys" && openssl req -x509 -newkey rsa:2048 -nodes -keyout sign.key -out sign.pem -days 30 \
	-subj "/CN=UBND xa Van Binh" -addext keyUsage=critical,digitalSignature,nonRepudiation >/dev/null 2>&1 &&
	openssl pkcs12 -export -inkey sign.key -in sign.pem -out sign.p12 -passout pass:123456 >/dev/null 2>&1 &&
	echo 123456 > sign.pin )
# What tmpfiles.d and the postinst make (systemd/sohoa.tmpfiles).
chown $DU:$DG "$T/keys" "$T/keys"/* "$T/backup" "$T/inbox" "$T/quarantine"
chmod 0750 "$T/keys"; chmod 0600 "$T/keys/sign.key" "$T/keys/sign.p12" "$T/keys/sign.pin"
chmod 0644 "$T/keys/sign.pem"; chmod 0750 "$T/backup"; chmod 2775 "$T/inbox" "$T/quarantine"
chown $DU:$WG "$T/state" "$T/state/aip"; chmod 3770 "$T/state"; chmod 2770 "$T/state/aip"
EXTRA_CONF="web_listen = 127.0.0.1:$PORT
schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
backup_dir = $T/backup
sign_key = $T/keys/sign.key
sign_cert = $T/keys/sign.pem" write_conf
chmod 644 "$T/sohoa.conf"
touch "$T/daemon.log" "$T/web.log"; chown $DU "$T/daemon.log"; chown $WU "$T/web.log"
scans=( $(ls "$TESTDATA"/corpus/*.png | head -2) )

# sohoad as the daemon's uid.
setpriv --reuid=$DU --regid=$DG --groups=$DG,$WG -- "$SOHOAD" -f >> "$T/daemon.log" 2>&1 &
DPID=$!
install -o $DU -g $DG -m 0640 "${scans[0]}" "$T/inbox/a.png"
check "sohoad (uid $DU) makes a packaged record" \
	wait_until 240 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
ID=$(sql "SELECT id FROM records LIMIT 1")
check "the catalog is 0660 in the web's group" test "$(stat -c '%a %g' "$T/state/catalog.db")" = "660 $WG"
PKG=$(ls -d "$T/state/aip"/*/ | head -1)
check "a package folder is 0770 in the web's group (set-group-id inherited)" \
	test "$(stat -c '%a %g' "$PKG")" = "2770 $WG" -a "$(stat -c '%a' "$PKG/metadata")" = 2770
echo "mật khẩu cán bộ" | as_d "$SOHOA" user add canbo --role can-bo > /dev/null
echo "mật khẩu văn thư" | as_d "$SOHOA" user add vanthu --role van-thu > /dev/null
# Two files for the quarantine: a byte-for-byte copy (an exact duplicate,
# a good PNG) and a file that is no image.
install -o $DU -g $DG -m 0640 "${scans[0]}" "$T/inbox/a-copy.png"
printf 'Day khong phai la anh quet.\n' > "$T/rac.png"
install -o $DU -g $DG -m 0640 "$T/rac.png" "$T/inbox/rac.png"
TOKEN=$(as_d "$SOHOA" user token canbo)

# sohoa-web as the web's uid, its own group only.
setpriv --reuid=$WU --regid=$WG --clear-groups -- "$SOHOA_BIN/sohoa-web" -f >> "$T/web.log" 2>&1 &
WPID=$!
check "sohoa-web (uid $WU) answers over HTTPS" wait_until 30 "curl -sk -o /dev/null $URL/login"
creds=$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} /^Groups:/ {$1=""; s=$0} END {print u, g, "[" s "]"}' /proc/$WPID/status)
check "the web process runs as $WU:$WG with no other group ($creds)" test "$creds" = "$WU $WG [ ]" -o "$creds" = "$WU $WG []"
check "its certificate is its own (state/web, key 0600)" test "$(stat -c '%u %a' "$T/state/web/key.pem")" = "$WU 600"
code=$(curl -sk -o /dev/null -w '%{http_code}' -c "$T/jar" --data-urlencode name=canbo \
	--data-urlencode 'password=mật khẩu cán bộ' "$URL/login")
check "sign-in works (a session written into the catalog by the web's uid): 303" test "$code" = 303
total=$(curl -sk -H "Authorization: Bearer $TOKEN" "$URL/api/v1/search?q=uy+ban" | json "d['total']")
check "the API search reads the store (total $total)" test "${total:-0}" -ge 1
check "the sign-in is in the access log / sessions" test "$(sql "SELECT count(*) FROM web_sessions")" -ge 1

# What the web's credentials cannot do.
for f in sign.key sign.p12 sign.pin; do
	if as_w cat "$T/keys/$f" > /dev/null 2>&1; then fail "the web's uid can read the $f"; else ok "the web's uid cannot read $f"; fi
done
if as_w sh -c "cat '$T/backup'/* '$T/backup'/*/* 2>/dev/null | head -c1 | grep -q ." ; then
	fail "the web's uid can read the backup"; else ok "the web's uid cannot read the backup"; fi
check "(the backup does hold the store: the test above is not empty)" test -n "$(find "$T/backup" -type f | head -1)"
if as_w touch "$T/inbox/from-web.png" 2>/dev/null; then fail "the web's uid can write the inbox"; else ok "the web's uid cannot write the inbox"; fi
if as_w mv "$T/state/sohoa-store.id" "$T/state/x" 2>/dev/null; then fail "the web's uid can rename sohoad's files in state_dir (sticky bit)"; else ok "the web's uid cannot rename or remove sohoad's files in state_dir (sticky)"; fi
# The web process itself: a web_key it may not read stops it with a clear error.
sed "s|^web_listen = .*|web_listen = 127.0.0.1:$((PORT + 1))\nweb_cert = $T/keys/sign.pem\nweb_key = $T/keys/sign.key|" "$T/sohoa.conf" > "$T/keyweb.conf"
chmod 644 "$T/keyweb.conf"
out=$(as_w "$SOHOA_BIN/sohoa-web" -n -c "$T/keyweb.conf" 2>&1); rc=$?
check "sohoa-web as its user cannot open the signing key (-n fails, rc $rc)" test $rc != 0
case "$out" in *"keys/sign."*"Permission denied"*) ok "... naming the file" ;; *) fail "sohoa-web -n said: $out" ;; esac

# The văn thư's quarantine screen (issue: the quarantine desk with sohoa-web as its own user).
check "two files quarantined" wait_until 120 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'quarantined'"' AND quarantine_published = 1")" = 2 ]'
COPY=$(sql "SELECT id FROM records WHERE name = 'a-copy.png'"); RAC=$(sql "SELECT id FROM records WHERE name = 'rac.png'")
COPYQ=$(sql "SELECT quarantine_name FROM records WHERE id = $COPY"); RACQ=$(sql "SELECT quarantine_name FROM records WHERE id = $RAC")
if as_w cat "$T/quarantine/$COPYQ" > /dev/null 2>&1; then fail "the web's uid can read a quarantined file"; else ok "the web's uid cannot read the quarantined files ($COPYQ)"; fi
check "sohoad rendered the previews" wait_until 60 '[ "$(sql "SELECT count(*) FROM quarantine_previews")" = 2 ]'
check "... the copy's PNG in the web's group, 0640, folder readable by the group" \
	test "$(stat -c '%a %g' "$T/state/quarantine-previews/$COPY.png") $(stat -c '%g' "$T/state/quarantine-previews")" = "640 $WG $WG"
curl -sk -c "$T/vt.jar" -o /dev/null --data-urlencode name=vanthu --data-urlencode 'password=mật khẩu văn thư' "$URL/login"
curl -sk -b "$T/vt.jar" "$URL/quarantine" > "$T/q.html"
check "the quarantine list shows both files" sh -c "grep -q 'id=\"q$COPY\"' '$T/q.html' && grep -q 'id=\"q$RAC\"' '$T/q.html' && grep -q 'a-copy.png' '$T/q.html' && grep -q 'rac.png' '$T/q.html'"
check "... the copy with its preview, the other with the reason in text" sh -c "grep -q 'quarantine/$COPY/preview.png' '$T/q.html' && grep -A40 'id=\"q$RAC\"' '$T/q.html' | grep -q 'class=\"err\">Không đọc được tệp'"
curl -sk -b "$T/vt.jar" -o "$T/pv.png" -w '%{http_code} %{content_type}' "$URL/quarantine/$COPY/preview.png" > "$T/pv.code"
check "the preview PNG is served by the web's uid ($(cat "$T/pv.code"))" sh -c "[ \"\$(cat '$T/pv.code')\" = '200 image/png' ] && cmp -s '$T/pv.png' '$T/state/quarantine-previews/$COPY.png'"
CSRF=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/q.html" | head -1 | cut -d'"' -f4)
code=$(curl -sk -b "$T/vt.jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" "$URL/quarantine/$RAC/retry")
check "retry asked on the web: 303" test "$code" = 303
code=$(curl -sk -b "$T/vt.jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" -d confirm=yes "$URL/quarantine/$COPY/delete")
check "delete asked on the web: 303" test "$code" = 303
check "sohoad carried both out" wait_until 30 '[ "$(sql "SELECT group_concat(action || '"':'"' || state, '"','"') FROM (SELECT * FROM desk_requests ORDER BY id)")" = "retry:done,delete:done" ]'
check "... the retried file left the quarantine (put back, an event naming vanthu)" \
	test "$(sql "SELECT quarantine_released FROM records WHERE id = $RAC"),$(sql "SELECT count(*) FROM events WHERE record_id = $RAC AND type = 'retry' AND detail LIKE '%by vanthu%'")" = "1,1" -a ! -e "$T/quarantine/$RACQ"
check "... the deleted file is gone (an event naming vanthu)" \
	test "$(sql "SELECT quarantine_released FROM records WHERE id = $COPY"),$(sql "SELECT count(*) FROM events WHERE record_id = $COPY AND type = 'deletion' AND detail LIKE '%by vanthu%'")" = "2,1" -a ! -e "$T/quarantine/$COPYQ"
curl -sk -b "$T/vt.jar" "$URL/quarantine" > "$T/q2.html"
check "... the page shows both requests done (xong)" test "$(grep -o '<td class="state">xong</td>' "$T/q2.html" | wc -l)" = 2
check "the requests are in the access log" test "$(as_d "$SOHOA" access-log --json --user vanthu | json "sum(1 for e in d['entries'] if e['what'] in ('quarantine retry', 'quarantine delete'))")" = 2

# Package rewrites both ways (the văn thư's edits call the code of 'sohoa edit').
before=$(sql "SELECT packaged_at FROM records WHERE id = $ID")
out=$(as_w "$SOHOA" edit "$ID" "subject=Sửa bởi người dùng web" 2>&1); rc=$?
check "the web's uid rewrites a package sohoad wrote (sohoa edit as $WU: $rc)" test $rc = 0
[ $rc = 0 ] || echo "$out" | sed 's/^/     /'
check "... the package says so" grep -rqs "Sửa bởi người dùng web" "$T/state/aip"
out=$(as_d "$SOHOA" edit "$ID" "subject=Sửa lại bởi sohoa" 2>&1); rc=$?
check "the daemon's uid rewrites the package the web's uid wrote" test $rc = 0
[ $rc = 0 ] || echo "$out" | sed 's/^/     /'
check "... one package folder, none left behind" test "$(ls "$T/state/aip" | grep -vc '^\.')" = 1

# sohoad goes on after the web wrote the catalog.
install -o $DU -g $DG -m 0640 "${scans[1]}" "$T/inbox/b.png"
check "sohoad ingests again after the web wrote the catalog" \
	wait_until 240 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 2 ]'
fp=$(as_d "$SOHOA" status --json | json "d['web']['sha256']")
check "sohoa status (the daemon's uid) reads the web's certificate fingerprint" test -n "$fp"

kill -TERM $WPID; wait $WPID; rc=$?
check "sohoa-web stops cleanly" test $rc = 0
kill -TERM $DPID; wait $DPID; rc=$?; DPID=""
check "sohoad stops cleanly" test $rc = 0
grep -q "ERROR: AddressSanitizer\|runtime error" "$T/web.log" && fail "sanitizer report in web.log" || ok "no sanitizer report from sohoa-web"
finish
