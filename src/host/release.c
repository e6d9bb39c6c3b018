// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt release ADDR...: give devices back to the host.  Clear
 * driver_override (a newline clears it), unbind from vfio-pci, ask the bus
 * to probe, say which driver took the device, and mark it released in the
 * claim record.  Every address is checked before anything is written: it
 * must name a device that vfio-pci holds, or that an override keeps for it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "host/args.h"
#include "host/verbs.h"
#include "shared/record.h"
#include "shared/sysfs.h"
#include "shared/util.h"

#define VFIO_PCI "vfio-pci"

static void usage(FILE *out)
{
	fputs("Usage: vfiopt release [--sysroot DIR] ADDR...\n"
	      "\n"
	      "Give devices back to the host: clear driver_override, unbind them from\n"
	      "vfio-pci, reprobe, and report the driver that took each one.\n",
	      out);
}

/* Held for vfio-pci: bound to it, or kept for it by driver_override. */
static bool held(struct sysfs *sys, const struct pci_dev *dev)
{
	char override[DRIVER_NAME_MAX] = "";

	sysfs_read_attr(sys, dev, "driver_override", override, sizeof(override));
	return strcmp(dev->driver, VFIO_PCI) == 0 || strcmp(override, VFIO_PCI) == 0;
}

/* Every address well-formed, present and held for vfio-pci, or nothing is written. */
static int resolve(struct sysfs *sys, int argc, char **argv, struct pci_dev **devs)
{
	int i, bad = 0;

	for (i = 0; i < argc; i++) {
		struct pci_addr addr;
		const char *why;

		if (pci_addr_parse(argv[i], strlen(argv[i]), &addr, &why) < 0) {
			char text[64];

			fprintf(stderr, "vfiopt release: \"%s\": %s\n",
				printable(argv[i], strlen(argv[i]), text, sizeof(text)), why);
			bad = EXIT_USAGE;
			continue;
		}
		devs[i] = sysfs_find(sys, &addr);
		if (!devs[i] || sysfs_load(sys, devs[i]) < 0) {
			fprintf(stderr, "vfiopt release: %s: no such PCI device\n", argv[i]);
			bad = bad ? bad : EXIT_FAILED;
		} else if (!held(sys, devs[i])) {
			fprintf(stderr,
				"vfiopt release: %s is not held by vfio-pci (driver: %s): there "
				"is nothing to release\n",
				devs[i]->name, devs[i]->driver[0] ? devs[i]->driver : "none");
			bad = bad ? bad : EXIT_FAILED;
		}
	}
	if (bad)
		fprintf(stderr, "vfiopt release: nothing written\n");
	return bad;
}

static int release_one(struct sysfs *sys, struct pci_dev *dev)
{
	char path[PCI_NAME_MAX + 32], now[DRIVER_NAME_MAX] = "";
	bool on_vfio = strcmp(dev->driver, VFIO_PCI) == 0;
	int r;

	r = sysfs_dev_path(dev, "driver_override", path, sizeof(path));
	if (r == 0)
		r = write_attr_at(sys->devices, path, "\n");
	if (r == 0 && on_vfio && sysfs_dev_path(dev, "driver/unbind", path, sizeof(path)) == 0)
		r = write_attr_at(sys->devices, path, dev->name);
	if (r < 0) {
		fprintf(stderr, "vfiopt release: %s: %s\n", dev->name, strerror(-r));
		return r;
	}
	/* The probe's own status does not matter: the driver link says what happened. */
	write_attr_at(sys->root, "sys/bus/pci/drivers_probe", dev->name);
	if (sysfs_driver_of(sys, dev, now, sizeof(now)) < 0)
		now[0] = '\0';
	if (strcmp(now, VFIO_PCI) == 0) {
		fprintf(stderr,
			"vfiopt release: %s: vfio-pci took it again: its ids are in "
			"vfio-pci's table (vfio-pci.ids=?)\n",
			dev->name);
		return -EBUSY;
	}
	/* status tells a device given back from one taken from vfio-pci behind its back. */
	r = record_mark(sys->root, dev->name, "released");
	if (r < 0 && r != -ENOENT)
		fprintf(stderr, "vfiopt release: %s: cannot mark it released in /%s: %s\n",
			dev->name, RECORD_PATH, strerror(-r));
	if (now[0])
		printf("%s: released, now on %s\n", dev->name, now);
	else
		printf("%s: released, no driver took it (is its driver loaded? modprobe it)\n",
		       dev->name);
	return 0;
}

int verb_release(int argc, char **argv)
{
	struct pci_dev *devs[64];
	const char *sysroot = NULL;
	struct sysfs sys;
	int opt, i, status;

	opt = parse_sysroot_only(argc, argv, usage, &sysroot);
	if (opt != 0)
		return opt > 0 ? EXIT_OK : EXIT_USAGE;
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > (int)ARRAY_SIZE(devs)) {
		fprintf(stderr, "vfiopt release: give 1 to %zu addresses\n", ARRAY_SIZE(devs));
		return EXIT_USAGE;
	}
	if (sysfs_open_scan(&sys, sysroot, "release") < 0)
		return EXIT_FAILED;
	status = resolve(&sys, argc, argv, devs);
	for (i = 0; status == EXIT_OK && i < argc; i++)
		if (release_one(&sys, devs[i]) < 0)
			status = EXIT_FAILED;
	sysfs_close(&sys);
	return status;
}
