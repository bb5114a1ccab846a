#!/bin/bash
# Scanner PDFs in the inbox (pdfin.c):
#   - image-only PDFs (gray JPEG 2 pages at 300 dpi, bilevel G4 at 200 dpi,
#     colour at "72 dpi" on a 2480-pixel A4 page) are rasterized at their
#     native resolution and OCRed: right page count, the truth's distinctive
#     word in the text, a PDF/A that passes qpdf --check with the pages at
#     the native (or estimated) ppi and depth, pdftotext gives the text;
#   - ocr_mode auto: a PDF with a text layer (the tesseract command's) is
#     not OCRed: a "text extraction" event, no confidence, the text equal to
#     pdftotext's, and a document PDF; a born-digital PDF whose fonts are
#     not embedded is kept byte for byte (not PDF/A);
#   - ocr_mode force: the same kind of PDF is OCRed;
#   - ocr_mode skip: a PNG gets no text (but a PDF/A), and our own PDF/A
#     output given back is kept byte for byte with its text;
#   - malformed PDFs go to the quarantine with their reason: encrypted,
#     truncated, no pages, not a PDF, a tiny page, a page over max_pixels;
#     the daemon keeps serving.
. "$(dirname "$0")/lib.sh"

# Inputs, rendered once per build tree (tesseract makes the text layer).
SRC="$TESTDATA/pdfin"
stamp="$SRC/.stamp-$(cat "$SOHOA_SRC/tests/tools/render_scans.py" "$0" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
	rm -rf "$SRC"
	R="$PY $SOHOA_SRC/tests/tools/render_scans.py"
	$R --out "$SRC/gray2" --truth "$SRC/truth/gray2" --count 1 --seed 41 --formats pdf-image \
		--pages 2 >/dev/null || exit 1
	$R --out "$SRC/g4" --truth "$SRC/truth/g4" --count 1 --seed 42 --formats pdf-image \
		--bilevel --dpi 200 >/dev/null || exit 1
	$R --out "$SRC/nodpi" --truth "$SRC/truth/nodpi" --count 1 --seed 43 --formats pdf-image \
		--color --no-dpi >/dev/null || exit 1
	$R --out "$SRC/text" --truth "$SRC/truth/text" --count 1 --seed 44 --formats pdf-text \
		>/dev/null || exit 1
	$R --out "$SRC/png" --truth "$SRC/truth/png" --count 1 --seed 46 --formats png \
		>/dev/null || exit 1
	# Over max_pixels (10 MP here) at its native 440 dpi: 18.7 MP.
	mkdir -p "$SRC/big"
	$PY -c "
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert('L').resize((3637, 5146)).point(lambda v: 255 if v > 128 else 0, mode='1')
im.save(sys.argv[2], 'PDF', resolution=440.0)" "$(ls "$SRC"/png/*.png | head -1)" "$SRC/big/big.pdf" || exit 1
	touch "$stamp"
fi
one() { ls "$SRC/$1"/*.$2 | head -1; }
truth() { ls "$SRC/truth/$1"/*.json | head -1; }

# Hand-made PDFs: objects in order, the xref computed.
cat > "$T/mkpdf.py" <<'PY'
import sys
def pdf(path, mediabox, content, font=True):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Resources << /Font << /F1 4 0 R >> >>"
            b" /Contents 5 0 R >>" % mediabox.encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    open(path, "wb").write(out)
lines = ["UY BAN NHAN DAN XA VAN BINH", "Bien ban hop ve viec nao vet kenh muong noi dong",
         "Thanh phan tham du gom dai dien cac thon va hop tac xa nong nghiep",
         "Noi dung cuoc hop thong nhat ke hoach thuc hien trong thang ba"]
text = b"BT /F1 12 Tf 72 770 Td 16 TL " + b" ".join(b"(%s) Tj T*" % l.encode() for l in lines) + b" ET"
pdf(sys.argv[1], "0 0 595 842", text)
pdf(sys.argv[2], "0 0 20 20", b"BT /F1 4 Tf 2 10 Td (tiny) Tj ET")
PY
$PY "$T/mkpdf.py" "$T/borndigital.pdf" "$T/tiny.pdf" || exit 1

EXTRA_CONF="max_pixels = 10000000" STABLE=1 write_conf
mkdir -p "$T/orig"
cp "$(one gray2 pdf)" "$T/inbox/gray2.pdf"
cp "$(one g4 pdf)" "$T/inbox/g4.pdf"
cp "$(one nodpi pdf)" "$T/inbox/nodpi.pdf"
cp "$(one text pdf)" "$T/inbox/text.pdf"
cp "$T/borndigital.pdf" "$T/inbox/borndigital.pdf"
# The malformed.
qpdf --encrypt user owner 256 -- "$(one gray2 pdf)" "$T/inbox/encrypted.pdf"
head -c $(( $(stat -c %s "$(one gray2 pdf)") / 2 )) "$(one gray2 pdf)" > "$T/inbox/truncated.pdf"
qpdf --empty "$T/inbox/nopages.pdf"
echo "đây không phải là tệp PDF" > "$T/inbox/garbage.pdf"
cp "$T/tiny.pdf" "$T/inbox/tiny.pdf"
cp "$(one big pdf)" "$T/inbox/big.pdf"
cp "$T"/inbox/*.pdf "$T/orig/"

rec() { sql "SELECT $2 FROM records WHERE name = '$1'"; }
pdf_of() { echo "$T/state/spool/done/$(rec "$1" spool_id)/document.pdf"; }
pages_text() { sql "SELECT text FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = '$1' ORDER BY page_no"; }
# Word sequences equal after NFC and whitespace normalisation.
cat > "$T/same_words.py" <<'PY'
import sys, unicodedata
w = [unicodedata.normalize("NFC", open(p, encoding="utf-8").read()).split() for p in sys.argv[1:3]]
sys.exit(not (w[0] == w[1] and len(w[0]) > 20))
PY

start_daemon
check "the 11 PDFs are taken" wait_until 600 '[ "$(sql "SELECT count(*) FROM records WHERE state IN ('"'done'"', '"'quarantined'"')")" = 11 ]'

# Image-only PDFs: OCRed at their native resolution.
for c in "gray2.pdf:gray2:2:300:gray 1 8 jpeg" "g4.pdf:g4:1:200:gray 1 1 ccitt" \
	"nodpi.pdf:nodpi:1:300:rgb 3 8 jpeg"; do
	IFS=: read -r name set pages dpi enc <<< "$c"
	word=$(json "d['distinctive_word']" < "$(truth "$set")")
	pdf=$(pdf_of "$name")
	check "$name is done" test "$(rec "$name" state)" = done
	check "$name has $pages page(s)" test "$(rec "$name" page_count)" = "$pages"
	check "$name: pages OCRed (status ok, a confidence)" test "$(sql "SELECT count(*) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = '$name' AND p.status = 'ok' AND p.confidence IS NOT NULL")" = "$pages"
	check "$name: its OCR text has the word '$word'" grep -qF "$word" <(pages_text "$name")
	check "$name: pages.dpi is $dpi" test "$(sql "SELECT group_concat(DISTINCT p.dpi) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = '$name'")" = "$dpi"
	check "$name: an 'ocr' event" test "$(sql "SELECT count(*) FROM events e JOIN records r ON r.id = e.record_id WHERE r.name = '$name' AND e.type = 'ocr'")" = 1
	check "$name: document PDF passes qpdf --check" qpdf --check "$pdf" >/dev/null
	check "$name: PDF/A-2b XMP" grep -q '<pdfaid:part>2</pdfaid:part>' <(pdfinfo -meta "$pdf")
	check "$name: $pages PDF page(s)" test "$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')" = "$pages"
	pdfimages -list "$pdf" | tail -n +3 > "$T/images.txt"
	check "$name: page images at $dpi ppi" awk -v d="$dpi" 'BEGIN { bad = 1 } { bad = 0; if ($13 != d || $14 != d) { bad = 1; exit } } END { exit bad }' "$T/images.txt"
	check "$name: page images are '$enc'" awk -v w="$enc" 'BEGIN { bad = 1 } { bad = 0; if ($6 " " $7 " " $8 " " $9 != w) { bad = 1; exit } } END { exit bad }' "$T/images.txt"
	check "$name: pdftotext finds '$word'" grep -qF "$word" <(pdftotext -enc UTF-8 "$pdf" -)
	check "$name: the original PDF stays in the spool byte for byte" cmp -s "$T/orig/$name" "$(dirname "$pdf")/original"
done

# A PDF with a text layer, ocr_mode auto: its own text, not OCRed.
pdf=$(pdf_of text.pdf)
check "text.pdf is done" test "$(rec text.pdf state)" = done
check "text.pdf: not OCRed: a 'text extraction' event, no 'ocr' event" test \
	"$(sql "SELECT group_concat(e.type) FROM events e JOIN records r ON r.id = e.record_id WHERE r.name = 'text.pdf' AND e.type IN ('ocr', 'text extraction')")" = "text extraction"
check "text.pdf: the event says why" grep -q "not OCRed (ocr_mode auto): text taken from the PDF's own text layer" <(sql "SELECT e.detail FROM events e JOIN records r ON r.id = e.record_id WHERE r.name = 'text.pdf' AND e.type = 'text extraction'")
check "text.pdf: the log says so" grep -q "not OCRed (ocr_mode auto)" "$T/daemon.log"
check "text.pdf: pages have status pdf-text and no confidence" test "$(sql "SELECT p.status || ':' || ifnull(p.confidence, 'NULL') FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'text.pdf'")" = "pdf-text:NULL"
pages_text text.pdf > "$T/text-catalog.txt"
pdftotext -enc UTF-8 "$T/orig/text.pdf" "$T/text-pdftotext.txt"
check "text.pdf: its text is pdftotext's, word for word" $PY "$T/same_words.py" "$T/text-catalog.txt" "$T/text-pdftotext.txt"
check "text.pdf: pages.dpi is the scan's 300" test "$(sql "SELECT p.dpi FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'text.pdf'")" = 300
check "text.pdf: it has a document PDF that passes qpdf --check" qpdf --check "$pdf" >/dev/null
check "text.pdf: made PDF/A-2b (its fonts are embedded)" grep -q '<pdfaid:part>2</pdfaid:part>' <(pdfinfo -meta "$pdf")
check "text.pdf: the document PDF keeps the text" $PY "$T/same_words.py" "$T/text-pdftotext.txt" <(pdftotext -enc UTF-8 "$pdf" -)
check "text.pdf: found by search" "$SOHOA" search "$(json "d['distinctive_word']" < "$(truth text)")" > /dev/null

# Born digital, fonts not embedded: its text, the PDF kept as it is.
check "borndigital.pdf is done, not OCRed" test "$(sql "SELECT group_concat(p.status) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'borndigital.pdf'")" = pdf-text
check "borndigital.pdf: its text" grep -q "nao vet kenh muong" <(pages_text borndigital.pdf)
check "borndigital.pdf: page size in points at 72 dpi" test "$(sql "SELECT p.width || 'x' || p.height || '@' || p.dpi FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'borndigital.pdf'")" = "595x842@72"
check "borndigital.pdf: document PDF is the input byte for byte" cmp -s "$T/orig/borndigital.pdf" "$(pdf_of borndigital.pdf)"
check "borndigital.pdf: the log says it is not PDF/A" grep -q "input PDF as it is (not PDF/A: not all its fonts are embedded)" "$T/daemon.log"

# Malformed PDFs: quarantined with their reason, in Vietnamese and English.
for e in "encrypted.pdf:encrypted:mật khẩu" "truncated.pdf:truncated:bị cắt cụt" \
	"nopages.pdf:no-pages:không có trang nào" "garbage.pdf:not-image:không phải là bản quét" \
	"tiny.pdf:page-size:kích thước bất thường" "big.pdf:too-large:quá lớn"; do
	IFS=: read -r name want vi <<< "$e"
	check "$name quarantined as $want" test "$(rec "$name" reason)" = "$want"
	check "$name: reason file in Vietnamese ('$vi')" grep -q "Lý do: .*$vi" "$T/quarantine/$name.ly-do.txt"
	check "$name: reason file in English" grep -q -- "--- English ---" "$T/quarantine/$name.ly-do.txt"
	check "$name: the file is in the quarantine byte for byte" cmp -s "$T/orig/$name" "$T/quarantine/$name"
done
check "garbage.pdf: the detail says it is not a PDF" grep -q "named .pdf but its content is not a PDF" "$T/quarantine/garbage.pdf.ly-do.txt"
check "no worker crashed" test "$(grep -c 'stopped unexpectedly' "$T/daemon.log")" = 0
check "the daemon is alive" kill -0 "$DPID"
cp "$(one png png)" "$T/inbox/after.png"
check "and still OCRs a scan" wait_until 300 '[ "$(rec after.png state)" = done ]'
stop_daemon; rc=$?
check "SIGTERM exits 0" test $rc = 0

# ocr_mode = force: a PDF with a text layer is OCRed anyway (a byte more
# at its end: not a duplicate).
EXTRA_CONF="ocr_mode = force" write_conf
{ cat "$T/orig/text.pdf"; echo; } > "$T/inbox/force.pdf"
start_daemon
check "force.pdf is done" wait_until 300 '[ "$(rec force.pdf state)" = done ]'
check "force.pdf: OCRed (status ok, a confidence, an 'ocr' event)" test "$(sql "SELECT p.status || ':' || (p.confidence IS NOT NULL) || ':' || (SELECT group_concat(type) FROM events WHERE record_id = r.id AND type IN ('ocr', 'text extraction')) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'force.pdf'")" = "ok:1:ocr"
check "force.pdf: its OCR text has the word" grep -qF "$(json "d['distinctive_word']" < "$(truth text)")" <(pages_text force.pdf)
check "force.pdf: a PDF/A that passes qpdf --check" qpdf --check "$(pdf_of force.pdf)" >/dev/null
stop_daemon

# ocr_mode = skip: an image gets no text; our own PDF/A given back keeps
# its text and is kept byte for byte.
EXTRA_CONF="ocr_mode = skip" write_conf
cp "$(one png png)" "$T/inbox/skip.png"
echo >> "$T/inbox/skip.png"    # not a duplicate of after.png; PNG ignores it
cp "$(pdf_of gray2.pdf)" "$T/inbox/again.pdf"
cp "$T/inbox/again.pdf" "$T/orig/again.pdf"
start_daemon
check "skip.png and again.pdf are done" wait_until 300 '[ "$(rec skip.png state)" = done ] && [ "$(rec again.pdf state)" = done ]'
check "skip.png: no text, status skipped" test "$(sql "SELECT p.status || ':' || length(p.text) || ':' || ifnull(p.confidence, 'NULL') FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'skip.png'")" = "skipped:0:NULL"
check "skip.png: a 'text extraction' event saying no text" grep -q "not OCRed (ocr_mode skip): no text" <(sql "SELECT e.detail FROM events e JOIN records r ON r.id = e.record_id WHERE r.name = 'skip.png'")
check "skip.png: still a PDF/A with its image" test "$(pdfimages -list "$(pdf_of skip.png)" | tail -n +3 | wc -l)" = 1
check "skip.png: without text" test "$(pdftotext "$(pdf_of skip.png)" - | wc -w)" = 0
check "again.pdf: 2 pages of pdf-text" test "$(sql "SELECT group_concat(p.status) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'again.pdf'")" = "pdf-text,pdf-text"
check "again.pdf: its text has the word" grep -qF "$(json "d['distinctive_word']" < "$(truth gray2)")" <(pages_text again.pdf)
check "again.pdf: PDF/A already: kept byte for byte" cmp -s "$T/orig/again.pdf" "$(pdf_of again.pdf)"
stop_daemon
check "catalog integrity" test "$(sql "PRAGMA integrity_check")" = ok
finish
