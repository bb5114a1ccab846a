#!/bin/bash
# Description and packages: fields read from the page, hồ sơ values from a
# folder's hoso.txt, a TT 05/2025 AIP per record that validates (METS 1.12.1
# and the project's XSDs) with checksums that match, `sohoa check` finding a
# one-byte change, `sohoa edit` keeping the old value and re-packaging, and a
# probable duplicate by content flagged, not merged.
. "$(dirname "$0")/lib.sh"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"" write_conf
mkdir -p "$T/inbox/ho-so-dat-dai"
cat > "$T/inbox/ho-so-dat-dai/hoso.txt" <<'EOH'
# Hồ sơ do văn thư ghi
Mã hồ sơ: 000.00.01.H26.2024.01
Tiêu đề hồ sơ: Hồ sơ quyết định về đất đai năm 2024
Thời hạn bảo quản: 70 năm
Chế độ sử dụng: Công khai
Mã hồ sơ gốc giấy: H26.K1/G2/H3.15
EOH
for f in $(ls "$TESTDATA"/corpus/*.tif | head -3); do cp "$f" "$T/inbox/ho-so-dat-dai/"; done
for f in $(ls "$TESTDATA"/corpus/*.png | head -2); do cp "$f" "$T/inbox/"; done
# The same document rendered twice in two formats: different bytes, same
# organ, year, số and ký hiệu.
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/twin1" --truth "$T/twin1t" --count 1 --seed 78 --formats png --pages 1 >/dev/null
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/twin2" --truth "$T/twin2t" --count 1 --seed 78 --formats tiff-g4 --pages 1 >/dev/null
cp "$T"/twin1/*.png "$T/inbox/twin-a.png"; cp "$T"/twin2/*.tif "$T/inbox/twin-b.tif"
n=7
start_daemon
check "all $n records packaged" wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'done'"' AND packaged_at IS NOT NULL")" = "$n" ]'
check "hoso.txt stays in the inbox" test -e "$T/inbox/ho-so-dat-dai/hoso.txt"

for id in $(sql "SELECT id FROM records WHERE state = 'done'"); do
	pkg=$("$SOHOA" show --package "$id")
	[ -d "$pkg" ] || { fail "record $id: no package folder ($pkg)"; continue; }
	xmllint --nonet --noout --schema /work/shared/reference-schemas/mets.xsd "$pkg/METS.xml" 2>/dev/null \
		|| xmllint --nonet --noout --schema "$SOHOA_SRC/schemas/xml/mets.xsd" "$pkg/METS.xml" 2>/dev/null \
		&& ok "record $id: METS.xml validates against METS 1.12.1" || fail "record $id: METS.xml invalid"
	for x in EAD EAD_doc; do
		xmllint --nonet --noout --schema "$SOHOA_SRC/schemas/xml/$x.xsd" "$pkg/metadata/descriptive/$x.xml" 2>/dev/null \
			|| fail "record $id: $x.xml invalid"
	done
	# Every file's CHECKSUM in METS equals sha256sum of the file.
	bad=$($PY - "$pkg" <<'PYEOF'
import hashlib, os, sys, xml.etree.ElementTree as ET
pkg = sys.argv[1]
ns = {'m': 'http://www.loc.gov/METS/', 'x': 'http://www.w3.org/1999/xlink'}
t = ET.parse(os.path.join(pkg, 'METS.xml'))
bad = 0
for f in t.iter('{http://www.loc.gov/METS/}file'):
    loc = f.find('m:FLocat', ns).get('{http://www.w3.org/1999/xlink}href')
    data = open(os.path.join(pkg, loc), 'rb').read()
    if hashlib.sha256(data).hexdigest() != f.get('CHECKSUM').lower() or len(data) != int(f.get('SIZE')):
        bad += 1; print(loc, file=sys.stderr)
print(bad)
PYEOF
)
	check "record $id: METS checksums match the files" test "$bad" = 0
	"$SOHOA" check "$id" > /dev/null
	check "record $id: sohoa check passes" test $? = 0
done

# Fields read from the page, under their TT 05 names.
id=$(sql "SELECT id FROM records WHERE origin = 'ho-so-dat-dai' ORDER BY id LIMIT 1")
name=$(sql "SELECT name FROM records WHERE id = $id")
truth="$TESTDATA/corpus-truth/${name%.*}.json"
for fld in codeNumber codeNotation issuedDate typeName; do
	want=$(json "d['fields']['$fld']" < "$truth")
	got=$("$SOHOA" show --json "$id" | json "d['fields'].get('$fld', {}).get('value')")
	check "$name: $fld read from the page ($want)" test "$got" = "$want"
done
check "fields carry source and confidence" test "$("$SOHOA" show --json "$id" | json "all(f['source'] == 'ocr' and 0 < f['confidence'] <= 1 for f in d['fields'].values())")" = True
pkg=$("$SOHOA" show --package "$id")
check "hoso.txt title in EAD.xml" grep -q "Hồ sơ quyết định về đất đai năm 2024" "$pkg/metadata/descriptive/EAD.xml"
check "hoso.txt maintenance as its code (02 = 70 năm)" grep -q "<maintenance>02</maintenance>" "$pkg/metadata/descriptive/EAD.xml"
check "docCode from the hồ sơ code" grep -q "<docCode>000.00.01.H26.2024.01.000000" "$pkg/metadata/descriptive/EAD_doc.xml"
check "PREMIS has the events" grep -q "message digest calculation" "$pkg/metadata/preservation/PREMIS.xml"
check "AIP OBJID uses the fonds code" grep -q 'OBJID="urn:VB01:uuid:' "$pkg/METS.xml"

# sohoa edit: a person's correction, the old value kept in an event, re-packaged.
old_hash=$(sql "SELECT package_mets_hash FROM records WHERE id = $id")
"$SOHOA" edit "$id" "subject=Về việc sửa đổi trích yếu để kiểm tra" > /dev/null
check "edit exits 0" test $? = 0
check "edited field has source person" test "$("$SOHOA" show --json "$id" | json "d['fields']['subject']['source']")" = person
check "edit event keeps the old value" test "$(sql "SELECT count(*) FROM events WHERE record_id = $id AND type = 'metadata modification' AND detail LIKE 'subject: %->%'")" = 1
check "package rewritten" test "$(sql "SELECT package_mets_hash FROM records WHERE id = $id")" != "$old_hash"
check "new subject in EAD_doc.xml" grep -q "sửa đổi trích yếu để kiểm tra" "$pkg/metadata/descriptive/EAD_doc.xml"
"$SOHOA" check "$id" > /dev/null
check "rewritten package checks" test $? = 0
check "rewritten METS keeps its CREATEDATE and has a LASTMODDATE (CSIP8)" \
	sh -c "grep -q 'LASTMODDATE=' '$pkg/METS.xml' && test \"\$(grep -o 'CREATEDATE=\"[^\"]*\"' '$pkg/METS.xml')\" != \"\$(grep -o 'LASTMODDATE=\"[^\"]*\"' '$pkg/METS.xml' | sed 's/LASTMOD/CREATE/')\""

# The hồ sơ's EAD (rewritten above, all three documents done): counts and
# dates computed from its documents, paperFileCode from hoso.txt.
ead="$pkg/metadata/descriptive/EAD.xml"
pages=$(sql "SELECT sum(page_count) FROM records WHERE origin = 'ho-so-dat-dai' AND state = 'done'")
first=$(sql "SELECT strftime('%d/%m/%Y', min(value)) FROM fields f JOIN records r ON r.id = f.record_id WHERE r.origin = 'ho-so-dat-dai' AND f.name = 'issuedDate'")
last=$(sql "SELECT strftime('%d/%m/%Y', max(value)) FROM fields f JOIN records r ON r.id = f.record_id WHERE r.origin = 'ho-so-dat-dai' AND f.name = 'issuedDate'")
check "EAD totalDoc = 3" grep -q "<totalDoc>3</totalDoc>" "$ead"
check "EAD numberOfPage = the documents' pages ($pages)" grep -q "<numberOfPage>$pages</numberOfPage>" "$ead"
check "EAD numberOfPaper ($pages)" grep -q "<numberOfPaper>$pages</numberOfPaper>" "$ead"
check "EAD startDate = the earliest issuedDate ($first)" grep -q "<startDate>$first</startDate>" "$ead"
check "EAD endDate = the latest issuedDate ($last)" grep -q "<endDate>$last</endDate>" "$ead"
check "EAD paperFileCode from hoso.txt" grep -q "<paperFileCode>H26.K1/G2/H3.15</paperFileCode>" "$ead"
# docCode: one per document of the hồ sơ, numbered by record (pickup) order
# whatever order OCR finished in.
codes=""
for rid in $(sql "SELECT id FROM records WHERE origin = 'ho-so-dat-dai' AND state = 'done' ORDER BY id"); do
	codes="$codes $(grep -o '<docCode>[^<]*' "$("$SOHOA" show --package "$rid")/metadata/descriptive/EAD_doc.xml" | sed 's/<docCode>//')"
done
check "docCodes .0000001-.0000003 in record order (got$codes)" \
	test "$codes" = " 000.00.01.H26.2024.01.0000001 000.00.01.H26.2024.01.0000002 000.00.01.H26.2024.01.0000003"
# A loose document (no folder, no hoso.txt) is a hồ sơ of its own: a code
# in TT 05's form (agency.year.TL<record>), its docCode, its counts.
lid=$(sql "SELECT id FROM records WHERE origin = '' AND state = 'done' ORDER BY id LIMIT 1")
lpkg=$("$SOHOA" show --package "$lid")
year=$(sql "SELECT substr(created_at, 1, 4) FROM records WHERE id = $lid")
lcode=$(printf '000.00.01.H26.%s.TL%07d' "$year" "$lid")
check "loose document: arcFileCode $lcode" grep -q "<arcFileCode>$lcode</arcFileCode>" "$lpkg/metadata/descriptive/EAD.xml"
check "loose document: docCode $lcode.0000001" grep -q "<docCode>$lcode.0000001</docCode>" "$lpkg/metadata/descriptive/EAD_doc.xml"
check "loose document: totalDoc 1" grep -q "<totalDoc>1</totalDoc>" "$lpkg/metadata/descriptive/EAD.xml"
"$SOHOA" edit "$id" "issuedDate=31/02/2024" > /dev/null 2>&1
check "an impossible date is refused (exit 2)" test $? = 2
"$SOHOA" edit "$id" "typeName=Quyết định" > /dev/null
check "typeName given by name becomes its code" test "$("$SOHOA" show --json "$id" | json "d['fields']['typeName']['value']")" = 02
# Vietnamese field names, as a văn thư knows them: any case, with or without
# diacritics, composed or decomposed; loại by abbreviation.
nfd_name=$($PY -c "import unicodedata; print(unicodedata.normalize('NFD', 'ghi chú'))")
"$SOHOA" edit "$id" "người ký=Nguyễn Văn Bình" "TỪ KHÓA=đê điều; thủy lợi" "$nfd_name=Bản sao lưu kho xã" "Trich yeu=Về việc nạo vét kênh mương" "loại=CV" > "$T/edit-vi.out"; rc=$?
check "edit with Vietnamese field names exits 0" test $rc = 0
fields=$("$SOHOA" show --json "$id" | json "'|'.join(d['fields'][k]['value'] for k in ('signerName', 'keyword', 'description', 'subject', 'typeName'))")
check "  each one set the TT 05 field" test "$fields" = "Nguyễn Văn Bình|đê điều; thủy lợi|Bản sao lưu kho xã|Về việc nạo vét kênh mương|22"
check "  the output names the field both ways" grep -q "Người ký (signerName): " "$T/edit-vi.out"
check "  the event names the TT 05 field" test "$(sql "SELECT count(*) FROM events WHERE record_id = $id AND type = 'metadata modification' AND detail LIKE 'signerName: %'")" = 1
check "  the keyword is in EAD_doc.xml" grep -q "đê điều; thủy lợi" "$pkg/metadata/descriptive/EAD_doc.xml"
# Từ khóa and ghi chú are searchable, at once.
check "the keyword finds the document" test "$("$SOHOA" search --json -- "thuy loi" | json "[r['id'] for r in d['results']]")" = "[$id]"
check "the note finds the document" test "$("$SOHOA" search --json -- "\"bản sao lưu kho\"" | json "[r['id'] for r in d['results']]")" = "[$id]"
check "loai:CV finds the Công văn" bash -c "'$SOHOA' search --json -- loai:cv | grep -q '\"id\": $id,'"
"$SOHOA" edit "$id" "tác giả=X" > /dev/null 2> "$T/edit-bad.err"; rc=$?
check "an unknown field name exits 2" test $rc = 2
check "  with a message naming the help" grep -q 'không có trường "tác giả"; xem "sohoa edit --help"' "$T/edit-bad.err"
"$SOHOA" edit "$id" "loai=XYZ" > /dev/null 2>&1
check "an unknown type is refused (exit 2)" test $? = 2
"$SOHOA" edit "$id" "typeName=02" > /dev/null

# One byte changed in the package is found.
orig=$(ls "$pkg"/representations/rep1/data/* | head -1)
chmod u+w "$orig"
$PY -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2] ^= 1; open(p,'wb').write(b)" "$orig"
out=$("$SOHOA" check "$id"); rc=$?
check "a flipped byte makes check exit 1" test $rc = 1
case "$out" in *"$(basename "$orig")"*) ok "check names the damaged file" ;; *) fail "check output: $out" ;; esac

# Probable duplicate by content: flagged and linked, not merged.
a=$(sql "SELECT id FROM records WHERE name = 'twin-a.png'"); b=$(sql "SELECT id FROM records WHERE name = 'twin-b.tif'")
check "both twins recorded (not merged)" test -n "$a" -a -n "$b"
check "the later twin is flagged as a probable duplicate of the earlier" test "$(sql "SELECT coalesce(probable_duplicate_of, 0) FROM records WHERE id = max($a, $b)")" = "$(( a < b ? a : b ))"
later=$(( a > b ? a : b ))
lp=$("$SOHOA" show --package "$later")
check "the later twin's package carries the duplicate event" \
	grep -q "<premis:eventType>duplicate</premis:eventType>" "$lp/metadata/preservation/PREMIS.xml"
check "the later twin's package still checks" "$SOHOA" check "$later"
stop_daemon
finish
