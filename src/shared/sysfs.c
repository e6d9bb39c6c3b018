// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI devices from sysfs.  The directory walk gives the addresses; one read
 * of a device's uevent gives its ids, class and driver (the way toybox's
 * lspci does it), instead of one open per attribute.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/dir.h"
#include "shared/sysfs.h"
#include "shared/util.h"

int sysfs_open(struct sysfs *sys, const char *sysroot)
{
	memset(sys, 0, sizeof(*sys));
	sys->devices = -1;
	sys->root = open(sysroot ? sysroot : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sys->root < 0)
		return -errno;
	return 0;
}

/*
 * What every host verb starts with: the root and its PCI devices, or a
 * message naming the verb.  0 or -errno; closed again on failure.
 */
int sysfs_open_scan(struct sysfs *sys, const char *sysroot, const char *verb)
{
	int r = sysfs_open(sys, sysroot);

	if (r == 0)
		r = sysfs_scan(sys);
	if (r < 0) {
		fprintf(stderr, "vfiopt %s: cannot list the PCI devices under %s: %s\n", verb,
			sysroot ? sysroot : "/", strerror(-r));
		sysfs_close(sys);
	}
	return r;
}

void sysfs_close(struct sysfs *sys)
{
	if (sys->devices >= 0)
		close(sys->devices);
	if (sys->root >= 0)
		close(sys->root);
	unmap_array(sys->devs, PCI_DEVICES_MAX, sizeof(*sys->devs));
	memset(sys, 0, sizeof(*sys));
	sys->root = -1;
	sys->devices = -1;
}

static int cmp_dev(const void *a, const void *b)
{
	return pci_addr_cmp(&((const struct pci_dev *)a)->addr, &((const struct pci_dev *)b)->addr);
}

/*
 * A device's address as one number that sorts as pci_addr_cmp() does:
 * domain, bus, slot, function.  Sorting these instead of the devices
 * moves 8 bytes a swap instead of a struct pci_dev.
 */
static uint64_t addr_key(const struct pci_addr *a)
{
	return (uint64_t)a->domain << 16 | (uint64_t)a->bus << 8 | (uint64_t)a->slot << 3 | a->func;
}

static void key_addr(uint64_t key, struct pci_addr *a)
{
	a->domain = (uint32_t)(key >> 16);
	a->bus = (uint8_t)(key >> 8);
	a->slot = (uint8_t)((key >> 3) & 0x1f);
	a->func = (uint8_t)(key & 7);
}

/* Heapsort: in place, no recursion, no libc qsort in the helper. */
static void sift_down(uint64_t *k, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		uint64_t t;

		if (child >= n)
			return;
		if (child + 1 < n && k[child + 1] > k[child])
			child++;
		if (k[root] >= k[child])
			return;
		t = k[root];
		k[root] = k[child];
		k[child] = t;
		root = child;
	}
}

static void sort_keys(uint64_t *k, size_t n)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(k, i, n);
	for (i = n; i-- > 1;) {
		uint64_t t = k[0];

		k[0] = k[i];
		k[i] = t;
		sift_down(k, 0, i);
	}
}

/*
 * The key of a directory entry that is a PCI device's name, spelled as
 * the kernel spells it; anything else is not ours to touch: -EINVAL.
 */
static int name_key(const char *name, uint64_t *key)
{
	char canonical[PCI_NAME_MAX];
	struct pci_addr addr;
	const char *why;

	if (pci_addr_parse(name, strlen(name), &addr, &why) < 0 ||
	    pci_addr_format(&addr, canonical, sizeof(canonical)) < 0 ||
	    strcmp(canonical, name) != 0)
		return -EINVAL;
	*key = addr_key(&addr);
	return 0;
}

static int scan_keys(struct sysfs *sys, uint64_t *keys, size_t *n)
{
	static char buf[65536];
	struct dir_reader d;
	const char *name;
	int r;

	*n = 0;
	r = dir_open_at(&d, sys->devices, ".", buf, sizeof(buf));
	while (r == 0 && (r = dir_next(&d, &name)) > 0) {
		uint64_t key;

		r = 0;
		if (name_key(name, &key) < 0)
			continue;
		if (*n == PCI_DEVICES_MAX) {
			r = -E2BIG;
			break;
		}
		keys[(*n)++] = key;
	}
	dir_close(&d);
	return r;
}

