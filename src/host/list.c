// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt list: every PCI device, grouped by IOMMU group (what has to go to
 * a VM together), with what lspci -nnk shows of it and what matters for
 * passthrough: driver, driver_override, boot VGA.  --json for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/json.h"
#include "host/pciids.h"
#include "host/regions.h"
#include "host/verbs.h"
#include "shared/sysfs.h"
#include "shared/util.h"

struct entry {
	struct pci_dev *dev;
	struct pci_names *names;
	char override[DRIVER_NAME_MAX];
	bool boot_vga;
	/* sysfs_reset_methods(): 1 methods known, 0 resettable, <0 not. */
	int reset;
	char reset_methods[64];
};

static void usage(FILE *out)
{
	fputs("Usage: vfiopt list [--sysroot DIR] [--json]\n"
	      "\n"
	      "Every PCI device, grouped by IOMMU group: address, class, [vendor:device],\n"
	      "subsystem, driver in use, driver_override, boot VGA; each group's reserved\n"
	      "regions but the MSI window (an RMRR marked direct keeps it from any VM).\n"
	      "Names come from the system's pci.ids when it is there.\n"
	      "\n"
	      "  --json          one JSON object per device, for scripts\n"
	      "  --sysroot DIR   take /sys and /usr/share under DIR\n"
	      "  -h, --help      show this help\n",
	      out);
}

/* By IOMMU group, devices without one last, then by address. */
static int cmp_entry(const void *a, const void *b)
{
	const struct pci_dev *x = ((const struct entry *)a)->dev;
	const struct pci_dev *y = ((const struct entry *)b)->dev;
	unsigned int gx = (unsigned int)x->group, gy = (unsigned int)y->group;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	return pci_addr_cmp(&x->addr, &y->addr);
}

static void json_regions(const struct sysfs *sys, int group)
{
	struct resv_regions rr;
	unsigned int i;

	/* None shown (no group, an older kernel) is none. */
	if (resv_regions_read(sys, group, &rr) < 0)
		rr.n = 0;
	fputs(", \"reserved_regions\": [", stdout);
	for (i = 0; i < rr.n; i++)
		printf("%s{\"start\": \"0x%016llx\", \"end\": \"0x%016llx\", \"type\": "
		       "\"%s\"}",
		       i ? ", " : "", (unsigned long long)rr.r[i].start,
		       (unsigned long long)rr.r[i].end, resv_type_name(rr.r[i].type));
	putchar(']');
}

/* Under a group's heading: its regions, but the MSI window every group has. */
static void human_regions(const struct sysfs *sys, int group)
{
	char range[RESV_REGION_TEXT_MAX];
	struct resv_regions rr;
	unsigned int i;

	if (resv_regions_read(sys, group, &rr) < 0)
		return;
	for (i = 0; i < rr.n; i++)
		if (rr.r[i].type != RESV_MSI &&
		    resv_region_format(&rr.r[i], range, sizeof(range)) == 0)
			printf("  reserved %s %s%s\n", range, resv_type_name(rr.r[i].type),
			       rr.r[i].type == RESV_DIRECT ? " (an RMRR: no VM can have this group)"
							   : "");
	if (rr.malformed)
		printf("  reserved: %u line(s) not of the kernel's form, ignored\n", rr.malformed);
}

static void print_json(const struct sysfs *sys, const struct entry *e, size_t n)
{
	size_t i;

	puts("[");
	for (i = 0; i < n; i++) {
		const struct pci_dev *dev = e[i].dev;

		printf("{\"address\": \"%s\", \"iommu_group\": ", dev->name);
		if (dev->group >= 0)
			printf("%d", dev->group);
		else
			fputs("null", stdout);
		printf(", \"class\": \"%06x\", \"class_name\": ", dev->ids.class);
		json_string(e[i].names->class_name);
		printf(", \"vendor\": \"%04x\", \"device\": \"%04x\", \"vendor_name\": ",
		       dev->ids.vendor, dev->ids.device);
		json_string(e[i].names->vendor);
		fputs(", \"device_name\": ", stdout);
		json_string(e[i].names->device);
		printf(", \"subsystem_vendor\": \"%04x\", \"subsystem_device\": \"%04x\", "
		       "\"driver\": ",
		       dev->ids.subvendor, dev->ids.subdevice);
		json_string(dev->driver);
		fputs(", \"driver_override\": ", stdout);
		json_string(e[i].override);
		printf(", \"boot_vga\": %s, \"reset_method\": ", e[i].boot_vga ? "true" : "false");
		if (e[i].reset < 0)
			fputs("\"\"", stdout);
		else if (e[i].reset == 0)
			fputs("null", stdout);
		else
			json_string(e[i].reset_methods);
		json_regions(sys, dev->group);
		printf("}%s\n", i + 1 < n ? "," : "");
	}
	puts("]");
}

