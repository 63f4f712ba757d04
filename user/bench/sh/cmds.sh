# 100 small commands, 25 rounds of 4 (busybox applets; the shell forks
# for each, and execs busybox again for sed)
i=0
while [ $i -lt 25 ]; do
	cat /etc/passwd > /dev/null
	wc -l /etc/passwd > /dev/null
	sed -n 1p /etc/passwd > /dev/null
	ls / > /dev/null
	i=$((i + 1))
done
