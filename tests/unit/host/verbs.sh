#!/bin/bash
# Unit tests of the host verbs on fake trees: list (and --json), check,
# status and release.  They assert on the output and on the stores made.
set -u
VFIOPT=$(realpath "${1:?usage: verbs.sh VFIOPT}")
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/lib/tap.sh"
# shellcheck source=tests/lib/fakesys.sh
. "$here/lib/fakesys.sh"
# shellcheck source=tests/lib/unit.sh
. "$here/lib/unit.sh"

verb() { # VERB ARGS...
	local v=$1
	shift
	"$VFIOPT" "$v" --sysroot "$T" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

expect_out() { # EXTENDED-REGEX
	grep -qE -- "$1" "$T.out" || tap_fail "stdout lacks /$1/:" "$(cat "$T.out")"
}

expect_no_out() {
	! grep -qE -- "$1" "$T.out" || tap_fail "stdout has /$1/"
}

expect_err() {
	grep -qE -- "$1" "$T.err" || tap_fail "stderr lacks /$1/:" "$(cat "$T.err")"
}

# The state a boot with vfiopt.ids=10de:1b80 leaves behind.
claimed_tree() {
	setup
	"$VFIOPT" claim --sysroot "$T" --modprobe "$FAKE_MODPROBE" --cmdline "vfiopt.ids=10de:1b80" \
		>/dev/null 2>&1
	echo "BOOT_IMAGE=/vmlinuz intel_iommu=on vfiopt.ids=10de:1b80" >"$T/proc/cmdline"
	snapshot >"$T.before"
}

test_list() {
	setup
	verb list
	expect_status 0
	expect_eq "first lines" "$(head -n 3 "$T.out")" "IOMMU group 0
  0000:00:00.0 Host bridge [0600]: Intel Corporation [8086:3e30] (subsystem 1458:5000)
               driver: skl_uncore, reset: none"
	expect_out '^IOMMU group 1$'
	expect_out '^  0000:01:00.0 VGA compatible controller \[0300\]: NVIDIA Corporation GP104 \[GeForce GTX 1080\] \[10de:1b80\] \(subsystem 1458:3702\)$'
	expect_out '^               driver: i915, reset: flr pm, boot VGA$'
	# How the kernel can reset each: its methods (5.15+), or none.
	expect_out '^               driver: amdgpu, reset: bus$'
	expect_out '^               driver: snd_hda_intel, reset: none$'
	# Grouped: the GPU and its audio under group 1, together.
	expect_eq "group 1" "$(sed -n '/^IOMMU group 1$/,/^$/p' "$T.out" | grep -c '^  0000')" 3
	expect_changed
	# Without pci.ids, ids alone, as lspci -n.
	rm "$T/usr/share/misc/pci.ids"
	verb list
	expect_out '^  0000:01:00.0 Class \[0300\]: Device \[10de:1b80\] \(subsystem 1458:3702\)$'
}

test_list_json() {
	claimed_tree
	verb list --json
	expect_status 0
	jq -e . "$T.out" >/dev/null || tap_fail "not JSON: $(head -c 300 "$T.out")"
	expect_eq "objects" "$(jq length "$T.out")" "$(find "$T/sys/bus/pci/devices" -mindepth 1 | wc -l)"
	expect_eq "the GPU" "$(jq -c '.[] | select(.address == "0000:01:00.0")' "$T.out")" \
		'{"address":"0000:01:00.0","iommu_group":1,"class":"030000","class_name":"VGA compatible controller","vendor":"10de","device":"1b80","vendor_name":"NVIDIA Corporation","device_name":"GP104 [GeForce GTX 1080]","subsystem_vendor":"1458","subsystem_device":"3702","driver":"vfio-pci","driver_override":"vfio-pci","boot_vga":false,"reset_method":"bus","reserved_regions":[]}'
	# Cannot be reset: ""; can, but a kernel before 5.15 does not say how: null.
	expect_eq "reset_method of the AMD audio" "$(jq -r '.[] | select(.address == "0000:04:00.1") | .reset_method | @json' "$T.out")" '""'
	rm "$T/sys/bus/pci/devices/0000:01:00.1/reset_method"
	verb list --json
	expect_eq "reset_method without the attribute" "$(jq -c '.[] | select(.address == "0000:01:00.1") | .reset_method' "$T.out")" null
	expect_eq "the iGPU's boot_vga" "$(jq '.[] | select(.address == "0000:00:02.0") | .boot_vga' "$T.out")" true
	# IOMMU off: null groups, one "No IOMMU group" heading.
	rm -rf "$T"/sys/kernel/iommu_groups/*
	find "$T/sys/devices" -name iommu_group -type l -delete
	verb list --json
	expect_eq "groups" "$(jq -c '[.[].iommu_group] | unique' "$T.out")" '[null]'
	verb list
	expect_eq "headings" "$(grep -c 'IOMMU group' "$T.out")" 1
	expect_out '^No IOMMU group$'
}

# From the nodes there are and the kernel's config (/boot/config-VERSION).
test_check_vfio_interfaces() {
	claimed_tree
	verb check
	expect_no_out '^ok    VFIO:'
	mkdir -p "$T/boot"
	printf '%s\n' '#' '# Linux/x86 6.12.57 Kernel Configuration' 'CONFIG_VFIO=m' 'CONFIG_VFIO_GROUP=y' \
		'CONFIG_VFIO_CONTAINER=y' '# CONFIG_IOMMUFD is not set' >"$T/boot/config-6.1.0-56-amd64"
	verb check
	expect_out '^ok    VFIO: the group and container \(/dev/vfio/GROUP\), which vfiopt boot uses; no iommufd with device cdevs \(this kernel is built without CONFIG_IOMMUFD\)$'
	printf '%s\n' 'CONFIG_IOMMUFD=m' >>"$T/boot/config-6.1.0-56-amd64"
	verb check
	expect_out 'no iommufd with device cdevs \(this kernel is built without CONFIG_VFIO_DEVICE_CDEV\)$'
	printf '%s\n' 'CONFIG_VFIO_DEVICE_CDEV=y' >>"$T/boot/config-6.1.0-56-amd64"
	verb check
	expect_out '^ok    VFIO: the group and container \(/dev/vfio/GROUP\), and iommufd with a cdev per device \(/dev/iommu, /dev/vfio/devices\): vfiopt boot uses the first, --iommufd the second$'
	# A kernel with the cdev alone (VFIO_GROUP off).
	printf '%s\n' '#' 'CONFIG_IOMMUFD=y' 'CONFIG_VFIO_DEVICE_CDEV=y' >"$T/boot/config-6.1.0-56-amd64"
	verb check
	expect_out '^ok    VFIO: only iommufd with a cdev per device \(/dev/iommu, /dev/vfio/devices\): vfiopt boot needs --iommufd$'
}

test_check_ok_and_fixes() {
	claimed_tree
	generator dracut
	snapshot >"$T.before"
	verb check
	expect_out '^ok    ACPI DMAR table: the firmware describes an IOMMU \(Intel VT-d\)$'
	expect_out '^ok    1 IOMMU unit\(s\) registered \(dmar0...\)$'
	expect_out '^ok    interrupt remapping is on$'
	expect_out '^ok    0000:01:00.0 \[10de:1b80\] is on vfio-pci$'
	expect_out '^ok    IOMMU group 1 of 0000:01:00.0 is viable$'
	expect_out '^ok    vfio-pci is available for 6.1.0-56-amd64$'
	expect_out '^ok    dracut builds the initramfs; vfiopt.s part is installed \(/usr/lib/dracut/modules.d/90vfiopt/module-setup.sh\)$'
	expect_out '^warn  no initramfs for 6.1.0-56-amd64$'
	expect_no_out '^fail'
	expect_status 0
	expect_changed
}

test_check_failures() {
	setup
	echo "quiet vfiopt.ids=8086:3e90,10de:9999 vfiopt.addrs=00:1f.3,0:9:0.0,zz vfiopt.companions=0" \
		>"$T/proc/cmdline"
	rm "$T/sys/firmware/acpi/tables/DMAR" "$T/sys/class/iommu/dmar0"
	: >"$T/proc/interrupts"
	snapshot >"$T.before"
	verb check
	expect_status 1
	# One cause, one finding, one fix: without a DMAR table no kernel
	# parameter helps, and no unit means no group.
	expect_out '^fail  no ACPI DMAR or IVRS table and no IOMMU unit registered: the firmware shows no IOMMU, so vfio-pci cannot take any device$'
	expect_out '^      fix: enable VT-d in the firmware setup$'
	expect_eq "IOMMU findings" "$(grep -cE '^(ok|warn|fail) .*(DMAR|IVRS|IOMMU unit|IOMMU groups|remapping)' "$T.out")" 1
	expect_no_out 'intel_iommu'
	expect_out '^fail  1 malformed entry in the selection$'
	expect_err 'ignoring vfiopt.addrs entry "zz"'
	expect_out '^fail  vfiopt.ids=10de:9999 matches no PCI device$'
	expect_out '^fail  vfiopt.addrs=0:9:0.0: no such PCI device$'
	expect_out '^warn  0000:00:02.0 \[8086:3e90\] is on i915, not vfio-pci$'
	# The firmware framebuffer in the iGPU's BAR 0: Linux 6.1's vfio-pci
	# removes it when it binds.
	expect_out '^ok    0000:00:02.0 is the boot VGA: vfio-pci on Linux 6.1.0-56-amd64 removes the firmware framebuffer when it binds it$'
	expect_no_out 'efifb|vesafb|sysfb_init'
	# The chipset audio shares its group with live host drivers.
	expect_out '^fail  IOMMU group 6 is not viable for a VM: 0000:00:1f.4 on i801_smbus$'
	expect_out '^fail  no initramfs generator that vfiopt knows \(initramfs-tools, dracut\)$'
	expect_out '^      fix: apt-get install initramfs-tools \(or dracut\)$'
	expect_out '^[0-9]+ failed, [0-9]+ warning\(s\)$'
	expect_changed
}

# Before 6.0, vfio-pci leaves the framebuffer: the switch for its holder.
test_check_framebuffer_old_kernel() {
	setup
	echo "quiet intel_iommu=on vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	echo 5.10.0-32-amd64 >"$T/proc/sys/kernel/osrelease"
	verb check
	expect_out '^fail  0000:00:02.0: BAR 0 overlaps the firmware framebuffer \(BOOTFB at a0000000-a07e8fff\), which vfio-pci before Linux 6.0 leaves in place'
	expect_out '^      fix: add initcall_blacklist=sysfb_init to the kernel command line \(vfiopt setup does\)$'
	sed -i 's/: BOOTFB$/: efifb/' "$T/proc/iomem"
	verb check
	expect_out '^      fix: add video=efifb:off to the kernel command line'
	# i915 took the framebuffer over: the holder at boot is not known.
	echo 'a0000000-afffffff : 0000:00:02.0' >"$T/proc/iomem"
	verb check
	expect_out '^warn  0000:00:02.0 is the boot VGA: its host driver took the framebuffer over, so which firmware framebuffer holds its memory at boot is not known'
	expect_out '^      fix: add initcall_blacklist=sysfb_init to the kernel command line \(vfiopt setup does\)$'
	# The switch on the command line: ok.
	echo "quiet intel_iommu=on vfiopt.ids=8086:3e90 initcall_blacklist=sysfb_init" >"$T/proc/cmdline"
	verb check
	expect_out '^ok    0000:00:02.0 is the boot VGA: initcall_blacklist=sysfb_init keeps the firmware framebuffer off it$'
	expect_no_out 'framebuffer holds'
}

# Whether each selected device can be reset: a VM restart depends on it.
test_check_reset() {
	claimed_tree
	verb check
	expect_out '^ok    0000:01:00.0 can be reset \(bus\)$'
	echo "BOOT_IMAGE=/vmlinuz intel_iommu=on vfiopt.ids=1002:aaf0" >"$T/proc/cmdline"
	verb check
	expect_out '^warn  0000:04:00.1 \[1002:aaf0\] has no reset method: a VM restarted with it finds it as it was left$'
	expect_out '^      fix: expect to reboot the host to restart a VM that uses it'
	# Every method turned off (an empty reset_method): it cannot.
	echo "BOOT_IMAGE=/vmlinuz intel_iommu=on vfiopt.ids=10de:1b80" >"$T/proc/cmdline"
	: >"$T/sys/bus/pci/devices/0000:01:00.0/reset_method"
	verb check
	expect_out '^warn  0000:01:00.0 \[10de:1b80\] has no reset method'
	# A kernel before 5.15 says only that it can.
	echo "BOOT_IMAGE=/vmlinuz intel_iommu=on vfiopt.ids=10de:1b80" >"$T/proc/cmdline"
	rm "$T/sys/bus/pci/devices/0000:01:00.0/reset_method"
	verb check
	expect_out '^ok    0000:01:00.0 can be reset$'
}

# The IOMMU is judged by what the kernel did, not by its parameters.
test_check_iommu() {
	setup
	verb check
	expect_out '^ok    1 IOMMU unit\(s\) registered \(dmar0...\) with no intel_iommu=on on the kernel command line: this kernel.s default'
	expect_no_out 'fail  no IOMMU'
	# AMD-Vi described, so on in the firmware, but not started: the
	# kernel's log says why, and AMD's driver has no switch to add.
	mv "$T/sys/firmware/acpi/tables/DMAR" "$T/sys/firmware/acpi/tables/IVRS"
	rm "$T/sys/class/iommu/dmar0"
	verb check
	expect_out '^ok    ACPI IVRS table: the firmware describes an IOMMU \(AMD-Vi\)$'
	expect_out '^fail  no IOMMU unit registered: the firmware describes the IOMMU, but this kernel did not start it$'
	expect_out '^      fix: see why the kernel did not start it: dmesg'
	expect_no_out 'amd_iommu'
	# Described, but turned off by a word of the command line: that word
	# is the cause, and the one fix.
	echo "quiet amd_iommu=off vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	verb check
	expect_out '^fail  no IOMMU unit registered: amd_iommu=off on the kernel command line$'
	expect_out '^      fix: remove amd_iommu=off from the kernel command line$'
	expect_no_out 'fix: see why'
	# No table at all on an AMD CPU: the AMD switch, and no Intel one.
	rm "$T/sys/firmware/acpi/tables/IVRS"
	echo "quiet vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\n' >"$T/proc/cpuinfo"
	verb check
	expect_out '^fail  no ACPI DMAR or IVRS table and no IOMMU unit registered'
	expect_out '^      fix: enable the IOMMU \(AMD-Vi\) in the firmware setup$'
	expect_no_out 'intel_iommu'
	# A DMAR table, VT-d off by this kernel's default: the switch.
	printf 'processor\t: 0\nvendor_id\t: GenuineIntel\n' >"$T/proc/cpuinfo"
	printf 'DMAR' >"$T/sys/firmware/acpi/tables/DMAR"
	verb check
	expect_out '^fail  no IOMMU unit registered, and no intel_iommu=on on the kernel command line$'
	expect_out '^      fix: add intel_iommu=on to the kernel command line \(vfiopt setup does\)$'
	expect_no_out 'fix: enable'
	# A unit with no table behind it (virtio-iommu): not a firmware fault.
	rm "$T/sys/firmware/acpi/tables/DMAR"
	mkdir -p "$T/sys/class/iommu/virtio-iommu0"
	verb check
	expect_out '^ok    1 IOMMU unit\(s\) registered \(virtio-iommu0...\), described by no DMAR or IVRS table'
	expect_no_out 'firmware shows no IOMMU'
}

# intel_iommu=, amd_iommu= and iommu= as the kernel reads them: the
# values in order, each word over the ones before, and only the switch of
# this machine's IOMMU counts.
test_check_iommu_switches() {
	setup
	echo "quiet intel_iommu=off vfiopt.ids=8086:3e90 intel_iommu=on,sm_on" >"$T/proc/cmdline"
	verb check
	expect_out '^ok    1 IOMMU unit\(s\) registered \(dmar0...\)$'
	echo "quiet intel_iommu=on intel_iommu=igfx_off,off vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	rm "$T/sys/class/iommu/dmar0"
	verb check
	expect_out '^fail  no IOMMU unit registered: intel_iommu=off on the kernel command line$'
	# AMD's IOMMU does not read intel_iommu=.
	mv "$T/sys/firmware/acpi/tables/DMAR" "$T/sys/firmware/acpi/tables/IVRS"
	echo "quiet intel_iommu=off vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	verb check
	expect_out '^fail  no IOMMU unit registered: the firmware describes the IOMMU, but this kernel did not start it$'
	expect_no_out 'intel_iommu'
	echo "quiet amd_iommu=fullflush,off vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	verb check
	expect_out '^      fix: remove amd_iommu=off from the kernel command line$'
	echo "quiet iommu=pt,off vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	verb check
	expect_out '^      fix: remove iommu=off from the kernel command line$'
}

# A selected device the IOMMU leaves out, while others have groups: the
# integrated GPU of a Debian kernel without intel_iommu=on.
test_check_no_group() {
	setup
	rm "$T/$(dev 0000:00:02.0 iommu_group)" "$T/sys/kernel/iommu_groups/2/devices/0000:00:02.0"
	echo "quiet vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	verb check
	expect_out '^fail  0000:00:02.0 \[8086:3e90\] has no IOMMU group: without intel_iommu=on this kernel may leave the integrated GPU out of the IOMMU, and vfio-pci cannot take it$'
	expect_out '^      fix: add intel_iommu=on to the kernel command line \(vfiopt setup does\)$'
	echo "quiet intel_iommu=on vfiopt.ids=8086:3e90" >"$T/proc/cmdline"
	verb check
	expect_out '^fail  0000:00:02.0 \[8086:3e90\] has no IOMMU group, though others have: the IOMMU does not cover it'
}

# generator dracut|initramfs-tools: the generator's program and vfiopt's
# part of it, as make install leaves them.
generator() {
	local program part
	case $1 in
	dracut) program=usr/bin/dracut part=usr/lib/dracut/modules.d/90vfiopt/module-setup.sh ;;
	initramfs-tools)
		program=usr/sbin/update-initramfs part=usr/share/initramfs-tools/hooks/vfiopt
		;;
	esac
	mkdir -p "$T/$(dirname "$program")" "$T/$(dirname "$part")"
	printf '#!/bin/sh\n' >"$T/$program"
	printf '#!/bin/sh\n' >"$T/$part"
	chmod +x "$T/$program" "$T/$part"
}

# initramfs IMAGE FILE...: an uncompressed cpio image holding FILEs, as
# dracut's --no-compress writes one; lsinitrd reads it.  vfiopt's program
# is an ELF file (the tool itself), the rest scripts.
initramfs() {
	local image=$1 dir
	shift
	dir=$(mktemp -d "$work/initramfs.XXXXXX")
	for f in "$@"; do
		mkdir -p "$dir/$(dirname "$f")"
		case $f in
		usr/sbin/vfiopt* | usr/bin/vfiopt*) cp "$VFIOPT" "$dir/$f" ;;
		*) printf '#!/bin/sh\n' >"$dir/$f" ;;
		esac
	done
	mkdir -p "$(dirname "$image")"
	(cd "$dir" && find . | cpio -o -H newc --quiet) >"$image"
}

# The initramfs as lsinitrd sees it, and what the next boot gets from
# grub.cfg's linux lines.
test_check_next_boot() {
	local image
	setup
	generator dracut
	# Debian's GRUB: update-grub, and a grub-mkconfig that reads grub.d.
	mkdir -p "$T/usr/sbin"
	# shellcheck disable=SC2016 # a line of Debian's script, not to expand
	printf '#!/bin/sh\nfor x in ${sysconfdir}/default/grub.d/*.cfg ; do\n' >"$T/usr/sbin/grub-mkconfig"
	cp "$T/usr/sbin/grub-mkconfig" "$T/usr/sbin/update-grub"
	chmod +x "$T/usr/sbin/grub-mkconfig" "$T/usr/sbin/update-grub"
	image=$T/boot/initrd.img-6.1.0-56-amd64
	initramfs "$image" usr/bin/udevadm usr/lib/dracut/hooks/pre-udev/30-other.sh
	mkdir -p "$T/boot/grub" "$T/etc/default/grub.d"
	printf '%s\n' 'menuentry "Debian GNU/Linux" {' \
		'	linux	/boot/vmlinuz-6.1.0-56-amd64 root=UUID=1 ro console=ttyS0' \
		'	initrd	/boot/initrd.img-6.1.0-56-amd64' '}' >"$T/boot/grub/grub.cfg"
	verb check
	expect_no_out 'grub.cfg'
	expect_out '^fail  /boot/initrd.img-6.1.0-56-amd64 has no vfiopt: no early claim at boot$'
	expect_out '^      fix: vfiopt setup --ids VENDOR:DEVICE --apply \(it configures the boot and rebuilds the initramfs\)$'
	# Setup wrote its snippet, neither update-grub nor dracut has run.
	echo '# Written by "vfiopt setup"' >"$T/etc/default/grub.d/vfiopt.cfg"
	verb check
	expect_status 1
	expect_out '^      fix: /usr/bin/dracut --force /boot/initrd.img-6.1.0-56-amd64 6.1.0-56-amd64$'
	expect_out '^ok    the kernel command line is set through GRUB, /etc/default/grub.d$'
	expect_out '^fail  /boot/grub/grub.cfg selects nothing: the parameters setup wrote have not reached it$'
	expect_out '^      fix: /usr/sbin/update-grub$'
	# The helper without its script, then with it where dracut before
	# 102 put hooks (usr/lib on merged /usr, lib without), then where
	# dracut-ng puts them; 0.2's image, the whole tool as its helper; and
	# the helper under usr/bin where /usr/sbin links to bin.
	initramfs "$image" usr/bin/udevadm usr/sbin/vfiopt-claim usr/lib/dracut/hooks/pre-udev/30-other.sh
	verb check
	expect_out '^fail  /boot/initrd.img-6.1.0-56-amd64 has no vfiopt: no early claim at boot$'
	initramfs "$image" usr/bin/udevadm usr/sbin/vfiopt-claim usr/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh
	verb check
	expect_out '^ok    /boot/initrd.img-6.1.0-56-amd64 holds the vfiopt helper and its script: the claim runs before udev$'
	initramfs "$image" usr/bin/udevadm usr/sbin/vfiopt-claim lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh
	verb check
	expect_out '^ok    /boot/initrd.img-6.1.0-56-amd64 holds the vfiopt helper and its script: the claim runs before udev$'
	initramfs "$image" usr/bin/udevadm usr/sbin/vfiopt var/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh
	verb check
	expect_out '^ok    /boot/initrd.img-6.1.0-56-amd64 holds the vfiopt helper and its script: the claim runs before udev$'
	initramfs "$image" usr/bin/udevadm usr/bin/vfiopt-claim var/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh
	verb check
	expect_out '^ok    /boot/initrd.img-6.1.0-56-amd64 holds the vfiopt helper and its script: the claim runs before udev$'
	# It has: for the next boot, not this one.
	sed -i 's/console=ttyS0/console=ttyS0 intel_iommu=on vfiopt.ids=10de:1b80 quiet/' "$T/boot/grub/grub.cfg"
	verb check
	expect_out '^ok    1 of the 1 linux lines of /boot/grub/grub.cfg select: vfiopt.ids=10de:1b80 \(not this boot.s: reboot to claim\)$'
	echo "BOOT_IMAGE=/vmlinuz vfiopt.ids=10de:1b80" >"$T/proc/cmdline"
	# shellcheck disable=SC2016 # the snippet's own line, not to expand
	printf '%s\n' '# Written by "vfiopt setup": run it again to change this file,' \
		'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on vfiopt.ids=10de:1b80"' \
		>"$T/etc/default/grub.d/vfiopt.cfg"
	verb check
	expect_out '^ok    1 of the 1 linux lines of /boot/grub/grub.cfg select: vfiopt.ids=10de:1b80$'
	expect_no_out 'still selects'
	# An undo cut short before update-grub ran: the snippet is gone (and a
	# commented word of /etc/default/grub asks for nothing), grub.cfg
	# still selects, and the next boot claims.
	rm "$T/etc/default/grub.d/vfiopt.cfg"
	printf '%s\n' 'GRUB_DEFAULT=0' '#GRUB_CMDLINE_LINUX="vfiopt.ids=10de:1b80"' \
		'GRUB_CMDLINE_LINUX="quiet" # vfio-pci.ids=10de:1b80' >"$T/etc/default/grub"
	verb check
	expect_out '^warn  /boot/grub/grub.cfg still selects vfiopt.ids=10de:1b80, but /etc/default/grub and its grub.d no longer do: update-grub has not run since \(an interrupted "vfiopt setup --undo --apply"\?\), so the next boot.s command line still has them$'
	expect_out '^      fix: /usr/sbin/update-grub$'
	# Words that /etc/default/grub gives by hand are asked for, quoted and
	# after a variable as the shell takes them.
	# shellcheck disable=SC2016 # the file's own line, not to expand
	echo 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT vfiopt.ids=10de:1b80"' >>"$T/etc/default/grub"
	verb check
	expect_no_out 'still selects|ask for'
	# A setup that changed the selection, cut short before update-grub
	# wrote grub.cfg: /etc asks for more than grub.cfg has.
	printf '%s\n' '# Written by "vfiopt setup": run it again to change this file,' \
		"GRUB_CMDLINE_LINUX=\"\${GRUB_CMDLINE_LINUX} iommu=pt vfiopt.addrs=0000:01:00.0\"" \
		>"$T/etc/default/grub.d/vfiopt.cfg"
	verb check
	expect_out '^warn  /boot/grub/grub.cfg selects vfiopt.ids=10de:1b80, but /etc/default/grub and its grub.d ask for vfiopt.ids=10de:1b80 vfiopt.addrs=0000:01:00.0: update-grub has not run since \(an interrupted "vfiopt setup --apply"\?\), so the next boot.s command line has grub.cfg.s$'
	expect_out '^      fix: /usr/sbin/update-grub$'
	# And less: the hand-given word gone from /etc, still in grub.cfg.
	sed -i '/vfiopt.ids/d' "$T/etc/default/grub"
	sed -i 's/vfiopt.ids=10de:1b80/& vfiopt.addrs=0000:01:00.0/' "$T/boot/grub/grub.cfg"
	verb check
	expect_out '^warn  /boot/grub/grub.cfg selects vfiopt.ids=10de:1b80 vfiopt.addrs=0000:01:00.0, but /etc/default/grub and its grub.d ask for vfiopt.addrs=0000:01:00.0: '
	sed -i 's/ vfiopt.ids=10de:1b80//' "$T/boot/grub/grub.cfg"
	verb check
	expect_no_out 'still selects|ask for'
	# What update-grub takes is no cause for a warning: a rescue word that
	# only the recovery lines get, a value set again later (of which the
	# shell keeps the last), an assignment without quotes.
	printf '%s\n' 'GRUB_CMDLINE_LINUX_RECOVERY="single vfiopt.disable=1"' \
		'GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:10f0"' \
		'GRUB_CMDLINE_LINUX_DEFAULT="quiet"' >>"$T/etc/default/grub"
	verb check
	expect_no_out 'still selects|ask for'
	sed -i 's/vfiopt.addrs=0000:01:00.0/& vfio-pci.ids=10de:1b81/' "$T/boot/grub/grub.cfg"
	echo 'GRUB_CMDLINE_LINUX_DEFAULT=vfio-pci.ids=10de:1b81' >>"$T/etc/default/grub"
	verb check
	expect_no_out 'still selects|ask for'
	expect_out '^ok    1 of the 1 linux lines of /boot/grub/grub.cfg select: vfiopt.addrs=0000:01:00.0 vfio-pci.ids=10de:1b81 \(not this boot.s: reboot to claim\)$'
}

# systemd-boot: the next boot's selection from its entries on the ESP.
test_check_boot_entries() {
	setup
	mkdir -p "$T/usr/bin" "$T/boot/efi/loader/entries" "$T/lib/modules/6.12.48+deb12-amd64"
	printf '#!/bin/sh\n' >"$T/usr/bin/kernel-install"
	chmod +x "$T/usr/bin/kernel-install"
	: >"$T/boot/efi/loader/loader.conf"
	: >"$T/boot/vmlinuz-6.1.0-56-amd64"
	: >"$T/boot/vmlinuz-6.12.48+deb12-amd64"
	printf '%s\n' 'title Debian GNU/Linux 12 (bookworm)' 'version 6.1.0-56-amd64' \
		'options root=UUID=1 ro intel_iommu=on iommu=pt vfiopt.ids=10de:1b80' \
		'linux /0123/6.1.0-56-amd64/linux' >"$T/boot/efi/loader/entries/0123-6.1.0-56-amd64.conf"
	printf '%s\n' 'title Debian GNU/Linux 12 (bookworm)' 'options root=UUID=1 ro' \
		>"$T/boot/efi/loader/entries/0123-6.12.48+deb12-amd64.conf"
	verb check
	expect_out '^ok    the kernel command line is set through /etc/kernel/cmdline \(systemd-boot, kernel-install; Proxmox.s proxmox-boot-tool\)$'
	expect_out '^ok    1 of the 2 boot entries in /boot/efi/loader/entries select: vfiopt.ids=10de:1b80 \(not this boot.s: reboot to claim\)$'
	# Setup's words that kernel-install has not put in any entry yet.
	sed -i '/^options/s/ intel_iommu.*//' "$T/boot/efi/loader/entries/0123-6.1.0-56-amd64.conf"
	mkdir -p "$T/var/lib/vfiopt"
	echo '# Written by "vfiopt setup"' >"$T/var/lib/vfiopt/cmdline-added"
	verb check
	expect_status 1
	expect_out '^fail  /boot/efi/loader/entries selects nothing: the parameters setup wrote have not reached it$'
	expect_out '^      fix: /usr/bin/kernel-install add 6.12.48\+deb12-amd64 /boot/vmlinuz-6.12.48\+deb12-amd64 \(and 1 more\)$'
}

# A unified kernel image boots with its own .cmdline: check and status read
# the one systemd-boot boots by default (the newest), not the entries.
test_check_uki() {
	local uki
	setup
	uki=$T/boot/efi/EFI/Linux/0123-6.12.48+deb12-amd64.efi
	mkdir -p "$T/usr/bin" "$T/boot/efi/loader/entries" "$T/etc/kernel"
	printf '#!/bin/sh\n' >"$T/usr/bin/kernel-install"
	chmod +x "$T/usr/bin/kernel-install"
	: >"$T/boot/efi/loader/loader.conf"
	: >"$T/boot/vmlinuz-6.1.0-56-amd64"
	printf '%s\n' 'options root=UUID=1 ro vfiopt.ids=8086:3e90' >"$T/boot/efi/loader/entries/0123-6.1.conf"
	fake_uki "$T/boot/efi/EFI/Linux/0123-6.1.0-56-amd64.efi" 'root=UUID=1 ro vfiopt.ids=8086:3e90'
	fake_uki "$uki" 'root=UUID=1 ro  intel_iommu=on vfiopt.ids=10de:1b80 quiet'
	verb check
	expect_out '^ok    the command line built into /boot/efi/EFI/Linux/0123-6\.12\.48\+deb12-amd64\.efi, the unified kernel image that boots next, selects: vfiopt\.ids=10de:1b80 \(not this boot.s: reboot to claim\)$'
	expect_no_out 'boot entries in'
	verb status
	expect_out '^Next boot: /boot/efi/EFI/Linux/0123-6\.12\.48\+deb12-amd64\.efi, a unified kernel image, selects vfiopt\.ids=10de:1b80\.$'
	# Setup's words not in the image yet: the fix is kernel-install.
	fake_uki "$uki" 'root=UUID=1 ro quiet'
	mkdir -p "$T/var/lib/vfiopt"
	echo '# Written by "vfiopt setup"' >"$T/var/lib/vfiopt/cmdline-added"
	verb check
	expect_status 1
	expect_out '^fail  the command line built into /boot/efi/EFI/Linux/0123-6\.12\.48\+deb12-amd64\.efi, the unified kernel image that boots next, selects nothing: the parameters setup wrote have not reached it$'
	expect_out '^      fix: /usr/bin/kernel-install add 6\.1\.0-56-amd64 /boot/vmlinuz-6\.1\.0-56-amd64$'
	verb status
	expect_out 'a unified kernel image, selects nothing \(no vfiopt word in its command line\)\.$'
	# No .cmdline; then not a PE image at all.
	fake_uki "$uki" -
	verb check
	expect_out '^warn  /boot/efi/EFI/Linux/0123-6\.12\.48\+deb12-amd64\.efi, the unified kernel image that boots next, has no \.cmdline section'
	printf 'MZ%.0s' $(seq 100) >"$uki"
	verb check
	expect_status 1
	expect_out '^fail  cannot read the command line of /boot/efi/EFI/Linux/0123-6\.12\.48\+deb12-amd64\.efi, the unified kernel image that boots next: not a PE image with a well-formed \.cmdline section$'
	verb status
	expect_out 'its command line cannot be read \(malformed\)\.$'
}

# A host softdep for one of our drivers, in a file that sorts before
# vfiopt.conf, hides ours in the initramfs: kmod takes the first.
test_check_softdeps() {
	setup
	generator dracut
	cp "$here/../conf/modprobe.d/vfiopt.conf" "$T/usr/lib/dracut/modules.d/90vfiopt/vfiopt-modprobe.conf"
	verb check
	expect_out "^ok    no modprobe.d file hides vfiopt's softdeps$"
	mkdir -p "$T/etc/modprobe.d" "$T/lib/modprobe.d"
	echo 'softdep nvidia-current pre: ecdh_generic' >"$T/etc/modprobe.d/nvidia.conf"
	printf '# alsa\n  softdep\tsnd-hda-intel post: snd-hda-codec-hdmi\n' >"$T/lib/modprobe.d/alsa.conf"
	# After ours: kmod reads ours first.
	echo 'softdep i915 pre: video' >"$T/etc/modprobe.d/zz-i915.conf"
	verb check
	expect_out "^warn  /etc/modprobe.d/nvidia.conf has a softdep for nvidia_current, and kmod takes the first it finds: vfiopt's is ignored"
	expect_out '^      fix: add vfio-pci to the pre: list of that line in /etc/modprobe.d/nvidia.conf$'
	expect_out "^warn  /lib/modprobe.d/alsa.conf has a softdep for snd_hda_intel"
	expect_no_out 'softdep for i915'
	expect_no_out 'no modprobe.d file hides'
	# A file of the same name in /etc hides /lib's; a directory does not.
	: >"$T/etc/modprobe.d/alsa.conf"
	verb check
	expect_no_out 'softdep for snd_hda_intel'
	rm "$T/etc/modprobe.d/alsa.conf"
	mkdir "$T/etc/modprobe.d/alsa.conf"
	verb check
	expect_out "^warn  /lib/modprobe.d/alsa.conf has a softdep for snd_hda_intel"
	rm -r "$T/etc/modprobe.d/alsa.conf" "$T/lib/modprobe.d/alsa.conf" "$T/etc/modprobe.d/nvidia.conf"
	# One that loads vfio-pci first already does our line's work.
	echo 'softdep nvidia pre: vfio-pci' >"$T/etc/modprobe.d/vfio.conf"
	# kmod matches a softdep's module as a pattern, and reads .alias files
	# too, but no dot file.
	echo 'softdep nvidia_* pre: ecdh_generic' >"$T/etc/modprobe.d/nvidia-extra.conf"
	echo 'softdep amdgpu pre: drm' >"$T/etc/modprobe.d/b.alias"
	echo 'softdep radeon pre: drm' >"$T/etc/modprobe.d/.hidden.conf"
	verb check
	expect_no_out 'softdep for nvidia$|softdep for nvidia,'
	expect_out "^warn  /etc/modprobe.d/nvidia-extra.conf has a softdep for nvidia_drm"
	expect_out "^warn  /etc/modprobe.d/nvidia-extra.conf has a softdep for nvidia_current_uvm"
	expect_out "^warn  /etc/modprobe.d/b.alias has a softdep for amdgpu"
	expect_no_out 'softdep for radeon'
}

# initramfs-tools: its own listing, its own script, its own rebuild.
test_check_initramfs_tools() {
	local image
	setup
	generator initramfs-tools
	image=$T/boot/initrd.img-6.1.0-56-amd64
	# dracut's hook in an initramfs-tools image runs nothing.
	initramfs "$image" usr/sbin/vfiopt-claim usr/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh
	mkdir -p "$T/etc/default/grub.d"
	echo '# Written by "vfiopt setup"' >"$T/etc/default/grub.d/vfiopt.cfg"
	verb check
	expect_out '^ok    initramfs-tools builds the initramfs; vfiopt.s part is installed \(/usr/share/initramfs-tools/hooks/vfiopt\)$'
	expect_out '^fail  /boot/initrd.img-6.1.0-56-amd64 has no vfiopt: no early claim at boot$'
	expect_out '^      fix: /usr/sbin/update-initramfs -u -k all$'
	initramfs "$image" usr/sbin/vfiopt scripts/init-top/claim_vfiopt scripts/init-top/udev
	verb check
	expect_out '^ok    /boot/initrd.img-6.1.0-56-amd64 holds the vfiopt helper and its script: the claim runs before udev$'
	rm "$T/usr/share/initramfs-tools/hooks/vfiopt"
	verb check
	expect_out '^fail  initramfs-tools builds the initramfs, and vfiopt.s part is not installed \(/usr/share/initramfs-tools/hooks/vfiopt\)$'
}

# For fleets and scripts: status --json and check --json parse, keep
# their keys, and exit as the text forms do (0 good, 1 a problem, 2 usage).
test_json() {
	setup
	verb status --json
	expect_status 0
	expect_eq "no record" "$(jq -c . "$T.out")" '{"record":null,"devices":[],"malformed_lines":0,"moved":0}'
	claimed_tree
	verb status --json
	expect_status 0
	expect_eq "the GPU" "$(jq -c '.devices[0]' "$T.out")" \
		'{"address":"0000:01:00.0","ids":"10de:1b80","reason":"id","previous_driver":null,"result":"claimed","present":true,"driver":"vfio-pci","host_driver":"nouveau","moved":false}'
	expect_eq "record, moved" "$(jq -c '[.record, .moved, .malformed_lines, (.devices | length)]' "$T.out")" \
		'["/run/vfiopt/claimed",0,0,2]'
	ln -sfn ../../../../bus/pci/drivers/snd_hda_intel "$T/sys/bus/pci/devices/0000:01:00.1/driver"
	echo "not a record line" >>"$T/run/vfiopt/claimed"
	verb status --json
	expect_status 1
	expect_eq "the audio, taken back" "$(jq -c '.devices[1] | [.driver, .moved]' "$T.out")" '["snd_hda_intel",true]'
	expect_eq "moved, malformed" "$(jq -c '[.moved, .malformed_lines]' "$T.out")" '[1,1]'
	# check: the same findings as the text, one object each.
	claimed_tree
	generator dracut
	verb check
	grep -E '^(ok|warn|fail) ' "$T.out" | sed -E 's/^(ok|warn|fail) +/\1 /' >"$T.text"
	verb check --json
	expect_status 0
	jq -e . "$T.out" >/dev/null || tap_fail "check --json is not JSON:" "$(head -c 300 "$T.out")"
	expect_eq "findings" "$(jq -r '.findings[] | "\(.level) \(.message)"' "$T.out")" "$(cat "$T.text")"
	expect_eq "keys" "$(jq -c '[keys, (.findings[0] | keys)]' "$T.out")" '[["failed","findings","warnings"],["fix","level","message"]]'
	rm "$T/sys/firmware/acpi/tables/DMAR" "$T/sys/class/iommu/dmar0"
	verb check --json
	expect_status 1
	expect_eq "a failure and its fix" "$(jq -c '[.failed > 0, ([.findings[] | select(.level == "fail")][0].fix | type)]' "$T.out")" '[true,"string"]'
	# Whatever the record holds, the output is JSON, and UTF-8.
	printf '0000:01:00.0 10de:1b80 id nouv\377eau\001"\\ claimed\n' >>"$T/run/vfiopt/claimed"
	sed -i 's/^10de  NVIDIA Corporation/10de  NVIDIA Corpor\xe9tion/' "$T/usr/share/misc/pci.ids"
	verb status --json
	iconv -f UTF-8 -t UTF-8 "$T.out" >/dev/null 2>&1 || tap_fail "status --json is not UTF-8:" "$(cat -v "$T.out")"
	expect_eq "an odd record line" "$(jq -c '.devices[2].previous_driver' "$T.out")" '"nouvÿeau\u0001\"\\"'
	verb list --json
	iconv -f UTF-8 -t UTF-8 "$T.out" >/dev/null 2>&1 || tap_fail "list --json is not UTF-8"
	expect_eq "a Latin-1 vendor name" "$(jq -r '.[] | select(.address == "0000:01:00.0") | .vendor_name' "$T.out")" "NVIDIA Corporétion"
	verb check --json --bogus
	expect_status 2
	verb release --json 0000:01:00.0
	expect_status 2
}

test_status() {
	setup
	verb status
	expect_status 0
	expect_out '^No early claim on this boot: /run/vfiopt/claimed is missing'
	claimed_tree
	verb status
	expect_status 0
	# The GPU had no driver: nouveau is what its ids call for, held off.
	expect_eq "status" "$(sed -n '1,4p' "$T.out")" "Early claim on this boot (/run/vfiopt/claimed):
  ADDRESS       IDS        REASON     BEFORE         RESULT    NOW           HOST DRIVER
  0000:01:00.0  10de:1b80  id         -              claimed   vfio-pci      nouveau
  0000:01:00.1  10de:10f0  companion  snd_hda_intel  claimed   vfio-pci      snd_hda_intel"
	# A loaded module names the driver it registered.
	mkdir -p "$T/sys/module/nouveau/drivers"
	ln -s ../../../bus/pci/drivers/nouveau "$T/sys/module/nouveau/drivers/pci:nouveau-drv"
	verb status
	expect_out '^  0000:01:00.0  10de:1b80  id         -              claimed   vfio-pci      nouveau-drv$'
	rm -r "$T/sys/module/nouveau"
	# Two modules for one id (nouveau, and NVIDIA's own driver installed
	# beside it): both named, or the one that is loaded.  A line too long
	# to be an alias, or one with a NUL byte, is skipped whole: its tail
	# never names a module.
	local aliases=$T/lib/modules/6.1.0-56-amd64/modules.alias
	{
		printf 'alias pci:v0000FFFFd%0600d alias pci:v000010DEd*sv*sd*bc*sc*i* tail_of_long\n' 0
		printf 'alias pci:v000010DEd*sv*\000sd*bc*sc*i* after_nul\n'
		echo 'alias pci:v000010DEd*sv*sd*bc03sc00i00* nvidia'
	} >>"$aliases"
	verb status
	expect_out '^  0000:01:00.0  10de:1b80  id         -              claimed   vfio-pci      nouveau,nvidia$'
	mkdir -p "$T/sys/module/nvidia/drivers"
	ln -s ../../../bus/pci/drivers/nvidia "$T/sys/module/nvidia/drivers/pci:nvidia"
	verb status
	expect_out '^  0000:01:00.0  10de:1b80  id         -              claimed   vfio-pci      nvidia$'
	rm -r "$T/sys/module/nvidia"
	# Something took the audio function back since.
	ln -sfn ../../../../bus/pci/drivers/snd_hda_intel "$T/sys/bus/pci/devices/0000:01:00.1/driver"
	verb status
	expect_status 1
	expect_out '^  0000:01:00.1  10de:10f0  companion  snd_hda_intel  claimed   snd_hda_intel snd_hda_intel  <- no longer on vfio-pci$'
	expect_out '^1 device\(s\) claimed at boot are on another driver now.$'
	expect_changed "$(dev 0000:01:00.1 driver)" ./lib/modules/6.1.0-56-amd64/modules.alias
	# Released on purpose: no complaint.
	sed -i 's/^\(0000:01:00.1 .*\) claimed$/\1 released/' "$T/run/vfiopt/claimed"
	verb status
	expect_status 0
	expect_out '^  0000:01:00.1  10de:10f0  companion  snd_hda_intel  released  snd_hda_intel snd_hda_intel$'
}

test_release() {
	claimed_tree
	# Checked before anything is written.
	verb release 01:00.0 ../../etc
	expect_status 2
	expect_err '"../../etc": not an address'
	expect_err 'nothing written'
	verb release 01:00.0 0000:09:00.0
	expect_status 1
	expect_err '0000:09:00.0: no such PCI device'
	# A device vfio-pci does not hold was never claimed: an error, and
	# the held one given with it is not released either.
	verb release 01:00.0 03:00.0
	expect_status 1
	expect_err '^vfiopt release: 0000:03:00.0 is not held by vfio-pci \(driver: e1000e\): there is nothing to release$'
	expect_err 'nothing written'
	expect_changed
	# On vfio-pci: clear the override, unbind, probe.  Nothing rebinds a
	# fake tree, so the link still says vfio-pci: that is reported.
	strace -f -y -qq -s 64 -e trace=write -o "$T.strace" \
		"$VFIOPT" release --sysroot "$T" 01:00.0 >"$T.out" 2>"$T.err"
	status=$?
	expect_status 1
	expect_eq "stores" "$(writes)" "$(dev 0000:01:00.0 driver_override | cut -c3-) <- \\n
sys/bus/pci/drivers/vfio-pci/unbind <- 0000:01:00.0
sys/bus/pci/drivers_probe <- 0000:01:00.0"
	expect_err 'vfio-pci took it again'
	# Given back for real (the driver link moves, as the kernel's probe
	# would move it): marked released in the record, by rename.
	claimed_tree
	ln -sfn ../../../../bus/pci/drivers/snd_hda_intel "$T/sys/bus/pci/devices/0000:01:00.1/driver"
	echo vfio-pci >"$T/sys/bus/pci/devices/0000:01:00.1/driver_override"
	snapshot >"$T.before"
	verb release 0000:01:00.1
	expect_status 0
	expect_out '^0000:01:00.1: released, now on snd_hda_intel$'
	expect_override 0000:01:00.1 ''
	expect_record "0000:01:00.0 10de:1b80 id - claimed" "0000:01:00.1 10de:10f0 companion snd_hda_intel released"
	expect_changed ./run/vfiopt/claimed "$(dev 0000:01:00.1 driver_override)"
	# Kept off its driver with no driver (IOMMU off), and no record: released.
	setup
	echo vfio-pci >"$T/sys/bus/pci/devices/0000:01:00.0/driver_override"
	verb release 0000:01:00.0
	expect_status 0
	expect_override 0000:01:00.0 ''
	expect_out '^0000:01:00.0: released, no driver took it'
	[ ! -e "$T/run/vfiopt/claimed" ] || tap_fail "release made a record"
}

test_help() {
	local v
	for v in claim setup list check status release; do
		"$VFIOPT" "$v" --help >"$work/help" 2>&1
		expect_eq "$v --help status" "$?" 0
		grep -q "^Usage: vfiopt $v" "$work/help" || tap_fail "$v --help: $(head -n 1 "$work/help")"
	done
	"$VFIOPT" --help | grep -qE '^  release +give devices back' || tap_fail "--help lacks release"
}

# Installed under the helper's name (dracut's vfiopt_helper=/usr/sbin/vfiopt
# copies it into the image as vfiopt-claim), the host tool runs the claim.
test_as_helper() {
	setup
	ln -s "$VFIOPT" "$work/vfiopt-claim"
	"$work/vfiopt-claim" --sysroot "$T" --dry-run --cmdline "vfiopt.ids=10de:1b80" \
		>"$T.out" 2>"$T.err"
	expect_eq "exit status" "$?" 0
	grep -qx "would write vfio-pci to $T/sys/bus/pci/devices/0000:01:00.0/driver_override" "$T.out" ||
		tap_fail "no dry-run claim of 01:00.0:" "$(cat "$T.out" "$T.err")"
	"$work/vfiopt-claim" --help | grep -q '^Usage: vfiopt-claim ' || tap_fail "--help is not the helper's"
	rm -f "$work/vfiopt-claim"
	expect_changed
}

# Firmware-reserved regions as the kernel prints them (regions.h): the
# IOAPIC's MSI window on every group, an RMRR that the iGPU may keep
# (direct-relaxable), one that keeps the AMD card's group from any VM.
rmrr_tree() {
	claimed_tree
	local g
	for g in "$T"/sys/kernel/iommu_groups/*; do
		echo '0x00000000fee00000 0x00000000feefffff msi' >"$g/reserved_regions"
	done
	printf '%s\n' '0x000000007b800000 0x000000007fffffff direct-relaxable' \
		'0x00000000fee00000 0x00000000feefffff msi' >"$T/sys/kernel/iommu_groups/2/reserved_regions"
	printf '%s\n' '0x000000007a000000 0x000000007a0fffff direct' \
		'0x00000000fee00000 0x00000000feefffff msi' >"$T/sys/kernel/iommu_groups/8/reserved_regions"
	echo "BOOT_IMAGE=/vmlinuz intel_iommu=on vfiopt.ids=8086:3e90,1002:67df,1002:aaf0" >"$T/proc/cmdline"
	snapshot >"$T.before"
}

test_rmrr() {
	rmrr_tree
	verb check
	expect_status 1
	expect_out '^fail  IOMMU group 8 of 0000:04:00.0 has a firmware-reserved region \(an RMRR, or AMD.s IVMD\) 0x000000007a000000-0x000000007a0fffff, direct: the kernel refuses to attach the device to a VM.s IOMMU domain \("Firmware has requested this device have a 1:1 IOMMU mapping"; Linux 6.1 on Intel: "ineligible for IOMMU domain attach due to platform RMRR requirement"\)$'
	expect_out '^      fix: no kernel parameter lifts it: a firmware update or setting without the reservation'
	expect_out '^ok    IOMMU group 2 of 0000:00:02.0 has a firmware-reserved region 0x000000007b800000-0x000000007fffffff, direct-relaxable: graphics or USB, which a VM may take$'
	expect_eq "RMRR findings" "$(grep -c 'firmware-reserved' "$T.out")" 2
	expect_no_out 'fee00000'
	verb list
	expect_eq "group 8" "$(sed -n '/^IOMMU group 8$/,/^$/p' "$T.out" | head -n 2)" "IOMMU group 8
  reserved 0x000000007a000000-0x000000007a0fffff direct (an RMRR: no VM can have this group)"
	expect_eq "group 2" "$(sed -n '/^IOMMU group 2$/,/^$/p' "$T.out" | sed -n 2p)" \
		"  reserved 0x000000007b800000-0x000000007fffffff direct-relaxable"
	expect_eq "group 9" "$(sed -n '/^IOMMU group 9$/,/^$/p' "$T.out" | sed -n 2p | cut -c1-15)" "  0000:04:00.1 "
	verb list --json
	expect_eq "regions of 04:00.0" "$(jq -c '.[] | select(.address == "0000:04:00.0") | .reserved_regions' "$T.out")" \
		'[{"start":"0x000000007a000000","end":"0x000000007a0fffff","type":"direct"},{"start":"0x00000000fee00000","end":"0x00000000feefffff","type":"msi"}]'
	# Lines of another form are named, counted and skipped.
	printf '%s\n' '0x7a000000 direct' 'garbage' '0x0000000000000010 0x0000000000000001 direct' \
		'0x00000000fee00000 0x00000000feefffff msi' >"$T/sys/kernel/iommu_groups/8/reserved_regions"
	snapshot >"$T.before"
	verb check
	expect_out '^warn  /sys/kernel/iommu_groups/8/reserved_regions: 3 line\(s\) not of the kernel.s form, ignored$'
	expect_no_out 'group 8 of 0000:04:00.0 has a firmware-reserved'
	expect_changed
}

run_test "list: grouped by IOMMU group, names from pci.ids, ids without" test_list
run_test "check, list: firmware-reserved regions, an RMRR that keeps a group from any VM" test_rmrr
run_test "list --json: one object per device, stable fields" test_list_json
run_test "check: a good setup" test_check_ok_and_fixes
run_test "check: each problem with its fix" test_check_failures
run_test "check: the VFIO interfaces this kernel offers, group or iommufd" test_check_vfio_interfaces
run_test "check: the firmware framebuffer before Linux 6.0" test_check_framebuffer_old_kernel
run_test "check: the IOMMU as the kernel set it up, AMD's fix in the firmware" test_check_iommu
run_test "check: the IOMMU switches read as the kernel reads them" test_check_iommu_switches
run_test "check: a selected device the IOMMU leaves out" test_check_no_group
run_test "check: whether each selected device can be reset" test_check_reset
run_test "check: the selection grub.cfg gives the next boot" test_check_next_boot
run_test "check: an initramfs-tools image, its script and its rebuild" test_check_initramfs_tools
run_test "check: systemd-boot's entries give the next boot's selection" test_check_boot_entries
run_test "check, status: the command line built into the unified kernel image that boots next" test_check_uki
run_test "check: a host softdep that hides vfiopt's in the initramfs" test_check_softdeps
run_test "status: the record next to the drivers now" test_status
run_test "status --json, check --json: keys, findings, exit status" test_json
run_test "release: checked first, then clear, unbind, probe" test_release
run_test "--help for every verb" test_help
run_test "called vfiopt-claim, the host tool runs the claim" test_as_helper
