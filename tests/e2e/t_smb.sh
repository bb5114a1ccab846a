#!/bin/bash
# A real SMB share (issue 14, item 3): Debian's Samba serves the inbox on
# the loopback, on an unprivileged port, from a private smb.conf in the
# test's folder; smbclient uploads as Windows Explorer and scanners do:
#   - a TIFF streamed slowly (a FIFO feeding smbclient, 9 s of silence in
#     the middle: smbd holds the file open for writing meanwhile);
#   - a TIFF uploaded in two parts to its final name (libsmbclient, through
#     python3-smbc: the first half written and the file closed, 9 s later
#     opened again and the rest written after it);
#   - a scanner's temporary name: '~$scan.tmp' uploaded in two parts (as
#     above, 5 s apart), then renamed to 'scan.tif' (smbclient);
#   - a PNG uploaded as 'anh.png.part', then renamed;
#   - a document folder (tailieu.txt listing three pages) uploaded page by
#     page, 20 s apart, each page by its own smbclient session.
# Checked: every document arrives once and whole: one record each (no
# duplicate, nothing quarantined), its hash that of the source file (the
# folder: 3 pages), done with a package (check-eark in finish()), and the
# inbox empty in the end.
#
# smbd runs as the user running the test and the SMB account is that same
# user (pdbedit into the private tdbsam; "force user" is that user): smbd
# then never changes its uid and needs no privilege, as root (CI) or not.
# It runs in a session of its own (setsid): when it stops, smbd signals its
# whole process group, which would otherwise be this test.
# (smbclient's 'reput' cannot make the two-part upload: Samba 4.17's
# writes the rest of the local file at offset 0 of a truncated file.)
. "$(dirname "$0")/lib.sh"
for b in smbd smbclient pdbedit; do
	command -v $b > /dev/null || { fail "$b is not installed (scripts/install-deps: samba smbclient)"; finish; }
done
$PY -c 'import smbc' 2> /dev/null || { fail "python3-smbc is not installed (scripts/install-deps)"; finish; }
STABLE=2 GRACE=30 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"" write_conf

ME=$(id -un)
S="$T/samba"
mkdir -p "$S"/{private,lock,state,cache,pid,ncalrpc}
# A free port above 1024.
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$S/smb.conf" <<EOC
[global]
  server role = standalone server
  smb ports = $PORT
  interfaces = 127.0.0.1
  bind interfaces only = yes
  private dir = $S/private
  lock directory = $S/lock
  state directory = $S/state
  cache directory = $S/cache
  pid directory = $S/pid
  ncalrpc dir = $S/ncalrpc
  log file = $S/log.smbd
  passdb backend = tdbsam:$S/private/passdb.tdb
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
  map to guest = never
  server min protocol = SMB2_10
[scans]
  path = $T/inbox
  read only = no
  valid users = $ME
  force user = $ME
  create mask = 0640
  directory mask = 0750
EOC
(echo sohoa-test; echo sohoa-test) | pdbedit -s "$S/smb.conf" -a -u "$ME" -t > "$S/pdbedit.log" 2>&1 \
	|| { fail "pdbedit could not add the SMB account"; cat "$S/pdbedit.log"; finish; }
