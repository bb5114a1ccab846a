#!/bin/bash
# When no read lease can be had (inbox.h: the daemon's user does not own
# the file and has no CAP_LEASE, as when Samba writes files as each person
# without "force user"), what inotify saw tells an open file: modified and
# not closed since.  The real sohoad runs as 'nobody' (setpriv, no
# capability) on an inbox where root writes:
#   - a TIFF written whole and held open 8 s is not taken while open (and
#     the log says it is still open for writing), then taken whole;
#   - a PNG copied and closed is taken at once (the bookkeeping does not
#     hold back finished files).
# Needs root (to start the daemon as another user); skipped otherwise.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv > /dev/null; then
	echo "   skip (needs root and setpriv to run sohoad as another user)"
	rm -rf "$T"
	exit 0
fi
STABLE=2 GRACE=30 write_conf
chmod 755 "$T"
mkdir -p "$T/state" "$T/quarantine"
chown nobody "$T/inbox" "$T/state" "$T/quarantine"
chmod 644 "$T/sohoa.conf"
tif=$(ls "$TESTDATA"/corpus/*.tif | head -1)
png=$(ls "$TESTDATA"/corpus/*.png | head -1)
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all \
	"$SOHOAD" -f >> "$T/daemon.log" 2>&1 &
DPID=$!
wait_until 20 '[ -e "$T/state/catalog.db" ] && grep -q watching "$T/daemon.log"' || fail "sohoad started as nobody"

$PY - "$tif" "$T/inbox/giu-mo.tif" <<'EOPY' &
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(data)
    f.flush()
    time.sleep(8)
EOPY
PW=$!
cp "$png" "$T/inbox/xong.png"
wait_until 5 '[ -e "$T/inbox/giu-mo.tif" ]'
check "the file belongs to root, not to the daemon's user" test "$(stat -c %U "$T/inbox/giu-mo.tif")" = root
sleep 6
check "the finished PNG is taken (6 s)" test ! -e "$T/inbox/xong.png"
check "the TIFF still open is not taken (6 s)" test -e "$T/inbox/giu-mo.tif"
check "the log says it is still open for writing" grep -q "giu-mo.tif: .*still open for writing" "$T/daemon.log"
wait $PW
wait_until 180 '[ "$(sql "SELECT count(*) FROM records WHERE state IN (\"done\",\"quarantined\")")" = 2 ]' \
	|| fail "two records done in time"
stop_daemon
check "the TIFF: one record, done, whole" test \
	"$(sql "SELECT count(*) || state || hash FROM records WHERE name = 'giu-mo.tif'")" = "1donesha256:$(sha_of "$tif")"
check "the PNG: done" test "$(sql "SELECT state FROM records WHERE name = 'xong.png'")" = done
finish
