#!/bin/bash
# Languages (ocr.c): the first of `languages` reads every page; all of them
# together read again only a page it reads with a mean confidence under
# language_fallback, or whose words are mostly not in its dictionary (a
# page in another language), and the more confident reading is kept.  The
# real 'sohoa ingest' on a real scan: by default (vie+eng, 70) a clean
# Vietnamese page is read once; with language_fallback = 101 it is read
# twice and the record still holds one reading per page, its confidence the
# higher one; with a single language there is no second reading; a second
# language Tesseract lacks does no harm; a page in English is read again
# and read in English.  The worker says so per page only under
# SOHOA_OCR_TIMING (set here), never at normal verbosity.
. "$(dirname "$0")/lib.sh"
export SOHOA_OCR_TIMING=1
scan=$(ls "$TESTDATA"/corpus/*.png | head -1)
word=$(json "d['distinctive_word']" < "$TESTDATA/corpus-truth/$(basename "${scan%.*}").json")

# run NAME CONF-LINES [FILE]: ingests the scan (or FILE) with its own state
# folder.
run() {
	local name=$1
	mkdir -p "$T/$name"
	printf 'inbox = %s\nstate_dir = %s\nquarantine = %s\nworkers = 1\n%s\n' \
		"$T/$name/inbox" "$T/$name/state" "$T/$name/q" "$2" > "$T/$name.conf"
	"$SOHOA" -c "$T/$name.conf" ingest "${3:-$scan}" > "$T/$name.out" 2> "$T/$name.log"
}
db() { sqlite3 "$T/$1/state/catalog.db" "$2"; }
again() { grep -c "read again with" "$T/$1.log"; }

run default ""
check "default: the page is done" test "$(db default "SELECT state FROM records")" = done
check "default: a clean Vietnamese page is read once (confidence $(db default "SELECT confidence FROM pages"))" \
	test "$(again default)" = 0
check "default: its distinctive word '$word' is read" \
	sh -c "sqlite3 '$T/default/state/catalog.db' 'SELECT text FROM pages' | grep -q '$word'"

run always "language_fallback = 101"
check "language_fallback = 101: every page read again with vie+eng" test "$(again always)" = 1
check "language_fallback = 101: one page, done" \
	test "$(db always "SELECT count(*) || state FROM pages, records")" = 1done
first=$(sed -n 's/.*confidence \([0-9]*\), then \([0-9]*\):.*/\1/p' "$T/always.log")
second=$(sed -n 's/.*confidence \([0-9]*\), then \([0-9]*\):.*/\2/p' "$T/always.log")
kept=$(db always "SELECT CAST(confidence AS INTEGER) FROM pages")
best=$(( ${first:-0} > ${second:-0} ? ${first:-0} : ${second:-0} ))
check "the page keeps the more confident reading ($first, $second: $kept)" test "$kept" = "$best"
check "the reading kept is the one the log names" \
	sh -c "grep -q '$([ "${second:-0}" -gt "${first:-0}" ] && echo 'the second reading' || echo 'the first reading') kept' '$T/always.log'"
check "language_fallback = 101: the PDF/A is made" \
	test -s "$T/always/state/spool/done/$(db always "SELECT spool_id FROM records")/document.pdf"

run single "languages = vie
language_fallback = 101"
check "one language: no second reading" test "$(again single)" = 0
check "one language: done" test "$(db single "SELECT state FROM records")" = done

run broken "languages = vie+xyz
language_fallback = 101"
# Tesseract loads what it has of "vie+xyz" (vie) and warns of the rest.
check "a second language Tesseract lacks: the second reading still runs" grep -q "read again with vie+xyz" "$T/broken.log"
check "... and the page is read" test "$(db broken "SELECT state FROM records")" = done
check "... with its confidence" test "$(db broken "SELECT confidence > 0 FROM pages")" = 1

# An English page (A4, 300 dpi, Liberation Serif 11 pt, scanner grey): "vie"
# reads it with a confidence that looks good (about 89) but knows few of its
# words; the second reading is kept and has none of the diacritics "vie"
# puts on English words ("ïs").
$PY - "$T/english.png" <<'EOP'
import sys
from PIL import Image, ImageDraw, ImageFont
text = (
    "MEMORANDUM OF UNDERSTANDING\n"
    "This agreement is made between the People's Committee of the commune and the\n"
    "international partner organisation, concerning the support for clean water supply,\n"
    "the training of local staff and the exchange of technical documents. Both parties\n"
    "agree to share the costs of the project according to the attached schedule, to\n"
    "report on the progress every quarter, and to settle any disagreement through\n"
    "friendly consultation. The agreement takes effect on the date of signature and\n"
    "remains valid for three years. It may be extended by the written consent of both\n"
    "parties. Done in two originals, each party keeping one copy of equal value.\n"
    "Signed for the partner organisation by the Country Director, who declares that\n"
    "the information above is true and complete to the best of his knowledge.\n")
font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", 46)
page = Image.new("L", (2480, 3508), 245)
draw = ImageDraw.Draw(page)
for i, line in enumerate(text.splitlines()):
    draw.text((236, 300 + i * 70), line, font=font, fill=20)
page.save(sys.argv[1], dpi=(300, 300))
EOP
run english "" "$T/english.png"
check "English page: done" test "$(db english "SELECT state FROM records")" = done
check "English page: read again with vie+eng, the second reading kept" \
	grep -q "read again with vie+eng: .*the second reading kept" "$T/english.log"
check "English page: read in English (no diacritics)" \
	sh -c "sqlite3 '$T/english/state/catalog.db' 'SELECT text FROM pages' | grep -q 'agreement takes effect' \
	    && ! sqlite3 '$T/english/state/catalog.db' 'SELECT text FROM pages' | LC_ALL=C.UTF-8 grep -qP '[^\\x00-\\x7f\\x{2018}\\x{2019}]'"
(unset SOHOA_OCR_TIMING; run quiet "" "$T/english.png")
check "without SOHOA_OCR_TIMING the worker logs nothing per page" \
	sh -c "! grep -q 'read again\\|timing page' '$T/quiet.log'"

check "logs are sanitizer-clean" no_sanitizer_reports
finish
