/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_REGIONS_H
#define VFIOPT_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "shared/sysfs.h"

/*
 * An IOMMU group's reserved regions, as the kernel's
 * iommu_group_show_resv_regions() (drivers/iommu/iommu.c) prints them in
 * /sys/kernel/iommu_groups/N/reserved_regions: one a line,
 * "0x%016llx 0x%016llx %s\n", the first byte, the last byte and the type.
 * A "direct" region (an RMRR of a device that is neither graphics nor USB,
 * intel_iommu_get_resv_regions()) keeps the group out of any VM: since
 * 6.6 the IOMMU core refuses to attach such a device to anything but an
 * identity domain (__iommu_device_set_domain(), require_direct), and 6.1's
 * VT-d driver refused it in intel_iommu_attach_device().
 */
enum resv_type {
	RESV_DIRECT,
	RESV_DIRECT_RELAXABLE,
	RESV_RESERVED,
	RESV_MSI,
};

struct resv_region {
	uint64_t start;
	uint64_t end; /* the last byte */
	enum resv_type type;
};

#define RESV_REGIONS_MAX 16

struct resv_regions {
	struct resv_region r[RESV_REGIONS_MAX];
	unsigned int n;
	unsigned int malformed; /* lines that are not of the kernel's form */
	unsigned int dropped;	/* well-formed, past RESV_REGIONS_MAX */
};

void resv_regions_parse(const char *text, size_t len, struct resv_regions *out);
int resv_regions_read(const struct sysfs *sys, int group, struct resv_regions *out);
const char *resv_type_name(enum resv_type type);
const struct resv_region *resv_regions_direct(const struct resv_regions *rr);
int resv_region_format(const struct resv_region *r, char *buf, size_t size);

/* "0x" 16 digits "-0x" 16 digits, and the NUL. */
#define RESV_REGION_TEXT_MAX 40

#endif
