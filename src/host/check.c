// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt check: the seed's manual checks as a preflight.  Each finding is
 * ok, warn or fail, and every warn or fail names its fix in one line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/args.h"
#include "host/fb-advice.h"
#include "host/json.h"
#include "host/paths.h"
#include "host/regions.h"
#include "host/softdeps.h"
#include "host/verbs.h"
#include "setup/cmdline-words.h"
#include "setup/setup.h"
#include "setup/uki.h"
#include "shared/config.h"
#include "shared/log.h"
#include "shared/selection.h"
#include "shared/spawn.h"
#include "shared/sysfs.h"
#include "shared/util.h"

#define LSINITRD_TIMEOUT_MS 60000

struct check {
	struct sysfs sys;
	struct selection sel;
	const char *sysroot; /* "" for the real root */
	char kver[128];
	unsigned int fails;
	unsigned int warns;
	bool json;
	unsigned int findings;
	/* The groups whose reserved regions are judged: once each. */
	int regions_seen[64];
	unsigned int n_regions_seen;
};

static void usage(FILE *out)
{
	fputs("Usage: vfiopt check [--sysroot DIR] [--json]\n"
	      "\n"
	      "Check that passthrough can work here: the IOMMU, the selection on the kernel\n"
	      "command line and in /etc/vfiopt.conf, the vfio modules, the initramfs and\n"
	      "its generator, the boot loader.  Exit status 1 when anything fails.\n"
	      "\n"
	      "  --json           one object: findings (level, message, fix), failed, warnings\n",
	      out);
}

