#!/bin/bash
# run.sh SOAK RUNS: the soak behind "make soak" (tests/soak/soak.c), run
# on two kinds of tree:
#   - the benchmark's 4096-device server (tests/bench/mktree.sh), its four
#     GPUs claimed RUNS times in a row (vfio-pci built in: each run writes
#     the overrides, the unbinds and the probe);
#   - copies of the desktop tree (tests/trees/desktop) with faults
#     injected while the claims run, RUNS runs on each of two seeds.
# After each: the soak's own verdict (no crash under ASan and UBSan, no
# growth of descriptors or memory), no hang (a timeout), and every path
# of the tree that changed is one the claim means to write (overrides,
# bind, unbind, drivers_probe, the record, the log) or the fake modprobe's
# registration of vfio-pci and binding (a device's driver link, its
# uevent's DRIVER=, the drivers' device links); no fault is left behind.  Prints the soak's
# counts.  Longer than make check: not part of it.
set -u
soak=${1:?usage: run.sh SOAK RUNS}
runs=${2:?usage: run.sh SOAK RUNS}
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/lib/tap.sh"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	work=$(mktemp -d /dev/shm/vfiopt-soak.XXXXXX)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-soak.XXXXXX")
fi
trap 'rm -rf "$work"' EXIT
soak=$(realpath "$soak")
modprobe=$here/lib/fake-modprobe

snapshot() { # TREE
	(
		cd "$1" || exit
		find . -type f -print0 | sort -z | xargs -0 md5sum
		find . -type l -printf '%p -> %l\n' | sort
		find . -type d | sort
	)
}

# The paths of TREE that differ from BEFORE, less those the claim and the
# fake modprobe may write.
unexpected_changes() { # BEFORE TREE
	snapshot "$2" >"$work/after"
	diff "$1" "$work/after" | sed -n 's/^[<>] //p' |
		awk '$2 == "->" || NF == 1 { print $1; next } { print $2 }' | sort -u |
		grep -vE '/driver_override$|/sys/bus/pci/drivers/[^/]+/(bind|unbind|new_id|remove_id)$|/sys/bus/pci/drivers_probe$|^\./run/vfiopt(/claimed)?$|^\./dev/kmsg$|^\./sys/bus/pci/drivers/vfio-pci(/.*)?$|^\./sys/module/vfio[a-z0-9_]*$|^\./sys/bus/pci/drivers/[^/]+/[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$|/driver$|/uevent$'
}

# soak_tree NAME TREE ARGS...: one soak, with the checks after it.
soak_tree() {
	local name=$1 tree=$2 out
	shift 2
	snapshot "$tree" >"$work/$name.before"
	out=$(FAKE_SYSROOT=$tree timeout 3600 "$soak" "$@" 2>"$work/$name.err")
	local rc=$?
	printf '# %s: %s\n' "$name" "$out"
	soak_out=$out
	[ "$rc" = 0 ] || tap_fail "the soak failed (status $rc):" "$(tail -n 30 "$work/$name.err")"
	local bad
	bad=$(unexpected_changes "$work/$name.before" "$tree")
	[ -z "$bad" ] || tap_fail "written outside what the claim writes:" "$bad"
	bad=$(find "$tree" -name '*.soak-saved')
	[ -z "$bad" ] || tap_fail "a fault was left behind:" "$bad"
}

test_big_tree() {
	local tree=$work/big
	"$here/bench/mktree.sh" "$tree" >/dev/null || {
		tap_fail "could not build the 4096-device tree"
		return
	}
	# Its vfio-pci is built in, and no kernel binds in a fake tree: each
	# run writes the overrides, unbinds nouveau and asks for a probe
	# again, and records the GPUs as failed.
	soak_tree big "$tree" "$tree" "$runs" -- --sysroot "$tree" --modprobe "$modprobe" \
		--cmdline "vfiopt.ids=10de:2204"
	expect_eq "the record" "$(grep -c ' 10de:2204 id nouveau failed$' "$tree/run/vfiopt/claimed")" 4
	expect_eq "the overrides" "$(cat "$tree"/sys/bus/pci/devices/*/driver_override | grep -c vfio-pci)" 4
}

test_faults() { # SEED
	local tree=$work/faults-$1 ok
	mkdir -p "$tree"
	cp -a "$here/trees/desktop/." "$tree/"
	mkdir -p "$tree/run" "$tree/etc"
	# Every 100 runs the tree is as it was (-r), so that each stretch
	# starts with the devices on their host drivers and vfio-pci to load.
	cp -a "$tree" "$tree.pristine"
	soak_tree "faults, seed $1" "$tree" -f -s "$1" -r "$tree.pristine" "$tree" "$runs" -- \
		--sysroot "$tree" --modprobe "$modprobe" \
		--cmdline "vfiopt.ids=10de:1b80,1002:67df vfiopt.addrs=03:00.0,00:1f.3"
	# Claims that held among the faults: the whole path ran, not only
	# the refusals.
	ok=$(sed -n 's/.*exit status 0: \([0-9]*\),.*/\1/p' <<<"$soak_out")
	[ "${ok:-0}" -gt 0 ] || tap_fail "no run claimed without a failure: $soak_out"
}

failed=0
run_test "soak: $runs claims in a row on the 4096-device tree" test_big_tree
failed=$((failed + tap_failed))
for seed in 1 2; do
	run_test "soak: $runs claims on the desktop tree with faults injected (seed $seed)" test_faults "$seed"
	failed=$((failed + tap_failed))
done
[ "$failed" = 0 ]
