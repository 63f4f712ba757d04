# /proc as ps and friends use it
sleep 3 & p=$!
# until the child has become sleep (fork, then execve)
while [ "$(cat /proc/$p/comm 2>/dev/null)" != sleep ]; do :; done
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