static void finding(struct check *c, const char *level, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void finding(struct check *c, const char *level, const char *fix, const char *fmt, ...)
{
	char message[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (n < 0) {
		message[0] = '\0';
	} else if ((size_t)n >= sizeof(message)) {
		size_t cut = sizeof(message) - 4;

		/* Not in the middle of a UTF-8 character. */
		while (cut > 0 && ((unsigned char)message[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(message + cut, "...", 4);
	}
	c->fails += level[0] == 'f';
	c->warns += level[0] == 'w';
	if (!c->json) {
		printf("%-5s %s\n", level, message);
		if (fix)
			printf("      fix: %s\n", fix);
		return;
	}
	printf("%s{\"level\": \"%s\", \"message\": ", c->findings++ ? ",\n" : "", level);
	json_string(message);
	fputs(", \"fix\": ", stdout);
	json_string(fix);
	putchar('}');
}

static unsigned int count_entries(int rootfd, const char *path, char *first, size_t size)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *dir = opendir_at(rootfd, path);

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (n++ == 0 && first)
			path_join(first, size, "%s", de->d_name);
	}
	closedir(dir);
	return n;
}

static bool exists(struct check *c, const char *path)
{
	return faccessat(c->sys.root, path, F_OK, 0) == 0;
}

/* The firmware's switch for the IOMMU this processor's vendor makes. */
static const char *firmware_fix(enum iommu_kind kind)
{
	switch (kind) {
	case IOMMU_INTEL:
		return "enable VT-d in the firmware setup";
	case IOMMU_AMD:
		return "enable the IOMMU (AMD-Vi) in the firmware setup";
	default:
		return "enable VT-d (Intel) or the IOMMU (AMD-Vi) in the firmware setup";
	}
}

/* VAL[0, len) is exactly VALUE. */
static bool is_value(const char *val, size_t len, const char *value)
{
	return value && strlen(value) == len && memcmp(val, value, len) == 0;
}

/*
 * How the command line leaves a switch the kernel reads as KEY=a,b,...
 * in order, each word and each value overriding the ones before (as
 * intel_iommu_setup() and its kin do): 1 for ON, 0 for OFF, -1 when
 * neither is given.  ON may be NULL (amd_iommu= and iommu= have no "on").
 */
static int cmdline_switch(struct check *c, const char *key, const char *on, const char *off)
{
	char buf[CMDLINE_MAX];
	size_t klen = strlen(key), i = 0, n, v, e;
	int state = -1;
	ssize_t len = read_file_at(c->sys.root, "proc/cmdline", buf, sizeof(buf));

	if (len < 0)
		return -1;
	n = (size_t)len;
	while (i < n) {
		size_t start, end;

		while (i < n && is_kernel_space(buf[i]))
			i++;
		start = i;
		while (i < n && !is_kernel_space(buf[i]))
			i++;
		end = i;
		if (end - start <= klen || memcmp(buf + start, key, klen) != 0 ||
		    buf[start + klen] != '=')
			continue;
		/* The values in order: the last of the two wins, here too. */
		for (v = start + klen + 1; v < end; v = e + 1) {
			for (e = v; e < end && buf[e] != ',';)
				e++;
			if (is_value(buf + v, e - v, on))
				state = 1;
			else if (is_value(buf + v, e - v, off))
				state = 0;
		}
	}
	return state;
}

/* intel_iommu=on as the kernel ends up reading it. */
static bool intel_iommu_on(struct check *c)
{
	return cmdline_switch(c, "intel_iommu", "on", "off") == 1;
}

/* The word that turns this vendor's IOMMU off, as the kernel reads it. */
static const char *iommu_off_word(struct check *c, enum iommu_kind kind)
{
	if (cmdline_switch(c, "iommu", NULL, "off") == 0)
		return "iommu=off";
	if (kind != IOMMU_AMD && cmdline_switch(c, "intel_iommu", "on", "off") == 0)
		return "intel_iommu=off";
	if (kind != IOMMU_INTEL && cmdline_switch(c, "amd_iommu", NULL, "off") == 0)
		return "amd_iommu=off";
	return NULL;
}

/*
 * Decided from what the running kernel did, not from its parameters:
 * Debian's kernel turns VT-d on by default, others need intel_iommu=on,
 * and the AMD driver is on whenever the firmware describes its IOMMU.
 * One cause gets one finding and one fix: without a table the firmware
 * is the cause, and no kernel parameter can help; without a unit, no
 * group can exist, which the unit's finding already says.
 */
static void check_iommu(struct check *c)
{
	bool described;
	enum iommu_kind kind = sysfs_iommu_kind(&c->sys, &described);
	char unit[64] = "", interrupts[ATTR_MAX * 4];
	unsigned int units, groups;
	const char *off;

	units = count_entries(c->sys.root, "sys/class/iommu", unit, sizeof(unit));
	groups = count_entries(c->sys.root, "sys/kernel/iommu_groups", NULL, 0);
	if (!described && !units) {
		finding(c, "fail", firmware_fix(kind),
			"no ACPI DMAR or IVRS table and no IOMMU unit registered: the firmware "
			"shows no IOMMU, so vfio-pci cannot take any device");
		return;
	}
	if (described)
		finding(c, "ok", NULL, "ACPI %s table: the firmware describes an IOMMU (%s)",
			kind == IOMMU_INTEL ? "DMAR" : "IVRS",
			kind == IOMMU_INTEL ? "Intel VT-d" : "AMD-Vi");
	off = iommu_off_word(c, kind);
	if (!units && off) {
		char fix[128];

		if (path_join(fix, sizeof(fix), "remove %s from the kernel command line", off) < 0)
			fix[0] = '\0';
		finding(c, "fail", fix, "no IOMMU unit registered: %s on the kernel command line",
			off);
		return;
	}
	if (!units && kind == IOMMU_INTEL && !intel_iommu_on(c)) {
		finding(c, "fail",
			"add intel_iommu=on to the kernel command line (vfiopt setup does)",
			"no IOMMU unit registered, and no intel_iommu=on on the kernel command "
			"line");
		return;
	}
	if (!units) {
		/* The firmware publishes the table only with the IOMMU enabled. */
		finding(c, "fail",
			"see why the kernel did not start it: dmesg | grep -i -e DMAR -e AMD-Vi",
			"no IOMMU unit registered: the firmware describes the IOMMU, but this "
			"kernel did not start it");
		return;
	}
	if (!described)
		finding(c, "ok", NULL,
			"%u IOMMU unit(s) registered (%s...), described by no DMAR or IVRS table "
			"(virtio-iommu, or another kind)",
			units, unit);
	else if (kind != IOMMU_INTEL || intel_iommu_on(c))
		finding(c, "ok", NULL, "%u IOMMU unit(s) registered (%s...)", units, unit);
	else
		finding(c, "ok", NULL,
			"%u IOMMU unit(s) registered (%s...) with no intel_iommu=on on the "
			"kernel command line: this kernel's default (vfiopt setup adds the "
			"switch, which kernels that default to off and integrated GPUs need)",
			units, unit);
	if (groups)
		finding(c, "ok", NULL, "%u IOMMU groups", groups);
	else
		finding(c, "fail",
			kind == IOMMU_INTEL && !intel_iommu_on(c)
				? "add intel_iommu=on to the kernel command line (vfiopt setup "
				  "does)"
				: "see why the IOMMU driver made no groups: dmesg | grep -i -e "
				  "DMAR -e AMD-Vi -e iommu",
			"no IOMMU groups although %u unit(s) are registered: vfio-pci cannot "
			"take any device",
			units);

	/* "IR-PCI-MSI" and friends: interrupts go through the remapping unit. */
	if (read_prefix_at(c->sys.root, "proc/interrupts", interrupts, sizeof(interrupts)) > 0 &&
	    strstr(interrupts, "IR-"))
		finding(c, "ok", NULL, "interrupt remapping is on");
	else if (groups)
		finding(c, "warn", "enable interrupt remapping (x2APIC) in the firmware",
			"interrupt remapping seems off: vfio refuses MSI without it unless "
			"vfio_iommu_type1.allow_unsafe_interrupts=1");
}

/*
 * A firmware framebuffer in the boot GPU's memory keeps the VM from
 * mapping it ("BAR n: can't reserve"); the same advice as setup's.
 */
static void check_framebuffer(struct check *c, const struct pci_dev *dev)
{
	struct fb_advice a;
	char fix[128] = "";

	if (!sysfs_is_boot_vga(&c->sys, dev))
		return;
	fb_advise(&c->sys, dev, &a);
	if (a.param &&
	    path_join(fix, sizeof(fix), "add %s to the kernel command line (vfiopt setup does)",
		      a.param) < 0)
		fix[0] = '\0';
	switch (a.reason) {
	case FB_REMOVED_BY_VFIO:
		finding(c, "ok", NULL,
			"%s is the boot VGA: vfio-pci on Linux %s removes the firmware framebuffer "
			"when it binds it",
			dev->name, a.release);
		break;
	case FB_HELD:
		finding(c, "fail", fix,
			"%s: BAR %d overlaps the firmware framebuffer (%s), which vfio-pci before "
			"Linux 6.0 leaves in place: \"BAR %d: can't reserve\" in the VM",
			dev->name, a.fb.bar, a.fb.where, a.fb.bar);
		break;
	case FB_KEPT:
		finding(c, "ok", NULL,
			"%s is the boot VGA: %s keeps the firmware framebuffer off it", dev->name,
			a.param);
		break;
	case FB_TAKEN_OVER:
	case FB_UNREADABLE:
		finding(c, "warn", fix,
			"%s is the boot VGA: %s, so which firmware framebuffer holds its memory at "
			"boot is not known, and vfio-pci before Linux 6.0 leaves it in place",
			dev->name,
			a.reason == FB_UNREADABLE ? "/proc/iomem is hidden (run as root)"
						  : "its host driver took the framebuffer over");
		break;
	case FB_FREE:
		break;
	}
}

static bool harmless(const struct pci_dev *dev)
{
	return !dev->driver[0] || strcmp(dev->driver, "vfio-pci") == 0 ||
	       strcmp(dev->driver, "pci-stub") == 0 || pci_class_is_bridge(dev->ids.class);
}

/*
 * A device the kernel cannot reset cannot be handed clean to a VM that
 * restarts: the guest finds it as the last one left it (the AMD GPU reset
 * trouble), and often only a host reboot helps.
 */
static void check_reset(struct check *c, struct pci_dev *dev)
{
	char methods[64];
	int r = sysfs_reset_methods(&c->sys, dev, methods, sizeof(methods));

	if (r > 0)
		finding(c, "ok", NULL, "%s can be reset (%s)", dev->name, methods);
	else if (r == 0)
		finding(c, "ok", NULL, "%s can be reset", dev->name);
	else
		finding(c, "warn",
			"expect to reboot the host to restart a VM that uses it (a reset quirk "
			"module such as vendor-reset may help)",
			"%s [%04x:%04x] has no reset method: a VM restarted with it finds it as it "
			"was left",
			dev->name, dev->ids.vendor, dev->ids.device);
}

/*
 * A "direct" reserved region is an RMRR the kernel will not give up: it
 * refuses to attach the device to a VM's IOMMU domain (regions.h has the
 * source).  "direct-relaxable" (graphics, USB) is no obstacle.  Judged
 * once per group.
 */
static void check_regions(struct check *c, const struct pci_dev *dev)
{
	const struct resv_region *direct;
	struct resv_regions rr;
	char range[RESV_REGION_TEXT_MAX];
	unsigned int i;

	for (i = 0; i < c->n_regions_seen; i++)
		if (c->regions_seen[i] == dev->group)
			return;
	if (c->n_regions_seen < ARRAY_SIZE(c->regions_seen))
		c->regions_seen[c->n_regions_seen++] = dev->group;
	if (resv_regions_read(&c->sys, dev->group, &rr) < 0)
		return;
	if (rr.malformed)
		finding(c, "warn", NULL,
			"/sys/kernel/iommu_groups/%d/reserved_regions: %u line(s) not of the "
			"kernel's form, ignored",
			dev->group, rr.malformed);
	direct = resv_regions_direct(&rr);
	if (direct) {
		if (resv_region_format(direct, range, sizeof(range)) < 0)
			range[0] = '\0';
		finding(c, "fail",
			"no kernel parameter lifts it: a firmware update or setting without the "
			"reservation (ask the vendor), or another device or slot",
			"IOMMU group %d of %s has a firmware-reserved region (an RMRR, or AMD's "
			"IVMD) %s, direct: "
			"the kernel refuses to attach the device to a VM's IOMMU domain "
			"(\"Firmware has requested this device have a 1:1 IOMMU mapping\"; "
			"Linux 6.1 on Intel: \"ineligible for IOMMU domain attach due to "
			"platform RMRR requirement\")",
			dev->group, dev->name, range);
		return;
	}
	for (i = 0; i < rr.n; i++)
		if (rr.r[i].type == RESV_DIRECT_RELAXABLE &&
		    resv_region_format(&rr.r[i], range, sizeof(range)) == 0)
			finding(c, "ok", NULL,
				"IOMMU group %d of %s has a firmware-reserved region %s, "
				"direct-relaxable: graphics or USB, which a VM may take",
				dev->group, dev->name, range);
}

/*
 * A device of its own without a group, while others have one: the IOMMU
 * leaves it out.  (No group anywhere is the IOMMU's finding, said once.)
 * Debian's kernels turn VT-d on but leave the integrated GPU out of it
 * unless intel_iommu=on (CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF).
 */
static void check_no_group(struct check *c, const struct pci_dev *dev)
{
	bool igpu = dev->ids.vendor == 0x8086 && (dev->ids.class >> 16) == PCI_CLASS_DISPLAY;

	if (!sysfs_has_iommu_groups(&c->sys))
		return;
	if (igpu && !intel_iommu_on(c))
		finding(c, "fail",
			"add intel_iommu=on to the kernel command line (vfiopt setup does)",
			"%s [%04x:%04x] has no IOMMU group: without intel_iommu=on this kernel "
			"may leave the integrated GPU out of the IOMMU, and vfio-pci cannot take "
			"it",
			dev->name, dev->ids.vendor, dev->ids.device);
	else
		finding(c, "fail",
			"see why in the kernel's log (dmesg | grep -i -e DMAR -e AMD-Vi)",
			"%s [%04x:%04x] has no IOMMU group, though others have: the IOMMU does "
			"not cover it, and vfio-pci cannot take it",
			dev->name, dev->ids.vendor, dev->ids.device);
}

static void check_device(struct check *c, struct pci_dev *dev, const bool *selected)
{
	char bad[512] = "";
	size_t d, len = 0;

	if (strcmp(dev->driver, "vfio-pci") == 0)
		finding(c, "ok", NULL, "%s [%04x:%04x] is on vfio-pci", dev->name, dev->ids.vendor,
			dev->ids.device);
	else
		finding(c, "warn", "reboot with the selection in place (vfiopt status tells more)",
			"%s [%04x:%04x] is on %s, not vfio-pci", dev->name, dev->ids.vendor,
			dev->ids.device, dev->driver[0] ? dev->driver : "no driver");
	check_reset(c, dev);
	if (sysfs_load_group(&c->sys, dev) < 0 || dev->group < 0) {
		check_no_group(c, dev);
		return;
	}
	for (d = 0; d < c->sys.n_devs; d++) {
		struct pci_dev *m = &c->sys.devs[d];

		if (selected[d] || sysfs_load_group(&c->sys, m) < 0 || m->group != dev->group ||
		    sysfs_load(&c->sys, m) < 0 || harmless(m))
			continue;
		if (path_join(bad + len, sizeof(bad) - len, "%s%s on %s", len ? ", " : "", m->name,
			      m->driver) == 0)
			len += strlen(bad + len);
	}
	if (len)
		finding(c, "fail", "select those devices too, or move the card to another slot",
			"IOMMU group %d is not viable for a VM: %s", dev->group, bad);
	else
		finding(c, "ok", NULL, "IOMMU group %d of %s is viable", dev->group, dev->name);
	check_regions(c, dev);
	check_framebuffer(c, dev);
}

/* What the claim will take along: same slot, same group, not a bridge. */
static void select_companions(struct check *c, bool *selected)
{
	size_t d, e;

	if (!c->sel.companions)
		return;
	for (d = 0; d < c->sys.n_devs; d++) {
		struct pci_dev *dev = &c->sys.devs[d];

		if (!selected[d] || sysfs_load_group(&c->sys, dev) < 0 || dev->group < 0)
			continue;
		for (e = 0; e < c->sys.n_devs; e++) {
			struct pci_dev *m = &c->sys.devs[e];

			if (!selected[e] && pci_same_slot(&m->addr, &dev->addr) &&
			    sysfs_load_group(&c->sys, m) == 0 && m->group == dev->group &&
			    sysfs_load(&c->sys, m) == 0 && (m->ids.class >> 16) != PCI_CLASS_BRIDGE)
				selected[e] = true;
		}
	}
}

static void check_selection(struct check *c)
{
	static char cmdline[CMDLINE_MAX];
	bool *selected = calloc(c->sys.n_devs ? c->sys.n_devs : 1, sizeof(*selected));
	unsigned int i;
	size_t d;

	if (!selected)
		return;
	config_load(c->sys.root, &c->sel);
	if (cmdline_load(c->sys.root, NULL, cmdline, sizeof(cmdline)) == 0)
		selection_parse_cmdline(&c->sel, cmdline);
	selection_report(&c->sel);
	if (c->sel.n_bad)
		finding(c, "fail", "fix or remove the entries named above",
			"%u malformed entr%s in the selection", c->sel.n_bad,
			c->sel.n_bad == 1 ? "y" : "ies");
	if (c->sel.disabled)
		finding(c, "warn", "remove vfiopt.disable=1 from the kernel command line",
			"vfiopt.disable=1: the early claim is off on this boot");
	if (selection_empty(&c->sel)) {
		finding(c, "warn", "vfiopt setup --ids VENDOR:DEVICE (lspci -nn shows them)",
			"nothing selected on the kernel command line or in /etc/vfiopt.conf");
		free(selected);
		return;
	}
	for (i = 0; i < c->sel.n_ids; i++) {
		bool hit = false;

		for (d = 0; d < c->sys.n_devs; d++) {
			if (sysfs_load(&c->sys, &c->sys.devs[d]) == 0 &&
			    pci_match_ids(&c->sel.ids[i].match, &c->sys.devs[d].ids))
				hit = selected[d] = true;
		}
		if (!hit)
			finding(c, "fail", "check the id against lspci -nn",
				"%s=%s matches no PCI device", c->sel.ids[i].param,
				c->sel.ids[i].text);
	}
	for (i = 0; i < c->sel.n_addrs; i++) {
		struct pci_dev *dev = sysfs_find(&c->sys, &c->sel.addrs[i].addr);

		if (dev && sysfs_load(&c->sys, dev) == 0)
			selected[dev - c->sys.devs] = true;
		else
			finding(c, "fail", "check the address against lspci -D",
				"%s=%s: no such PCI device", c->sel.addrs[i].param,
				c->sel.addrs[i].text);
	}
	select_companions(c, selected);
	for (d = 0; d < c->sys.n_devs; d++)
		if (selected[d])
			check_device(c, &c->sys.devs[d], selected);
	free(selected);
}

/* In modules.dep (a module) or modules.builtin (built in) of the running kernel. */
static bool module_available(struct check *c, const char *file)
{
	static const char *const lists[] = { "modules.dep", "modules.builtin" };
	char path[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++)
		if (path_join(path, sizeof(path), "lib/modules/%s/%s", c->kver, lists[i]) == 0 &&
		    file_contains_at(c->sys.root, path, file) > 0)
			return true;
	return false;
}

static void check_modules(struct check *c)
{
	static const char *const modules[][2] = {
		{ "vfio-pci", "/vfio-pci.ko" },
		{ "vfio_iommu_type1", "/vfio_iommu_type1.ko" },
		{ "vfio", "/vfio.ko" },
	};
	size_t i;

	if (kernel_release_at(c->sys.root, c->kver, sizeof(c->kver)) < 0) {
		c->kver[0] = '\0';
		finding(c, "warn", NULL, "cannot tell the running kernel's version");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(modules); i++) {
		if (module_available(c, modules[i][1]))
			finding(c, "ok", NULL, "%s is available for %s", modules[i][0], c->kver);
		else
			finding(c, "fail", "install the kernel's modules package, or build VFIO",
				"%s is not available for %s", modules[i][0], c->kver);
	}
}

/* 1 when this kernel's config sets OPTION (y or m), 0 when not, <0 unknown. */
static int kernel_config(struct check *c, const char *option)
{
	char path[192], needle[64];

	if (!c->kver[0] || path_join(path, sizeof(path), "boot/config-%s", c->kver) < 0 ||
	    path_join(needle, sizeof(needle), "\n%s=", option) < 0)
		return -EINVAL;
	return file_contains_at(c->sys.root, path, needle);
}

/*
 * The two ways to VFIO: the group and container (/dev/vfio/GROUP, which
 * vfiopt boot uses) and, since 6.6, iommufd with a cdev per device
 * (/dev/iommu, /dev/vfio/devices/vfioN; boot --iommufd).  Judged from
 * the nodes there are and the kernel's config.
 */
static void check_vfio_interfaces(struct check *c)
{
	/* Before 6.2 there is no CONFIG_VFIO_CONTAINER: VFIO is the group. */
	bool group = exists(c, "dev/vfio/vfio") || kernel_config(c, "CONFIG_VFIO_CONTAINER") > 0 ||
		     kernel_config(c, "CONFIG_IOMMUFD_VFIO_CONTAINER") > 0 ||
		     (kernel_config(c, "CONFIG_VFIO") > 0 &&
		      kernel_config(c, "CONFIG_IOMMUFD") == 0);
	bool iommufd = exists(c, "dev/iommu") || kernel_config(c, "CONFIG_IOMMUFD") > 0;
	bool cdev = exists(c, "dev/vfio/devices") ||
		    kernel_config(c, "CONFIG_VFIO_DEVICE_CDEV") > 0;
	bool known = kernel_config(c, "CONFIG_VFIO") >= 0;

	if (iommufd && cdev)
		finding(c, "ok", NULL,
			"VFIO: %siommufd with a cdev per device (/dev/iommu, "
			"/dev/vfio/devices): vfiopt boot %s",
			group ? "the group and container (/dev/vfio/GROUP), and " : "only ",
			group ? "uses the first, --iommufd the second" : "needs --iommufd");
	else if (group && known)
		finding(c, "ok", NULL,
			"VFIO: the group and container (/dev/vfio/GROUP), which vfiopt boot uses; "
			"no iommufd with device cdevs (this kernel is built without %s)",
			iommufd ? "CONFIG_VFIO_DEVICE_CDEV" : "CONFIG_IOMMUFD");
	else if (group)
		finding(c, "ok", NULL,
			"VFIO: the group and container (/dev/vfio/GROUP), which vfiopt boot uses; "
			"whether this kernel has iommufd cannot be told (no /boot/config-%s)",
			c->kver);
}

/* Whether "vfiopt setup" has written its configuration here. */
static bool set_up(struct check *c)
{
	return exists(c, "etc/default/grub.d/vfiopt.cfg") ||
	       exists(c, "etc/dracut.conf.d/vfiopt.conf") || exists(c, CONFIG_PATH);
}

/*
 * A backend's (first) command that makes its configuration take effect,
 * for a fix line: as a user runs it, on the file itself where setup has
 * it write aside (struct setup_command's made and target).
 */
static void backend_command(const struct setup_backend *b, int rootfd, char *buf, size_t size)
{
	struct setup_command cmds[SETUP_COMMANDS_MAX] = { 0 };
	size_t len = 0, n = b->commands(rootfd, cmds, ARRAY_SIZE(cmds));
	const char *const *argv;

	buf[0] = '\0';
	for (argv = cmds[0].argv; n && *argv; argv++) {
		const char *word = cmds[0].made && *argv == cmds[0].made ? cmds[0].target : *argv;

		if (path_join(buf + len, size - len, "%s%s", len ? " " : "", word) < 0)
			return;
		len += strlen(buf + len);
	}
	if (n > 1)
		path_join(buf + len, size - len, " (and %zu more)", n - 1);
}

/*
 * The helper, as the image has it: vfiopt-claim since 0.3, the whole tool
 * in 0.2's images (an image from before an upgrade claims all the same);
 * under usr/bin where the host's /usr/sbin links to bin (merged sbin, as
 * on Fedora 42: dracut copies the host's links).
 */
static const char *const helper_files[] = { "usr/sbin/vfiopt-claim", "usr/sbin/vfiopt",
					    "usr/bin/vfiopt-claim", "usr/bin/vfiopt", NULL };

/*
 * Whether @image holds one of @files, asked of @lister one file at a time
 * (dracut's "lsinitrd IMAGE FILE" prints it, and nothing when the image
 * lacks it): 1 or 0, -errno when the lister could not be run or ran out
 * of time.  Its exit status is not looked at: an image it cannot read is
 * one without vfiopt.  The file must start with @magic, so that a
 * complaint lsinitrd prints on stdout is not taken for it.  One file
 * costs lsinitrd one pass over the image; its whole listing unpacks the
 * image again for each part it shows (eleven times in dracut 106's
 * lsinitrd.sh, eight in 109's, five in 059's), 13 to 41 s a check under
 * emulation.  An image built with dracut's opt-in squash module keeps
 * both files in its squashed root, which this does not look into.
 */
static int image_holds(const char *lister, const char *image, const char *const *files,
		       const char *magic)
{
	char head[16];

	for (; *files; files++) {
		const char *argv[] = { lister, image, *files, NULL };
		int r = run_capture(argv, head, sizeof(head), LSINITRD_TIMEOUT_MS);

		if (r < 0)
			return r;
		if (strncmp(head, magic, strlen(magic)) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether @image holds the helper and the script that runs it: 1 or 0,
 * -errno when the lister could not be run or ran out of time.
 */
static int image_has_claim(const struct setup_backend *gen, const char *lister, const char *image)
{
	static char listing[1 << 20];
	const char *argv[] = { lister, image, NULL };
	int r;

	if (gen->claim_files) {
		r = image_holds(lister, image, helper_files, "\177ELF");
		return r <= 0 ? r : image_holds(lister, image, gen->claim_files, "#!");
	}
	r = run_capture(argv, listing, sizeof(listing), LSINITRD_TIMEOUT_MS);
	if (r < 0)
		return r;
	/* "usr/sbin/vfiopt" is the start of vfiopt-claim's path too. */
	return strstr(listing, helper_files[1]) && strstr(listing, gen->claim_entry);
}

static void check_initramfs(struct check *c)
{
	char image[256], path[512], lister[256], rebuild[256];
	const struct setup_backend *gen = setup_initramfs_generator(c->sys.root);
	const char *fix;
	int r;

	if (!gen) {
		finding(c, "fail", "apt-get install initramfs-tools (or dracut)",
			"no initramfs generator that vfiopt knows (initramfs-tools, dracut)");
		return;
	}
	backend_command(gen, c->sys.root, rebuild, sizeof(rebuild));
	fix = set_up(c) ? rebuild
			: "vfiopt setup --ids VENDOR:DEVICE --apply (it configures the boot "
			  "and rebuilds the initramfs)";
	if (exists(c, root_relative(gen->part)))
		finding(c, "ok", NULL, "%s builds the initramfs; vfiopt's part is installed (%s)",
			gen->name, gen->part);
	else
		finding(c, "fail", "make install, or install the vfiopt package",
			"%s builds the initramfs, and vfiopt's part is not installed (%s)",
			gen->name, gen->part);
	if (!c->kver[0])
		return;
	if (path_join(image, sizeof(image), "boot/initrd.img-%s", c->kver) < 0 || !exists(c, image))
		path_join(image, sizeof(image), "boot/initramfs-%s.img", c->kver);
	if (!exists(c, image)) {
		finding(c, "warn", rebuild, "no initramfs for %s", c->kver);
		return;
	}
	if (find_program(gen->lister, lister, sizeof(lister)) < 0) {
		finding(c, "warn", NULL, "cannot look into /%s: no %s", image, gen->lister);
		return;
	}
	/* The lister is the host's; the image may be under --sysroot. */
	r = path_join(path, sizeof(path), "%s/%s", c->sysroot, image);
	if (r == 0)
		r = image_has_claim(gen, lister, path);
	if (r < 0) {
		finding(c, "warn", NULL, "%s /%s failed", gen->lister, image);
		return;
	}
	if (r)
		finding(c, "ok", NULL,
			"/%s holds the vfiopt helper and its script: the claim runs "
			"before udev",
			image);
	else
		finding(c, "fail", fix, "/%s has no vfiopt: no early claim at boot", image);
}

static void report_shadowed(const char *module, const char *file, void *ctx)
{
	char fix[PATH_BUF_MAX + 128];

	path_join(fix, sizeof(fix), "add vfio-pci to the pre: list of that line in /%s", file);
	finding(ctx, "warn", fix,
		"/%s has a softdep for %s, and kmod takes the first it finds: vfiopt's is "
		"ignored, and vfio-pci may load after %s (the claim does not need it; "
		"vfio-pci.ids= does)",
		file, module, module);
}

/* A host softdep that would hide ours in the initramfs. */
static void check_softdeps(struct check *c)
{
	int r = softdeps_shadowed(c->sys.root, report_shadowed, c);

	if (r == 0)
		finding(c, "ok", NULL, "no modprobe.d file hides vfiopt's softdeps");
}

/* The selection words of the lines of @text that start with @keyword. */
struct next_boot {
	unsigned int lines, selecting;
	char words[SELECTION_WORDS_MAX];
};

static void scan_lines(const char *text, const char *keyword, struct next_boot *nb)
{
	static char found[SELECTION_WORDS_MAX];
	size_t klen = strlen(keyword);
	const char *line;

	for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		line += strspn(line, " \t");
		if (strncmp(line, keyword, klen) != 0 || (line[klen] != ' ' && line[klen] != '\t'))
			continue;
		nb->lines++;
		cmdline_selection_words(line + klen, found, sizeof(found));
		if (found[0] && !nb->selecting++)
			memcpy(nb->words, found, sizeof(nb->words));
	}
}

/* The options lines of the Boot Loader Specification entries in @dir. */
static bool scan_entries(struct check *c, const char *dir, struct next_boot *nb)
{
	static char entry[1 << 14];
	struct dirent *de;
	DIR *d = opendir_at(c->sys.root, dir);

	if (!d)
		return false;
	while ((de = readdir(d))) {
		char path[PATH_BUF_MAX];
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".conf") == 0 &&
		    path_join(path, sizeof(path), "%s/%s", dir, de->d_name) == 0 &&
		    read_file_at(c->sys.root, path, entry, sizeof(entry)) > 0)
			scan_lines(entry, "options", nb);
	}
	closedir(d);
	return nb->lines > 0;
}

/*
 * A unified kernel image boots with the command line built into it: what
 * the next boot gets is its .cmdline section, read from the UKI that
 * systemd-boot boots by default.  false when there is no UKI.
 */
static bool check_next_uki(struct check *c, const struct setup_backend *loader)
{
	static char cmdline[UKI_CMDLINE_MAX], words[SELECTION_WORDS_MAX], now[CMDLINE_MAX],
		current[SELECTION_WORDS_MAX];
	char path[PATH_BUF_MAX];
	ssize_t len = uki_next(c->sys.root, path, sizeof(path), cmdline, sizeof(cmdline));

	if (!path[0])
		return false;
	if (len == -ENOENT) {
		finding(c, "warn", NULL,
			"%s, the unified kernel image that boots next, has no .cmdline section: it "
			"boots with what systemd-boot passes it",
			path);
		return true;
	}
	if (len < 0) {
		finding(c, "fail", "rebuild it with kernel-install add, or remove it",
			"cannot read the command line of %s, the unified kernel image that boots "
			"next: %s",
			path,
			len == -EINVAL ? "not a PE image with a well-formed .cmdline section"
				       : strerror((int)-len));
		return true;
	}
	cmdline_selection_words(cmdline, words, sizeof(words));
	if (!words[0]) {
		char fix[256] = "";

		if (loader)
			backend_command(loader, c->sys.root, fix, sizeof(fix));
		if (exists(c, SETUP_STATE))
			finding(c, "fail", fix[0] ? fix : "vfiopt setup --apply",
				"the command line built into %s, the unified kernel image that "
				"boots next, selects nothing: the parameters setup wrote have not "
				"reached it",
				path);
		else
			finding(c, "ok", NULL,
				"the command line built into %s, the unified kernel image that "
				"boots next, selects nothing",
				path);
		return true;
	}
	read_file_at(c->sys.root, "proc/cmdline", now, sizeof(now));
	cmdline_selection_words(now, current, sizeof(current));
	finding(c, "ok", NULL,
		"the command line built into %s, the unified kernel image that boots next, "
		"selects: %s%s",
		path, words,
		strcmp(words, current) == 0 ? "" : " (not this boot's: reboot to claim)");
	return true;
}

/*
 * The words of @in that select devices (ids and addresses, vfiopt's and
 * the kernel's own vfio-pci.ids=), into @out: a vfiopt.disable=1 that only
 * GRUB_CMDLINE_LINUX_RECOVERY gives, or a companions= word, selects none.
 */
static void selecting_words(const char *in, char *out, size_t size)
{
	static const char *const keys[] = { "vfiopt.ids=",	"vfiopt.addrs=", "rd.vfiopt.ids=",
					    "rd.vfiopt.addrs=", "vfio-pci.ids=", "vfio_pci.ids=" };
	size_t pos = 0, n, have = 0, i;
	const char *w;

	out[0] = '\0';
	while ((w = words_next(in, strlen(in), &pos, &n))) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (n > strlen(keys[i]) && strncmp(w, keys[i], strlen(keys[i])) == 0)
				break;
		if (i == ARRAY_SIZE(keys))
			continue;
		if (path_join(out + have, size - have, "%s%.*s", have ? " " : "", (int)n, w) < 0)
			return;
		have += strlen(out + have);
	}
}

/*
 * The selecting words of the lines of @text, past any comment, appended to
 * @out: what a shell-sourced file of GRUB's asks for.  Quotes split words
 * here, as the shell takes them off ("$GRUB_CMDLINE_LINUX vfiopt.ids=..."),
 * and so does an assignment's '=' (GRUB_CMDLINE_LINUX=vfio-pci.ids=...,
 * unquoted).  Every value a file gives counts, even one it sets again
 * later: more than update-grub takes, which is why only words of grub.cfg
 * missing here are taken as stale.  A line too long for @line is not seen.
 */
static void etc_selection_words(const char *text, char *out, size_t size)
{
	static char line[4096], words[SELECTION_WORDS_MAX], selecting[SELECTION_WORDS_MAX];
	const char *start, *end;

	for (start = text; *start; start = *end ? end + 1 : end) {
		size_t len, i, have = strlen(out), name;

		end = strchrnul(start, '\n');
		len = strcspn(start, "#\n");
		if (len >= sizeof(line))
			continue;
		for (i = 0; i < len; i++)
			line[i] = start[i] == '"' || start[i] == '\'' ? ' ' : start[i];
		line[len] = '\0';
		name = strspn(line, " \t");
		name += strspn(line + name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					    "0123456789_");
		if (line[name] == '=')
			line[name] = ' ';
		cmdline_selection_words(line, words, sizeof(words));
		selecting_words(words, selecting, sizeof(selecting));
		if (selecting[0] &&
		    path_join(out + have, size - have, "%s%s", have ? " " : "", selecting) < 0)
			return;
	}
}

/*
 * The selection that GRUB's configuration in /etc asks for, into @all
 * (empty for none): /etc/default/grub and the .cfg files of its grub.d,
 * as update-grub sources them; and into @ours what setup put there, its
 * own snippet's or the words its record says it added to
 * /etc/default/grub.
 */
static void etc_grub_words(struct check *c, char *all, char *ours, size_t size)
{
	static char text[1 << 16];
	static struct setup_state st;
	struct dirent *de;
	DIR *d;

	all[0] = ours[0] = '\0';
	if (read_prefix_at(c->sys.root, "etc/default/grub", text, sizeof(text)) > 0)
		etc_selection_words(text, all, size);
	if (read_prefix_at(c->sys.root, "etc/default/grub.d/vfiopt.cfg", text, sizeof(text)) > 0)
		etc_selection_words(text, ours, size);
	else if (setup_state_read(c->sys.root, "etc/default/grub", &st) > 0)
		selecting_words(st.words, ours, size);
	d = opendir_at(c->sys.root, "etc/default/grub.d");
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_BUF_MAX];
		size_t n = strlen(de->d_name);

		if (n > 4 && strcmp(de->d_name + n - 4, ".cfg") == 0 &&
		    path_join(path, sizeof(path), "etc/default/grub.d/%s", de->d_name) == 0 &&
		    read_prefix_at(c->sys.root, path, text, sizeof(text)) > 0)
			etc_selection_words(text, all, size);
	}
	closedir(d);
}

