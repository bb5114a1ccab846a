#!/bin/bash
# Whoever can write to the inbox share cannot reach past it (issue 16): the
# real daemon against the attacks a hostile PC on the share can make.
#  - a folder (and a document folder) swapped for a link to the state dir
#    between candidate and take, and while a file (and a document folder)
#    is being copied; the file itself swapped for a link in the middle of
#    its copy: driven deterministically with the daemon's test hold points
#    (SOHOA_TEST_PAUSE, lib/fsutil.c): the daemon stops at the point, the
#    test swaps, then lets it go on;
#  - hoso.txt as a FIFO and as a link to /dev/zero, tailieu.txt as a link to
#    /dev/zero: the daemon keeps answering and other files are still taken;
#  - names that run a command when a suggested line is pasted, names with
#    terminal escapes, a 245-byte name, a name of 90 invalid bytes;
#  - links and FIFOs in the inbox and inside a document folder;
#  - a TIFF of 2001 tiny pages (the page count was quadratic).
# Each: nothing outside the inbox touched (the state dir's catalog.db and a
# sentinel keep their inode and bytes), the daemon keeps serving, and every
# file has a reason.
. "$(dirname "$0")/lib.sh"
# Packages are written: the hồ sơ sidecar is read for them.
STABLE=1 RESCAN=3 WORKERS=1 LOGLEVEL=debug EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml" \
	write_conf
