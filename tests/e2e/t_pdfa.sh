#!/bin/bash
# The PDF/A-2b "hai lớp" output: sohoad OCRs a scan of every format (PNG,
# JPEG, G4, gray TIFF, colour TIFF, multi-page TIFF, a page turned 90
# degrees and one upside down and skewed) and leaves <entry>/document.pdf.
# Each PDF is checked with the tools others would use: qpdf --check,
# pdftotext against the OCR text in the catalog, pdfimages -list for the
# resolution and encoding of every page image, pdfinfo -meta for the XMP,
# qpdf --json for the OutputIntent, the trailer /ID and the fonts.
# No PDF/A validator (veraPDF) is available offline; these are the parts of
# ISO 19005-2 level B that can be checked without one.
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf
export SOHOA_OCR_TIMING=1
VERSION=$(sed -n 's/^#define SOHOA_VERSION "\(.*\)"/\1/p' "$SOHOA_SRC/include/sohoa/sohoa.h")

n=0
for f in "$TESTDATA"/corpus/*; do cp "$f" "$T/inbox/"; n=$((n + 1)); done
for d in r90 r180; do
	for f in "$TESTDATA/rotated/$d"/*; do cp "$f" "$T/inbox/$d-$(basename "$f")"; n=$((n + 1)); done
done
# The originals, to compare with what stays in the spool.
mkdir -p "$T/originals"
cp "$T"/inbox/* "$T/originals/"

# truth_of NAME: the render description of a test scan.
truth_of() {
	local base=${1%.*}
	case "$1" in
	r90-* | r180-*) echo "$TESTDATA/rotated-truth/${1%%-*}/${base#*-}.json" ;;
	*) echo "$TESTDATA/corpus-truth/$base.json" ;;
	esac
}

# pdf_of NAME: the PDF/A of the record with that name.
pdf_of() {
	echo "$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = '$1'")/document.pdf"
}

# Word multisets of the OCR text (catalog) and of pdftotext, after NFC and
# whitespace normalisation: the share of words in common, both ways, and
# the order (difflib on the word sequences).
cat > "$T/compare.py" <<'PY'
import collections, difflib, sys, unicodedata
def words(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return unicodedata.normalize("NFC", f.read()).split()
a, b = words(sys.argv[1]), words(sys.argv[2])
ca, cb = collections.Counter(a), collections.Counter(b)
common = sum((ca & cb).values())
order = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
print("%.4f %.4f %.4f %d %d" % (common / max(1, len(a)), common / max(1, len(b)), order,
    len(a), len(b)))
PY

# The object structure, from qpdf's JSON (version 2): OutputIntent and ICC,
# trailer /ID, Info, an uncompressed metadata stream, embedded fonts, no
# transparency, nothing PDF/A forbids.
cat > "$T/structure.py" <<'PY'
import json, sys
objs = json.load(open(sys.argv[1]))["qpdf"][1]
def val(x):
    if isinstance(x, str) and x.endswith(" R"):
        o = objs.get("obj:" + x)
        return None if o is None else o.get("value", o.get("stream"))
    return x
trailer = objs["trailer"]["value"]
root = val(trailer["/Root"])
problems = []
if not (isinstance(trailer.get("/ID"), list) and len(trailer["/ID"]) == 2):
    problems.append("no trailer /ID")
info = val(trailer.get("/Info"))
if not info or not all(k in info for k in ("/Title", "/Creator", "/Producer", "/CreationDate")):
    problems.append("incomplete Info")
ok = False
for oi in val(root.get("/OutputIntents")) or []:
    oi = val(oi)
    prof = val(oi.get("/DestOutputProfile"))
    if oi.get("/S") == "/GTS_PDFA1" and prof and prof["dict"].get("/N") == 3:
        ok = True
if not ok:
    problems.append("no GTS_PDFA1 OutputIntent with an RGB ICC stream")
meta = val(root.get("/Metadata"))
if not meta or meta["dict"].get("/Subtype") != "/XML" or "/Filter" in meta["dict"]:
    problems.append("metadata stream missing or compressed")
fonts = 0
for k, o in objs.items():
    v = o.get("value") if "value" in o else o.get("stream", {}).get("dict")
    if not isinstance(v, dict):
        continue
    if v.get("/Type") == "/FontDescriptor":
        fonts += 1
        if not any(f in v for f in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append("font not embedded: %s" % v.get("/FontName"))
    if "/SMask" in v or (v.get("/Type") == "/Page" and "/Group" in v):
        problems.append("transparency in %s" % k)
    if v.get("/Interpolate") is True:
        problems.append("/Interpolate true in %s" % k)
    if any(f in v for f in ("/Encrypt", "/JS", "/JavaScript", "/EmbeddedFiles")):
        problems.append("forbidden key in %s" % k)
if not fonts:
    problems.append("no text font")
print("; ".join(problems) if problems else "ok")
PY

start_daemon
check "all $n documents OCRed" wait_until 400 '[ "$(state_count done)" = "$n" ]'

formats=""
for orig in "$T"/originals/*; do
	name=$(basename "$orig")
	pdf=$(pdf_of "$name")
	if [ ! -s "$pdf" ]; then
		fail "$name: no document.pdf"
		continue
	fi
	id=$(sql "SELECT id FROM records WHERE name = '$name'")
	pages=$(sql "SELECT page_count FROM records WHERE id = $id")
	dpi=$(sql "SELECT dpi FROM pages WHERE record_id = $id AND page_no = 1")
	rot=$(sql "SELECT max(rotation) FROM pages WHERE record_id = $id")
	mode=$(json "d['render']['mode']" < "$(truth_of "$name")")
	formats="$formats $(json "d['render']['format']" < "$(truth_of "$name")")"

	check "$name: qpdf --check passes" qpdf --check "$pdf" > /dev/null
	check "$name: one PDF page per scan page ($pages)" \
		test "$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')" = "$pages"
	check "$name: the original stays in the spool byte for byte" \
		cmp -s "$orig" "$(dirname "$pdf")/original"

	# Images: every page at the scan's resolution, encoded by its depth.
	pdfimages -list "$pdf" | tail -n +3 > "$T/images.txt"
	check "$name: one image per page" test "$(wc -l < "$T/images.txt")" = "$pages"
	check "$name: images at the scan's $dpi dpi" \
		awk -v d="$dpi" '{ if ($13 != d || $14 != d) bad = 1 } END { exit bad }' "$T/images.txt"
	case "$mode" in
	bilevel) want="gray 1 1 ccitt" ;;
	gray) want="gray 1 8 jpeg" ;;
	rgb) want="rgb 3 8 jpeg" ;;
	*) want="unknown mode $mode" ;;
	esac
	check "$name: $mode pages are '$want'" \
		awk -v w="$want" '{ if ($6 " " $7 " " $8 " " $9 != w) bad = 1 } END { exit bad }' "$T/images.txt"
	check "$name: plain images, no interpolation" \
		awk '{ if ($10 != "no" || $3 != "image") bad = 1 } END { exit bad }' "$T/images.txt"
	if [ "${name##*.}" = jpg ]; then
		# A JPEG goes in as it is, turned or not: no second lossy
		# compression (a turned one is drawn turned: t_pdf_placed.sh).
		rm -f "$T"/img-*
		pdfimages -j "$pdf" "$T/img"
		check "$name: the JPEG is embedded byte for byte" cmp -s "$T/img-000.jpg" "$orig"
	fi

	# The text layer: pdftotext gives back the OCR text.  In -raw mode it
	# reads the words in the order the layer holds them, Tesseract's
	# reading order; in its default layout mode it rebuilds lines from the
	# positions (checked over all documents below, since a page where
	# Tesseract found two overlapping lines comes out interleaved).
	sql "SELECT text FROM pages WHERE record_id = $id ORDER BY page_no" > "$T/ocr.txt"
	cat "$T/ocr.txt" >> "$T/all-ocr.txt"
	pdftotext -enc UTF-8 "$pdf" - >> "$T/all-pdf.txt"
	pdftotext -raw -enc UTF-8 "$pdf" "$T/pdf.txt"
	read -r recall precision order na nb < <($PY "$T/compare.py" "$T/ocr.txt" "$T/pdf.txt")
	check "$name: pdftotext -raw has >= 98% of the $na OCR words ($recall)" \
		$PY -c "import sys; sys.exit(not ($recall >= 0.98 and $na > 50))"
	check "$name: >= 98% of the $nb pdftotext -raw words are OCR words ($precision)" \
		$PY -c "import sys; sys.exit(not $precision >= 0.98)"
	check "$name: pdftotext -raw keeps the reading order (similarity $order)" \
		$PY -c "import sys; sys.exit(not $order >= 0.98)"

	# XMP: PDF/A-2b, title, identifier, creator tool.
	pdfinfo -meta "$pdf" > "$T/xmp.txt"
	check "$name: XMP is well-formed" xmllint --noout "$T/xmp.txt"
	check "$name: XMP pdfaid:part 2" grep -q '<pdfaid:part>2</pdfaid:part>' "$T/xmp.txt"
	check "$name: XMP pdfaid:conformance B" \
		grep -q '<pdfaid:conformance>B</pdfaid:conformance>' "$T/xmp.txt"
	check "$name: XMP dc:title is the document's name" \
		grep -qF "<rdf:li xml:lang=\"x-default\">$name</rdf:li>" "$T/xmp.txt"
	check "$name: XMP dc:identifier is the original's hash" \
		grep -qF "<dc:identifier>$(sql "SELECT hash FROM records WHERE id = $id")</dc:identifier>" "$T/xmp.txt"
	check "$name: XMP xmp:CreatorTool is 'sohoa $VERSION'" \
		grep -qF "<xmp:CreatorTool>sohoa $VERSION</xmp:CreatorTool>" "$T/xmp.txt"

	qpdf --json=2 --json-key=qpdf "$pdf" > "$T/pdf.json"
	res=$($PY "$T/structure.py" "$T/pdf.json" 2>&1 | tail -n 1)
	check "$name: OutputIntent, ICC, /ID, Info, XMP, fonts, no transparency: $res" test "$res" = ok

	# Info says what the XMP says (ISO 19005-2, 6.6.2.2).
	check "$name: Info /Title = dc:title" \
		test "$(pdfinfo "$pdf" | sed -n 's/^Title: *//p')" = "$name"
	check "$name: Info /Creator = xmp:CreatorTool" \
		test "$(pdfinfo "$pdf" | sed -n 's/^Creator: *//p')" = "sohoa $VERSION"
	cd_xmp=$(sed -n 's:.*<xmp\:CreateDate>\(.*\)</xmp\:CreateDate>.*:\1:p' "$T/xmp.txt")
	cd_info=$(pdfinfo -isodates "$pdf" | sed -n 's/^CreationDate: *//p')
	check "$name: Info /CreationDate = xmp:CreateDate ($cd_info, $cd_xmp)" $PY -c "
