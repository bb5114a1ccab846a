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
incomplete_grace = ${GRACE:-4}
folder_stable_delay = ${FOLDER_STABLE:-2}
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

# conformance_sweep: what the test made, against the standards' own
# validators, run by finish() so that every e2e test checks what it leaves:
#   - every PDF/A (the spool's document.pdf, signed or not, and the PDFs in
#     the AIPs, that claim PDF/A in their XMP) against the file-structure
#     rules of PDF/A-2b
#     (tests/tools/pdfa_structure.py: veraPDF's PDFA-2B rules 6.1.x);
#   - every package (AIPs, and the SIPs inside every export bundle) with
#     the E-ARK validator's schematron rules, under CSIP 2.0.4 and 2.1.0
#     (../shared/tools/check-eark, --sip for SIPs): no rule of role ERROR;
#   - every PREMIS file against the official PREMIS 3 schema.
CHECK_EARK="$SOHOA_SRC/../shared/tools/check-eark"
PREMIS_XSD="$SOHOA_SRC/../shared/reference-schemas/premis/premis-v3.xsd"
conformance_sweep() {
	local pdfs=() aips=() sips=() premis=() f d
	# Only the files that say they are PDF/A (their XMP, which sohoa writes
	# uncompressed): a born-digital PDF that cannot become PDF/A is kept as
	# it came, by design (t_pdfin).
	while IFS= read -r -d '' f; do grep -aq '<pdfaid:part>' "$f" && pdfs+=("$f"); done < <(
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
	# The SIPs of every bundle the test left, unpacked beside.
	rm -rf "$T/.sweep"
	while IFS= read -r -d '' f; do
		d="$T/.sweep/$(basename "$f" .tar)-$RANDOM"
		mkdir -p "$d" && (cd "$d" && tar -xf "$f" 2>/dev/null && for z in *.zip; do
			[ -e "$z" ] && unzip -q -o "$z" && rm -f "$z"; done)
	done < <(find "$T" -path "$T/.sweep" -prune -o -type f -name 'sohoa-*.tar' -print0 2>/dev/null)
	while IFS= read -r -d '' f; do
		d=$(dirname "$f")
		if grep -q 'OAISPACKAGETYPE="SIP"' "$f"; then sips+=("$d"); else aips+=("$d"); fi
	done < <(find "$T/state" "$T/.sweep" \( -name '.*' -a ! -name .sweep -prune \) -o \
		\( -type f -name METS.xml ! -path '*/representations/*' -print0 \) 2>/dev/null)
	while IFS= read -r -d '' f; do premis+=("$f"); done < <(
		find "$T/state" "$T/.sweep" \( -name '.*' -a ! -name .sweep -prune \) -o \
		\( -type f -path '*/metadata/preservation/*.xml' -print0 \) 2>/dev/null)
	if [ $((${#aips[@]} + ${#sips[@]})) -gt 0 ]; then
		if [ ! -x "$CHECK_EARK" ] || [ ! -e "$PREMIS_XSD" ]; then
			fail "no $CHECK_EARK or $PREMIS_XSD: the shared/ folder must be beside the clone"
		fi
	fi
	if [ ${#aips[@]} -gt 0 ] && [ -x "$CHECK_EARK" ]; then
		if "$CHECK_EARK" "${aips[@]}" > "$T/check-eark-aip.txt" 2>&1; then
			ok "check-eark (CSIP 2.0.4 and 2.1.0): no ERROR on the ${#aips[@]} AIPs"
		else
			fail "check-eark (CSIP 2.0.4 and 2.1.0) on the AIPs:"
			grep ERROR "$T/check-eark-aip.txt" | head -20 | sed 's/^/     /'
		fi
	fi
	if [ ${#sips[@]} -gt 0 ] && [ -x "$CHECK_EARK" ]; then
		# SIP14 is a fault of the validator's rule (like CSIP12/13/16, which
		# check-eark already reports as VALIDATOR-FAULT): it wants an
		# unqualified NOTETYPE on the note of every CREATOR agent, which
		# mets.xsd forbids (note takes only attributes of other namespaces)
		# and which the software agent's "SOFTWARE VERSION" note (CSIP16)
		# cannot have.  What the SIP specification asks (SIP14: the
		# organization's note with csip:NOTETYPE="IDENTIFICATIONCODE") is
		# checked here instead.
		"$CHECK_EARK" --sip "${sips[@]}" > "$T/check-eark-sip.txt" 2>&1
		local sip14_ok=1
		for d in "${sips[@]}"; do
			[ "$(xmllint --xpath "count(//*[local-name()='agent'][@ROLE='CREATOR'][@TYPE='ORGANIZATION']/*[local-name()='note'][@*[local-name()='NOTETYPE' and namespace-uri()='https://DILCIS.eu/XML/METS/CSIPExtensionMETS']='IDENTIFICATIONCODE'])" "$d/METS.xml" 2>/dev/null)" = 1 ] || sip14_ok=0
		done
		if ! grep -P '\tERROR\t' "$T/check-eark-sip.txt" | grep -qvP '\tSIP14\tERROR\t' && [ $sip14_ok = 1 ]; then
			ok "check-eark --sip (CSIP+SIP 2.0.4 and 2.1.0): no ERROR on the ${#sips[@]} SIPs (SIP14: the validator's fault, the specification's rule checked)"
		else
			fail "check-eark --sip (CSIP+SIP 2.0.4 and 2.1.0) on the SIPs (organization note csip:NOTETYPE ok: $sip14_ok):"
			grep -P '\tERROR\t' "$T/check-eark-sip.txt" | grep -vP '\tSIP14\t' | head -20 | sed 's/^/     /'
		fi
	fi
	if [ ${#premis[@]} -gt 0 ] && [ -e "$PREMIS_XSD" ]; then
		if xmllint --nonet --noout --schema "$PREMIS_XSD" "${premis[@]}" > "$T/premis-xsd.txt" 2>&1; then
			ok "the ${#premis[@]} PREMIS files valid against the official PREMIS 3 schema"
		else
			fail "PREMIS files against the official PREMIS 3 schema:"
			grep -v ' validates$' "$T/premis-xsd.txt" | head -10 | sed 's/^/     /'
		fi
	fi
}

# A throwaway CA and the agency's key and certificate signed by it in
# $T/pki (ca.pem, agency.key, agency.pem); t_export also makes another CA
# there (other.pem), which did not issue the agency's certificate.  On
# failure: a FAIL with openssl's output, and the test ends.
make_test_pki() {
	mkdir -p "$T/pki"
	(
		cd "$T/pki" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
			-subj "/C=VN/O=Test Root CA/CN=sohoa test CA" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign"
		openssl req -newkey rsa:2048 -nodes -keyout agency.key -out agency.csr \
			-subj "/C=VN/O=UBND xa Van Binh/CN=UBND xa Van Binh"
		printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' \
			> ext.cnf
		openssl x509 -req -in agency.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
			-extfile ext.cnf -out agency.pem
		if [ "${1:-}" = other ]; then
			openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem \
				-days 30 -subj "/CN=some other CA"
		fi
		chmod 600 agency.key
	) > "$T/pki.log" 2>&1 || { fail "openssl could not make the test PKI"; cat "$T/pki.log"; finish; }
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
