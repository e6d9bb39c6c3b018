#!/bin/bash
# Unit tests of "vfiopt setup" on fake roots: the GRUB and dracut snippets
# it writes (IOMMU switch from the firmware's tables, boot VGA or not),
# refusals that write nothing, idempotence, --undo, and the commands it
# prints for the system it finds.
set -u
VFIOPT=$(realpath "${1:?usage: setup.sh VFIOPT}")
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/lib/tap.sh"
# shellcheck source=tests/lib/unit.sh
. "$here/lib/unit.sh"

GRUB=etc/default/grub.d/vfiopt.cfg
DRACUT=etc/dracut.conf.d/vfiopt.conf
MODULE=usr/lib/dracut/modules.d/90vfiopt/module-setup.sh
HEADER='# Written by "vfiopt setup": run it again to change this file,
# "vfiopt setup --undo" to remove it.'
DRACUT_SNIPPET="$HEADER
# The helper does nothing unless vfiopt.ids=, vfiopt.addrs=, vfio-pci.ids=
# or /etc/vfiopt.conf selects devices.  Only while the module is installed:
# dracut stops on a module it cannot find.
if [ -e /$MODULE ]; then
	add_dracutmodules+=\" vfiopt \"
fi"

vsetup() {
	"$VFIOPT" setup --sysroot "$T" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

# A system's programs, as empty executables under the fake root.
fake_program() {
	mkdir -p "$T/$(dirname "$1")"
	printf '#!/bin/sh\nexit 0\n' >"$T/$1"
	chmod +x "$T/$1"
}

# A Debian root: update-grub, a grub-mkconfig that reads grub.d, dracut and
# our dracut module, as make install leaves it; the directories setup writes
# in are there, as Debian's grub2-common and dracut-core ship them.
setup_installed() {
	setup
	mkdir -p "$T/etc/default/grub.d" "$T/etc/dracut.conf.d"
	fake_program usr/sbin/update-grub
	fake_program usr/sbin/grub-mkconfig
	# shellcheck disable=SC2016 # a line of Debian's script, not to expand
	echo 'for x in ${sysconfdir}/default/grub.d/*.cfg ; do' >>"$T/usr/sbin/grub-mkconfig"
	fake_program usr/bin/dracut
	mkdir -p "$T/$(dirname "$MODULE")"
	: >"$T/$MODULE"
	snapshot >"$T.before"
}

expect_grub() { # CMDLINE-ADDITION
	expect_file "$GRUB" "$HEADER
# grub-mkconfig (update-grub) reads it after /etc/default/grub.
GRUB_CMDLINE_LINUX=\"\${GRUB_CMDLINE_LINUX} $1\""
}

expect_out() { # EXTENDED-REGEX
	grep -qE -- "$1" "$T.out" || tap_fail "stdout lacks /$1/:" "$(cat "$T.out")"
}

expect_err() {
	grep -qE -- "$1" "$T.err" || tap_fail "stderr lacks /$1/:" "$(cat "$T.err")"
}

expect_no_err() {
	! grep -qE -- "$1" "$T.err" || tap_fail "stderr has /$1/"
}

test_intel_non_boot_gpu() {
	setup_installed
	vsetup --ids 10de:1B80
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"
	expect_file "$DRACUT" "$DRACUT_SNIPPET"
	expect_out '^  0000:01:00.0 \[10de:1b80\]$'
	expect_out '^Kernel command line: GRUB, /etc/default/grub.d; initramfs: dracut$'
	expect_out "^wrote /$GRUB\$"
	expect_out "^wrote /$DRACUT\$"
	expect_changed "./$GRUB" "./$DRACUT"
}

# The switch comes from the firmware's tables, not from the CPU: QEMU's
# "-cpu max" says AuthenticAMD while its IOMMU is Intel's.
test_iommu_switch_from_acpi() {
	setup_installed
	printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\n' >"$T/proc/cpuinfo"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"
	# AMD-Vi: on whenever the firmware describes it; amd_iommu= has no "on".
	setup_installed
	mv "$T/sys/firmware/acpi/tables/DMAR" "$T/sys/firmware/acpi/tables/IVRS"
	vsetup --ids 8086:3e90 --addrs 3:0.0,0000:02:00.0
	expect_status 0
	expect_grub "iommu=pt vfiopt.ids=8086:3e90 vfiopt.addrs=0000:03:00.0,0000:02:00.0 video=efifb:off,vesafb:off"
	expect_out '0000:00:02.0 is the boot VGA'
	expect_no_err warning
	# No table at all: VT-d is off in the firmware; an Intel CPU still
	# gets the switch it will need once it is on.
	setup_installed
	rm "$T/sys/firmware/acpi/tables/DMAR"
	vsetup --addrs 01:00.0
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.addrs=0000:01:00.0"
	expect_err 'warning: no ACPI DMAR or IVRS table.*turn on VT-d or AMD-Vi'
	printf 'processor\t: 0\nvendor_id\t: SomethingElse\n' >"$T/proc/cpuinfo"
	vsetup --addrs 01:00.0
	expect_grub "iommu=pt vfiopt.addrs=0000:01:00.0"
}

test_refused_writes_nothing() {
	setup_installed
	vsetup --ids 10de:1b80,10de:9999
	expect_status 1
	expect_err '^vfiopt setup: --ids 10de:9999 matches no PCI device here$'
	expect_err 'nothing written \(--force writes it anyway\)'
	expect_changed
	vsetup --addrs 09:00.0
	expect_status 1
	expect_err '^vfiopt setup: --addrs 09:00.0: no such PCI device here$'
	expect_changed
	vsetup --ids 10de:1b80,zz
	expect_status 2
	expect_err 'ignoring --ids entry "zz": the vendor is not 1-4 hex digits'
	expect_changed
	vsetup
	expect_status 2
	expect_err '--ids or --addrs is needed'
	expect_changed
	vsetup --ids 10de:9999 --force
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:9999"
}

# What setup cannot finish, it does not start: no file is written.
test_refused_system() {
	setup_installed
	rm "$T/usr/bin/dracut"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: no initramfs generator that vfiopt setup knows here: dracut is not installed.*apt-get install dracut\)$'
	expect_err '^vfiopt setup: nothing written$'
	expect_changed
	setup_installed
	rm "$T/$MODULE"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err 'the dracut module is not installed \(/usr/lib/dracut/modules.d/90vfiopt/module-setup.sh is missing: make install puts it there\)'
	expect_err '^vfiopt setup: nothing written$'
	expect_changed
	setup_installed
	rm "$T/usr/sbin/update-grub" "$T/usr/sbin/grub-mkconfig"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err 'no boot loader that vfiopt setup knows here: GRUB \(update-grub or grub-mkconfig\)'
	# What to put on the command line by hand, then.
	expect_err '^vfiopt setup: the kernel parameters for this selection: intel_iommu=on iommu=pt vfiopt.ids=10de:1b80$'
	expect_changed
	# A GRUB that does not read grub.d would ignore the snippet.
	setup_installed
	rm "$T/usr/sbin/update-grub" "$T/usr/sbin/grub-mkconfig"
	fake_program usr/sbin/grub2-mkconfig
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '/usr/sbin/grub2-mkconfig does not read /etc/default/grub.d, where setup writes: put the parameters on GRUB_CMDLINE_LINUX in /etc/default/grub yourself'
	expect_changed
	# Setup makes no directory: --undo could not tell it from one of the system's.
	setup_installed
	rmdir "$T/etc/default/grub.d"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: /etc/default/grub.d does not exist'
	expect_changed
}

