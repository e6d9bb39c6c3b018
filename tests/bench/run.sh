#!/bin/bash
# run.sh HELPER: the benchmark behind `make bench`.  On a fake tree of 4096
# PCI devices with 4 to claim, time the claim as the initramfs runs it
# (vfiopt-claim) against the floor (read each uevent once, in C) and
# against the shell loop guides recommend, run by busybox sh as in an
# initramfs.  Print the medians, the ratios of those medians, the helper's
# size and whether the aims are met.  The aims are not a test: exit 0
# whatever the numbers, non-zero only when something could not run.
#
# Rounds (ROUNDS, default 21) run the three contenders back to back, in an
# order that rotates, so that a noisy moment hits them alike.
set -euo pipefail
export LC_ALL=C # $EPOCHREALTIME must have a '.' to cut at

here=$(cd "$(dirname "$0")" && pwd)
ids=10de:2204
rounds=${ROUNDS:-21}
# Without TMPDIR, prefer tmpfs: sysfs lives in memory too, and on this disk
# creating the tree's 40,000 files took from 2 to 40 s, against 1 s there.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	scratch_parent=/dev/shm
else
	scratch_parent=${TMPDIR:-/tmp}
fi
names=("floor" "vfiopt-claim" "shell loop")

die() {
	echo "bench: $*" >&2
	exit 1
}

if [ $# -ne 1 ]; then
	echo "usage: $0 HELPER" >&2
	exit 2
fi
helper=$1
# A bare name would be looked up in $PATH, not taken from here.
[[ $helper == */* ]] || helper=./$helper
[ -x "$helper" ] || die "$helper: no such executable"
command -v busybox >/dev/null || die "busybox not found (Debian: busybox-static)"
scratch=$(mktemp -d "$scratch_parent/vfiopt-bench.XXXXXX")
tree=$scratch/tree
# Some 180 MB in memory: never leave it behind.
trap 'rm -rf "$scratch"' EXIT

t0=$EPOCHREALTIME
"$here/mktree.sh" "$tree" || die "could not build the tree"
t1=$EPOCHREALTIME
echo "built the tree in $(((${t1/./} - ${t0/./}) / 1000)) ms"

# The floor is built as vfiopt is, so both start up alike.
if command -v musl-gcc >/dev/null; then
	floor_cc=musl-gcc
else
	floor_cc=cc
fi
"$floor_cc" -static -O2 -o "$scratch/floor" "$here/floor.c" ||
	die "could not build floor.c"

# The devices both claimers must set: found here so that each run can be
# undone and the next one does the same work again.
targets=()
for d in "$tree"/sys/bus/pci/devices/*; do
	read -r v <"$d/vendor"
	read -r dv <"$d/device"
	if [ "$v:$dv" = "0x${ids%:*}:0x${ids#*:}" ]; then
		targets+=("$d")
	fi
done
[ ${#targets[@]} = 4 ] || die "the tree has ${#targets[@]} devices to claim, not 4"

# reset: undo a claim, outside the timed part.  vfiopt also logs to dev/kmsg
# and leaves a record under run/; clear both so they do not grow or change
# what the next run sees.
reset() {
	local d
	for d in "${targets[@]}"; do
		echo '(null)' >"$d/driver_override"
	done
	: >"$tree/dev/kmsg"
	find "$tree/run" -mindepth 1 -delete
}

# run N: run contender N once, timed; leave its time in microseconds in $us.
# Its output goes to a log, read only when it fails.
run() {
	local log=$scratch/run$1.log rc=0 t0 t1
	case $1 in
	0)
		t0=$EPOCHREALTIME
		"$scratch/floor" "$tree" >"$log" 2>&1 || rc=$?
		t1=$EPOCHREALTIME
		;;
	1)
		t0=$EPOCHREALTIME
		"$helper" --sysroot "$tree" --cmdline "vfiopt.ids=$ids" \
			>"$log" 2>&1 || rc=$?
		t1=$EPOCHREALTIME
		# On a fake tree nothing rebinds, so claim reports the devices
		# as not on vfio-pci and exits 1: expected here.
		[ $rc = 1 ] && rc=0
		;;
	2)
		t0=$EPOCHREALTIME
		busybox sh "$here/shell-claim.sh" "$tree" "$ids" >"$log" 2>&1 || rc=$?
		t1=$EPOCHREALTIME
		;;
	esac
	if [ $rc != 0 ]; then
		cat "$log" >&2
		die "${names[$1]} failed with status $rc"
	fi
	us=$((${t1/./} - ${t0/./}))
}

# A first untimed round warms the caches and checks that both claimers
# really claim, lest we time something that does nothing.
for n in 0 1 2; do
	reset
	run $n
	for d in "${targets[@]}"; do
		# sysfs values need no newline: read fails at EOF, yet sets o.
		read -r o <"$d/driver_override" || true
		[ "$n" = 0 ] || [ "$o" = vfio-pci ] ||
			die "${names[$n]} did not set ${d##*/}/driver_override"
	done
done
reset

times=("" "" "")
for ((r = 0; r < rounds; r++)); do
	for ((i = 0; i < 3; i++)); do
		n=$(((r + i) % 3))
		run $n
		reset
		times[n]+="$us "
	done
done

median() {
	# shellcheck disable=SC2086 # one word per time, on purpose
	printf '%s\n' $1 | sort -n | awk '{ t[NR] = $1 }
		END { print NR % 2 ? t[(NR + 1) / 2] : int((t[NR / 2] + t[NR / 2 + 1]) / 2) }'
}
floor=$(median "${times[0]}")
claim=$(median "${times[1]}")
shell=$(median "${times[2]}")
size=$(stat -c %s "$helper")
linkage=$(file -L "$helper" | grep -oE 'statically linked|static-pie linked|dynamically linked' ||
	echo "linkage unknown")

# ms US: microseconds as milliseconds with three decimals.
ms() {
	printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
}
# ratio A B: A/B with two decimals, rounded.
ratio() {
	local c=$(((200 * $1 / $2 + 1) / 2))
	printf '%d.%02d' $((c / 100)) $((c % 100))
}
met() {
	if "$@"; then echo met; else echo "NOT met"; fi
}

printf 'vfiopt bench: %d devices, %d to claim (%s), medians of %d rounds\n' \
	"$(find "$tree/sys/bus/pci/devices" -mindepth 1 | wc -l)" ${#targets[@]} \
	"$ids" "$rounds"
printf '  %-30s %9s ms\n' "floor (read each uevent, C)" "$(ms "$floor")" \
	"vfiopt-claim" "$(ms "$claim")" \
	"shell loop (busybox sh)" "$(ms "$shell")"
printf '  %-30s %9s x   aim <= 1.2x    %s\n' "claim / floor" \
	"$(ratio "$claim" "$floor")" "$(met test $((5 * claim)) -le $((6 * floor)))"
printf '  %-30s %9s x   aim >= 3x      %s\n' "shell loop / claim" \
	"$(ratio "$shell" "$claim")" "$(met test "$shell" -ge $((3 * claim)))"
printf '  %-30s %9s KiB aim <= 48 KiB  %s (%d bytes, %s)\n' "vfiopt-claim size" \
	"$(ratio "$size" 1024)" "$(met test "$size" -le 49152 -a "$linkage" != "dynamically linked")" \
	"$size" "$linkage"
