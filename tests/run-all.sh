#!/bin/bash
# Every test suite of the project, as "make check" and CI run them.  Each
# suite speaks TAP; this prints their lines and ends with one summary line,
# "N passed, N failed".  Exit status 0 only when nothing failed.
set -u
VFIOPT=${1:?usage: run-all.sh VFIOPT HELPER}
HELPER=${2:?usage: run-all.sh VFIOPT HELPER}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
passed=0
failed=0

count() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"ok "*) passed=$((passed + 1)) ;;
		"not ok "*) failed=$((failed + 1)) ;;
		esac
	done
}

# suite NAME COMMAND...: a TAP suite whose exit status counts too: one that
# dies half-way (set -u, a missing tool) is a failure, not a shorter pass.
# Prints the suite's lines when it has ended, for count to read.
suite() {
	local name=$1 out rc start=$SECONDS
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	rm -f "$out"
	[ "$rc" = 0 ] || echo "not ok - $name exited with status $rc"
	echo "# time: $name, $((SECONDS - start)) s"
}

# run_check NAME COMMAND...: one TAP line for a command that must succeed.
run_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
	else
		echo "not ok - $name"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

shell_files() {
	find . -path ./.git -prune -o -path ./tests/trees -prune -o -path ./build -prune \
		-o -path './tests/*/logs' -prune -o -type f -print | sort |
		while read -r f; do
			head -c 64 "$f" | grep -qE '^#!.*(ba)?sh|^# shellcheck shell=' && echo "$f"
		done
}

is_static() {
	file -L "$1" | grep -qE 'statically linked|static-pie linked'
}

# What goes into every initramfs stays small: the aim of issue 16, checked
# here as a size, not a time.  CC is musl-gcc when tests/deps.sh has run.
helper_small() {
	local size
	size=$(stat -c %s "$HELPER")
	[ "$size" -le 49152 ] || {
		echo "vfiopt-claim is $size bytes"
		return 1
	}
}