setsid smbd --foreground --no-process-group -s "$S/smb.conf" --debug-stdout > "$T/smbd.out" 2>&1 &
SMBD=$!
stop_smbd() { [ -n "${SMBD:-}" ] && kill "$SMBD" 2>/dev/null; wait "$SMBD" 2>/dev/null; SMBD=""; }
trap stop_smbd EXIT
SMB() { smbclient -p "$PORT" -U "$ME%sohoa-test" //127.0.0.1/scans "$@"; }
wait_until 20 'SMB -c ls > /dev/null 2>&1' || { fail "smbd serves the share"; tail "$T/smbd.out"; stop_smbd; finish; }
ok "smbd serves the inbox on 127.0.0.1:$PORT as $ME"

tifs=($(ls "$TESTDATA"/corpus/*.tif | head -3))
png=$(ls "$TESTDATA"/corpus/*.png | head -1)
$PY "$SOHOA_SRC/tests/tools/render_scans.py" --out "$T/render" --truth "$T/truth" --count 1 --seed 91 \
	--formats png --pages 3 > "$T/render.log" 2>&1 || fail "render the page files"
mapfile -t P < <(ls "$T/render"/*.png)
check "three TIFFs, a PNG and three page files to hand" test ${#tifs[@]} = 3 -a ${#P[@]} = 3 -a -n "$png"
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
# smb_two_parts NAME SOURCE PAUSE: the first half, closed; PAUSE s later
# the file opened again and the rest written after it.
smb_two_parts() {
	SMBUSER="$ME" SMBPASS=sohoa-test $PY - "smb://127.0.0.1:$PORT/scans/$1" "$2" "$3" <<'EOPY'
import os, sys, time, smbc
url, src, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
data = open(src, "rb").read()
n = len(data) // 2
ctx = smbc.Context(auth_fn=lambda *a: ("WORKGROUP", os.environ["SMBUSER"], os.environ["SMBPASS"]))
f = ctx.open(url, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o640)
f.write(data[:n])
f.close()
time.sleep(pause)
f = ctx.open(url, os.O_WRONLY)
f.seek(n, os.SEEK_SET)
f.write(data[n:])
f.close()
EOPY
}

start_daemon
sleep 1

# 1. Streamed, 9 s of silence in the middle, smbd holding it open.
mkfifo "$T/fifo"
( n=$(( $(stat -c %s "${tifs[0]}") / 2 )); head -c $n "${tifs[0]}"; sleep 9; tail -c +$((n + 1)) "${tifs[0]}" ) > "$T/fifo" &
SMB -c "put $T/fifo \"Quyết định 15.tif\"" > "$T/smb1.log" 2>&1 &
P1=$!
# 2. Two parts to the final name, closed between them.
smb_two_parts cong-van-7.tif "${tifs[1]}" 9 > "$T/smb2.log" 2>&1 &
P2=$!
# 3. A scanner's temporary name, two parts, then the rename.
( smb_two_parts '~$scan.tmp' "${tifs[2]}" 5 &&
  SMB -c "rename ~\$scan.tmp scan.tif" ) > "$T/smb3.log" 2>&1 &
P3=$!
# 4. A PNG under a .part name, renamed.
SMB -c "put $png anh.png.part; rename anh.png.part anh.png" > "$T/smb4.log" 2>&1
check "the PNG was uploaded and renamed" test $? = 0
# 5. A document folder, page by page, 20 s apart.
printf 'trang1.png\ntrang2.png\ntrang3.png\n' > "$T/tailieu.txt"
( SMB -c "mkdir to-trinh-21; cd to-trinh-21; put $T/tailieu.txt tailieu.txt; put ${P[0]} trang1.png" &&
  sleep 20 && SMB -c "cd to-trinh-21; put ${P[1]} trang2.png" &&
  sleep 20 && SMB -c "cd to-trinh-21; put ${P[2]} trang3.png" ) > "$T/smb5.log" 2>&1 &
P5=$!

sleep 6
check "the streamed TIFF is not taken while smbd holds it open (6 s)" test -e "$T/inbox/Quyết định 15.tif"
check "the half-uploaded TIFF is not taken (6 s)" test -e "$T/inbox/cong-van-7.tif"
wait $P1; check "upload 1 (streamed) succeeded" test $? = 0
wait $P2; check "upload 2 (two parts) succeeded" test $? = 0
wait $P3; check "upload 3 (temporary name, renamed) succeeded" test $? = 0
check "the folder is not taken before its last page (~20 s)" test -e "$T/inbox/to-trinh-21/trang1.png"
wait $P5; check "upload 5 (page by page) succeeded: the folder stayed" test $? = 0

wait_until 300 '[ "$(sql "SELECT count(*) FROM records WHERE state IN (\"done\",\"quarantined\") AND (state <> \"done\" OR packaged_at IS NOT NULL)")" = 5 ]' \
	|| fail "five records done and packaged in time"
stop_daemon
stop_smbd

check "five records: each document once" test "$(sql "SELECT count(*) FROM records")" = 5
check "nothing quarantined" test "$(state_count quarantined)" = 0
check "no duplicate" test "$(sql "SELECT count(*) FROM records WHERE duplicate_of IS NOT NULL OR probable_duplicate_of IS NOT NULL")" = 0
whole() { # name source
	local got
	got=$(sql "SELECT state || '|' || ifnull(hash,'') || '|' || (packaged_at IS NOT NULL) FROM records WHERE name = '$1'")
	check "$1: done, whole (the source's SHA-256), packaged" test "$got" = "done|sha256:$(sha_of "$2")|1"
}
whole "Quyết định 15.tif" "${tifs[0]}"
whole cong-van-7.tif "${tifs[1]}"
whole scan.tif "${tifs[2]}"
whole anh.png "$png"
check "the folder: one record, 3 pages, done, packaged" test \
	"$(sql "SELECT state || page_count || (packaged_at IS NOT NULL) FROM records WHERE name = 'to-trinh-21'")" = done31
check "the inbox is empty" test -z "$(find "$T/inbox" -mindepth 1 -print -quit)"
finish
