#!/bin/bash
# SPDX-License-Identifier: MIT
# unix-expect.sh [NAME...]: makes tests/unix/sh/NAME.out by running
# NAME.sh with Debian's busybox on this (Linux) host, every applet from
# busybox as inside motet, in a scratch directory as run.sh does.  Run it
# after writing or changing a script, and read the .out before you commit.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bb=${BUSYBOX:-/bin/busybox}
bin=$(mktemp -d)
scratch=$(mktemp -d)
trap 'rm -rf "$bin" "$scratch"' EXIT
for a in $("$bb" --list); do ln -s "$bb" "$bin/$a"; done
cd "$top/tests/unix/sh"
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(ls *.sh | sed 's/\.sh$//'))
for n in "${names[@]}"; do
	rm -rf "$scratch/t" && mkdir "$scratch/t"
	(cd "$scratch/t" && env -i HOME=/ PATH="$bin" TERM=vt100 SHELL=/bin/sh USER=root \
		"$bin/sh" "$top/tests/unix/sh/$n.sh") > "$n.out" 2>&1 || true
	echo "$n.out: $(wc -l < "$n.out") lines"
done
