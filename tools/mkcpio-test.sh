#!/bin/bash
# SPDX-License-Identifier: MIT
# mkcpio-test.sh [OUT]: the cpio (newc) archive that om serves in the om
# test suite (tests/qemu/om.conf; t_om checks what is in it), by default
# build/om-test.cpio.  Every entry is root's and has mtime 1780000000.
#   /bin/prog   0755, 12388 bytes: lines "0123456789abcdef\n"
#   /bin/sh     -> prog
#   /etc/motd   "hello from om\n", with a hard link /etc/hard
#   /etc/passwd, /etc/shadow (0600)
#   /home/user  0700
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/om-test.cpio}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t=$tmp/root
mkdir -p "$t/bin" "$t/etc" "$t/home/user"
yes 0123456789abcdef | head -c 12388 > "$t/bin/prog" || true
ln -s prog "$t/bin/sh"
printf 'hello from om\n' > "$t/etc/motd"
ln "$t/etc/motd" "$t/etc/hard"
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n' > "$t/etc/passwd"
printf 'root:*:1::::::\n' > "$t/etc/shadow"
chmod 0755 "$t" "$t/bin" "$t/etc" "$t/home" "$t/bin/prog"
chmod 0644 "$t/etc/motd" "$t/etc/passwd"
chmod 0600 "$t/etc/shadow"
chmod 0700 "$t/home/user"
find "$t" -exec touch -h -d @1780000000 {} +
mkdir -p "$(dirname "$out")"
(cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
