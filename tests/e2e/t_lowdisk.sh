#!/bin/bash
# Low disk space.  (1) Below min_free_mb pickup pauses with a clear status
# (STATUS=, <state_dir>/status, 'sohoa status') and resumes by itself when
# the threshold is met again; files wait in the inbox meanwhile.  (2) On a
# real, small filesystem (a 20 MiB tmpfs; needs root, else SKIP) that fills
# up during ingestion: nothing is lost (every scan is in the inbox or a
# record), the catalog stays intact, and when space returns every scan is
# done.
. "$(dirname "$0")/lib.sh"
NLOG="$T/notify.txt"
: > "$NLOG"
$PY "$SOHOA_SRC/tests/tools/notify_listener.py" "$T/notify.sock" "$NLOG" 2> "$T/listener.log" &
LPID=$!
wait_until 10 '[ -S "$T/notify.sock" ]' || { fail "notification listener did not start"; finish; }
MNT=""
cleanup() {
	stop_daemon
	kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	MNT=""
}
trap '[ -n "$MNT" ] && umount -l "$MNT" 2>/dev/null' EXIT

# --- (1) the threshold, on any filesystem --------------------------------
free_mb=$(( $(df -Pk "$T" | awk 'NR == 2 { print $4 }') / 1024 ))
STABLE=1 EXTRA_CONF="min_free_mb = $((free_mb + 100000))" write_conf
export NOTIFY_SOCKET="$T/notify.sock"
start_daemon
unset NOTIFY_SOCKET
check "READY=1" wait_until 30 'grep -q "READY=1" "$NLOG"'
check "STATUS= says paused for low disk" grep -q "STATUS=PAUSED: low disk space" "$NLOG"
check "status file: paused, low-disk" wait_until 5 \
	'grep -q "^state=paused" "$T/state/status" && grep -q "^reason=low-disk" "$T/state/status"'
out=$("$SOHOA" status 2>&1)
case "$out" in *"pickup paused: low disk"*) ok "sohoa status shows 'pickup paused: low disk'" ;;
	*) fail "sohoa status: $out" ;; esac
check "sohoa status --json: paused_reason low-disk" \
	test "$("$SOHOA" status --json | json "d['daemon']['paused_reason']")" = low-disk
check "the warning is logged" grep -q "pickup paused until space returns" "$T/daemon.log"
cp "$(ls "$TESTDATA"/corpus/*.png | head -1)" "$T/inbox/a.png"
sleep 4
check "paused: the scan stays in the inbox" test -e "$T/inbox/a.png"
check "paused: no record made" test "$(sql "SELECT count(*) FROM records")" = 0
# Space "returns" (a lower threshold): pickup resumes by itself.
sed -i "s/^min_free_mb = .*/min_free_mb = 1/" "$T/sohoa.conf"
kill -HUP "$DPID"
check "pickup resumed: the scan is done" wait_until 90 '[ "$(state_count done)" = 1 ]'
check "resume logged" grep -q "pickup resumed" "$T/daemon.log"
check "status file: running again" wait_until 5 'grep -q "^state=running" "$T/state/status"'
check "STATUS= no longer paused" test "$(grep STATUS= "$NLOG" | tail -1 | grep -c PAUSED)" = 0
cleanup

# --- (2) a filesystem that really fills up -------------------------------
rm -rf "$T/state"
mkdir -p "$T/state"
if ! mount -t tmpfs -o size=20m,mode=0755 sohoa-test "$T/state" 2>/dev/null; then
	echo "   SKIP: cannot mount a tmpfs here (not root?): the full-disk part is not run"
	finish
fi
MNT="$T/state"
: > "$NLOG"
$PY "$SOHOA_SRC/tests/tools/notify_listener.py" "$T/notify.sock" "$NLOG" 2> "$T/listener.log" &
LPID=$!
wait_until 10 '[ -S "$T/notify.sock" ]'
rm -rf "$T/inbox" "$T/quarantine"
mkdir -p "$T/inbox"
# min_free_mb = 0: no pause, so the writes themselves meet ENOSPC.
cat > "$T/sohoa.conf" <<EOC
inbox = $T/inbox
quarantine = $T/quarantine
state_dir = $T/state
stable_delay = 1
rescan_interval = 5
workers = 2
min_free_mb = 0
EOC
export NOTIFY_SOCKET="$T/notify.sock"
start_daemon
unset NOTIFY_SOCKET
check "READY=1 on the small filesystem" wait_until 30 'grep -q "READY=1" "$NLOG"'
# Fill it up, leaving about 600 KiB: less than the scans need.
avail=$(df -Pk "$T/state" | awk 'NR == 2 { print $4 }')
dd if=/dev/zero of="$T/state/filler" bs=1k count=$((avail - 600)) status=none 2>/dev/null
total=$(ls "$TESTDATA"/corpus | wc -l)
cp "$TESTDATA"/corpus/* "$T/inbox/"
sleep 15
inbox_now=$(ls "$T/inbox" | wc -l)
spooled=$(ls "$T/state/spool"/{incoming,active,deferred,done,quarantine} 2>/dev/null | grep -cv -e '^$' -e ':$')
recs_now=$(sql "SELECT count(*) FROM records" 2>/dev/null || echo 0)
echo "   disk full: $inbox_now scan(s) still in the inbox, $spooled in the spool, $recs_now record(s)"
check "disk full: some scans wait in the inbox" test "$inbox_now" -gt 0
check "disk full: nothing lost (inbox + spool = $total)" test $((inbox_now + spooled)) -eq "$total"
check "disk full: the daemon is alive" kill -0 "$DPID"
check "disk full: catalog integrity ok" test "$(sql "PRAGMA integrity_check")" = ok
# Space returns.
rm -f "$T/state/filler"
check "space back: every scan done" wait_until 240 '[ "$(state_count done)" = "$total" ]'
check "space back: the inbox is empty" test "$(ls "$T/inbox" | wc -l)" = 0
check "nothing quarantined" test "$(sql "SELECT count(*) FROM records WHERE state <> 'done'")" = 0
check "catalog integrity ok" test "$(sql "PRAGMA integrity_check")" = ok
check "each original kept in the spool" \
	test "$(ls "$T/state/spool/done" | wc -l)" = "$total"
cleanup
finish
