#!/bin/bash
# SPDX-License-Identifier: MIT
# linux-abi.sh [OUT]: writes docs/linux-abi.md (or OUT), the state of
# every Linux x86-64 system call in motet: the calls pm's dispatch
# (servers/pm/{sys,names,io,mem}.c) has a case for are served, with the
# notes below for those served in part; the others return -ENOSYS (logged
# once by name).  make test checks that the page is what this makes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/docs/linux-abi.md}
python3 - "$top" "$out" <<'PY'
import re, sys
top, outpath = sys.argv[1], sys.argv[2]
names = {}
for m in re.finditer(r'\[(\d+)\] = "(\w+)"', open(f"{top}/servers/pm/sysnames.c").read()):
    names[int(m.group(1))] = m.group(2)
served = set()
for f in ("sys.c", "names.c", "io.c", "mem.c"):
    src = open(f"{top}/servers/pm/{f}").read()
    for m in re.finditer(r'case (\d+):', src):
        served.add(int(m.group(1)))
partial = {
    "vfork": "a copy, as fork", "clone": "fork only (no CLONE_THREAD, CLONE_VM without CLONE_VFORK: ENOSYS)",
    "sigaltstack": "accepted, the alternate stack is not used",
    "rseq": "ENOSYS on purpose (glibc does without)", "setrlimit": "accepted, not enforced",
    "getrlimit": "RLIMIT_STACK 8 MiB, RLIMIT_NOFILE 256, others unlimited",
    "prlimit64": "as getrlimit; new limits are not enforced",
    "mremap": "ENOMEM (callers copy instead)", "madvise": "accepted, no effect",
    "msync": "accepted (shared mappings are the page cache)", "mlock": "accepted, no effect",
    "munlock": "accepted, no effect", "mlockall": "accepted, no effect", "munlockall": "accepted, no effect",
    "getgroups": "no supplementary groups", "setgroups": "root only, no effect",
    "getpriority": "always 0", "setpriority": "accepted, no effect",
    "sched_getaffinity": "one processor", "setitimer": "ITIMER_REAL only",
    "getrusage": "zeros", "times": "user time is elapsed time", "sync": "no-op (RAM file system)",
    "fsync": "no-op (RAM file system)", "fdatasync": "no-op (RAM file system)",
    "statfs": "one RAM file system", "fstatfs": "one RAM file system",
    "fcntl": "record locks are accepted but not enforced; F_GETLK reports none",
    "ioctl": "terminals (termios, window size, process groups, controlling terminal, FIONREAD), FIONBIO, FIOCLEX",
    "clock_gettime": "the wall clock starts at 2026-01-01 at boot (no RTC yet)",
    "gettimeofday": "as clock_gettime", "time": "as clock_gettime",
    "reboot": "power off, halt and restart all power the machine off",
    "prctl": "PR_SET_NAME and PR_GET_NAME", "kill": "no real-time signal queueing",
    "set_robust_list": "accepted (one thread per process)",
    "open": "FIFOs and sockets: ENXIO", "openat": "FIFOs and sockets: ENXIO",
    "execve": "static programs (ET_EXEC, static PIE) and #! scripts; dynamic ones: ENOEXEC",
    "mmap": "anonymous and regular files, private and shared",
}
rows = []
nserved = 0
for n in sorted(names):
    nm = names[n]
    if n in served:
        nserved += 1
        state = "partial" if nm in partial else "yes"
        note = partial.get(nm, "")
    else:
        state, note = "ENOSYS", ""
    rows.append(f"| {n} | `{nm}` | {state} | {note} |")
out = open(outpath, "w")
out.write(f"""# Linux x86-64 system calls in motet

Processes are user actors whose system calls the nucleus sends to pm, the
process manager, as trap messages; pm serves them itself or with om (names,
attributes, file data through the page cache) and stm (terminals, pipes).
This table is made by `tools/linux-abi.sh` from pm's dispatch: **{nserved}**
of the {len(names)} calls are served ("partial": see the note), the others
return `-ENOSYS` and pm logs each one once, with its name.

Structure layouts, flags and errno values are Linux's
(`servers/include/unix/linux.h`).  Programs: static executables and static
PIE, with the Linux initial stack and auxiliary vector; Debian's
busybox-static runs unmodified.

| nr | call | state | note |
|---:|---|---|---|
""")
out.write("\n".join(rows) + "\n")
PY
echo "$out: $(grep -c '| yes |' "$out") yes, $(grep -c '| partial |' "$out") partial, $(grep -c '| ENOSYS |' "$out") ENOSYS"
