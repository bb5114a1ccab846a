#!/bin/bash
# Languages (ocr.c): the first of `languages` reads every page; all of them
# together read again only a page it reads with a mean confidence under
# language_fallback, and the more confident reading is kept.  The real
# 'sohoa ingest' on a real scan: by default (vie+eng, 70) a clean
# Vietnamese page is read once; with language_fallback = 101 it is read
# twice and the record still holds one reading per page, its confidence the
# higher one; with a single language there is no second reading; a second
# language Tesseract lacks does no harm.
. "$(dirname "$0")/lib.sh"
scan=$(ls "$TESTDATA"/corpus/*.png | head -1)
word=$(json "d['distinctive_word']" < "$TESTDATA/corpus-truth/$(basename "${scan%.*}").json")

# run NAME CONF-LINES: ingests the scan with its own state folder.
run() {
	local name=$1
	mkdir -p "$T/$name"
	printf 'inbox = %s\nstate_dir = %s\nquarantine = %s\nworkers = 1\n%s\n' \
		"$T/$name/inbox" "$T/$name/state" "$T/$name/q" "$2" > "$T/$name.conf"
	"$SOHOA" -c "$T/$name.conf" ingest "$scan" > "$T/$name.out" 2> "$T/$name.log"
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
check "logs are sanitizer-clean" no_sanitizer_reports
finish
