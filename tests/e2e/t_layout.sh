#!/bin/bash
# Layouts the field reading was not built on (issue 19), through the real
# pipeline: 'sohoa ingest' of pages rendered by tests/tools/render_scans.py,
# the fields read back with 'sohoa show --json'.
#   - a grey 150 dpi JPEG whose seal (the grey a red seal scans to) covers
#     the signer's title and name: the worker weakens the seal in the image
#     Tesseract reads (ocr.c), so the name is read and extracted; the
#     original scan and the PDF keep the seal;
#   - a header whose issuing body wraps onto three lines of a narrow column
#     ("ỦY BAN NHÂN DÂN" / "XÃ VĂN" / "BÌNH"): read by position from the
#     worker's hOCR (extract_layout.c), cơ quan comes out whole.
. "$(dirname "$0")/lib.sh"
R="$PY $SOHOA_SRC/tests/tools/render_scans.py"
$R --out "$T/seal" --count 2 --seed 30208 --formats jpeg --types TB,QĐ --gray-seal --scan \
	--dpi 150 > /dev/null
$R --out "$T/wrap" --count 1 --seed 30205 --formats png --types CV --header wrap3 > /dev/null
mkdir -p "$T/inbox"
cat > "$T/sohoa.conf" <<CONF
inbox = $T/inbox
state_dir = $T/state
quarantine = $T/q
workers = 1
CONF
"$SOHOA" ingest "$T"/seal/*.jpg "$T"/wrap/*.png > "$T/ingest.out" 2> "$T/ingest.log"
check "ingest succeeds" test $? = 0
sql() { sqlite3 "$T/state/catalog.db" "$1"; }
check "three records done" test "$(sql "SELECT count(*) FROM records WHERE state = 'done'")" = 3

field() { "$SOHOA" show --json "$1" | json "d['fields'].get('$2', {}).get('value')"; }
for truth in "$T"/seal/*.json "$T"/wrap/*.json; do
	file=$(json "d['file']" < "$truth")
	id=$(sql "SELECT id FROM records WHERE name = '$file'")
	want=$(json "d['fields']['signerName']" < "$truth")
	check "$file: the signer's name is read ($want)" test "$(field "$id" signerName)" = "$want"
	case "$file" in
	*.png)
		want=$(json "' '.join(d['fields']['organLines'])" < "$truth")
		check "$file: the wrapped cơ quan comes out whole ($want)" \
			test "$(field "$id" organName)" = "$want"
		want=$(json "d['fields']['parentOrgan'] or 'None'" < "$truth")
		check "$file: cơ quan chủ quản ($want)" test "$(field "$id" parentOrgan)" = "$want"
		;;
	esac
done
# The worker keeps the LSTM's other choices for the words it doubted and
# for numbers (ocr_choices.c): "x_alts" in the word's title, each the word
# read with one character replaced; the word itself is what was read.
hocrs=$(ls "$T"/state/spool/done/*/ocr.hocr 2>/dev/null)
check "the worker's hOCR is kept" test -n "$hocrs"
$PY - $hocrs > "$T/alts.out" <<'PY'
import re, sys, unicodedata
n = bad = 0
for path in sys.argv[1:]:
    h = open(path, encoding="utf-8").read()
    for title, word in re.findall(r"<span class='ocrx_word'[^>]* title='([^']*)'>([^<]*)</span>", h):
        m = re.search(r"x_alts ([^;]*)", title)
        if not m:
            continue
        n += 1
        conf = int(re.search(r"x_wconf (\d+)", title).group(1))
        if conf >= 85 and not word.isdigit():
            bad += 1
        for alt in m.group(1).split():
            a, w = unicodedata.normalize("NFC", alt), unicodedata.normalize("NFC", word)
            if alt == word or sum(x != y for x, y in zip(a, w)) + abs(len(a) - len(w)) > 2:
                bad += 1
print(n, bad)
PY
read alts altbad < "$T/alts.out"
check "doubted words carry the LSTM's choices ($alts)" test "${alts:-0}" -gt 0
check "only doubted words and numbers, each choice one character off the word" test "$altbad" = 0
# The original keeps its seal: the scan in the package is byte for byte
# the one taken in.
f=$(ls "$T"/seal/*.jpg | head -1)
spool=$(sql "SELECT spool_id FROM records WHERE name = '$(basename "$f")'")
check "the spool keeps the original scan as it was" cmp -s "$f" "$T/state/spool/done/$spool/original"
finish
