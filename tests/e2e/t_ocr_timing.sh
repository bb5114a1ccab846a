#!/bin/bash
# The OCR worker's timing lines (ocr.c, SOHOA_OCR_TIMING), which the
# throughput bench reads with bench/timing_report.py: the real 'sohoa
# ingest' on a real scan.  SOHOA_OCR_TIMING=cpu gives the steps in the
# worker's CPU time (the bench's default on a busy machine): every step is
# there, the report reads the lines, and a page's steps add up to no more
# than the CPU time the command and its worker spent (a wall clock on a
# busy machine, or ms counted wrong, would not hold to that).  Without the
# variable the worker prints nothing per page.
. "$(dirname "$0")/lib.sh"
scan=$(ls "$TESTDATA"/corpus/*.png | head -1)
printf 'inbox = %s\nstate_dir = %s\nquarantine = %s\nworkers = 1\nlanguages = vie\n' \
	"$T/inbox" "$T/state" "$T/q" > "$T/t.conf"

/usr/bin/time -f "%U %S" -o "$T/cpu" env SOHOA_OCR_TIMING=cpu \
	"$SOHOA" -c "$T/t.conf" ingest "$scan" > "$T/cpu.out" 2> "$T/cpu.log"
check "the page is done" test "$(sqlite3 "$T/state/catalog.db" "SELECT state FROM records")" = done
line=$(grep "timing page 1:" "$T/cpu.log")
check "SOHOA_OCR_TIMING=cpu: one timing line for the page" test "$(grep -c "timing page 1:" "$T/cpu.log")" = 1
for step in prep ocr pdf decode orient deskew speckle seal; do
	check "... with its $step step" sh -c "echo '$line' | grep -qE '(: |, |; )$step [0-9]+ ms'"
done
check "... and the document's PDF line" grep -q "timing .*: pdf end [0-9]* ms, pdfa [0-9]* ms, pdf total" "$T/cpu.log"
report=$(/usr/bin/python3 "$SOHOA_SRC/bench/timing_report.py" --brief "$T/cpu.log")
check "bench/timing_report.py reads the lines: '$(echo "$report" | tail -1)'" \
	sh -c "echo '$report' | grep -q 'preparation + PDF: [0-9]* + [0-9]* ms per page'"
steps=$(echo "$line" | sed -E 's/.*prep ([0-9]+) ms, ocr ([0-9]+) ms, pdf ([0-9]+) ms; decode ([0-9]+) ms.*/\1 \2 \3 \4/' \
	| awk '{ print $1 + $2 + $3 + $4 }')
spent=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$T/cpu")
check "the page's steps ($steps ms) within the CPU time spent ($spent ms), and not nothing" \
	test "${steps:-0}" -gt 100 -a "${steps:-0}" -le "$((spent + 20))"

rm -rf "$T/state" "$T/inbox"
env -u SOHOA_OCR_TIMING "$SOHOA" -c "$T/t.conf" ingest "$scan" > "$T/quiet.out" 2> "$T/quiet.log"
check "without SOHOA_OCR_TIMING: no timing line" test "$(grep -c "timing" "$T/quiet.log")" = 0
finish
