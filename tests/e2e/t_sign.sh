#!/bin/bash
# Signatures in the pipeline: sohoad with sign_key configured signs each
# record's PDF/A before packaging it (PAdES-B, visible on page 1; B-T with a TSA), checked
# with pdfsig (valid, whole document), qpdf --check, pdftotext (the OCR text
# is still there), pdfinfo -meta (still PDF/A-2b), the package holding the
# signed PDF under a METS checksum that matches, and the "digital
# signature" event.  Then the same with the key on a PKCS#11 token
# (SoftHSM2, a pkcs11: URI), and a key file readable by others: refused
# with a clear message, the daemon goes on without signing.  Then PAdES
# B-LT with a local CA, a local OCSP responder (`openssl ocsp`), the root's
# CRL over HTTP and the local TSA: the DSS (read with qpdf, the OCSP
# response with `openssl ocsp -respin`), pdfsig showing the document
# timestamp, `sohoa verify FILE.pdf`, openssl's -attime past the CA's
# expiry, revocation afterwards; the responders unreachable (logged,
# B-T); and, the intermediate CA expired, the B-LT PDF still verifies.
. "$(dirname "$0")/lib.sh"
AGENCY="ỦY BAN NHÂN DÂN XÃ VĂN BÌNH"

# A throwaway PKI: root, intermediate, the agency's certificate.
mkdir -p "$T/pki"
(
	cd "$T/pki" || exit 1
	set -e
	exec >/dev/null 2>&1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
		-subj '/C=VN/O=sohoa test/CN=Test Root CA' \
		-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign
	printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n' > ca.ext
	openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr \
		-subj '/C=VN/O=sohoa test/CN=Test Intermediate CA'
	openssl x509 -req -in inter.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out inter.pem \
		-days 30 -extfile ca.ext
	printf 'basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > ee.ext
	openssl req -newkey rsa:2048 -nodes -keyout agency.key -out agency.csr -utf8 \
		-subj "/C=VN/O=UBND xã Văn Bình/CN=$AGENCY"
	openssl x509 -req -in agency.csr -CA inter.pem -CAkey inter.key -CAcreateserial \
		-out agency.pem -days 30 -extfile ee.ext
	chmod 600 agency.key
) || fail "test PKI not made"

