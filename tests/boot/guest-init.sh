#!/bin/busybox sh
# shellcheck shell=dash
# /init of the boot tests' root file system.  It runs after the initramfs
# (and vfiopt's pre-udev hook in it) has handed over, reports what the
# guest sees over the serial console between two markers, and powers off.
# The host greps the report; nothing here decides pass or fail.
bb=/bin/busybox
export PATH=/bin

# dracut moves /proc, /sys, /dev and /run over (Debian's busybox has no
# mountpoint applet: ask /proc/mounts); mount whatever is missing.  /run
# must be the initramfs's own: the claim record is in it.
[ -e /proc/mounts ] || $bb mount -t proc proc /proc
mounted() {
	$bb grep -q " $1 " /proc/mounts
}
mounted /sys || $bb mount -t sysfs sysfs /sys
mounted /dev || $bb mount -t devtmpfs devtmpfs /dev
mounted /run || $bb mount -t tmpfs tmpfs /run

# Let udev's coldplug settle: drivers bind asynchronously after switch_root too.
$bb sleep 2

# A line of its own: the systemd of Debian 13's and unstable's initramfs
# leaves its terminal queries and resets on the console without a newline.
echo
echo "VFIOPT-REPORT-BEGIN"
echo "CMDLINE $($bb cat /proc/cmdline)"
for dev in /sys/bus/pci/devices/*; do
	addr=${dev##*/}
	driver=-
	[ -L "$dev/driver" ] && driver=$($bb basename "$($bb readlink "$dev/driver")")
	group=-
	[ -L "$dev/iommu_group" ] && group=$($bb basename "$($bb readlink "$dev/iommu_group")")
	read -r vendor <"$dev/vendor"
	read -r device <"$dev/device"
	read -r class <"$dev/class"
	read -r override <"$dev/driver_override"
	echo "DEV $addr ${vendor#0x}:${device#0x} ${class#0x} driver=$driver override=$override group=$group"
done
for node in /dev/vfio/*; do
	[ -e "$node" ] && echo "VFIO ${node##*/}"
done
$bb dmesg | $bb grep 'vfiopt: ' | $bb sed 's/^/KMSG /'
[ -f /run/vfiopt/claimed ] && $bb sed 's/^/RECORD /' /run/vfiopt/claimed
$bb grep -E '^(bochs|bochs_drm|snd_hda_intel|e1000e|vfio_pci) ' /proc/modules | $bb sed 's/^/MODULE /'
# The nested scenario: boot a second-level guest that owns the device this
# boot's claim put on vfio-pci, with vfiopt boot itself.
case " $($bb cat /proc/cmdline) " in
*" rig.nested "*)
	echo "NESTED-BEGIN"
	$bb timeout -s KILL 420 /usr/sbin/vfiopt boot --accel tcg --bios --no-rom -m 256M -smp 1 \
		-name l2 -- -nodefaults -display none -serial stdio -no-reboot \
		-kernel /l2/vmlinuz -initrd /l2/initrd.img -append "console=ttyS0 panic=-1" \
		</dev/null 2>&1
	echo "NESTED-END $?"
	;;
esac
echo "VFIOPT-REPORT-END"
$bb sync
$bb poweroff -f
