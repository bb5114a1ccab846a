#!/bin/bash
# Backups: with backup_dir set, the daemon copies every record (spool entry and
# package, verified) and a catalog copy to the backup; `sohoa restore` into a
# fresh state folder gives an identical store (file trees, catalog tables) that
# `sohoa audit` passes; restore refuses a non-empty target and a running
# daemon; an audit sees damage in the backup copy; a missing backup disk (and
# an empty mount point) never stops ingestion and is caught up when it is back.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/backup"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"
backup_dir = $T/backup" write_conf
mkdir -p "$T/inbox/ho-so-1"
for f in $(ls "$TESTDATA"/corpus/*.png | head -2); do cp "$f" "$T/inbox/"; done
for f in $(ls "$TESTDATA"/corpus/*.tif | head -2); do cp "$f" "$T/inbox/ho-so-1/"; done
n=4
copies() { sql "SELECT count(*) FROM backup_copies"; }
start_daemon
check "all $n records packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = "$n" ]'
check "every record copied to the backup" wait_until 30 '[ "$(copies)" = "$n" ]'
check "a replication event per record" test "$(sql "SELECT count(DISTINCT record_id) FROM events WHERE type = 'replication' AND outcome = 'success'")" = $n
check "the backup has its marker" test -s "$T/backup/sohoa-backup.id"
for sid in $(sql "SELECT spool_id FROM records WHERE state = 'done'"); do
	[ -f "$T/backup/spool/done/$sid/original" ] || fail "backup lacks spool/done/$sid"
done
check "every package in the backup" test "$(ls "$T/backup/aip" | wc -l)" = $n
check "the manifests verify with sha256sum -c" sh -c "cd '$T/backup' && cat manifests/*.sha256 | sha256sum -c --quiet"
check "catalog copy taken while running" wait_until 20 'test -s "$T/backup/catalog.db"'
"$SOHOA" audit --json > "$T/audit1.json" 2> "$T/audit1.log"; rc=$?
check "audit with the backup passes" test $rc = 0
check "audit checked the backup copy of every record" test "$(json "d['backup']['reachable'], d['backup']['records_checked'], d['backup']['pending']" < "$T/audit1.json")" = "True $n 0"
"$SOHOA" restore --from "$T/backup" > "$T/restore-busy.out" 2>&1
check "restore into the running daemon's state_dir is refused (exit 4)" test $? = 4
stop_daemon
check "catalog copy at shutdown is a valid SQLite file" test "$(sqlite3 "$T/backup/catalog.db" "PRAGMA quick_check")" = ok

# Restore into a fresh folder: the same store.
"$SOHOA" restore --from "$T/backup" --to "$T/restored" > "$T/restore.out" 2>&1; rc=$?
check "restore exits 0" test $rc = 0
check "restored spool/done identical" diff -r "$T/state/spool/done" "$T/restored/spool/done"
check "restored packages identical" diff -r "$T/state/aip" "$T/restored/aip"
dump() {
	local db=$1 root=$2
	for t in records pages fields hoso events backup_copies; do
		echo "== $t"
		if [ $t = records ]; then
			sqlite3 "$db" "SELECT id, spool_id, state, hash, size, name, hex(name_raw), origin,
				hex(inbox_path), created_at, updated_at, page_count, mean_confidence, doc_id,
				replace(package_path, '$root', ''), package_mets_hash, packaged_at FROM records ORDER BY id"
		else
			sqlite3 "$db" "SELECT * FROM $t ORDER BY 1, 2"
		fi
	done
}
dump "$T/state/catalog.db" "$T/state" > "$T/dump-state.txt"
dump "$T/restored/catalog.db" "$T/restored" > "$T/dump-restored.txt"
check "restored catalog tables identical" diff "$T/dump-state.txt" "$T/dump-restored.txt"
check "the restored catalog keeps package folders by name, no path into a store" test "$(sqlite3 "$T/restored/catalog.db" "SELECT count(*) FROM records WHERE package_path IS NOT NULL AND package_path NOT LIKE '%/%'")" = $n
check "the restored store carries the catalog's identity" test "$(cat "$T/restored/sohoa-store.id")" = "sohoa-store $(sqlite3 "$T/restored/catalog.db" "SELECT value FROM store_meta WHERE name = 'id'")"
sed "s|^state_dir = .*|state_dir = $T/restored|; /^backup_dir/d" "$T/sohoa.conf" > "$T/restored.conf"
"$SOHOA" -c "$T/restored.conf" audit > "$T/audit-restored.out" 2>&1; rc=$?
check "audit on the restored store passes" test $rc = 0
"$SOHOA" restore --from "$T/backup" --to "$T/restored" >> "$T/misc.log" 2>&1
check "restore into a non-empty folder is refused (exit 2)" test $? = 2
"$SOHOA" restore --from "$T/backup" --to "$T/restored" --force > "$T/restore-force.out" 2>&1; rc=$?
check "restore --force exits 0" test $rc = 0
check "--force moved the old content aside" test "$(ls -d "$T"/restored/before-restore-*/spool/done | wc -l)" = 1
check "after --force the store is identical again" diff -r "$T/state/spool/done" "$T/restored/spool/done"
"$SOHOA" restore --from "$T/inbox" --to "$T/restored2" >> "$T/misc.log" 2>&1
check "restore from a folder that is no backup fails" test $? = 6