static void print_human(const struct sysfs *sys, const struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pci_dev *dev = e[i].dev;
		const struct pci_names *nm = e[i].names;

		if (i == 0 || dev->group != e[i - 1].dev->group) {
			if (dev->group >= 0) {
				printf("%sIOMMU group %d\n", i ? "\n" : "", dev->group);
				human_regions(sys, dev->group);
			} else
				printf("%sNo IOMMU group\n", i ? "\n" : "");
		}
		printf("  %s %s [%04x]: %s%s%s [%04x:%04x] (subsystem %04x:%04x)\n", dev->name,
		       nm->class_name[0] ? nm->class_name : "Class", dev->ids.class >> 8,
		       nm->vendor[0] ? nm->vendor : "Device", nm->device[0] ? " " : "", nm->device,
		       dev->ids.vendor, dev->ids.device, dev->ids.subvendor, dev->ids.subdevice);
		printf("%*s driver: %s", (int)strlen(dev->name) + 2, "",
		       dev->driver[0] ? dev->driver : "none");
		if (e[i].override[0])
			printf(", driver_override: %s", e[i].override);
		printf(", reset: %s%s\n",
		       e[i].reset > 0	 ? e[i].reset_methods
		       : e[i].reset == 0 ? "yes"
					 : "none",
		       e[i].boot_vga ? ", boot VGA" : "");
	}
}

static int list(struct sysfs *sys, bool json)
{
	struct pci_names *names;
	struct entry *e;
	size_t i, n = sys->n_devs;

	e = calloc(n ? n : 1, sizeof(*e));
	names = calloc(n ? n : 1, sizeof(*names));
	if (!e || !names) {
		free(e);
		free(names);
		fprintf(stderr, "vfiopt list: out of memory\n");
		return EXIT_FAILED;
	}
	for (i = 0; i < n; i++) {
		struct pci_dev *dev = &sys->devs[i];

		if (sysfs_load(sys, dev) < 0)
			fprintf(stderr, "vfiopt list: %s: cannot read its uevent\n", dev->name);
		if (sysfs_load_group(sys, dev) < 0)
			dev->group = GROUP_NONE;
		e[i].dev = dev;
		e[i].names = &names[i];
		if (sysfs_read_attr(sys, dev, "driver_override", e[i].override,
				    sizeof(e[i].override)) < 0 ||
		    strcmp(e[i].override, "(null)") == 0)
			e[i].override[0] = '\0';
		e[i].boot_vga = sysfs_is_boot_vga(sys, dev);
		e[i].reset = sysfs_reset_methods(sys, dev, e[i].reset_methods,
						 sizeof(e[i].reset_methods));
	}
	pciids_lookup(sys->root, sys->devs, n, names);
	qsort(e, n, sizeof(*e), cmp_entry);
	if (json)
		print_json(sys, e, n);
	else
		print_human(sys, e, n);
	free(e);
	free(names);
	return EXIT_OK;
}

int verb_list(int argc, char **argv)
{
	static const struct option options[] = {
		{ "sysroot", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *sysroot = NULL;
	struct sysfs sys;
	bool json = false;
	int opt, status;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			sysroot = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vfiopt list: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (sysfs_open_scan(&sys, sysroot, "list") < 0)
		return EXIT_FAILED;
	status = list(&sys, json);
	sysfs_close(&sys);
	return status;
}
