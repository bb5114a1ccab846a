#!/bin/bash
# Builds the .deb packages (dpkg-buildpackage -us -uc -b) in a copy of the
# tree under /tmp, so that the build never writes into the working tree.
#   tests/deb/build-deb.sh OUTDIR      -> OUTDIR/sohoa_*.deb, libsohoa*.deb
# Needs debhelper, dpkg-dev, fakeroot and the Build-Depends of debian/control.
set -eu
out=${1:?usage: build-deb.sh OUTDIR}
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
work=$(mktemp -d /tmp/sohoa-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sohoa-$version"
# The sources as they are now (tracked or not), without builds and VCS data.
tar -C "$src" --exclude=./build --exclude=./.git --exclude='./debian/.debhelper' \
	--exclude='./debian/tmp' -cf - . | tar -C "$work/sohoa-$version" -xf -
command -v dh >/dev/null && command -v dpkg-buildpackage >/dev/null || {
	echo "build-deb: install debhelper dpkg-dev fakeroot first" >&2; exit 1; }
dpkg-checkbuilddeps "$work/sohoa-$version/debian/control"
(cd "$work/sohoa-$version" && dpkg-buildpackage -us -uc -b -j2) > "$work/build.log" 2>&1 || {
	tail -40 "$work/build.log"; echo "build-deb: dpkg-buildpackage failed" >&2; exit 1; }
rm -f "$out"/*.deb
cp "$work"/*.deb "$out/"
cp "$work/build.log" "$out/build.log"
ls -l "$out"/*.deb
