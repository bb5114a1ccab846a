#!/bin/bash
# Issue 19, second round, through the real pipeline ('sohoa ingest' of
# pages rendered by tests/tools/render_scans.py, fields read back with
# 'sohoa show --json', the catalog read with sqlite3):
#   - photographed pages whose left side lies in a shadow (background
#     about 150): the worker levels the background of the image Tesseract
#     reads (ocr.c, even_light()), so the header's left column — số, cơ
#     quan — is read; without it both pages lost it;
#   - a grey 150 dpi page whose seal box reaches the first letters of the
#     signer's name (ttr-085-2020 of make eval): the seal is weakened in
#     its disc only, and the name is read (with the whole box weakened,
#     Tesseract dropped the line);
#   - every record described teaches the phrases of its hOCR once
#     (lexicon.h, migration 022): lexicon_taught holds each record, and
#     the phrases counted sure are lower-case runs of three syllables.
. "$(dirname "$0")/lib.sh"
R="$PY $SOHOA_SRC/tests/tools/render_scans.py"
$R --out "$T/photo" --count 12 --seed 30209 --formats jpeg,png --photo > /dev/null
$R --out "$T/seal" --count 12 --seed 30208 --formats jpeg,png --gray-seal --scan --dpi 150 \
	> /dev/null
mkdir -p "$T/inbox"
cat > "$T/sohoa.conf" <<CONF
inbox = $T/inbox
state_dir = $T/state
quarantine = $T/q
workers = 1
CONF
"$SOHOA" ingest "$T/photo/cv-220-2019.png" "$T/photo/kh-032-2022.png" \
	"$T/seal/ttr-085-2020.png" > "$T/ingest.out" 2> "$T/ingest.log"
check "ingest succeeds" test $? = 0
sql() { sqlite3 "$T/state/catalog.db" "$1"; }
check "three records done" test "$(sql "SELECT count(*) FROM records WHERE state = 'done'")" = 3

field() { "$SOHOA" show --json "$1" | json "d['fields'].get('$2', {}).get('value')"; }
for truth in "$T/photo/cv-220-2019.json" "$T/photo/kh-032-2022.json"; do
	file=$(json "d['file']" < "$truth")
	id=$(sql "SELECT id FROM records WHERE name = '$file'")
	want=$(json "' '.join(d['fields']['organLines'])" < "$truth")
	check "$file: cơ quan in the shadow is read ($want)" test "$(field "$id" organName)" = "$want"
	want=$(json "d['fields']['codeNumber']" < "$truth")
	check "$file: số in the shadow is read ($want)" test "$(field "$id" codeNumber)" = "$want"
	want=$(json "d['fields']['subject']" < "$truth")
	check "$file: trích yếu ($want)" test "$(field "$id" subject)" = "$want"
done
id=$(sql "SELECT id FROM records WHERE name = 'ttr-085-2020.png'")
want=$(json "d['fields']['signerName']" < "$T/seal/ttr-085-2020.json")
check "ttr-085-2020.png: the name by the seal is read ($want)" \
	test "$(field "$id" signerName)" = "$want"
check "each record taught once" test "$(sql "SELECT count(*) FROM lexicon_taught")" = 3
check "phrases counted" test "$(sql "SELECT count(*) FROM lexicon_phrases WHERE docs > 0")" -gt 50
check "no phrase counted more than once per document" \
	test "$(sql "SELECT max(seen) FROM lexicon_phrases")" -le 3
check "no phrase with a capital or a digit" \
	test "$(sql "SELECT count(*) FROM lexicon_phrases WHERE phrase GLOB '*[A-Z0-9]*'")" = 0
check "three syllables each" \
	test "$(sql "SELECT count(*) FROM lexicon_phrases WHERE length(phrase) - length(replace(phrase, ' ', '')) != 2")" = 0
check "a phrase of several documents counted for each" \
	test "$(sql "SELECT count(*) FROM lexicon_phrases WHERE docs >= 2")" -gt 0
finish
