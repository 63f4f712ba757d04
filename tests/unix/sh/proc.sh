# /proc as ps and friends use it
# (long enough to outlive the test on a slow host; killed at the end)
sleep 100 & p=$!
# until the child has become sleep (fork, then execve) and sleeps in
# nanosleep; bounded, so a wrong state shows as a difference, not a hang
i=0
while [ "$(cut -d' ' -f2,3 /proc/$p/stat 2>/dev/null)" != "(sleep) S" ] && [ $i -lt 3000 ]; do
	i=$((i + 1))
done
ps -o pid,comm | grep -c "^ *$p sleep$"
grep -c MemTotal /proc/meminfo
[ "$(readlink /proc/self)" -gt 0 ] && echo self-is-a-pid
tr '\0' ' ' < /proc/$p/cmdline; echo
cut -d' ' -f2,3 /proc/$p/stat
[ "$(cut -d' ' -f4 /proc/$p/stat)" = $$ ] && echo ppid-is-us
ls /proc/$p | grep -c -E '^(stat|cmdline|status)$'
grep -c '^Name:' /proc/$p/status
kill $p; wait $p 2>/dev/null
[ -d /proc/$p ] || echo gone
