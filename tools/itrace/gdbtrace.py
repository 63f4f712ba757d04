# SPDX-License-Identifier: MIT
# Run inside gdb (tools/itrace/itrace.sh): attaches to QEMU's gdb stub,
# stops at the N-th hit of $FIRST, then (if $THEN is set) at the next hit
# of $THEN, and single-steps until the return address found on the stack
# there ($RET=stack) or until $END (left, not just stopped at), writing every pc to $OUT.  QEMU masks
# interrupts while it single-steps, so the trace is of the code alone.
# COND: a condition on the FIRST breakpoint (gdb syntax, e.g. "$rax == 102"
# at syscall_entry); END=rcx: until the address in rcx at the stop (where
# a syscall returns to); NAMES=1: a line "@name" wherever the trace enters
# a user actor other than the last (processor 0's current actor).
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("target remote :%s" % os.environ.get("PORT", "1234"))
gdb.execute(("hbreak *%s" % os.environ["FIRST"] if os.environ["FIRST"].startswith("0x")
             else "hbreak %s" % os.environ["FIRST"])
            + (" if %s" % os.environ["COND"] if os.environ.get("COND") else ""))
for _ in range(int(os.environ.get("N", "5"))):
    gdb.execute("continue", to_string=True)
gdb.execute("delete")
if os.environ.get("THEN"):
    gdb.execute("hbreak %s" % os.environ["THEN"])
    gdb.execute("continue", to_string=True)
    gdb.execute("delete")
if os.environ.get("END") == "rcx":
    end = int(gdb.parse_and_eval("$rcx")) & (2**64 - 1)
elif os.environ.get("END"):
    end = int(os.environ["END"], 16)
else:
    end = int(gdb.parse_and_eval("*(unsigned long *)$rsp")) & (2**64 - 1)
limit = int(os.environ.get("LIMIT", "200000"))
names, last, was_user = os.environ.get("NAMES") == "1", None, False
with open(os.environ["OUT"], "w") as out:
    for i in range(limit):
        pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
        if pc == end and i > 0:
            break
        user = pc < 2**47
        if names and user and not was_user:
            who = gdb.parse_and_eval("cpus[0].current->actor->name").string()
            if who != last:
                out.write("@%s\n" % who)
                last = who
        was_user = user
        out.write("%x\n" % pc)
        gdb.execute("stepi", to_string=True)
gdb.execute("kill")