mkdir -p "$T/state" "$T/quarantine" "$T/outside" "$T/pause" "$T/cwd"
# Distinct scans (byte-identical ones would be duplicates).
pngs=($(ls "$TESTDATA"/corpus/*.png)); jpgs=($(ls "$TESTDATA"/corpus/*.jpg))
tifs=($(ls "$TESTDATA"/corpus/*.tif))
export SOHOA_TEST_PAUSE_DIR="$T/pause"

# What lies outside the inbox, to prove it untouched at the end.
cp "${tifs[0]}" "$T/outside/secret.tif"
echo "state sentinel" > "$T/state/sentinel.bin"
mkdir -p "$T/victim" && cp "${tifs[6]}" "$T/victim/p1.tif" && cp "${tifs[7]}" "$T/victim/p2.tif"
printf 'p1.tif\np2.tif\n' > "$T/victim/tailieu.txt"
fingerprint() {     # inode and SHA-256 of each file outside the inbox we guard
	for f in "$T/outside/secret.tif" "$T/state/sentinel.bin" "$T/victim/p1.tif" \
	    "$T/victim/p2.tif" "$T/victim/tailieu.txt"; do
		echo "$(stat -c %i "$f" 2>/dev/null) $(sha256sum < "$f" 2>/dev/null) $f"
	done
}
start_with() { SOHOA_TEST_PAUSE="$1" "$SOHOAD" -f >> "$T/daemon.log" 2>&1 & DPID=$!; }
wait_point() { wait_until 60 "[ -e '$T/pause/$1.reached' ]"; }
go_on() { touch "$T/pause/$1.go"; }
status_age() { echo $(( $(date +%s) - $(stat -c %Y "$T/state/status") )); }
done_named() { sql "SELECT count(*) FROM records WHERE name = '$1' AND state = 'done'"; }

# ---- 1. the folder swapped for a link between candidate and take ----------
start_with take
check "daemon started" wait_until 60 "[ -e '$T/state/catalog.db' ] && [ -e '$T/state/status' ]"
cat_ino=$(stat -c %i "$T/state/catalog.db")
before=$(fingerprint)
mkdir -p "$T/inbox/y.tmp"
echo "not the catalog" > "$T/inbox/y.tmp/catalog.db"
echo "not the sentinel" > "$T/inbox/y.tmp/sentinel.bin"
check "take: the daemon holds at the take of a y.tmp file" wait_point take
mv "$T/inbox/y.tmp" "$T/inbox/.y-old"
ln -s "$T/state" "$T/inbox/y.tmp"          # a junk name: no rival candidate
go_on take
check "take: the candidate behind a link is dropped, never followed" \
	wait_until 30 "grep -q 'no longer in the inbox' '$T/daemon.log'"
sleep 3
check "take: catalog.db still in the state dir, same inode" \
	test "$(stat -c %i "$T/state/catalog.db")" = "$cat_ino"
check "take: the state dir's files untouched" test "$(fingerprint)" = "$before"
check "take: nothing of the state dir in the quarantine" \
	test -z "$(ls "$T/quarantine" | grep -E 'catalog|sentinel')"
check "take: no record of the state dir's files" \
	test "$(sql "SELECT count(*) FROM records WHERE name IN ('catalog.db', 'sentinel.bin')")" = 0
rm "$T/inbox/y.tmp"
# A document folder swapped for a link to another one between candidate and take.
rm -f "$T/pause/take.done"
mkdir -p "$T/inbox/doc2"
printf 'p1.tif\n' > "$T/inbox/doc2/tailieu.txt"
cp "${tifs[5]}" "$T/inbox/doc2/p1.tif"
check "take: the daemon holds at the take of a document folder" wait_point take
grep -q "^doc2$" "$T/pause/take.reached" || fail "take: held at doc2 (held at $(cat "$T/pause/take.reached"))"
mv "$T/inbox/doc2" "$T/inbox/.doc2-old"
ln -s "$T/victim" "$T/inbox/doc2"
go_on take
check "take: the folder that became a link is recorded and removed, with a reason" \
	wait_until 30 "[ ! -L '$T/inbox/doc2' ] && [ -e '$T/quarantine/doc2.ly-do.txt' ]"
check "take: the folder behind the link is untouched, nothing of it quarantined" \
	test "$(fingerprint)" = "$before" -a ! -e "$T/quarantine/doc2" -a ! -L "$T/quarantine/doc2"
stop_daemon

# ---- 2. swapped while a file, then a document folder, is being copied -----
rm -f "$T/pause/"*
touch "$T/pause/copying.done"               # armed later
start_with copied,copying
mkdir -p "$T/inbox/z"
echo "inbox bytes" > "$T/inbox/z/sentinel.bin"
check "copy: the daemon holds between copy and removal" wait_point copied
mv "$T/inbox/z" "$T/inbox/z-moved"
ln -s "$T/state" "$T/inbox/z"
go_on copied
check "copy: the file copied is the one removed (in the folder moved)" \
	wait_until 30 "[ ! -e '$T/inbox/z-moved/sentinel.bin' ]"
check "copy: the state dir's sentinel is untouched" test "$(fingerprint)" = "$before"
inbox_hash=$(echo "inbox bytes" | sha256sum | cut -c1-64)
check "copy: the record is the inbox file" wait_until 60 \
	'[ "$(sql "SELECT count(*) FROM records WHERE name = '"'sentinel.bin'"' AND hash = '"'sha256:$inbox_hash'"'")" = 1 ]'
check "copy: the link left in its place is recorded and removed, with a reason" \
	wait_until 30 "[ -e '$T/quarantine/z.ly-do.txt' ] && [ ! -L '$T/inbox/z' ]"
check "copy: the link is not carried into the quarantine" test ! -L "$T/quarantine/z"
check "copy: the state dir is still where it was" test -d "$T/state" -a ! -L "$T/state"
# A document folder, swapped while its pages are copied.
rm -f "$T/pause/copied.done"
mkdir -p "$T/inbox/doc"
printf 'p1.tif\np2.tif\n' > "$T/inbox/doc/tailieu.txt"
cp "${tifs[2]}" "$T/inbox/doc/p1.tif"; cp "${tifs[3]}" "$T/inbox/doc/p2.tif"
check "folder: the daemon holds between copy and removal" wait_point copied
grep -q "^doc$" "$T/pause/copied.reached" || fail "folder: held at doc (held at $(cat "$T/pause/copied.reached"))"
mv "$T/inbox/doc" "$T/inbox/doc-moved"
ln -s "$T/victim" "$T/inbox/doc"
go_on copied
check "folder: the pages copied are the ones removed" \
	wait_until 30 "[ ! -e '$T/inbox/doc-moved/p1.tif' ] && [ ! -e '$T/inbox/doc-moved/p2.tif' ]"
check "folder: the victim folder behind the link is untouched" test "$(fingerprint)" = "$before"
check "folder: the document is OCRed" wait_until 180 '[ "$(done_named doc)" = 1 ]'
check "folder: the link named doc is recorded and removed, with a reason" \
	wait_until 30 "[ ! -L '$T/inbox/doc' ] && [ -e '$T/quarantine/doc.ly-do.txt' ]"
# The file itself swapped for a link to the state dir's sentinel while it
# is being copied: the copy reads the file opened, the link is not removed
# in its place as if it were the file, then is recorded as a link.
rm -f "$T/pause/copying.done"
echo "inbox bytes 2" > "$T/inbox/s.bin"
check "file: the daemon holds in the middle of the copy" wait_point copying
mv "$T/inbox/s.bin" "$T/inbox/.s-old"
ln -s "$T/state/sentinel.bin" "$T/inbox/s.bin"
go_on copying
s_hash=$(echo "inbox bytes 2" | sha256sum | cut -c1-64)
check "file: the record holds the bytes of the file opened" wait_until 60 \
	'[ "$(sql "SELECT count(*) FROM records WHERE name = '"'s.bin'"' AND hash = '"'sha256:$s_hash'"'")" = 1 ]'
check "file: the link is recorded and removed, both with a reason" wait_until 60 \
	'[ "$(sql "SELECT count(*) FROM records WHERE name = '"'s.bin'"' AND state = '"'quarantined'"' AND quarantine_published = 1")" = 2 ] && [ ! -L "$T/inbox/s.bin" ]'
check "file: the link's target is untouched" test "$(fingerprint)" = "$before"
stop_daemon

# ---- 3. FIFO and /dev/zero sidecars; links and FIFOs; names; 2001 pages ----
rm -f "$T/pause/"*
mkdir -p "$T/inbox/hs1" "$T/inbox/hs2" "$T/inbox/tl" "$T/inbox/docl"
mkfifo "$T/inbox/hs1/hoso.txt"
ln -s /dev/zero "$T/inbox/hs2/hoso.txt"
ln -s /dev/zero "$T/inbox/tl/tailieu.txt"
cp "${pngs[0]}" "$T/inbox/hs1/a.png"
cp "${jpgs[0]}" "$T/inbox/hs2/b.jpg"
cp "${pngs[1]}" "$T/inbox/tl/c.png"
# A document folder one of whose pages is a link out of the inbox.
printf 'p1.tif\np2.tif\n' > "$T/inbox/docl/tailieu.txt"
cp "${tifs[4]}" "$T/inbox/docl/p1.tif"
ln -s "$T/outside/secret.tif" "$T/inbox/docl/p2.tif"
mkfifo "$T/inbox/docl/fifo"
# Links and FIFOs at the top.
ln -s "$T/outside/secret.tif" "$T/inbox/link.tif"
ln -s /etc/shadow "$T/inbox/shadow.tif"
mkfifo "$T/inbox/pipe.tif"
# Names.
inj="\$(id>PWNED)\"; \`id\` it's.png"
esc=$(printf 'bell\a\033]0;owned\a\033[2J.png')
long=$(printf 'a%.0s' $(seq 241)).png
bad=$(printf '\xff%.0s' $(seq 90)).png
i=0; for n in "$inj" "$esc" "$long" "$bad"; do i=$((i + 1)); echo "no scan $i" > "$T/inbox/$n"; done
# A TIFF of 2001 tiny pages, one over max_pages.
$PY - "$T/inbox/many.tif" <<'PYEOF'
import sys
from PIL import Image
pages = [Image.new('1', (8, 8), 1) for _ in range(2001)]
pages[0].save(sys.argv[1], save_all=True, append_images=pages[1:], compression='group4')
PYEOF
echo "   (many.tif: $(stat -c %s "$T/inbox/many.tif") bytes, 2001 pages)"
t0=$(date +%s)
start_with ""
check "sidecars: the scan beside a FIFO hoso.txt is OCRed" wait_until 240 '[ "$(done_named a.png)" = 1 ]'
check "sidecars: the scan beside a /dev/zero hoso.txt is OCRed" wait_until 240 '[ "$(done_named b.jpg)" = 1 ]'
check "sidecars: the scan beside a /dev/zero tailieu.txt is OCRed" wait_until 240 '[ "$(done_named c.png)" = 1 ]'
check "sidecars: the status file is kept fresh" test "$(status_age)" -lt 40
check "sidecars: 'sohoa status' answers" "$SOHOA" status > "$T/status.out" 2>&1
check "sidecars: the FIFO hoso.txt is a validation warning, not a hang" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'validation' AND detail LIKE '%hoso.txt is not a regular file%'")" -ge 1
check "sidecars: the /dev/zero link is a validation warning, never read" \
	test "$(sql "SELECT count(*) FROM events WHERE type = 'validation' AND detail LIKE '%hoso.txt is a symbolic link%'")" -ge 1
rss=$(awk '/VmRSS/ {print $2}' /proc/$DPID/status)
check "sidecars: the daemon did not swell ($((rss / 1024)) MiB resident)" test "$rss" -lt 1048576
check "tiff: 2001 pages refused as too large" \
	wait_until 120 '[ "$(sql "SELECT reason FROM records WHERE name = '"'many.tif'"'")" = too-large ]'
echo "   (many.tif refused $(( $(date +%s) - t0 )) s after start, OCR of three scans included)"
grep -h "many.tif" "$T/daemon.log" | tail -1 | sed 's/^/     /'
check "links: top-level links and FIFOs recorded" \
	wait_until 60 '[ "$(sql "SELECT count(*) FROM records WHERE name IN ('"'link.tif', 'shadow.tif', 'pipe.tif'"') AND quarantine_published = 1")" = 3 ]'
for n in link.tif shadow.tif pipe.tif; do
	check "links: $n removed from the inbox" test ! -e "$T/inbox/$n" -a ! -L "$T/inbox/$n"
	check "links: $n not carried into the quarantine" test ! -e "$T/quarantine/$n" -a ! -L "$T/quarantine/$n"
	check "links: $n has a reason" grep -q "removed from the inbox, not kept" "$T/quarantine/$n.ly-do.txt"
done
check "links: the folder with a linked page is quarantined as a folder" \
	wait_until 60 "[ -f '$T/quarantine/docl/p1.tif' ] && [ -e '$T/quarantine/docl.ly-do.txt' ]"
check "links: no link or FIFO of it is live in the quarantine" \
	test -z "$(find "$T/quarantine" -type l -o -type p)"
check "links: the link's target is untouched" test "$(fingerprint)" = "$before"
# Four names, and stage 2's sentinel.bin and s.bin: none is a scan.
check "names: every name quarantined with a reason" \
	wait_until 120 '[ "$(sql "SELECT count(*) FROM records WHERE reason = '"'not-image'"' AND quarantine_published = 1")" = 6 ]'
# Every quarantined record has its reason file, under a name that fits.
missing=0
while IFS= read -r q; do
	[ -e "$T/quarantine/$q.ly-do.txt" ] || { missing=$((missing + 1)); echo "     no reason for $q"; }
done < <(sql "SELECT quarantine_name FROM records WHERE state = 'quarantined'")
check "names: every quarantined file has its reason file" test $missing = 0
check "names: nothing waits unpublished" \
	test "$(sql "SELECT count(*) FROM records WHERE state = 'quarantined' AND quarantine_published = 0")" = 0
longest=$(ls "$T/quarantine" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
check "names: every quarantine name fits (longest $longest bytes)" test "$longest" -le 255
check "names: the 245-byte name is kept whole in its reason file" \
	grep -rlqF "Tệp: $long" "$T/quarantine"
check "names: the invalid bytes are shown escaped in the reason file" \
	grep -rlqF "Tệp: $(printf '\\xff%.0s' $(seq 90)).png" "$T/quarantine"
check "names: no reason file holds a control byte" \
	test -z "$(LC_ALL=C grep -lP '[\x01-\x08\x0b-\x1f\x7f]' "$T"/quarantine/*.ly-do.txt)"
# The suggested command, pasted into a shell, runs nothing but sohoa.
cmdline=$(grep -h -A1 "To process this file again" "$T"/quarantine/*.ly-do.txt | grep -F 'PWNED' | head -1)
echo "     suggested: $cmdline"
check "names: the injection name's command is quoted" test -n "$cmdline"
(cd "$T/cwd" && PATH="$SOHOA_BIN:$PATH" bash -c "$cmdline" > "$T/retry.out" 2>&1)
check "names: pasting the command ran sohoa retry, and nothing else" test $? = 0
check "names: no command ran (no PWNED file)" test ! -e "$T/cwd/PWNED" -a ! -e "$T/PWNED"
check "names: the file went back to the inbox under its own name" \
	grep -qF "returned to the inbox): $T/inbox/$inj" "$T/retry.out"
esccmd=$(grep -h -A1 "To process this file again" "$T"/quarantine/*.ly-do.txt | grep -F 'bell_' | head -1)
check "names: control characters are not in the quarantine name" test -n "$esccmd"

# ---- the daemon still serves ----------------------------------------------
cp "${tifs[1]}" "$T/inbox/after.tif"
check "a good scan after all of it is OCRed" wait_until 240 '[ "$(done_named after.tif)" = 1 ]'
check "daemon still alive" kill -0 "$DPID"
check "catalog.db in place, same inode, intact" \
	test "$(stat -c %i "$T/state/catalog.db")" = "$cat_ino" -a "$(sql "PRAGMA integrity_check")" = ok
check "the guarded files outside the inbox are untouched" test "$(fingerprint)" = "$before"
stop_daemon; rc=$?
check "SIGTERM exits 0" test $rc = 0
# The test's umask is 022: the daemon's files and folders are private all
# the same (a refused folder's own files sit in a folder now 0750).
check "files the daemon wrote are not readable by others" test -z \
	"$(find "$T/state" -mindepth 1 ! -name sentinel.bin -perm /o=rwx; find "$T/quarantine" -mindepth 1 -maxdepth 2 -perm /o=rwx ! -path '*/docl/*')"
finish