# Word multisets: the share of the OCR words pdftotext gives back, and the
# share of pdftotext's words that are OCR words or the signature's text.
cat > "$T/compare.py" <<'PY'
import collections, sys, unicodedata
def words(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return unicodedata.normalize("NFC", f.read()).split()
a, b, extra = words(sys.argv[1]), words(sys.argv[2]), set(words(sys.argv[3]))
ca, cb = collections.Counter(a), collections.Counter(b)
common = sum((ca & cb).values())
rest = sum(n for w, n in (cb - ca).items() if w not in extra)
print("%.4f %.4f" % (common / max(1, len(a)), 1 - rest / max(1, len(b))))
PY

# check_signed NAME PDF: what a signed record's PDF must pass.
check_signed() {
	local name=$1 pdf=$2 id
	id=$(sql "SELECT id FROM records WHERE name = '$name'")
	pdfsig "$pdf" > "$T/pdfsig.txt" 2>&1
	check "$name: pdfsig: the signature is valid" grep -q 'Signature Validation: Signature is Valid' "$T/pdfsig.txt"
	check "$name: pdfsig: it covers the whole document" \
		grep -Eq 'Total document signed|Signature covers the entire document' "$T/pdfsig.txt"
	check "$name: pdfsig: ETSI.CAdES.detached, SHA-256, by the agency" \
		grep -q "Common Name: $AGENCY" "$T/pdfsig.txt"
	check "$name: qpdf --check passes" qpdf --check "$pdf" > /dev/null
	check "$name: still PDF/A-2b (XMP pdfaid)" sh -c "pdfinfo -meta '$pdf' | grep -q '<pdfaid:part>2</pdfaid:part>'"
	check "$name: the visible signature shows the agency and the time (+07:00)" \
		sh -c "pdftotext -enc UTF-8 -l 1 '$pdf' - | grep -qF '$AGENCY' && pdftotext -l 1 '$pdf' - | grep -q 'T[0-9:]*+07:00'"
	sql "SELECT text FROM pages WHERE record_id = $id ORDER BY page_no" > "$T/ocr.txt"
	pdftotext -enc UTF-8 "$pdf" "$T/pdf.txt"
	printf '%s\n' "$AGENCY" "$(pdftotext -l 1 "$pdf" - | grep -o '[0-9-]*T[0-9:]*+07:00')" > "$T/sigtext.txt"
	read -r recall precision < <($PY "$T/compare.py" "$T/ocr.txt" "$T/pdf.txt" "$T/sigtext.txt")
	check "$name: pdftotext gives back >= 98% of the OCR words ($recall)" \
		$PY -c "import sys; sys.exit(not $recall >= 0.98)"
	check "$name: >= 98% of pdftotext's words are OCR or signature words ($precision)" \
		$PY -c "import sys; sys.exit(not $precision >= 0.98)"
	check "$name: a 'digital signature' event, success" \
		test "$(sql "SELECT outcome FROM events WHERE record_id = $id AND type = 'digital signature'")" = success
	check "$name: the signed PDF is the original PDF/A plus an update (/Prev)" \
		sh -c "tail -c 300 '$pdf' | grep -aq '/Prev'"
}

# check_package NAME PDF: the package holds the signed PDF, METS checksum of it.
check_package() {
	local name=$1 pdf=$2 id pkg ppdf
	id=$(sql "SELECT id FROM records WHERE name = '$name'")
	pkg=$("$SOHOA" show --package "$id" 2>/dev/null)
	ppdf=$(find "$pkg" -name '*.pdf' 2>/dev/null | head -1)
	check "$name: the package holds the signed PDF byte for byte" cmp -s "$pdf" "$ppdf"
	check "$name: the METS checksum is the signed PDF's" \
		grep -qi "CHECKSUM=\"$(sha256sum "$pdf" | cut -c1-64)\"" "$pkg/METS.xml"
}

# ---- 1. PEM key and certificate, with the intermediate as sign_chain. ----
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"$AGENCY\"
agency_code = \"000.00.01.H26\"
sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem
sign_chain = $T/pki/inter.pem" write_conf
png=$(ls "$TESTDATA"/corpus/*.png | head -1)
tif=$(ls "$TESTDATA"/corpus/*.tif | head -1)
cp "$png" "$T/inbox/a.png"
cp "$tif" "$T/inbox/b.tif"
start_daemon
check "both records packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 2 ]'
check "the daemon says who signs" grep -q "documents are signed by .*$AGENCY" "$T/daemon.log"
for name in a.png b.tif; do
	pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = '$name'")/document.pdf"
	check_signed "$name" "$pdf"
	check_package "$name" "$pdf"
	# The intermediate (sign_chain) travels in the signature.
	# (pdfsig -dump writes document.pdf.sig0 into the current folder.)
	(cd "$T" && rm -f document.pdf.sig* && pdfsig -dump "$pdf" > /dev/null 2>&1)
	check "$name: the CMS carries the intermediate CA" sh -c \
		"openssl cms -cmsout -print -inform DER -in '$T/document.pdf.sig0' | grep -q 'Test Intermediate CA'"
	check "$name: the CMS has signing-certificate-v2 and no signing-time (PAdES)" sh -c \
		"openssl cms -cmsout -print -inform DER -in '$T/document.pdf.sig0' > '$T/cms.txt' && grep -q signingCertificateV2 '$T/cms.txt' && ! grep -q signingTime '$T/cms.txt'"
	rm -f "$T"/document.pdf.sig*
done
stop_daemon
check "sohoad exits 0" test $? = 0
pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = 'a.png'")/document.pdf"
sum1=$(sha256sum "$pdf")
# A restart does not sign twice (repackaging would find it signed).
start_daemon
sleep 3
stop_daemon
check "a restart leaves the signed PDF as it was" test "$(sha256sum "$pdf")" = "$sum1"
check "one signature per record" test "$(sql "SELECT count(*) FROM events WHERE type = 'digital signature'")" = 2

# ---- 2. A key readable by others: refused, the daemon goes on unsigned. ----
rm -rf "$T/state" "$T/inbox" "$T/quarantine"
chmod 644 "$T/pki/agency.key"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"$AGENCY\"
sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem" write_conf
cp "$png" "$T/inbox/c.png"
start_daemon
check "the unsigned record is still done and packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
check "the log says the key is readable by others (Vietnamese, then English)" \
	grep -q "khóa ký .*agency.key cho phép người khác đọc.*is readable by others" "$T/daemon.log"
check "the log says documents will not be signed" grep -q "documents will NOT be signed" "$T/daemon.log"
pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = 'c.png'")/document.pdf"
check "its PDF carries no signature" sh -c "pdfsig '$pdf' 2>&1 | grep -q 'does not contain any signatures'"
stop_daemon
chmod 600 "$T/pki/agency.key"

# ---- 3. The key on a PKCS#11 token (SoftHSM2), the certificate from it. ----
MODULE=/usr/lib/softhsm/libsofthsm2.so
if [ -e "$MODULE" ] && command -v pkcs11-tool > /dev/null && command -v softhsm2-util > /dev/null; then
	rm -rf "$T/state" "$T/inbox" "$T/quarantine"
	mkdir -p "$T/tokens"
	export SOFTHSM2_CONF="$T/softhsm2.conf"
	echo "directories.tokendir = $T/tokens" > "$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label sohoa --pin 123456 --so-pin 654321 > /dev/null
	check "the key is imported into the token" pkcs11-tool --module "$MODULE" --login --pin 123456 \
		--write-object "$T/pki/agency.key" --type privkey --id 01 --label agency > /dev/null 2>&1
	check "the certificate is imported into the token" pkcs11-tool --module "$MODULE" --login --pin 123456 \
		--write-object "$T/pki/agency.pem" --type cert --id 01 --label agency > /dev/null 2>&1
	echo 123456 > "$T/pin" && chmod 600 "$T/pin"
	STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"$AGENCY\"
sign_key = \"pkcs11:token=sohoa;object=agency;type=private?module-path=$MODULE\"
sign_pin_file = $T/pin
sign_chain = $T/pki/inter.pem" write_conf
	cp "$tif" "$T/inbox/d.tif"
	start_daemon
	check "token: the record is packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
	pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = 'd.tif'")/document.pdf"
	check_signed d.tif "$pdf"
	check_package d.tif "$pdf"
	stop_daemon
	check "token: sohoad exits 0" test $? = 0
	unset SOFTHSM2_CONF
else
	fail "SoftHSM2 or pkcs11-tool missing (scripts/install-deps installs softhsm2 and opensc)"
fi

# ---- 4. PAdES B-T: with a TSA (over https), a signature timestamp. ----------
rm -rf "$T/state" "$T/inbox" "$T/quarantine"
mkdir -p "$T/tsa"
coproc TSA { exec $PY "$SOHOA_SRC/tests/tools/tsa_server.py" "$T/tsa" 0 --tls; }
read -r -t 30 _ tsa_port <&"${TSA[0]}"
check "the local TSA (https) is up" test -n "${tsa_port:-}"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"$AGENCY\"
agency_code = \"000.00.01.H26\"
sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem
sign_chain = $T/pki/inter.pem
tsa_url = https://127.0.0.1:${tsa_port:-1}/tsa
tsa_ca_file = $T/tsa/tls.pem" write_conf
cp "$png" "$T/inbox/e.png"
start_daemon
check "B-T: the record is packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
stop_daemon
pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = 'e.png'")/document.pdf"
check_signed e.png "$pdf"
(cd "$T" && rm -f document.pdf.sig* && pdfsig -dump "$pdf" > /dev/null 2>&1)
check "B-T: the CMS carries the TSA's timestamp token" sh -c \
	"openssl cms -cmsout -print -inform DER -in '$T/document.pdf.sig0' > '$T/cms.txt' && grep -q id-smime-aa-timeStampToken '$T/cms.txt' && grep -q 'sohoa test TSA' '$T/cms.txt'"
rm -f "$T"/document.pdf.sig*
check "B-T: the TSA was asked over https" test "$(wc -l < "$T/tsa/requests")" -ge 1
check "B-T: the signing event says PAdES-B-T with the timestamp's time" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'digital signature' AND outcome = 'success' AND detail LIKE '%PAdES-B-T%timestamp 20%Z'")" = 1

# ---- 5. PAdES B-LT: a local CA with an OCSP responder and a CRL, the DSS. ---
rm -rf "$T/state" "$T/inbox" "$T/quarantine"
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ocsp_port=$(free_port); crl_port=$(free_port)
# The intermediate CA expires two minutes from now: at the end, the B-LT
# PDF is checked again with its CA's certificate expired (a real clock).
inter_end=$(( $(date +%s) + 120 ))
"$SOHOA_SRC/tests/tools/lt_pki.sh" "$T/lt" "$ocsp_port" "$crl_port" \
	"$(date -u -d "@$inter_end" +%y%m%d%H%M%SZ)" "$AGENCY" || fail "the B-LT test PKI not made"
cat "$T/lt/inter.pem" "$T/lt/ca.pem" > "$T/lt/chain.pem"
cat "$T/lt/ca.pem" "$T/tsa/tsa.pem" > "$T/lt/trust.pem"
# start_ocsp: `openssl ocsp` answers for the intermediate's certificates
# (index inter-idx.txt); it serves one client at a time, so it is not
# probed: its log says when it listens.
start_ocsp() {
	(cd "$T/lt" && exec openssl ocsp -port "$ocsp_port" -index inter-idx.txt -CA inter.pem \
		-rsigner inter.pem -rkey inter.key > ocsp.log 2>&1) &
	OCSP_PID=$!
	wait_until 10 'grep -qi "waiting for OCSP client" "$T/lt/ocsp.log"'
}
check "the local OCSP responder is up" start_ocsp
$PY -m http.server "$crl_port" --bind 127.0.0.1 --directory "$T/lt/crl" > "$T/lt/http.log" 2>&1 &
HTTP_PID=$!
lt_conf() {
	STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"$AGENCY\"
agency_code = \"000.00.01.H26\"
sign_key = $T/lt/agency.key
sign_cert = $T/lt/agency.pem
sign_chain = $T/lt/chain.pem
tsa_url = https://127.0.0.1:${tsa_port:-1}/tsa
tsa_ca_file = $T/tsa/tls.pem
sign_lt = on
ocsp_timeout = 5" write_conf
}
lt_conf
check "sohoad -n accepts sign_lt and ocsp_timeout" sh -c "'$SOHOAD' -n > /dev/null"
cp "$T/sohoa.conf" "$T/good.conf"
printf 'sign_lt = maybe\nocsp_timeout = 0\n' >> "$T/sohoa.conf"
"$SOHOAD" -n > "$T/n.txt" 2>&1; rc=$?
check "sohoad -n refuses sign_lt = maybe and ocsp_timeout = 0" sh -c \
	"test $rc != 0 && grep -q sign_lt '$T/n.txt'"
cp "$T/good.conf" "$T/sohoa.conf"
cp "$png" "$T/inbox/f.png"
start_daemon
check "B-LT: the record is packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
stop_daemon
pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = 'f.png'")/document.pdf"
check_signed f.png "$pdf"
cp "$pdf" "$T/lt-signed.pdf"
check_package f.png "$pdf"
check "B-LT: the signing event says PAdES-B-LT with the timestamp's time" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'digital signature' AND outcome = 'success' AND detail LIKE '%PAdES-B-LT,%timestamp 20%Z' AND detail NOT LIKE '%LT:%'")" = 1
check "B-LT: the OCSP responder was asked" grep -q 'Received request' "$T/lt/ocsp.log"
check "B-LT: the CRL was fetched" grep -q 'GET /root.crl' "$T/lt/http.log"
# The DSS, read with qpdf: the chain (agency, intermediate, root) and the
# TSA; a good OCSP response for the agency, signed by its CA; the root's CRL.
check "B-LT: the DSS holds 4 certificates, 1 OCSP response, 1 CRL" sh -c \
	"$PY '$SOHOA_SRC/tests/tools/pdf_dss.py' '$pdf' '$T/dss' | grep -qx 'certs 4 ocsps 1 crls 1'"
check "B-LT: the DSS's OCSP response says good and verifies (openssl ocsp -respin)" sh -c \
	"openssl ocsp -respin '$T/dss/ocsp-0.der' -issuer '$T/lt/inter.pem' -cert '$T/lt/agency.pem' -CAfile '$T/lt/ca.pem' -no_nonce > '$T/ocsp.txt' 2>&1 && grep -q 'agency.pem: good' '$T/ocsp.txt' && grep -q 'Response verify OK' '$T/ocsp.txt'"
check "B-LT: the DSS's CRL is the root's" sh -c \
	"openssl crl -inform DER -in '$T/dss/crl-0.der' -noout -issuer | grep -q 'Test LT Root CA'"
# pdfsig (poppler 22.12 does not show the CMS's signature timestamp) lists
# the document timestamp as a signature of its own, by the TSA, with its time.
pdfsig "$pdf" > "$T/pdfsig-lt.txt" 2>&1
check "pdfsig names the document timestamp, by the TSA, with its time" sh -c \
	"grep -q 'Signature Field Name: DocTimeStamp' '$T/pdfsig-lt.txt' && grep -q 'Common Name: sohoa test TSA' '$T/pdfsig-lt.txt' && grep -q \"Signing Time: .* $(date -u +%Y) \" '$T/pdfsig-lt.txt' && ! grep -q 'Jan 01 1970' '$T/pdfsig-lt.txt'"
"$SOHOA" verify --ca "$T/lt/trust.pem" "$pdf" > "$T/verify-lt.txt" 2>&1; rc=$?
check "sohoa verify FILE.pdf: valid (exit 0)" test $rc = 0
check "sohoa verify reports the signature timestamp" grep -q 'signature timestamp): 20[0-9-]*T[0-9:]*Z' "$T/verify-lt.txt"
check "sohoa verify reports the LT data present and the signer's status good" sh -c \
	"grep -q 'LT data, DSS): có (present) — 4 chứng thư (certificates), 1 OCSP, 1 CRL' '$T/verify-lt.txt' && grep -q 'revocation): tốt (good, OCSP' '$T/verify-lt.txt' && grep -q 'level): B-LTA' '$T/verify-lt.txt'"
"$SOHOA" verify --json --ca "$T/lt/trust.pem" "$pdf" > "$T/verify-lt.json"
check "sohoa verify --json: B-LTA, good, judged at the timestamp" test \
	"$($PY -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], d["level"], d["revocation"], d["judged_at_timestamp"], d["dss"]["ocsps"])' < "$T/verify-lt.json")" = "True B-LTA good True 1"
ts=$($PY -c 'import json,sys; print(json.load(sys.stdin)["timestamp"])' < "$T/verify-lt.json")
# The CA's certificate expired (openssl's faked clock, -attime): the chain
# from the DSS is invalid ten years on, valid at the timestamp's time.
for c in "$T"/dss/cert-*.der; do openssl x509 -inform DER -in "$c"; done > "$T/dss.pem"
later=$(date -u -d '+10 years' +%s); at=$(date -u -d "$ts" +%s)
check "openssl -attime (10 years on): the intermediate CA has expired" sh -c \
	"openssl verify -attime $later -CAfile '$T/lt/ca.pem' -untrusted '$T/dss.pem' '$T/lt/agency.pem' 2>&1 | grep -q 'certificate has expired'"
check "openssl -attime (the timestamp's time): the chain from the DSS is valid" \
	sh -c "openssl verify -attime $at -CAfile '$T/lt/ca.pem' -untrusted '$T/dss.pem' '$T/lt/agency.pem' > /dev/null"
check "openssl -attime (the timestamp's time): the DSS's OCSP response verifies" sh -c \
	"openssl ocsp -respin '$T/dss/ocsp-0.der' -issuer '$T/lt/inter.pem' -cert '$T/lt/agency.pem' -CAfile '$T/lt/ca.pem' -no_nonce -attime $at 2>&1 | grep -q 'Response verify OK'"
# Revoked afterwards: the responder says revoked now; the PDF still
# verifies, from its DSS (the status at signing time), nothing fetched.
(cd "$T/lt" && openssl ca -config inter.cnf -cert inter.pem -keyfile inter.key -revoke agency.pem > revoke.log 2>&1)
kill "$OCSP_PID" 2>/dev/null; wait "$OCSP_PID" 2>/dev/null
check "the OCSP responder is back with the revocation" start_ocsp
check "a fresh OCSP query says revoked" sh -c \
	"openssl ocsp -issuer '$T/lt/inter.pem' -cert '$T/lt/agency.pem' -url http://127.0.0.1:$ocsp_port/ -CAfile '$T/lt/ca.pem' -no_nonce 2>&1 | grep -q 'agency.pem: revoked'"
kill "$OCSP_PID" "$HTTP_PID" 2>/dev/null; wait "$OCSP_PID" "$HTTP_PID" 2>/dev/null
"$SOHOA" verify --json --ca "$T/lt/trust.pem" "$pdf" > "$T/verify-lt2.json"; rc=$?
check "revoked afterwards: sohoa verify still says valid at signing (DSS: good)" test \
	"$rc $($PY -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], d["revocation"])' < "$T/verify-lt2.json")" = "0 True good"

# ---- 6. The responders unreachable: the log says so, signed B-T anyway. ----
rm -rf "$T/state" "$T/inbox" "$T/quarantine"
: > "$T/daemon.log"
lt_conf
cp "$png" "$T/inbox/g.png"
start_daemon
check "unreachable: the record is packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 1 ]'
stop_daemon
pdf="$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = 'g.png'")/document.pdf"
check "unreachable: the log says the OCSP responder did not answer (Vietnamese, then English)" \
	grep -q "signed PAdES-B-T: máy chủ OCSP http://127.0.0.1:$ocsp_port/ không trả lời.*did not answer" "$T/daemon.log"
check "unreachable: the event says B-T and why" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'digital signature' AND outcome = 'success' AND detail LIKE '%PAdES-B-T,%LT:%did not answer%'")" = 1
"$SOHOA" verify --ca "$T/lt/trust.pem" "$pdf" > "$T/verify-bt.txt" 2>&1
check "unreachable: sohoa verify says valid, no OCSP/CRL data, level B-T" sh -c \
	"grep -q 'HỢP LỆ (VALID)' '$T/verify-bt.txt' && grep -q 'no OCSP/CRL data in the PDF' '$T/verify-bt.txt' && grep -q 'level): B-T$' '$T/verify-bt.txt'"
kill "$TSA_PID" 2>/dev/null; wait "$TSA_PID" 2>/dev/null

# ---- 7. The CA's certificate expired: the B-LT PDF, from what it holds. ----
while [ "$(date +%s)" -le $((inter_end + 1)) ]; do sleep 1; done
check "the intermediate CA has now expired (openssl verify, no -attime)" sh -c \
	"openssl verify -CAfile '$T/lt/ca.pem' -untrusted '$T/dss.pem' '$T/lt/agency.pem' 2>&1 | grep -q 'certificate has expired'"
"$SOHOA" verify --json --ca "$T/lt/trust.pem" "$T/lt-signed.pdf" > "$T/verify-expired.json"; rc=$?
check "CA expired, responders gone: sohoa verify says valid, judged at the timestamp, B-LTA" test \
	"$rc $($PY -c 'import json,sys; d=json.load(sys.stdin); print(d["valid"], d["judged_at_timestamp"], d["revocation"], d["level"])' < "$T/verify-expired.json")" = "0 True True good B-LTA"
finish