# Damage in the backup copy is found by the audit and named.
bsid=$(sql "SELECT spool_id FROM records ORDER BY id LIMIT 1")
bf="$T/backup/spool/done/$bsid/original"
cp -p "$bf" "$T/good-backup-original"; chmod u+w "$bf"
$PY -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[100] ^= 4; open(p,'wb').write(b)" "$bf"
out=$("$SOHOA" audit 2>&1); rc=$?; echo "$out" >> "$T/captured.log"
check "damaged backup copy: audit exits 1" test $rc = 1
case "$out" in *"$bf"*) ok "damaged backup copy is named" ;; *) fail "backup damage not named: $out" ;; esac
cp -p "$T/good-backup-original" "$bf"

# The backup disk goes missing: ingestion goes on, the outage is logged.
mv "$T/backup" "$T/backup.away"
start_daemon
for f in $(ls "$TESTDATA"/corpus/*.jpg 2>/dev/null | head -2); do cp "$f" "$T/inbox/"; done
[ "$(ls "$T/inbox"/*.jpg 2>/dev/null | wc -l)" = 2 ] || for f in $(ls "$TESTDATA"/corpus/*.png | tail -2); do cp "$f" "$T/inbox/new-$(basename "$f")"; done
check "ingestion goes on without the backup disk" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = "$((n + 2))" ]'
check "the missing backup disk is logged" grep -q "backup failed" "$T/daemon.log"
check "nothing copied while it is missing" test "$(copies)" = $n
"$SOHOA" audit > "$T/audit-nodisk.out" 2>&1
check "audit says the backup is unreachable (exit 1)" test $? = 1
check "audit names the unreachable backup" grep -q "UNREACHABLE" "$T/audit-nodisk.out"
# An empty mount point where the disk should be: not written to.
mkdir "$T/backup"
sleep 1
check "an empty mount point gets no marker" wait_until 75 'grep -q "is the disk mounted" "$T/daemon.log"'
check "an empty mount point is not written to" test -z "$(ls -A "$T/backup")"
rmdir "$T/backup"
mv "$T/backup.away" "$T/backup"
check "caught up when the disk is back" wait_until 90 '[ "$(copies)" = "$((n + 2))" ]'
check "the catch-up is logged" grep -q "backup folder .* is back" "$T/daemon.log"
stop_daemon
check "the catalog copy has the new records" test "$(sqlite3 "$T/backup/catalog.db" "SELECT count(*) FROM records WHERE state = 'done'")" = $((n + 2))
check "the manifests still verify" sh -c "cd '$T/backup' && cat manifests/*.sha256 | sha256sum -c --quiet"
check "the daemon stopped cleanly (no sanitizer report)" no_sanitizer_reports
cat "$T"/*.out "$T"/*.json > "$T/outputs.log" 2>/dev/null
finish
