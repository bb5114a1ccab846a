#!/bin/bash
# make bench / make bench-real: pages per minute of sohoad against the bare
# `tesseract FILE - -l vie+eng` command on the same pages, with the same
# parallelism (one process per core, OMP_THREAD_LIMIT=1), in the same run,
# on two page sets:
#
#   clean  the bench's first set (kept for continuity): straight,
#          noise-free 300 dpi pages, PNG/JPEG/G4/grey TIFF;
#   real   what scanners and phones produce (REAL_SET below): flatbed look
#          (optics blur, paper tone under uneven light, sensor noise),
#          skew up to +-3 degrees, speckle, colour with a red seal, a colour
#          JPEG photo, 200 dpi bilevel G4, pages turned 90 and 180 degrees.
#
# The machine may be busy with other work, so absolute times mean little:
# each set is timed in rounds that alternate the two (tesseract, sohoad,
# sohoad, tesseract, ...) so that a change of load weighs on both alike,
# and what is reported is the ratio of the sums (> 1: sohoad is faster),
# with the ratio of the CPU seconds both spent (steadier under load).
# The workers' SOHOA_OCR_TIMING lines give each page's steps (decode,
# orientation, deskew, speckle, seal, OCR, PDF) in ms and as shares of its
# recognition time (bench/timing_report.py): the worker's CPU ms
# (SOHOA_OCR_TIMING=cpu), which the load hardly changes; BENCH_TIMING=1
# gives wall ms.
#
#   bench/throughput.sh [clean] [real]     (default: both)
#   BENCH_PAGES (clean set, 24), BENCH_ROUNDS (2: each engine runs 2x per
#   set), BENCH_VERBOSE=0 (no per-page table), BENCH_LOGS=DIR (keep sohoad's
#   logs there)
set -eu
BUILD=${SOHOA_BUILD:-build}
BIN=$(cd "$BUILD" && pwd)
PY=/usr/bin/python3
J=$(nproc)
N=${BENCH_PAGES:-24}
ROUNDS=${BENCH_ROUNDS:-2}
SETS=${*:-clean real}
export OMP_THREAD_LIMIT=1

# The realistic set: renderer arguments per group, every group with the
# flatbed look (--scan) and its own seed.  Two documents per group.
REAL_SET=(
	"--formats png --skew 2.5"                                  # grey, skewed
	"--formats tiff-gray --skew -3 --noise"                     # skewed and speckled
	"--formats png --noise"                                     # speckled
	"--formats tiff-rgb --color --skew 1.5"                     # colour, red seal
	"--formats jpeg --color --skew -2 --jpeg-quality 70"        # phone photo, JPEG
	"--formats tiff-g4 --bilevel --dpi 200 --skew 1"            # 200 dpi bilevel
	"--formats jpeg --rotate 90"                                # turned a quarter
	"--formats png --rotate 180 --skew -1"                      # upside down
)

render_clean() {
	$PY tests/tools/render_scans.py --out "$1" --truth "$1/.truth" --count "$N" \
		--seed 99 --formats png,jpeg,tiff-g4,tiff-gray --pages 1 >/dev/null
}