import sys, datetime as D
f = lambda s: D.datetime.fromisoformat(s.replace('Z', '+00:00'))
sys.exit(f(sys.argv[1]) != f(sys.argv[2]))" "$cd_info" "$cd_xmp"
done

read -r recall precision order na nb < <($PY "$T/compare.py" "$T/all-ocr.txt" "$T/all-pdf.txt")
check "pdftotext (layout mode) has >= 98% of all $na OCR words ($recall)" \
	$PY -c "import sys; sys.exit(not ($recall >= 0.98 and $na > 1000))"
check ">= 98% of all $nb pdftotext words (layout mode) are OCR words ($precision)" \
	$PY -c "import sys; sys.exit(not $precision >= 0.98)"

for f in png jpeg tiff-g4 tiff-gray tiff-rgb tiff-multipage; do
	case " $formats " in *" $f "*) ok "a PDF/A from $f" ;; *) fail "no $f scan was tried" ;; esac
done
check "no temporary files left in the spool" test -z "$(find "$T/state/spool" \
	\( -name '*.tmp' -o -name 'document.tess*' -o -name 'document.page.jpg' \) -print)"

# Time: PDF writing and PDF/A post-processing against OCR, over all pages
# (the worker's SOHOA_OCR_TIMING lines).  Preprocessing (orientation,
# deskew) is printed beside it: with it the budget is 15% of OCR time.
read -r prep ocr pdf < <(awk '/timing page/ { p += $6; o += $9 } /pdf total/ { f += $(NF - 1) }
	END { print p + 0, o + 0, f + 0 }' "$T/daemon.log")
echo "   time over all pages: OCR $ocr ms, PDF + PDF/A $pdf ms, preprocessing $prep ms" \
	"($($PY -c "print('%.1f%% + %.1f%% = %.1f%%' % (100*$pdf/$ocr, 100*$prep/$ocr, 100*($pdf+$prep)/$ocr))") of OCR)"
check "PDF writing + PDF/A <= 10% of OCR time" \
	$PY -c "import sys; sys.exit(not ($ocr > 0 and $pdf <= 0.10 * $ocr))"

stop_daemon

# A page that runs out of time: the catalog keeps no text for it, and the
# PDF/A page has the image alone (not half a text layer).
EXTRA_CONF="page_timeout = 1" write_conf
# The first corpus PNG at twice the resolution: four times the pixels,
# several seconds of OCR, not one.
$PY -c "
import sys
from PIL import Image
im = Image.open(sys.argv[1])
im.resize((im.width * 2, im.height * 2)).save(sys.argv[2], dpi=(600, 600))
" "$(ls "$TESTDATA"/corpus/*.png | head -1)" "$T/cham.png"
mv "$T/cham.png" "$T/inbox/cham.png"
start_daemon
check "the slow scan is recorded" wait_until 120 '[ "$(sql "SELECT state FROM records WHERE name = '"'cham.png'"'")" = done ]'
pdf=$(pdf_of cham.png)
check "its page ran out of time" test "$(sql "SELECT group_concat(status) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'cham.png'")" = timeout
check "it still has a PDF/A that passes qpdf --check" qpdf --check "$pdf"
check "with the page image" test "$(pdfimages -list "$pdf" 2>/dev/null | tail -n +3 | wc -l)" = 1
check "and no text" test "$(pdftotext "$pdf" - 2>/dev/null | wc -w)" = 0
stop_daemon
# The file-structure checker (run on every PDF by finish()) sees what
# veraPDF would: the same file rewritten by qpdf without an end-of-line
# before endstream (what sohoa wrote before), or with bytes after %%EOF.
cp "$pdf" "$T/good.pdf"
qpdf "$T/good.pdf" "$T/no-eol.pdf" > /dev/null 2>&1
check "the PDF/A structure checker passes a PDF sohoa made" \
	sh -c "$PY '$SOHOA_SRC/tests/tools/pdfa_structure.py' '$T/good.pdf' > /dev/null"
check "... and fails it without an EOL before endstream (6.1.7.1-t2)" \
	sh -c "$PY '$SOHOA_SRC/tests/tools/pdfa_structure.py' '$T/no-eol.pdf' | grep -q 6.1.7.1-t2"
{ cat "$T/good.pdf"; printf 'junk\n'; } > "$T/tail.pdf"
check "... and with data after %%EOF (6.1.3-t3)" \
	sh -c "$PY '$SOHOA_SRC/tests/tools/pdfa_structure.py' '$T/tail.pdf' | grep -q 6.1.3-t3"
rm -f "$T/good.pdf" "$T/no-eol.pdf" "$T/tail.pdf"

finish
