/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_QEMU_CAPS_H
#define VFIOPT_QEMU_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What the installed QEMU supports, found by asking it as libvirt does
 * (qemu -device vfio-pci,help; qemu -object help), never from its version
 * string: the vfio-pci properties an Intel IGD needs, and the iommufd
 * backend.  Their names are those of QEMU's hw/vfio/pci.c.
 */
struct qemu_caps {
	bool igd_opregion;	   /* x-igd-opregion (QEMU 2.12 and later) */
	bool igd_opregion_default; /* ... and on by default (10.1) */
	bool igd_lpc;		   /* x-igd-lpc (10.0) */
	bool igd_legacy_mode;	   /* x-igd-legacy-mode=on|off|auto (10.0) */
	bool vfio_iommufd;	   /* vfio-pci's iommufd= link (9.0) */
	bool iommufd_object;	   /* -object iommufd (9.0) */
};

/* QEMU's help for one device is a few KiB; more is not QEMU's. */
#define QEMU_HELP_MAX 65536

void qemu_caps_parse_device(const char *help, size_t len, struct qemu_caps *caps);
void qemu_caps_parse_objects(const char *help, size_t len, struct qemu_caps *caps);
int qemu_caps_probe(const char *qemu, struct qemu_caps *caps);

#endif
