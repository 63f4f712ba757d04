# more applets, with output that does not depend on the time or the machine
date -u -d @0 '+%Y-%m-%d %H:%M:%S'
date -u -d @1000000000 +%A
case $(date +%s) in *[!0-9]*) echo bad-date;; *) echo date-is-a-number;; esac
t0=$(date +%s); sleep 1; t1=$(date +%s); [ $((t1 - t0)) -ge 1 ] && [ $((t1 - t0)) -le 3 ] && echo slept
basename /a/b/c.txt .txt; dirname /a/b/c.txt
seq 3 | tr '\n' ,; echo
expr 6 \* 7
test -n "x" && [ 3 -gt 2 ] && echo tests-ok
printf '%05d|%-4s|%x\n' 42 ab 255
yes y | head -3 | tr -d '\n'; echo
printf 'abc' | od -An -c
printf 'hello\n' | sha256sum
echo hello > h; cmp h h && echo cmp-same
printf 'a\nb\n' > x; printf 'a\nc\n' > y; diff x y | tail -2
touch -d '2020-01-02 03:04:05' h; stat -c %y h | cut -c1-19
ls -l h | awk '{ print $1, $3, $4, $5 }'
env -i FOO=bar env
{ sleep 5 & k=$!; kill -9 $k; wait $k; echo "sigkill status $?"; } 2>/dev/null
echo one > a; ln -sf a b; cat b; rm a; [ -e b ] || echo dangling
rev <<EOT 2>/dev/null || echo no-rev
abc
EOT
echo done
