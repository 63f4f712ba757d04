#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench: the same static benchmark program (user/bench/bench.c) on
# motet and on Debian's Linux (linux-image-cloud-amd64) booted in the same
# QEMU (q35, qemu64, one processor, 512 MiB), and one table: operation,
# motet, Linux, ratio.  BENCH_CLOCK=icount (default) runs both under
# -icount shift=0,sleep=off, so a guest nanosecond is one instruction and
# the figures repeat on a noisy machine; BENCH_CLOCK=wall uses real time
# (ACCEL=kvm where it works).  Raw outputs go to bench/results/.
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
tools/mkroot.sh "$B/root-bench.cpio" "$tmp/motet=bench"
cat > "$tmp/bench.conf" <<CONF
# modules: root-bench.cpio
user trusted om root=root-bench.cpio
user trusted stm
user trusted pm /bench/bench
CONF
echo "bench: motet ($clock)..."
ICOUNT=$([ "$clock" = icount ] && echo 1 || echo 0) SMP=1 MEM=512 timeout 1200 \
	tools/qemu.sh batch "$tmp/bench.conf" < /dev/null > "$out/motet.txt" 2>&1 || true

# Linux: an initramfs with busybox and the same program
l=$tmp/linux
mkdir -p "$l/bin" "$l/bench" "$l/proc" "$l/tmp" "$l/dev"
cp /bin/busybox "$l/bin/busybox"
for a in sh mount poweroff; do ln -s busybox "$l/bin/$a"; done
cp "$B/user/bench" "$l/bench/bench"
cat > "$l/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
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
	echo "# motet $(git rev-parse --short HEAD 2>/dev/null) against Linux $(basename "$kernel"), $(date -u +%Y-%m-%d), clock $clock"
	echo "# (ns: time per operation, lower is better; MiB/s: higher is better; ratio: how many times slower motet is)"
	printf '%-22s %14s %14s %8s\n' operation motet linux ratio
	tr -d '\r' < "$out/motet.txt" | grep '^bench ' > "$tmp/m" || true
	tr -d '\r' < "$out/linux.txt" | grep '^bench ' > "$tmp/x" || true
	while read -r _ name v unit; do
		lv=$(awk -v n="$name" '$2 == n { print $3 }' "$tmp/x")
		[ -n "$lv" ] || lv=-
		if [ "$lv" = - ] || [ "$lv" = 0 ] || [ "$v" = 0 ]; then r=-
		elif [ "$unit" = MiB/s ]; then r=$(awk -v a="$v" -v b="$lv" 'BEGIN { printf "%.1f", b / a }')
		else r=$(awk -v a="$v" -v b="$lv" 'BEGIN { printf "%.1f", a / b }'); fi
		printf '%-22s %10s %-5s %8s %-5s %6s\n' "$name" "$v" "$unit" "$lv" "$unit" "$r"
	done < "$tmp/m"
} | tee "$out/table.txt"
echo "bench: raw outputs in ${out#$top/}"
