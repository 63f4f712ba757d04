#!/bin/bash
# SPDX-License-Identifier: MIT
# Nucleus core costs under -icount shift=0 (guest ns = instructions):
# boot to the first actor, null nucleus call, thread switch between actors.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(MODULES=t_bench SMP=1 ICOUNT=1 timeout 600 tools/qemu.sh batch tests/bench-core.conf 2>&1 | tr -d '\r')
echo "$out" | grep -E '^(BENCH|boot: first|lapic)' || { echo "$out" | tail -20; exit 1; }
