/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_MODALIAS_H
#define VFIOPT_MODALIAS_H

#include <stddef.h>

#include "shared/pci.h"

#define MODULE_NAME_MAX 64
/* A few modules' names, comma-separated: more than one driver may claim an id. */
#define MODULE_LIST_MAX 128
/* "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" and its NUL. */
#define PCI_MODALIAS_MAX 64

/*
 * The driver a device would have had: the modules the running kernel's
 * modules.alias gives for its ids (what udev's coldplug loads for it) and,
 * when one of them is loaded, the name of the PCI driver it registered
 * (module bochs, driver bochs-drm).  Empty when nothing matches.
 */
struct host_driver {
	struct pci_ids ids;
	char modalias[PCI_MODALIAS_MAX];
	char modules[MODULE_LIST_MAX];
	char driver[MODULE_NAME_MAX];
};

int modalias_lookup(int rootfd, struct host_driver *q, size_t n);

#endif