render_real() {
	local i=0 args
	for args in "${REAL_SET[@]}"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		$PY tests/tools/render_scans.py --out "$1/g$i" --truth "$1/.truth/g$i" --count 2 \
			--seed $((7100 + i)) --pages 1 --scan $args >/dev/null
		for f in "$1/g$i"/*; do mv "$f" "$1/g$i-$(basename "$f")"; done
		rmdir "$1/g$i"
	done
}

now() { date +%s.%N; }

W=$(mktemp -d /tmp/sohoa-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkfifo "$W/never"

# CPU seconds (user + system) of this shell's waited-for children so far,
# into $CPU (`times` must run in this shell, not in a $(...) of its own).
child_cpu() {
	times > "$W/times"
	CPU=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
		printf "%.2f\n", t }' "$W/times")
}

# One run of the bare command over $1, $J at a time; prints wall seconds
# and CPU seconds (every tesseract process).
run_tess() {
	local out="$W/tess" t0 t1
	rm -rf "$out"
	mkdir -p "$out"
	t0=$(now)
	find "$1" -maxdepth 1 -type f -print0 | xargs -0 -P "$J" -I{} sh -c \
		'tesseract "$1" - -l vie+eng >"$2/$(basename "$1").txt" 2>/dev/null' _ {} "$out"
	t1=$(now)
	child_cpu
	echo "$(echo "$t1 - $t0" | bc -l) $CPU"
}

# One run of sohoad over $1 (from start, workers loading Tesseract, until
# every page is recorded); prints wall seconds and CPU seconds (the daemon
# and its workers, not the polling); its log stays in $W/sohoad.log.
run_sohoad() {
	local pages t0 t1 pid n c0
	pages=$(find "$1" -maxdepth 1 -type f | wc -l)
	rm -rf "$W/inbox" "$W/state"
	mkdir -p "$W/inbox"
	cp "$1"/* "$W/inbox/"
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
	: > "$W/sohoad.log"
	t0=$(now)
	SOHOA_OCR_TIMING=${BENCH_TIMING:-cpu} SOHOA_CONF="$W/sohoa.conf" "$BIN/sohoad" -f 2> "$W/sohoad.log" &
	pid=$!
	# Waiting costs the machine nothing: the command's run is not watched
	# either.  No process is started while sohoad works (a sqlite3 and a
	# sleep every 50 ms took 2-3 % of a core from it): the log's new lines
	# are read by the shell itself, and counted when a record is done (the
	# line written after its fields, index and package); the wait is
	# read's timeout on a FIFO nobody writes to.
	n=0 part=""
	exec 8< "$W/sohoad.log" 9<> "$W/never"
	while :; do
		while IFS= read -r -u 8 line; do
			line=$part$line
			part=""
			case $line in *"sohoad: info: record "*" done: "*) n=$((n + 1)) ;; esac
		done
		part=$part$line
		[ "$n" -ge "$pages" ] && break
		if ! kill -0 $pid 2>/dev/null; then
			echo "bench: sohoad stopped early; its log:" >&2
			tail -20 "$W/sohoad.log" >&2
			exit 1
		fi
		read -r -t 0.05 -u 9 _ || :
	done
	t1=$(now)
	exec 8<&- 9<&-
	n=$(sqlite3 "$W/state/catalog.db" "SELECT count(*) FROM records WHERE state = 'done'")
	if [ "$n" -lt "$pages" ]; then
		echo "bench: the log says $pages records done, the catalog $n" >&2
		exit 1
	fi
	child_cpu
	c0=$CPU
	kill -TERM $pid
	wait $pid || true
	child_cpu
	echo "$(echo "$t1 - $t0" | bc -l) $(echo "$CPU - $c0" | bc -l)"
}

bench_set() {
	local set=$1 data desc pages tess_s=0 sohoa_s=0 tess_c=0 sohoa_c=0 r t s ratios="" cratios=""
	case $set in
	clean)
		data="$BIN/bench-data/pages-$N"
		desc="clean: 300 dpi A4, PNG/JPEG/G4/grey TIFF" ;;
	real)
		data="$BIN/bench-data/real-$(printf '%s\n' "${REAL_SET[@]}" | sha256sum | cut -c1-8)"
		desc="realistic: flatbed look, skew to 3 deg, speckle, colour + red seal, JPEG photo, 200 dpi G4, turned 90/180" ;;
	*)
		echo "bench: no page set '$set' (clean, real)" >&2
		exit 2 ;;
	esac
	if [ ! -d "$data" ]; then
		rm -rf "$data.tmp"
		mkdir -p "$data.tmp"
		"render_$set" "$data.tmp"
		mv "$data.tmp" "$data"
	fi
	pages=$(find "$data" -maxdepth 1 -type f | wc -l)
	echo "sohoa bench, $set set: $pages pages ($desc), $J parallel, vie+eng, $ROUNDS rounds"
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	for r in $(seq 1 "$ROUNDS"); do
		# Alternate which goes first: T S, S T, T S, ...
		if [ $((r % 2)) -eq 1 ]; then
			t=$(run_tess "$data")
			s=$(run_sohoad "$data")
		else
			s=$(run_sohoad "$data")
			t=$(run_tess "$data")
		fi
		tess_c=$(echo "$tess_c + ${t#* }" | bc -l)
		sohoa_c=$(echo "$sohoa_c + ${s#* }" | bc -l)
		t=${t%% *}
		s=${s%% *}
		tess_s=$(echo "$tess_s + $t" | bc -l)
		sohoa_s=$(echo "$sohoa_s + $s" | bc -l)
		ratios="$ratios $(echo "scale=2; $t / $s" | bc -l)x"
		cp "$W/sohoad.log" "$W/sohoad-$set-$r.log"
		[ -z "${BENCH_LOGS:-}" ] || { mkdir -p "$BENCH_LOGS"; cp "$W/sohoad.log" "$BENCH_LOGS/sohoad-$set-$r.log"; }
	done
	ppm() { echo "scale=1; $pages * 60 * $ROUNDS / $1" | bc -l; }
	printf '  %-34s %7.1f s  %7.1f pages/min\n' "tesseract CLI (xargs -P $J)" "$tess_s" "$(ppm "$tess_s")"
	printf '  %-34s %7.1f s  %7.1f pages/min\n' "sohoad ($J workers)" "$sohoa_s" "$(ppm "$sohoa_s")"
	echo "  throughput ratio sohoad / tesseract: $(echo "scale=3; $tess_s / $sohoa_s" | bc -l)x" \
		"(rounds:$ratios; target >= $([ "$set" = clean ] && echo 1.1 || echo 1.0)x)"
	# Other work on the machine moves the wall clock: say how much there was.
	echo "  load average (1, 5, 15 min): $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after"
	# CPU time hardly depends on what else the machine runs: the ratio
	# of CPU seconds is the steadier figure on a busy machine.
	printf '  CPU seconds per page: tesseract %.2f, sohoad %.2f (daemon and workers);' \
		"$(echo "$tess_c / ($pages * $ROUNDS)" | bc -l)" "$(echo "$sohoa_c / ($pages * $ROUNDS)" | bc -l)"
	echo " CPU ratio tesseract / sohoad: $(echo "scale=3; $tess_c / $sohoa_c" | bc -l)x"
	# Word agreement, to show both did the same work (last round).
	echo "  words recognised: tesseract $(cat "$W"/tess/*.txt | wc -w)," \
		"sohoad $(sqlite3 "$W/state/catalog.db" "SELECT group_concat(text, ' ') FROM pages" | wc -w)"
	# Field extraction, indexing and packaging after each OCR, against the
	# OCR time of the same record (sohoad's one line per document): the
	# step's own CPU time, and its time by the clock, which the workers
	# (already reading the next pages while it runs) stretch on two cores.
	awk '/ done: .*; OCR [0-9.]+ s, fields, index and package [0-9.]+ s/ {
		for (i = 1; i <= NF; i++) { if ($i == "OCR") o += $(i + 1); if ($i == "package") p += $(i + 1)
			if ($i == "(CPU") { c += $(i + 1); hc = 1 } }
		n++ }
		END { if (n && o > 0 && hc) printf "  fields + index + package: %.1f ms CPU per document, %.2f%% of its OCR time (target <= 2%%); %.1f ms, %.2f%% by the clock\n", 1000 * c / n, 100 * c / o, 1000 * p / n, 100 * p / o;
		      else if (n && o > 0) printf "  fields + index + package: %.1f ms per document, %.2f%% of its OCR time (target <= 2%%)\n", 1000 * p / n, 100 * p / o;
		      else print "  fields + index + package: not measured (no document lines in the log)" }' "$W/sohoad.log"
	echo "  records packaged: $(sqlite3 "$W/state/catalog.db" \
		"SELECT count(*) FROM records WHERE packaged_at IS NOT NULL") of $pages"
	# The steps around Tesseract, over every round's pages.
	if [ "${BENCH_VERBOSE:-1}" = 0 ]; then
		$PY bench/timing_report.py --brief "$W"/sohoad-"$set"-*.log
	else
		$PY bench/timing_report.py "$W"/sohoad-"$set"-*.log
	fi
}

for set in $SETS; do
	bench_set "$set"
done
