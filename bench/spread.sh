#!/bin/bash
# make bench-spread: the latency of one 20-page document (a multi-page
# TIFF, dropped into the inbox of a running sohoad with workers = 2) from
# the drop to "done", with its pages spread over the idle workers (ocr.h,
# "Spreading") and without (SOHOA_SPREAD=0: one worker per document, as
# before), in the same run, rounds alternating; and the latency of two
# single-page documents dropped together, which spreading must not slow.
#
# The machine may be busy: the load average is printed with each figure,
# and what counts is the ratio within a round.
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

# run BIN LABEL [ENV...]: one sohoad, workers = 2; prints "doc_s singles_s".
run() {
	local bin=$1 pid t0 t1 t2 n
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
	env "$@" SOHOA_CONF="$W/sohoa.conf" "$bin/sohoad" -f 2> "$W/sohoad.log" &
	pid=$!
	# Both workers loaded (the pool says so when it starts watching).
	while ! grep -q "watching" "$W/sohoad.log" 2>/dev/null; do sleep 0.1; done
	sleep 2
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
	echo "$(echo "$t1 - $t0" | bc -l) $(echo "$t2 - $t1" | bc -l)"
}

echo "sohoa bench-spread: one $PAGES-page TIFF, then two 1-page documents together;" \
	"sohoad, workers = 2, vie; $ROUNDS rounds; $(getconf _NPROCESSORS_ONLN) cores"
before_label=${BEFORE:+"before ($BEFORE)"}
before_label=${before_label:-"before (SOHOA_SPREAD=0)"}
sum_b=0 sum_a=0 sb=0 sa=0
for r in $(seq 1 "$ROUNDS"); do
	for which in $( [ $((r % 2)) -eq 1 ] && echo "b a" || echo "a b"); do
		l0=$(load)
		if [ "$which" = b ]; then
			if [ -n "$BEFORE" ]; then res=$(run "$BEFORE"); else res=$(run "$BIN" SOHOA_SPREAD=0); fi
			label=$before_label
			sum_b=$(echo "$sum_b + ${res%% *}" | bc -l); sb=$(echo "$sb + ${res#* }" | bc -l)
		else
			res=$(run "$BIN")
			label="after (spread)"
			sum_a=$(echo "$sum_a + ${res%% *}" | bc -l); sa=$(echo "$sa + ${res#* }" | bc -l)
			grep -o "read by [0-9]* OCR workers at once" "$W/sohoad.log" | head -1 | sed 's/^/    /'
		fi
		printf '  round %d %-40s %2d pages: %6.1f s   two 1-page: %5.1f s   load %s\n' \
			"$r" "$label" "$PAGES" "${res%% *}" "${res#* }" "$l0"
	done
done
echo "  $PAGES-page document, drop to done: before $(printf %.1f "$(echo "$sum_b / $ROUNDS" | bc -l)") s," \
	"after $(printf %.1f "$(echo "$sum_a / $ROUNDS" | bc -l)") s:" \
	"$(printf %.2f "$(echo "$sum_b / $sum_a" | bc -l)")x faster"
echo "  two 1-page documents together: before $(printf %.1f "$(echo "$sb / $ROUNDS" | bc -l)") s," \
	"after $(printf %.1f "$(echo "$sa / $ROUNDS" | bc -l)") s" \
	"(ratio $(printf %.2f "$(echo "$sb / $sa" | bc -l)")x; about 1: not slowed)"
echo "  load average now: $(load)"
