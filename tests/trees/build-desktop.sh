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
