#!/bin/bash
# SPDX-License-Identifier: MIT
# run-check.sh: `make run` driven through tmux as a person would use it:
# the busybox prompt appears, a command runs, ^C interrupts `sleep 100`
# and the shell survives, ^Z stops it and fg resumes it, `poweroff -f`
# ends QEMU.  Then `make run` with a
# script on its input, as the README shows it.  Prints "run: ok" or
# "FAIL run: <why>" (exit status likewise); the screen is kept in
# build/test-logs/run-check.log.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/build/test-logs/run-check.log
s=motet-run-$$
mkdir -p "$(dirname "$log")"
command -v tmux >/dev/null || { echo "FAIL run: no tmux"; exit 1; }
screen() { tmux capture-pane -p -t "$s" -S -200 2>/dev/null; }
# waits up to $2 seconds for the pane to show $1 (an extended regexp)
wait_for() {
	for _ in $(seq $(( $2 * 5 ))); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.2
	done
	return 1
}
fail() { screen > "$log"; tmux kill-session -t "$s" 2>/dev/null; echo "FAIL run: $*"; exit 1; }
tmux new-session -d -s "$s" -x 120 -y 40 "cd '$top' && make -s run; sleep 2"
wait_for '^/ #' 120 || fail "no prompt"
tmux send-keys -t "$s" 'echo answer-$((6*7))' Enter
wait_for '^answer-42' 20 || fail "echo did not run"
tmux send-keys -t "$s" 'sleep 100' Enter
sleep 3
tmux send-keys -t "$s" C-c
tmux send-keys -t "$s" 'echo survived-$?' Enter
wait_for '^survived-130' 20 || fail "^C did not interrupt sleep 100, or the shell did not survive"
# job control: ^Z stops the foreground job, fg brings it back
tmux send-keys -t "$s" 'sleep 100' Enter
sleep 3
tmux send-keys -t "$s" C-z
wait_for 'Stopped +sleep 100' 20 || fail "^Z did not stop sleep 100"
tmux send-keys -t "$s" 'fg' Enter
sleep 3
tmux send-keys -t "$s" C-c
tmux send-keys -t "$s" 'echo back-$?' Enter
wait_for '^back-130' 20 || fail "fg and ^C did not end the stopped job"
tmux send-keys -t "$s" 'poweroff -f' Enter
wait_for 'shutdown requested' 20 || fail "poweroff -f did not stop the machine"
screen > "$log"
sleep 3
tmux kill-session -t "$s" 2>/dev/null
out=$(cd "$top" && printf 'echo scripted-$((2+3))\npoweroff -f\n' | timeout 120 make -s run 2>&1 | tr -d '\r')
echo "$out" >> "$log"
echo "$out" | grep -q '^scripted-5$' || { echo "FAIL run: a script piped into make run did not run"; exit 1; }
echo "$out" | grep -q 'shutdown requested' || { echo "FAIL run: the piped poweroff -f did not stop it"; exit 1; }
echo "run: ok"
