#!/bin/sh
# Regenerate tests/trees/desktop, the fake sysfs tree most unit tests start
# from: a desktop with an Intel iGPU (boot VGA, i915), an NVIDIA GPU and its
# HDMI audio sharing a group with their root port, two identical e1000e NICs,
# an AMD GPU whose audio function sits in a group of its own, a chipset group
# with live host drivers and a built-in xhci_hcd.  Tests that need more
# (a card already on vfio-pci, no IOMMU) derive it from a copy.
# The output is committed; run this only to change the fixture.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/fakesys.sh
. "$here/../lib/fakesys.sh"

root=${1:-$here/desktop}
rm -rf "$root"
fakesys_init "$root"
echo "vendor_id	: GenuineIntel" >"$root/proc/cpuinfo"

#           path                            ven  dev  class  sv   sd   driver        group vga
fakesys_dev "$root" 0000:00:00.0             8086 3e30 060000 1458 5000 skl_uncore    0
fakesys_dev "$root" 0000:00:01.0             8086 1901 060400 1458 5000 pcieport      1
fakesys_dev "$root" 0000:00:01.0/0000:01:00.0 10de 1b80 030000 1458 3702 -            1 0
fakesys_dev "$root" 0000:00:01.0/0000:01:00.1 10de 10f0 040300 1458 3702 snd_hda_intel 1
fakesys_dev "$root" 0000:00:02.0             8086 3e90 030000 1458 d000 i915          2 1
fakesys_dev "$root" 0000:00:14.0             8086 a36d 0c0330 1458 5007 xhci_hcd      3
fakesys_dev "$root" 0000:00:1c.0             8086 a33c 060400 1458 5001 pcieport      4
fakesys_dev "$root" 0000:00:1c.0/0000:02:00.0 8086 10d3 020000 8086 a01f e1000e       4
fakesys_dev "$root" 0000:00:1c.1             8086 a33d 060400 1458 5001 pcieport      5
fakesys_dev "$root" 0000:00:1c.1/0000:03:00.0 8086 10d3 020000 8086 a01f e1000e       5
fakesys_dev "$root" 0000:00:1d.0             8086 a330 060400 1458 5001 pcieport      7
fakesys_dev "$root" 0000:00:1d.0/0000:04:00.0 1002 67df 030000 1da2 e366 amdgpu       8 0
fakesys_dev "$root" 0000:00:1d.0/0000:04:00.1 1002 aaf0 040300 1da2 aaf0 snd_hda_intel 9
fakesys_dev "$root" 0000:00:1f.0             8086 a305 060100 1458 5001 -             6
fakesys_dev "$root" 0000:00:1f.3             8086 a348 040300 1458 a0c2 snd_hda_intel 6
fakesys_dev "$root" 0000:00:1f.4             8086 a323 0c0500 1458 5001 i801_smbus    6

# How each can be reset, as 5.15+ lists it; the AMD card's audio function
# cannot be, and the chipset's functions neither.
fakesys_reset "$root" 0000:01:00.0 bus
fakesys_reset "$root" 0000:01:00.1 bus
fakesys_reset "$root" 0000:00:02.0 "flr pm"
fakesys_reset "$root" 0000:02:00.0 "flr bus"
fakesys_reset "$root" 0000:03:00.0 "flr bus"
fakesys_reset "$root" 0000:04:00.0 bus

fakesys_iommu "$root"
# The firmware framebuffer sits in the iGPU's BAR: "BAR 2: can't reserve".
fakesys_bar "$root" 0000:00:02.0 a0000000 afffffff
fakesys_bar "$root" 0000:01:00.0 f6000000 f6ffffff
printf '%s\n' '00000000-00000fff : Reserved' 'a0000000-afffffff : 0000:00:02.0' \
	'  a0000000-a07e8fff : BOOTFB' 'f6000000-f6ffffff : 0000:01:00.0' >"$root/proc/iomem"
echo 6.1.0-56-amd64 >"$root/proc/sys/kernel/osrelease"
mkdir -p "$root/lib/modules/6.1.0-56-amd64"
printf '%s\n' 'kernel/drivers/vfio/vfio.ko:' \
	'kernel/drivers/vfio/vfio_iommu_type1.ko: kernel/drivers/vfio/vfio.ko' \
	'kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko kernel/drivers/vfio/vfio.ko' \
	>"$root/lib/modules/6.1.0-56-amd64/modules.dep"
: >"$root/lib/modules/6.1.0-56-amd64/modules.builtin"
# Lines of the kernel's modules.alias, in depmod's format, for the drivers
# "status" names; the usb and vfio_pci ones are not PCI aliases.
printf '%s\n' '# Aliases extracted from modules themselves.' \
	'alias fs-ext4 ext4' \
	'alias pci:v00008086d00003E90sv*sd*bc03sc*i* i915' \
	'alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau' \
	'alias vfio_pci:v000010DEd00001B80sv*sd*bc*sc*i* nvgrace_gpu_vfio_pci' \
	'alias pci:v00001002d000067DFsv*sd*bc*sc*i* amdgpu' \
	'alias pci:v000010DEd*sv*sd*bc04sc03i00* snd_hda_intel' \
	'alias pci:v00001002d*sv*sd*bc04sc03i00* snd_hda_intel' \
	'alias pci:v00008086d0000A348sv*sd*bc*sc*i* snd_hda_intel' \
	'alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e' \
	'alias usb:v*p*d*dc*dsc*dp*ic09isc00ip*in* usbcore' \
	>"$root/lib/modules/6.1.0-56-amd64/modules.alias"
for m in i915 amdgpu snd_hda_intel e1000e; do
	fakesys_module "$root" "$m" "$m"
done

# A few lines of the pci.ids database, in its format, for the names "list" shows.
mkdir -p "$root/usr/share/misc"
cat >"$root/usr/share/misc/pci.ids" <<'IDS'
# A subset of pci.ids for the unit tests.
1002  Advanced Micro Devices, Inc. [AMD/ATI]
	67df  Ellesmere [Radeon RX 470/480/570/570X/580/580X/590]
	aaf0  Ellesmere HDMI Audio [Radeon RX 470/480 / 570/580/590]
10de  NVIDIA Corporation
	10f0  GP104 High Definition Audio Controller
	1b80  GP104 [GeForce GTX 1080]
		1458 3702  GeForce GTX 1080 G1 Gaming
8086  Intel Corporation
	10d3  82574L Gigabit Network Connection
	3e90  CoffeeLake-S GT1 [UHD Graphics 610]
C 02  Network controller
	00  Ethernet controller
C 03  Display controller
	00  VGA compatible controller
C 04  Multimedia controller
	03  Audio device
C 06  Bridge
	00  Host bridge
	01  ISA bridge
	04  PCI bridge
C 0c  Serial bus controller
	03  USB controller
	05  SMBus
IDS
