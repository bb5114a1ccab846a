#!/bin/bash
# The orientation of a nearly empty page (a document's last page: a few
# lines and the signature), which Leptonica's quick tests cannot decide
# (ocr_prep.c, ocr.c page_read): the page is read as it comes first, and
# Tesseract's OSD is asked only when that reading is poor.  Real 'sohoa
# ingest' on rendered pages: the upright page is kept as read, without OSD;
# the same page turned a quarter and upside down is still turned back, and
# read as well as the upright one.
. "$(dirname "$0")/lib.sh"
R="$PY $SOHOA_SRC/tests/tools/render_scans.py"
for r in 0 90 180; do
	$R --out "$T/r$r" --count 1 --seed 1 --types QĐ --formats png --rotate $r >/dev/null
	p2=$(ls "$T/r$r"/*-p2.png 2>/dev/null | head -1)
	check "the renderer gave a second page (turned $r)" test -n "$p2"
	cp "$p2" "$T/sparse-$r.png"
done
printf 'inbox = %s\nstate_dir = %s\nquarantine = %s\nworkers = 1\n' \
	"$T/inbox" "$T/state" "$T/q" > "$T/t.conf"
SOHOA_OCR_TIMING=1 "$SOHOA" -c "$T/t.conf" ingest "$T/sparse-0.png" "$T/sparse-90.png" \
	"$T/sparse-180.png" > "$T/out" 2> "$T/log"
check "the three pages are done" test "$(sql "SELECT count(*) FROM records WHERE state = 'done'")" = 3
rot() { sql "SELECT p.rotation FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'sparse-$1.png'"; }
conf() { sql "SELECT p.confidence FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'sparse-$1.png'"; }
check "the upright page is not turned" test "$(rot 0)" = 0
check "the page turned a quarter is turned back ($(rot 90))" test "$(rot 90)" = 90
check "the upside-down page is turned back ($(rot 180))" test "$(rot 180)" = 180
# The reading decides the upright page: its line says so, and no page
# read as it came is kept when that reading was poor.
check "the upright page's orientation was decided by its reading, not OSD" \
	grep -q "orientation open; read as it came: confidence [0-9]*, [0-9]* of [0-9]* words known, 0 sideways: upright" "$T/log"
check "every page read upside down or sideways went to OSD" \
	test "$(grep -c "orientation open.*: upright" "$T/log")" = 1
check "... the turned pages were read as they came first (the path this tests)" \
	test "$(grep -c "orientation open.*: asking OSD" "$T/log")" = 2
# Read upright (a page read upside down gives under 60); main's build gives
# the same 87, 87 and 82.
for r in 0 90 180; do
	check "the page turned $r is read with confidence ($(conf $r))" \
		awk -v a="$(conf $r)" 'BEGIN { exit !(a != "" && a >= 75) }'
done
word=$(sql "SELECT text FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'sparse-0.png'" \
	| tr -s ' \n' '\n\n' | awk 'length($0) >= 5' | head -1)
check "the turned pages hold the upright page's words ('$word')" \
	test "$(sql "SELECT count(*) FROM pages WHERE instr(text, '$word') > 0")" = 3
finish
