#!/bin/bash
# Installs the .deb into a clean Debian 12 chroot (debootstrap) and runs a
# scan through it as the unit would: sohoad as user sohoa (setpriv), with
# ExecStart's command line, a rendered scan dropped into /srv/sohoa/inbox,
# then 'sohoa status' and 'sohoa search'.  Needs root and the network (the
# mirror of /etc/apt/sources.list*); about 5-10 minutes.  Not in make check.
#   tests/deb/test-deb.sh DEBDIR [CHROOT]
set -u
debdir=$(cd "${1:?usage: test-deb.sh DEBDIR [CHROOT]}" && pwd)
root=${2:-/tmp/sohoa-chroot}
src=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "SKIP: test-deb.sh needs root (debootstrap, chroot)"; exit 0; }
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p; s/^deb \(http[^ ]*\/debian\) bookworm .*/\1/p' \
	/etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
fails=0
ok() { echo "   ok   $*"; }
fail() { echo "   FAIL $*"; fails=$((fails + 1)); }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
cleanup() {
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null
	for m in proc dev/pts dev sys; do umount "$root/$m" 2>/dev/null; done
}
trap cleanup EXIT

if [ ! -x "$root/usr/bin/apt-get" ]; then
	echo "== debootstrap bookworm $root ($mirror)"
	command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
	debootstrap --variant=minbase bookworm "$root" "$mirror" > /tmp/sohoa-debootstrap.log 2>&1 \
		|| { tail -20 /tmp/sohoa-debootstrap.log; echo "FAIL: debootstrap"; exit 1; }
fi
mount -t proc proc "$root/proc"; mount --bind /dev "$root/dev"; mount -t sysfs sys "$root/sys"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# No services are started inside the chroot (no systemd running there).
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
rm -rf "$root/tmp/debs"; mkdir -p "$root/tmp/debs"
cp "$debdir"/sohoa_*.deb "$debdir"/libsohoa0_*.deb "$root/tmp/debs/"
echo "== apt install ./sohoa*.deb (with systemd for sysusers/tmpfiles)"
in_root apt-get update -q > /tmp/sohoa-deb-apt.log 2>&1
if in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd /tmp/debs/sohoa_*.deb /tmp/debs/libsohoa0_*.deb' >> /tmp/sohoa-deb-apt.log 2>&1; then
	ok "apt install ./sohoa_*.deb"
else
	tail -30 /tmp/sohoa-deb-apt.log; fail "apt install"; exit 1
fi
in_root getent passwd sohoa > /dev/null && ok "user sohoa created (sysusers)" || fail "no user sohoa"
in_root test -d /srv/sohoa/inbox && ok "/srv/sohoa/inbox created (tmpfiles)" || fail "no /srv/sohoa/inbox"
in_root test -f /etc/sohoa/sohoa.conf && ok "/etc/sohoa/sohoa.conf installed" || fail "no sohoa.conf"
in_root man -w sohoad >/dev/null 2>&1 || in_root test -f /usr/share/man/man8/sohoad.8.gz && ok "man page sohoad(8)" || fail "no sohoad(8)"
in_root getent passwd sohoa-web > /dev/null && ok "user sohoa-web created (sysusers)" || fail "no user sohoa-web"
in_root id -nG sohoa | tr ' ' '\n' | grep -qx sohoa-web && ok "sohoa is in group sohoa-web" || fail "sohoa not in group sohoa-web: $(in_root id -nG sohoa)"
in_root id -nG sohoa-web | tr ' ' '\n' | grep -qx sohoa && fail "sohoa-web is in group sohoa" || ok "sohoa-web is not in group sohoa (inbox, keys, backup)"
m=$(in_root stat -c '%a %U %G' /var/lib/sohoa)
[ "$m" = "3770 sohoa sohoa-web" ] && ok "/var/lib/sohoa is 3770 sohoa:sohoa-web" || fail "/var/lib/sohoa: $m"
# The shipped file holds placeholders: sohoad -n refuses it, saying what to
# fill in, and the postinst did not start sohoad.
out=$(in_root setpriv --reuid=sohoa --regid=sohoa --init-groups /usr/sbin/sohoad -n 2>&1); rc=$?
[ $rc = 78 ] && echo "$out" | grep -q "agency_name and agency_code" && ok "sohoad -n refuses the placeholders (78)" \
	|| fail "sohoad -n with placeholders: rc $rc: $out"
