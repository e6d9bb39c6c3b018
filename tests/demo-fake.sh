#!/bin/bash
# A first look at "vfiopt claim" without a reboot: the desktop fake sysfs
# tree, before and after an early claim of its NVIDIA card, printed the way
# "lspci -nnk" shows it.  (The real proof, a QEMU boot, is the boot rig.)
set -eu
VFIOPT=$(realpath "${1:-./vfiopt}")
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-demo.XXXXXX")
trap 'rm -rf "$root"' EXIT
cp -a "$here/trees/desktop/." "$root/"
mkdir -p "$root/run" "$root/etc"

show() {
	local addr d drv
	for addr in 0000:01:00.0 0000:01:00.1 0000:02:00.0; do
		d=$root/sys/bus/pci/devices/$addr
		drv=
		[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		printf '%s [%s]: [%s:%s]\n\tKernel driver in use: %s\n' "${addr#0000:}" \
			"$(cut -c3-6 "$d/class")" "$(cut -c3- "$d/vendor")" "$(cut -c3- "$d/device")" \
			"${drv:-(none)}"
	done
}

cmdline="BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on vfiopt.ids=10de:1b80"
echo "== before: a fake desktop's sysfs, as udev would leave it"
show
echo
echo "== vfiopt claim, with: $cmdline"
FAKE_SYSROOT=$root "$VFIOPT" claim --sysroot "$root" --modprobe "$here/lib/fake-modprobe" \
	--cmdline "$cmdline" || true
sed 's/^<[0-9]>//' "$root/dev/kmsg"
echo
echo "== after"
show
