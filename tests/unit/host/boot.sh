#!/bin/bash
# shellcheck disable=SC2119 # expect_changed without paths: nothing changed
# Unit tests of "vfiopt boot --dry-run" on fake trees: the QEMU command it
# builds, and what it refuses before starting anything.
set -u
VFIOPT=$(realpath "${1:?usage: boot.sh VFIOPT}")
here=$(cd "$(dirname "$0")/../.." && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/lib/tap.sh"
# shellcheck source=tests/lib/fakesys.sh
. "$here/lib/fakesys.sh"
# shellcheck source=tests/lib/unit.sh
. "$here/lib/unit.sh"
# shellcheck source=tests/lib/kernels.sh
. "$here/lib/kernels.sh"
# shellcheck source=tests/lib/release-root.sh
. "$here/lib/release-root.sh"
# shellcheck source=tests/lib/qemu.sh
. "$here/lib/qemu.sh"

# A tree after a boot that claimed CMDLINE, with /dev/vfio nodes.
booted() {
	setup
	"$VFIOPT" claim --sysroot "$T" --modprobe "$FAKE_MODPROBE" --cmdline "$1" >/dev/null 2>&1
	mkdir -p "$T/dev/vfio"
	for g in "$T"/sys/kernel/iommu_groups/*; do
		: >"$T/dev/vfio/${g##*/}"
	done
	snapshot >"$T.before"
}

dry() {
	"$VFIOPT" boot --sysroot "$T" --qemu /usr/bin/qemu-system-x86_64 --dry-run "$@" >"$T.out" 2>"$T.err"
	status=$?
}

expect_err() {
	grep -qE -- "$1" "$T.err" || tap_fail "stderr lacks /$1/:" "$(cat "$T.err")"
}

test_gpu_and_audio() {
	booted "vfiopt.ids=10de:1b80"
	dry -hda disk.img -cdrom /iso/os.iso -name pass -- -display none
	expect_status 0
	expect_eq "command" "$(cat "$T.out")" "/usr/bin/qemu-system-x86_64
-name
pass
-machine
q35
-accel
tcg
-cpu
max
-m
2G
-smp
2
-device
pcie-root-port,id=vfiopt-rp1,bus=pcie.0,addr=0x10,chassis=1
-device
vfio-pci,host=0000:01:00.0,bus=vfiopt-rp1,addr=0x0.0,multifunction=on
-device
vfio-pci,host=0000:01:00.1,bus=vfiopt-rp1,addr=0x0.1
-vga
none
-hda
disk.img
-cdrom
/iso/os.iso
-display
none"
	! grep -q 'no reset method' "$T.err" || tap_fail "a reset warning for devices that have one"
	expect_changed
}

# A device without a reset method: said before QEMU starts, and not refused.
test_no_reset_method() {
	booted "vfiopt.ids=1002:67df,1002:aaf0"
	dry -hda disk.img
	expect_status 0
	expect_err '^vfiopt boot: warning: 0000:04:00.1 has no reset method: if this VM restarts, it finds the device as it left it'
	grep -q 'vfio-pci,host=0000:04:00.1' "$T.out" || tap_fail "the device was left out:" "$(cat "$T.out")"
}

test_group_member_on_host_driver() {
	booted "vfiopt.ids=10de:1b80 vfiopt.companions=0"
	dry
	expect_status 1
	expect_err '^vfiopt boot: 0000:01:00.1 is in IOMMU group 1 with 0000:01:00.0, but on snd_hda_intel: select it too'
	expect_eq "stdout" "$(cat "$T.out")" ""
}

test_no_claimed_device() {
	setup
	dry
	expect_status 1
	expect_err 'no device given and no early claim on this boot \(/run/vfiopt/claimed\): use --device ADDR'
	dry --device 03:00.0
	expect_status 1
	expect_err '^vfiopt boot: 0000:03:00.0 is on e1000e, not vfio-pci: select it'
	dry --device 09:00.0
	expect_err 'no such PCI device'
}

