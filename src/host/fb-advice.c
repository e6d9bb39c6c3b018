// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What setup and check tell the user about the boot VGA's firmware
 * framebuffer: by the running kernel, what /proc/iomem shows, and which
 * switch the running command line already has.
 */
#include <string.h>

#include "host/fb-advice.h"
#include "setup/cmdline-words.h"
#include "shared/util.h"

/*
 * Which of the switches a command line already has, NULL when none.  A
 * video= word whose list has efifb:off (vfiopt 0.2 wrote the seed's line,
 * with vesafb's too) counts as video=efifb:off: that half is what worked.
 */
const char *fb_parameter_in(const char *cmdline)
{
	size_t pos = 0, len, cmdline_len = strlen(cmdline);
	const char *w;
	int holder;

	for (holder = FB_SYSFB; holder <= FB_VESAFB; holder++) {
		const char *param = fb_parameter((enum fb_holder)holder);

		if (param && words_has(cmdline, cmdline_len, param, strlen(param)))
			return param;
	}
	while ((w = words_next(cmdline, cmdline_len, &pos, &len))) {
		const char *opt = w + 6, *end = w + len;

		if (len < 6 || memcmp(w, "video=", 6) != 0)
			continue;
		while (opt < end) {
			const char *comma = memchr(opt, ',', (size_t)(end - opt));
			size_t n = comma ? (size_t)(comma - opt) : (size_t)(end - opt);

			if (n == 9 && memcmp(opt, "efifb:off", 9) == 0)
				return fb_parameter(FB_EFIFB);
			opt += n + 1;
		}
	}
	return NULL;
}

/* A driver that drives the card itself took the framebuffer over. */
static bool on_host_driver(const struct pci_dev *dev)
{
	return dev->driver[0] && strcmp(dev->driver, "vfio-pci") != 0 &&
	       strcmp(dev->driver, "pci-stub") != 0;
}

/*
 * What the boot VGA @dev needs so that the VM can map its memory, by the
 * running kernel and what /proc/iomem shows.  Before 6.0, a host driver on
 * the card has already taken the firmware framebuffer over (DRM drivers
 * remove it when they probe), so /proc/iomem no longer tells which one
 * holds the memory at boot: then the switch that keeps them all from
 * starting, initcall_blacklist=sysfb_init (sysfb_init registers efifb's
 * and vesafb's devices too).
 */
void fb_advise(struct sysfs *sys, const struct pci_dev *dev, struct fb_advice *a)
{
	char cmdline[4096];
	int r;

	memset(a, 0, sizeof(*a));
	if (fb_removed_by_vfio(sys, dev, a->release, sizeof(a->release))) {
		a->reason = FB_REMOVED_BY_VFIO;
		return;
	}
	r = fb_find(sys, dev, &a->fb);
	if (r > 0) {
		a->reason = FB_HELD;
		a->param = fb_parameter(a->fb.holder);
		return;
	}
	if (read_file_at(sys->root, "proc/cmdline", cmdline, sizeof(cmdline)) > 0) {
		a->param = fb_parameter_in(cmdline);
		if (a->param) {
			a->reason = FB_KEPT;
			return;
		}
	}
	if (r < 0 || on_host_driver(dev)) {
		a->reason = r < 0 ? FB_UNREADABLE : FB_TAKEN_OVER;
		a->param = fb_parameter(FB_SYSFB);
		return;
	}
	a->reason = FB_FREE;
}
