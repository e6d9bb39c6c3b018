/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_SYSFS_H
#define VFIOPT_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/pci.h"

/* Driver names are short C identifiers; anything longer is not one. */
#define DRIVER_NAME_MAX 64
/* More devices than a PCI domain can hold is not a real sysfs. */
#define PCI_DEVICES_MAX 65536

#define GROUP_NONE (-1)
#define GROUP_UNKNOWN (-2)

struct pci_dev {
	struct pci_addr addr;
	char name[PCI_NAME_MAX];
	struct pci_ids ids;
	char driver[DRIVER_NAME_MAX]; /* "" when no driver is bound */
	int group;		      /* IOMMU group, GROUP_NONE or GROUP_UNKNOWN */
	bool loaded;		      /* uevent read */
	bool load_failed;
};

/*
 * The system seen through one directory fd: "/" or --sysroot.  Everything
 * else is opened relative to it, so the same binary runs on a test tree.
 */
struct sysfs {
	int root;
	int devices; /* sys/bus/pci/devices */
	struct pci_dev *devs;
	size_t n_devs;
};

int sysfs_open(struct sysfs *sys, const char *sysroot);
int sysfs_open_scan(struct sysfs *sys, const char *sysroot, const char *verb);
void sysfs_close(struct sysfs *sys);
int sysfs_scan(struct sysfs *sys);
int sysfs_load(struct sysfs *sys, struct pci_dev *dev);
int sysfs_parse_uevent(struct pci_dev *dev, const char *buf, size_t n);
int sysfs_load_group(struct sysfs *sys, struct pci_dev *dev);
struct pci_dev *sysfs_find(struct sysfs *sys, const struct pci_addr *addr);
int sysfs_dev_path(const struct pci_dev *dev, const char *attr, char *buf, size_t size);
int sysfs_driver_of(struct sysfs *sys, const struct pci_dev *dev, char *buf, size_t size);
bool sysfs_has_iommu_groups(struct sysfs *sys);
int sysfs_read_attr(struct sysfs *sys, const struct pci_dev *dev, const char *attr, char *buf,
		    size_t size);
bool sysfs_is_boot_vga(struct sysfs *sys, const struct pci_dev *dev);
int sysfs_reset_methods(struct sysfs *sys, const struct pci_dev *dev, char *buf, size_t size);
bool sysfs_has_driver(struct sysfs *sys, const char *driver);
bool sysfs_has_module(struct sysfs *sys, const char *module);

enum iommu_kind {
	IOMMU_UNKNOWN,
	IOMMU_INTEL, /* VT-d: ACPI DMAR */
	IOMMU_AMD,   /* AMD-Vi: ACPI IVRS */
};

enum iommu_kind sysfs_iommu_kind(struct sysfs *sys, bool *described);

#endif
