#!/bin/bash
# A JPEG scan that had to be turned or straightened goes into the PDF/A
# byte for byte, drawn turned by the page (pdfa.h, sohoa_pdfa_place)
# instead of turned in its pixels and compressed a second time (issue 18).
# sohoad OCRs two rendered JPEGs: one turned a quarter, one a colour phone
# photo skewed 2 degrees.  Checked, for each: qpdf --check; the page's one
# image is the original file (pdfimages -j, cmp); the page as poppler draws
# it (pdftoppm) is the original turned the way the worker turned it (the
# turn from the catalog, the skew from the worker's timing line), by PIL,
# within a few grey levels, and better there than moved 2 px either way;
# and the text layer (pdftotext -bbox) lies on ink: its word boxes hold
# several times the page's share of dark pixels.
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf
export SOHOA_OCR_TIMING=1

$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render/r90" --truth "$T/truth/r90" \
	--count 1 --seed 7107 --pages 1 --scan --formats jpeg --rotate 90 > "$T/render.log" 2>&1 \
	|| fail "render a turned JPEG"
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render/skew" --truth "$T/truth/skew" \
	--count 1 --seed 7105 --pages 1 --scan --formats jpeg --color --skew -2 --jpeg-quality 70 \
	>> "$T/render.log" 2>&1 || fail "render a skewed colour JPEG"
mkdir -p "$T/originals"
for d in r90 skew; do
	for f in "$T/render/$d"/*; do cp "$f" "$T/originals/$d-$(basename "$f")"; done
done
cp "$T"/originals/* "$T/inbox/"
n=$(ls "$T/originals" | wc -l)

cat > "$T/placed.py" <<'PY'
# placed.py ORIGINAL PAGE.pgm(72 dpi? no: DPI) DPI TURN SKEW BBOX.html
import re, sys
from PIL import Image
orig, page, dpi, turn, skew, bbox = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
im = Image.open(orig).convert("L")
src_dpi = im.info.get("dpi", (300, 300))[0] or 300
# As the worker: quarter turns clockwise, then the skew clockwise about the centre.
for _ in range(turn // 90):
    im = im.transpose(Image.Transpose.ROTATE_270)
if skew:
    im = im.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
r = Image.open(page).convert("L")
im = im.resize(r.size, Image.Resampling.BOX)
w, h = r.size
a, b = r.load(), im.load()
def diff(dx, dy):
    s = n = 0
    for y in range(20, h - 20, 2):
        for x in range(20, w - 20, 2):
            s += abs(a[x, y] - b[x + dx, y + dy]); n += 1
    return s / n
d0 = diff(0, 0)
moved = min(diff(dx, dy) for dx, dy in ((2, 0), (-2, 0), (0, 2), (0, -2)))
# Ink under the text layer's words against the page's.
scale = dpi / 72.0
dark = lambda x, y: a[x, y] < 128
tot = sum(dark(x, y) for y in range(h) for x in range(0, w, 2)) / (h * ((w + 1) // 2))
inw = n = 0
for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', open(bbox).read()):
    x0, y0, x1, y1 = (int(float(v) * scale) for v in m.groups())
    for y in range(max(0, y0), min(h, y1)):
        for x in range(max(0, x0), min(w, x1)):
            inw += dark(x, y); n += 1
ratio = (inw / n) / tot if n and tot else 0
print("%.2f %.2f %.2f %d" % (d0, moved, ratio, n))
PY

qpdf_ok() { qpdf --check "$1" > /dev/null; }

start_daemon
check "all $n documents OCRed" wait_until 400 '[ "$(state_count done)" = "$n" ]'
for orig in "$T"/originals/*; do
	name=$(basename "$orig")
	spool=$(sql "SELECT spool_id FROM records WHERE name = '$name'")
	pdf="$T/state/spool/done/$spool/document.pdf"
	if [ ! -s "$pdf" ]; then
		fail "$name: no document.pdf"
		continue
	fi
	id=$(sql "SELECT id FROM records WHERE name = '$name'")
	turn=$(sql "SELECT rotation FROM pages WHERE record_id = $id AND page_no = 1")
	skew=$(grep -a "timing page 1:.*file $name\$" "$T/daemon.log" | sed -n 's/.*, skew \([-0-9.]*\);.*/\1/p' | tail -1)
	case $name in
	r90-*) check "$name: turned a quarter (turn $turn)" test "$turn" = 90 ;;
	skew-*) check "$name: straightened (skew $skew)" awk -v s="${skew:-0}" 'BEGIN { exit !(s <= -1 || s >= 1) }' ;;
	esac
	check "$name: qpdf --check passes" qpdf_ok "$pdf"
	rm -f "$T"/img-*
	pdfimages -j "$pdf" "$T/img"
	check "$name: one image, the original JPEG byte for byte" \
		test "$(ls "$T"/img-* | wc -l)" = 1 -a -n "$(cmp "$T/img-000.jpg" "$orig" && echo same)"
	rm -f "$T"/page-*
	pdftoppm -r 100 -gray "$pdf" "$T/page"
	pdftotext -bbox "$pdf" "$T/bbox.html"
	read -r d0 moved ratio cells < <($PY "$T/placed.py" "$orig" "$T"/page-1.pgm 100 "${turn:-0}" \
		"${skew:-0}" "$T/bbox.html")
	echo "   ($name: turn $turn skew $skew; mean difference from the straightened original $d0," \
		"moved 2 px $moved; ink under the words x$ratio over $cells px)"
	check "$name: the page is the original turned as the worker turned it" \
		awk -v a="$d0" -v b="$moved" 'BEGIN { exit !(a < 6 && a < b) }'
	check "$name: the text layer lies on the picture's words" \
		awk -v r="$ratio" 'BEGIN { exit !(r >= 3) }'
done
stop_daemon
finish
