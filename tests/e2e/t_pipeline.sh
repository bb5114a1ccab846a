#!/bin/bash
# The whole pipeline on real rendered scans: sohoad takes every scan from
# the inbox (top level and a sub-folder), ignores junk, OCRs, records, and
# every document is found by `sohoa search` through its distinctive word,
# with and without diacritics.  Duplicates go to quarantine/trung-lap/.
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf
mkdir -p "$T/inbox/ho-so-2024-01" "$T/inbox/@eaDir" "$T/inbox/.hidden-dir"

n=0; expect_pages=0
for f in "$TESTDATA"/corpus/*; do
	n=$((n + 1))
	if [ $((n % 3)) -eq 0 ]; then cp "$f" "$T/inbox/ho-so-2024-01/"; else cp "$f" "$T/inbox/"; fi
done
# A Vietnamese file name written decomposed (NFD), as macOS clients do.
nfd_name=$($PY -c "import unicodedata; print(unicodedata.normalize('NFD', 'Quyết định số 9.tif'))")
cp "$TESTDATA/names/"*.tif "$T/inbox/$nfd_name"
n=$((n + 1))
# A page turned 90 degrees, and one upside down and skewed by 2 degrees.
mkdir -p "$T/inbox/xoay"
for d in r90 r180; do
	for f in "$TESTDATA/rotated/$d"/*; do cp "$f" "$T/inbox/xoay/$d-$(basename "$f")"; n=$((n + 1)); done
done
# Junk that must stay untouched.
junk="~\$bao-cao.docx x.tmp y.part .DS_Store ._scan.tif Thumbs.db desktop.ini .an.png"
for j in $junk; do echo junk > "$T/inbox/$j"; done
cp "$TESTDATA"/corpus/*.png "$T/inbox/@eaDir/" 2>/dev/null
cp "$TESTDATA"/corpus/*.png "$T/inbox/.hidden-dir/" 2>/dev/null

start_daemon
check "all $n documents OCRed" wait_until 400 '[ "$(state_count done)" = "$n" ]'
check "inbox keeps only junk" test "$(find "$T/inbox" -type f ! -path '*@eaDir*' ! -path '*/.hidden-dir/*' | wc -l)" = "$(echo $junk | wc -w)"
check "no quarantine" test "$(state_count quarantined)" = 0
check "sub-folder kept as origin" test "$(sql "SELECT count(*) FROM records WHERE origin = 'ho-so-2024-01'")" = 4
# Turned and skewed pages are straightened before OCR and read as well as upright ones.
check "90-degree page turned back" test "$(sql "SELECT p.rotation FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name LIKE 'r90-%'")" = 90
check "upside-down page turned back" test "$(sql "SELECT p.rotation FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name LIKE 'r180-%'")" = 180
check "skew removed" test "$(sql "SELECT abs(p.skew) BETWEEN 1.5 AND 2.5 FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name LIKE 'r180-%'")" = 1
for d in r90 r180; do
	word=$(json "d['distinctive_word']" < "$(ls "$TESTDATA/rotated-truth/$d"/*.json | head -1)")
	got=$("$SOHOA" search --json "$word" | json "' '.join(r['name'] for r in d['results'])")
	case " $got " in *" $d-"*) ok "turned page found by '$word'" ;; *) fail "turned page not found by '$word' (got: $got)" ;; esac
	check "turned page read with confidence" test "$(sql "SELECT min(p.confidence) > 85 FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name LIKE '$d-%'")" = 1
done

# NFC name, raw bytes kept.
nfc_hex=$(printf '%s' 'Quyết định số 9.tif' | od -An -tx1 | tr -d ' \n')
nfd_hex=$(printf '%s' "$nfd_name" | od -An -tx1 | tr -d ' \n')
check "file name stored as NFC text" test "$(sql "SELECT hex(CAST(name AS BLOB)) FROM records WHERE name = 'Quyết định số 9.tif'" | tr 'A-F' 'a-f')" = "$nfc_hex"
check "file name stored as original bytes" test "$(sql "SELECT hex(name_raw) FROM records WHERE name = 'Quyết định số 9.tif'" | tr 'A-F' 'a-f')" = "$nfd_hex"

# Hash stored as sha256:<hex> of the original bytes.
f=$(ls "$TESTDATA"/corpus/*.jpg | head -1)
check "hash is sha256 of the original" test "$(sql "SELECT hash FROM records WHERE name = '$(basename "$f")'")" = "sha256:$(sha256sum "$f" | cut -d' ' -f1)"

# Every document found by its distinctive word, folded and exact.
for truth in "$TESTDATA"/corpus-truth/*.json "$TESTDATA"/names-truth/*.tif.json "$TESTDATA"/names-truth/*.json; do
	[ -e "$truth" ] || continue
	file=$(json "d['file']" < "$truth")
	case "$file" in *.tif) ;; *) [ "${truth#*names-truth}" != "$truth" ] && continue ;; esac
	word=$(json "d['distinctive_word']" < "$truth")
	[ "$word" = None ] && continue
	[ "${truth#*names-truth}" != "$truth" ] && file="Quyết định số 9.tif"
	folded=$($PY -c "import unicodedata,sys; w=sys.argv[1].replace('đ','d').replace('Đ','D'); print(''.join(c for c in unicodedata.normalize('NFD', w) if unicodedata.category(c) != 'Mn'))" "$word")
	for q in "$word" "$folded"; do
		got=$("$SOHOA" search --json --limit 50 "$q" | json "' '.join(r['name'] for r in d['results'])")
		case " $got " in *" $file "*) ok "'$q' finds $file" ;; *) fail "'$q' does not find $file (got: $got)" ;; esac
	done
done

# show --json: pages with text and confidence; a multi-page TIFF has its pages.
id=$(sql "SELECT id FROM records WHERE page_count > 1 LIMIT 1")
check "a multi-page TIFF became one record with several pages" test -n "$id"
pages=$("$SOHOA" show --json "$id" | json "len(d['pages'])")
check "show --json lists every page" test "$pages" = "$(sql "SELECT page_count FROM records WHERE id = $id")"
check "pages carry text and confidence" test "$("$SOHOA" show --json "$id" | json "all(len(p['text']) > 200 and p['confidence'] > 50 for p in d['pages'])")" = True
check "status --json counts states" test "$("$SOHOA" status --json | json "d['states']['done']")" = "$n"
check "events: ingestion, digest, ocr per record" test "$(sql "SELECT count(DISTINCT record_id) FROM events WHERE type = 'ocr' AND outcome = 'success'")" = "$n"

# A byte-identical copy under another name: duplicate, never OCRed twice.
dupsrc=$(ls "$TESTDATA"/corpus/*.tif | head -1)
orig_id=$(sql "SELECT id FROM records WHERE name = '$(basename "$dupsrc")'")
cp "$dupsrc" "$T/inbox/ban-sao.tif"
check "duplicate quarantined in trung-lap/" wait_until 30 '[ -e "$T/quarantine/trung-lap/ban-sao.tif" ]'
check "duplicate has a reason naming the record" grep -q "tài liệu số $orig_id" "$T/quarantine/trung-lap/ban-sao.tif.ly-do.txt"
check "duplicate not OCRed" test "$(sql "SELECT count(*) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'ban-sao.tif'")" = 0
check "duplicate event on the original" test "$(sql "SELECT count(*) FROM events WHERE record_id = $orig_id AND type = 'duplicate'")" = 1
check "duplicate left the inbox" test ! -e "$T/inbox/ban-sao.tif"

# SIGTERM: exits 0 within 10 s.
start=$(date +%s)
stop_daemon; rc=$?
check "SIGTERM exits 0" test $rc = 0
check "SIGTERM exits within 10 s" test $(( $(date +%s) - start )) -le 10
check "catalog integrity" test "$(sql "PRAGMA integrity_check")" = ok
finish
