/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_PCI_H
#define VFIOPT_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "ffffffff:ff:1f.7" plus NUL, rounded up. */
#define PCI_NAME_MAX 20

/* The kernel's PCI_ANY_ID: a field of an id match that matches anything. */
#define PCI_ANY 0xffffffffu

#define PCI_CLASS_BRIDGE 0x06u
#define PCI_CLASS_BRIDGE_PCI 0x0604u
#define PCI_CLASS_DISPLAY 0x03u

struct pci_addr {
	uint32_t domain;
	uint8_t bus;
	uint8_t slot;
	uint8_t func;
};

/* One vfio-pci.ids entry: vendor:device[:subvendor[:subdevice[:class[:mask]]]]. */
struct pci_match {
	uint32_t vendor;
	uint32_t device;
	uint32_t subvendor;
	uint32_t subdevice;
	uint32_t class;
	uint32_t class_mask;
};

struct pci_ids {
	uint16_t vendor;
	uint16_t device;
	uint16_t subvendor;
	uint16_t subdevice;
	uint32_t class;
};

int pci_addr_parse(const char *s, size_t len, struct pci_addr *addr, const char **why);
int pci_addr_format(const struct pci_addr *addr, char *buf, size_t size);
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);
bool pci_same_slot(const struct pci_addr *a, const struct pci_addr *b);

int pci_match_parse(const char *s, size_t len, bool kernel, struct pci_match *m, const char **why);
bool pci_match_ids(const struct pci_match *m, const struct pci_ids *ids);

static inline bool pci_class_is_bridge(uint32_t class)
{
	return (class >> 8) == PCI_CLASS_BRIDGE_PCI;
}

#endif
