#!/bin/bash
# The monthly signed export bundle: real scans through sohoad (one hồ sơ
# folder of two documents, one loose document), a throwaway CA and agency
# certificate made with the openssl command, then `sohoa export`:
# the PDFs signed on the way, one zipped SIP per hồ sơ, the tar with its
# MANIFEST.sha256 and the detached CMS signature, checked with the tools the
# city archive would use (openssl cms -verify, bsdtar, unzip -t, sha256sum -c,
# xmllint against METS 1.12.1, pdfsig); byte-identical when exported again;
# `sohoa verify` naming the member when any one byte of any member, or of the
# signature, is flipped; a failing upload_command leaving the month not
# exported; a corrected record going out again the next month; the ledger in
# `sohoa exports`; no signing key, no export.
. "$(dirname "$0")/lib.sh"

# ---- a throwaway CA and the agency's key and certificate -------------------
make_test_pki other

BASE_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\""
SIGN_CONF="sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem
outbox = $T/outbox"

# ---- records: scanned and packaged by sohoad, PDFs not signed yet ----------
STABLE=1 EXTRA_CONF="$BASE_CONF" write_conf
mkdir -p "$T/inbox/ho-so-dat-dai"
cat > "$T/inbox/ho-so-dat-dai/hoso.txt" <<'EOH'
Mã hồ sơ: 000.00.01.H26.2024.01
Tiêu đề hồ sơ: Hồ sơ quyết định về đất đai năm 2024
Thời hạn bảo quản: 70 năm
EOH
for f in $(ls "$TESTDATA"/corpus/*.tif | head -2); do cp "$f" "$T/inbox/ho-so-dat-dai/"; done
for f in $(ls "$TESTDATA"/corpus/*.png | head -1); do cp "$f" "$T/inbox/"; done
start_daemon
check "3 records packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = 3 ]'
stop_daemon
npdf=$(ls "$T"/state/spool/done/*/document.pdf 2>/dev/null | wc -l)
check "each record has its PDF/A ($npdf)" test "$npdf" = 3
MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
NEXT=$(TZ=Asia/Ho_Chi_Minh date -d "$(date +%Y-%m-15) +1 month" +%Y-%m)
B="sohoa-000.00.01.H26-$MONTH.tar"
# The export's test clock (SOHOA_TEST_NOW, export.h): noon on the 1st of
# the month after NEXT, so that MONTH and NEXT are closed months here.  The
# open month itself is tried at the end, on the real clock.
CLOSED_NOW=$(date -d "$(TZ=Asia/Ho_Chi_Minh date -d "$(date +%Y-%m-15) +2 month" +%Y-%m)-01 12:00 +07:00" +%s)
export SOHOA_TEST_NOW=$CLOSED_NOW

# ---- no signing key: no export ---------------------------------------------
"$SOHOA" export --month "$MONTH" > "$T/nosign.out" 2>&1; rc=$?
check "without sign_key export refuses (exit 5)" test $rc = 5
check "... and says why" grep -q "sign_key" "$T/nosign.out"
check "... and writes nothing" test ! -e "$T/outbox/$B"
"$SOHOA" export --month 2025-13 > /dev/null 2>&1
check "a month that does not exist is a usage error (exit 2)" test $? = 2

# ---- upload fails: bundle signed, month not exported ------------------------
STABLE=1 EXTRA_CONF="$BASE_CONF
$SIGN_CONF
upload_command = \"exit 3\"" write_conf
"$SOHOA" export --json --month "$MONTH" > "$T/e1.json" 2> "$T/e1.err"; rc=$?
check "failing upload_command: exit 1" test $rc = 1
check "... the bundle is in the outbox" test -s "$T/outbox/$B"
check "... with its signature" test -s "$T/outbox/$B.p7s"
check "... 3 PDFs were signed on the way" test "$(json "d['pdfs_signed']" < "$T/e1.json")" = 3
check "... 3 records in 2 SIPs" test "$(json "(d['records'], d['sips'])" < "$T/e1.json")" = "(3, 2)"
check "... the month is not marked exported" test "$("$SOHOA" exports --json | json "[b['exported'] for b in d['bundles']]")" = "[None]"
check "... the ledger keeps why" test "$("$SOHOA" exports --json | json "d['bundles'][0]['upload_error']")" = "upload_command exited with status 3"
check "PDFs in the spool are signed now" test "$(for p in "$T"/state/spool/done/*/document.pdf; do pdfsig "$p" 2>/dev/null | grep -c "Signature #1"; done | sort -u)" = 1
check "every AIP still checks after re-packaging" "$SOHOA" check $(sql "SELECT id FROM records") > /dev/null

