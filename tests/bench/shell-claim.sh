#!/bin/sh
# shell-claim.sh ROOT VENDOR:DEVICE: the loop the passthrough guides put in
# an initramfs script, to be timed against `vfiopt claim` under busybox sh.
# It claims every device under ROOT/sys with that id for vfio-pci: set
# driver_override, unbind it from its current driver, ask for a reprobe.
# Only builtins in the loop (read, not cat): the fairest form of it, with no
# fork per device, so what is timed is the shell itself.
set -eu
root=$1
want_v=0x${2%%:*}
want_d=0x${2#*:}

for d in "$root"/sys/bus/pci/devices/*; do
	read -r v <"$d/vendor"
	read -r dev <"$d/device"
	if [ "$v" != "$want_v" ] || [ "$dev" != "$want_d" ]; then
		continue
	fi
	addr=${d##*/}
	echo vfio-pci >"$d/driver_override"
	if [ -e "$d/driver" ]; then
		echo "$addr" >"$d/driver/unbind"
	fi
	echo "$addr" >"$root/sys/bus/pci/drivers_probe"
done
