# background jobs, wait, exit status, kill, trap
sleep 1 &
p=$!
echo started
wait $p; echo "wait status $?"
(exit 3) & wait $!; echo "bg exit $?"
sh -c 'kill -TERM $$'; echo "killed status $?"
# (whether the shell says "Terminated" here depends on timing, on Linux too)
{ sleep 10 & k=$!; kill $k; wait $k; echo "wait after kill $?"; } 2>/dev/null
trap 'echo got USR1' USR1
kill -USR1 $$
echo after-usr1
trap - USR1
( trap 'echo sub-term; exit 5' TERM; sh -c 'kill -TERM $PPID'; sleep 5 ) ; echo "trap exit $?"
for i in 1 2 3; do (echo job $i > j$i) & done; wait; cat j1 j2 j3
echo all-done
sh -c 'exit 9' ; echo "sh -c exit $?"
false | true; echo "pipeline $?"
echo $(sh -c 'echo $PPID' ) > /dev/null && echo ppid-ok
