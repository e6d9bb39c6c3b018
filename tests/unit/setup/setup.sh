#!/bin/bash
# Unit tests of "vfiopt setup" on fake roots: the GRUB and dracut snippets
# it writes (IOMMU switch from the firmware's tables, boot VGA or not),
# refusals that write nothing, idempotence, --undo, and the commands it
# prints for the system it finds.
set -u
VFIOPT=$(realpath "${1:?usage: setup.sh VFIOPT}")
here=$(cd "$(dirname "$0")/../.." && pwd)
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
	# Before the first setup, the IOMMU of a Debian kernel is off: no groups.
	rm -r "$T/sys/kernel/iommu_groups" && mkdir "$T/sys/kernel/iommu_groups"
	find "$T/sys/devices" -name iommu_group -type l -delete
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

expect_no_out() {
	! grep -qE -- "$1" "$T.out" || tap_fail "stdout has /$1/: $(grep -E -- "$1" "$T.out")"
}

expect_err() {
	grep -qE -- "$1" "$T.err" || tap_fail "stderr lacks /$1/:" "$(cat "$T.err")"
}

expect_no_err() {
	! grep -qE -- "$1" "$T.err" || tap_fail "stderr has /$1/"
}

# ro DIR ARGS...: vfiopt setup with DIR of the tree read-only (a bind
# mount in a mount namespace of its own, as an image-based system has it).
ro_setup() {
	local dir=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
		sh "$T/$dir" "$VFIOPT" setup --sysroot "$T" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

# A read-only /etc or /var/lib: refused before anything changes, with why.
test_read_only() {
	[ "$(id -u)" = 0 ] || {
		tap_fail "a read-only bind mount needs root"
		return
	}
	setup_installed
	ro_setup etc --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: /etc is read-only, where setup writes the boot loader.s and the generator.s configuration: give the kernel parameters through this system.s own means'
	expect_err '^vfiopt setup: the kernel parameters for this selection: intel_iommu=on iommu=pt vfiopt.ids=10de:1b80$'
	expect_changed
	mkdir -p "$T/var/lib"
	snapshot >"$T.before"
	ro_setup var/lib --ids 10de:1b80 --dry-run
	expect_status 1
	expect_err '^vfiopt setup: /var/lib is read-only, where setup keeps its record'
	expect_changed
	# What was written is kept when the undo cannot finish.
	vsetup --ids 10de:1b80
	expect_status 0
	snapshot >"$T.before"
	ro_setup etc --undo
	expect_status 1
	expect_err '^vfiopt setup: /etc is read-only'
	expect_changed
}

# A direct RMRR in the selected card's group: said before writing, and
# written all the same (check fails it).
test_rmrr_warned() {
	setup_installed
	mkdir -p "$T/sys/kernel/iommu_groups/8/devices"
	ln -s "../../../../devices/pci0000:00/0000:00:1d.0/0000:04:00.0" \
		"$T/sys/kernel/iommu_groups/8/devices/0000:04:00.0"
	ln -s "../../../kernel/iommu_groups/8" "$T/sys/devices/pci0000:00/0000:00:1d.0/0000:04:00.0/iommu_group"
	echo '0x000000007a000000 0x000000007a0fffff direct' >"$T/sys/kernel/iommu_groups/8/reserved_regions"
	snapshot >"$T.before"
	vsetup --ids 1002:67df
	expect_status 0
	expect_err '^vfiopt setup: warning: IOMMU group 8 of 0000:04:00.0 has a firmware-reserved region \(RMRR\) 0x000000007a000000-0x000000007a0fffff, direct: the kernel will not attach it to a VM.s IOMMU domain'
	expect_changed "./$GRUB" "./$DRACUT"
	# Relaxable (graphics, USB): nothing to say.
	echo '0x000000007a000000 0x000000007a0fffff direct-relaxable' >"$T/sys/kernel/iommu_groups/8/reserved_regions"
	vsetup --ids 1002:67df
	expect_no_err 'RMRR'
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
	expect_grub "iommu=pt vfiopt.ids=8086:3e90 vfiopt.addrs=0000:03:00.0,0000:02:00.0"
	expect_out '0000:00:02.0 is the boot VGA: no switch needed'
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

# A kernel built with CONFIG_INTEL_IOMMU_DEFAULT_ON has its groups without
# the switch; one that has them with it keeps it.
test_iommu_on_by_default() {
	setup_installed
	cp -a "$here/trees/desktop/sys/." "$T/sys/"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_grub "iommu=pt vfiopt.ids=10de:1b80"
	expect_out '^  the selection is in IOMMU groups without intel_iommu=on: this kernel needs no switch$'
	# Debian's kernel leaves the integrated GPU out until the switch.
	rm "$T/sys/bus/pci/devices/0000:00:02.0/iommu_group"
	vsetup --ids 10de:1b80,8086:3e90
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:1b80,8086:3e90"
	expect_no_out 'needs no switch'
	# The switch is what put them in groups: it stays.
	echo "BOOT_IMAGE=/boot/vmlinuz ro intel_iommu=on quiet" >"$T/proc/cmdline"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"
	expect_no_out 'needs no switch'
}

# The boot GPU's firmware framebuffer: nothing from Linux 6.0 on, where
# vfio-pci removes it; before, the switch for what /proc/iomem says holds it.
test_framebuffer_switch() {
	local holder want
	for holder in BOOTFB:initcall_blacklist=sysfb_init efifb:video=efifb:off \
		vesafb:initcall_blacklist=vesafb_driver_init; do
		want=${holder#*:}
		holder=${holder%%:*}
		setup_installed
		echo 5.10.0-32-amd64 >"$T/proc/sys/kernel/osrelease"
		sed -i "s/: BOOTFB\$/: $holder/" "$T/proc/iomem"
		vsetup --ids 8086:3e90
		expect_status 0
		expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 $want"
		expect_out "^  0000:00:02.0 is the boot VGA: $holder at a0000000-a07e8fff holds BAR 0: adding $want\$"
	done
	# simplefb nested in BOOTFB: the driver's own switch would leave BOOTFB.
	setup_installed
	echo 5.10.0-32-amd64 >"$T/proc/sys/kernel/osrelease"
	printf '%s\n' 'a0000000-afffffff : 0000:00:02.0' '  a0000000-a07e8fff : BOOTFB' \
		'    a0000000-a07e8fff : simplefb' >"$T/proc/iomem"
	vsetup --ids 8086:3e90
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 initcall_blacklist=sysfb_init"
	expect_out '^  0000:00:02.0 is the boot VGA: BOOTFB at a0000000-a07e8fff holds BAR 0'
	# Claimed on the last boot: nothing holds the memory because of our
	# switch, which stays; vfiopt 0.2's blanket word keeps its efifb half.
	setup_installed
	echo 5.10.0-32-amd64 >"$T/proc/sys/kernel/osrelease"
	echo 'a0000000-afffffff : 0000:00:02.0' >"$T/proc/iomem"
	sed -i 's/^DRIVER=i915$/DRIVER=vfio-pci/' "$T/sys/bus/pci/devices/0000:00:02.0/uevent"
	echo "ro video=efifb:off quiet" >"$T/proc/cmdline"
	vsetup --ids 8086:3e90
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 video=efifb:off"
	expect_out '^  0000:00:02.0 is the boot VGA: keeping video=efifb:off'
	echo "ro video=vesafb:off,efifb:off quiet" >"$T/proc/cmdline"
	vsetup --ids 8086:3e90
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 video=efifb:off"
	# Nothing in the BAR, no switch, the card on vfio-pci: nothing to free.
	echo "ro video=efifb:offx quiet" >"$T/proc/cmdline"
	vsetup --ids 8086:3e90
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90"
	expect_out '^  0000:00:02.0 is the boot VGA: no firmware framebuffer holds its memory$'
	# The card on its own driver, which took the framebuffer over when it
	# probed: which one holds the memory at boot is not known, so the
	# switch that keeps them all off.
	sed -i 's/^DRIVER=vfio-pci$/DRIVER=i915/' "$T/sys/bus/pci/devices/0000:00:02.0/uevent"
	vsetup --ids 8086:3e90
	expect_status 0
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 initcall_blacklist=sysfb_init"
	expect_out '^  0000:00:02.0 is the boot VGA: i915 took the firmware framebuffer over, so which one holds its memory at boot is not known: adding initcall_blacklist=sysfb_init'
	# Run as a user, /proc/iomem shows zeros: not known either.
	sed -i 's/^DRIVER=i915$/DRIVER=vfio-pci/' "$T/sys/bus/pci/devices/0000:00:02.0/uevent"
	printf '%s\n' '00000000-00000000 : Reserved' '00000000-00000000 : 0000:00:02.0' \
		'  00000000-00000000 : BOOTFB' >"$T/proc/iomem"
	vsetup --ids 8086:3e90
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 initcall_blacklist=sysfb_init"
	expect_out '^  0000:00:02.0 is the boot VGA: /proc/iomem is hidden'
	# 6.1 with a framebuffer in the BAR: vfio-pci takes it down.
	setup_installed
	vsetup --ids 8086:3e90
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90"
	expect_out '^  0000:00:02.0 is the boot VGA: no switch needed, vfio-pci on Linux 6.1.0-56-amd64 removes the firmware framebuffer itself$'
	# A release that does not parse is treated as old.
	setup_installed
	echo 'x6.1' >"$T/proc/sys/kernel/osrelease"
	vsetup --ids 8086:3e90
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=8086:3e90 initcall_blacklist=sysfb_init"
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
	expect_err '^vfiopt setup: no initramfs generator that vfiopt setup knows here: neither initramfs-tools nor dracut is installed.*apt-get install initramfs-tools\)$'
	expect_err '^vfiopt setup: nothing written$'
	expect_changed
	# Arch's and others' generators: said plainly, with what works by hand.
	fake_program usr/bin/mkinitcpio
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: mkinitcpio builds this system.s initramfs, and vfiopt has no part for it yet.  By hand: MODULES=\(vfio_pci vfio vfio_iommu_type1\) in /etc/mkinitcpio.conf, then vfio-pci.ids='
	expect_err '^vfiopt setup: the kernel parameters for this selection: intel_iommu=on iommu=pt vfiopt.ids=10de:1b80$'
	rm "$T/usr/bin/mkinitcpio"
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
	expect_err 'no boot loader that vfiopt setup knows here: GRUB, systemd-boot \(kernel-install, proxmox-boot-tool\) and grubby are what it sets up'
	# What to put on the command line by hand, then.
	expect_err '^vfiopt setup: the kernel parameters for this selection: intel_iommu=on iommu=pt vfiopt.ids=10de:1b80$'
	expect_changed
	# A GRUB that does not read grub.d would ignore the snippet, and one
	# without /etc/default/grub has nothing setup can edit.
	setup_installed
	rm "$T/usr/sbin/update-grub" "$T/usr/sbin/grub-mkconfig"
	fake_program usr/sbin/grub2-mkconfig
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err 'no boot loader that vfiopt setup knows here'
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
  /usr/bin/dracut --regenerate-all --force
  /usr/sbin/update-grub
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

# Debian's default generator: the hook reads the selection from the GRUB
# snippet, so setup writes that alone and rebuilds with update-initramfs.
test_initramfs_tools() {
	setup_installed
	rm "$T/usr/bin/dracut"
	fake_program usr/sbin/update-initramfs
	fake_program usr/share/initramfs-tools/hooks/vfiopt
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out '^Kernel command line: GRUB, /etc/default/grub.d; initramfs: initramfs-tools$'
	expect_grub "intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"
	[ ! -e "$T/$DRACUT" ] || tap_fail "a dracut file on an initramfs-tools system"
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-initramfs -u -k all
  /usr/sbin/update-grub
then reboot."
	vsetup --undo
	expect_out "^removed /$GRUB\$"
	expect_out '^  /usr/sbin/update-initramfs -u -k all$'
	expect_changed
	# dracut-core beside initramfs-tools: the kernel hooks are initramfs-tools'.
	fake_program usr/bin/dracut
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_out '^Kernel command line: GRUB, /etc/default/grub.d; initramfs: initramfs-tools$'
	[ ! -e "$T/$DRACUT" ] || tap_fail "a dracut file where initramfs-tools builds the images"
	vsetup --undo
	expect_changed
	# Without the hook, nothing is written.
	rm "$T/usr/share/initramfs-tools/hooks/vfiopt"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: the initramfs-tools hook is not installed \(/usr/share/initramfs-tools/hooks/vfiopt is missing: make install puts it there\)$'
	expect_changed
}

# upstream_grub VALUE-LINE: a GRUB whose grub2-mkconfig does not read
# grub.d (Fedora's before BLS; Arch's is grub-mkconfig), and a Fedora-like
# /etc/default/grub with that GRUB_CMDLINE_LINUX line.
upstream_grub() {
	setup_installed
	rm "$T/usr/sbin/update-grub" "$T/usr/sbin/grub-mkconfig"
	fake_program usr/sbin/grub2-mkconfig
	mkdir -p "$T/var/lib"
	printf '%s\n' 'GRUB_TIMEOUT=5' '# GRUB_CMDLINE_LINUX="commented out"' "$1" \
		'GRUB_CMDLINE_LINUX_DEFAULT="quiet"' 'GRUB_DISABLE_RECOVERY="true"' \
		>"$T/etc/default/grub"
	chmod 600 "$T/etc/default/grub"
	cp "$T/etc/default/grub" "$T.grub-before"
	snapshot >"$T.before"
}

expect_default_grub() { # VALUE-LINE
	expect_eq "/etc/default/grub" "$(cat "$T/etc/default/grub")" "GRUB_TIMEOUT=5
# GRUB_CMDLINE_LINUX=\"commented out\"
$1
GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"
GRUB_DISABLE_RECOVERY=\"true\""
}

# Upstream GRUB: the words go inside GRUB_CMDLINE_LINUX's quotes, and the
# undo takes exactly them out again, byte for byte.
test_grub_default() {
	upstream_grub 'GRUB_CMDLINE_LINUX="rhgb  quiet iommu=pt"'
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out '^Kernel command line: GRUB, GRUB_CMDLINE_LINUX in /etc/default/grub; initramfs: dracut$'
	expect_out '^edited /etc/default/grub$'
	# iommu=pt was the user's already: not added, and not taken away.
	expect_default_grub 'GRUB_CMDLINE_LINUX="rhgb  quiet iommu=pt intel_iommu=on vfiopt.ids=10de:1b80"'
	expect_eq "the file's mode" "$(stat -c %a "$T/etc/default/grub")" 600
	expect_file var/lib/vfiopt/cmdline-added "$HEADER
# What it added to the kernel command line, and where, for
# \"vfiopt setup --undo\" to take away again.
etc/default/grub
intel_iommu=on vfiopt.ids=10de:1b80
edited"
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/bin/dracut --regenerate-all --force
  /usr/sbin/grub2-mkconfig -o /boot/grub2/grub.cfg
then reboot."
	[ ! -e "$T/$GRUB" ] || tap_fail "a grub.d snippet that this GRUB never reads"
	vsetup --ids 10de:1b80
	expect_out '^unchanged /etc/default/grub$'
	# Another selection replaces setup's words, and only those.
	vsetup --addrs 03:00.0
	expect_default_grub 'GRUB_CMDLINE_LINUX="rhgb  quiet iommu=pt intel_iommu=on vfiopt.addrs=0000:03:00.0"'
	vsetup --undo
	expect_status 0
	expect_out '^edited /etc/default/grub$'
	cmp -s "$T/etc/default/grub" "$T.grub-before" ||
		tap_fail "the undo did not give the file back byte for byte:" "$(cat "$T/etc/default/grub")"
	expect_changed
	# Single quotes are as good.
	upstream_grub "GRUB_CMDLINE_LINUX=''"
	vsetup --ids 10de:1b80
	expect_default_grub "GRUB_CMDLINE_LINUX='intel_iommu=on iommu=pt vfiopt.ids=10de:1b80'"
	vsetup --undo
	expect_changed
}

# What setup cannot edit safely, it does not touch.
test_grub_default_refused() {
	local line
	# shellcheck disable=SC2016 # lines of the user's file, not to expand
	for line in 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX quiet"' 'GRUB_CMDLINE_LINUX=quiet' \
		'GRUB_CMDLINE_LINUX="quiet' 'GRUB_CMDLINE_LINUX="a \"b\""'; do
		upstream_grub "$line"
		vsetup --ids 10de:1b80
		expect_status 1
		expect_err 'is not a plain quoted value that setup can edit safely: edit it yourself$'
		expect_err '^vfiopt setup: the kernel parameters for this selection: intel_iommu=on iommu=pt vfiopt.ids=10de:1b80$'
		expect_changed
	done
	upstream_grub 'GRUB_TIMEOUT_STYLE=menu'
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err 'has no GRUB_CMDLINE_LINUX= line: add GRUB_CMDLINE_LINUX="" to it and run setup again'
	expect_changed
	# Someone else's selection: setup's would only add to it.
	upstream_grub 'GRUB_CMDLINE_LINUX="quiet vfiopt.ids=8086:3e90"'
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err 'already has vfiopt.ids=8086:3e90, which setup did not write: remove it first'
	expect_err '^vfiopt setup: nothing written$'
	expect_changed
	upstream_grub 'GRUB_CMDLINE_LINUX="quiet rd.vfiopt.ids=8086:3e90"'
	vsetup --ids 10de:1b80
	expect_err 'already has rd.vfiopt.ids=8086:3e90, which setup did not write'
	# The record names another place (the boot loader changed since):
	# refused, as overwriting it would lose what the undo must take out.
	upstream_grub 'GRUB_CMDLINE_LINUX="quiet"'
	mkdir -p "$T/var/lib/vfiopt"
	printf '%s\n' '# Written by "vfiopt setup"' etc/kernel/cmdline 'iommu=pt vfiopt.ids=10de:1b80' edited \
		>"$T/var/lib/vfiopt/cmdline-added"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: /var/lib/vfiopt/cmdline-added says that setup.s words \(iommu=pt vfiopt.ids=10de:1b80\) went into etc/kernel/cmdline: run "vfiopt setup --undo" while that is how this system boots'
	expect_changed
}

# An undo that cannot take its words out of a file still removes the rest,
# says what to take out by hand, and finishes what it undid.
test_undo_partial() {
	upstream_grub 'GRUB_CMDLINE_LINUX="quiet"'
	vsetup --ids 10de:1b80
	expect_status 0
	# shellcheck disable=SC2016 # the user's edit, not to expand
	sed -i 's/^GRUB_CMDLINE_LINUX="quiet/GRUB_CMDLINE_LINUX="$EXTRA quiet/' "$T/etc/default/grub"
	vsetup --undo
	expect_status 1
	expect_err '^vfiopt setup: take these words out of GRUB_CMDLINE_LINUX in /etc/default/grub yourself: intel_iommu=on iommu=pt vfiopt.ids=10de:1b80$'
	expect_out "^removed /$DRACUT\$"
	expect_out '^  /usr/bin/dracut --regenerate-all --force$'
	[ -e "$T/var/lib/vfiopt/cmdline-added" ] || tap_fail "the record went, and with it what to take out"
}

# systemd-boot on a Debian root: kernel-install, systemd-boot's
# loader.conf on the ESP at /boot/efi, initramfs-tools, two kernels with
# their images and one without.
systemd_boot() {
	setup_installed
	rm "$T/usr/bin/dracut"
	fake_program usr/sbin/update-initramfs
	fake_program usr/share/initramfs-tools/hooks/vfiopt
	fake_program usr/bin/kernel-install
	mkdir -p "$T/boot/efi/loader" "$T/etc/kernel" "$T/var/lib" \
		"$T/lib/modules/6.12.48+deb12-amd64" "$T/lib/modules/5.10.0-9-amd64"
	echo 'timeout 3' >"$T/boot/efi/loader/loader.conf"
	: >"$T/boot/vmlinuz-6.1.0-56-amd64"
	: >"$T/boot/vmlinuz-6.12.48+deb12-amd64"
	echo 'BOOT_IMAGE=/vmlinuz-6.1.0-56-amd64 root=UUID=1 ro  quiet initrd=\initrd.img' \
		>"$T/proc/cmdline"
	snapshot >"$T.before"
}

# Debian 13 with dracut and systemd-boot: the ESP has an entry directory,
# so dracut's default image would be $ESP/MACHINE-ID/VERSION/initrd, not
# the /boot/initrd.img-VERSION that Debian boots (and 55-initrd.install
# adds to each entry): each such image is named, newest first, then
# kernel-install remakes the entries with it as their initrd (so that
# 50-dracut.install does not build another).  A kernel without an image
# is left to kernel-install.  Each image is built aside, then renamed
# into place.
test_dracut_debian_images() {
	systemd_boot
	rm "$T/usr/sbin/update-initramfs" "$T/usr/share/initramfs-tools/hooks/vfiopt"
	fake_program usr/bin/dracut
	mkdir -p "$T/boot/efi/loader/entries" "$T/boot/efi/0123456789abcdef0123456789abcdef"
	: >"$T/boot/initrd.img-6.1.0-56-amd64"
	: >"$T/boot/initrd.img-6.12.48+deb12-amd64"
	# An image whose modules are gone, and a name that only starts alike.
	: >"$T/boot/initrd.img-5.4.0-1-amd64"
	: >"$T/boot/initrd.img-"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out '^Kernel command line: /etc/kernel/cmdline \(systemd-boot, kernel-install; Proxmox.s proxmox-boot-tool\); initramfs: dracut$'
	# Each image built aside and put in place by rename: dracut removes
	# the outfile whose copy failed, and the kernel would have none.
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/bin/dracut --force /boot/initrd.img-6.12.48+deb12-amd64.vfiopt-new 6.12.48+deb12-amd64
  mv -f /boot/initrd.img-6.12.48+deb12-amd64.vfiopt-new /boot/initrd.img-6.12.48+deb12-amd64
  /usr/bin/dracut --force /boot/initrd.img-6.1.0-56-amd64.vfiopt-new 6.1.0-56-amd64
  mv -f /boot/initrd.img-6.1.0-56-amd64.vfiopt-new /boot/initrd.img-6.1.0-56-amd64
  /usr/bin/kernel-install add 6.12.48+deb12-amd64 /boot/vmlinuz-6.12.48+deb12-amd64 /boot/initrd.img-6.12.48+deb12-amd64
  /usr/bin/kernel-install add 6.1.0-56-amd64 /boot/vmlinuz-6.1.0-56-amd64 /boot/initrd.img-6.1.0-56-amd64
then reboot."
	# Without Debian's names, dracut's own default is the image.
	rm "$T"/boot/initrd.img-*
	vsetup --ids 10de:1b80
	expect_out '^  /usr/bin/dracut --regenerate-all --force$'
	expect_no_out '^  /usr/bin/dracut --force'
}

# systemd-boot: /etc/kernel/cmdline, made from /proc/cmdline when missing,
# then every kernel's entry written again by kernel-install.
test_kernel_cmdline() {
	systemd_boot
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out '^Kernel command line: /etc/kernel/cmdline \(systemd-boot, kernel-install; Proxmox.s proxmox-boot-tool\); initramfs: initramfs-tools$'
	expect_out '^/etc/kernel/cmdline is missing: made from /proc/cmdline, as kernel-install does$'
	expect_out '^wrote /etc/kernel/cmdline$'
	expect_file etc/kernel/cmdline 'root=UUID=1 ro quiet intel_iommu=on iommu=pt vfiopt.ids=10de:1b80'
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-initramfs -u -k all
  /usr/bin/kernel-install add 6.12.48+deb12-amd64 /boot/vmlinuz-6.12.48+deb12-amd64
  /usr/bin/kernel-install add 6.1.0-56-amd64 /boot/vmlinuz-6.1.0-56-amd64
then reboot."
	[ ! -e "$T/$GRUB" ] || tap_fail "a GRUB snippet on a systemd-boot system"
	vsetup --ids 10de:1b80
	expect_out '^unchanged /etc/kernel/cmdline$'
	# Many kernels: the newest, and the running one (6.1.0-56) whatever its age.
	for v in 6.20.0-1 6.19.0-1 6.18.0-1 6.17.0-1 6.16.0-1 6.15.0-1 6.14.0-1 6.13.0-1; do
		mkdir -p "$T/lib/modules/$v"
		: >"$T/boot/vmlinuz-$v"
	done
	vsetup --ids 10de:1b80
	expect_eq "kernel-install runs" "$(grep -c 'kernel-install add' "$T.out")" 8
	expect_out '^  /usr/bin/kernel-install add 6.20.0-1 /boot/vmlinuz-6.20.0-1$'
	expect_out '^  /usr/bin/kernel-install add 6.1.0-56-amd64 /boot/vmlinuz-6.1.0-56-amd64$'
	expect_err '^vfiopt setup: note: 2 older kernels left out; run kernel-install add for them yourself$'
	rm -r "$T"/lib/modules/6.1[3-9].0-1 "$T"/lib/modules/6.20.0-1 "$T"/boot/vmlinuz-6.[12]*.0-1
	vsetup --undo
	expect_status 0
	expect_out '^edited /etc/kernel/cmdline$'
	expect_out '^kept /etc/kernel/cmdline, which setup made'
	expect_file etc/kernel/cmdline 'root=UUID=1 ro quiet'
	expect_changed ./etc/kernel/cmdline
	# The user's own file: edited, and given back byte for byte, whatever
	# its end (no final newline here).
	systemd_boot
	printf 'root=UUID=1 ro\tquiet splash' >"$T/etc/kernel/cmdline"
	cp "$T/etc/kernel/cmdline" "$T.cmdline-before"
	snapshot >"$T.before"
	vsetup --addrs 03:00.0
	expect_out '^edited /etc/kernel/cmdline$'
	expect_eq "/etc/kernel/cmdline" "$(cat "$T/etc/kernel/cmdline")" \
		"$(printf 'root=UUID=1 ro\tquiet splash intel_iommu=on iommu=pt vfiopt.addrs=0000:03:00.0')"
	vsetup --undo
	cmp -s "$T/etc/kernel/cmdline" "$T.cmdline-before" ||
		tap_fail "the undo did not give the file back:" "$(cat -A "$T/etc/kernel/cmdline")"
	expect_changed
}

# Unified kernel images: kernel-install with layout=uki rebuilds them with
# /etc/kernel/cmdline through ukify; what it cannot rebuild is refused.
test_uki() {
	systemd_boot
	echo 'layout=uki' >"$T/etc/kernel/install.conf"
	snapshot >"$T.before"
	# No ukify: kernel-install would make no image with the words.
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: /etc/kernel/install.conf has layout=uki, but ukify is not installed \(Debian.s systemd-ukify\)'
	expect_changed
	fake_program usr/lib/systemd/ukify
	mkdir -p "$T/usr/lib/kernel/install.d"
	echo '    opts2.cmdline = kernel_cmdline(opts)' >"$T/usr/lib/kernel/install.d/60-ukify.install"
	# Another generator, from a drop-in that overrides the file.
	mkdir -p "$T/etc/kernel/install.conf.d"
	echo 'uki_generator="dracut"' >"$T/etc/kernel/install.conf.d/50-dracut.conf"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: /etc/kernel/install.conf has uki_generator=dracut: setup rebuilds unified kernel images with ukify only'
	expect_changed
	echo 'uki_generator=ukify' >"$T/etc/kernel/install.conf.d/60-ukify.conf"
	# ukify's own Cmdline=, which systemd 257's kernel-install overrides.
	printf '%s\n' '[UKI]' 'Cmdline = quiet splash  # ignored' >"$T/etc/kernel/uki.conf"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out '^note: /etc/kernel/uki.conf sets Cmdline=, which this kernel-install ignores: it builds /etc/kernel/cmdline into the images$'
	expect_out '^kernel-install makes unified kernel images here \(layout=uki, ukify\): setup rebuilds each, with the command line built in$'
	expect_file etc/kernel/cmdline 'root=UUID=1 ro quiet intel_iommu=on iommu=pt vfiopt.ids=10de:1b80'
	expect_out '^  /usr/bin/kernel-install add 6.1.0-56-amd64 /boot/vmlinuz-6.1.0-56-amd64$'
	vsetup --undo
	expect_status 0
	expect_file etc/kernel/cmdline 'root=UUID=1 ro quiet'
	# systemd 262's ukify takes Cmdline= over the file: refused.
	echo '    if opts2.cmdline is None:' >>"$T/usr/lib/kernel/install.d/60-ukify.install"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: /etc/kernel/uki.conf sets Cmdline=, which this ukify builds into every image in place of /etc/kernel/cmdline: set Cmdline=@/etc/kernel/cmdline there'
	expect_changed
	printf '%s\n' '[UKI]' 'Cmdline=@/etc/kernel/cmdline' >"$T/etc/kernel/uki.conf"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_no_out '^note: '
	vsetup --undo
	# Images kernel-install does not make (no layout=uki): refused.
	systemd_boot
	fake_uki "$T/boot/efi/EFI/Linux/vendor-6.1.0-56-amd64.efi" 'root=UUID=1 ro'
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: the ESP holds 1 unified kernel image\(s\) that kernel-install does not make \(layout=uki is not set in /etc/kernel/install.conf\)'
	expect_changed
}

# Proxmox VE: the same file, and proxmox-boot-tool refresh.
test_proxmox() {
	systemd_boot
	rm -r "$T/boot/efi/loader"
	fake_program usr/sbin/proxmox-boot-tool
	echo 1234-ABCD >"$T/etc/kernel/proxmox-boot-uuids"
	echo 'root=ZFS=rpool/ROOT/pve-1 boot=zfs' >"$T/etc/kernel/cmdline"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_file etc/kernel/cmdline 'root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt vfiopt.ids=10de:1b80'
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/sbin/update-initramfs -u -k all
  /usr/sbin/proxmox-boot-tool refresh
then reboot."
}

# Fedora: grubby edits the BLS entries that its GRUB reads.
test_grubby() {
	upstream_grub 'GRUB_CMDLINE_LINUX="rhgb quiet"'
	fake_program usr/sbin/grubby
	mkdir -p "$T/boot/loader/entries"
	printf '%s\n' 'title Fedora Linux (6.11.4-301.fc41.x86_64) 41' 'version 6.11.4-301.fc41.x86_64' \
		'linux /vmlinuz-6.11.4-301.fc41.x86_64' 'options root=UUID=1 ro iommu=pt rhgb quiet' \
		>"$T/boot/loader/entries/0123-6.11.4-301.fc41.x86_64.conf"
	printf '%s\n' 'title Fedora Linux (0-rescue)' 'options root=UUID=1 ro iommu=pt' \
		>"$T/boot/loader/entries/0123-0-rescue.conf"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 0
	expect_out '^Kernel command line: grubby \(Boot Loader Specification entries\); initramfs: dracut$'
	# iommu=pt is on every entry already: not setup's to add, nor to
	# remove.  Shorter names first (grubby-bls matches them as substrings).
	expect_out '^grubby is to add vfiopt.ids=10de:1b80 intel_iommu=on on every boot entry$'
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/bin/dracut --regenerate-all --force
  /usr/sbin/grubby --update-kernel=ALL '--args=vfiopt.ids=10de:1b80 intel_iommu=on'
then reboot."
	expect_eq "/etc/default/grub" "$(cat "$T/etc/default/grub")" "$(cat "$T.grub-before")"
	# Another selection: grubby is to swap setup's words, and only those.
	vsetup --addrs 03:00.0
	expect_out "^  /usr/sbin/grubby --update-kernel=ALL '--args=intel_iommu=on vfiopt.addrs=0000:03:00.0' --remove-args=vfiopt.ids=10de:1b80\$"
	vsetup --undo
	expect_status 0
	expect_out "^  /usr/sbin/grubby --update-kernel=ALL '--remove-args=intel_iommu=on vfiopt.addrs=0000:03:00.0'\$"
	expect_changed
	# A user's iommu=pt on one entry only: added to the others, and not
	# taken away by the undo.
	sed -i 's/ iommu=pt//' "$T/boot/loader/entries/0123-0-rescue.conf"
	vsetup --ids 10de:1b80
	expect_out "^  /usr/sbin/grubby --update-kernel=ALL '--args=iommu=pt vfiopt.ids=10de:1b80 intel_iommu=on'\$"
	vsetup --undo
	expect_out "^  /usr/sbin/grubby --update-kernel=ALL '--remove-args=vfiopt.ids=10de:1b80 intel_iommu=on'\$"
	# Someone else's parameter of the same name: grubby would replace it.
	sed -i 's/^options .*/& vfiopt.ids=8086:3e90/' "$T/boot/loader/entries/0123-0-rescue.conf"
	snapshot >"$T.before"
	vsetup --ids 10de:1b80
	expect_status 1
	expect_err '^vfiopt setup: boot entry 0123-0-rescue.conf has vfiopt.ids=8086:3e90, which grubby --args would replace: take it out first$'
	expect_changed
}

# --dry-run: each file it would write, edit or remove, line by line, and
# the commands; nothing changes.
test_dry_run() {
	setup_installed
	vsetup --ids 10de:1b80 --dry-run
	expect_status 0
	expect_out '^would write /etc/dracut.conf.d/vfiopt.conf:$'
	expect_out '^  \+ 	add_dracutmodules\+=" vfiopt "$'
	expect_out '^would write /etc/default/grub.d/vfiopt.cfg:$'
	expect_out '^  \+ GRUB_CMDLINE_LINUX="\$\{GRUB_CMDLINE_LINUX\} intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"$'
	expect_eq "commands" "$(sed -n '/^Would run:$/,$p' "$T.out")" "Would run:
  /usr/bin/dracut --regenerate-all --force
  /usr/sbin/update-grub"
	expect_no_out '^(wrote|removed) '
	expect_changed
	# --apply does not make a dry run wet.
	vsetup --ids 10de:1b80 --dry-run --apply
	expect_status 0
	expect_changed
	vsetup --ids 10de:1b80
	snapshot >"$T.before"
	vsetup --undo --dry-run
	expect_status 0
	expect_out "^would remove /$GRUB\$"
	expect_out "^would remove /$DRACUT\$"
	expect_out '^Would run:$'
	expect_changed
	# An edit: the line as it is, and as it would be.
	upstream_grub 'GRUB_CMDLINE_LINUX="rhgb quiet"'
	vsetup --ids 10de:1b80 --dry-run
	expect_out '^would edit /etc/default/grub:$'
	expect_out '^  - GRUB_CMDLINE_LINUX="rhgb quiet"$'
	expect_out '^  \+ GRUB_CMDLINE_LINUX="rhgb quiet intel_iommu=on iommu=pt vfiopt.ids=10de:1b80"$'
	expect_out '^would write /var/lib/vfiopt/cmdline-added:$'
	expect_eq "lines of /etc/default/grub shown" "$(grep -c '^  [-+] GRUB_' "$T.out")" 2
	expect_changed
	expect_changed
}

test_undo() {
	setup_installed
	vsetup --ids 10de:1b80
	vsetup --undo
	expect_status 0
	expect_out "^removed /$GRUB\$"
	expect_out "^removed /$DRACUT\$"
	expect_eq "next steps" "$(sed -n '/^To finish, run:$/,$p' "$T.out")" "To finish, run:
  /usr/bin/dracut --regenerate-all --force
  /usr/sbin/update-grub
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
	# The reboot with intel_iommu=on: the IOMMU groups are there.
	cp -a "$here/trees/desktop/sys/." "$T/sys/"
	"$VFIOPT" claim --sysroot "$T" --modprobe "$FAKE_MODPROBE" --cmdline "$line" >"$T.out" 2>&1
	status=$?
	expect_status 0
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:03:00.0 vfio-pci
}

run_test "setup: an RMRR in the selected device's group is said before writing" test_rmrr_warned
run_test "setup: a read-only /etc or /var/lib refused before anything changes" test_read_only
run_test "setup: Intel IOMMU, a GPU that is not the boot VGA" test_intel_non_boot_gpu
run_test "setup: the IOMMU switch from the ACPI tables, not the CPU vendor" test_iommu_switch_from_acpi
run_test "setup: no intel_iommu=on where the kernel turns the IOMMU on itself" test_iommu_on_by_default
run_test "setup: the firmware framebuffer's switch, by kernel version and holder" test_framebuffer_switch
run_test "setup: no match, malformed or empty: refused, nothing written" test_refused_writes_nothing
run_test "setup: no dracut, no module, no GRUB it can serve: refused, nothing written" test_refused_system
run_test "setup: a file it did not write is never replaced nor removed" test_not_ours
run_test "setup: a second run changes nothing; files replaced by rename" test_idempotent
run_test "setup: the commands printed for the system found" test_next_steps
run_test "setup: initramfs-tools: the GRUB snippet, then update-initramfs" test_initramfs_tools
run_test "setup: upstream GRUB: GRUB_CMDLINE_LINUX edited, and given back byte for byte" test_grub_default
run_test "setup: upstream GRUB: a value it cannot edit safely is left alone" test_grub_default_refused
run_test "setup --undo: what it cannot undo is said, the rest is undone and finished" test_undo_partial
run_test "setup: systemd-boot: /etc/kernel/cmdline, then kernel-install for each kernel" test_kernel_cmdline
run_test "setup: dracut on Debian with systemd-boot: each /boot/initrd.img-VERSION by name, then kernel-install" \
	test_dracut_debian_images
run_test "setup: unified kernel images: kernel-install with ukify rebuilds them; the rest refused" test_uki
run_test "setup: Proxmox VE: /etc/kernel/cmdline, then proxmox-boot-tool refresh" test_proxmox
run_test "setup: Fedora: grubby --args on every BLS entry, --remove-args to undo" test_grubby
run_test "setup --dry-run: what would be written, edited, removed and run; nothing is" test_dry_run
run_test "setup --undo: removes what setup wrote, and only that" test_undo
run_test "setup: the dracut file adds the module only while it is installed" test_dracut_snippet_sourced
run_test "setup: what it writes is what claim reads" test_claim_reads_what_setup_wrote
