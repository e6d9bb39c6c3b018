// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The firmware framebuffer on the boot GPU.  Since Linux 6.0, vfio-pci
 * takes it down itself when it binds a VGA-class device (commit
 * d173780620792c72, "vfio/pci: Remove console drivers", which calls
 * aperture_remove_conflicting_pci_devices()).  Before that, what holds the
 * memory decides which switch frees it: /proc/iomem names it.
 */
#include <errno.h>
#include <string.h>

#include "shared/framebuffer.h"
#include "shared/util.h"

#define PCI_CLASS_DISPLAY_VGA 0x0300

/* The memory a 5.x kernel leaves held, by its /proc/iomem name. */
static const struct {
	const char *name;
	enum fb_holder holder;
} fb_names[] = {
	{ "BOOTFB", FB_SYSFB },	   /* sysfb's resource, IORESOURCE_BUSY */
	{ "simplefb", FB_SYSFB },  /* the fbdev driver on it */
	{ "simpledrm", FB_SYSFB }, /* the DRM driver on it */
	{ "efifb", FB_EFIFB },	   /* request_mem_region(..., "efifb") */
	{ "vesafb", FB_VESAFB },   /* request_mem_region(..., "vesafb") */
};

/*
 * The switches that work.  BOOTFB is reserved by sysfb_init() itself, so
 * only keeping that initcall from running frees it; efifb honours
 * video=efifb:off; vesafb ignores its video= options entirely, so its
 * initcall (module_platform_driver's vesafb_driver_init) must not run.
 */
static const char *const fb_params[] = {
	[FB_SYSFB] = "initcall_blacklist=sysfb_init",
	[FB_EFIFB] = "video=efifb:off",
	[FB_VESAFB] = "initcall_blacklist=vesafb_driver_init",
};

const char *fb_parameter(enum fb_holder holder)
{
	if ((size_t)holder >= ARRAY_SIZE(fb_params))
		return NULL;
	return fb_params[holder];
}

static enum fb_holder holder_named(const char *label, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fb_names); i++)
		if (strlen(fb_names[i].name) == len && memcmp(label, fb_names[i].name, len) == 0)
			return fb_names[i].holder;
	return FB_NONE;
}

/*
 * A framebuffer in [start, end] of /proc/iomem: "    a0000000-a07e8fff :
 * BOOTFB".  sysfb's BOOTFB wins over the driver nested in it, since the
 * driver's switch would leave BOOTFB reserved.  -EPERM when the addresses
 * read as zeros: the kernel hides them from an unprivileged reader.
 */
static int fb_in_range(const char *iomem, unsigned long long start, unsigned long long end,
		       struct fb_conflict *fb)
{
	const char *line, *next;

	for (line = iomem; *line; line = next) {
		const char *eol = strchrnul(line, '\n'), *label, *p;
		unsigned long long s, e;
		enum fb_holder holder;
		size_t label_len;

		next = *eol ? eol + 1 : eol;
		p = line + strspn(line, " ");
		if (parse_hex64(p, &p, &s) < 0 || *p++ != '-' || parse_hex64(p, &p, &e) < 0 ||
		    p + 3 > eol || memcmp(p, " : ", 3) != 0)
			continue;
		if (!s && !e)
			return -EPERM;
		label = p + 3;
		label_len = (size_t)(eol - label);
		holder = holder_named(label, label_len);
		if (e < start || s > end || holder == FB_NONE ||
		    (fb->holder != FB_NONE && (fb->holder == FB_SYSFB || holder != FB_SYSFB)))
			continue;
		fb->holder = holder;
		if (path_join(fb->where, sizeof(fb->where), "%.*s at %llx-%llx", (int)label_len,
			      label, s, e) < 0)
			fb->where[0] = '\0';
	}
	return fb->holder != FB_NONE;
}

/* IORESOURCE_MEM in the flags column of the "resource" attribute. */
#define RESOURCE_MEM 0x200ULL

/*
 * Does a firmware framebuffer sit in one of @dev's memory BARs?  1 with
 * @fb filled in, 0 when none does, -errno when /proc/iomem or the BARs
 * cannot be read (-EPERM for an unprivileged reader).  /proc/iomem is read
 * up to 64 KiB, far more than a PC's.
 */
int fb_find(struct sysfs *sys, const struct pci_dev *dev, struct fb_conflict *fb)
{
	static char iomem[65536];
	char res[ATTR_MAX], *line, *next;
	ssize_t n;
	int bar = 0, r;

	memset(fb, 0, sizeof(*fb));
	r = sysfs_read_attr(sys, dev, "resource", res, sizeof(res));
	if (r < 0)
		return r;
	n = read_prefix_at(sys->root, "proc/iomem", iomem, sizeof(iomem));
	if (n < 0)
		return (int)n;
	for (line = res; line && *line && bar < 6; line = next, bar++) {
		unsigned long long start, end, flags;
		const char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* "0x%016llx 0x%016llx 0x%016llx": start, end, flags. */
		if (parse_hex64(line, &p, &start) < 0 || *p++ != ' ' ||
		    parse_hex64(p, &p, &end) < 0 || *p++ != ' ' || parse_hex64(p, &p, &flags) < 0 ||
		    !end || !(flags & RESOURCE_MEM))
			continue;
		r = fb_in_range(iomem, start, end, fb);
		if (r != 0) {
			fb->bar = bar;
			return r;
		}
	}
	return 0;
}

/* "6.1.0-27-amd64" -> 6: digits, then a dot. */
static int release_major(const char *release, unsigned long *major)
{
	char num[8];
	size_t len = strspn(release, "0123456789");

	if (!len || len >= sizeof(num) || release[len] != '.')
		return -EINVAL;
	memcpy(num, release, len);
	num[len] = '\0';
	return parse_uint(num, 999, major);
}

/*
 * Will vfio-pci on the running kernel take the framebuffer down itself?
 * Only 6.0 and later do, and only for a VGA-class device (0x0300): a 3D
 * controller is never the firmware's console.  @release gets the kernel's
 * release, or "" when it cannot be read.
 */
bool fb_removed_by_vfio(struct sysfs *sys, const struct pci_dev *dev, char *release, size_t size)
{
	unsigned long major;

	if (kernel_release_at(sys->root, release, size) < 0) {
		release[0] = '\0';
		return false;
	}
	if ((dev->ids.class >> 8) != PCI_CLASS_DISPLAY_VGA || release_major(release, &major) < 0)
		return false;
	return major >= 6;
}
