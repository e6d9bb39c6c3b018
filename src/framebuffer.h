/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_FRAMEBUFFER_H
#define VFIOPT_FRAMEBUFFER_H

#include <stdbool.h>
#include <stddef.h>

#include "sysfs.h"

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

/* Why the boot VGA needs the switch it does, or none. */
enum fb_reason {
	FB_FREE,	    /* nothing holds its memory */
	FB_REMOVED_BY_VFIO, /* 6.0 and later: vfio-pci takes it down */
	FB_HELD,	    /* a holder in /proc/iomem: its switch */
	FB_KEPT,	    /* our switch is on the running command line */
	FB_TAKEN_OVER,	    /* its host driver took it over: holder unknown */
	FB_UNREADABLE,	    /* /proc/iomem hidden (not root): holder unknown */
};

struct fb_advice {
	enum fb_reason reason;
	const char *param; /* NULL when no switch is needed */
	struct fb_conflict fb;
	char release[128]; /* the running kernel's, "" when unknown */
};

int fb_find(struct sysfs *sys, const struct pci_dev *dev, struct fb_conflict *fb);
void fb_advise(struct sysfs *sys, const struct pci_dev *dev, struct fb_advice *a);
bool fb_removed_by_vfio(struct sysfs *sys, const struct pci_dev *dev, char *release, size_t size);
const char *fb_parameter(enum fb_holder holder);
const char *fb_parameter_in(const char *cmdline);

#endif