grep -q "sohoad is NOT running yet" /tmp/sohoa-deb-apt.log && ok "apt said sohoad is not started yet" || \
	echo "   (no systemd in the chroot: the postinst's start step was skipped)"
sed -i 's/^agency_name = .*/agency_name = "UBND xã Văn Bình"/; s/^agency_code = .*/agency_code = "000.00.01.H26"/' \
	"$root/etc/sohoa/sohoa.conf"
out=$(in_root /usr/sbin/sohoad -n 2>&1) && ok "sohoad -n once the agency is set: $out" || fail "sohoad -n: $out"
in_root test -f /lib/systemd/system/sohoad.service && ok "sohoad.service installed" || fail "no unit"
in_root test -L /etc/systemd/system/multi-user.target.wants/sohoad.service && ok "sohoad.service enabled" || fail "sohoad.service not enabled"

# One scan through the daemon, as the unit runs it.
scan=$(ls "$src"/demo/inbox/* 2>/dev/null | head -1)
[ -n "$scan" ] || { echo "FAIL: no demo scan"; exit 1; }
in_root test -d /var/lib/sohoa || fail "no /var/lib/sohoa (tmpfiles)"
exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/sohoad.service")
echo "== $exec_start as user sohoa"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin OMP_THREAD_LIMIT=1 LANG=C.UTF-8 \
	setpriv --reuid=sohoa --regid=sohoa --init-groups $exec_start -f > /tmp/sohoa-deb-daemon.log 2>&1 &
DPID=$!
sleep 3
cp "$scan" "$root/srv/sohoa/inbox/"
chown 0:0 "$root/srv/sohoa/inbox/$(basename "$scan")"
sohoa_as() { in_root setpriv --reuid=sohoa --regid=sohoa --init-groups /usr/bin/sohoa "$@"; }
for i in $(seq 1 120); do
	sohoa_as status --json 2>/dev/null | grep -q '"done": 1' && break
	sleep 1
done
st=$(sohoa_as status 2>&1)
if sohoa_as status --json 2>/dev/null | grep -q '"done": 1'; then ok "the scan is a record (sohoa status: done 1)"; else
	fail "no record after 120 s"; echo "$st"; tail -20 /tmp/sohoa-deb-daemon.log; fi
echo "$st" | grep -q "sohoad: running" && ok "sohoa status: sohoad running" || fail "status: $st"
res=$(sohoa_as search --json uy ban 2>&1)
echo "$res" | grep -q '"total": [1-9]' && ok "sohoa search finds it" || fail "search: $res"
# sohoa-web's user reads the store and writes the catalog, nothing of sohoa's.
web_as() { in_root setpriv --reuid=sohoa-web --regid=sohoa-web --init-groups "$@"; }
web_as test -r /var/lib/sohoa/catalog.db -a -w /var/lib/sohoa/catalog.db && ok "sohoa-web may read and write the catalog" \
	|| fail "sohoa-web cannot use the catalog: $(ls -la "$root/var/lib/sohoa")"
web_as test -w /srv/sohoa/inbox && fail "sohoa-web may write the inbox" || ok "sohoa-web may not write the inbox"
kill "$DPID"; wait "$DPID"; rc=$?; DPID=""
[ $rc = 0 ] && ok "sohoad stopped with 0" || fail "sohoad exit $rc"
grep -q "record 1 done" /tmp/sohoa-deb-daemon.log && ok "log: record 1 done" || fail "daemon log: $(tail -5 /tmp/sohoa-deb-daemon.log)"
echo "deb-test: $fails failure(s)"
[ $fails = 0 ]
