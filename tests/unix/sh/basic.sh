# variables, arithmetic, control flow, functions, exit codes
a=3 b=4
echo "sum $((a + b)) product $((a * b))"
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); done
echo "while: $i"
for w in one two three; do printf '%s.' "$w"; done; echo
f() { echo "f got $# args: $*"; return 7; }
f x y z
echo "f returned $?"
if false; then echo no; elif true; then echo elif; fi
case hello in h*o) echo case-match;; *) echo case-miss;; esac
x=$(echo nested $(echo sub))
echo "$x"
echo ${undefined:-default} ${#x}
(exit 42); echo "subshell exit $?"
true && echo and-ok; false || echo or-ok
set -- p q r; shift; echo "after shift: $1 $#"
echo "pid is a number: $(case $$ in *[!0-9]*) echo no;; *) echo yes;; esac)"
readonly r=1; (r=2) 2>/dev/null || echo readonly-kept
