# shellcheck shell=bash disable=SC2034 # the addresses are for the suites sourcing this
# The nested QEMU rig: Debian's kernel, an initramfs built by Debian's dracut
# with the project's module, a small ext4 root whose /init reports what the
# guest sees over the serial console, and a q35 machine with an emulated
# Intel IOMMU.  The stand-in for the seed's GPU is QEMU's VGA (1234:1111,
# bochs-drm's) at 00:03.0 with an ich9-intel-hda (snd_hda_intel's) as
# function 1 of the same slot, one IOMMU group; two identical e1000e NICs at
# 00:04.0 and 00:05.0.  Sourced after kernels.sh, dracut.sh and
# initramfs-tools.sh.

# shellcheck source=tests/lib/report.sh
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"
# shellcheck source=tests/lib/accel.sh
. "$(dirname "${BASH_SOURCE[0]}")/accel.sh"
# shellcheck source=tests/lib/qemu.sh
. "$(dirname "${BASH_SOURCE[0]}")/qemu.sh"

BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
GPU=0000:00:03.0
GPU_AUDIO=0000:00:03.1
NIC1=0000:00:04.0
NIC2=0000:00:05.0

# The drivers that race for the stand-in devices, and what the root needs.
BOOT_DRIVERS="virtio_blk virtio_pci ext4 e1000e snd_hda_intel bochs"

# boot_setup WORK: the dracut base directory, the root image, the
# accelerator, the emulator (Debian 13's QEMU, tests/lib/qemu.sh).
boot_setup() {
	BOOT_WORK=$1
	command -v qemu-system-x86_64 >/dev/null || {
		echo "boot_setup: qemu-system-x86_64 is missing (Debian: qemu-system-x86)" >&2
		return 1
	}
	qemu_rig || return 1
	file -L /bin/busybox 2>/dev/null | grep -qE 'statically linked|static-pie' || {
		echo "boot_setup: no static /bin/busybox for the guest's root (Debian: busybox-static)" >&2
		return 1
	}
	command -v mke2fs >/dev/null || {
		echo "boot_setup: mke2fs is missing (Debian: e2fsprogs)" >&2
		return 1
	}
	dracut_setup "$BOOT_WORK" || return 1
	_boot_root || return 1
	kernel_fetch 6.1 || return 1
	boot_probe_accel
}

# A root file system made without mounting anything: mke2fs -d.
_boot_root() {
	local top dir=$BOOT_WORK/rootfs
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	rm -rf "$dir"
	mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/run" "$dir/tmp" "$dir/etc" || return 1
	cp /bin/busybox "$dir/bin/busybox" || return 1
	install -m 0755 "$top/tests/boot/guest-init.sh" "$dir/init" || return 1
	# An os-release, as every root has: the systemd of Debian 13's and
	# unstable's initramfs switches only to a root that has one
	# ("does not seem to be an OS tree").
	printf '%s\n' 'NAME="vfiopt boot rig"' 'ID=vfiopt-boot-rig' >"$dir/etc/os-release" || return 1
	BOOT_ROOT=$BOOT_WORK/root.img
	rm -f "$BOOT_ROOT"
	mke2fs -q -t ext4 -d "$dir" "$BOOT_ROOT" 32M >/dev/null
}

# KVM only when a quick boot shows it works (tests/lib/accel.sh).  Once,
# in boot_setup: the answer is in BOOT_ACCEL (which a caller may also set
# beforehand).
boot_probe_accel() {
	[ -n "${BOOT_ACCEL:-}" ] && return
	BOOT_ACCEL=$(accel_probe "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION")
}

# boot_initramfs IMAGE SERIES INIT [DRACUT ARGS...]: INIT is systemd or
# shell (dracut's two), or itools: the release's initramfs-tools, as
# Debian ships it (MODULES=most), with the racing drivers added.
boot_initramfs() {
	local img=$1 series=$2 init=$3
	shift 3
	if [ "$init" = itools ]; then
		kernel_fetch "$series" || return 1
		case $series in
		trixie | sid) local ITOOLS_SUITE=$series ;;
		esac
		ITOOLS_MODULES=$BOOT_DRIVERS itools_build most yes "$img"
		return
	fi
	local opts=(--no-hostonly --add drm --add-drivers "$BOOT_DRIVERS" --compress gzip
		# Big GPU drivers the stand-in machine has no use for: they only slow the boot.
		--omit-drivers "amdgpu radeon nouveau i915 xe"
		-o "plymouth crypt lvm mdraid dmraid multipath btrfs resume nfs iscsi nbd fcoe")
	[ "$init" = shell ] && opts+=(-o systemd)
	kernel_fetch "$series" || return 1
	# Each release's kernel with that release's own dracut: Debian 12's is
	# this machine's; Debian 13's and unstable's run in a root of theirs.
	case $series in
	trixie | sid) DRACUT_SUITE=$series dracut_build "$img" "$KERNEL_ROOT" "$KERNEL_VERSION" "${opts[@]}" "$@" ;;
	*) dracut_build "$img" "$KERNEL_ROOT" "$KERNEL_VERSION" "${opts[@]}" "$@" ;;
	esac
}