test_firmware() {
	booted "vfiopt.addrs=03:00.0"
	mkdir -p "$T/usr/share/OVMF"
	: >"$T/usr/share/OVMF/OVMF_CODE_4M.fd"
	echo vars >"$T/usr/share/OVMF/OVMF_VARS_4M.fd"
	dry --no-rom -name win11
	expect_status 0
	grep -qx "if=pflash,format=raw,unit=0,readonly=on,file=$T/usr/share/OVMF/OVMF_CODE_4M.fd" "$T.out" ||
		tap_fail "no OVMF code: $(cat "$T.out")"
	grep -qx "if=pflash,format=raw,unit=1,file=$T/var/lib/vfiopt/win11_VARS.fd" "$T.out" ||
		tap_fail "no private variable store"
	grep -qx 'vfio-pci,host=0000:03:00.0,bus=vfiopt-rp1,addr=0x0.0,rombar=0' "$T.out" ||
		tap_fail "no NIC: $(cat "$T.out")"
	! grep -qx -- '-vga' "$T.out" || tap_fail "-vga none without a display device"
	# --bios keeps SeaBIOS; a dry run copies nothing.
	dry --bios
	! grep -q pflash "$T.out" || tap_fail "pflash with --bios"
	[ ! -e "$T/var/lib/vfiopt" ] || tap_fail "a dry run wrote the variable store"
	rm -r "$T/usr/share/OVMF"
	dry --uefi
	expect_status 1
	expect_err 'OVMF is not installed'
}

test_refusals() {
	booted "vfiopt.ids=10de:1b80"
	rm "$T/dev/vfio/1"
	dry
	expect_status 1
	expect_err '/dev/vfio/1: No such file or directory'
	dry --accel kvm
	expect_err 'KVM is not usable'
	dry -name '../x'
	expect_status 2
	dry -m lots
	expect_err '-m lots: a size such as 4G'
	# vfio pins all guest memory: a process without CAP_IPC_LOCK needs the limit.
	if command -v setpriv >/dev/null && command -v prlimit >/dev/null; then
		prlimit --memlock=65536 setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock \
			"$VFIOPT" boot --sysroot "$T" --dry-run -m 4G >"$T.out" 2>"$T.err"
		expect_err 'the memlock limit \(64 KiB\) is below the guest.s memory \(4194304 KiB\)'
	else
		tap_fail "setpriv and prlimit (util-linux) are needed"
	fi
}

test_passthrough_boot_sh() {
	booted "vfiopt.ids=10de:1b80"
	cp "$top/conf/passthrough_boot.sh" "$work/passthrough_boot.sh"
	ln -sf "$VFIOPT" "$work/vfiopt"
	"$work/passthrough_boot.sh" -hda disk.img -cdrom os.iso -name pass --sysroot "$T" --dry-run \
		>"$T.out" 2>"$T.err"
	status=$?
	expect_status 0
	grep -qx 'vfio-pci,host=0000:01:00.1,bus=vfiopt-rp1,addr=0x0.1' "$T.out" ||
		tap_fail "the seed's script did not pass the claimed devices: $(cat "$T.out" "$T.err")"
}

# --print qemu is --dry-run's output, byte for byte.
test_print_qemu() {
	booted "vfiopt.ids=10de:1b80"
	dry -name pass -- -display none
	cp "$T.out" "$T.dry"
	"$VFIOPT" boot --sysroot "$T" --qemu /usr/bin/qemu-system-x86_64 --print qemu -name pass \
		-- -display none >"$T.out" 2>"$T.err"
	status=$?
	expect_status 0
	expect_eq "--print qemu" "$(cat "$T.out")" "$(cat "$T.dry")"
	"$VFIOPT" boot --sysroot "$T" --print xml >"$T.out" 2>"$T.err"
	status=$?
	expect_status 2
	expect_err '^vfiopt boot: --print qemu, libvirt or qm, not xml$'
	expect_changed
}

