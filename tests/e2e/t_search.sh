#!/bin/bash
# Search that staff can trust, end to end: the real sohoad OCRs the rendered
# corpus, then every document must be found by `sohoa search`
#   - by its số/ký hiệu as printed ("29/QĐ-UBND", a Công văn's "12/UBND-VX"),
#   - by two distinctive words of its trích yếu typed without diacritics,
#   - by a phrase of its body (from the ground truth, typed with diacritics).
# OCR noise can break a lookup; then this test fails and says which.  Also:
# the JSON contract, exit codes, hostile queries, and `sohoa reindex` giving
# the same results as the incremental index.
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf

n=0
for f in "$TESTDATA"/corpus/*; do cp "$f" "$T/inbox/"; n=$((n + 1)); done
start_daemon
check "all $n documents OCRed" wait_until 400 '[ "$(state_count done)" = "$n" ]'
# A record is done when its pages are stored; its fields and index entry
# follow in the next transaction (engine.c), so wait for that one too.
check "every record indexed, none queued" \
	wait_until 30 '[ "$(sql "SELECT (SELECT count(*) FROM docs_indexed) || '"'/'"' || (SELECT count(*) FROM docs_pending)")" = "$n/0" ]'
check "the index matches the catalog (FTS5 integrity-check)" "$SOHOA" reindex --check

# The lookups, from the ground truth: file, kind, query.
$PY - "$TESTDATA/corpus-truth" > "$T/lookups.tsv" <<'EOF'
import glob, json, os, re, sys, unicodedata

def fold(w):
    w = w.replace('đ', 'd').replace('Đ', 'D')
    return ''.join(c for c in unicodedata.normalize('NFD', w) if unicodedata.category(c) != 'Mn')

def words(s):
    return re.findall(r'\w+', s)

docs = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.json'))):
    d = json.load(open(path, encoding='utf-8'))
    docs.append(d)
# Document frequency of each folded word over the whole corpus.
df = {}
for d in docs:
    for w in set(fold(w).lower() for w in words(' '.join(d['text']))):
        df[w] = df.get(w, 0) + 1
for d in docs:
    f = d['fields']
    text = '\n'.join(d['text'])
    # 1. Số/ký hiệu exactly as printed on the document.
    print(f"{d['file']}\tnumber\t{f['codeNumber']}/{f['codeNotation']}")
    # 2. The two rarest words of the trích yếu (3 letters or more), folded.
    subj = [w for w in words(f['subject']) if len(w) >= 3 and not w.isdigit()]
    subj = sorted(set(subj), key=lambda w: (df.get(fold(w).lower(), 0), -len(w), w))[:2]
    print(f"{d['file']}\tsubject\t{' '.join(fold(w).lower() for w in subj)}")
    # 3. A phrase of four words from the body: the longest line after the
    #    trích yếu without digits, preferring one with the distinctive word.
    lines = text.split('\n')
    start = next((i for i, l in enumerate(lines) if l.startswith(('Căn cứ', 'Kính gửi', 'Thực hiện', 'Hôm nay', 'I.', 'Trân trọng'))), 8)
    body = [l for l in lines[start:] if not re.search(r'\d', l) and len(words(l)) >= 6
            and not l.startswith(('Nơi nhận', '-', 'TM.', 'KT.', 'TL.'))]
    dw = d.get('distinctive_word') or ''
    body.sort(key=lambda l: (dw not in l, -len(words(l))))
    ws = words(body[0])
    print(f"{d['file']}\tphrase\t\"{' '.join(ws[1:5])}\"")
EOF
check "lookups generated" test "$(wc -l < "$T/lookups.tsv")" = $((3 * n))

found=0; missed=0
while IFS=$'\t' read -r file kind q; do
	out=$("$SOHOA" search --json --limit 50 -- "$q" 2>>"$T/search.log")
	rank=$(printf '%s' "$out" | json "next((i + 1 for i, r in enumerate(d['results']) if r['name'] == '$file'), 0)" 2>/dev/null)
	if [ -n "$rank" ] && [ "$rank" != 0 ]; then
		found=$((found + 1)); ok "$kind '$q' finds $file (rank $rank)"
	else
		missed=$((missed + 1))
		fail "$kind '$q' does not find $file (got: $(printf '%s' "$out" | json "' '.join(r['name'] for r in d['results'][:5])" 2>/dev/null))"
	fi
done < "$T/lookups.tsv"
echo "   recall: $found of $((found + missed)) lookups"

# so: uses the extracted fields; checked when extraction filled them.
if [ "$(sql "SELECT count(*) FROM fields WHERE name = 'codeNumber'")" -gt 0 ]; then
	while IFS=$'\t' read -r file kind q; do
		[ "$kind" = number ] || continue
		has=$(sql "SELECT count(*) FROM fields f JOIN records r ON r.id = f.record_id WHERE r.name = '$file' AND f.name = 'codeNumber'")
		[ "$has" = 1 ] || continue
		got=$("$SOHOA" search --json -- "so:$q" | json "' '.join(r['name'] for r in d['results'])")
		case " $got " in *" $file "*) ok "so:$q finds $file" ;; *) fail "so:$q does not find $file (got: $got)" ;; esac
	done < "$T/lookups.tsv"
else
	echo "   skip so: filters (no codeNumber extracted by the daemon yet)"
fi

# The JSON contract.
q=$(sed -n '1s/^[^\t]*\tnumber\t//p' "$T/lookups.tsv")
"$SOHOA" search --json -- "$q" > "$T/one.json"; rc=$?
check "search with results exits 0" test $rc = 0
check "JSON has total and results with id, score, number, type, date, name, origin, snippet" \
	test "$(json "d['total'] >= 1 and all(k in d['results'][0] for k in ('id', 'score', 'number', 'type', 'date', 'name', 'origin', 'snippet'))" < "$T/one.json")" = True
check "matched words marked [ ] in the JSON snippet" \
	test "$(json "any('[' in r['snippet'] for r in d['results'])" < "$T/one.json")" = True
"$SOHOA" search -- "$q" > "$T/human.txt"; rc=$?
check "human output: numbered results in Vietnamese" grep -q "^1\. " "$T/human.txt"
check "human output: the record and its file" grep -q "Tài liệu số" "$T/human.txt"
# Exact and approximate: a word typed with diacritics that another word of
# the archive shares without them ("đất" / "đắt").  From the catalog's own
# text: which documents have that spelling and which only another one.
$PY - "$T/state/catalog.db" > "$T/variant.txt" <<'EOF'
import re, sqlite3, sys, unicodedata
db = sqlite3.connect(sys.argv[1])
def fold(w):
    w = w.replace('đ', 'd')
    return ''.join(c for c in unicodedata.normalize('NFD', w) if unicodedata.category(c) != 'Mn')
def marks(w):
    return ''.join(sorted(c for c in unicodedata.normalize('NFD', w) if unicodedata.category(c) == 'Mn')) + ('đ' if 'đ' in w else '')
docs = {}
for rid, text in db.execute("SELECT record_id, text FROM pages"):
    docs[rid] = docs.get(rid, '') + ' ' + (text or '')
for rid, value in db.execute("SELECT record_id, value FROM fields WHERE name IN ('subject',"
        " 'organName', 'codeNumber', 'codeNotation', 'tthcCode', 'keyword', 'description')"):
    docs[rid] = docs.get(rid, '') + ' ' + (value or '')
for rid, name in db.execute("SELECT id, (SELECT name FROM doc_types WHERE code = type_code) FROM docs_meta"):
    docs[rid] = docs.get(rid, '') + ' ' + (name or '')
forms = {}      # fold -> exact form -> records
for rid, text in docs.items():
    for w in re.findall(r'\w+', unicodedata.normalize('NFC', text).lower()):
        forms.setdefault(fold(w), {}).setdefault(w, set()).add(rid)
best = None
for f, ws in forms.items():
    if len(f) < 3 or len({marks(w) for w in ws}) != len(ws):
        continue        # a tone-placement pair (hòa/hoà) is one spelling
    for w, ids in ws.items():
        if w == f:
            continue
        other = set().union(*ws.values()) - ids
        if other and (best is None or min(len(ids), len(other)) > best[0]):
            best = (min(len(ids), len(other)), w, len(ids), len(other))
if best:
    print(best[1], best[2], best[3])
EOF
if read -r word nexact napprox < "$T/variant.txt"; then
	"$SOHOA" search --json --limit 1000 -- "$word" > "$T/variant.json"
	check "'$word': $nexact exact and $napprox approximate matches counted" \
		test "$(json "(d['exact_total'], d['approximate_total'], d['total'])" < "$T/variant.json")" = "($nexact, $napprox, $((nexact + napprox)))"
	check "'$word': every exact match before every approximate one, each marked" \
		test "$(json "[r['match'] for r in d['results']] == ['exact'] * $nexact + ['approximate'] * $napprox" < "$T/variant.json")" = True
	folded=$($PY -c "import sys, unicodedata; w = sys.argv[1].replace('đ', 'd'); print(''.join(c for c in unicodedata.normalize('NFD', w) if unicodedata.category(c) != 'Mn'))" "$word")
	check "'$folded' (typed without diacritics): all $((nexact + napprox)) exact" \
		test "$("$SOHOA" search --json --limit 1000 -- "$folded" | json "(d['exact_total'], d['approximate_total'], set(r['match'] for r in d['results']))")" = "($((nexact + napprox)), 0, {'exact'})"
	"$SOHOA" search --limit 1000 -- "$word" > "$T/variant.out"
	check "human output labels the $napprox approximate ones" \
		test "$(grep -c '(gần đúng / approximate)' "$T/variant.out")" = "$napprox"
	check "human output gives both counts" grep -q "$nexact đúng dấu, $napprox gần đúng" "$T/variant.out"
else
	fail "no word of the corpus has a spelling variant (cannot test approximate matches)"
fi
# loai: as people write it, and as the shell hands it over.
ids_of() { "$SOHOA" search --json --limit 1000 -- "$@" 2>/dev/null | json "sorted(r['id'] for r in d['results'])"; }
qd=$(ids_of 'loai:QĐ')
check "loai:QĐ finds the decisions" test "$qd" != "[]"
for form in loai:qd loai:QD loai:02 loai:quyet-dinh 'loai:"quyet dinh"' 'loai:"Quyết định"' 'loại:qđ'; do
	check "$form finds the same as loai:QĐ" test "$(ids_of "$form")" = "$qd"
done
check "\"loai:Quyết định\" as one argument finds the same" test "$(ids_of "loai:Quyết định")" = "$qd"
check "loai:CV finds the Công văn" test "$(ids_of loai:CV)" = "$(ids_of 'loai:"Công văn"')"
check "  and there is one" test "$(ids_of loai:CV)" != "[]"
"$SOHOA" search loai:Quyết định > /dev/null 2> "$T/split.err"; rc=$?
check "loai:Quyết định split by the shell exits 2" test $rc = 2
check "  and says how to quote it" grep -qF "sohoa search 'loai:\"Quyết định\"'" "$T/split.err"
check "  or how to write it without quotes" grep -qF "loai:quyet-dinh" "$T/split.err"
"$SOHOA" search loai:XYZ > /dev/null 2> "$T/xyz.err"; rc=$?
check "an unknown type exits 2 with the ways to write one" bash -c "test $rc = 2 && grep -qF 'loai:CV' '$T/xyz.err' && grep -qF \"'loai:\\\"Quyết định\\\"'\" '$T/xyz.err'"
"$SOHOA" search --json -- "xyzzyqwv" > /dev/null 2>&1; rc=$?
check "no result exits 1" test $rc = 1
"$SOHOA" search -- "-chỉ" > /dev/null 2> "$T/bad.err"; rc=$?
check "a query of negations only exits 2" test $rc = 2
check "with a Vietnamese message" grep -q "từ" "$T/bad.err"
"$SOHOA" search -- $'quy\xff\xfe' > /dev/null 2>&1; rc=$?
check "invalid UTF-8 exits 2" test $rc = 2
for hostile in '"' 'NEAR(' '*' "'; DROP TABLE records; --" 'loai:"' 'so:' "$(head -c 10240 /dev/zero | tr '\0' 'a')"; do
	"$SOHOA" search -- "$hostile" > /dev/null 2> "$T/hostile.err"; rc=$?
	check "hostile query '${hostile:0:20}' exits 0, 1 or 2" test $rc -le 2
	check "  without an SQL or FTS5 message" bash -c "! grep -qiE 'fts5|sqlite|syntax error' '$T/hostile.err'"
done
check "records intact after hostile queries" test "$(sql "SELECT count(*) FROM records")" = "$n"
"$SOHOA" search --limit 2 --page 2 --json -- "uy ban" > "$T/page2.json"; rc=$?
check "paging: page 2 of 2 per page" test "$(json "len(d['results']) <= 2 and d['total'] >= 3" < "$T/page2.json")" = True

# sohoa reindex gives what the daemon's incremental indexing gave.
for q in "quyet dinh" "ủy ban nhân dân" "$q"; do "$SOHOA" search --json --limit 50 -- "$q"; done > "$T/before.json" 2>/dev/null
"$SOHOA" reindex > "$T/reindex.out" 2>&1; rc=$?
check "sohoa reindex exits 0 while sohoad runs" test $rc = 0
check "sohoa reindex says what it did" grep -q "Đã lập chỉ mục lại $n hồ sơ" "$T/reindex.out"
check "no progress line when stderr is not a terminal" bash -c "! grep -q 'Đang lập chỉ mục' '$T/reindex.out'"
for q in "quyet dinh" "ủy ban nhân dân" "$q"; do "$SOHOA" search --json --limit 50 -- "$q"; done > "$T/after.json" 2>/dev/null
check "reindex gives the same results" cmp -s "$T/before.json" "$T/after.json"
check "the index still matches the catalog" "$SOHOA" reindex --check

stop_daemon
check "catalog integrity" test "$(sql "PRAGMA integrity_check")" = ok
finish
