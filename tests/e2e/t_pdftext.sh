#!/bin/bash
# The document PDF's text layer written in one pass (lib/ocr_pdftext.cc,
# appended to each page by pdfa.c) is the text layer Tesseract's renderer
# writes (issue 18).  sohoad OCRs the same rendered scans three times: with
# SOHOA_PDF_TEXT=renderer (the forced fallback: every page's text by the
# renderer, as before), with =renderer:2 (each document's second page so,
# the others by the pass: a PDF mixing both), and as it runs normally.
# Scans: a clean PNG, a skewed grey scan, a JPEG turned a quarter and a
# colour JPEG photo skewed 2 degrees (both drawn turned: the text joins
# that rewrite of the page), a 200 dpi G4 page, a three-page TIFF (its last
# page nearly empty).
# Checked, for every document: the decoded content stream of every page is
# byte for byte the same in the forced and normal runs' PDFs (picture line
# and text objects), and in the mixed run's for documents of several pages;
# so is poppler's reading of the text and its boxes (pdftotext
# -bbox-layout), and so are ocr.out and the hOCR; the workers' lines say
# every page's text layer came from the one pass in the normal run, and
# from the renderer, with the reason, in the forced one.  finish() checks
# the PDF/A structure of the normal run's PDFs.  PDFTEXT_SCANS=DIR takes
# the scans in DIR instead (e.g. the bench's realistic set,
# build/bench-data/real-*).
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf
export SOHOA_OCR_TIMING=1
R="$PY $SOHOA_SRC/tests/tools/render_scans.py"