# ---- upload succeeds --------------------------------------------------------
mkdir -p "$T/uploaded"
cat > "$T/upload.sh" <<EOU
#!/bin/sh
[ "\$1" = "\$SOHOA_BUNDLE" ] || exit 9
[ -s "\$1.p7s" ] || exit 8
cp "\$1" "\$1.p7s" "$T/uploaded/"
echo "uploaded \$1"
EOU
chmod +x "$T/upload.sh"
STABLE=1 EXTRA_CONF="$BASE_CONF
$SIGN_CONF
upload_command = $T/upload.sh \"\$1\"" write_conf
"$SOHOA" export --json --month "$MONTH" > "$T/e2.json" 2> "$T/e2.err"; rc=$?
check "export with a working upload_command: exit 0" test $rc = 0
check "... its --json output stays JSON (the command's output goes to stderr)" test "$(json "d['uploaded']" < "$T/e2.json")" = True
check "... which shows the command's output" grep -q "^uploaded " "$T/e2.err"
check "... upload_command got the bundle and its signature" test -s "$T/uploaded/$B" -a -s "$T/uploaded/$B.p7s"
check "... the month is marked exported" test "$("$SOHOA" exports --json | json "d['bundles'][-1]['exported'] is not None and d['bundles'][-1]['uploaded'] is not None")" = True
check "... no PDF signed twice" test "$(json "d['pdfs_signed']" < "$T/e2.json")" = 0
check "the second bundle equals the first (reproducible)" cmp -s "$T/uploaded/$B" "$T/outbox/$B"
"$SOHOA" exports > "$T/exports.out"
check "sohoa exports lists the month" grep -q "$MONTH" "$T/exports.out"
"$SOHOA" export --json --month "$MONTH" > "$T/e3.json"; rc=$?
check "exporting an exported month again does nothing (exit 0)" test $rc = 0 -a "$(json "d['already_exported']" < "$T/e3.json")" = True

# ---- reproducible: --force into another outbox gives the same bytes ---------
mkdir -p "$T/outbox2"
"$SOHOA" export --month "$MONTH" --force --outbox "$T/outbox2" > /dev/null 2>&1
check "export --force into another outbox: same bytes (cmp)" cmp "$T/outbox/$B" "$T/outbox2/$B"

# ---- what the city archive would run ----------------------------------------
check "openssl cms -verify with the CA" openssl cms -verify -binary -inform DER -in "$T/outbox/$B.p7s" \
	-content "$T/outbox/$B" -CAfile "$T/pki/ca.pem" -out /dev/null
openssl cms -verify -binary -inform DER -in "$T/outbox/$B.p7s" -content "$T/outbox/$B" \
	-CAfile "$T/pki/other.pem" -out /dev/null > /dev/null 2>&1
