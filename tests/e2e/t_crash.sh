#!/bin/bash
# Crash safety: kill -9 the daemon at random moments while 40 scans are
# being ingested, restart, ten rounds.  Every file must end in exactly one
# record (or the quarantine with a reason): none lost, none doubled, the
# catalog intact, the spool clean.
. "$(dirname "$0")/lib.sh"
STABLE=1 RESCAN=2 write_conf
files=("$TESTDATA"/crash/*)
N=${#files[@]}
check "40 or more test scans" test "$N" -ge 40
batch=$(( (N + 7) / 8 ))
next=0
RANDOM=${CRASH_SEED:-4242}
for round in 1 2 3 4 5 6 7 8 9 10; do
	for ((k = 0; k < batch && next < N; k++)); do
		cp "${files[$next]}" "$T/inbox/.incoming.tmp" && mv "$T/inbox/.incoming.tmp" "$T/inbox/$(basename "${files[$next]}")"
		next=$((next + 1))
	done
	start_daemon
	sleep "$(( RANDOM % 30 / 10 )).$(( RANDOM % 10 ))"
	kill -9 "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=""
	# Workers die with the daemon (PR_SET_PDEATHSIG); give them a moment.
	sleep 0.2
	echo "   round $round: $(sql "SELECT count(*) FROM records") records, $(state_count done) done"
done
while [ $next -lt $N ]; do cp "${files[$next]}" "$T/inbox/"; next=$((next + 1)); done
start_daemon
check "everything ends done or quarantined" wait_until 600 '[ "$(sql "SELECT count(*) FROM records WHERE state IN ('"'done'"','"'quarantined'"')")" -ge "$N" ] && [ -z "$(ls -A "$T/inbox")" ] && [ "$(sql "SELECT count(*) FROM records WHERE state NOT IN ('"'done'"','"'quarantined'"')")" = 0 ]'
stop_daemon
check "exactly one record per file" test "$(sql "SELECT count(*) FROM records")" = "$N"
check "all records done (no false duplicates)" test "$(state_count done)" = "$N"
missing=0
for f in "${files[@]}"; do
	h="sha256:$(sha256sum "$f" | cut -d' ' -f1)"
	c=$(sql "SELECT count(*) FROM records WHERE hash = '$h'")
	[ "$c" = 1 ] || { missing=$((missing + 1)); echo "   $f: $c records"; }
done
check "every file's hash in exactly one record" test $missing = 0
check "no file doubled into the quarantine" test -z "$(ls -A "$T/quarantine" 2>/dev/null)"
check "spool tmp/ active/ incoming/ empty" test -z "$(find "$T/state/spool/tmp" "$T/state/spool/active" "$T/state/spool/incoming" -mindepth 1)"
check "one spool entry per record in done/" test "$(ls "$T/state/spool/done" | wc -l)" = "$N"
check "every done record has its pages" test "$(sql "SELECT count(*) FROM records r WHERE state = 'done' AND page_count = (SELECT count(*) FROM pages p WHERE p.record_id = r.id)")" = "$N"
check "PRAGMA integrity_check is ok" test "$(sql "PRAGMA integrity_check")" = ok
check "full-text index consistent (sohoa reindex --check)" "$SOHOA" -c "$T/sohoa.conf" reindex --check
check "every done record is in the search index" test "$(sql "SELECT count(*) FROM docs_indexed")" = "$N"
finish
