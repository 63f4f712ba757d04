#!/bin/sh
# The UNIX subsystem's test runner, run by busybox sh inside motet as
# process 1: each tests/unix/sh/NAME.sh runs in a scratch directory and
# its output (stdout and stderr) must equal NAME.out, which was made by
# running the same script with the same busybox on Linux.  Prints
# "TEST sh.NAME: ok" or "TEST sh.NAME: FAIL" with a diff, then runs the
# system-call test programs in /tests/bin, then powers off.
cd /tests/sh || exit 1
for t in *.sh; do
	n=${t%.sh}
	rm -rf /tmp/t && mkdir /tmp/t
	(cd /tmp/t && sh /tests/sh/$t) > /tmp/$n.got 2>&1
	if cmp -s /tmp/$n.got /tests/sh/$n.out; then
		echo "TEST sh.$n: ok"
	else
		echo "TEST sh.$n: FAIL output differs"
		diff /tests/sh/$n.out /tmp/$n.got | head -20
	fi
done
# the system-call tests: static musl programs (user/tests/), each prints
# its own TEST line
for t in /tests/bin/t_*; do
	rm -rf /tmp/t && mkdir /tmp/t
	(cd /tmp/t && $t) 2>&1
done
echo "TESTS DONE"
poweroff -f
