#!/bin/bash
# The agency name and code (issue 14, item 5): the shipped placeholders
# ("<...>") stop sohoad -n and the daemon (exit 78, which the unit does not
# restart) before anything is ingested; a store remembers the agency_code its
# docIds were made with, and once a record exists another code is refused by
# sohoad -n and by the daemon, naming both codes; read-only commands go on.
. "$(dirname "$0")/lib.sh"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"<tên cơ quan, ví dụ UBND xã Văn Bình>\"
agency_code = \"<mã định danh, ví dụ 000.00.01.H26>\"" write_conf
set_code() { sed -i "/^agency_/d" "$T/sohoa.conf"; printf 'agency_name = "UBND xã Văn Bình"\nagency_code = "%s"\n' "$1" >> "$T/sohoa.conf"; }
scan=$(ls "$TESTDATA"/corpus/*.png | head -1)

# 1. The placeholders of the shipped file.
out=$("$SOHOAD" -n 2>&1); rc=$?
check "sohoad -n refuses the placeholders (78)" test $rc = 78
case "$out" in *"chưa đặt tên và mã định danh cơ quan"*"agency name and code are not set"*) ok "... saying what to fill in" ;; *) fail "-n said: $out" ;; esac
cp "$scan" "$T/inbox/a.png"
timeout 60 "$SOHOAD" -f > "$T/start1.log" 2>&1; rc=$?
check "sohoad itself exits 78 with the placeholders (no restart loop)" test $rc = 78
grep -q "agency_name and agency_code" "$T/start1.log" && ok "... and the log says why" || fail "log: $(cat "$T/start1.log")"
check "... nothing was ingested (the scan is still in the inbox, no catalog)" test -f "$T/inbox/a.png" -a ! -e "$T/state/catalog.db"

# 2. Set: the first start records the code; a record is made.
set_code "000.00.01.H26"
out=$("$SOHOAD" -n 2>&1); rc=$?
check "sohoad -n accepts the file once name and code are set" test $rc = 0
start_daemon
check "the scan becomes a packaged record" wait_until 240 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
stop_daemon
check "the store remembers its agency_code" test "$(sql "SELECT value FROM store_meta WHERE name = 'agency_code'")" = "000.00.01.H26"
pkgs_before=$(ls "$T/state/aip" | sort)

# 3. Another code once records exist: refused, by -n and by the daemon.
set_code "000.00.09.H99"
out=$("$SOHOAD" -n 2>&1); rc=$?
check "sohoad -n refuses a changed agency_code once records exist (78)" test $rc = 78
case "$out" in *'made with agency_code "000.00.01.H26"'*'"000.00.09.H99" once records exist'*) ok "... naming both codes and what to do" ;; *) fail "-n said: $out" ;; esac
cp "$scan" "$T/inbox/b.png"
timeout 60 "$SOHOAD" -f > "$T/start2.log" 2>&1; rc=$?
check "sohoad exits 78 with the changed code" test $rc = 78
grep -q "000.00.01.H26" "$T/start2.log" && ok "... its log names the store's code" || fail "log: $(cat "$T/start2.log")"
check "... nothing new ingested, no package folder beside the old one" \
	test -f "$T/inbox/b.png" -a "$(ls "$T/state/aip" | sort)" = "$pkgs_before"
check "the store still records the old code" test "$(sql "SELECT value FROM store_meta WHERE name = 'agency_code'")" = "000.00.01.H26"
out=$("$SOHOA" search --json "uy ban" 2>&1); rc=$?
check "read-only commands go on (sohoa search exits 0)" test $rc = 0

# 4. Back to the store's code: accepted again.
set_code "000.00.01.H26"
check "sohoad -n accepts the store's own code again" "$SOHOAD" -n

# 5. Before any record the code may still change.
mkdir -p "$T/empty"
sed "s|^state_dir = .*|state_dir = $T/empty|" "$T/sohoa.conf" > "$T/empty.conf"
SOHOA_CONF="$T/empty.conf" "$SOHOAD" -f > "$T/empty.log" 2>&1 &
EPID=$!
wait_until 60 '[ -n "$(sqlite3 "$T/empty/catalog.db" "SELECT value FROM store_meta WHERE name = '"'agency_code'"'")" ]'
kill -TERM $EPID; wait $EPID
sed -i "s|^agency_code = .*|agency_code = \"000.00.02.H26\"|" "$T/empty.conf"
check "an empty store accepts another code (sohoad -n)" "$SOHOAD" -c "$T/empty.conf" -n
SOHOA_CONF="$T/empty.conf" "$SOHOAD" -f > "$T/empty2.log" 2>&1 &
EPID=$!
wait_until 60 '[ "$(sqlite3 "$T/empty/catalog.db" "SELECT value FROM store_meta WHERE name = '"'agency_code'"'")" = 000.00.02.H26 ]'
check "... and records it at the next start" test "$(sqlite3 "$T/empty/catalog.db" "SELECT value FROM store_meta WHERE name = 'agency_code'")" = "000.00.02.H26"
kill -TERM $EPID; wait $EPID
finish