# A file of the same name that setup did not write is never replaced.
test_not_ours() {
	setup_installed
	# shellcheck disable=SC2016 # the user's file, not to expand
	printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX pcie_acs_override=downstream"\n' >"$T/$GRUB"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err "^vfiopt setup: /$GRUB exists and vfiopt setup did not write it: move it away first\$"
	expect_changed
	vsetup --undo
	expect_err "left /$GRUB alone"
	expect_changed
	# What vfiopt 0.1's make install wrote is setup's now.
	setup_installed
	printf '%s\n' '# vfiopt: claim passthrough devices for vfio-pci in the initramfs.  The' \
		'add_dracutmodules+=" vfiopt "' >"$T/$DRACUT"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_file "$DRACUT" "$DRACUT_SNIPPET"
	printf '%s\n' '# vfiopt: claim passthrough devices for vfio-pci in the initramfs.  The' \
		'add_dracutmodules+=" vfiopt "' >"$T/$DRACUT"
	vsetup --undo
	expect_out "^removed /$DRACUT\$"
}

test_idempotent() {
	local inode
	setup_installed
	vsetup --ids 10de:1b80
	inode=$(stat -c %i "$T/$GRUB")
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out "^unchanged /$GRUB\$"
	expect_out "^unchanged /$DRACUT\$"
	expect_changed
	expect_eq "inode of the GRUB snippet" "$(stat -c %i "$T/$GRUB")" "$inode"
	# A new selection replaces the file whole, by rename: no temporary is left.
	vsetup --addrs 03:00.0
	expect_grub "intel_iommu=on iommu=pt vfiopt.addrs=0000:03:00.0"
	[ "$(stat -c %i "$T/$GRUB")" != "$inode" ] || tap_fail "the GRUB snippet was rewritten in place"
	expect_eq "files in grub.d" "$(ls -A "$T/etc/default/grub.d")" vfiopt.cfg
}

