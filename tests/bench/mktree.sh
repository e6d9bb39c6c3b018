#!/bin/sh
# mktree.sh DIR: build the benchmark's fake sysfs tree, a big two-socket
# server with 4096 PCI functions, four of which (10de:2204, on nouveau, each
# in an IOMMU group of its own) are the ones to claim.
#
# Eight host bridges, pci0000:{00,40,80,c0} and pci0001:{00,40,80,c0}, each
# with a root complex, its IOMMU and eight root ports; behind the ports two
# NVMe drives, two E810 NICs with SR-IOV on (PF and 247 VFs each, which is
# where most of the 4096 come from), an e1000e, an xhci_hcd, a GPU and an
# AHCI controller.  The GPU is a 10de:2204 on odd hosts and a 10de:1eb8 on
# even ones, so the same vendor with another device must be skipped.  Every
# function has its own IOMMU group, as with ACS everywhere.
#
# The skeleton comes from tests/lib/fakesys.sh; the devices from mktree.c,
# which lays them out exactly as fakesys_dev would, only fast enough.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/fakesys.sh
. "$here/../lib/fakesys.sh"

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
root=$1
# Refuse to build over something: we never delete a directory we were handed.
if [ -e "$root" ] && [ -n "$(ls -A "$root")" ]; then
	echo "$0: $root exists and is not empty" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/mktree" "$here/mktree.c"

# devices: print one mktree line per function.
devices() {
	grp=0
	for h in 0 1 2 3 4 5 6 7; do
		dom=$(printf '%04x' $((h / 4)))
		bus=$(((h % 4) * 0x40))
		host=$(printf 'pci%s:%02x' "$dom" $bus)
		rc=$(printf '%s:%02x' "$dom" $bus)
		dev "$host/$rc:00.0" 1022 1480 060000 1022 1480 - $((grp += 1))
		dev "$host/$rc:00.2" 1022 1481 080600 1022 1481 - $((grp += 1))
		for p in 0 1 2 3 4 5 6 7; do
			port=$(printf '%s:%02x.%x' "$rc" $((p < 4 ? 1 : 3)) $((p % 4 + 1)))
			dev "$host/$port" 1022 1483 060400 1022 1453 pcieport $((grp += 1))
			# The bus behind this port, and its first function.
			sub=$(printf '%s/%s/%s:%02x' "$host" "$port" "$dom" $((bus + 1 + p)))
			below=$sub:00.0
			case $p in
			0 | 1) dev "$below" 144d a80a 010802 144d a801 nvme $((grp += 1)) ;;
			2 | 3) nic "$sub" ;;
			4) dev "$below" 8086 10d3 020000 8086 a01f e1000e $((grp += 1)) ;;
			5) dev "$below" 1022 149c 0c0330 1022 1486 xhci_hcd $((grp += 1)) ;;
			6)
				if [ $((h % 2)) = 1 ]; then
					dev "$below" 10de 2204 030000 1458 403b nouveau $((grp += 1)) 0
				else
					dev "$below" 10de 1eb8 030200 10de 12a2 nvidia $((grp += 1))
				fi
				;;
			7) dev "$below" 1022 7901 010601 1022 7901 ahci $((grp += 1)) ;;
			esac
		done
	done
}

dev() {
	echo "$*"
}

# nic BUS: an E810 with 247 VFs; ARI lets its 248 functions run from BB:00.0
# to BB:1e.7.  BUS is the path down to the bus, "pci.../DDDD:BB".  printf
# straight out, as a $(...) per VF would fork some 4000 times.
nic() {
	dev "$1:00.0" 8086 1592 020000 8086 0002 ice $((grp += 1))
	f=1
	while [ $f -lt 248 ]; do
		printf '%s:%02x.%x 8086 1889 020000 8086 0000 iavf %d\n' \
			"$1" $((f / 8)) $((f % 8)) $((grp += 1))
		f=$((f + 1))
	done
}

fakesys_init "$root"
# vfio-pci already registered, as when it is built in: no modprobe to run.
fakesys_driver "$root" vfio-pci
echo "vendor_id	: AuthenticAMD" >"$root/proc/cpuinfo"
devices >"$tmp/list"
"$tmp/mktree" "$root" <"$tmp/list"
