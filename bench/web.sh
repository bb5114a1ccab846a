#!/bin/bash
# make bench-web: sohoa-web under load (issue 12).  Not a test: it prints
# figures.  A catalog of BENCH_WEB_PAGES generated pages (the search
# bench's generator, bench/search_bench.c, kept in BENCH_WEB_DIR so that a
# second run reuses it; BENCH_WEB_STORE=DIR names a store generated before,
# e.g. in the background with
#   nice -n 19 build/bench/search_bench -d DIR -k -q -r 1 -b 1000 1000000
# and is never regenerated), the real sohoa-web over HTTPS on a loopback port,
# BENCH_WEB_CLIENTS concurrent clients (bench/web_load.py, keep-alive
# connections) running a fixed mix of search pages, API searches and
# document pages for BENCH_WEB_SECONDS: p50/p99 per kind, requests/s,
# errors, and sohoa-web's peak RSS.
# Each mix of BENCH_WEB_MIXES runs against a freshly started sohoa-web:
# "repeat" (the issue's: searches drawn from 20 fixed queries) and
# "distinct" (every search different, which no result cache helps); the
# load generator's own CPU is printed with each.  BENCH_WEB_CACHE=N sets
# web_search_cache (0: off; unset: the default); sohoa-web's search cache
# counters are printed at its exit.
set -eu
BUILD=${SOHOA_BUILD:-build}
BIN=$(cd "$BUILD" && pwd)
PAGES=${BENCH_WEB_PAGES:-1000000}
CLIENTS=${BENCH_WEB_CLIENTS:-20}
SECONDS_=${BENCH_WEB_SECONDS:-60}
MIXES=${BENCH_WEB_MIXES:-repeat distinct}
D=${BENCH_WEB_STORE:-${BENCH_WEB_DIR:-/tmp/sohoa-bench-web-$PAGES}}
PORT=$((20000 + RANDOM % 20000))
if [ -n "${BENCH_WEB_STORE:-}" ] && [ ! -e "$D/catalog.db" ]; then
	echo "bench-web: no catalog.db in BENCH_WEB_STORE=$D" >&2
	exit 1
fi
mkdir -p "$D/inbox"
if [ ! -e "$D/catalog.db" ]; then
	echo "== generating a catalog of $PAGES pages in $D (search bench generator)"
	"$BIN/bench/search_bench" -d "$D" -k -q -r 1 -b 1000 "$PAGES"
fi
# A generator still growing this store (search_bench -k -d DIR) waits
# between its transactions while DIR/PAUSE exists: the figures are then
# sohoa-web's alone, with no writer holding the catalog's lock.
touch "$D/PAUSE"
trap 'rm -f "$D/PAUSE"' EXIT
sqlite3 "$D/catalog.db" ".timeout 120000" "BEGIN IMMEDIATE; COMMIT;" >/dev/null
cat > "$D/sohoa.conf" <<EOC
inbox = $D/inbox
state_dir = $D
web_listen = 127.0.0.1:$PORT
EOC
if [ -n "${BENCH_WEB_CACHE:-}" ]; then
	echo "web_search_cache = $BENCH_WEB_CACHE" >> "$D/sohoa.conf"
fi
export SOHOA_CONF="$D/sohoa.conf"
"$BIN/sohoa" user disable bench >/dev/null 2>&1 || true
echo "mật khẩu đo tải" | "$BIN/sohoa" user add bench --role can-bo >/dev/null 2>&1 ||
	{ "$BIN/sohoa" user enable bench >/dev/null; echo "mật khẩu đo tải" | "$BIN/sohoa" user passwd bench >/dev/null; }
TOKEN=$("$BIN/sohoa" user token bench)
for MIX in $MIXES; do
"$BIN/sohoa-web" -f 2> "$D/web.log" &
WPID=$!
trap 'kill $WPID 2>/dev/null || true; rm -f "$D/PAUSE"' EXIT
for i in $(seq 1 100); do curl -sk -o /dev/null "https://127.0.0.1:$PORT/login" && break; sleep 0.2; done
MAXID=$(sqlite3 "$D/catalog.db" "SELECT max(id) FROM records")
echo "== $D: mix $MIX, $CLIENTS clients, ${SECONDS_} s, HTTPS, $(sqlite3 "$D/catalog.db" "SELECT count(*) FROM pages") pages, $MAXID records"
echo "   web_search_cache = ${BENCH_WEB_CACHE:-default}; $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cpu() { awk '{print $14 + $15}' /proc/$WPID/stat; }
CPU0=$(cpu)
BENCH_WEB_MIX=$MIX /usr/bin/python3 bench/web_load.py "https://127.0.0.1:$PORT" "$TOKEN" "$MAXID" "$CLIENTS" "$SECONDS_" "$WPID" \
	| tee "$D/web-load.out"
# CPU time is what a loaded machine does not hide: sohoa-web's own work.
N=$(awk '$1 == "total" {print $2}' "$D/web-load.out")
awk -v t=$(( $(cpu) - CPU0 )) -v hz=$(getconf CLK_TCK) -v n="${N:-0}" 'BEGIN {
	printf "sohoa-web CPU: %.1f s user+system, %.1f ms a request (mean over the mix, sign-ins included)\n",
	    t / hz, n ? 1000 * t / hz / n : 0 }'
echo "sohoa-web RSS: now $(awk '/VmRSS/ {print int($2/1024)}' /proc/$WPID/status) MiB," \
	"peak $(awk '/VmHWM/ {print int($2/1024)}' /proc/$WPID/status) MiB"
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $WPID; wait $WPID || true
grep 'search cache' "$D/web.log" || true
done