test_next_steps() {
	setup_installed
	vsetup --ids 10de:1b80
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-grub
  /usr/bin/dracut --regenerate-all --force
then reboot."
	expect_no_err 'does not read'
	# A grub2-mkconfig that reads grub.d (Debian-based distributions that renamed it).
	setup_installed
	rm "$T/usr/sbin/update-grub" "$T/usr/sbin/grub-mkconfig"
	fake_program usr/sbin/grub2-mkconfig
	# shellcheck disable=SC2016 # a line of the script, not to expand
	echo 'for x in ${sysconfdir}/default/grub.d/*.cfg ; do' >>"$T/usr/sbin/grub2-mkconfig"
	vsetup --ids 10de:1b80
	expect_out '^  /usr/sbin/grub2-mkconfig -o /boot/grub2/grub.cfg$'
	# --apply never runs anything against the host from under --sysroot.
	vsetup --ids 10de:1b80 --apply
	expect_status 1
	expect_err '--apply does not run commands under --sysroot'
}

test_undo() {
	setup_installed
	vsetup --ids 10de:1b80
	vsetup --undo
	expect_status 0
	expect_out "^removed /$GRUB\$"
	expect_out "^removed /$DRACUT\$"
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-grub
  /usr/bin/dracut --regenerate-all --force
then reboot."
	# Back to the snapshot taken before setup: the directories were there.
	expect_changed
	vsetup --undo
	expect_status 0
	expect_out "^Nothing of vfiopt setup's to remove.$"
	# A file of the same name that setup did not write is left alone, and
	# a selection of the user's own is pointed out.
	setup_installed
	mkdir -p "$T/etc/dracut.conf.d"
	echo 'add_dracutmodules+=" vfiopt "' >"$T/$DRACUT"
	echo 'ids=10de:1b80' >"$T/etc/vfiopt.conf"
	snapshot >"$T.before"
	vsetup --undo
	expect_status 0
	expect_err "left /$DRACUT alone: vfiopt setup did not write it"
	expect_err '/etc/vfiopt.conf still selects devices'
	expect_changed
	# Undo takes no selection.
	vsetup --undo --ids 10de:1b80
	expect_status 2
	expect_err '\-\-undo takes no selection'
	# The undo needs no /sys: it works from a rescue system's chroot.
	setup_installed
	vsetup --ids 10de:1b80
	rm -r "$T/sys"
	vsetup --undo
	expect_status 0
	expect_out "^removed /$GRUB\$"
	# dracut gone since: its file still goes, only update-grub is left to run.
	setup_installed
	vsetup --ids 10de:1b80
	rm "$T/usr/bin/dracut"
	vsetup --undo
	expect_status 0
	expect_out "^removed /$DRACUT\$"
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-grub
then reboot."
}

# dracut sources the file: the module is added while it is installed, and
# only then.
test_dracut_snippet_sourced() {
	setup_installed
	vsetup --ids 10de:1b80
	# The module's path, moved under the fake root.
	sed "s|/$MODULE|$T/$MODULE|" "$T/$DRACUT" >"$T.snippet"
	# shellcheck disable=SC2016 # for the inner bash
	expect_eq "add_dracutmodules, module installed" \
		"$(bash -c 'add_dracutmodules=""; . "$1"; echo "[$add_dracutmodules]"' _ "$T.snippet")" "[ vfiopt ]"
	rm "$T/$MODULE"
	# shellcheck disable=SC2016 # for the inner bash
	expect_eq "add_dracutmodules, module removed" \
		"$(bash -c 'add_dracutmodules=""; . "$1"; echo "[$add_dracutmodules]"' _ "$T.snippet")" "[]"
}

test_claim_reads_what_setup_wrote() {
	local line
	setup_installed
	vsetup --ids 10de:1b80 --addrs 03:00.0
	# shellcheck disable=SC2016 # a literal ${GRUB_CMDLINE_LINUX}
	line=$(sed -n 's/^GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} \(.*\)"$/\1/p' "$T/$GRUB")
	"$VFIOPT" claim --sysroot "$T" --modprobe "$FAKE_MODPROBE" --cmdline "$line" >"$T.out" 2>&1
	status=$?
	expect_status 0
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:03:00.0 vfio-pci
}

run_test "setup: Intel IOMMU, a GPU that is not the boot VGA" test_intel_non_boot_gpu
run_test "setup: the IOMMU switch from the ACPI tables, not the CPU vendor" test_iommu_switch_from_acpi
run_test "setup: no match, malformed or empty: refused, nothing written" test_refused_writes_nothing
run_test "setup: no dracut, no module, no GRUB it can serve: refused, nothing written" test_refused_system
run_test "setup: a file it did not write is never replaced nor removed" test_not_ours
run_test "setup: a second run changes nothing; files replaced by rename" test_idempotent
run_test "setup: the commands printed for the system found" test_next_steps
run_test "setup --undo: removes what setup wrote, and only that" test_undo
run_test "setup: the dracut file adds the module only while it is installed" test_dracut_snippet_sourced
run_test "setup: what it writes is what claim reads" test_claim_reads_what_setup_wrote
