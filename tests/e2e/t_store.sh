#!/bin/bash
# A store that moves (store.h): real scans through the real sohoad (two
# loose pages, a document folder of two pages, a scanner PDF), a month
# exported, then the store copied with cp -a to a new folder, the old one
# removed and state_dir changed: sohoad -n says the store was moved, and
# audit, check, show, search, edit (the package rewritten in the new place,
# nothing written to the old one), the export of the next month and verify
# all work; sohoa restore into a third folder gives a store whose audit
# passes.  A catalog copied without its store, or put into another store, is
# refused by sohoad -n and by the commands; a copy whose original still
# exists is said.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/pki"
(
	cd "$T/pki" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
		-subj "/CN=sohoa test CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
	openssl req -newkey rsa:2048 -nodes -keyout agency.key -out agency.csr \
		-subj "/O=UBND xa Van Binh/CN=UBND xa Van Binh"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > ext.cnf
	openssl x509 -req -in agency.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
		-extfile ext.cnf -out agency.pem
	chmod 600 agency.key
) > "$T/pki.log" 2>&1 || { fail "openssl could not make the test PKI"; finish; }

mkdir -p "$T/backup"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"
sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem
backup_dir = $T/backup" write_conf
pngs=($(ls "$TESTDATA"/corpus/*.png | head -2))
jpgs=($(ls "$TESTDATA"/corpus/*.jpg | head -2))
cp "${pngs[0]}" "${jpgs[0]}" "$T/inbox/"
mkdir -p "$T/stage/to-trinh"
cp "${pngs[1]}" "$T/stage/to-trinh/1.png"
cp "${jpgs[1]}" "$T/stage/to-trinh/2.jpg"
printf '1.png\n2.jpg\n' > "$T/stage/to-trinh/tailieu.txt"
mkdir -p "$T/inbox/ho-so-1"
mv "$T/stage/to-trinh" "$T/inbox/ho-so-1/"
$PY -c "from PIL import Image; import sys; Image.open(sys.argv[1]).convert('L').save(sys.argv[2], 'PDF', resolution=300.0)" \
	"$(ls "$TESTDATA"/corpus/*.tif | head -1)" "$T/inbox/quet-may.pdf"
word=$(json "d['distinctive_word']" < "$TESTDATA/corpus-truth/$(basename "${pngs[0]%.*}").json")

start_daemon
check "4 documents done" wait_until 300 '[ "$(state_count done)" = 4 ]'
check "every document packaged, the scanner PDF too" wait_until 60 '[ "$(sql "SELECT count(*) FROM records WHERE packaged_at IS NOT NULL")" = 4 ]'
check "every record in the backup" wait_until 60 '[ "$(sql "SELECT count(*) FROM backup_copies")" = 4 ]'
stop_daemon
pdfid=$(sql "SELECT id FROM records WHERE name = 'quet-may.pdf'")
pdfpkg=$("$SOHOA" show --package "${pdfid:-0}")
check "a scanner PDF's package holds the scan and the PDF/A under two names" \
	test -n "$(ls "$pdfpkg"/representations/rep1/data/*.scan.pdf 2>/dev/null)" \
	-a "$(ls "$pdfpkg"/representations/rep1/data/*.pdf 2>/dev/null | wc -l)" = 2
check "... the scan byte for byte" cmp -s "$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE id = ${pdfid:-0}")/original" \
	"$(ls "$pdfpkg"/representations/rep1/data/*.scan.pdf 2>/dev/null | head -1)"
check "the store has its identity (0640, the store's group reads it)" test "$(stat -c %a "$T/state/sohoa-store.id")" = 640
check "the catalog keeps package folders by name only" \
	test "$(sql "SELECT count(*) FROM records WHERE package_path LIKE '%/%'")" = 0
MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
NEXT=$(TZ=Asia/Ho_Chi_Minh date -d "$(date +%Y-%m-15) +1 month" +%Y-%m)
"$SOHOA" export --month "$MONTH" --force > "$T/export1.out" 2>&1
check "the month exported before the move" test $? = 0
ids=($(sql "SELECT id FROM records WHERE packaged_at IS NOT NULL ORDER BY id"))
check "search finds '$word' before the move" sh -c "'$SOHOA' search --json '$word' | grep -q '\"total\": [1-9]'"

# ---- the move: stop, copy, change state_dir, start ---------------------------
cp -a "$T/state" "$T/moved"
rm -rf "$T/state"
sed -i "s|^state_dir = .*|state_dir = $T/moved|" "$T/sohoa.conf"
out=$("$SOHOAD" -n 2>&1); rc=$?
echo "$out" > "$T/n-moved.log"
check "sohoad -n: configuration OK after the move" test $rc = 0
case "$out" in *"moved from $T/state to $T/moved"*) ok "sohoad -n says the store was moved" ;;
	*) fail "sohoad -n did not say the store moved: $out" ;; esac
start_daemon
check "the daemon starts on the moved store and records its new folder" \
	wait_until 30 '[ "$(sqlite3 "$T/moved/catalog.db" "SELECT value FROM store_meta WHERE name = '"'path'"'")" = "$T/moved" ]'
stop_daemon
"$SOHOA" audit > "$T/audit.out" 2>&1
check "audit passes in the new place" test $? = 0
for id in "${ids[@]}"; do
	"$SOHOA" check "$id" > "$T/check-$id.out" 2>&1 || fail "sohoa check $id after the move"
	p=$("$SOHOA" show --package "$id" 2>/dev/null)
	case "$p" in "$T/moved/aip/"*) ;; *) fail "show --package $id: $p is not in the new store" ;; esac
done
ok "check and show --package of ${#ids[@]} records in the new store"
check "show names the new store" sh -c "'$SOHOA' show --json ${ids[0]} | grep -q '\"package\": \"$T/moved/aip/'"
check "search finds '$word' after the move" sh -c "'$SOHOA' search --json '$word' | grep -q '\"total\": [1-9]'"
before=$(sqlite3 "$T/moved/catalog.db" "SELECT package_mets_hash FROM records WHERE id = ${ids[0]}")
"$SOHOA" edit "${ids[0]}" "subject=Về việc chuyển kho lưu trữ" > "$T/edit.out" 2>&1
check "edit after the move: exit 0" test $? = 0
after=$(sqlite3 "$T/moved/catalog.db" "SELECT package_mets_hash FROM records WHERE id = ${ids[0]}")
check "edit rewrote the package (new METS hash)" test -n "$after" -a "$before" != "$after"
pkg=$("$SOHOA" show --package "${ids[0]}")
check "the rewritten package is in the new store and carries the new trích yếu" \
	grep -q "chuyển kho lưu trữ" "$pkg/metadata/descriptive/EAD_doc.xml"
check "nothing was written where the store used to be" test ! -e "$T/state"
"$SOHOA" export --month "$NEXT" --force > "$T/export2.out" 2>&1
check "export of the next month after the move: exit 0" test $? = 0
B2="$T/moved/outbox/sohoa-000.00.01.H26-$NEXT.tar"
check "the bundle is in the new store's outbox" test -s "$B2"
"$SOHOA" verify --ca "$T/pki/ca.pem" "$B2" > "$T/verify.out" 2>&1
check "sohoa verify accepts it" test $? = 0
check "the ledger names the outboxes in the new store" \
	sh -c "'$SOHOA' exports --json | $PY -c \"import json,sys; d=json.load(sys.stdin); sys.exit(not d['bundles'] or any(not b['outbox'].startswith('$T/moved/') for b in d['bundles']))\""

# ---- restore into a third folder -------------------------------------------
"$SOHOA" restore --from "$T/backup" --to "$T/third" > "$T/restore.out" 2>&1
check "restore into a third folder: exit 0" test $? = 0
sed "s|^state_dir = .*|state_dir = $T/third|; /^backup_dir/d" "$T/sohoa.conf" > "$T/third.conf"
check "the restored store has the same identity" cmp -s "$T/moved/sohoa-store.id" "$T/third/sohoa-store.id"
"$SOHOA" -c "$T/third.conf" audit > "$T/audit-third.out" 2>&1
check "audit of the restored store passes" test $? = 0
check "the restored store finds its packages" sh -c "'$SOHOA' -c '$T/third.conf' show --package ${ids[1]} | grep -q '^$T/third/aip/'"

# ---- a done document without its package is never left out silently ---------
# (its package lost, as when writing it failed: the catalog says none)
lost=${ids[1]}
sqlite3 "$T/moved/catalog.db" "UPDATE records SET package_mets_hash = NULL, package_path = NULL,
	packaged_at = NULL, updated_at = '2020-01-01T00:00:00.000Z' WHERE id = $lost"
check "status lists the document without a package" \
	test "$("$SOHOA" status --json | json "d['unpackaged']")" = "[$lost]"
"$SOHOA" audit > "$T/audit-lost.out" 2>&1
check "audit fails (exit 1) naming it" sh -c "test $? = 1 && grep -q 'record $lost' '$T/audit-lost.out'"
"$SOHOA" verify --ca "$T/pki/ca.pem" "$B2" > "$T/verify-lost.out" 2>&1
check "verify of the month's bundle on the server fails (exit 1) naming it" \
	sh -c "test $? = 1 && grep -q 'left out' '$T/verify-lost.out' && grep -q '(số $lost)' '$T/verify-lost.out'"
"$SOHOA" export --month "$NEXT" --force > "$T/export-lost.out" 2>&1
check "export refuses the month, listing it" sh -c "test $? != 0 && grep -q 'no archival package ($lost)' '$T/export-lost.out'"
"$SOHOA" export --json --month "$NEXT" --force --skip-unpackaged > "$T/export-skip.json" 2> "$T/export-skip.err"
check "export --skip-unpackaged goes on and lists it" \
	test "$?:$(json "d['unpackaged'], d['unpackaged_ids']" < "$T/export-skip.json")" = "0:1 $lost"

# ---- what is refused, and what is said ---------------------------------------
mkdir -p "$T/alone"
cp "$T/moved/catalog.db" "$T/alone/"
sed "s|^state_dir = .*|state_dir = $T/alone|; /^backup_dir/d" "$T/sohoa.conf" > "$T/alone.conf"
out=$("$SOHOAD" -c "$T/alone.conf" -n 2>&1); rc=$?
check "a catalog copied without its store: sohoad -n refuses (78)" test $rc = 78
case "$out" in *"sohoa-store.id"*"cp -a"*) ok "... and says to copy the whole folder" ;; *) fail "unclear: $out" ;; esac
"$SOHOA" -c "$T/alone.conf" search "$word" > /dev/null 2> "$T/alone-search.err"
check "... and the commands do not use it" test $? != 0 -a -s "$T/alone-search.err"

mkdir -p "$T/other/inbox"
printf 'inbox = %s\nstate_dir = %s\nquarantine = %s\nworkers = 1\n' "$T/other/inbox" "$T/other/state" \
	"$T/other/q" > "$T/other.conf"
"$SOHOA" -c "$T/other.conf" ingest "${pngs[0]}" > "$T/other.out" 2>&1
cp "$T/moved/catalog.db" "$T/other/state/catalog.db"
rm -f "$T/other/state/catalog.db-wal" "$T/other/state/catalog.db-shm"
out=$("$SOHOAD" -c "$T/other.conf" -n 2>&1); rc=$?
check "another store's catalog: sohoad -n refuses (78)" test $rc = 78
case "$out" in *"belongs to store"*) ok "... saying the catalog belongs to another store" ;; *) fail "unclear: $out" ;; esac

cp -a "$T/moved" "$T/copy"
sed -i "s|^state_dir = .*|state_dir = $T/copy|" "$T/sohoa.conf"
out=$("$SOHOAD" -n 2>&1)
case "$out" in *"old copy at $T/moved is no longer used"*) ok "a copy whose original is still there: sohoad -n says so" ;;
	*) fail "the old copy is not mentioned: $out" ;; esac
finish