/* Whether every word of @a is one of @b's (space-separated lists). */
static bool words_within(const char *a, const char *b)
{
	size_t pos = 0, n;
	const char *w;

	while ((w = words_next(a, strlen(a), &pos, &n)))
		if (!words_has(b, strlen(b), w, n))
			return false;
	return true;
}

/*
 * grub.cfg's selection (@words, its first selecting line's) is not what
 * /etc asks for: update-grub has not run since /etc changed.  A word of
 * grub.cfg that nothing in /etc gives any more: an undo cut short before
 * update-grub ran (or an edit by hand since).  A word of setup's that
 * grub.cfg lacks: a setup cut short there, as by a power cut while
 * update-grub wrote grub.cfg.new.  Either way the next boot's command line
 * is grub.cfg's (whether it claims depends on its image, which
 * check_initramfs reports); say so, and what finishes the job.  (Words in
 * a custom entry of /etc/grub.d are the user's own, which update-grub
 * does not take out: that is what the question marks are for.)
 */
static void check_grub_cfg_stale(struct check *c, const struct setup_backend *loader,
				 const char *name, const char *words)
{
	static char all[SELECTION_WORDS_MAX], ours[SELECTION_WORDS_MAX], cfg[SELECTION_WORDS_MAX];
	char fix[256] = "";

	if (loader != &setup_grub && loader != &setup_grub_default)
		return;
	etc_grub_words(c, all, ours, sizeof(all));
	selecting_words(words, cfg, sizeof(cfg));
	if (words_within(cfg, all) && words_within(ours, cfg))
		return;
	backend_command(loader, c->sys.root, fix, sizeof(fix));
	if (!all[0])
		finding(c, "warn", fix[0] ? fix : "update-grub",
			"/%s still selects %s, but /etc/default/grub and its grub.d no longer do: "
			"update-grub has not run since (an interrupted \"vfiopt setup --undo "
			"--apply\"?), so the next boot's command line still has them",
			name, words);
	else
		finding(c, "warn", fix[0] ? fix : "update-grub",
			"/%s selects %s, but /etc/default/grub and its grub.d ask for %s: "
			"update-grub has not run since (an interrupted \"vfiopt setup --apply\"?), "
			"so the next boot's command line has grub.cfg's",
			name, words, all);
}

