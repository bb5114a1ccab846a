#!/bin/bash
# Taken only when finished (issue 14, item 2): the cases a real scanner and
# a slow copy made go wrong, reproduced against the real sohoad.
#   A. a TIFF copied in two parts with a 9 s pause (the writer closes the
#      file between the parts; only its content says it is cut short);
#   B. a whole TIFF held open for writing 8 s before it is closed (only the
#      open descriptor says it is not finished: a read lease is refused);
#   C. a document folder without a page list, scanned page by page with
#      15 and 20 s between pages (folder_stable_delay);
#   D. a document folder whose tailieu.txt lists three pages, written 20 s
#      apart (the missing pages are waited for, incomplete_grace);
#   E. a PNG cut short that never completes: quarantined as truncated, but
#      not before incomplete_grace.
# Checked: each of A-D makes exactly one record, done, with every byte and
# every page (A's hash is the whole file's; C and D have 3 pages), none of
# them is taken early (the inbox still holds them while they are written),
# nothing is quarantined but E, and E waits its grace time first.
. "$(dirname "$0")/lib.sh"
STABLE=2 GRACE=30 FOLDER_STABLE=25 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"" write_conf

# sohoad -n checks the two keys (and says which).
"$SOHOAD" -n > "$T/n-good.out" 2>&1
check "sohoad -n: the test's configuration is OK" test $? = 0
cp "$T/sohoa.conf" "$T/good.conf"
for bad in "incomplete_grace = -1" "incomplete_grace = soon" "folder_stable_delay = 86401"; do
	{ grep -v "^${bad%% *} " "$T/good.conf"; echo "$bad"; } > "$T/sohoa.conf"
	"$SOHOAD" -n > "$T/n-bad.out" 2>&1; rc=$?
	check "sohoad -n refuses '$bad' (exit $rc), naming the key" sh -c "[ $rc != 0 ] && grep -q '${bad%% *}' '$T/n-bad.out'"
done
cp "$T/good.conf" "$T/sohoa.conf"

tifs=($(ls "$TESTDATA"/corpus/*.tif | head -2))
png=$(ls "$TESTDATA"/corpus/*.png | head -1)
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render" --truth "$T/truth" --count 2 --seed 77 \
	--formats png --pages 3 > "$T/render.log" 2>&1 || fail "render the page files"
mapfile -t P < <(ls "$T/render"/*.png)
check "two TIFFs, a PNG and six page files to hand" test ${#tifs[@]} = 2 -a ${#P[@]} = 6 -a -n "$png"
sizeA=$(stat -c %s "${tifs[0]}")
halfA=$((sizeA / 2))
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

start_daemon
sleep 1
t0=$(date +%s)

# A: two parts, 9 s apart.
( head -c $halfA "${tifs[0]}" > "$T/inbox/hai-phan.tif"
  sleep 9
  tail -c +$((halfA + 1)) "${tifs[0]}" >> "$T/inbox/hai-phan.tif" ) &
PA=$!
# B: written whole, held open 8 s.
$PY - "${tifs[1]}" "$T/inbox/giu-mo.tif" <<'EOPY' &
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(data)
    f.flush()
    time.sleep(8)
EOPY
PB=$!
# C: no list; pages at 0, 15 and 35 s.
mkdir -p "$T/inbox/quet-tung-trang"
: > "$T/inbox/quet-tung-trang/tailieu.txt"
( cp "${P[0]}" "$T/inbox/quet-tung-trang/scan0001.png" && sleep 15 &&
  cp "${P[1]}" "$T/inbox/quet-tung-trang/scan0002.png" && sleep 20 &&
  cp "${P[2]}" "$T/inbox/quet-tung-trang/scan0003.png" ) > "$T/copyC.log" 2>&1 &
PC=$!
# D: a list of three; pages at 0, 20 and 40 s.
mkdir -p "$T/inbox/co-danh-sach"
printf 'p1.png\np2.png\np3.png\n' > "$T/inbox/co-danh-sach/tailieu.txt"
( cp "${P[3]}" "$T/inbox/co-danh-sach/p1.png" && sleep 20 &&
  cp "${P[4]}" "$T/inbox/co-danh-sach/p2.png" && sleep 20 &&
  cp "${P[5]}" "$T/inbox/co-danh-sach/p3.png" ) > "$T/copyD.log" 2>&1 &
PD=$!
# E: cut short for good.
head -c $(( $(stat -c %s "$png") / 2 )) "$png" > "$T/inbox/cut.png"

# While they are written, nothing of them is taken.
sleep 7
check "A (first part only, closed) is not taken after 7 s" test -e "$T/inbox/hai-phan.tif"
check "B (whole, still open) is not taken after 7 s" test -e "$T/inbox/giu-mo.tif"
check "no record yet for A or B" test "$(sql "SELECT count(*) FROM records WHERE name IN ('hai-phan.tif','giu-mo.tif')")" = 0
wait $PB
sleep 12
check "E (cut short) still waits after ~19 s of its 30 s grace" test -e "$T/inbox/cut.png"
wait $PA
check "A's copy succeeded whole" test "$(sha_of "$T/inbox/hai-phan.tif" 2>/dev/null || echo taken)" = "$(sha_of "${tifs[0]}")" -o ! -e "$T/inbox/hai-phan.tif"
sleep 10
check "C (no list) is not taken between its pages (~29 s)" test -e "$T/inbox/quet-tung-trang/scan0001.png"
check "D (list of 3) is not taken with 2 pages (~29 s)" test -e "$T/inbox/co-danh-sach/p1.png"
wait $PC; rcC=$?
wait $PD; rcD=$?
check "every page of C was copied (the folder was still there)" test $rcC = 0
check "every page of D was copied" test $rcD = 0

wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state IN (\"done\",\"quarantined\")")" = 5 ]' \
	|| fail "five records done or quarantined in time"
stop_daemon

check "five records in all (one each, no duplicate)" test "$(sql "SELECT count(*) FROM records")" = 5
rec() { sql "SELECT state || '|' || ifnull(page_count,'') || '|' || ifnull(hash,'') || '|' || ifnull(reason,'') FROM records WHERE name = '$1'"; }
IFS='|' read -r st pages hash reason <<< "$(rec hai-phan.tif)"
check "A: done" test "$st" = done
check "A: the record's hash is the whole file's" test "$hash" = "sha256:$(sha_of "${tifs[0]}")"
IFS='|' read -r st pages hash reason <<< "$(rec giu-mo.tif)"
check "B: done, the whole file" test "$st|$hash" = "done|sha256:$(sha_of "${tifs[1]}")"
IFS='|' read -r st pages hash reason <<< "$(rec quet-tung-trang)"
check "C: one record with its 3 pages, done" test "$st|$pages" = "done|3"
IFS='|' read -r st pages hash reason <<< "$(rec co-danh-sach)"
check "D: one record with its 3 pages, done" test "$st|$pages" = "done|3"
IFS='|' read -r st pages hash reason <<< "$(rec cut.png)"
check "E: quarantined as truncated" test "$st|$reason" = "quarantined|truncated"
check "only E in the quarantine" test "$(state_count quarantined)" = 1
check "the inbox is empty" test -z "$(find "$T/inbox" -mindepth 1 -print -quit)"
check "the daemon said why it waited (open for writing, ends early, no list)" sh -c \
	"grep -q 'still open for writing' '$T/daemon.log' && grep -q 'ends early' '$T/daemon.log' && grep -q 'lists no pages' '$T/daemon.log'"
finish
