#!/bin/bash
# Bad input of every kind goes to the quarantine with a reason file in
# Vietnamese and English; the daemon keeps serving; 'sohoa retry' puts a
# file back.  The daemon runs as an unprivileged user (when the test runs
# as root) so that an unreadable file really is unreadable.
. "$(dirname "$0")/lib.sh"
RUNAS=""
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$T"
fi
STABLE=1 write_conf
chmod 777 "$T/inbox"
mkdir -p "$T/state" "$T/quarantine" && chmod 777 "$T/state" "$T/quarantine"
start_daemon_as() { $RUNAS "$SOHOAD" -f >> "$T/daemon.log" 2>&1 & DPID=$!; }
sql() { $RUNAS sqlite3 "$T/state/catalog.db" "$@"; }
reason_of() { sql "SELECT reason FROM records WHERE name = '$1' ORDER BY id LIMIT 1"; }

png=$(ls "$TESTDATA"/corpus/*.png | head -1)
jpg=$(ls "$TESTDATA"/corpus/*.jpg | head -1)
good=$(ls "$TESTDATA"/corpus/*.tif | head -1)
: > "$T/inbox/empty.png"
head -c $(( $(stat -c %s "$png") / 2 )) "$png" > "$T/inbox/truncated.png"
head -c $(( $(stat -c %s "$jpg") / 2 )) "$jpg" > "$T/inbox/truncated.jpg"
echo "đây không phải là ảnh" > "$T/inbox/fake.tif"
echo "biên bản họp" > "$T/inbox/notes.docx"
printf '%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\ntrailer << >>\n%%%%EOF\n' > "$T/inbox/scan.pdf"
$PY - "$T/inbox/huge.png" <<'PYEOF'
import struct, sys, zlib
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
ihdr = struct.pack('>IIBBBBB', 60000, 60000, 8, 0, 0, 0, 0)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', zlib.compress(b'\0' * 100)) + chunk(b'IEND', b''))
PYEOF
mkdir -p "$T/outside" && cp "$good" "$T/outside/secret.tif"
ln -s "$T/outside/secret.tif" "$T/inbox/link.tif"
mkfifo "$T/inbox/pipe.tif"
if [ -n "$RUNAS" ]; then cp "$png" "$T/inbox/locked.png"; chmod 000 "$T/inbox/locked.png"; fi
chmod 666 "$T"/inbox/* 2>/dev/null; [ -n "$RUNAS" ] && chmod 000 "$T/inbox/locked.png"

start_daemon_as
expected="empty.png:empty truncated.png:truncated truncated.jpg:truncated fake.tif:not-image
notes.docx:not-image scan.pdf:corrupt huge.png:too-large link.tif:symlink pipe.tif:not-regular"
[ -n "$RUNAS" ] && expected="$expected locked.png:unreadable"
count=$(echo $expected | wc -w)
check "all $count bad files quarantined" wait_until 120 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'quarantined'"' AND quarantine_published = 1")" = "$count" ]'
for e in $expected; do
	name=${e%%:*}; want=${e#*:}
	got=$(reason_of "$name")
	check "$name quarantined as $want" test "$got" = "$want"
	case "$want" in
	symlink|not-regular)
		# A link or FIFO is recorded and removed, never carried over.
		check "$name is not carried into the quarantine" \
			test ! -e "$T/quarantine/$name" -a ! -L "$T/quarantine/$name" ;;
	*)	check "$name is in the quarantine folder" test -e "$T/quarantine/$name" ;;
	esac
	check "$name has a reason file in Vietnamese and English" \
		grep -q "Lý do:" "$T/quarantine/$name.ly-do.txt"
	grep -q -- "--- English ---" "$T/quarantine/$name.ly-do.txt" || fail "$name reason file has no English part"
	check "$name left the inbox" test ! -e "$T/inbox/$name" -a ! -L "$T/inbox/$name"
done
check "the reason says the link was removed, not kept" \
	grep -q "removed from the inbox, not kept" "$T/quarantine/link.tif.ly-do.txt"
check "the link's target is untouched" cmp -s "$good" "$T/outside/secret.tif"
check "reason text speaks Vietnamese" grep -q "Tệp rỗng" "$T/quarantine/empty.png.ly-do.txt"
check "reason file says how to retry" grep -q "sohoa retry 'empty.png'" "$T/quarantine/empty.png.ly-do.txt"
check "huge PNG did not make the daemon allocate" test "$(grep -c 'out of memory' "$T/daemon.log")" = 0

# The daemon keeps serving: a good scan after all that is OCRed.
cp "$good" "$T/inbox/good.tif" && chmod 644 "$T/inbox/good.tif"
check "daemon still alive" kill -0 "$DPID"
check "a good scan is OCRed afterwards" wait_until 120 '[ "$(sql "SELECT state FROM records WHERE name = '"'good.tif'"'")" = done ]'

# retry puts a quarantined file back into the inbox; it is taken again.
$RUNAS "$SOHOA" retry "empty.png" > "$T/retry.out" 2>&1
check "retry returns the file to the inbox" grep -q "inbox/empty.png" "$T/retry.out"
check "retried file is taken again" wait_until 30 '[ "$(sql "SELECT count(*) FROM records WHERE name = '"'empty.png'"'")" = 2 ]'
check "retry is an event" test "$(sql "SELECT count(*) FROM events WHERE type = 'retry'")" = 1
$RUNAS "$SOHOA" retry "no-such-file.tif" > /dev/null 2>&1
check "retry of an unknown name exits 3" test $? = 3

stop_daemon; rc=$?
check "SIGTERM exits 0" test $rc = 0
check "catalog integrity" test "$(sql "PRAGMA integrity_check")" = ok
finish
