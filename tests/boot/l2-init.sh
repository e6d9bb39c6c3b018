#!/bin/busybox sh
# shellcheck shell=dash
# /init of the second-level guest, the VM that the first-level guest boots
# with "vfiopt boot": load e1000e, report the PCI devices it sees with their
# drivers and the network interfaces that came up, then power off.
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
$bb insmod /e1000e.ko
$bb sleep 2
echo "L2-REPORT-BEGIN"
for dev in /sys/bus/pci/devices/*; do
	driver=-
	[ -L "$dev/driver" ] && driver=$($bb basename "$($bb readlink "$dev/driver")")
	read -r vendor <"$dev/vendor"
	read -r device <"$dev/device"
	echo "L2DEV ${dev##*/} ${vendor#0x}:${device#0x} driver=$driver"
done
for net in /sys/class/net/*; do
	[ "${net##*/}" = lo ] || echo "L2NET ${net##*/} $($bb cat "$net/address")"
done
echo "L2-REPORT-END"
$bb poweroff -f
