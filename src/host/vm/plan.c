// SPDX-License-Identifier: GPL-2.0-or-later
/* The slot structure of a plan's sorted devices, for every VM manager. */
#include "host/vm/vm.h"

bool vm_slot_first(const struct vm_plan *plan, unsigned int i)
{
	return i == 0 || !pci_same_slot(&plan->devs[i - 1]->addr, &plan->devs[i]->addr);
}

bool vm_slot_has_more(const struct vm_plan *plan, unsigned int i)
{
	return (i + 1 < plan->n_devs &&
		pci_same_slot(&plan->devs[i + 1]->addr, &plan->devs[i]->addr)) ||
	       !vm_slot_first(plan, i);
}

/*
 * x-vga (and Proxmox's x-vga=1) asks vfio-pci for the VGA ranges, which
 * the kernel offers only for class 0300 (vfio_pci_is_vga()): a 3D or
 * other display controller (0302, 0380) would fail QEMU's start.
 */
bool vm_is_vga(const struct pci_dev *dev)
{
	return (dev->ids.class >> 8) == 0x0300;
}
