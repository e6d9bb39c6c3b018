#!/bin/bash
# Unit tests of "vfiopt setup" on fake roots: the GRUB and dracut snippets
# it writes (by CPU vendor, boot VGA or not), refusals that write nothing,
# idempotence, and the commands it prints for the system it finds.
set -u
VFIOPT=$(realpath "${1:?usage: setup.sh VFIOPT}")
here=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/lib/tap.sh"
# shellcheck source=tests/lib/unit.sh
. "$here/lib/unit.sh"

GRUB=etc/default/grub.d/vfiopt.cfg
DRACUT=etc/dracut.conf.d/vfiopt.conf
HEADER='# Written by "vfiopt setup"; run it again to change this file.
# grub-mkconfig (update-grub) reads it after /etc/default/grub.'

vsetup() {
	"$VFIOPT" setup --sysroot "$T" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

# A root with the dracut module installed, as make install leaves it.
setup_installed() {
	setup
	mkdir -p "$T/usr/lib/dracut/modules.d/90vfiopt"
	: >"$T/usr/lib/dracut/modules.d/90vfiopt/module-setup.sh"
	snapshot >"$T.before"
}

expect_grub() { # CMDLINE-ADDITION
	expect_file "$GRUB" "$HEADER
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

# A system's programs, as empty executables under the fake root.
fake_program() {
	mkdir -p "$T/$(dirname "$1")"
	printf '#!/bin/sh\nexit 0\n' >"$T/$1"
	chmod +x "$T/$1"
}

test_intel_non_boot_gpu() {
	setup_installed
	vsetup --ids 10de:1B80
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"
	expect_eq "dracut snippet" "$(cat "$T/$DRACUT")" "$(cat "$top/conf/dracut.conf.d/vfiopt.conf")"
	expect_out '^  0000:01:00.0 \[10de:1b80\]$'
	expect_out "^wrote /$GRUB\$"
	expect_out "^wrote /$DRACUT\$"
	expect_changed ./etc/default ./etc/default/grub.d "./$GRUB" ./etc/dracut.conf.d "./$DRACUT"
}

test_amd_boot_vga() {
	setup_installed
	printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\n' >"$T/proc/cpuinfo"
	vsetup --ids 8086:3e90 --addrs 3:0.0,0000:02:00.0
	expect_status 0
	expect_grub "amd_iommu=on iommu=pt vfiopt.ids=8086:3e90 vfiopt.addrs=0000:03:00.0,0000:02:00.0 video=efifb:off,vesafb:off"
	expect_out '0000:00:02.0 is the boot VGA'
}

test_unknown_cpu() {
	setup_installed
	printf 'processor\t: 0\nvendor_id\t: SomethingElse\n' >"$T/proc/cpuinfo"
	vsetup --addrs 01:00.0
	expect_status 0
	expect_grub "iommu=pt vfiopt.addrs=0000:01:00.0"
	expect_err 'unknown CPU vendor.*intel_iommu=on or amd_iommu=on'
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
	expect_err 'no update-grub or grub-mkconfig here'
	expect_err 'dracut is not installed'
	setup_installed
	fake_program usr/sbin/update-grub
	fake_program usr/sbin/grub-mkconfig
	# Debian's reads the snippet's directory.
	# shellcheck disable=SC2016 # a line of Debian's script, not to expand
	echo 'for x in ${sysconfdir}/default/grub.d/*.cfg ; do' >>"$T/usr/sbin/grub-mkconfig"
	fake_program usr/bin/dracut
	vsetup --ids 10de:1b80
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-grub
  /usr/bin/dracut --regenerate-all --force
then reboot."
	expect_no_err 'does not read'
	setup_installed
	fake_program usr/sbin/grub2-mkconfig
	fake_program usr/bin/dracut
	vsetup --ids 10de:1b80
	expect_out '^  /usr/sbin/grub2-mkconfig -o /boot/grub2/grub.cfg$'
	# One that does not read /etc/default/grub.d is called out.
	expect_err '/usr/sbin/grub2-mkconfig does not read /etc/default/grub.d/vfiopt.cfg: add the parameters'
	# --apply never runs anything against the host from under --sysroot.
	vsetup --ids 10de:1b80 --apply
	expect_status 1
	expect_err '--apply does not run commands under --sysroot'
	# Without the dracut module, no add_dracutmodules: dracut would fail on every run.
	setup
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err 'the dracut module is not installed .*/etc/dracut.conf.d/vfiopt.conf not written'
	[ ! -e "$T/$DRACUT" ] || tap_fail "dracut.conf.d snippet written without the module"
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

run_test "setup: Intel CPU, a GPU that is not the boot VGA" test_intel_non_boot_gpu
run_test "setup: AMD CPU, the boot VGA, addresses made canonical" test_amd_boot_vga
run_test "setup: an unknown CPU vendor" test_unknown_cpu
run_test "setup: no match, malformed or empty: refused, nothing written" test_refused_writes_nothing
run_test "setup: a second run changes nothing; files replaced by rename" test_idempotent
run_test "setup: the commands printed for the system found" test_next_steps
run_test "setup: what it writes is what claim reads" test_claim_reads_what_setup_wrote
