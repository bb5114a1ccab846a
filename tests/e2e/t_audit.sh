#!/bin/bash
# Fixity audit: real scans ingested by the daemon, then `sohoa audit` re-hashes
# every stored file (spool original, document.pdf, every package file) and
# records a "fixity check" event per record; a flipped byte, a truncated file
# and a deleted file are each found and named, and the exit code says so.
. "$(dirname "$0")/lib.sh"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"" write_conf
for f in $(ls "$TESTDATA"/corpus/*.png | head -2) $(ls "$TESTDATA"/corpus/*.tif | head -2); do
	cp "$f" "$T/inbox/"
done
n=4
start_daemon
check "all $n records packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = "$n" ]'

# While the daemon runs: every record checked, all intact.
"$SOHOA" audit > "$T/audit1.out" 2> "$T/audit1.log"; rc=$?
check "audit passes on an intact store (exit 0)" test $rc = 0
check "audit says every file is intact" grep -q "every file intact" "$T/audit1.out"
check "one successful fixity check event per record" test "$(sql "SELECT count(DISTINCT record_id) FROM events WHERE type = 'fixity check' AND outcome = 'success'")" = $n
"$SOHOA" audit --json > "$T/audit2.json" 2>> "$T/audit2.log"; rc=$?
check "audit --json exit 0" test $rc = 0
check "--json: ok, every record checked" test "$(json "d['ok'], d['records_checked'], d['records_failed']" < "$T/audit2.json")" = "True $n 0"
# original + document.pdf + package files, for each record
check "--json: files re-hashed (at least 2 + 8 per record)" test "$(json "d['files_checked'] >= 10 * $n" < "$T/audit2.json")" = True
"$SOHOA" audit --json --since 1h > "$T/audit3.json" 2>> "$T/audit3.log"
check "--since 1h: nothing left to check" test "$(json "d['records_selected']" < "$T/audit3.json")" = 0
"$SOHOA" audit --json --sample 2 > "$T/audit4.json" 2>> "$T/audit4.log"
check "--sample 2 checks two records" test "$(json "d['records_checked']" < "$T/audit4.json")" = 2
"$SOHOA" audit --json --sample 50% > "$T/audit5.json" 2>> "$T/audit5.log"
check "--sample 50% checks half" test "$(json "d['records_checked']" < "$T/audit5.json")" = 2
"$SOHOA" audit --since yesterday >> "$T/misc.log" 2>&1
check "a bad --since is a usage error (exit 2)" test $? = 2
stop_daemon

ids=($(sql "SELECT id FROM records WHERE state = 'done' ORDER BY id"))
sid() { sql "SELECT spool_id FROM records WHERE id = $1"; }
pkg() { "$SOHOA" show --package "$1"; }
keep() { cp -p "$1" "$T/good.$(basename "$1")"; chmod u+w "$1"; }
put_back() { cp -p "$T/good.$(basename "$1")" "$1"; }

# 1. One byte flipped in the preservation master in the spool.
f1="$T/state/spool/done/$(sid ${ids[0]})/original"
keep "$f1"
$PY -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2] ^= 1; open(p,'wb').write(b)" "$f1"
out=$("$SOHOA" audit 2>&1); rc=$?; echo "$out" >> "$T/captured.log"
check "flipped byte: audit exits 1" test $rc = 1
case "$out" in *"$f1"*"mismatch"*|*"mismatch"*"$f1"*) ok "flipped byte: the file is named as a mismatch" ;; *) fail "flipped byte not named: $out" ;; esac
check "flipped byte: a failure event naming the file" test "$(sql "SELECT count(*) FROM events WHERE record_id = ${ids[0]} AND type = 'fixity check' AND outcome = 'failure' AND detail LIKE '%original%'")" = 1
check "flipped byte: the other records still pass" test "$(sql "SELECT count(*) FROM events WHERE type = 'fixity check' AND outcome = 'failure'")" = 1
put_back "$f1"

# 2. A package file truncated (the PDF/A in the AIP).
f2=$(ls "$(pkg ${ids[1]})"/representations/rep1/data/*.pdf | head -1)
keep "$f2"
truncate -s 1000 "$f2"
out=$("$SOHOA" audit 2>&1); rc=$?; echo "$out" >> "$T/captured.log"
check "truncated file: audit exits 1" test $rc = 1
case "$out" in *"$f2"*) ok "truncated file is named" ;; *) fail "truncated file not named: $out" ;; esac
put_back "$f2"

# 3. A file deleted (document.pdf in the spool).
f3="$T/state/spool/done/$(sid ${ids[2]})/document.pdf"
keep "$f3"
rm -f "$f3"
out=$("$SOHOA" audit --json 2>&1); rc=$?; echo "$out" >> "$T/captured.log"
check "deleted file: audit exits 1" test $rc = 1
check "deleted file: named as missing" test "$(echo "$out" | json "[p['kind'] for p in d['problems'] if p['file'] == '$f3']")" = "['missing']"
put_back "$f3"

# 4. A METS.xml changed: differs from the catalog's hash.
f4="$(pkg ${ids[3]})/METS.xml"
keep "$f4"
sed -i 's/OBJID=/OBJID =/' "$f4"
out=$("$SOHOA" audit 2>&1); rc=$?; echo "$out" >> "$T/captured.log"
check "changed METS.xml: audit exits 1" test $rc = 1
case "$out" in *"$f4"*) ok "changed METS.xml is named" ;; *) fail "METS.xml not named: $out" ;; esac
put_back "$f4"

# Repaired: everything passes again, and --since picks the ones that failed.
"$SOHOA" audit --json --since 1h > "$T/audit6.json" 2>> "$T/audit6.log"; rc=$?
check "after repair: audit exits 0" test $rc = 0
check "--since re-checks records whose last check failed" test "$(json "d['records_checked'] >= 1" < "$T/audit6.json")" = True
"$SOHOA" audit >> "$T/misc.log" 2>&1
check "after repair: full audit exits 0" test $? = 0
cat "$T"/*.out "$T"/*.json > "$T/outputs.log" 2>/dev/null
finish
