#!/bin/bash
# The OCR worker's text and hOCR from the linear walk of Tesseract's results
# (lib/ocr_walk.cc) are the bytes Tesseract's own walks give: the real
# 'sohoa ingest' on real scans — a multi-page TIFF (page numbers in the
# hOCR), a nearly empty page turned a quarter (its first reading's word
# counts send it to OSD: ocr.c's reading_upright) and a page upside down —
# with vie+eng (the counts decide a second reading too), once as it runs
# and once with SOHOA_OCR_WALK=tesseract, which makes every page take
# Tesseract's walks and say so in the timing lines.
. "$(dirname "$0")/lib.sh"
multi=""
for f in "$TESTDATA"/corpus/*.tif; do
	if $PY -c 'import sys; from PIL import Image; sys.exit(Image.open(sys.argv[1]).n_frames < 2)' "$f"; then
		multi=$f
		break
	fi
done
check "the test scans have a multi-page TIFF" test -n "$multi"
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/r90" --count 1 --seed 1 --types QĐ \
	--formats png --rotate 90 >/dev/null
sparse=$(ls "$T/r90"/*-p2.png 2>/dev/null | head -1)
check "the renderer gave a nearly empty page" test -n "$sparse"
scans=("$multi" "$sparse" "$TESTDATA"/rotated/r180/*)

# ingest NAME [ENV...]: every scan through 'sohoa ingest' into $T/NAME.
ingest() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	printf 'inbox = %s\nstate_dir = %s\nquarantine = %s\nworkers = 1\nlanguages = vie+eng\n' \
		"$T/$name/inbox" "$T/$name/state" "$T/$name/q" > "$T/$name/t.conf"
	for s in "${scans[@]}"; do
		env "$@" SOHOA_OCR_TIMING=1 "$SOHOA" -c "$T/$name/t.conf" ingest "$s" \
			>> "$T/$name/out" 2>> "$T/$name/log" || echo "ingest failed: $s" >> "$T/$name/log"
	done
}

# results NAME: each record's ocr.out and ocr.hocr, by the scan's name.
results() {
	sqlite3 -separator '|' "$T/$1/state/catalog.db" "SELECT spool_id, name FROM records ORDER BY name" |
	while IFS='|' read -r id name; do
		echo "== $name"
		cat "$T/$1/state/spool/done/$id/ocr.out" "$T/$1/state/spool/done/$id/ocr.hocr"
	done
}

ingest linear
ingest tesseract SOHOA_OCR_WALK=tesseract
n=${#scans[@]}
check "all $n scans done both ways" test "$(sqlite3 "$T/linear/state/catalog.db" \
	"SELECT count(*) FROM records WHERE state = 'done'")$(sqlite3 "$T/tesseract/state/catalog.db" \
	"SELECT count(*) FROM records WHERE state = 'done'")" = "$n$n"
results linear > "$T/linear.res"
results tesseract > "$T/tesseract.res"
pages=$(grep -c "timing page [0-9]*:" "$T/linear/log")
check "$pages pages, with words and their x_alts" \
	test "$pages" -ge 4 -a "$(grep -c "class='ocrx_word'" "$T/linear.res")" -gt 300 \
	-a "$(grep -c "x_alts" "$T/linear.res")" -gt 0
check "the multi-page TIFF's hOCR numbers its pages" grep -q "id='page_2'" "$T/linear.res"
check "the page turned a quarter was read, found sideways and turned" \
	grep -q "orientation open; read as it came: .* asking OSD" "$T/linear/log"
check "the text and hOCR of every page are the bytes Tesseract's own walks give" \
	cmp -s "$T/linear.res" "$T/tesseract.res"
[ -s "$T/linear.res" ] && ! cmp -s "$T/linear.res" "$T/tesseract.res" && diff "$T/linear.res" "$T/tesseract.res" | head -20
check "the same words counted: the same decisions on orientation and language" \
	test "$(grep -E "read as it came|read again with" "$T/linear/log" | sort)" = \
	"$(grep -E "read as it came|read again with" "$T/tesseract/log" | sort)"
check "no page left the linear walk" test "$(grep -c "Tesseract's own walks" "$T/linear/log")" = 0
check "SOHOA_OCR_WALK=tesseract: every page says it took Tesseract's walks" \
	test "$(grep -c "text and hOCR by Tesseract's own walks: asked" "$T/tesseract/log")" = "$pages"
finish