# print MANAGER [ARGS...]: vfiopt boot --print MANAGER on the tree.
print() {
	local manager=$1
	shift
	"$VFIOPT" boot --sysroot "$T" --print "$manager" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

# domain ELEMENTS: a libvirt domain (q35) around the printed elements.
domain() {
	printf '%s\n' "<domain type='kvm'>" "  <name>vfiopt-print</name>" \
		"  <memory unit='MiB'>2048</memory>" \
		"  <os><type arch='x86_64' machine='q35'>hvm</type></os>" "  <devices>"
	sed 's/^/    /' "$1"
	printf '%s\n' "  </devices>" "</domain>"
}

# LIBVIRT DOMAIN: libvirt's own schema, and libvirt's test driver (no
# daemon, no KVM) defining the domain and giving it back.
libvirt_accepts() {
	virt-xml-validate "$1" domain >"$T.validate" 2>&1 ||
		{ tap_fail "virt-xml-validate refuses the domain:" "$(cat "$T.validate")" "$(cat "$1")"; return 1; }
	virsh -q -c test:///default "define $1; dumpxml vfiopt-print" >"$T.dumped" 2>&1 ||
		{ tap_fail "virsh define refuses the domain:" "$(cat "$T.dumped")"; return 1; }
}

xpath() { # FILE EXPR
	xmllint --xpath "$2" "$1" 2>/dev/null
}

test_print_libvirt() {
	booted "vfiopt.ids=10de:1b80,1002:67df,1002:aaf0"
	print libvirt
	expect_status 0
	expect_eq "elements" "$(cat "$T.out")" "<!-- vfiopt: 4 device(s), already on vfio-pci (managed='no'); a root port per slot from controller index 16 -->
<controller type='pci' model='pcie-root-port' index='16'/>
<hostdev mode='subsystem' type='pci' managed='no'>
  <source>
    <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
  </source>
  <address type='pci' domain='0x0000' bus='0x10' slot='0x00' function='0x0' multifunction='on'/>
</hostdev>
<hostdev mode='subsystem' type='pci' managed='no'>
  <source>
    <address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/>
  </source>
  <address type='pci' domain='0x0000' bus='0x10' slot='0x00' function='0x1'/>
</hostdev>
<controller type='pci' model='pcie-root-port' index='17'/>
<hostdev mode='subsystem' type='pci' managed='no'>
  <source>
    <address domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
  </source>
  <address type='pci' domain='0x0000' bus='0x11' slot='0x00' function='0x0' multifunction='on'/>
</hostdev>
<hostdev mode='subsystem' type='pci' managed='no'>
  <source>
    <address domain='0x0000' bus='0x04' slot='0x00' function='0x1'/>
  </source>
  <address type='pci' domain='0x0000' bus='0x11' slot='0x00' function='0x1'/>
</hostdev>"
	domain "$T.out" >"$T.xml"
	libvirt_accepts "$T.xml" || return
	# What libvirt keeps of them: the four functions, unmanaged, function 0
	# of each slot multifunction, each on its root port's bus.
	expect_eq "hostdevs defined" "$(xpath "$T.dumped" "count(//hostdev[@managed='no'])")" 4
	expect_eq "sources" "$(xpath "$T.dumped" "//hostdev/source/address" | tr -s ' \n' ' ')" \
		"<address domain=\"0x0000\" bus=\"0x01\" slot=\"0x00\" function=\"0x0\"/> <address domain=\"0x0000\" bus=\"0x01\" slot=\"0x00\" function=\"0x1\"/> <address domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x0\"/> <address domain=\"0x0000\" bus=\"0x04\" slot=\"0x00\" function=\"0x1\"/> "
	expect_eq "multifunction" "$(xpath "$T.dumped" "count(//hostdev/address[@multifunction='on'][@function='0x0'])")" 2
	expect_eq "root ports" "$(xpath "$T.dumped" "count(//controller[@model='pcie-root-port'][@index='16' or @index='17'])")" 2
	# The validator can fail: a managed attribute libvirt does not know.
	sed -i "s/managed='no'/managed='maybe'/" "$T.xml"
	! virt-xml-validate "$T.xml" domain >/dev/null 2>&1 ||
		tap_fail "virt-xml-validate accepts managed='maybe': it checks nothing"
	# --no-rom hides the option ROM the libvirt way.
	print libvirt --no-rom
	expect_eq "rom elements" "$(grep -c "^  <rom bar='off'/>$" "$T.out")" 4
	domain "$T.out" >"$T.xml"
	libvirt_accepts "$T.xml"
	expect_changed
}

test_print_qm() {
	booted "vfiopt.ids=10de:1b80,1002:67df,1002:aaf0"
	print qm
	expect_status 0
	# A slot whose functions all go is written without the function;
	# x-vga=1 on the first GPU only.
	expect_eq "lines" "$(cat "$T.out")" "hostpci0: 0000:01:00,pcie=1,x-vga=1
hostpci1: 0000:04:00,pcie=1"
	print qm --no-rom
	expect_eq "--no-rom" "$(cat "$T.out")" "hostpci0: 0000:01:00,pcie=1,x-vga=1,rombar=0
hostpci1: 0000:04:00,pcie=1,rombar=0"
	# One function of a slot whose other goes elsewhere: by its function.
	print qm --device 04:00.0
	expect_status 0
	expect_eq "one function" "$(cat "$T.out")" "hostpci0: 0000:04:00.0,pcie=1,x-vga=1"
	# x-vga=1 needs the VGA ranges, which only a VGA controller (0300)
	# has: not a 3D controller (0302).
	sed -i 's/^0x030000$/0x030200/' "$T/$(dev 0000:01:00.0 class)"
	sed -i 's/^PCI_CLASS=30000$/PCI_CLASS=30200/' "$T/$(dev 0000:01:00.0 uevent)"
	snapshot >"$T.before"
	print qm
	expect_eq "a 3D controller" "$(head -n 1 "$T.out")" "hostpci0: 0000:01:00,pcie=1"
	# The VM's own disks and QEMU arguments are not Proxmox's lines.
	print qm -hda disk.img
	expect_status 2
	expect_err '^vfiopt boot: --print qm prints the devices only'
	expect_changed
}

# with_qemu SUITE VERSION: that release's real QEMU (tests/lib/qemu.sh),
# whose own "-device vfio-pci,help" vfiopt boot reads.
with_qemu() {
	if ! qemu_of "$1" 2>"$work/qemu.err"; then
		tap_fail "no QEMU of $1:" "$(cat "$work/qemu.err")"
		return 1
	fi
	case $QEMU_VERSION in
	"QEMU emulator version $2"*) ;;
	*)
		tap_fail "$1's QEMU is not $2: $QEMU_VERSION"
		return 1
		;;
	esac
}

# igd MODE QEMU-ARGS...: vfiopt boot --dry-run of the seed's IGD with the
# release's QEMU; MODE is --bios or --uefi.
igd() {
	"$VFIOPT" boot --sysroot "$T" --qemu "$QEMU_OF" --dry-run "$@" >"$T.out" 2>"$T.err"
	status=$?
}

# The argument list, after the program's own name.
args() {
	tail -n +2 "$T.out"
}

# The seed's device, the Intel IGD at 00:02.0 (8086:3e90), with each
# release's QEMU: legacy mode for a SeaBIOS guest, the OpRegion for a UEFI
# one, in the properties that QEMU lists.
igd_case() { # SUITE VERSION LEGACY-OPTIONS UEFI-OPTIONS
	local suite=$1 version=$2 legacy=$3 uefi=$4
	with_qemu "$suite" "$version" || return
	booted "vfiopt.ids=8086:3e90"
	igd --bios
	expect_status 0
	expect_eq "legacy mode with $suite's QEMU" "$(args)" "-name
vfiopt
-machine
pc
-accel
tcg
-cpu
max
-m
2G
-smp
2
-device
vfio-pci,host=0000:00:02.0,bus=pci.0,addr=0x2$legacy
-vga
none"
	# The tree's IGD has no ROM to run; its LPC bridge is at 00:1f.0.
	expect_err '^vfiopt boot: warning: 0000:00:02.0 shows no ROM \(no rom attribute\): legacy mode needs its VBIOS'
	! grep -q 'no LPC bridge' "$T.err" || tap_fail "an LPC warning with the bridge at 00:1f.0"
	: >"$T/$(dev 0000:00:02.0 rom)"
	igd --bios
	! grep -q 'shows no ROM' "$T.err" || tap_fail "a ROM warning for an IGD with a ROM"
	igd --bios --no-rom
	expect_status 2
	expect_err '^vfiopt boot: legacy mode \(a SeaBIOS guest\) runs the IGD.s VBIOS, and --no-rom hides it'
	# A UEFI guest: q35, 00:02.0 on its root bus, the OpRegion, and a
	# warning naming the option ROM it lacks.
	mkdir -p "$T/usr/share/OVMF"
	: >"$T/usr/share/OVMF/OVMF_CODE_4M.fd"
	: >"$T/usr/share/OVMF/OVMF_VARS_4M.fd"
	igd --uefi
	expect_status 0
	expect_eq "UEFI with $suite's QEMU" "$(args | grep -v -e '^-drive$' -e '^if=pflash')" "-name
vfiopt
-machine
q35
-accel
tcg
-cpu
max
-m
2G
-smp
2
-device
vfio-pci,host=0000:00:02.0,bus=pcie.0,addr=0x2$uefi
-vga
none"
	expect_err 'is an Intel IGD and the guest boots UEFI: OVMF sets up neither its OpRegion nor its stolen memory'
	expect_err 'with --igd-rom FILE, or boot the guest in legacy mode with --bios'
	igd --uefi --igd-rom /usr/share/vfiopt/igd-efi.rom
	grep -qx "vfio-pci,host=0000:00:02.0,bus=pcie.0,addr=0x2$uefi,romfile=/usr/share/vfiopt/igd-efi.rom" "$T.out" ||
		tap_fail "no romfile= with --igd-rom:" "$(cat "$T.out")"
	expect_err 'warning: --igd-rom /usr/share/vfiopt/igd-efi.rom: No such file or directory'
	! grep -q 'OVMF sets up neither' "$T.err" || tap_fail "the ROM warning with a ROM given"
	igd --uefi --igd-rom /x,y.rom
	expect_status 2
	expect_err '^vfiopt boot: --igd-rom /x,y.rom: a path without , . " < > or &$'
	# The IGD with a GPU in legacy mode: i440fx has no PCIe root port,
	# the GPU's slot goes on the root bus.
	booted "vfiopt.ids=8086:3e90,10de:1b80"
	igd --bios
	expect_status 0
	expect_eq "the IGD and a GPU" "$(args | grep '^vfio-pci')" "vfio-pci,host=0000:00:02.0,bus=pci.0,addr=0x2$legacy
vfio-pci,host=0000:01:00.0,bus=pci.0,addr=0x10.0,multifunction=on
vfio-pci,host=0000:01:00.1,bus=pci.0,addr=0x10.1"
	# The VM managers: in legacy mode an i440fx VM, so no PCIe anywhere,
	# and the IGD the primary display (no x-vga for the GPU).
	print qm --bios
	expect_status 0
	expect_eq "qm, legacy" "$(cat "$T.out")" "hostpci0: 0000:00:02.0,legacy-igd=1
hostpci1: 0000:01:00"
	expect_err '^vfiopt boot: the VM needs machine: pc \(i440fx\), bios: seabios and vga: none for legacy-igd=1'
	print libvirt --bios
	expect_status 0
	expect_eq "libvirt, legacy" "$(grep -e '<address type' -e '<controller' "$T.out")" "  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x0' multifunction='on'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x1'/>"
	domain "$T.out" | sed "s/machine='q35'/machine='pc'/" >"$T.xml"
	libvirt_accepts "$T.xml"
	# A UEFI guest: the ROM goes along, the OpRegion needs libvirt's
	# override, which it is told.
	print libvirt --uefi --igd-rom /usr/share/vfiopt/igd-efi.rom
	expect_status 0
	expect_eq "libvirt, UEFI" "$(grep -A 3 "^    <address domain='0x0000' bus='0x00' slot='0x02'" "$T.out")" "    <address domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
  </source>
  <rom file='/usr/share/vfiopt/igd-efi.rom'/>
  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>"
	expect_err 'libvirt has no element for the IGD.s OpRegion: add x-igd-opregion=on to its hostdev with <qemu:override>'
	domain "$T.out" >"$T.xml"
	libvirt_accepts "$T.xml"
	print qm --uefi --igd-rom /usr/share/vfiopt/igd-efi.rom
	expect_eq "qm, UEFI" "$(cat "$T.out")" "hostpci0: 0000:00:02.0,pcie=1,romfile=igd-efi.rom
hostpci1: 0000:01:00,pcie=1,x-vga=1"
	expect_err 'Proxmox reads romfile= under /usr/share/kvm/: copy /usr/share/vfiopt/igd-efi.rom there'
	# The manager chooses the guest's firmware, not this host's OVMF.
	print qm
	expect_status 2
	expect_err '^vfiopt boot: 0000:00:02.0 is an Intel IGD, whose mode follows the guest.s firmware: say --uefi or --bios$'
	# An IGD that is not the VGA device (0380) cannot go in legacy mode.
	sed -i 's/^0x030000$/0x038000/' "$T/$(dev 0000:00:02.0 class)"
	sed -i 's/^PCI_CLASS=30000$/PCI_CLASS=38000/' "$T/$(dev 0000:00:02.0 uevent)"
	igd --bios
	expect_status 2
	expect_err '^vfiopt boot: 0000:00:02.0 is an IGD of class 0380, not the VGA device: legacy mode \(a SeaBIOS guest\) cannot take it'
}

test_igd_qemu_7_2() {
	igd_case bookworm 7.2 "" ",x-igd-opregion=on"
}

test_igd_qemu_10_0() {
	igd_case trixie 10.0 ",x-igd-legacy-mode=on" ",x-igd-legacy-mode=off,x-igd-opregion=on"
}

test_igd_qemu_11() {
	igd_case sid 11. ",x-igd-legacy-mode=on" ",x-igd-legacy-mode=off,x-igd-opregion=on"
}

# --iommufd: /dev/iommu and the devices' cdevs instead of the group, when
# the kernel and QEMU have them; refused with the reason otherwise.
test_iommufd() {
	booted "vfiopt.ids=10de:1b80"
	with_qemu trixie 10.0 || return
	igd --iommufd
	expect_status 1
	expect_err '^vfiopt boot: --iommufd: /dev/iommu: No such file or directory \(iommufd is not loaded, or the kernel is built without CONFIG_IOMMUFD'
	: >"$T/dev/iommu"
	igd --iommufd
	expect_status 1
	expect_err '^vfiopt boot: --iommufd: 0000:01:00.0 has no VFIO device cdev'
	mkdir -p "$T/$(dev 0000:01:00.0 vfio-dev/vfio0)" "$T/$(dev 0000:01:00.1 vfio-dev/vfio1)" \
		"$T/dev/vfio/devices"
	: >"$T/dev/vfio/devices/vfio0"
	: >"$T/dev/vfio/devices/vfio1"
	# Without the group nodes: the cdevs are what QEMU opens.
	rm "$T/dev/vfio/1"
	igd --iommufd
	expect_status 0
	expect_eq "iommufd" "$(args | grep -A 1 -x -e -object -e -device | grep -v -x -e -object -e -device -e --)" "iommufd,id=vfiopt-iommufd
pcie-root-port,id=vfiopt-rp1,bus=pcie.0,addr=0x10,chassis=1
vfio-pci,host=0000:01:00.0,bus=vfiopt-rp1,addr=0x0.0,multifunction=on,iommufd=vfiopt-iommufd
vfio-pci,host=0000:01:00.1,bus=vfiopt-rp1,addr=0x0.1,iommufd=vfiopt-iommufd"
	# Debian 12's QEMU (7.2) has no iommufd backend.
	with_qemu bookworm 7.2 || return
	igd --iommufd
	expect_status 1
	expect_err "^vfiopt boot: --iommufd: $QEMU_OF has no iommufd backend"
	"$VFIOPT" boot --sysroot "$T" --print libvirt --iommufd >"$T.out" 2>"$T.err"
	status=$?
	expect_status 2
}

run_test "boot: a GPU and its audio at one guest slot, the seed's options" test_gpu_and_audio
run_test "boot: the seed's Intel IGD with Debian 12's QEMU 7.2, as it lists its properties" test_igd_qemu_7_2
run_test "boot: the seed's Intel IGD with Debian 13's QEMU 10.0, as it lists its properties" test_igd_qemu_10_0
run_test "boot: the seed's Intel IGD with unstable's QEMU 11.x, as it lists its properties" test_igd_qemu_11
run_test "boot: --iommufd with /dev/iommu and the cdevs, refused without them" test_iommufd
run_test "boot: --print qemu is the dry run's command" test_print_qemu
run_test "boot: --print libvirt, validated by libvirt's schema and test driver" test_print_libvirt
run_test "boot: --print qm, Proxmox's hostpciN lines" test_print_qm
run_test "boot: a device without a reset method is said, not refused" test_no_reset_method
run_test "boot: a group member on a host driver is refused" test_group_member_on_host_driver
run_test "boot: no claimed device, or one not on vfio-pci" test_no_claimed_device
run_test "boot: OVMF with a private variable store, or SeaBIOS" test_firmware
run_test "boot: /dev/vfio, KVM, memlock and bad options, before any start" test_refusals
run_test "boot: passthrough_boot.sh takes the seed's arguments" test_passthrough_boot_sh
