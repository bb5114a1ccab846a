# lib.sh - helpers for the end-to-end tests: a fresh temporary world per
# test, the real sohoad and sohoa binaries, assertions that name what failed.
set -u
T=$(mktemp -d /tmp/sohoa-e2e.XXXXXX)
SOHOAD="$SOHOA_BIN/sohoad"
SOHOA="$SOHOA_BIN/sohoa"
export OMP_THREAD_LIMIT=1
export ASAN_OPTIONS="detect_leaks=1"
export LSAN_OPTIONS="suppressions=$SOHOA_SRC/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1"
export SOHOA_CONF="$T/sohoa.conf"
FAILS=0
DPID=""

ok() { echo "   ok   $*"; }
fail() { echo "   FAIL $*"; FAILS=$((FAILS + 1)); }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

write_conf() {
	mkdir -p "$T/inbox"
	cat > "$T/sohoa.conf" <<EOC
inbox = $T/inbox
quarantine = $T/quarantine
state_dir = $T/state
stable_delay = ${STABLE:-1}
rescan_interval = ${RESCAN:-60}
workers = ${WORKERS:-2}
log_level = ${LOGLEVEL:-info}
${EXTRA_CONF:-}
EOC
}

start_daemon() {
	"$SOHOAD" -f >> "$T/daemon.log" 2>&1 &
	DPID=$!
}

stop_daemon() {
	[ -n "$DPID" ] || return 0
	kill -TERM "$DPID" 2>/dev/null
	local i=0
	while kill -0 "$DPID" 2>/dev/null && [ $i -lt 120 ]; do sleep 0.1; i=$((i + 1)); done
	wait "$DPID" 2>/dev/null
	local rc=$?
	DPID=""
	return $rc
}

# wait_until SECONDS 'SHELL CONDITION': evaluates it every 0.5 s.
wait_until() {
	local limit=$1; shift
	local end=$(( $(date +%s) + limit ))
	while [ "$(date +%s)" -lt $end ]; do
		eval "$*" 2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}

sql() { [ -e "$T/state/catalog.db" ] && sqlite3 "$T/state/catalog.db" "$@"; }
state_count() { sql "SELECT count(*) FROM records WHERE state = '$1'"; }
json() { $PY -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

no_sanitizer_reports() {
	! grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$T"/*.log 2>/dev/null
}

# conformance_sweep: every PDF/A the test made (the spool's document.pdf,
# signed or not, and the PDFs inside the AIPs) against the file-structure
# rules of PDF/A-2b (tests/tools/pdfa_structure.py, veraPDF's 6.1.x).
# Run by finish(), so every e2e test checks what it leaves.
conformance_sweep() {
	local pdfs=() f
	while IFS= read -r -d '' f; do pdfs+=("$f"); done < <(
		find "$T/state" \( -name '.*' -prune \) -o \( -type f -name '*.pdf' \
			\( -path '*/spool/done/*' -o -path '*/aip/*' \) -print0 \) 2>/dev/null)
	if [ ${#pdfs[@]} -gt 0 ]; then
		if $PY "$SOHOA_SRC/tests/tools/pdfa_structure.py" "${pdfs[@]}" > "$T/pdfa-structure.txt" 2>&1; then
			ok "PDF/A-2b file structure (6.1.x) of the ${#pdfs[@]} PDFs made"
		else
			fail "PDF/A-2b file structure (6.1.x) of the PDFs made:"
			grep -v ': ok (' "$T/pdfa-structure.txt" | head -20 | sed 's/^/     /'
		fi
	fi
}

finish() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	conformance_sweep
	if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$T"/*.log 2>/dev/null; then
		fail "sanitizer report in logs"
		grep -hE -A20 "AddressSanitizer|LeakSanitizer|runtime error:" "$T"/*.log | head -60
	fi
	if [ $FAILS -eq 0 ]; then
		rm -rf "$T"
		exit 0
	fi
	echo "   (kept $T; daemon log tail:)"
	tail -n 20 "$T/daemon.log" 2>/dev/null | sed 's/^/     /'
	exit 1
}
