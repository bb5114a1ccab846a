#!/bin/bash
# The systemd protocol (Type=notify, WatchdogSec=) against a stand-in
# notification socket (tests/tools/notify_listener.py): READY=1 once
# started, STATUS= lines with queue figures, WATCHDOG=1 at half the
# watchdog period (neither late nor flooding), RELOADING=1 then READY=1 on
# SIGHUP, STOPPING=1 on SIGTERM; and the status file 'sohoa status' reads.
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf
NLOG="$T/notify.txt"
: > "$NLOG"
$PY "$SOHOA_SRC/tests/tools/notify_listener.py" "$T/notify.sock" "$NLOG" 2> "$T/listener.log" &
LPID=$!
wait_until 10 '[ -S "$T/notify.sock" ]' || { fail "notification listener did not start"; finish; }

# 2 s watchdog: pings expected about every second.
export NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=2000000
start_daemon
unset NOTIFY_SOCKET WATCHDOG_USEC
check "READY=1 sent" wait_until 30 'grep -q "READY=1" "$NLOG"'
check "a STATUS= line with queue figures" \
	grep -qE "STATUS=[0-9]+ queued, [0-9]+ in OCR, [0-9]+ waiting in inbox" "$NLOG"
check "READY=1 came before the first WATCHDOG=1" \
	test "$(grep -nE "READY=1|WATCHDOG=1" "$NLOG" | head -1 | grep -c READY)" = 1

# Work while the watchdog runs: the figures move.
cp "$(ls "$TESTDATA"/corpus/*.png | head -1)" "$T/inbox/a.png"
cp "$(ls "$TESTDATA"/corpus/*.tif | head -1)" "$T/inbox/b.tif"
check "two scans done" wait_until 120 '[ "$(state_count done)" = 2 ]'
check "STATUS= counts the files taken" wait_until 10 'grep -q "STATUS=.*2 taken" "$NLOG"'
check "STATUS= showed OCR running" grep -qE "STATUS=.* [1-9][0-9]* in OCR" "$NLOG"

# The status file and 'sohoa status' while running.
check "status file written" grep -q "^state=running" "$T/state/status"
out=$("$SOHOA" status 2>&1)
case "$out" in *"sohoad: running"*) ok "sohoa status says sohoad is running" ;;
	*) fail "sohoa status: $out" ;; esac
check "sohoa status --json has daemon.state" \
	test "$("$SOHOA" status --json | json "d['daemon']['state']")" = running
sleep 3

# Reload: RELOADING=1 then READY=1.
before=$(wc -l < "$NLOG")
kill -HUP "$DPID"
check "RELOADING=1 on SIGHUP" wait_until 10 'tail -n +$((before + 1)) "$NLOG" | grep -q "RELOADING=1"'
check "READY=1 after RELOADING=1" wait_until 10 \
	'tail -n +$((before + 1)) "$NLOG" | grep -E "RELOADING=1|READY=1" | tail -1 | grep -q READY=1'

stop_daemon; rc=$?
check "SIGTERM exits 0" test $rc = 0
check "STOPPING=1 on SIGTERM" grep -q "STOPPING=1" "$NLOG"
check "status file says stopped" grep -q "^state=stopped" "$T/state/status"
out=$("$SOHOA" status 2>&1)
case "$out" in *"sohoad: not running"*) ok "sohoa status says sohoad is not running" ;;
	*) fail "sohoa status after stop: $out" ;; esac

# Watchdog rate: every gap between pings (and from READY to the first)
# under the 2 s period, none under 0.5 s, about one a second overall.
$PY - "$NLOG" > "$T/wd.txt" <<'EOF'
import sys
ready = None; pings = []
for line in open(sys.argv[1]):
    t, msg = line.rstrip("\n").split("\t", 1)
    fields = msg.split("|")
    if "READY=1" in fields and ready is None: ready = float(t)
    if "WATCHDOG=1" in fields: pings.append(float(t))
gaps = [b - a for a, b in zip([ready] + pings, pings)]
span = pings[-1] - pings[0] if len(pings) > 1 else 0
print(len(pings), "%.3f" % max(gaps), "%.3f" % min(gaps[1:] or [9]), "%.2f" % ((len(pings) - 1) / span if span else 0))
EOF
read -r npings maxgap mingap rate < "$T/wd.txt"
echo "   watchdog: $npings pings, largest gap $maxgap s, smallest $mingap s, $rate per second"
check "watchdog pinged more than 5 times" test "${npings:-0}" -gt 5
check "no gap between pings reached WatchdogSec (2 s)" $PY -c "import sys; sys.exit(not $maxgap < 2.0)"
check "pings not flooding (gaps >= 0.5 s)" $PY -c "import sys; sys.exit(not $mingap >= 0.5)"
check "about one ping a second" $PY -c "import sys; sys.exit(not 0.7 <= $rate <= 1.3)"
kill "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null
finish