# boot_run LOG SERIES IMAGE CMDLINE [--no-iommu]: boot the stand-in machine
# once; 0 when the guest's report reached the serial log.
boot_run() {
	local log=$1 series=$2 img=$3 cmdline=$4 iommu=(-device "intel-iommu,intremap=on")
	local accel=${BOOT_ACCEL:-tcg} cpu=max
	[ "${5:-}" = --no-iommu ] && iommu=()
	kernel_fetch "$series" || return 1
	[ "$accel" = kvm ] && cpu=host
	rm -f "$log"
	timeout "$BOOT_TIMEOUT" "${QEMU_RIG[@]}" \
		-machine q35,kernel-irqchip=split -accel "$(accel_option "$accel")" -cpu "$cpu" -smp 2 -m "${BOOT_MEM:-1024}" \
		"${iommu[@]}" -nodefaults -display none -no-reboot -serial "file:$log" \
		-kernel "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" -initrd "$img" \
		-append "console=ttyS0 root=/dev/vda rw init=/init rd.shell=0 rd.emergency=poweroff panic=-1 $cmdline" \
		-drive "file=${BOOT_ROOT_IMAGE:-$BOOT_ROOT},if=none,id=root,format=raw,snapshot=on" \
		-device virtio-blk-pci,drive=root,bus=pcie.0,addr=0x6 \
		-device VGA,bus=pcie.0,addr=0x3.0,multifunction=on \
		-device ich9-intel-hda,bus=pcie.0,addr=0x3.1 \
		-device e1000e,bus=pcie.0,addr=0x4 \
		-device e1000e,bus=pcie.0,addr=0x5 \
		>"$log.qemu" 2>&1
	grep -q '^VFIOPT-REPORT-END' "$log"
}

# boot_nested_root: a root for the VM-in-a-VM scenario.  On top of the
# plain root: the helper, QEMU with its libraries, accelerator modules and
# the SeaBIOS files it loads, and the second-level guest (the same kernel,
# an initramfs of busybox and e1000e whose /init reports what it sees).
boot_nested_root() {
	local top dir=$BOOT_WORK/nested-rootfs l2=$BOOT_WORK/l2 lib f qemu
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	qemu=$(command -v qemu-system-x86_64) || return 1
	rm -rf "$dir" "$l2"
	cp -a "$BOOT_WORK/rootfs" "$dir" || return 1
	install -D -m 0755 "$BOOT_WORK/stage/usr/sbin/vfiopt" "$dir/usr/sbin/vfiopt" || return 1
	install -D -m 0755 "$qemu" "$dir/usr/bin/qemu-system-x86_64" || return 1
	for lib in $(ldd "$qemu" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		install -D -m 0755 "$(readlink -f "$lib")" "$dir$lib" || return 1
	done
	mkdir -p "$dir/usr/lib/x86_64-linux-gnu" || return 1
	cp -a /usr/lib/x86_64-linux-gnu/qemu "$dir/usr/lib/x86_64-linux-gnu/" || return 1
	for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin \
		/usr/share/qemu/linuxboot_dma.bin; do
		install -D -m 0644 "$(readlink -f "$f")" "$dir$f" || return 1
	done
	mkdir -p "$l2/bin" "$l2/proc" "$l2/sys" "$l2/dev" "$dir/l2" || return 1
	cp /bin/busybox "$l2/bin/busybox" || return 1
	install -m 0755 "$top/tests/boot/l2-init.sh" "$l2/init" || return 1
	f=$(find "$KERNEL_ROOT/lib/modules/$KERNEL_VERSION" -name 'e1000e.ko*' | head -n 1)
	case $f in
	*.xz) xz -dc "$f" >"$l2/e1000e.ko" ;;
	*.zst) zstd -dc "$f" >"$l2/e1000e.ko" ;;
	*) cp "$f" "$l2/e1000e.ko" ;;
	esac || return 1
	(cd "$l2" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/l2/initrd.img" || return 1
	cp "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" "$dir/l2/vmlinuz" || return 1
	BOOT_NESTED_ROOT=$BOOT_WORK/nested-root.img
	rm -f "$BOOT_NESTED_ROOT"
	mke2fs -q -t ext4 -d "$dir" "$BOOT_NESTED_ROOT" 256M >/dev/null
}
