#!/bin/bash
# The systemd units as installed (make install PREFIX=/usr DESTDIR=...):
# systemd-analyze verify is clean, and systemd-analyze security rates the
# exposure of every service at 2.0 or less.
. "$(dirname "$0")/lib.sh"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "   SKIP: systemd-analyze is not installed"
	finish
	exit 0
fi
R="$T/root"
# A build of its own: PREFIX=/usr is compiled in, and the tree under test
# must not be rebuilt.
make -s -j"$(nproc)" -C "$SOHOA_SRC" install PREFIX=/usr DESTDIR="$R" BUILD="$T/build" \
	>"$T/install.out" 2>&1
check "make install PREFIX=/usr DESTDIR=..." test -f "$R/usr/lib/systemd/system/sohoad.service"
check "binaries, library, headers and sohoa.pc installed" test -x "$R/usr/sbin/sohoad" -a -x "$R/usr/bin/sohoa" \
	-a -n "$(ls "$R"/usr/lib/*/libsohoa.so.0 "$R"/usr/lib/libsohoa.so.0 2>/dev/null)" \
	-a -f "$R/usr/include/sohoa/sohoa.h" -a -n "$(find "$R" -name sohoa.pc)"
check "man pages installed" test -f "$R/usr/share/man/man8/sohoad.8" -o -f "$R/usr/share/man/man8/sohoad.8.gz"
check "default configuration installed" test -f "$R/etc/sohoa/sohoa.conf"
# It names /usr/share/sohoa/schemas/xml, which lies under $R here: -n checks
# that the schemas are there (preflight.h), so point it at the installed copy.
{ cat "$R/etc/sohoa/sohoa.conf"; echo "schema_dir = $R/usr/share/sohoa/schemas/xml"; } \
	| grep -v '^schema_dir *= */usr' > "$T/installed.conf"
# The shipped file holds placeholders for the agency (issue 14): sohoad -n
# refuses it (78, which the unit does not restart) until they are set.
out=$("$R/usr/sbin/sohoad" -n -c "$T/installed.conf" 2>&1); rc=$?
check "the installed configuration is refused until the agency is set (78)" test $rc = 78
case "$out" in *"agency_name and agency_code"*) ok "... saying what to fill in" ;; *) fail "sohoad -n said: $out" ;; esac
sed -i 's/^agency_name = .*/agency_name = "UBND xã Văn Bình"/; s/^agency_code = .*/agency_code = "000.00.01.H26"/' \
	"$T/installed.conf"
check "the installed default configuration is valid once they are (sohoad -n)" \
	"$R/usr/sbin/sohoad" -n -c "$T/installed.conf"
# sohoa-web's own user (SECURITY.md): a user and group of its own, the
# store's group, of which sohoa is a member and which owns /var/lib/sohoa.
U="$R/usr/lib/systemd/system"
check "sohoa-web.service runs as sohoa-web:sohoa-web" \
	test "$(sed -n 's/^User=//p; s/^Group=//p' "$U/sohoa-web.service" | tr '\n' ' ')" = "sohoa-web sohoa-web "
check "sohoad.service runs as sohoa" test "$(sed -n 's/^User=//p' "$U/sohoad.service")" = sohoa
check "no unit has StateDirectory= (it would chown the shared store)" \
	test -z "$(grep -l '^StateDirectory=' "$U"/sohoa*.service)"
SU="$R/usr/lib/sysusers.d/sohoa.conf"
check "sysusers: users sohoa and sohoa-web, sohoa in group sohoa-web" \
	test -n "$(grep '^u sohoa ' "$SU")" -a -n "$(grep '^u sohoa-web ' "$SU")" -a -n "$(grep '^m sohoa sohoa-web' "$SU")"
check "tmpfiles: /var/lib/sohoa 3770 sohoa:sohoa-web, the inbox not sohoa-web's" \
	test -n "$(grep '^d /var/lib/sohoa  *3770 sohoa sohoa-web' "$R/usr/lib/tmpfiles.d/sohoa.conf")" \
	-a -n "$(grep '^d /srv/sohoa/inbox  *2775 sohoa sohoa ' "$R/usr/lib/tmpfiles.d/sohoa.conf")"
# verify --root resolves every unit and ExecStart= inside the root: give it
# the host's targets and slices and the tools the units call.
mkdir -p "$R/lib/systemd/system" "$R/bin"
cp -a /lib/systemd/system/*.target /lib/systemd/system/*.slice "$R/lib/systemd/system/" 2>/dev/null
cp -a "$R"/usr/lib/systemd/system/sohoa* "$R/lib/systemd/system/"
cp /bin/kill "$R/bin/"
units=$(cd "$R/usr/lib/systemd/system" && ls sohoa*)
check "units installed: $(echo $units)" test -n "$units"
(cd "$R" && systemd-analyze verify --root="$R" --man=no $units) > "$T/verify.log" 2>&1
rc=$?
check "systemd-analyze verify is clean" test $rc = 0 -a ! -s "$T/verify.log"
[ -s "$T/verify.log" ] && sed 's/^/     /' "$T/verify.log"
for s in $(cd "$R/usr/lib/systemd/system" && ls *.service); do
	x=$(systemd-analyze security --offline=yes "$R/usr/lib/systemd/system/$s" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	check "$s: exposure ${x:-?} <= 2.0" awk -v x="${x:-99}" 'BEGIN { exit !(x <= 2.0) }'
done
finish
