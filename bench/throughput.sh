#!/bin/bash
# make bench: pages per minute of sohoad against the tesseract command on
# the same pages, with the same parallelism (one process per core,
# OMP_THREAD_LIMIT=1), in the same run.  Prints the ratio; the target is
# sohoad >= 0.95x the bare tesseract throughput.
set -eu
BUILD=${SOHOA_BUILD:-build}
BIN=$(cd "$BUILD" && pwd)
PY=/usr/bin/python3
J=$(nproc)
N=${BENCH_PAGES:-24}
DATA="$BIN/bench-data/pages-$N"
export OMP_THREAD_LIMIT=1
if [ ! -d "$DATA" ]; then
	mkdir -p "$DATA.tmp"
	$PY tests/tools/render_scans.py --out "$DATA.tmp" --truth "$DATA.tmp/.truth" --count "$N" \
		--seed 99 --formats png,jpeg,tiff-g4,tiff-gray --pages 1 >/dev/null
	mv "$DATA.tmp" "$DATA"
fi
pages=$(find "$DATA" -maxdepth 1 -type f | wc -l)
W=$(mktemp -d /tmp/sohoa-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }

echo "sohoa bench: $pages pages (300 dpi A4, PNG/JPEG/G4/gray TIFF), $J parallel, vie+eng"
# 1. The tesseract command, one process per page, $J at a time.
mkdir -p "$W/tess"
t0=$(now)
find "$DATA" -maxdepth 1 -type f -print0 | xargs -0 -P "$J" -I{} sh -c \
	'tesseract "$1" "$2/$(basename "$1")" -l vie+eng >/dev/null 2>&1' _ {} "$W/tess"
t1=$(now)
tess_s=$(echo "$t1 - $t0" | bc -l)

# 2. sohoad: from start (workers load Tesseract) until every page is recorded.
mkdir -p "$W/inbox"
cp "$DATA"/* "$W/inbox/"
cat > "$W/sohoa.conf" <<EOC
inbox = $W/inbox
state_dir = $W/state
stable_delay = 0
workers = $J
log_level = info
schema_dir = $(pwd)/schemas/xml
agency_name = UBND xã Văn Bình
agency_code = 000.00.01.H26
EOC
t0=$(now)
SOHOA_OCR_TIMING=1 SOHOA_CONF="$W/sohoa.conf" "$BIN/sohoad" -f 2> "$W/sohoad.log" &
PID=$!
while :; do
	n=$(sqlite3 "$W/state/catalog.db" "SELECT count(*) FROM records WHERE state = 'done'" 2>/dev/null || echo 0)
	[ "$n" -ge "$pages" ] && break
	sleep 0.05
done
t1=$(now)
kill -TERM $PID; wait $PID || true
sohoa_s=$(echo "$t1 - $t0" | bc -l)

ppm() { echo "scale=1; $pages * 60 / $1" | bc -l; }
printf '  %-34s %7.1f s  %7.1f pages/min\n' "tesseract CLI (xargs -P $J)" "$tess_s" "$(ppm "$tess_s")"
printf '  %-34s %7.1f s  %7.1f pages/min\n' "sohoad ($J workers)" "$sohoa_s" "$(ppm "$sohoa_s")"
ratio=$(echo "scale=3; $tess_s / $sohoa_s" | bc -l)
echo "  throughput ratio sohoad / tesseract: ${ratio}x (target >= 0.95x)"
# Word agreement, to show both did the same work.
tw=$(cat "$W"/tess/*.txt | wc -w)
sw=$(sqlite3 "$W/state/catalog.db" "SELECT group_concat(text, ' ') FROM pages" | wc -w)
echo "  words recognised: tesseract $tw, sohoad $sw"
# Field extraction, indexing and packaging after each OCR, against the OCR
# time of the same record (both from sohoad's one line per document).
awk '/ done: .*; OCR [0-9.]+ s, fields, index and package [0-9.]+ s/ {
	for (i = 1; i <= NF; i++) { if ($i == "OCR") o += $(i + 1); if ($i == "package") p += $(i + 1) }
	n++ }
	END { if (n && o > 0) printf "  fields + index + package: %.1f ms per document, %.2f%% of its OCR time (target <= 2%%)\n", 1000 * p / n, 100 * p / o;
	      else print "  fields + index + package: not measured (no document lines in the log)" }' "$W/sohoad.log"
# The workers' own cost around Tesseract (SOHOA_OCR_TIMING): page
# preparation (decode excluded: orientation, deskew, speckle removal) and
# the PDF (pages added, PDF/A conversion), against the recognition time.
awk '/sohoa-ocr: timing page [0-9]+: prep/ {
	for (i = 1; i <= NF; i++) { if ($i == "prep") p += $(i + 1); if ($i == "ocr") o += $(i + 1) }
	n++ }
	/sohoa-ocr: timing .*pdf total/ { for (i = 1; i <= NF; i++) if ($i == "total") d += $(i + 1) }
	END { if (n && o > 0) printf "  preparation + PDF: %.0f + %.0f ms per page, %.1f%% of its OCR time (%.0f ms) (target <= 15%%)\n", p / n, d / n, 100 * (p + d) / o, o / n;
	      else print "  preparation + PDF: not measured (no timing lines in the log)" }' "$W/sohoad.log"
pk=$(sqlite3 "$W/state/catalog.db" "SELECT count(*) FROM records WHERE packaged_at IS NOT NULL")
echo "  records packaged: $pk of $pages"
