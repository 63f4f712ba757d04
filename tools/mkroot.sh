#!/bin/bash
# SPDX-License-Identifier: MIT
# mkroot.sh OUT [SRC=DEST...]: the root file system archive (cpio newc)
# that om unpacks at boot: Debian's /bin/busybox, copied unmodified, with
# a link for each of its applets, the files under user/root/, and each
# SRC directory's contents under DEST (test scripts and programs).
set -euo pipefail
out=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
bb=${BUSYBOX:-/bin/busybox}
[ -x "$bb" ] || { echo "mkroot: no $bb (apt-get install busybox-static)" >&2; exit 1; }
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,dev,proc}
chmod 1777 "$tree/tmp"
cp "$bb" "$tree/bin/busybox"
for a in $("$tree/bin/busybox" --list-full); do
	[ -e "$tree/$a" ] || ln -s /bin/busybox "$tree/$a"
done
cp -a "$top/user/root/." "$tree/"
for d in "$@"; do
	mkdir -p "$tree/${d#*=}"
	cp -a "${d%%=*}/." "$tree/${d#*=}/"
done
(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
