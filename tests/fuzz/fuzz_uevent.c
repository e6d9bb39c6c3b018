// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the parser of a PCI device's uevent (src/shared/sysfs.c),
 * which the claim reads for every device: a fake tree's file is anyone's.
 * Whatever the input, the parse stays inside it, and a driver name it
 * accepts is a non-empty name of the allowed characters that fits.  Built
 * with libFuzzer (make fuzz) or with the smoke driver (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* For the smoke driver: the lines a uevent is made of. */
const char *const fuzz_tokens[] = {
	"DRIVER=",
	"DRIVER=e1000e\n",
	"DRIVER=vfio-pci\n",
	"PCI_CLASS=",
	"PCI_CLASS=30000\n",
	"PCI_CLASS=ffffff\n",
	"PCI_CLASS=1000000\n",
	"PCI_ID=",
	"PCI_ID=10DE:1B80\n",
	"PCI_ID=8086:3e90\n",
	"PCI_SUBSYS_ID=",
	"PCI_SUBSYS_ID=1458:3702\n",
	"PCI_SLOT_NAME=0000:01:00.0\n",
	"MODALIAS=pci:v000010DEd00001B80sv00001458sd00003702bc03sc00i00\n",
	":",
	"=",
	"\n",
	"\n\n",
	"PCI_",
	"ffff",
	" ",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pci_dev dev;
	size_t len, i;

	memset(&dev, 0xa5, sizeof(dev));
	if (sysfs_parse_uevent(&dev, (const char *)data, size) < 0)
		return 0;
	len = strnlen(dev.driver, sizeof(dev.driver));
	if (len == sizeof(dev.driver) || dev.ids.class > 0xffffff)
		abort();
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.",
			    dev.driver[i]))
			abort();
	return 0;
}
