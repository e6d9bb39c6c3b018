// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI devices from sysfs.  The directory walk gives the addresses; one read
 * of a device's uevent gives its ids, class and driver (the way toybox's
 * lspci does it), instead of one open per attribute.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysfs.h"
#include "util.h"

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
	free(sys->devs);
	memset(sys, 0, sizeof(*sys));
	sys->root = -1;
	sys->devices = -1;
}

static int cmp_dev(const void *a, const void *b)
{
	return pci_addr_cmp(&((const struct pci_dev *)a)->addr, &((const struct pci_dev *)b)->addr);
}

static int add_dev(struct sysfs *sys, size_t *cap, const char *name)
{
	struct pci_dev *dev;
	const char *why;

	if (sys->n_devs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct pci_dev *n;

		if (ncap > PCI_DEVICES_MAX)
			return -E2BIG;
		n = realloc(sys->devs, ncap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		sys->devs = n;
		*cap = ncap;
	}
	dev = &sys->devs[sys->n_devs];
	memset(dev, 0, sizeof(*dev));
	if (pci_addr_parse(name, strlen(name), &dev->addr, &why) < 0)
		return 0; /* not a PCI device name: not ours to touch */
	if (pci_addr_format(&dev->addr, dev->name, sizeof(dev->name)) < 0 ||
	    strcmp(dev->name, name) != 0)
		return 0;
	dev->group = GROUP_UNKNOWN;
	sys->n_devs++;
	return 0;
}

/* Every device under sys/bus/pci/devices, in address order. */
int sysfs_scan(struct sysfs *sys)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;
	int fd, r = 0;

	sys->devices = openat(sys->root, "sys/bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sys->devices < 0)
		return -errno;
	fd = fcntl(sys->devices, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((errno = 0, de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		r = add_dev(sys, &cap, de->d_name);
		if (r < 0)
			break;
	}
	if (r == 0 && errno != 0)
		r = -errno;
	closedir(dir);
	if (r < 0)
		return r;
	qsort(sys->devs, sys->n_devs, sizeof(*sys->devs), cmp_dev);
	return 0;
}

/*
 * Driver names are C identifiers with the odd '-' ("vfio-pci"); anything
 * else in a uevent would end up in the log and in the record verbatim.
 */
static bool is_driver_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static int parse_id_pair(const char *s, uint16_t *a, uint16_t *b)
{
	const char *colon = strchr(s, ':');
	uint32_t x, y;

	if (!colon || parse_hex(s, (size_t)(colon - s), 4, &x) < 0 ||
	    parse_hex(colon + 1, strlen(colon + 1), 4, &y) < 0)
		return -EINVAL;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return 0;
}

static int parse_uevent_line(struct pci_dev *dev, char *line, unsigned int *seen)
{
	char *val = strchr(line, '=');

	if (!val)
		return 0;
	*val++ = '\0';
	if (strcmp(line, "DRIVER") == 0) {
		size_t len = strlen(val);

		if (len == 0 || len >= sizeof(dev->driver) || !is_driver_name(val))
			return -EINVAL;
		memcpy(dev->driver, val, len + 1);
	} else if (strcmp(line, "PCI_CLASS") == 0) {
		if (parse_hex(val, strlen(val), 6, &dev->ids.class) < 0)
			return -EINVAL;
		*seen |= 1;
	} else if (strcmp(line, "PCI_ID") == 0) {
		if (parse_id_pair(val, &dev->ids.vendor, &dev->ids.device) < 0)
			return -EINVAL;
		*seen |= 2;
	} else if (strcmp(line, "PCI_SUBSYS_ID") == 0) {
		if (parse_id_pair(val, &dev->ids.subvendor, &dev->ids.subdevice) < 0)
			return -EINVAL;
		*seen |= 4;
	}
	return 0;
}

/*
 * Fill in ids, class and driver from the device's uevent:
 *   DRIVER=e1000e  (only while bound)
 *   PCI_CLASS=20000
 *   PCI_ID=8086:10D3
 *   PCI_SUBSYS_ID=8086:A01F
 */
int sysfs_load(struct sysfs *sys, struct pci_dev *dev)
{
	char path[PCI_NAME_MAX + 16], buf[ATTR_MAX], *line, *next;
	unsigned int seen = 0;
	ssize_t n;
	int r;

	if (dev->loaded)
		return 0;
	if (dev->load_failed)
		return -EIO;
	r = path_join(path, sizeof(path), "%s/uevent", dev->name);
	if (r < 0)
		return r;
	n = read_file_at(sys->devices, path, buf, sizeof(buf));
	if (n < 0) {
		dev->load_failed = true;
		return (int)n;
	}
	dev->driver[0] = '\0';
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = parse_uevent_line(dev, line, &seen);
		if (r < 0)
			break;
	}
	if (r < 0 || seen != 7) {
		dev->load_failed = true;
		return -EIO;
	}
	dev->loaded = true;
	return 0;
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
	struct dirent *de;
	bool found = false;
	DIR *dir = opendir_at(dirfd, path);

	if (!dir)
		return false;
	while (!found && (de = readdir(dir)))
		found = de->d_name[0] != '.';
	closedir(dir);
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
	n = read_file_at(sys->devices, path, buf, size);
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