check "openssl cms -verify with another CA fails" test $? != 0
members=$(bsdtar -tf "$T/outbox/$B")
check "bsdtar lists MANIFEST.sha256 first" test "$(echo "$members" | head -1)" = MANIFEST.sha256
check "bsdtar lists 2 SIP zips" test "$(echo "$members" | grep -c '^uuid-[0-9A-F-]*\.zip$')" = 2
check "tar members: mode 0444, uid/gid 0" test "$(bsdtar -tvf "$T/outbox/$B" | awk '{print $1, $3, $4}' | sort -u)" = "-r--r--r-- 0 0"
mkdir -p "$T/x" && (cd "$T/x" && tar -xf "$T/outbox/$B")
check "sha256sum -c MANIFEST.sha256" sh -c "cd '$T/x' && sha256sum --quiet -c MANIFEST.sha256"
for z in "$T"/x/*.zip; do
	zn=$(basename "$z" .zip)
	check "unzip -t $zn.zip" unzip -tq "$z"
	(cd "$T/x" && unzip -q "$z")
	check "$zn: METS.xml validates (METS 1.12.1)" xmllint --nonet --noout --schema "$SOHOA_SRC/schemas/xml/mets.xsd" "$T/x/$zn/METS.xml"
	check "$zn: OBJID is the zip's name" grep -q "OBJID=\"$zn\"" "$T/x/$zn/METS.xml"
	check "$zn: a SIP" grep -q 'csip:OAISPACKAGETYPE="SIP"' "$T/x/$zn/METS.xml"
	for x in "$T/x/$zn"/metadata/descriptive/EAD_doc*.xml; do
		check "$zn: $(basename "$x") validates" xmllint --nonet --noout --schema "$SOHOA_SRC/schemas/xml/EAD_doc.xsd" "$x"
	done
	for p in "$T/x/$zn"/representations/rep1/data/*.pdf; do
		check "$zn: pdfsig: $(basename "$p") signature valid" sh -c "pdfsig '$p' 2>&1 | grep -q 'Signature Validation: Signature is Valid'"
	done
done
hoso_zip=$(grep -l "EAD_doc-" "$T"/x/uuid-*/METS.xml | head -1)
check "the hồ sơ's SIP holds both documents" test -n "$hoso_zip" -a "$(ls "$(dirname "$hoso_zip")"/metadata/descriptive/EAD_doc-*.xml 2>/dev/null | wc -l)" = 2
check "the hồ sơ's SIP is labelled with its title" grep -q 'LABEL="Hồ sơ quyết định về đất đai năm 2024"' "$hoso_zip"
# TT 05's two shapes: the AIPs call the hồ sơ's code arcFileCode and give
# each document its docOrdinal; the SIPs sent say fileCode and docCode.
hdir=$(dirname "$hoso_zip")
check "the hồ sơ's SIP: EAD.xml has fileCode" grep -q "<fileCode>000.00.01.H26.2024.01</fileCode>" "$hdir/metadata/descriptive/EAD.xml"
check "... EAD_doc files have fileCode and docCode, no arcFileCode or docOrdinal" sh -c "
	for f in '$hdir'/metadata/descriptive/EAD_doc-*.xml; do
		grep -q '<fileCode>000.00.01.H26.2024.01</fileCode>' \"\$f\" && grep -q '<docCode>000.00.01.H26.2024.01.000000[12]</docCode>' \"\$f\" || exit 1
	done
	! grep -rqE 'arcFileCode|docOrdinal' '$hdir/metadata/descriptive'"
aip=$("$SOHOA" show --package "$(sql "SELECT id FROM records WHERE origin = 'ho-so-dat-dai' ORDER BY id LIMIT 1")")
check "... while the AIP has arcFileCode and docOrdinal" sh -c "grep -q '<arcFileCode>000.00.01.H26.2024.01</arcFileCode>' '$aip/metadata/descriptive/EAD_doc.xml' && grep -q '<docOrdinal>1</docOrdinal>' '$aip/metadata/descriptive/EAD_doc.xml' && grep -q '<arcFileCode>' '$aip/metadata/descriptive/EAD.xml'"

