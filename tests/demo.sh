#!/bin/bash
# make demo: the newcomer's first look.  Boot the stand-in machine (QEMU's
# VGA and its HDMI-style audio in one slot, two identical NICs) with
# Debian's kernel and a dracut initramfs holding vfiopt, once without and
# once with vfiopt.ids=1234:1111, and show the GPU the way the seed's
# "lspci -nnk" does: bochs-drm holds it, then vfio-pci does.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# shellcheck source=tests/lib/kernels.sh
. tests/lib/kernels.sh
# shellcheck source=tests/lib/dracut.sh
. tests/lib/dracut.sh
# shellcheck source=tests/lib/boot.sh
. tests/lib/boot.sh

step=0
steps=7
work=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

progress() {
	step=$((step + 1))
	printf '[%d/%d] %s\n' "$step" "$steps" "$*"
}

die() {
	echo "demo: $*" >&2
	exit 1
}

# lspci -nnk, for the lines the guest reported about one device.
lspci_nnk() { # LOG ADDR
	local line class name
	line=$(report "$1" | awk -v a="$2" '$1 == "DEV" && $2 == a')
	[ -n "$line" ] || die "the guest did not report $2"
	class=$(echo "$line" | awk '{ print substr($4, 1, 4) }')
	case $class in
	0300) name="VGA compatible controller" ;;
	0403) name="Audio device" ;;
	0200) name="Ethernet controller" ;;
	*) name="Class $class" ;;
	esac
	printf '%s %s [%s]: Device [%s]\n' "${2#0000:}" "$name" "$class" "$(echo "$line" | awk '{ print $3 }')"
	printf '\tKernel driver in use: %s\n' "$(dev_field "$1" "$2" driver | sed 's/^-$/(none)/')"
}

progress "checking for the packages the demo needs"
tests/deps.sh || die "missing packages"

progress "building vfiopt"
make -s vfiopt vfiopt-claim || die "the build failed"

progress "fetching Debian's 6.1 kernel (cached in $VFIOPT_CACHE)"
# A machine with the packages but no package lists yet.
if [ -z "$(apt-cache pkgnames linux-image-6.1 2>/dev/null)" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -q >"$work/apt.log" 2>&1 || die "apt-get update failed"
fi
kernel_fetch 6.1 || die "no kernel"
echo "      $KERNEL_VERSION"

progress "building the initramfs with Debian's dracut and the vfiopt module"
# Two short boots: this machine's QEMU does, with no root of Debian 13 to
# build for the suites' emulator (tests/lib/qemu.sh).
RIG_QEMU=${RIG_QEMU:-qemu-system-x86_64}
boot_setup "$work" || die "could not set up the rig"
boot_initramfs "$work/initrd.img" 6.1 systemd || die "dracut failed: $(tail -n 5 "$work/initrd.img.log")"

progress "booting the stand-in machine without vfiopt ($BOOT_ACCEL; about 20 s)"
boot_run "$work/before.log" 6.1 "$work/initrd.img" "intel_iommu=on" ||
	die "the guest did not boot: $(tail -n 5 "$work/before.log")"

progress "booting it again with vfiopt.ids=1234:1111"
boot_run "$work/after.log" 6.1 "$work/initrd.img" "intel_iommu=on vfiopt.ids=1234:1111" ||
	die "the guest did not boot: $(tail -n 5 "$work/after.log")"

progress "what the guest saw"
echo
echo "== without vfiopt: lspci -nnk -s 00:03"
lspci_nnk "$work/before.log" "$GPU"
lspci_nnk "$work/before.log" "$GPU_AUDIO"
echo
echo "== with vfiopt.ids=1234:1111: lspci -nnk -s 00:03"
lspci_nnk "$work/after.log" "$GPU"
lspci_nnk "$work/after.log" "$GPU_AUDIO"
echo
echo "== dmesg | grep vfiopt"
report "$work/after.log" | sed -n 's/^KMSG //p'
echo
if [ "$(dev_field "$work/after.log" "$GPU" driver)" = vfio-pci ] &&
	[ "$(dev_field "$work/before.log" "$GPU" driver)" = bochs-drm ]; then
	echo "The stand-in GPU went from bochs-drm to vfio-pci, claimed before udev loaded its driver."
else
	die "the GPU did not go from bochs-drm to vfio-pci"
fi
