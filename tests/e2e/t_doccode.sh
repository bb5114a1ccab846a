#!/bin/bash
# docCode and docOrdinal do not depend on the order OCR jobs finish in: a
# hồ sơ folder whose first scan (picked up first) is slow to read and whose
# second is quick, so that the second is done and packaged first.  Each
# document keeps the number of its place in the folder (pickup order):
# the first .0000001, the second .0000002 (before, the second took
# .0000001 and the first, done later, .0000001 too).
. "$(dirname "$0")/lib.sh"
STABLE=1 WORKERS=2 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"" write_conf
mkdir -p "$T/inbox/ho-so"
printf 'Mã hồ sơ: 000.00.01.H26.2024.07\n' > "$T/inbox/ho-so/hoso.txt"
# The slow one: a page upscaled to 600 dpi (several seconds of OCR).
$PY -c "
import sys
from PIL import Image
im = Image.open(sys.argv[1])
im.resize((im.width * 2, im.height * 2)).save(sys.argv[2], dpi=(600, 600))
" "$(ls "$TESTDATA"/corpus/*.png | head -1)" "$T/a-cham.png"
mv "$T/a-cham.png" "$T/inbox/ho-so/a-cham.png"
start_daemon
check "the slow scan is picked up first" wait_until 60 '[ "$(sql "SELECT count(*) FROM records")" = 1 ]'
cp "$(ls "$TESTDATA"/corpus/*.png | sed -n 2p)" "$T/inbox/ho-so/b-nhanh.png"
check "both are packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE packaged_at IS NOT NULL")" = 2 ]'
stop_daemon

a=$(sql "SELECT id FROM records WHERE name = 'a-cham.png'")
b=$(sql "SELECT id FROM records WHERE name = 'b-nhanh.png'")
check "pickup order: the slow scan is record $a, the quick one $b" test "$a" -lt "$b"
# The situation this test is about: the quick one finished first.
first_done=$(sql "SELECT r.name FROM events e JOIN records r ON r.id = e.record_id WHERE e.type = 'information package creation' AND e.outcome = 'success' ORDER BY e.at, e.id LIMIT 1")
check "OCR finished in reverse order (first packaged: $first_done)" test "$first_done" = b-nhanh.png
code_of() { grep -o "<$2>[^<]*" "$("$SOHOA" show --package "$1")/metadata/descriptive/EAD_doc.xml" | sed "s/<$2>//"; }
check "the slow (first) scan: docCode .0000001 ($(code_of "$a" docCode))" test "$(code_of "$a" docCode)" = 000.00.01.H26.2024.07.0000001
check "... docOrdinal 1" test "$(code_of "$a" docOrdinal)" = 1
check "the quick (second) scan: docCode .0000002 ($(code_of "$b" docCode))" test "$(code_of "$b" docCode)" = 000.00.01.H26.2024.07.0000002
check "... docOrdinal 2" test "$(code_of "$b" docOrdinal)" = 2
check "no sanitizer report" no_sanitizer_reports
finish
