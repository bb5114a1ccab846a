#!/bin/bash
# Every input kind reaches done WITH a package, and goes out in the month's
# export (issue 14, item 1).  The real sohoad takes one scan of each kind
# rendered with its truth: a bilevel TIFF (G4), a multi-page TIFF, a PNG, a
# JPEG, an image-only PDF, a PDF with a text layer, and a document folder
# (two PNG pages and a tailieu.txt).
# Checked, for each: the record is done, has a package (package_path and
# packaged_at), 'sohoa check' re-validates it, check-eark finds no ERROR in
# the packages (finish()), and 'sohoa export' of the month puts its docId in
# the bundle's SIPs (unpacked, every SIP's METS and files searched); the
# export counts as many records as are done.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/pki"
(
	cd "$T/pki" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout agency.key -out agency.pem -days 30 \
		-subj "/C=VN/O=UBND xa Van Binh/CN=UBND xa Van Binh" \
		-addext "keyUsage=critical,digitalSignature,nonRepudiation"
	chmod 600 agency.key
) > "$T/pki.log" 2>&1 || { fail "openssl could not make the test key"; cat "$T/pki.log"; finish; }

STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"
fonds_code = \"VB01\"
sign_key = $T/pki/agency.key
sign_cert = $T/pki/agency.pem
outbox = $T/outbox" write_conf

# One document per kind, rendered; the folder's pages apart.
KINDS="tiff-g4 tiff-multipage png jpeg pdf-image pdf-text"
i=0
for k in $KINDS; do
	i=$((i + 1))
	pages=1; [ "$k" = tiff-multipage ] && pages=2
	$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render/$k" --truth "$T/truth/$k" --count 1 \
		--seed $((400 + i)) --formats "$k" --pages $pages > "$T/render-$k.log" 2>&1 \
		|| fail "render a $k scan"
done
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render/folder" --truth "$T/truth/folder" --count 1 \
	--seed 420 --formats png --pages 2 > "$T/render-folder.log" 2>&1 || fail "render the folder's pages"
check "the renderer made one file per kind and two pages" test \
	"$(find "$T/render" -type f | wc -l)" = 8

declare -A NAME
for k in $KINDS; do
	f=$(ls "$T/render/$k" | head -1)
	ext=${f##*.}
	cp "$T/render/$k/$f" "$T/inbox/kind-$k.$ext"
	NAME[$k]="kind-$k.$ext"
done
mkdir -p "$T/inbox/kind-folder"
n=0
for f in $(ls "$T/render/folder"); do
	n=$((n + 1))
	cp "$T/render/folder/$f" "$T/inbox/kind-folder/trang-$n.png"
done
printf 'trang-1.png\ntrang-2.png\n' > "$T/inbox/kind-folder/tailieu.txt"
NAME[folder]="kind-folder"

start_daemon
wait_until 400 '[ "$(sql "SELECT count(*) FROM records WHERE state IN (\"done\",\"quarantined\",\"failed\") AND (state <> \"done\" OR packaged_at IS NOT NULL)")" = 7 ]' \
	|| fail "seven records done and packaged (or given up) in time"
stop_daemon

check "seven records, none quarantined" test "$(sql "SELECT count(*) FROM records")/$(state_count quarantined)" = 7/0
for k in $KINDS folder; do
	name=${NAME[$k]}
	row=$(sql "SELECT id || '|' || state || '|' || ifnull(doc_id,'') || '|' || (package_path IS NOT NULL AND packaged_at IS NOT NULL) || '|' || page_count FROM records WHERE name = '${name%.*}' OR name = '$name'")
	IFS='|' read -r id state docid packaged pages <<< "$row"
	check "$k ($name): done" test "$state" = done
	check "$k: has a package (package_path, packaged_at)" test "$packaged" = 1
	check "$k: has a docId" test -n "$docid"
	case $k in tiff-multipage|folder) check "$k: 2 pages" test "$pages" = 2 ;; esac
	# A PDF's original and its PDF/A copy are both in the package, under
	# two names.
	case $k in pdf-*)
		pp=$(sql "SELECT package_path FROM records WHERE id = ${id:-0}")
		case $pp in /*) ;; *) pp="$T/state/aip/$pp" ;; esac
		npdf=$(find "$pp" -type f -name '*.pdf' 2>/dev/null | wc -l)
		nnames=$(find "$pp" -type f -name '*.pdf' -printf '%f\n' 2>/dev/null | sort -u | wc -l)
		check "$k: its package holds the original PDF and the PDF/A, named apart ($npdf PDFs, $nnames names)" \
			test "$npdf" -ge 2 -a "$nnames" = "$npdf" ;;
	esac
	if [ -n "$id" ]; then
		"$SOHOA" check "$id" > "$T/check-$k.out" 2>&1
		check "$k: sohoa check re-validates its package (exit 0)" test $? = 0
	fi
	eval "DOC_$(echo "$k" | tr - _)=\$docid"
done

MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
"$SOHOA" export --json --month "$MONTH" > "$T/export.json" 2> "$T/export.err"; rc=$?
if [ $rc != 0 ]; then
	# The open month may need --force (issue 14, item 7).
	"$SOHOA" export --json --force --month "$MONTH" > "$T/export.json" 2> "$T/export.err"; rc=$?
fi
check "sohoa export of $MONTH exits 0" test $rc = 0
check "the export counts the 7 records done" test "$(json "d['records']" < "$T/export.json" 2>/dev/null)" = 7
B=$(ls "$T"/outbox/sohoa-*-"$MONTH".tar 2>/dev/null | head -1)
mkdir -p "$T/x"
(cd "$T/x" && tar -xf "$B" && for z in *.zip; do unzip -q -o "$z" -d "${z%.zip}"; done) > /dev/null 2>&1
for k in $KINDS folder; do
	v="DOC_$(echo "$k" | tr - _)"
	d=${!v}
	check "$k: its docId $d is in the month's bundle" sh -c "[ -n '$d' ] && grep -rqF -- '$d' '$T/x'"
done
finish
