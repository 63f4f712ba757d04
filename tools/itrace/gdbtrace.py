# SPDX-License-Identifier: MIT
# Run inside gdb (tools/itrace/itrace.sh): attaches to QEMU's gdb stub,
# stops at the N-th hit of $FIRST, then (if $THEN is set) at the next hit
# of $THEN, and single-steps until the return address found on the stack
# there ($RET=stack) or until $END (left, not just stopped at), writing every pc to $OUT.  QEMU masks
# interrupts while it single-steps, so the trace is of the code alone.
import os
import gdb

gdb.execute("set pagination off")
gdb.execute("target remote :%s" % os.environ.get("PORT", "1234"))
gdb.execute("hbreak *%s" % os.environ["FIRST"] if os.environ["FIRST"].startswith("0x")
            else "hbreak %s" % os.environ["FIRST"])
for _ in range(int(os.environ.get("N", "5"))):
    gdb.execute("continue", to_string=True)
gdb.execute("delete")
if os.environ.get("THEN"):
    gdb.execute("hbreak %s" % os.environ["THEN"])
    gdb.execute("continue", to_string=True)
    gdb.execute("delete")
if os.environ.get("END"):
    end = int(os.environ["END"], 16)
else:
    end = int(gdb.parse_and_eval("*(unsigned long *)$rsp")) & (2**64 - 1)
limit = int(os.environ.get("LIMIT", "200000"))
with open(os.environ["OUT"], "w") as out:
    for i in range(limit):
        pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
        if pc == end and i > 0:
            break
        out.write("%x\n" % pc)
        gdb.execute("stepi", to_string=True)
gdb.execute("kill")
