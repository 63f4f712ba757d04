#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: the same static benchmark program (user/bench/bench.c, with
# the shell scripts in user/bench/sh/) on motet and on Debian's Linux
# (linux-image-cloud-amd64) booted in the same QEMU (q35, qemu64, one
# processor, 512 MiB), the nucleus's own figures (t_bench) in a third
# boot, and one table: operation, motet, Linux, ratio (docs/performance.md).  BENCH_CLOCK=icount (default) runs both under
# -icount shift=0,sleep=off, so a guest nanosecond is one instruction and
# the figures repeat on a noisy machine; BENCH_CLOCK=wall uses real time
# (ACCEL=kvm where it works).  motet boots twice: pm as a supervisor
# actor (its trap handler serves the calls that never wait) for the main
# column, and as a user actor, as make run boots it (every call a message
# to its twin), for the last two; PM_MODE=user swaps them.  Raw outputs
# go to bench/results/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build
cd "$top"
clock=${BENCH_CLOCK:-icount}
kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
if [ -z "$kernel" ] && [ "$(id -u)" = 0 ]; then	# the Linux baseline, once
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-image-cloud-amd64 >/dev/null
	kernel=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
fi
[ -n "$kernel" ] || { echo "bench: no /boot/vmlinuz-*-cloud-amd64 (apt-get install linux-image-cloud-amd64)" >&2; exit 1; }
stamp=$(date -u +%Y%m%d-%H%M%S)-$(git rev-parse --short HEAD 2>/dev/null || echo nogit)
out=$top/bench/results/$stamp
mkdir -p "$out"
icount=()
[ "$clock" = icount ] && icount=(-icount shift=0,sleep=off)

