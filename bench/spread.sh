#!/bin/bash
# make bench-spread: the latency of one 20-page document (a multi-page
# TIFF, dropped into the inbox of a running sohoad with workers = 2) from
# the drop to "done", with its pages spread over the idle workers (ocr.h,
# "Spreading") and without (SOHOA_SPREAD=0: one worker per document, as
# before), in the same run, rounds alternating; and the latency of two
# single-page documents dropped together, which spreading must not slow.
#
# The machine may be busy: the load average is printed with each figure,
# and what counts is the ratio within a round.  On a busy machine the
# wall-clock gain shrinks (another reader's CPU is taken from someone
# else), so the bench also prints the figure the load hardly changes: the
# workers' CPU time (SOHOA_OCR_TIMING=cpu: each page's prep + ocr + pdf in
# its thread's CPU time) summed per reader; the busiest reader is the
# job's critical path, its latency on an idle machine (without spreading
# every page is on the one reader).
#
#   bench/spread.sh            this build, spread against SOHOA_SPREAD=0
#   BENCH_BEFORE=DIR           the "before" daemon: another build's folder
#                              (e.g. main's build/) instead of SOHOA_SPREAD=0
#   BENCH_ROUNDS (2), BENCH_SPREAD_PAGES (20)
set -eu
BUILD=${SOHOA_BUILD:-build}
BIN=$(cd "$BUILD" && pwd)
BEFORE=${BENCH_BEFORE:+$(cd "$BENCH_BEFORE" && pwd)}
PY=/usr/bin/python3
ROUNDS=${BENCH_ROUNDS:-2}
PAGES=${BENCH_SPREAD_PAGES:-20}
export OMP_THREAD_LIMIT=1

data="$BIN/bench-data/spread-$PAGES"
if [ ! -d "$data" ]; then
	rm -rf "$data.tmp"
	mkdir -p "$data.tmp/doc" "$data.tmp/singles"
	$PY tests/tools/render_scans.py --out "$data.tmp/doc" --count 1 --seed 4242 \
		--formats tiff-multipage --pages "$PAGES" >/dev/null
	$PY tests/tools/render_scans.py --out "$data.tmp/singles" --count 2 --seed 4244 \
		--formats png,tiff-g4 --pages 1 >/dev/null
	rm -f "$data.tmp"/*/*.json
	mv "$data.tmp" "$data"
fi

W=$(mktemp -d /tmp/sohoa-bench-spread.XXXXXX)
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# critical LOG: the document's CPU seconds on its busiest reader and in
# all, and its readers, from the timing lines before its "done" line (the
# single pages come after).
critical() {
	$PY - "$1" <<'EOF'
import re, sys
log = open(sys.argv[1]).read().split(" done: ")[0]
cpu = {int(m[0]): float(m[1]) + float(m[2]) + float(m[3]) for m in re.findall(
    r"timing page (\d+): prep (\d+) ms, ocr (\d+) ms, pdf (\d+) ms", log)}
reader = {int(m[0]): int(m[1]) for m in re.findall(r"spread page (\d+): reader (\d+)", log)}
per = {}
for p, c in cpu.items():
    per[reader.get(p, 0)] = per.get(reader.get(p, 0), 0) + c
print("%.1f %.1f %d" % (max(per.values()) / 1000, sum(cpu.values()) / 1000, len(per))
      if per else "0 0 0")
EOF
}

# run BIN [ENV...]: one sohoad, workers = 2; prints "doc_s singles_s
# critical_cpu_s total_cpu_s readers".
run() {
	local bin=$1 pid t0 t1 t2
	shift
	rm -rf "$W/inbox" "$W/state"
	mkdir -p "$W/inbox"
	cat > "$W/sohoa.conf" <<EOC
inbox = $W/inbox
state_dir = $W/state
stable_delay = 0
workers = 2
log_level = info
languages = vie
EOC
	env SOHOA_OCR_TIMING=cpu "$@" SOHOA_CONF="$W/sohoa.conf" "$bin/sohoad" -f 2> "$W/sohoad.log" &
	pid=$!
	while ! grep -q "watching" "$W/sohoad.log" 2>/dev/null; do sleep 0.1; done
	sleep 2     # both workers loaded
	done_n() { sqlite3 "$W/state/catalog.db" \
		"SELECT count(*) FROM records WHERE state = 'done'" 2>/dev/null || echo 0; }
	wait_done() {
		while [ "$(done_n)" -lt "$1" ]; do
			kill -0 $pid 2>/dev/null || { echo "bench: sohoad stopped early" >&2; tail "$W/sohoad.log" >&2; exit 1; }
			sleep 0.05
		done
	}
	t0=$(now)
	cp "$data"/doc/* "$W/inbox/"
	wait_done 1
	t1=$(now)
	cp "$data"/singles/* "$W/inbox/"
	wait_done 3
	t2=$(now)
	kill -TERM $pid
	wait $pid || true
	echo "$(echo "$t1 - $t0" | bc -l) $(echo "$t2 - $t1" | bc -l) $(critical "$W/sohoad.log")"
}

echo "sohoa bench-spread: one $PAGES-page TIFF, then two 1-page documents together;" \
	"sohoad, workers = 2, vie; $ROUNDS rounds; $(getconf _NPROCESSORS_ONLN) cores"
before_label="before (${BEFORE:-SOHOA_SPREAD=0})"
sum_b=0 sum_a=0 sb=0 sa=0 cb=0 ca=0
for r in $(seq 1 "$ROUNDS"); do
	for which in $( [ $((r % 2)) -eq 1 ] && echo "b a" || echo "a b"); do
		l0=$(load)
		if [ "$which" = b ]; then
			if [ -n "$BEFORE" ]; then res=$(run "$BEFORE"); else res=$(run "$BIN" SOHOA_SPREAD=0); fi
			label=$before_label
			set -- $res
			sum_b=$(echo "$sum_b + $1" | bc -l); sb=$(echo "$sb + $2" | bc -l); cb=$(echo "$cb + $3" | bc -l)
		else
			res=$(run "$BIN")
			label="after (spread)"
			set -- $res
			sum_a=$(echo "$sum_a + $1" | bc -l); sa=$(echo "$sa + $2" | bc -l); ca=$(echo "$ca + $3" | bc -l)
		fi
		printf '  round %d %-28s %s pages %6.1f s, two 1-page %5.1f s; CPU %5.1f s on the busiest of %d reader(s), %5.1f s in all; load %s\n' \
			"$r" "$label" "$PAGES" "$1" "$2" "$3" "$5" "$4" "$l0"
	done
done
avg() { printf %.1f "$(echo "$1 / $ROUNDS" | bc -l)"; }
echo "  $PAGES-page document, drop to done: before $(avg "$sum_b") s, after $(avg "$sum_a") s:" \
	"$(printf %.2f "$(echo "$sum_b / $sum_a" | bc -l)")x"
echo "  ... its CPU on the critical path (its latency on an idle machine): before $(avg "$cb") s," \
	"after $(avg "$ca") s: $(printf %.2f "$(echo "$cb / $ca" | bc -l)")x"
echo "  two 1-page documents together: before $(avg "$sb") s, after $(avg "$sa") s" \
	"($(printf %.2f "$(echo "$sb / $sa" | bc -l)")x; about 1 or more: not slowed)"
echo "  load average now: $(load)"
