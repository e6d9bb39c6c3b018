/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_VM_H
#define VFIOPT_VM_H

#include <stdbool.h>
#include <stdio.h>

#include "shared/sysfs.h"

/*
 * What vfiopt boot passes to a VM, for the VM managers that start it
 * instead: the devices (whole IOMMU groups, all on vfio-pci, sorted by
 * address) and how they are placed.  Each manager's way of writing them
 * is in a file of its own: libvirt.c, qm.c; QEMU's command line is
 * boot.c's.
 */
struct vm_plan {
	const struct sysfs *sys;
	struct pci_dev *const *devs;
	unsigned int n_devs;
	bool no_rom;		   /* hide the option ROMs (rombar=0) */
	const struct pci_dev *igd; /* an Intel IGD among them, at host 00:02.0 */
	bool igd_legacy;	   /* ... in legacy mode (i440fx, SeaBIOS) */
	const char *igd_rom;	   /* its option ROM (--igd-rom), or NULL */
};

/* The first controller index vm_print_libvirt gives its root ports. */
#define VM_LIBVIRT_PORT_INDEX 16

int vm_print_libvirt(const struct vm_plan *plan, FILE *out);
int vm_print_qm(const struct vm_plan *plan, FILE *out);

/* A VGA-compatible controller (0300), the class vfio-pci's VGA ranges need. */
bool vm_is_vga(const struct pci_dev *dev);

/* True when a passed function of DEV's slot follows DEV in the plan. */
bool vm_slot_has_more(const struct vm_plan *plan, unsigned int i);
/* True when plan->devs[i] is the first passed function of its slot. */
bool vm_slot_first(const struct vm_plan *plan, unsigned int i);

#endif
