#!/bin/bash
# The pages of one document spread over idle OCR workers (ocr.h,
# "Spreading"), with the real sohoad and real scans:
#   1. a 4-page document (a folder of three page files: a 2-page TIFF, a
#      PNG and a JPEG) read by one worker (workers = 1) and then by two
#      (workers = 2): its ocr.out and hOCR are byte for byte the same, its
#      PDF too but for its dates and /ID; the ocr event says two workers
#      read it, and the workers' timing lines show two pages read at the
#      same time by two readers;
#   2. a document that arrives while a 6-page one holds both workers gets a
#      worker back at once (the pool asks for it): the 1-page document is
#      done before the 6-page one;
#   3. a lent worker killed (kill -9) in the middle of a spread job: the job
#      is done once, with every page, and nothing is quarantined;
#   4. the worker that runs a spread job's readers killed (kill -9): the
#      attempt fails, the document is redone whole after its back-off and
#      is done once, its pages not doubled.
. "$(dirname "$0")/lib.sh"
C="$TESTDATA/corpus"

# A document folder (tailieu.txt: name order) of the given corpus files.
make_folder() {
	local dir=$1 i=0 f; shift
	mkdir -p "$dir.tmp"
	for f in "$@"; do
		i=$((i + 1))
		cp "$C/$f" "$dir.tmp/$i-$f"
	done
	printf '# các trang theo thứ tự tên tệp\n' > "$dir.tmp/tailieu.txt"
	mv "$dir.tmp" "$dir"
}

# The spool copy of the only record named $1: its folder.
done_dir() {
	ls -d "$T/state/spool/done/$(sql "SELECT spool_id FROM records WHERE name = '$1'")"
}

# A PDF with its dates and its /ID (which depend on the time) blanked.
pdf_norm() {
	$PY - "$1" "$2" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
d = re.sub(rb'D:\d{14}[^)]*', b'D:0', d)
d = re.sub(rb'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^<]*', b'0', d)
d = re.sub(rb'/ID \[<[0-9a-fA-F]+><[0-9a-fA-F]+>\]', b'/ID []', d)
open(sys.argv[2], 'wb').write(d)
EOF
}

# ---- 1. one worker, then two: the same files ----
WORKERS=1 STABLE=1 write_conf
make_folder "$T/inbox/Tai lieu 4 trang" kh-128-2023.tif bc-031-2020.tif qd-172-2023.png
start_daemon
check "workers = 1: the 4-page document is done" wait_until 400 '[ "$(state_count done)" = 1 ]'
stop_daemon
name=$(sql "SELECT name FROM records")
check "one record of 4 pages" test "$(sql "SELECT page_count FROM records")" = 4
one=$(done_dir "$name")
mkdir -p "$T/one"
cp "$one/ocr.out" "$one/ocr.hocr" "$T/one/" && pdf_norm "$one/document.pdf" "$T/one/document.pdf"
check "workers = 1: the ocr event names no spreading" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'ocr' AND detail LIKE '%workers at once%'")" = 0

mv "$T/daemon.log" "$T/daemon-1.log"
rm -rf "$T/state" "$T/inbox"
WORKERS=2 STABLE=1 write_conf
make_folder "$T/inbox/Tai lieu 4 trang" kh-128-2023.tif bc-031-2020.tif qd-172-2023.png
export SOHOA_OCR_TIMING=1
start_daemon
check "workers = 2: the 4-page document is done" wait_until 400 '[ "$(state_count done)" = 1 ]'
two=$(done_dir "$name")
check "the ocr event says two workers read it" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'ocr' AND detail LIKE '4 page(s), %, read by 2 OCR workers at once'")" = 1
# "spread page P: reader R, read from A s to B s": two pages of different
# readers whose times overlap.
check "two pages read at the same time by two readers" $PY - "$T/daemon.log" <<'EOF'
import re, sys
spans = [(int(m[0]), int(m[1]), float(m[2]), float(m[3])) for m in re.findall(
    r'spread page (\d+): reader (\d+), read from ([0-9.]+) s to ([0-9.]+) s', open(sys.argv[1]).read())]
pages = sorted(s[0] for s in spans)
ok = pages == [1, 2, 3, 4] and any(a[1] != b[1] and a[2] < b[3] and b[2] < a[3]
                                    for a in spans for b in spans)
print("   ", spans)
sys.exit(0 if ok else 1)
EOF
check "ocr.out: the same bytes as with one worker" cmp "$T/one/ocr.out" "$two/ocr.out"
check "ocr.hocr: the same bytes as with one worker" cmp "$T/one/ocr.hocr" "$two/ocr.hocr"
pdf_norm "$two/document.pdf" "$T/two.pdf"
check "document.pdf: the same bytes but for its dates and /ID" cmp "$T/one/document.pdf" "$T/two.pdf"
check "the pages in order, page 1 from the TIFF, page 4 from the PNG" \
	test "$(sql "SELECT group_concat(page_no) FROM (SELECT page_no FROM pages ORDER BY page_no)")" = "1,2,3,4"