/*
 * What the next boot gets: the selection on the linux lines of GRUB's
 * grub.cfg, which update-grub makes from setup's snippet, or on the
 * options lines of the boot loader entries (systemd-boot's, written by
 * kernel-install; Fedora's, edited by grubby).
 */
static void check_next_boot(struct check *c)
{
	static const char *const cfgs[] = { "boot/grub/grub.cfg", "boot/grub2/grub.cfg" };
	static const char *const entries[] = { "efi/loader/entries", "boot/efi/loader/entries",
					       "boot/loader/entries" };
	static char cfg[1 << 18], now[CMDLINE_MAX], current[SELECTION_WORDS_MAX];
	static struct next_boot nb;
	const struct setup_backend *loader = setup_cmdline_backend(c->sys.root);
	const char *name = NULL, *what = "linux lines";
	size_t i;

	if (loader)
		finding(c, "ok", NULL, "the kernel command line is set through %s", loader->name);
	else
		finding(c, "warn", "set the kernel parameters in your boot loader yourself",
			"no boot loader that vfiopt setup knows (GRUB, systemd-boot, grubby)");
	if (check_next_uki(c, loader))
		return;
	memset(&nb, 0, sizeof(nb));
	for (i = 0; i < ARRAY_SIZE(entries) && !name; i++)
		if (scan_entries(c, entries[i], &nb))
			name = entries[i], what = "boot entries in";
	for (i = 0; i < ARRAY_SIZE(cfgs) && !name; i++) {
		if (read_prefix_at(c->sys.root, cfgs[i], cfg, sizeof(cfg)) <= 0)
			continue;
		scan_lines(cfg, "linux", &nb);
		name = cfgs[i];
		what = "linux lines of";
	}
	if (!name)
		return;
	if (!nb.selecting) {
		char fix[256] = "";

		if (loader)
			backend_command(loader, c->sys.root, fix, sizeof(fix));
		if (exists(c, "etc/default/grub.d/vfiopt.cfg") || exists(c, SETUP_STATE))
			finding(c, "fail", fix[0] ? fix : "vfiopt setup --apply",
				"/%s selects nothing: the parameters setup wrote have not reached "
				"it",
				name);
		return;
	}
	/* A command line too long to read is not this boot's selection either. */
	read_file_at(c->sys.root, "proc/cmdline", now, sizeof(now));
	cmdline_selection_words(now, current, sizeof(current));
	finding(c, "ok", NULL, "%u of the %u %s /%s select: %s%s", nb.selecting, nb.lines, what,
		name, nb.words,
		strcmp(nb.words, current) == 0 ? "" : " (not this boot's: reboot to claim)");
	if (strncmp(name, "boot/grub", 9) == 0)
		check_grub_cfg_stale(c, loader, name, nb.words);
}

int verb_check(int argc, char **argv)
{
	struct check c = { 0 };
	const char *sysroot = NULL;
	int opt;

	opt = parse_sysroot_json(argc, argv, usage, &sysroot, &c.json);
	if (opt != 0)
		return opt > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc) {
		fprintf(stderr, "vfiopt check: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	c.sysroot = sysroot ? sysroot : "";
	if (sysfs_open_scan(&c.sys, sysroot, "check") < 0)
		return EXIT_FAILED;
	/* Malformed entries are named on stderr, as the claim names them in the log. */
	log_setup(-1, false, true);
	selection_init(&c.sel);
	if (c.json)
		fputs("{\"findings\": [\n", stdout);
	check_iommu(&c);
	check_selection(&c);
	check_modules(&c);
	check_vfio_interfaces(&c);
	check_initramfs(&c);
	check_softdeps(&c);
	check_next_boot(&c);
	if (c.json)
		printf("\n], \"failed\": %u, \"warnings\": %u}\n", c.fails, c.warns);
	else
		printf("%u failed, %u warning(s)\n", c.fails, c.warns);
	sysfs_close(&c.sys);
	return c.fails ? EXIT_FAILED : EXIT_OK;
}
