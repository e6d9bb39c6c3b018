#!/bin/bash
# boot.sh: what the early claim costs a real boot, the second half of
# `make bench`.  The installed Debian system of tests/lib/system.sh, twice:
# set up with vfiopt (setup --ids 1234:1111 --apply: the module in a
# host-only initramfs, the GPU claimed at every boot) and without it (the
# same host-only image, made by the same dracut, with no vfiopt).  Both
# boot through GRUB in turn, BOOTS times each (default 5), and each boot
# reports the size of its initramfs and how long systemd measured the
# initrd phase (systemd-analyze's "(initrd)": from the initrd's start to
# the switch to the real root).  Printed: medians and their ratios.  The
# numbers are not a test; the exit status says only whether it could run.
set -euo pipefail
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/report.sh
. "$top/tests/lib/report.sh"
# shellcheck source=tests/lib/system.sh
. "$top/tests/lib/system.sh"
boots=${BOOTS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-bench-boot.XXXXXX")
trap 'rm -rf "$work"' EXIT

die() {
	echo "bench: $*" >&2
	exit 1
}

# field LOG NAME: a "BENCH NAME=VALUE" line's value.
field() {
	report "$1" | sed -n "s/^BENCH $2=//p"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

prepare() { # NAME STAGE CHECK-LABEL
	local log=$work/prep-$1.log
	system_disk "$work/$1.qcow2" || die "qemu-img failed"
	system_boot "$log" "$work/$1.qcow2" "$2" || die "preparing '$1' did not finish: see $log.console"
	report "$log" | grep -x "RC $3 0 [0-9]*" >/dev/null || die "preparing '$1': $3 failed: $(report "$log" | grep '^OUT' | tail -n 5)"
}

start=$SECONDS
system_deb "$work/deb.log" || die "make deb failed: $(tail -n 5 "$work/deb.log")"
system_image || die "no installed system"
echo "installed system: $SYSTEM_IMAGE ($SYSTEM_ACCEL)"
prepare with bench_with setup
prepare without bench_without dracut
echo "prepared both disks in $((SECONDS - start)) s; $boots boots each, in turn"

for ((i = 1; i <= boots; i++)); do
	# Alternate which goes first, so that a noisy moment hits both alike.
	order="with without"
	((i % 2)) || order="without with"
	for name in $order; do
		log=$work/$name-$i.log
		system_boot "$log" "$work/$name.qcow2" bench_measure || die "boot $name $i did not report"
		initrd_us=$(($(field "$log" UserspaceTimestampMonotonic) - $(field "$log" InitRDTimestampMonotonic)))
		echo "$initrd_us" >>"$work/$name.initrd"
		field "$log" InitrdBytes >"$work/$name.size"
		driver=$(dev_field "$log" 0000:00:06.0 driver)
		echo "  boot $i $name: initrd phase $((initrd_us / 1000)) ms, GPU on $driver"
		if [ "$name" = with ] && [ "$driver" != vfio-pci ]; then
			die "the GPU is not on vfio-pci in a boot with vfiopt"
		fi
	done
done

with_ms=$(median <"$work/with.initrd" | awk '{ printf "%.0f", $1 / 1000 }')
without_ms=$(median <"$work/without.initrd" | awk '{ printf "%.0f", $1 / 1000 }')
with_size=$(cat "$work/with.size")
without_size=$(cat "$work/without.size")
echo
echo "Boot cost of the early claim: installed Debian 12, $SYSTEM_ACCEL, medians of $boots boots each"
printf '  %-16s %14s %16s\n' "" "initramfs" "initrd phase"
printf '  %-16s %10d KiB %13d ms\n' "without vfiopt" $((without_size / 1024)) "$without_ms"
printf '  %-16s %10d KiB %13d ms\n' "with vfiopt" $((with_size / 1024)) "$with_ms"
awk -v a="$with_size" -v b="$without_size" -v c="$with_ms" -v d="$without_ms" \
	'BEGIN { printf "  %-16s %14.3f %16.3f\n", "ratio", a / b, c / d }'
echo "(in $((SECONDS - start)) s)"
