#!/bin/bash
# The daemon's interface: -n checks a configuration (errors name the line),
# SIGHUP reloads only a valid configuration, new sub-folders are watched,
# SIGTERM during OCR requeues and exits 0 in time, and the one-shot
# 'sohoa ingest' (refused while sohoad holds the spool).
. "$(dirname "$0")/lib.sh"
STABLE=1 EXTRA_CONF="schema_dir = $SOHOA_SRC/schemas/xml
agency_name = \"UBND xã Văn Bình\"
agency_code = \"000.00.01.H26\"" write_conf

# -n: valid and invalid files.
out=$("$SOHOAD" -n 2>&1); rc=$?
check "sohoad -n accepts a valid file" test $rc = 0
case "$out" in *"configuration OK"*) ok "sohoad -n says configuration OK" ;; *) fail "sohoad -n said: $out" ;; esac
case "$out" in *"warning"*"sign_key"*) ok "... and warns that nothing will be signed" ;; *) fail "no signing warning: $out" ;; esac

# -n checks what the run needs (preflight.h): each mistake is an error (78)
# that says what is missing.
n_err() { # CONF-LINES PATTERN WHAT
	{ cat "$T/sohoa.conf"; printf '%s\n' "$1"; } | grep -v "^schema_dir = $SOHOA_SRC" > "$T/pre.conf"
	grep -q '^schema_dir' "$T/pre.conf" || echo "schema_dir = $SOHOA_SRC/schemas/xml" >> "$T/pre.conf"
	local o; o=$("$SOHOAD" -c "$T/pre.conf" -n 2>&1); local r=$?
	if [ $r = 78 ] && case "$o" in *$2*) true ;; *) false ;; esac; then ok "sohoad -n: $3"; else fail "sohoad -n: $3 (rc $r): $o"; fi
}
n_err "schema_dir = $T/no-schemas" "schemas cannot be read" "a missing schema folder is an error"
sed -i '/^agency_/d' "$T/sohoa.conf"
n_err "" "agency_name" "no agency name and code is an error (no package would be written)"
printf 'agency_name = "UBND xã Văn Bình"\nagency_code = "000.00.01.H26"\n' >> "$T/sohoa.conf"
n_err "languages = vie+xyz" "tesseract-ocr-xyz" "a language without Tesseract data names its package"
n_err "sign_key = $T/none.key
sign_cert = $T/none.pem" "would not be signed" "a missing signing key is an error"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/k1.pem" -out "$T/c1.pem" -days 2 -subj /CN=a > /dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/k2.pem" -out "$T/c2.pem" -days 2 -subj /CN=b > /dev/null 2>&1
chmod 644 "$T/k1.pem"; chmod 600 "$T/k2.pem"
n_err "sign_key = $T/k1.pem
sign_cert = $T/c1.pem" "would not be signed" "a signing key readable by others is an error"
n_err "sign_key = $T/k2.pem
sign_cert = $T/c1.pem" "would not be signed" "a key that does not match its certificate is an error"
# (A folder under a plain file: no one can make it, root included.)
echo x > "$T/plain"
n_err "outbox = $T/plain/outbox" "cannot be written" "an outbox that cannot be made is an error"
printf '\xef\xbb\xbfinbox = %s\nstate_dir = %s\nschema_dir = %s\nagency_name = x\nagency_code = y\n' "$T/inbox" "$T/state" "$SOHOA_SRC/schemas/xml" > "$T/bom.conf"
out=$("$SOHOAD" -c "$T/bom.conf" -n 2>&1)
check "a file starting with a UTF-8 BOM (Notepad) is read" test $? = 0
printf 'inbox = /srv/x\nstat_dir = /srv/y\n' > "$T/typo.conf"
out=$("$SOHOAD" -c "$T/typo.conf" -n 2>&1)
case "$out" in *"did you mean 'state_dir'"*) ok "an unknown key names the nearest known one" ;; *) fail "no suggestion: $out" ;; esac
# A mistake in the file never stops staff from searching: read-only commands
# warn and go on, the others refuse.
cp "$T/sohoa.conf" "$T/typo2.conf"; echo "stabel_delay = 3" >> "$T/typo2.conf"
out=$("$SOHOA" -c "$T/typo2.conf" search "xyz" 2>&1); rc=$?
check "search with a mistake in the file still runs (warning, exit $rc)" test $rc != 5
case "$out" in *"warning, line ignored"*"stabel_delay"*) ok "... and warns which line was ignored" ;; *) fail "no warning: $out" ;; esac
"$SOHOA" -c "$T/typo2.conf" ingest "$(ls "$TESTDATA"/corpus/*.png | head -1)" > /dev/null 2>&1
check "ingest with a mistake in the file refuses (exit 5, configuration)" test $? = 5
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
