#!/bin/bash
# bench/prep_callgrind.sh: the OCR worker's cost around Tesseract counted in
# instructions (valgrind --tool=callgrind), per step, on a few pages: unlike
# times, the counts repeat on a busy machine, so a change to the page
# preparation can be compared before/after.  Each page is run through
# `sohoa ingest` with ocr_mode = skip (the worker decodes, turns, deskews,
# prepares and makes the PDF; Tesseract reads nothing), the worker traced.
#
#   bench/prep_callgrind.sh [FILE...]
#   (default: five pages of the bench's realistic set: skewed and speckled
#   grey TIFF, colour TIFF with a red seal, colour JPEG photo, 200 dpi G4,
#   a page turned 90 degrees; `make bench-real` renders it)
#
# PREP_CG_OCR=1: Tesseract reads the pages too (minutes a page), and the
# ocr column gives its count, against which the steps' counts are shares
# that no load changes.
#
# Best on a build without inlining, so that every step keeps its name:
#   make BUILD=build/cg OPT="-O2 -g -fno-inline" all
#   SOHOA_BUILD=build/cg bench/prep_callgrind.sh
set -eu
BUILD=${SOHOA_BUILD:-build}
BIN=$(cd "$BUILD" && pwd)
if [ $# -eq 0 ]; then
	REAL=$(ls -d "$(cd build && pwd)"/bench-data/real-* 2>/dev/null | head -1)
	[ -n "$REAL" ] || { echo "prep_callgrind: no realistic set; run make bench-real first" >&2; exit 2; }
	set -- "$REAL"/g2-cv-*.tif "$REAL"/g4-cv-*.tif "$REAL"/g5-cv-*.jpg "$REAL"/g6-cv-*.tif \
		"$REAL"/g7-cv-*.jpg
fi
W=$(mktemp -d /tmp/sohoa-cg.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
export OMP_THREAD_LIMIT=1
MODE=skip
[ -z "${PREP_CG_OCR:-}" ] || MODE=auto

# Inclusive Ir of the functions of one step, in millions.
# (Leptonica's orientation test is counted by pixUpDownDetect, which it
# calls once or twice; lib/prep.c's helpers show as reduce and spk-test.)
STEPS="decode:sohoa_image_page reduce:prep_reduce orient:pixUpDownDetect
osd:TessBaseAPIDetectOrientationScript skewfind:pixFindSkewSweepAndSearch
rotate:pixRotate,pixRotateOrth spk-test:prep_despeckle_small straighten:straighten
speckle:find_specks seal:drop_seals prepare:prepare pdf:pdf_add_page,pdf_finish
page:ocr_page ocr:TessBaseAPIRecognize"
printf '%-22s' "page (Mi instr.)"
for s in $STEPS; do printf ' %9s' "${s%%:*}"; done
echo
for f in "$@"; do
	rm -rf "$W/s"
	mkdir -p "$W/s"
	cat > "$W/s/sohoa.conf" <<EOC
inbox = $W/s/inbox
quarantine = $W/s/quarantine
state_dir = $W/s/state
workers = 1
log_level = error
ocr_mode = $MODE
EOC
	valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$W/s/cg.%p" \
		"$BIN/sohoa" -c "$W/s/sohoa.conf" ingest "$f" >/dev/null 2>"$W/s/vg.log" || true
	out=$(grep -l 'ocr_page' "$W"/s/cg.* 2>/dev/null | head -1 || true)
	if [ -z "$out" ]; then
		echo "prep_callgrind: no worker profile for $f (see below)" >&2
		tail -5 "$W/s/vg.log" >&2
		continue
	fi
	callgrind_annotate --inclusive=yes --threshold=100 "$out" > "$W/s/ann.txt" 2>/dev/null
	/usr/bin/python3 - "$(basename "$f")" "$W/s/ann.txt" $STEPS <<'EOP'
import re, sys
name, ann, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
inc = {}
for line in open(ann, errors="replace"):
    m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S+)", line)
    if m:
        fn = m.group(2).rsplit(":", 1)[-1].split(".")[0]
        inc.setdefault(fn, int(m.group(1).replace(",", "")))
print("%-22.22s" % name + "".join(
    " %9.1f" % (sum(inc.get(f, 0) for f in s.split(":", 1)[1].split(",")) / 1e6)
    for s in steps))
EOP
done