# motet: pm runs the benchmark as process 1; its end powers off
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/motet"
cp "$B/user/bench" "$tmp/motet/bench"
cp user/bench/sh/*.sh "$tmp/motet/"
tools/mkroot.sh "$B/root-bench.cpio" "$tmp/motet=bench"
pm1=${PM_MODE:-supervisor}
pm2=$([ "$pm1" = user ] && echo supervisor || echo user)
for mode in "$pm1" "$pm2"; do
	cat > "$tmp/bench.conf" <<CONF
# modules: root-bench.cpio
user trusted om root=root-bench.cpio
user trusted stm
$mode trusted pm /bench/bench
CONF
	f=motet.txt
	[ "$mode" = "$pm1" ] || f=motet-$mode.txt
	echo "bench: motet, pm $mode ($clock)..."
	ICOUNT=$([ "$clock" = icount ] && echo 1 || echo 0) SMP=1 MEM=512 timeout 1200 \
		tools/qemu.sh batch "$tmp/bench.conf" < /dev/null > "$out/$f" 2>&1 || true
done

# the nucleus alone (tests/actors/t_bench.c, as make bench-core)
echo "bench: motet nucleus ($clock)..."
MODULES=t_bench ICOUNT=$([ "$clock" = icount ] && echo 1 || echo 0) SMP=1 MEM=512 timeout 600 \
	tools/qemu.sh batch tests/bench-core.conf < /dev/null > "$out/core.txt" 2>&1 || true

# Linux: an initramfs with busybox (a link for each applet, as on motet),
# motet's /etc and the same program and scripts
l=$tmp/linux
mkdir -p "$l"/{bin,sbin,usr/bin,usr/sbin,bench,proc,tmp,dev}
cp /bin/busybox "$l/bin/busybox"
for a in $("$l/bin/busybox" --list-full); do
	[ -e "$l/$a" ] || ln -s /bin/busybox "$l/$a"
done
cp -a user/root/. "$l/"
cp "$B/user/bench" "$l/bench/bench"
cp user/bench/sh/*.sh "$l/bench/"
cat > "$l/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev
/bench/bench
poweroff -f
INIT
chmod +x "$l/init"
(cd "$l" && find . | cpio -o -H newc --quiet) > "$B/linux-bench.cpio"
echo "bench: Linux $(basename "$kernel") ($clock)..."
timeout 1200 qemu-system-x86_64 -machine q35 -accel "${ACCEL:-tcg}" -cpu "${CPU:-qemu64}" -smp 1 -m 512 \
	"${icount[@]}" -kernel "$kernel" -initrd "$B/linux-bench.cpio" \
	-append "console=ttyS0 quiet panic=-1" -display none -monitor none -serial stdio -no-reboot \
	< /dev/null > "$out/linux.txt" 2>&1 || true

# the table
{
	echo "# motet $(git rev-parse --short HEAD 2>/dev/null) (pm $pm1; last columns pm $pm2) against Linux $(basename "$kernel"), $(date -u +%Y-%m-%d), clock $clock"
	echo "# (ns: time per operation, lower is better; MiB/s: higher is better; ratio: how many times slower motet is)"
	printf '%-22s %14s %14s %8s %16s %6s\n' operation motet linux ratio "pm $pm2" ratio
	tr -d '\r' < "$out/motet.txt" | grep '^bench ' > "$tmp/m" || true
	tr -d '\r' < "$out/motet-$pm2.txt" | grep '^bench ' > "$tmp/m2" || true
	# the nucleus rows (motet only): "BENCH name value ns (what)"
	tr -d '\r' < "$out/core.txt" | awk '
		BEGIN {
			n["null_call_user"] = "nucleus_null_call"
			n["actor_switch_user"] = "thread_switch_user"
			n["actor_switch_super"] = "thread_switch_super"
			n["ipc_call_user"] = "ipccall_user_user"
			n["ipc_call_super"] = "ipccall_super_super"
			n["ipc_call_lrpc_user"] = "ipccall_user_handler"
			n["ipc_call_lrpc_super"] = "ipccall_super_handler"
			n["ipc_call_4k_user"] = "ipccall_4k_user_user"
			n["vm_fault_zero_user"] = "fault_zero_nucleus"
			n["vm_fault_mapper_user"] = "fault_mapper"
		}
		$1 == "BENCH" && ($2 in n) { print "bench", n[$2], $3, $4 }' >> "$tmp/m"
	tr -d '\r' < "$out/linux.txt" | grep '^bench ' > "$tmp/x" || true
	# how many times slower than Linux: ratio VALUE LINUX UNIT
	ratio() {
		if ! [[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] || [ "$1" = 0 ] || [ "$2" = 0 ]; then echo -
		elif [ "$3" = MiB/s ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b / a }'
		else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; fi
	}
	while read -r _ name v unit; do
		lv=$(awk -v n="$name" '$2 == n { print $3 }' "$tmp/x")
		[ -n "$lv" ] || lv=-
		v2=$(awk -v n="$name" '$2 == n { print $3 }' "$tmp/m2")
		[ -n "$v2" ] || v2=-
		lu=$unit
		[ "$lv" = - ] && lu=
		printf '%-22s %10s %-5s %8s %-5s %6s %10s %-5s %6s\n' "$name" "$v" "$unit" "$lv" "$lu" \
			"$(ratio "$v" "$lv" "$unit")" "$v2" "$([ "$v2" = - ] || echo "$unit")" \
			"$(ratio "$v2" "$lv" "$unit")"
	done < "$tmp/m"
} | tee "$out/table.txt"
echo "bench: raw outputs in ${out#$top/}"
bad=0
for f in motet:'^bench ' motet-$pm2:'^bench ' core:'^BENCH ' linux:'^bench '; do
	if ! tr -d '\r' < "$out/${f%%:*}.txt" | grep -q "${f#*:}"; then
		echo "bench: no figures from ${f%%:*} (see ${out#$top/}/${f%%:*}.txt)" >&2
		bad=1
	fi
done
if grep -q ' failed ' "$out/table.txt"; then
	echo "bench: some operations failed (see the table)" >&2
	bad=1
fi
exit $bad
