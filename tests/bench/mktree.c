// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mktree ROOT < LIST: create PCI devices in a fake sysfs tree, exactly as
 * fakesys_dev in tests/lib/fakesys.sh does.  The shell version forks ln, tr
 * and cut some 25 times per device, about a minute for the benchmark's
 * 4096 devices; this takes a second or so.  Keep the two in step.
 *
 * Each line of LIST is what fakesys_dev takes after ROOT, except that PATH
 * starts at the host bridge (pci0000:00/...) so that other domains and root
 * buses can be made:
 *	PATH VENDOR DEVICE CLASS SUBVENDOR SUBDEVICE DRIVER|- GROUP|- [BOOT_VGA]
 * ROOT must already have the skeleton from fakesys_init.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "mktree: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/*
 * path() formats into one of a few rotating buffers, as link_to() needs two
 * at once; a result is good only until the next few calls.
 */
static char *path(const char *fmt, ...)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *p = buf[n++ % 4];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(p, PATH_MAX, fmt, ap) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		die("path", fmt);
	}
	va_end(ap);
	return p;
}

/* put(): write a whole file, like the shell's echo >file. */
static void put(const char *file, const char *fmt, ...)
{
	FILE *f = fopen(file, "w");
	va_list ap;

	if (!f)
		die("create", file);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (fclose(f))
		die("write", file);
}

static void mkdir_p(const char *dir)
{
	char p[PATH_MAX];
	char *s;

	snprintf(p, sizeof(p), "%s", dir);
	for (s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST)
			die("mkdir", p);
		if (!s)
			return;
		*s = '/';
	}
}

static void link_to(const char *target, const char *linkpath)
{
	if (symlink(target, linkpath))
		die("symlink", linkpath);
}

static void upper(char *s)
{
	for (; *s; s++)
		*s = toupper((unsigned char)*s);
}

/* As fakesys_driver: a registered driver directory, made once. */
static void driver(const char *name)
{
	static const char *const files[] = { "bind", "unbind", "new_id", "remove_id" };
	char dir[PATH_MAX];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/sys/bus/pci/drivers/%s", root, name);
	if (mkdir(dir, 0777)) {
		if (errno == EEXIST)
			return;
		die("mkdir", dir);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(path("%s/%s", dir, files[i]), "");
	put(path("%s/uevent", dir), "DRIVER=%s\n", name);
}

/* As fakesys_group: an IOMMU group directory, made once. */
static void group(const char *n)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/sys/kernel/iommu_groups/%s", root, n);
	if (mkdir(dir, 0777)) {
		if (errno == EEXIST)
			return;
		die("mkdir", dir);
	}
	mkdir_p(path("%s/devices", dir));
	put(path("%s/type", dir), "DMA-FQ\n");
	put(path("%s/reserved_regions", dir), "");
}

static void dev(const char *pth, const char *v, const char *d, const char *c, const char *sv,
		const char *sd, const char *drv, const char *grp, const char *vga)
{
	char rel[300], dir[PATH_MAX], up[PATH_MAX] = "";
	char V[8], D[8], SV[8], SD[8], C[8];
	const char *addr = strrchr(pth, '/');
	const char *s;

	addr = addr ? addr + 1 : pth;
	snprintf(rel, sizeof(rel), "devices/%s", pth);
	snprintf(dir, sizeof(dir), "%s/sys/%s", root, rel);
	/* "../" once per component of rel, to climb from dir back to sys/. */
	for (s = rel; s; s = strchr(s + 1, '/'))
		strcat(up, "../");
	snprintf(V, sizeof(V), "%.6s", v);
	snprintf(D, sizeof(D), "%.6s", d);
	snprintf(SV, sizeof(SV), "%.6s", sv);
	snprintf(SD, sizeof(SD), "%.6s", sd);
	snprintf(C, sizeof(C), "%.6s", c);
	upper(V);
	upper(D);
	upper(SV);
	upper(SD);
	upper(C);

	mkdir_p(dir);
	put(path("%s/vendor", dir), "0x%s\n", v);
	put(path("%s/device", dir), "0x%s\n", d);
	put(path("%s/subsystem_vendor", dir), "0x%s\n", sv);
	put(path("%s/subsystem_device", dir), "0x%s\n", sd);
	put(path("%s/class", dir), "0x%s\n", c);
	put(path("%s/revision", dir), "0x00\n");
	put(path("%s/driver_override", dir), "(null)\n");
	put(path("%s/enable", dir), "1\n");
	put(path("%s/irq", dir), "16\n");
	if (vga)
		put(path("%s/boot_vga", dir), "%s\n", vga);
	link_to(path("%sbus/pci", up), path("%s/subsystem", dir));
	link_to(path("../../../%s", rel), path("%s/sys/bus/pci/devices/%s", root, addr));

	put(path("%s/uevent", dir),
	    "%s%s%sPCI_CLASS=%lX\nPCI_ID=%s:%s\nPCI_SUBSYS_ID=%s:%s\n"
	    "PCI_SLOT_NAME=%s\n"
	    "MODALIAS=pci:v0000%sd0000%ssv0000%ssd0000%sbc%.2ssc%.2si%.2s\n",
	    strcmp(drv, "-") ? "DRIVER=" : "", strcmp(drv, "-") ? drv : "",
	    strcmp(drv, "-") ? "\n" : "", strtoul(c, NULL, 16), V, D, SV, SD, addr, V, D, SV, SD, C,
	    C + 2, C + 4);

	if (strcmp(drv, "-")) {
		driver(drv);
		link_to(path("%sbus/pci/drivers/%s", up, drv), path("%s/driver", dir));
		link_to(path("../../../../%s", rel),
			path("%s/sys/bus/pci/drivers/%s/%s", root, drv, addr));
	}
	if (strcmp(grp, "-")) {
		group(grp);
		link_to(path("%skernel/iommu_groups/%s", up, grp), path("%s/iommu_group", dir));
		link_to(path("../../../../%s", rel),
			path("%s/sys/kernel/iommu_groups/%s/devices/%s", root, grp, addr));
	}
}

int main(int argc, char **argv)
{
	char line[1024], f[9][256];

	if (argc != 2) {
		fprintf(stderr, "usage: mktree ROOT < LIST\n");
		return 2;
	}
	root = argv[1];
	while (fgets(line, sizeof(line), stdin)) {
		int n = sscanf(line, "%255s %255s %255s %255s %255s %255s %255s %255s %255s", f[0],
			       f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
		if (n < 1)
			continue;
		if (n < 8) {
			fprintf(stderr, "mktree: short line: %s", line);
			return 1;
		}
		dev(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], n == 9 ? f[8] : NULL);
	}
	return 0;
}
