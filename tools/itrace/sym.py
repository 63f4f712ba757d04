#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# sym.py TRACE [NAME:]ELF[@BASE] ... [-s]: instructions per function of a
# pc trace (tools/itrace/itrace.sh), most first, then the sequence of
# functions with -s.  BASE (hex) is where a position-independent actor was
# loaded.  A trace taken with NAMES=1 has "@name" lines where the user
# actor changes: an ELF given as NAME:ELF then names only pcs of actor
# NAME (user actors all load at the same address); an ELF without a name
# names any pc in its range.
import bisect
import collections
import subprocess
import sys

tables = []			# (actor name or None, lo, hi, addrs, names)
for spec in [a for a in sys.argv[2:] if a != "-s"]:
    who, _, spec = spec.rpartition(":")
    path, _, base = spec.partition("@")
    off = int(base, 16) if base else 0
    syms = []
    for line in subprocess.run(["nm", "-nS", path], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) >= 3 and f[-2] in "tTwW":
            size = int(f[1], 16) if len(f) == 4 else 0
            syms.append((int(f[0], 16) + off, size, f[-1]))
    if syms:
        syms.sort()
        hi = max(a + s for a, s, _ in syms) + 16
        tables.append((who or None, syms[0][0], hi, [a for a, _, _ in syms], [n for _, _, n in syms]))


# an actor's own ELF first, then the one with the narrowest range (the
# nucleus's boot code is low, its range spans the user actors')
tables.sort(key=lambda t: (t[0] is None, t[2] - t[1]))


def name_of(pc, actor):
    for who, lo, hi, addrs, names in tables:
        if (who is None or who == actor) and lo <= pc < hi:
            i = bisect.bisect_right(addrs, pc) - 1
            return names[i] if i >= 0 else "?"
    return "?%s" % (actor or "")


count, seq, actor = collections.Counter(), [], None
for line in open(sys.argv[1]):
    if line.startswith("@"):
        actor = line[1:].strip()
        continue
    name = name_of(int(line, 16), actor)
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
