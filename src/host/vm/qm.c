// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt boot --print qm: the hostpciN lines of a Proxmox VE VM
 * (/etc/pve/qemu-server/VMID.conf, or qm set VMID --hostpciN ...), in the
 * format of Proxmox's qm(1) and its PVE::QemuServer::PCI:
 *
 *   hostpciN: [[host=]<HOSTPCIID[;HOSTPCIID2...]>][,pcie=<1|0>]
 *             [,rombar=<1|0>][,x-vga=<1|0>][,legacy-igd=<1|0>]...
 *
 * where HOSTPCIID is [domain:]bus:dev[.func] and a slot without the
 * function passes all of its functions.  One line per physical slot, in
 * the order boot's QEMU command has them; pcie=1 because the VM is a q35
 * one (as vfiopt boot's is), x-vga=1 on the first VGA controller; an
 * Intel IGD in legacy mode (--bios) as legacy-igd=1, which Proxmox takes
 * only on i440fx with SeaBIOS and vga: none, and places at 00:02.0.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "host/vm/vm.h"

/* Every function the host has in DEV's slot is passed: the slot's form. */
static bool whole_slot(const struct vm_plan *plan, unsigned int first)
{
	const struct pci_dev *dev = plan->devs[first];
	unsigned int n = 0, i;
	size_t d;

	for (i = first; i < plan->n_devs && pci_same_slot(&plan->devs[i]->addr, &dev->addr); i++)
		n++;
	for (d = 0; d < plan->sys->n_devs; d++)
		if (pci_same_slot(&plan->sys->devs[d].addr, &dev->addr))
			n--;
	return n == 0;
}

static void host_id(const struct pci_dev *dev, bool slot, FILE *out)
{
	fprintf(out, "%04x:%02x:%02x", dev->addr.domain, dev->addr.bus, dev->addr.slot);
	if (!slot)
		fprintf(out, ".%x", dev->addr.func);
}

/* What the lines need of the VM's own configuration, said once. */
static void qm_notes(const struct vm_plan *plan)
{
	if (plan->igd && plan->igd_legacy)
		fprintf(stderr, "vfiopt boot: the VM needs machine: pc (i440fx), bios: seabios "
				"and vga: none for legacy-igd=1, so no pcie=1 on any line\n");
	else if (plan->igd)
		fprintf(stderr,
			"vfiopt boot: warning: Proxmox puts an IGD at the guest's 00:02.0 only "
			"with legacy-igd=1 (machine i440fx, SeaBIOS, vga: none): for a UEFI "
			"guest, give its address and OpRegion in the VM's args: (QEMU's "
			"docs/igd-assign.txt)\n");
	if (plan->igd_rom)
		fprintf(stderr,
			"vfiopt boot: Proxmox reads romfile= under /usr/share/kvm/: copy %s "
			"there\n",
			plan->igd_rom);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int vm_print_qm(const struct vm_plan *plan, FILE *out)
{
	unsigned int i, j, n = 0;
	bool vga_done = false;

	qm_notes(plan);
	for (i = 0; i < plan->n_devs; i = j) {
		const struct pci_dev *dev = plan->devs[i];
		/* legacy-igd=1 takes only an address that ends in 02.0. */
		bool whole = whole_slot(plan, i) && dev != plan->igd, vga = false;

		fprintf(out, "hostpci%u: ", n++);
		for (j = i; j < plan->n_devs && pci_same_slot(&plan->devs[j]->addr, &dev->addr);
		     j++) {
			vga |= vm_is_vga(plan->devs[j]);
			if (whole && j > i)
				continue;
			if (j > i)
				fputc(';', out);
			host_id(plan->devs[j], whole, out);
		}
		if (dev == plan->igd && plan->igd_legacy) {
			/* Proxmox places it at the guest's 00:02.0 itself. */
			fputs(",legacy-igd=1", out);
			vga_done = true;
		} else if (!plan->igd_legacy) {
			/* pcie=1 only on q35, where legacy IGD mode cannot be. */
			fputs(",pcie=1", out);
		}
		if (dev != plan->igd) {
			if (vga && !vga_done)
				fputs(",x-vga=1", out);
			vga_done |= vga;
		}
		if (dev == plan->igd && plan->igd_rom)
			fprintf(out, ",romfile=%s", base_name(plan->igd_rom));
		else if (plan->no_rom)
			fputs(",rombar=0", out);
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}
