#!/bin/bash
# The daemon's interface: -n checks a configuration (errors name the line),
# SIGHUP reloads only a valid configuration, new sub-folders are watched,
# SIGTERM during OCR requeues and exits 0 in time, and the one-shot
# 'sohoa ingest' (refused while sohoad holds the spool).
. "$(dirname "$0")/lib.sh"
STABLE=1 write_conf

# -n: valid and invalid files.
out=$("$SOHOAD" -n 2>&1); rc=$?
check "sohoad -n accepts a valid file" test $rc = 0
case "$out" in *"configuration OK"*) ok "sohoad -n says configuration OK" ;; *) fail "sohoad -n said: $out" ;; esac
printf 'inbox = /srv/x\nworkers = lots\n' > "$T/bad.conf"
out=$("$SOHOAD" -c "$T/bad.conf" -n 2>&1); rc=$?
check "sohoad -n rejects a bad value (exit 78)" test $rc = 78
case "$out" in *"bad.conf:2"*) ok "the error names the line" ;; *) fail "no line number: $out" ;; esac
printf 'inbox = /srv/x\ncolour = blue\n' > "$T/bad2.conf"
out=$(SOHOA_CONF="$T/bad2.conf" "$SOHOAD" -n 2>&1); rc=$?
check "SOHOA_CONF is read; unknown key rejected" test $rc = 78
case "$out" in *"unknown key 'colour'"*) ok "unknown key named" ;; *) fail "unknown key: $out" ;; esac

# A running daemon; the CLI's ingest is refused (exit 4) meanwhile.
start_daemon
wait_until 20 '[ -e "$T/state/catalog.db" ]'
"$SOHOA" ingest "$(ls "$TESTDATA"/corpus/*.png | head -1)" > /dev/null 2>&1
check "ingest while sohoad runs exits 4 (busy)" test $? = 4

# A sub-folder created while running is watched (rescan is 60 s: inotify).
mkdir -p "$T/inbox/ho-so-moi/con"
cp "$(ls "$TESTDATA"/corpus/*.tif | head -1)" "$T/inbox/ho-so-moi/con/a.tif"
check "file in a new nested folder taken via inotify" wait_until 40 '[ "$(state_count done)" = 1 ]'
check "nested origin kept" test "$(sql "SELECT origin FROM records WHERE name = 'a.tif'")" = "ho-so-moi/con"

# SIGHUP with a broken file: refused, the daemon keeps running with the old one.
cp "$T/sohoa.conf" "$T/good.conf"
echo "stable_delay = soon" >> "$T/sohoa.conf"
kill -HUP "$DPID"
check "invalid reload refused and logged" wait_until 10 'grep -q "reload refused" "$T/daemon.log"'
check "daemon alive after a refused reload" kill -0 "$DPID"
# SIGHUP with a valid change.
sed 's/^log_level = .*/log_level = debug/' "$T/good.conf" > "$T/sohoa.conf"
kill -HUP "$DPID"
check "valid reload applied" wait_until 10 'grep -q "configuration reloaded" "$T/daemon.log"'
cp "$(ls "$TESTDATA"/corpus/*.jpg | head -1)" "$T/inbox/b.jpg"
check "debug level in effect after reload" wait_until 30 'grep -q "debug: took b.jpg" "$T/daemon.log"'
check "still serving after reloads" wait_until 60 '[ "$(state_count done)" = 2 ]'

# SIGTERM while OCR is busy: exits 0 within 10 s; the rest is done next time.
for f in "$TESTDATA"/corpus/*; do cp "$f" "$T/inbox/"; done
# a.tif and b.jpg were copies of two of these: those two become duplicates.
total=$(ls "$TESTDATA"/corpus | wc -l)
wait_until 20 '[ "$(sql "SELECT count(*) FROM records WHERE state = '"'active'"'")" -ge 1 ]'
start=$(date +%s)
stop_daemon; rc=$?
check "SIGTERM during OCR exits 0" test $rc = 0
check "... within 10 s" test $(( $(date +%s) - start )) -le 10
check "nothing left active after stop" test "$(sql "SELECT count(*) FROM records WHERE state = 'active'")" = 0
start_daemon
check "the rest is done after restart" wait_until 300 '[ "$(state_count done)" = "$total" ] && [ "$(state_count quarantined)" = 2 ]'
stop_daemon

# One-shot ingest without the daemon: files are copied, never moved.
INGEST_STATE="$T/state2"
cat > "$T/ingest.conf" <<EOC
inbox = $T/inbox2
state_dir = $INGEST_STATE
EOC
mkdir -p "$T/src/sub"
cp "$(ls "$TESTDATA"/corpus/*.png | head -1)" "$T/src/one.png"
cp "$(ls "$TESTDATA"/corpus/*.tif | head -1)" "$T/src/sub/two.tif"
: > "$T/src/empty.tif"
SOHOA_CONF="$T/ingest.conf" "$SOHOA" ingest --json "$T/src" > "$T/ingest.json" 2> "$T/ingest.log"
rc=$?
check "ingest with a bad file exits 1" test $rc = 1
check "ingest --json gives a record per good file" test "$(json "sum(1 for f in d['files'] if f['state'] == 'done' and f['record'])" < "$T/ingest.json")" = 2
check "ingest --json gives the reason for a bad one" test "$(json "[f['reason'] for f in d['files'] if f['path'].endswith('empty.tif')][0]" < "$T/ingest.json")" = empty
check "ingest leaves the originals in place" test -e "$T/src/one.png" -a -e "$T/src/sub/two.tif"
id=$(json "[f['record'] for f in d['files'] if f['path'].endswith('two.tif')][0]" < "$T/ingest.json")
check "show --json after ingest has the text" test "$(SOHOA_CONF="$T/ingest.conf" "$SOHOA" show --json "$id" | json "len(d['pages'][0]['text']) > 200")" = True
SOHOA_CONF="$T/ingest.conf" "$SOHOA" show 999 > /dev/null 2>&1
check "show of an unknown record exits 3" test $? = 3
SOHOA_CONF="$T/ingest.conf" "$SOHOA" frobnicate > /dev/null 2>&1
check "unknown command exits 2" test $? = 2
finish