# The code that runs at boot (src/early, src/shared) includes nothing of
# the host's (src/host, src/setup): the helper cannot grow into the tool.
early_stays_early() {
	! grep -nE '#include "(host|setup)/' src/early/*.[ch] src/shared/*.[ch]
}

# While setup's file names the module, make uninstall refuses and removes
# nothing: dracut would fail on every run without the module.
uninstall_guarded() { # DEST
	mkdir -p "$1/etc/dracut.conf.d" &&
		printf '# Written by "vfiopt setup": run it again\nadd_dracutmodules+=" vfiopt "\n' \
			>"$1/etc/dracut.conf.d/vfiopt.conf" &&
		! make -s uninstall DESTDIR="$1" PREFIX=/usr DRACUTMODULESDIR=/usr/lib/dracut/modules.d \
			2>/dev/null &&
		[ -f "$1/usr/lib/dracut/modules.d/90vfiopt/module-setup.sh" ] &&
		rm -r "${1:?}/etc"
}

# make install into a staging root puts every file where it belongs, and
# make uninstall takes all of them away again.
install_roundtrip() {
	local dest
	dest=$(mktemp -d)
	make -s install DESTDIR="$dest" PREFIX=/usr DRACUTMODULESDIR=/usr/lib/dracut/modules.d &&
		[ "$(cd "$dest" && find . -type f | sort | tr '\n' ' ')" = "./usr/lib/dracut/modules.d/90vfiopt/module-setup.sh ./usr/lib/dracut/modules.d/90vfiopt/vfiopt-claim.sh ./usr/lib/dracut/modules.d/90vfiopt/vfiopt-modprobe.conf ./usr/lib/dracut/modules.d/90vfiopt/vfiopt-softdeps ./usr/libexec/vfiopt-claim ./usr/sbin/passthrough_boot.sh ./usr/sbin/vfiopt ./usr/share/initramfs-tools/hooks/vfiopt ./usr/share/initramfs-tools/scripts/init-top/claim_vfiopt ./usr/share/man/man8/vfiopt.8 ./usr/share/vfiopt/grub.d/vfiopt.cfg ./usr/share/vfiopt/modprobe.d/vfiopt.conf ./usr/share/vfiopt/vfiopt-softdeps " ] &&
		cmp -s "$VFIOPT" "$dest/usr/sbin/vfiopt" &&
		cmp -s "$HELPER" "$dest/usr/libexec/vfiopt-claim" &&
		grep -qx '_vfiopt_default_helper="/usr/libexec/vfiopt-claim"' \
			"$dest/usr/lib/dracut/modules.d/90vfiopt/module-setup.sh" &&
		grep -qx 'vfiopt_helper=/usr/libexec/vfiopt-claim' "$dest/usr/share/initramfs-tools/hooks/vfiopt" &&
		grep -qx 'vfiopt_softdeps=/usr/share/vfiopt/modprobe.d/vfiopt.conf' \
			"$dest/usr/share/initramfs-tools/hooks/vfiopt" &&
		uninstall_guarded "$dest" &&
		make -s uninstall DESTDIR="$dest" PREFIX=/usr DRACUTMODULESDIR=/usr/lib/dracut/modules.d &&
		[ -z "$(find "$dest" -type f)" ]
	local rc=$?
	rm -rf "$dest"
	return $rc
}

# The seed recipe's advice that the kernel's own sources prove wrong:
# video=vesafb:off (vesafb ignores it) and amd_iommu=on (amd_iommu= has no
# "on").  Only docs/design.md, which tells why, may name them, and the unit
# suites, which feed them in as an older setup's words.
no_stale_advice() {
	local hits
	hits=$(git grep -nIE 'vesafb:off|amd_iommu=on' -- . ':!docs/design.md' ':!tests/run-all.sh' \
		':!tests/unit/*.sh') &&
		{ printf '%s\n' "$hits"; return 1; }
	git rev-parse --git-dir >/dev/null
}

# Debian's kernels of the matrix (6.1 of Debian 12, 6.12 of Debian 13,
# unstable's newest), which the boot and initramfs suites share, fetched
# once before them.
fetch_kernels() {
	local series
	# shellcheck source=tests/lib/kernels.sh
	. tests/lib/kernels.sh
	for series in 6.1 trixie sid; do
		kernel_fetch "$series" || return 1
		echo "$series: $KERNEL_VERSION"
	done
}

# Debian 13's QEMU for the rigs (tests/lib/qemu.sh), its root built once
# for both lanes.
rig_emulator() {
	# shellcheck source=tests/lib/kernels.sh
	. tests/lib/kernels.sh
	# shellcheck source=tests/lib/release-root.sh
	. tests/lib/release-root.sh
	# shellcheck source=tests/lib/qemu.sh
	. tests/lib/qemu.sh
	qemu_rig && "${QEMU_RIG[@]}" --version | head -n 1
}

# wait_for FLAG SECONDS: until the other side of the run has touched
# $flags/FLAG, at most SECONDS.
wait_for() {
	local waited=0
	while [ ! -e "$flags/$1" ] && [ "$waited" -lt "$2" ]; do
		sleep 5
		waited=$((waited + 5))
	done
	[ -e "$flags/$1" ]
}

# The suites that boot machines under emulation take nearly all of the
# time, and each keeps about one core busy: two lanes of them run side by
# side on CI's two cores.  Each lane's suites run in turn, and each suite
# is a whole (its own cache entries, logs and disks).
#
# Debian 13 is stable: its default chain (BIOS, GRUB, initramfs-tools)
# and its UEFI chain with dracut are the main line; Debian 12 keeps one
# system, which vfiopt 0.2 and then Debian 13 are upgraded on.  Debian
# 12's UEFI system stays runnable alone (docs/testing.md).
#
# The second lane starts first: Debian 13's QEMU, which every rig boots
# its machines with, and Debian's kernels, then the boot suite, the
# initramfs suite and Debian 13's UEFI system with dracut, which goes on
# to UKIs.  The claim suites, the fuzz smoke, the packages and the lint
# run beside it, on the core it leaves, and the first lane follows them:
# the setup and verbs suites, then, once that QEMU is there (a lock keeps
# two builds of its root apart in any case), the boot command suite,
# which asks it too, Debian 13's GRUB system and the upgrade suite.  The
# second lane waits for the packages (its UEFI system installs the .deb)
# before that system, and prints when it has ended.  The lanes are
# balanced by the suites' times in a cold run (docs/testing.md).
lane_systems() {
	echo "# unit: vfiopt setup on fake roots"
	suite "the setup suite" tests/unit/setup/setup.sh "$VFIOPT"
	echo "# unit: list, check, status, release on fake trees"
	suite "the verbs suite" tests/unit/host/verbs.sh "$VFIOPT"
	# Debian 13's QEMU, whose root lane_uefi builds first: minutes, not
	# an hour.
	wait_for qemu 3600 || {
		echo "not ok - Debian 13's QEMU for the rigs was not ready within an hour: the systems not run"
		return 0
	}
	echo "# unit: the QEMU command vfiopt boot builds"
	suite "the boot command suite" tests/unit/host/boot.sh "$VFIOPT"
	echo "# system: a Debian 13 system installed from Debian's archive, booted through its GRUB"
	suite "the installed-system suite, Debian 13, GRUB, initramfs-tools" \
		env SYSTEM_SUITE=trixie SYSTEM_GENERATOR=initramfs-tools tests/system/run.sh
	echo "# system: a Debian 12 system, vfiopt 0.2 upgraded to this version, then Debian 12 to 13"
	suite "the upgrade suite, Debian 12 to 13, GRUB, initramfs-tools" tests/system/release-upgrade.sh
}
lane_uefi() {
	echo "# qemu: Debian 13's, which every rig boots its machines with"
	run_check "Debian 13's QEMU in a root of its release (or cached)" rig_emulator
	touch "$flags/qemu"
	echo "# kernels: Debian's, for the boot and initramfs suites"
	run_check "Debian's kernels of the matrix fetched (or cached)" fetch_kernels
	echo "# boot: nested QEMU, Debian's kernels, each release's own dracut"
	suite "the boot suite" tests/boot/run.sh
	echo "# initramfs: Debian's dracut and initramfs-tools, Debian's kernels"
	suite "the initramfs suite" tests/initramfs/run.sh
	# The packages suite ends within minutes of the start; an hour
	# without it is a failure, not a wait without end.
	wait_for packages 3600 || {
		echo "not ok - the packages suite did not end within an hour: Debian 13's UEFI system not run"
		return 0
	}
	echo "# system: a Debian 13 UEFI system (OVMF), booted through its systemd-boot, with dracut"
	suite "the installed-system suite, Debian 13, UEFI, systemd-boot, dracut" \
		env SYSTEM_SUITE=trixie SYSTEM_GENERATOR=dracut tests/system/systemd-boot.sh
}

flags=$(mktemp -d)
lane=$(mktemp)
lane_uefi >"$lane" 2>&1 &
lane_pid=$!

# The claim suites, beside the second lane.
count < <(
	echo "# unit: the early claim on fake sysfs trees, as the helper and as vfiopt claim"
	suite "the claim suite, vfiopt-claim" tests/unit/early/claim.sh "$HELPER"
	suite "the claim suite, vfiopt claim" tests/unit/early/claim.sh "$VFIOPT" claim
)

echo "# fuzz: the parsers of untrusted input, and the formatter, under ASan and UBSan"
count < <(
	for target in cmdline config words format uevent uki regions qemuhelp; do
		run_check "$target: survives its corpus and 200000 generated inputs" \
			"tests/fuzz/smoke-$target" "tests/fuzz/corpus/$target" 200000
	done
)

# The packages before the installed systems, which install the .deb it
# leaves in build/deb.
count < <(
	echo "# packages: make dist, make deb (lintian), make rpm (rpmlint)"
	suite "the packages suite" tests/packages/run.sh
)
touch "$flags/packages"

echo "# build and lint"
count < <(
	run_check "make install and uninstall with DESTDIR and PREFIX" install_roundtrip
	run_check "vfiopt is statically linked" is_static "$VFIOPT"
	run_check "vfiopt-claim is statically linked" is_static "$HELPER"
	run_check "vfiopt-claim is at most 48 KiB (musl, -Os)" helper_small
	run_check "src/early and src/shared include nothing of src/host and src/setup" early_stays_early
	run_check "no stale advice (vesafb:off, amd_iommu=on) in the tree" no_stale_advice
	run_check "cppcheck finds nothing" cppcheck --quiet --error-exitcode=1 \
		--enable=warning,style,performance,portability --inline-suppr -Isrc src tests/fuzz tests/bench tests/soak
	# shellcheck disable=SC2046 # one word per file
	run_check "clang-format finds nothing to change" \
		clang-format --dry-run --Werror $(find src -name '*.[ch]' | sort) tests/fuzz/*.c tests/bench/*.c tests/soak/*.c
	# shellcheck disable=SC2046
	run_check "shellcheck finds nothing" shellcheck -x $(shell_files)
)

count < <(lane_systems)
wait "$lane_pid" || echo "not ok - the second lane exited with status $?" >>"$lane"
count <"$lane"
rm -rf "$lane" "$flags"

echo "# time: make check, $SECONDS s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
