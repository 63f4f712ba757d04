#!/bin/bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages motet needs to build, run and test, if any
# is missing.  Needs root (apt-get); otherwise says what to install.
set -euo pipefail
need=(gcc make binutils qemu-system-x86 libcmocka-dev grub-pc-bin grub-common
      xorriso mtools python3 busybox-static cpio tmux musl-tools)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null; then
		sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
		exit
	fi
	echo "deps: run as root: apt-get install ${missing[*]}" >&2
	exit 1
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
