#!/bin/bash
# Names and text from hostile hands never drive the terminal (textsafe.h):
# the real 'sohoa ingest' takes a scan whose file name holds ESC/BEL
# sequences (a terminal-title and a clear-screen sequence), a PDF whose own
# text layer holds them, and a broken file whose name holds them (it is
# quarantined, so 'sohoa status' lists it among the recent errors).  No raw
# ESC or BEL byte reaches the output of ingest, status, show, search or
# review; the escaped form (\x1b, \x07) is shown instead; --json output
# stays exact (the parsed name is byte for byte the file's name) and holds
# no control byte either.
. "$(dirname "$0")/lib.sh"
write_conf
scan=$(ls "$TESTDATA"/corpus/*.png | head -1)
word=$(json "d['distinctive_word']" < "$TESTDATA/corpus-truth/$(basename "${scan%.*}").json")
mkdir -p "$T/in"
name=$'Quy\xe1\xba\xbft \e]0;PWNED\a \e[2J.png'
bad=$'h\xe1\xbb\x8fng \e]2;OWNED\a\e[H.png'
cp "$scan" "$T/in/$name"
printf 'not an image at all\n' > "$T/in/$bad"

# A scanner's PDF with a text layer holding the same sequences: its font's
# ToUnicode map turns codes 1 and 2 into ESC and BEL, which poppler hands
# over as text (ocr_mode auto takes the text layer, no OCR).
$PY - "$T/in/layer.pdf" <<'PYEOF'
import sys
text = b"Quyet dinh ve viec giao dat o cho ho gia dinh \x01]0;LAYER\x02 \x01[2J tai xa Van Binh"
cmap = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
2 beginbfchar
<01> <001B>
<02> <0007>
endbfchar
1 beginbfrange
<20> <7E> <0020>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end"""
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"]
stream = b"BT /F1 12 Tf 40 700 Td (" + text + b") Tj ET"
objs[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
PYEOF

"$SOHOA" ingest "$T/in" > "$T/ingest.out" 2> "$T/ingest.log"
id=$(sql "SELECT id FROM records WHERE name LIKE 'Quy%' AND state = 'done'")
pid=$(sql "SELECT id FROM records WHERE name = 'layer.pdf' AND state = 'done'")
check "the scan with the hostile name is done" test -n "$id"
check "the PDF with the hostile text layer is done" test -n "$pid"
check "the broken file with the hostile name is quarantined" \
	test "$(sql "SELECT count(*) FROM records WHERE name LIKE 'h%ng%' AND state = 'quarantined'")" = 1
check "the catalog keeps the real name (ESC and BEL in it)" \
	test "$(sql "SELECT count(*) FROM records WHERE name = '$name'")" = 1

"$SOHOA" status > "$T/status.out" 2>&1
"$SOHOA" show "$id" > "$T/show.out" 2>&1
"$SOHOA" show "$pid" > "$T/show-pdf.out" 2>&1
"$SOHOA" search "$word" > "$T/search.out" 2>&1
"$SOHOA" search "giao dat" > "$T/search-pdf.out" 2>&1
"$SOHOA" --json show "$id" > "$T/show.json" 2>&1
"$SOHOA" --json status > "$T/status.json" 2>&1
EXTRA_CONF="review_threshold = 100" write_conf
"$SOHOA" review > "$T/review.out" 2>&1

# The output files are named *.out/*.json, not *.log, so that lib.sh's
# sanitizer check still reads only logs.
raw() { ! LC_ALL=C grep -q $'[\x1b\x07]' "$1"; }
for f in ingest.out ingest.log status.out show.out show-pdf.out search.out search-pdf.out \
	review.out show.json status.json; do
	check "$f: no raw ESC or BEL byte" raw "$T/$f"
done
has() { LC_ALL=C grep -qF -- "$2" "$T/$1"; }
check "status lists the quarantined name escaped" has status.out '\x1b]2;OWNED\x07\x1b[H.png'
check "show gives the file name escaped" has show.out 'Quyết \x1b]0;PWNED\x07 \x1b[2J.png'
check "search gives the file name escaped" has search.out '\x1b]0;PWNED\x07'
check "review gives the file name escaped" has review.out '\x1b]0;PWNED\x07'
check "ingest lists the file name escaped" has ingest.out '\x1b]0;PWNED\x07'
check "the PDF's text layer reached the catalog with its ESC byte" \
	test "$(sql "SELECT count(*) FROM pages WHERE record_id = $pid AND instr(text, char(27)) > 0")" -ge 1
check "show gives the PDF text layer escaped" has show-pdf.out '\x1b]0;LAYER\x07'
check "search gives the PDF snippet escaped" has search-pdf.out '\x1b]0;LAYER\x07'
check "--json show: the name parsed back is the file's name, byte for byte" \
	test "$(json "d['name']" < "$T/show.json")" = "$name"
check "--json status parses" sh -c "$PY -c 'import json,sys; json.load(sys.stdin)' < '$T/status.json'"

# The daemon's log lines (stderr here, the journal in service) name the
# files they are about: escaped too.  A fresh state, the same two names.
rm -rf "$T/state" "$T/quarantine"
LOGLEVEL=debug write_conf
cp "$scan" "$T/inbox/$name"
printf 'not an image at all\n' > "$T/inbox/$bad"
start_daemon
check "sohoad: the scan is done, the broken file quarantined" \
	wait_until 120 '[ "$(state_count done)" = 1 ] && [ "$(state_count quarantined)" = 1 ]'
stop_daemon
check "sohoad's log names the files (escaped)" has daemon.log '\x1b]0;PWNED\x07'
check "sohoad's log names the quarantined file (escaped)" has daemon.log '\x1b]2;OWNED\x07'
check "sohoad's log: no raw ESC or BEL byte" raw "$T/daemon.log"
finish
