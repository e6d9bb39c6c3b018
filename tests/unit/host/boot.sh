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

run_test "boot: a GPU and its audio at one guest slot, the seed's options" test_gpu_and_audio
run_test "boot: a device without a reset method is said, not refused" test_no_reset_method
run_test "boot: a group member on a host driver is refused" test_group_member_on_host_driver
run_test "boot: no claimed device, or one not on vfio-pci" test_no_claimed_device
run_test "boot: OVMF with a private variable store, or SeaBIOS" test_firmware
run_test "boot: /dev/vfio, KVM, memlock and bad options, before any start" test_refusals
run_test "boot: passthrough_boot.sh takes the seed's arguments" test_passthrough_boot_sh
