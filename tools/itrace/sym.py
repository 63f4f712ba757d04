#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# sym.py TRACE ELF[@BASE] ...: instructions per function of a pc trace
# (tools/itrace/itrace.sh), most first, then the sequence of functions
# with -s.  BASE (hex) is where a position-independent actor was loaded.
import bisect
import collections
import subprocess
import sys

args = [a for a in sys.argv[1:] if a != "-s"]
syms = []
for spec in args[1:]:
    path, _, base = spec.partition("@")
    off = int(base, 16) if base else 0
    for line in subprocess.run(["nm", "-n", path], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTwW":
            syms.append((int(f[0], 16) + off, f[2]))
syms.sort()
addrs = [a for a, _ in syms]
count, seq = collections.Counter(), []
for line in open(args[0]):
    i = bisect.bisect_right(addrs, int(line, 16)) - 1
    name = syms[i][1] if i >= 0 else "?"
    count[name] += 1
    if not seq or seq[-1][0] != name:
        seq.append([name, 0])
    seq[-1][1] += 1
print("%d instructions" % sum(count.values()))
for name, n in count.most_common():
    print("%6d %s" % (n, name))
if "-s" in sys.argv:
    print("sequence:")
    for name, n in seq:
        print("%6d %s" % (n, name))
