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
#include <string.h>

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
	if (dev == plan->igd && plan->igd_rom)
		fprintf(out, "  <rom file='%s'/>\n", plan->igd_rom);
	else if (plan->no_rom)
		fputs("  <rom bar='off'/>\n", out);
	fprintf(out,
		"  <address type='pci' domain='0x0000' bus='0x%02x' slot='0x%02x' "
		"function='0x%x'%s/>\n",
		bus, slot, dev->addr.func, multi ? " multifunction='on'" : "");
	fputs("</hostdev>\n", out);
}

/* What the elements need of the domain, and what libvirt cannot say. */
static void libvirt_notes(const struct vm_plan *plan)
{
	unsigned int i;

	for (i = 0; i < plan->n_devs; i++)
		if (vm_slot_first(plan, i) && plan->devs[i]->addr.func != 0)
			fprintf(stderr,
				"vfiopt boot: warning: %s goes without function 0 of its slot: "
				"the guest may not see it\n",
				plan->devs[i]->name);
	if (plan->igd && plan->igd_legacy)
		fprintf(stderr, "vfiopt boot: the domain needs machine='pc' (i440fx) and "
				"SeaBIOS for the IGD's legacy mode, and no other video device\n");
	else if (plan->igd)
		fprintf(stderr,
			"vfiopt boot: warning: libvirt has no element for the IGD's OpRegion: "
			"add x-igd-opregion=on to its hostdev with <qemu:override> (libvirt "
			"8.2 and later; QEMU 10.1 turns it on itself)\n");
}

/* The host's strings go in attributes: nothing in them may end one. */
static bool attribute_safe(const char *s)
{
	return !s || !strpbrk(s, "'\"<>&");
}

int vm_print_libvirt(const struct vm_plan *plan, FILE *out)
{
	unsigned int i, index = VM_LIBVIRT_PORT_INDEX - 1, slot = 0x10 - 1;

	if (!attribute_safe(plan->igd_rom))
		return -EINVAL;
	libvirt_notes(plan);
	if (plan->igd_legacy)
		fprintf(out,
			"<!-- vfiopt: %u device(s), already on vfio-pci (managed='no'); "
			"i440fx: each slot on the root bus -->\n",
			plan->n_devs);
	else
		fprintf(out,
			"<!-- vfiopt: %u device(s), already on vfio-pci (managed='no'); a root "
			"port per slot from controller index %d -->\n",
			plan->n_devs, VM_LIBVIRT_PORT_INDEX);
	for (i = 0; i < plan->n_devs; i++) {
		bool first = vm_slot_first(plan, i);

		/* An IGD works only at the guest's 00:02.0, on the root bus. */
		if (plan->devs[i] == plan->igd) {
			hostdev(plan, i, 0, 2, out);
			continue;
		}
		/* i440fx has no PCIe root ports: the slot on the root bus. */
		if (plan->igd_legacy) {
			if (first && ++slot > 0x1f)
				return -E2BIG;
			hostdev(plan, i, 0, slot, out);
			continue;
		}
		if (first) {
			if (++index > 0xff)
				return -E2BIG;
			fprintf(out, "<controller type='pci' model='pcie-root-port' index='%u'/>\n",
				index);
		}
		hostdev(plan, i, index, 0, out);
	}
	return ferror(out) ? -EIO : 0;
}
