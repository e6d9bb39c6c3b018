// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt boot --print libvirt: the <hostdev> elements of a libvirt domain
 * (virsh edit, virt-manager's XML tab) for the devices vfiopt boot would
 * pass.  managed='no': vfiopt's early claim already holds them, and libvirt
 * must neither unbind nor rebind them.  Each physical slot goes behind a
 * PCIe root port of its own, its functions at the same function numbers
 * with multifunction='on' on function 0, as boot's QEMU command has it;
 * libvirt would otherwise give each function a slot of its own.  The
 * schema is libvirt's domaincommon.rng (hostdev, controller, address).
 */
#include <errno.h>

#include "host/vm/vm.h"

static void source_address(const struct pci_dev *dev, FILE *out)
{
	fprintf(out, "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
		dev->addr.domain, dev->addr.bus, dev->addr.slot, dev->addr.func);
}

static void hostdev(const struct vm_plan *plan, unsigned int i, unsigned int bus, unsigned int slot,
		    FILE *out)
{
	const struct pci_dev *dev = plan->devs[i];
	bool multi = dev->addr.func == 0 && vm_slot_has_more(plan, i);

	fputs("<hostdev mode='subsystem' type='pci' managed='no'>\n  <source>\n", out);
	source_address(dev, out);
	fputs("  </source>\n", out);
	if (plan->no_rom)
		fputs("  <rom bar='off'/>\n", out);
	fprintf(out,
		"  <address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' "
		"function='0x%x'%s/>\n",
		bus, slot, dev->addr.func, multi ? " multifunction='on'" : "");
	fputs("</hostdev>\n", out);
}

int vm_print_libvirt(const struct vm_plan *plan, FILE *out)
{
	unsigned int i, index = VM_LIBVIRT_PORT_INDEX - 1;

	fprintf(out,
		"<!-- vfiopt: %u device(s), already on vfio-pci (managed='no'); a root "
		"port per slot from controller index %d -->\n",
		plan->n_devs, VM_LIBVIRT_PORT_INDEX);
	for (i = 0; i < plan->n_devs; i++) {
		/*
		 * An IGD works only at the guest's 00:02.0, on the root bus;
		 * libvirt has no element for its OpRegion (x-igd-opregion):
		 * that is a <qemu:override> of the domain.
		 */
		if (plan->devs[i] == plan->igd) {
			hostdev(plan, i, 0, 2, out);
			continue;
		}
		if (vm_slot_first(plan, i)) {
			if (++index > 0xff)
				return -E2BIG;
			fprintf(out, "<controller type='pci' model='pcie-root-port' index='%u'/>\n",
				index);
		}
		hostdev(plan, i, index, 0, out);
	}
	return ferror(out) ? -EIO : 0;
}
