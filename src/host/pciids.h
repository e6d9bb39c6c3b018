/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_PCIIDS_H
#define VFIOPT_PCIIDS_H

#include <stddef.h>

#include "shared/sysfs.h"

#define PCIIDS_NAME_MAX 128

struct pci_names {
	char vendor[PCIIDS_NAME_MAX];
	char device[PCIIDS_NAME_MAX];
	char class_name[PCIIDS_NAME_MAX];
};

int pciids_lookup(int rootfd, const struct pci_dev *devs, size_t n, struct pci_names *names);

#endif
