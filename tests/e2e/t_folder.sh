#!/bin/bash
# A document scanned page by page: a folder of page files with a
# tailieu.txt sidecar becomes ONE record (tailieu.h).  The real sohoad takes
# four folders: a 3-page document in name order, a 2-page one whose sidecar
# lists its files in the other order, one whose sidecar names a file that is
# not there (later completed and put back with 'sohoa retry'), and one with
# a truncated page.
# Checked: one record each, pages OCRed in the right order (each page's text
# against the rendered truth of that page), the pages kept byte for byte in
# the spool with a list that sha256sum checks and whose hash is the
# record's, one PDF/A with every page, a package with every page as a
# preservation file that validates against METS 1.12.1, the audit (and a
# flipped byte in one page found by it), the bad folder quarantined whole
# with a reason, and the same pages ingested again found identical.
. "$(dirname "$0")/lib.sh"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
backup_dir = $T/backup" write_conf

# Two documents rendered one file per page (PNG), with their truth.
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render" --truth "$T/truth" \
	--count 2 --seed 31 --formats png --pages 3 --vietnamese-names > "$T/render.log" 2>&1 \
	|| { fail "render the test pages"; finish; }
mapfile -t truths < <(ls "$T"/truth/*.json)
files_of() { $PY -c "import json,sys; print('\n'.join(json.load(open(sys.argv[1]))['files']))" "$1"; }
mapfile -t A < <(files_of "${truths[0]}")
mapfile -t B < <(files_of "${truths[1]}")
check "the renderer made 3 page files per document" test ${#A[@]} = 3 -a ${#B[@]} = 3

# Folder A, inside a hồ sơ folder: name order, a sidecar with only a comment.
DA="$T/inbox/Hồ sơ 2024/Quyết định 15"
mkdir -p "$DA" "$T/keep/A"
for f in "${A[@]}"; do cp "$T/render/$f" "$DA/"; cp "$T/render/$f" "$T/keep/A/"; done
printf '# các trang của quyết định, theo thứ tự tên tệp\n' > "$DA/tailieu.txt"
# Folder B: pages named so that name order is wrong; the sidecar says which
# comes first.  Only its first two pages.
DB="$T/inbox/Công văn 7"
mkdir -p "$DB"
cp "$T/render/${B[0]}" "$DB/z-dau.png"
cp "$T/render/${B[1]}" "$DB/a-sau.png"
printf 'z-dau.png\r\na-sau.png\r\n' > "$DB/tailieu.txt"
# Folder C: the sidecar lists a page that never came.
DC="$T/inbox/Thiếu trang"
mkdir -p "$DC"
cp "$T/render/${B[2]}" "$DC/trang 1.png"
printf 'trang 1.png\ntrang 2.png\n' > "$DC/tailieu.txt"

# Folder D: its second page is a truncated PNG, found only by the OCR
# worker, after pickup.
DD="$T/inbox/Hỏng trang"
mkdir -p "$DD"
cp "$T/render/${B[0]}" "$DD/1.png"
head -c 3000 "$T/render/${B[1]}" > "$DD/2.png"
: > "$DD/tailieu.txt"

mkdir -p "$T/backup"
start_daemon
wait_until 240 '[ "$(sql "SELECT count(*) FROM records WHERE state IN (\"done\",\"quarantined\")")" = 4 ]' \
	|| fail "four records done or quarantined in time"
wait_until 60 '[ "$(sql "SELECT count(*) FROM records WHERE package_path IS NOT NULL")" = 2 ]' \
	|| fail "two packages written in time"

check "four records, not one per page" test "$(sql "SELECT count(*) FROM records")" = 4
ida=$(sql "SELECT id FROM records WHERE name = 'Quyết định 15'")
idb=$(sql "SELECT id FROM records WHERE name = 'Công văn 7'")
idc=$(sql "SELECT id FROM records WHERE name = 'Thiếu trang'")
check "folder A: one record named after the folder, done" test "$(sql "SELECT state FROM records WHERE id = ${ida:-0}")" = done
check "folder A: its origin is the hồ sơ folder" test "$(sql "SELECT origin FROM records WHERE id = ${ida:-0}")" = "Hồ sơ 2024"
check "folder A: 3 pages" test "$(sql "SELECT page_count FROM records WHERE id = ${ida:-0}")" = 3
check "folder B: 2 pages, done" test "$(sql "SELECT page_count || state FROM records WHERE id = ${idb:-0}")" = 2done
check "folder A left the inbox (pages, sidecar and folder)" test ! -e "$DA"
check "folder B left the inbox" test ! -e "$DB"

# 'sohoa show' names the page files, in page order.
"$SOHOA" show "${ida:-0}" > "$T/show.out" 2>&1
check "sohoa show lists the 3 page files" grep -q "Tệp trang (page files): 3: $(basename "${A[0]}")" "$T/show.out"
check "sohoa --json show: page_files in order" test "$("$SOHOA" --json show "${idb:-0}" | json "d['page_files']")" = "['z-dau.png', 'a-sau.png']"

# Each page's OCR text against the truth of every page: it must match its
# own page best (word F1), so the order is right.
cat > "$T/order.py" <<'PY'
import collections, json, sqlite3, sys, unicodedata
db, rid, truth, order = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
texts = json.load(open(truth, encoding="utf-8"))["text"]
want = [int(x) for x in order.split(",")]
def words(s):
    return collections.Counter(unicodedata.normalize("NFC", s).casefold().split())
def f1(a, b):
    c = sum((a & b).values())
    return 0 if not c else 2 * c / (sum(a.values()) + sum(b.values()))
rows = sqlite3.connect(db).execute(
    "SELECT page_no, text FROM pages WHERE record_id = ? ORDER BY page_no", (rid,)).fetchall()
ok = len(rows) == len(want)
for (no, text), w in zip(rows, want):
    scores = [f1(words(text), words(t)) for t in texts]
    best = max(range(len(texts)), key=lambda i: scores[i])
    print("page %d: best truth page %d (F1 %.2f), want %d" % (no, best, scores[best], w))
    ok = ok and best == w and scores[best] > 0.8
sys.exit(0 if ok else 1)
PY
check "folder A: pages OCRed in name order (each matches its own truth page)" \
	$PY "$T/order.py" "$T/state/catalog.db" "${ida:-0}" "${truths[0]}" 0,1,2
check "folder B: pages in the sidecar's order" \
	$PY "$T/order.py" "$T/state/catalog.db" "${idb:-0}" "${truths[1]}" 0,1

# The spool keeps each page byte for byte, with a list sha256sum checks.
ea="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE id = ${ida:-0}")"
for i in 1 2 3; do
	check "folder A: page file $i kept byte for byte" cmp -s "$T/keep/A/$(basename "${A[$((i - 1))]}")" "$ea/original.00$i"
done
check "no single 'original' for a document folder" test ! -e "$ea/original"
check "sha256sum -c originals.sha256 passes" sh -c "cd '$ea' && sha256sum --quiet -c originals.sha256"
check "the record's hash is the SHA-256 of originals.sha256" \
	test "$(sql "SELECT hash FROM records WHERE id = ${ida:-0}")" = "sha256:$(sha256sum < "$ea/originals.sha256" | cut -c1-64)"

# One PDF/A with all pages; pdftotext has the text of every page.
check "folder A: one PDF with 3 pages" test "$(pdfinfo "$ea/document.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')" = 3
check "the PDF passes qpdf --check" sh -c "qpdf --check '$ea/document.pdf' > /dev/null"
check "the PDF declares PDF/A-2b" sh -c "pdfinfo -meta '$ea/document.pdf' | grep -q 'pdfaid:part.*2'"

# The package: every page a preservation file, with its original name.
pkg=$("$SOHOA" show --package "${ida:-0}")
check "package METS.xml validates against METS 1.12.1" \
	xmllint --nonet --noout --schema "$SOHOA_SRC/schemas/xml/mets.xsd" "$pkg/METS.xml"
npres=$(ls "$pkg/representations/rep1/data/" | grep -vc '\.pdf$')
check "package: 3 page files and the PDF" test "$npres" = 3 -a -n "$(ls "$pkg"/representations/rep1/data/*.pdf 2>/dev/null)"
for i in 1 2 3; do
	f=$(ls "$pkg"/representations/rep1/data/*.00$i.png 2>/dev/null | head -1)
	check "package: page $i is the page file itself" cmp -s "$ea/original.00$i" "${f:-/nonexistent}"
done
check "package: PREMIS keeps the archivists' page names" \
	grep -q "$(basename "${A[1]}")" "$pkg/metadata/preservation/PREMIS.xml"

# Folder C: quarantined whole, with a Vietnamese reason.
check "folder C: quarantined for a missing page" \
	test "$(sql "SELECT state || ' ' || reason FROM records WHERE id = ${idc:-0}")" = "quarantined missing-page"
check "folder C: the folder is in the quarantine with its page" test -f "$T/quarantine/Thiếu trang/trang 1.png"
check "folder C: the reason file names the sidecar" grep -q "tailieu.txt" "$T/quarantine/Thiếu trang.ly-do.txt"
check "folder C: left the inbox" test ! -e "$DC"

# Folder D: quarantined after OCR as a folder of its pages, with a sidecar
# that lists them, and a reason that names the bad page file.
idd=$(sql "SELECT id FROM records WHERE name = 'Hỏng trang'")
check "folder D: quarantined (truncated page)" \
	test "$(sql "SELECT state FROM records WHERE id = ${idd:-0}")" = quarantined
check "folder D: the reason names the page file" \
	sh -c "sqlite3 '$T/state/catalog.db' \"SELECT last_error FROM records WHERE id = ${idd:-0}\" | grep -q '2.png'"
check "folder D: back as a folder with both pages byte for byte" \
	sh -c "cmp -s '$T/quarantine/Hỏng trang/1.png' '$T/render/${B[0]}' && test -s '$T/quarantine/Hỏng trang/2.png'"
check "folder D: with a tailieu.txt listing the pages in order" \
	test "$(grep -v '^#' "$T/quarantine/Hỏng trang/tailieu.txt" | tr '\n' ,)" = "1.png,2.png,"

# The archivist brings the missing page of folder C and puts it back with
# 'sohoa retry': the daemon takes the whole folder as one document.
cp "$T/render/${B[1]}" "$T/quarantine/Thiếu trang/trang 2.png"
"$SOHOA" retry "Thiếu trang" > "$T/retry.out" 2>&1
check "sohoa retry puts the folder back" test $? = 0
wait_until 120 '[ "$(sql "SELECT count(*) FROM records WHERE name = \"Thiếu trang\" AND state = \"done\" AND page_count = 2")" = 1 ]'
check "folder C, completed and retried: one record with 2 pages, done" \
	test "$(sql "SELECT count(*) FROM records WHERE name = 'Thiếu trang' AND state = 'done' AND page_count = 2")" = 1

# The backup holds every done record, page files and list included.
check "every done record copied to the backup" wait_until 60 \
	'[ "$(sql "SELECT count(*) FROM backup_copies")" = "$(sql "SELECT count(*) FROM records WHERE state = \"done\"")" ]'
check "the backup has folder A's page files and list" \
	test -f "$T/backup/spool/done/$(basename "$ea")/original.003" -a -f "$T/backup/spool/done/$(basename "$ea")/originals.sha256"

stop_daemon || fail "sohoad exits cleanly"

# 'sohoa restore' rebuilds the store from the backup, and the audit passes
# on the restored one.
"$SOHOA" restore --from "$T/backup" --to "$T/restored" > "$T/restore.out" 2>&1
check "restore exits 0" test $? = 0
check "restored spool/done identical" diff -r "$T/state/spool/done" "$T/restored/spool/done"
sed "s|^state_dir = .*|state_dir = $T/restored|; /^backup_dir/d" "$T/sohoa.conf" > "$T/restored.conf"
"$SOHOA" -c "$T/restored.conf" audit > "$T/audit-restored.out" 2>&1
check "audit on the restored store passes" test $? = 0
check "daemon log is sanitizer-clean" no_sanitizer_reports

# The audit checks every page against the list and the list against the
# catalog; a flipped byte in page 2 is found.
"$SOHOA" audit > "$T/audit1.out" 2> "$T/audit1.log"
check "audit passes on the intact store" test $? = 0
printf '\x00' | dd of="$ea/original.002" bs=1 seek=200 conv=notrunc 2>/dev/null
"$SOHOA" audit > "$T/audit2.out" 2> "$T/audit2.log"; rc=$?
check "audit: a flipped byte in a page file exits 1" test $rc = 1
check "audit names the page file" grep -q "original.002" "$T/audit2.out" "$T/audit2.log"

# The same pages again, through 'sohoa ingest' on the folder itself: the
# same document, so an exact duplicate.
mkdir -p "$T/again/Quyết định 15"
cp "$T"/keep/A/* "$T/again/Quyết định 15/"
printf '\n' > "$T/again/Quyết định 15/tailieu.txt"
"$SOHOA" ingest "$T/again/Quyết định 15" > "$T/ingest.out" 2> "$T/ingest.log"
check "ingest of the same folder: one record, an exact duplicate of A" \
	test "$(sql "SELECT count(*) || ' ' || min(reason) || ' ' || min(duplicate_of) FROM records WHERE reason = 'duplicate'")" = "1 duplicate ${ida:-0}"
check "ingest never moves the caller's files" test -f "$T/again/Quyết định 15/tailieu.txt"
finish