# ---- 2. a document that arrives meanwhile gets a worker back ----
make_folder "$T/inbox/Tai lieu 6 trang" kh-205-2024.tif ttr-188-2019.tif cv-127-2025.tif tb-048-2022.tif
check "the 6-page document is being read" \
	wait_until 60 '[ "$(sql "SELECT state FROM records WHERE name = '"'"'Tai lieu 6 trang'"'"'")" = active ]'
# Both workers hold it (the second one lent) until it gives one back.
sleep 1
cp "$C/qd-119-2022.tif" "$T/inbox/"
check "both documents done" wait_until 400 '[ "$(state_count done)" = 3 ]'
big=$(sql "SELECT id FROM records WHERE name = 'Tai lieu 6 trang'")
single=$(sql "SELECT id FROM records WHERE name = 'qd-119-2022.tif'")
# When each was read: its ocr event (the catalog's, in ms).
ocr_at() { sql "SELECT at FROM events WHERE record_id = $1 AND type = 'ocr'"; }
check "the 1-page document read before the 6-page one ($(ocr_at "$single") < $(ocr_at "$big"))" \
	test "$(sql "SELECT (SELECT at FROM events WHERE record_id = $single AND type = 'ocr')
		< (SELECT at FROM events WHERE record_id = $big AND type = 'ocr')")" = 1
check "the 6-page document: 6 pages" test "$(sql "SELECT page_count FROM records WHERE id = $big")" = 6

# ---- 3. a lent worker killed in the middle of a spread job ----
make_folder "$T/inbox/Tai lieu giet" gm-175-2026.png tb-178-2022.tif cv-203-2025.jpg kh-128-2023.tif
check "the next document is being read" \
	wait_until 60 '[ "$(sql "SELECT state FROM records WHERE name = '"'"'Tai lieu giet'"'"'")" = active ]'
sleep 1
# The worker with one thread is the lent one (the other reads in two).
lent=""
for p in $(pgrep -P "$DPID"); do
	[ "$(ls /proc/"$p"/task 2>/dev/null | wc -l)" = 1 ] && lent=$p
done
check "a lent worker to kill" test -n "$lent"
[ -n "$lent" ] && kill -9 "$lent"
check "the document is done once" wait_until 400 '[ "$(state_count done)" = 4 ]'
check "with its 5 pages" \
	test "$(sql "SELECT page_count FROM records WHERE name = 'Tai lieu giet'")" = 5
check "one ocr event for it" test "$(sql "SELECT count(*) FROM events e JOIN records r ON r.id = e.record_id WHERE r.name = 'Tai lieu giet' AND e.type = 'ocr'")" = 1
check "nothing quarantined" test "$(state_count quarantined)" = 0

# ---- 4. the worker that reads a spread job killed (kill -9) ----
make_folder "$T/inbox/Tai lieu chet" bb-025-2022.jpg ttr-188-2019.tif kh-205-2024.tif
check "the last document is being read" \
	wait_until 60 '[ "$(sql "SELECT state FROM records WHERE name = '"'"'Tai lieu chet'"'"'")" = active ]'
# The worker with two threads: it runs the job's readers.
reading=""
wait_until 60 'for p in $(pgrep -P "$DPID"); do [ "$(ls /proc/$p/task | wc -l)" -gt 1 ] && reading=$p; done; [ -n "$reading" ]'
check "the worker reading in two threads, to kill" test -n "$reading"
[ -n "$reading" ] && kill -9 "$reading"
# The attempt fails (RETRY), waits its back-off (30 s) and is redone whole.
check "the document is done after its retry" wait_until 500 '[ "$(state_count done)" = 5 ]'
check "once, with its 5 pages and one attempt counted" \
	test "$(sql "SELECT page_count || ' ' || attempts FROM records WHERE name = 'Tai lieu chet'")" = "5 1"
check "its pages not doubled" test "$(sql "SELECT count(*) FROM pages p JOIN records r ON r.id = p.record_id WHERE r.name = 'Tai lieu chet'")" = 5
check "one ocr event for it" test "$(sql "SELECT count(*) FROM events e JOIN records r ON r.id = e.record_id WHERE r.name = 'Tai lieu chet' AND e.type = 'ocr'")" = 1
check "nothing quarantined, the spool clean" \
	test "$(state_count quarantined) $(find "$T/state/spool/active" "$T/state/spool/incoming" "$T/state/spool/deferred" -mindepth 1 -maxdepth 1 | wc -l)" = "0 0"
check "the daemon stops cleanly" stop_daemon
finish
