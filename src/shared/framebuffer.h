/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_FRAMEBUFFER_H
#define VFIOPT_FRAMEBUFFER_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/sysfs.h"

/*
 * What can hold a firmware framebuffer inside a GPU's BAR, so that the VM
 * gets "BAR n: can't reserve".  Each needs its own switch on kernels that
 * do not remove it themselves (docs/design.md, "The firmware framebuffer").
 */
enum fb_holder {
	FB_NONE,
	FB_SYSFB,  /* BOOTFB: sysfb's simple-framebuffer (simplefb, simpledrm) */
	FB_EFIFB,  /* efifb on the EFI framebuffer */
	FB_VESAFB, /* vesafb on the VESA framebuffer */
};

struct fb_conflict {
	enum fb_holder holder;
	int bar;
	char where[96]; /* "BOOTFB at a0000000-a07e8fff" */
};

int fb_find(struct sysfs *sys, const struct pci_dev *dev, struct fb_conflict *fb);
bool fb_removed_by_vfio(struct sysfs *sys, const struct pci_dev *dev, char *release, size_t size);
const char *fb_parameter(enum fb_holder holder);

#endif
