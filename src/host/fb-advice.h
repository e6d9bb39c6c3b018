/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_FB_ADVICE_H
#define VFIOPT_FB_ADVICE_H

#include "shared/framebuffer.h"

/*
 * The advice that setup and check give for the boot VGA's firmware
 * framebuffer: one rule for both (the claim only names the switch when it
 * finds a holder, with shared/framebuffer.c alone).
 */
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

void fb_advise(struct sysfs *sys, const struct pci_dev *dev, struct fb_advice *a);
const char *fb_parameter_in(const char *cmdline);

#endif