# ---- sohoa verify -----------------------------------------------------------
"$SOHOA" verify --ca "$T/pki/ca.pem" "$T/outbox/$B" > "$T/v.out" 2>&1; rc=$?
check "sohoa verify --ca: valid (exit 0)" test $rc = 0
check "... says so" grep -q "KẾT QUẢ (RESULT): HỢP LỆ (VALID)" "$T/v.out"
check "... checked 3 PDF signatures" grep -q "3/3 PDF" "$T/v.out"
"$SOHOA" verify --json "$T/outbox/$B" > "$T/v.json"; rc=$?
check "sohoa verify without --ca: valid, chain not checked" test $rc = 0 -a "$(json "(d['valid'], d['signature']['chain_checked'])" < "$T/v.json")" = "(True, False)"
"$SOHOA" verify --ca "$T/pki/other.pem" "$T/outbox/$B" > "$T/vo.out" 2>&1
check "sohoa verify --ca with another CA: invalid (exit 1)" test $? = 1
# The same without a catalog or configuration: a bundle from elsewhere.
(cd "$T" && SOHOA_CONF=/nonexistent/none.conf "$SOHOA" -c /dev/null verify "$T/uploaded/$B" > "$T/vn.out" 2>&1)
check "sohoa verify works without a catalog or configuration" test $? = 0

# One byte flipped in each member in turn, then in the signature.
offsets=$($PY - "$T/outbox/$B" <<'PYEOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        print(m.name, m.offset_data + m.size // 2)
PYEOF
)
flip() { $PY -c "import sys; p=sys.argv[1]; o=int(sys.argv[2]); b=bytearray(open(p,'rb').read()); b[o] ^= 0x20; open(p,'wb').write(b)" "$1" "$2"; }
while read -r name off; do
	cp "$T/outbox/$B" "$T/bad.tar"
	flip "$T/bad.tar" "$off"
	"$SOHOA" verify --ca "$T/pki/ca.pem" --sig "$T/outbox/$B.p7s" "$T/bad.tar" > "$T/bad.out" 2>&1; rc=$?
	check "one byte flipped in $name: verify fails (exit 1)" test $rc = 1
	check "... and names $name" grep -q "^  $name\|^  .*$name: " "$T/bad.out"
	check "... and the signature no longer verifies" grep -q "signature does not verify" "$T/bad.out"
done <<< "$offsets"
cp "$T/outbox/$B" "$T/sig.tar"
cp "$T/outbox/$B.p7s" "$T/sig.tar.p7s"
flip "$T/sig.tar.p7s" $(( $(stat -c %s "$T/sig.tar.p7s") / 2 ))
"$SOHOA" verify --ca "$T/pki/ca.pem" "$T/sig.tar" > "$T/sig.out" 2>&1; rc=$?
check "one byte flipped in the .p7s: verify fails (exit 1)" test $rc = 1
check "... and names the .p7s" grep -q "sig.tar.p7s: " "$T/sig.out"
rm -f "$T/sig.tar.p7s"
"$SOHOA" verify "$T/sig.tar" > "$T/nosig.out" 2>&1
check "a bundle without its signature is invalid" test $? = 1