/*
 * Every device under sys/bus/pci/devices, in address order.  The array
 * is reserved for the most a tree may hold, so it never moves.
 */
int sysfs_scan(struct sysfs *sys)
{
	uint64_t *keys;
	size_t n;
	int r;

	sys->devices = openat(sys->root, "sys/bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sys->devices < 0)
		return -errno;
	sys->devs = map_array(PCI_DEVICES_MAX, sizeof(*sys->devs));
	keys = map_array(PCI_DEVICES_MAX, sizeof(*keys));
	if (!sys->devs || !keys) {
		unmap_array(keys, PCI_DEVICES_MAX, sizeof(*keys));
		return -ENOMEM;
	}
	r = scan_keys(sys, keys, &n);
	if (r == 0) {
		size_t i;

		sort_keys(keys, n);
		for (i = 0; i < n; i++) {
			struct pci_dev *dev = &sys->devs[i];

			key_addr(keys[i], &dev->addr);
			/* Checked in name_key(): it fits, and it is the entry's name. */
			pci_addr_format(&dev->addr, dev->name, sizeof(dev->name));
			dev->group = GROUP_UNKNOWN;
		}
		sys->n_devs = n;
	}
	unmap_array(keys, PCI_DEVICES_MAX, sizeof(*keys));
	return r;
}

/*
 * Driver names are C identifiers with the odd '-' ("vfio-pci"); anything
 * else in a uevent would end up in the log and in the record verbatim.
 */
static bool is_driver_name(const char *s, size_t len)
{
	for (; len; s++, len--)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static int parse_id_pair(const char *s, size_t len, uint16_t *a, uint16_t *b)
{
	const char *colon = memchr(s, ':', len);
	uint32_t x, y;

	if (!colon || parse_hex(s, (size_t)(colon - s), 4, &x) < 0 ||
	    parse_hex(colon + 1, len - (size_t)(colon + 1 - s), 4, &y) < 0)
		return -EINVAL;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return 0;
}

/*
 * Whether the line [s, s + len) is KEY=...; *val is then what follows.
 * Keys are 7 bytes or more with '=': the first and fifth byte tell most
 * lines apart (DRIVER, PCI_CLASS, PCI_ID, MODALIAS) before a memcmp.
 */
static bool is_key(const char *s, size_t len, const char *key, size_t key_len, const char **val)
{
	if (len < key_len || s[0] != key[0] || s[4] != key[4] || memcmp(s, key, key_len) != 0)
		return false;
	*val = s + key_len;
	return true;
}

#define KEY(k) k "=", sizeof(k "=") - 1

/* The uevent's lines are spans of the buffer: a NUL inside one is refused. */
static int parse_uevent_line(struct pci_dev *dev, const char *s, size_t len, unsigned int *seen)
{
	const char *val;

	if (is_key(s, len, KEY("DRIVER"), &val)) {
		size_t n = len - (size_t)(val - s);

		if (n == 0 || n >= sizeof(dev->driver) || !is_driver_name(val, n))
			return -EINVAL;
		memcpy(dev->driver, val, n);
		dev->driver[n] = '\0';
	} else if (is_key(s, len, KEY("PCI_CLASS"), &val)) {
		if (parse_hex(val, len - (size_t)(val - s), 6, &dev->ids.class) < 0)
			return -EINVAL;
		*seen |= 1;
	} else if (is_key(s, len, KEY("PCI_ID"), &val)) {
		if (parse_id_pair(val, len - (size_t)(val - s), &dev->ids.vendor,
				  &dev->ids.device) < 0)
			return -EINVAL;
		*seen |= 2;
	} else if (is_key(s, len, KEY("PCI_SUBSYS_ID"), &val)) {
		if (parse_id_pair(val, len - (size_t)(val - s), &dev->ids.subvendor,
				  &dev->ids.subdevice) < 0)
			return -EINVAL;
		*seen |= 4;
	}
	return 0;
}

/*
 * Fill in ids, class and driver from the device's uevent, in one read:
 *   DRIVER=e1000e  (only while bound)
 *   PCI_CLASS=20000
 *   PCI_ID=8086:10D3
 *   PCI_SUBSYS_ID=8086:A01F
 */
int sysfs_load(struct sysfs *sys, struct pci_dev *dev)
{
	static const char attr[] = "/uevent";
	char path[PCI_NAME_MAX + sizeof(attr)], buf[ATTR_MAX];
	size_t name_len = strlen(dev->name);
	ssize_t n;
	int r;

	if (dev->loaded)
		return 0;
	if (dev->load_failed)
		return -EIO;
	/* The name is the scan's, at most PCI_NAME_MAX - 1 bytes. */
	memcpy(path, dev->name, name_len);
	memcpy(path + name_len, attr, sizeof(attr));
	n = read_attr_at(sys->devices, path, buf, sizeof(buf));
	if (n < 0) {
		dev->load_failed = true;
		return (int)n;
	}
	r = sysfs_parse_uevent(dev, buf, (size_t)n);
	if (r < 0) {
		dev->load_failed = true;
		return r;
	}
	dev->loaded = true;
	return 0;
}

/*
 * A uevent's text (untrusted: a fake tree's file is anyone's) into @dev's
 * ids, class and driver.  0, or -EIO when a line we read is malformed or
 * one of PCI_CLASS, PCI_ID, PCI_SUBSYS_ID is missing.
 */
int sysfs_parse_uevent(struct pci_dev *dev, const char *buf, size_t n)
{
	unsigned int seen = 0;
	size_t pos = 0;
	int r = 0;

	dev->driver[0] = '\0';
	while (r == 0 && pos < n) {
		const char *line = buf + pos, *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;

		r = parse_uevent_line(dev, line, len, &seen);
		pos += len + 1;
	}
	return r < 0 || seen != 7 ? -EIO : 0;
}

/* The IOMMU group number, from the iommu_group link; GROUP_NONE without one. */
int sysfs_load_group(struct sysfs *sys, struct pci_dev *dev)
{
	char path[PCI_NAME_MAX + 16], name[16];
	unsigned long group;
	int r;

	if (dev->group != GROUP_UNKNOWN)
		return 0;
	r = path_join(path, sizeof(path), "%s/iommu_group", dev->name);
	if (r < 0)
		return r;
	r = read_link_name_at(sys->devices, path, name, sizeof(name));
	if (r == -ENOENT) {
		dev->group = GROUP_NONE;
		return 0;
	}
	if (r < 0)
		return r;
	r = parse_uint(name, 0x7fffffff, &group);
	if (r < 0)
		return r;
	dev->group = (int)group;
	return 0;
}

struct pci_dev *sysfs_find(struct sysfs *sys, const struct pci_addr *addr)
{
	struct pci_dev key = { .addr = *addr };

	if (!sys->devs)
		return NULL;
	return bsearch(&key, sys->devs, sys->n_devs, sizeof(*sys->devs), cmp_dev);
}

/* "0000:01:00.0/attr", relative to sys->devices. */
int sysfs_dev_path(const struct pci_dev *dev, const char *attr, char *buf, size_t size)
{
	return path_join(buf, size, "%s/%s", dev->name, attr);
}

/* The driver bound right now, from the driver link ("" for none). */
int sysfs_driver_of(struct sysfs *sys, const struct pci_dev *dev, char *buf, size_t size)
{
	char path[PCI_NAME_MAX + 16];
	int r;

	r = sysfs_dev_path(dev, "driver", path, sizeof(path));
	if (r < 0)
		return r;
	r = read_link_name_at(sys->devices, path, buf, size);
	if (r == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

static bool dir_has_entries(int dirfd, const char *path)
{
	char buf[DIR_BUF_MIN * 2];
	struct dir_reader d;
	const char *name;
	bool found = false;

	if (dir_open_at(&d, dirfd, path, buf, sizeof(buf)) < 0)
		return false;
	while (!found && dir_next(&d, &name) > 0)
		found = name[0] != '.';
	dir_close(&d);
	return found;
}

/* The IOMMU is on when the kernel made groups. */
bool sysfs_has_iommu_groups(struct sysfs *sys)
{
	return dir_has_entries(sys->root, "sys/kernel/iommu_groups");
}

static bool dir_exists(struct sysfs *sys, const char *fmt, const char *name)
{
	char path[DRIVER_NAME_MAX + 32];
	struct stat st;

	if (path_join(path, sizeof(path), fmt, name) < 0)
		return false;
	return fstatat(sys->root, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/* A PCI driver is registered (loaded, or built in). */
bool sysfs_has_driver(struct sysfs *sys, const char *driver)
{
	return dir_exists(sys, "sys/bus/pci/drivers/%s", driver);
}

/* A module is loaded, or built in with parameters (vfio_iommu_type1 has some). */
bool sysfs_has_module(struct sysfs *sys, const char *module)
{
	return dir_exists(sys, "sys/module/%s", module);
}

/* A device attribute as a string, without its newline. */
int sysfs_read_attr(struct sysfs *sys, const struct pci_dev *dev, const char *attr, char *buf,
		    size_t size)
{
	char path[PCI_NAME_MAX + 32];
	ssize_t n;
	int r;

	r = sysfs_dev_path(dev, attr, path, sizeof(path));
	if (r < 0)
		return r;
	n = read_attr_at(sys->devices, path, buf, size);
	if (n < 0)
		return (int)n;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/*
 * How the kernel can reset @dev, which decides whether a VM using it can
 * be restarted: 1 with its methods in @buf ("flr bus", from reset_method,
 * 5.15+), 0 when it can but does not say how (reset alone: an older
 * kernel), -ENOENT when it cannot: the kernel shows neither attribute, or
 * an empty reset_method (every method turned off by writing "").
 */
int sysfs_reset_methods(struct sysfs *sys, const struct pci_dev *dev, char *buf, size_t size)
{
	char path[PCI_NAME_MAX + 32];

	if (sysfs_read_attr(sys, dev, "reset_method", buf, size) == 0)
		return buf[0] ? 1 : -ENOENT;
	buf[0] = '\0';
	if (sysfs_dev_path(dev, "reset", path, sizeof(path)) == 0 &&
	    faccessat(sys->devices, path, F_OK, 0) == 0)
		return 0;
	return -ENOENT;
}

/* The device the firmware set up as the console (boot_vga reads 1). */
bool sysfs_is_boot_vga(struct sysfs *sys, const struct pci_dev *dev)
{
	char buf[16];

	return (dev->ids.class >> 16) == PCI_CLASS_DISPLAY &&
	       sysfs_read_attr(sys, dev, "boot_vga", buf, sizeof(buf)) == 0 &&
	       strcmp(buf, "1") == 0;
}

/*
 * Which IOMMU this machine has, from the firmware's own description of it:
 * the ACPI DMAR table (Intel VT-d) or IVRS (AMD-Vi), with *described set.
 * The CPU vendor cannot tell (a virtual machine may show one vendor's CPU
 * over the other's IOMMU); it is only the guess when the firmware
 * describes none, as when the IOMMU is off in its setup.
 */
enum iommu_kind sysfs_iommu_kind(struct sysfs *sys, bool *described)
{
	char cpuinfo[ATTR_MAX];

	*described = true;
	if (faccessat(sys->root, "sys/firmware/acpi/tables/DMAR", F_OK, 0) == 0)
		return IOMMU_INTEL;
	if (faccessat(sys->root, "sys/firmware/acpi/tables/IVRS", F_OK, 0) == 0)
		return IOMMU_AMD;
	*described = false;
	/* The first processor's vendor_id line is at the start of the file. */
	if (read_prefix_at(sys->root, "proc/cpuinfo", cpuinfo, sizeof(cpuinfo)) <= 0)
		return IOMMU_UNKNOWN;
	if (strstr(cpuinfo, "GenuineIntel"))
		return IOMMU_INTEL;
	if (strstr(cpuinfo, "AuthenticAMD") || strstr(cpuinfo, "HygonGenuine"))
		return IOMMU_AMD;
	return IOMMU_UNKNOWN;
}