mkdir -p "$T/originals"
render() {     # render NAME ARGS...: one document, renamed NAME-<file>
	local name=$1; shift
	$R --out "$T/render/$name" --truth "$T/truth/$name" --count 1 "$@" >> "$T/render.log" 2>&1 \
		|| fail "render $name"
	for f in "$T/render/$name"/*; do cp "$f" "$T/originals/$name-$(basename "$f")"; done
}
if [ -n "${PDFTEXT_SCANS:-}" ]; then
	cp "$PDFTEXT_SCANS"/* "$T/originals/"
else
	render clean --seed 1901 --pages 1 --formats png
	render skewed --seed 1902 --pages 1 --formats tiff-gray --scan --skew 2.5
	render r90 --seed 1903 --pages 1 --formats jpeg --scan --rotate 90
	render photo --seed 1904 --pages 1 --formats jpeg --color --photo --skew -2 --jpeg-quality 70
	render g4 --seed 1905 --pages 1 --formats tiff-g4 --dpi 200
	render multi --seed 1906 --pages 3 --formats tiff-multipage
fi
n=$(ls "$T/originals" | wc -l)

# The PDF of each original, by name, from the catalog of the run just done.
collect() {
	local out=$1 name spool
	mkdir -p "$out"
	for orig in "$T"/originals/*; do
		name=$(basename "$orig")
		spool=$(sql "SELECT spool_id FROM records WHERE name = '$name'")
		[ -s "$T/state/spool/done/$spool/document.pdf" ] \
			&& cp "$T/state/spool/done/$spool/document.pdf" "$out/$name.pdf"
		cat "$T/state/spool/done/$spool/ocr.out" "$T/state/spool/done/$spool/ocr.hocr" \
			> "$out/$name.ocr" 2>/dev/null
	done
}

# Every page's decoded content stream, in page order, with a line naming it.
contents() {
	local pdf=$1 obj
	qpdf --show-pages "$pdf" | sed -n 's/^ *\([0-9]*\) 0 R$/\1/p' | while read -r obj; do
		echo "== content $obj"
		qpdf --show-object="$obj" --filtered-stream-data "$pdf"
		echo
	done
}

run() {        # run LABEL: the inbox OCRed from scratch
	rm -rf "$T/state" "$T/inbox"
	mkdir -p "$T/inbox"
	cp "$T"/originals/* "$T/inbox/"
	start_daemon
	check "$1: all $n documents OCRed" wait_until 600 '[ "$(state_count done)" = "$n" ]'
	stop_daemon
	collect "$T/pdf-$1"
	mv "$T/daemon.log" "$T/daemon-$1.log"
}

SOHOA_PDF_TEXT=renderer run renderer
mv "$T/state" "$T/state-renderer"
# Every document's second page by the renderer, the others by the pass.
SOHOA_PDF_TEXT=renderer:2 run mixed
mv "$T/state" "$T/state-mixed"
run onepass

pages_total=0 mixed_docs=0
for orig in "$T"/originals/*; do
	name=$(basename "$orig")
	a="$T/pdf-renderer/$name.pdf" b="$T/pdf-onepass/$name.pdf"
	if [ ! -s "$a" ] || [ ! -s "$b" ]; then
		fail "$name: a document.pdf in both runs"
		continue
	fi
	contents "$a" > "$T/ca.txt"
	contents "$b" > "$T/cb.txt"
	pages=$(grep -c '^== content' "$T/cb.txt")
	pages_total=$((pages_total + pages))
	words=$(grep -o ' TJ' "$T/cb.txt" | wc -l)
	echo "   ($name: $pages pages, $words words in the text layer," \
		"$(wc -c < "$T/cb.txt") bytes of content)"
	check "$name: every page's content stream the same, byte for byte" cmp -s "$T/ca.txt" "$T/cb.txt"
	if [ "$pages" -gt 1 ]; then
		contents "$T/pdf-mixed/$name.pdf" > "$T/cm.txt"
		check "$name: the same with page 2 by the renderer, the others by the pass" \
			cmp -s "$T/ca.txt" "$T/cm.txt"
		mixed_docs=$((mixed_docs + 1))
	fi
	check "$name: a text layer of words" test "$words" -gt 20
	# But for the dates of the two runs.
	pdftotext -bbox-layout "$a" - | grep -v '<meta name="[A-Za-z]*Date"' > "$T/ba.html"
	pdftotext -bbox-layout "$b" - | grep -v '<meta name="[A-Za-z]*Date"' > "$T/bb.html"
	check "$name: pdftotext -bbox-layout the same" cmp -s "$T/ba.html" "$T/bb.html"
	check "$name: pdftotext finds the words" test "$(grep -c '<word ' "$T/bb.html")" -gt 20
	check "$name: qpdf --check passes" eval 'qpdf --check "$b" > /dev/null'
	# The text layer is made after the OCR's text and hOCR are taken.
	check "$name: ocr.out and the hOCR the same" eval 'grep -q "ocrx_word" "$T/pdf-onepass/$name.ocr" \
		&& cmp -s "$T/pdf-renderer/$name.ocr" "$T/pdf-onepass/$name.ocr"'
done

# The workers' own account of who wrote each page's text layer.
sum_layer() {  # sum_layer LOG FIELD: the job lines' page counts (FIELD 1: one pass, 2: renderer)
	sed -n "s/.*text layer of \([0-9]*\) pages by one pass, \([0-9]*\) by Tesseract's renderer$/\1 \2/p" "$1" \
		| awk -v f="$2" '{ s += $f } END { print s + 0 }'
}
one=$(sum_layer "$T/daemon-onepass.log" 1) ren=$(sum_layer "$T/daemon-onepass.log" 2)
echo "   (normal run: $one pages by one pass, $ren by the renderer; forced run:" \
	"$(sum_layer "$T/daemon-renderer.log" 1) and $(sum_layer "$T/daemon-renderer.log" 2))"
check "normal run: every page's text layer by the one pass" test "$one" = "$pages_total" -a "$ren" = 0
check "forced run: every page's text layer by the renderer" \
	test "$(sum_layer "$T/daemon-renderer.log" 1)" = 0 -a "$(sum_layer "$T/daemon-renderer.log" 2)" = "$pages_total"
check "run with page 2 forced: $mixed_docs documents of several pages" test "$mixed_docs" -gt 0
check "run with page 2 forced: one page of each of them by the renderer" \
	test "$(grep -c "page 2: text layer by Tesseract's renderer: SOHOA_PDF_TEXT=renderer:<page>" \
	"$T/daemon-mixed.log")" = "$mixed_docs"
check "forced run: each page says why" \
	test "$(grep -c "text layer by Tesseract's renderer: SOHOA_PDF_TEXT=renderer" "$T/daemon-renderer.log")" = "$pages_total"
cat "$T"/daemon-*.log > "$T/daemon.log"
finish