# ---- a correction goes out again the next month; nothing else does ----------
id=$(sql "SELECT id FROM records WHERE origin = '' LIMIT 1")
"$SOHOA" edit "$id" "subject=Về việc sửa trích yếu sau khi đã xuất" > /dev/null
"$SOHOA" export --json --month "$NEXT" > "$T/e4.json" 2> "$T/e4.err"; rc=$?
check "next month: exit 0" test $rc = 0
check "next month carries only the corrected record" test "$(json "(d['records'], d['sips'])" < "$T/e4.json")" = "(1, 1)"
check "the ledger has the new version of record $id" test "$(sql "SELECT m.mets_hash = r.package_mets_hash FROM export_members m JOIN export_bundles b ON b.id = m.bundle_id JOIN records r ON r.id = m.record_id WHERE b.month = '$NEXT'")" = 1
"$SOHOA" verify --ca "$T/pki/ca.pem" "$T/outbox/sohoa-000.00.01.H26-$NEXT.tar" > /dev/null 2>&1
check "next month's bundle verifies" test $? = 0
check "no export left temp files in the outbox" test -z "$(ls -A "$T/outbox" | grep -v '^sohoa-.*\.tar\(\.p7s\)\?$' | grep -v '^\.sohoa-export\.lock$')"
# ---- the open month: refused without --force, no time in the future ---------
unset SOHOA_TEST_NOW
STABLE=1 EXTRA_CONF="$BASE_CONF
$SIGN_CONF" write_conf
"$SOHOA" export --month "$MONTH" --outbox "$T/open" > "$T/open1.out" 2> "$T/open1.err"; rc=$?
check "the open month without --force: refused (exit 2)" test $rc = 2
check "... says to use --force" grep -q -- "--force" "$T/open1.err"
check "... and writes nothing" test ! -e "$T/open/$B"
"$SOHOA" export --month "$MONTH" --force --outbox "$T/open" > "$T/open2.out" 2> "$T/open2.err"; rc=$?
check "the open month with --force: exported (exit 0)" test $rc = 0 -a -s "$T/open/$B" -a -s "$T/open/$B.p7s"
NOW=$(date +%s)
check "no tar member time lies in the future" test "$($PY -c "import sys, tarfile; print(max(m.mtime for m in tarfile.open(sys.argv[1])))" "$T/open/$B")" -le "$NOW"
mkdir -p "$T/open/tarx"
tar -xf "$T/open/$B" -C "$T/open/tarx" > "$T/open/tar.out" 2>&1
check "tar -xf gives no warning (no 'in the future')" test ! -s "$T/open/tar.out"
(cd "$T/open/tarx" && for z in uuid-*.zip; do unzip -q "$z"; done)
check "METS dates in the open month's bundle are not in the future" $PY - "$NOW" "$T"/open/tarx/uuid-*/METS.xml <<'PYEOF'
import re, sys, datetime
now = int(sys.argv[1])
dates = []
for p in sys.argv[2:]:
    dates += re.findall(r'CREATEDATE="([^"]+)"', open(p, encoding='utf-8').read())
late = [d for d in dates if datetime.datetime.fromisoformat(d).timestamp() > now]
print(len(dates), 'dates, in the future:', late, file=sys.stderr)
sys.exit(1 if late or not dates else 0)
PYEOF

# ---- the receiver's steps, run as the README writes them --------------------
mkdir -p "$T/recv"
cp "$T/open/$B" "$T/recv/X.tar"
cp "$T/open/$B.p7s" "$T/recv/X.tar.p7s"
cp "$T/pki/ca.pem" "$T/recv/agency-ca.pem"
awk '/^\*\*Checking a bundle without sohoa\*\*/ { on = 1; next }
	on && /^```sh$/ { inblock = 1; next }
	inblock && /^```$/ { exit }
	inblock { print }' "$SOHOA_SRC/README.md" > "$T/recv/steps.sh"
check "the README's receiver steps found ($(wc -l < "$T/recv/steps.sh") lines, a pdfsig loop)" grep -q 'for p in .*pdfsig' "$T/recv/steps.sh"
(cd "$T/recv" && bash -e "$T/recv/steps.sh") > "$T/recv/out" 2>&1; rc=$?
check "the README's receiver steps run as written (exit 0)" test $rc = 0
check "... openssl says the signature verifies" grep -q "Verification successful\|CMS Verification successful" "$T/recv/out"
check "... sha256sum -c: no FAILED line" sh -c "grep -q ': OK\$' '$T/recv/out' && ! grep -q FAILED '$T/recv/out'"
npdf=$(ls "$T"/recv/x/uuid-*/representations/*/data/*.pdf 2>/dev/null | wc -l)
check "... pdfsig checked every PDF ($npdf): each signature valid" test "$npdf" -ge 2 -a "$(grep -c 'Signature is Valid' "$T/recv/out")" = "$npdf"
check "... xmllint validates every METS" test "$(grep -c 'validates$' "$T/recv/out")" = "$(ls -d "$T"/recv/x/uuid-*/ | wc -l)"

check "no sanitizer report from sohoa" sh -c "! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' '$T'/*.out '$T'/*.err '$T'/*.json"
finish
