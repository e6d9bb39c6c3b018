// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the kernel's module aliases say about a PCI device: the module udev
 * would load for it.  A device claimed before udev never had that driver,
 * so this is how "vfiopt status" can name what the claim held off.  One
 * pass over modules.alias for all devices:
 *
 *	alias pci:v00001234d00001111sv*sd*bc03sc00i00* bochs
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/modalias.h"
#include "shared/util.h"

/* The longest alias line in a real modules.alias is under 200 bytes. */
#define ALIAS_LINE_MAX 512

/* The MODALIAS the PCI core puts in a device's uevent, from its ids. */
static int pci_modalias(const struct pci_ids *ids, char *buf, size_t size)
{
	return path_join(buf, size, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", ids->vendor,
			 ids->device, ids->subvendor, ids->subdevice, (ids->class >> 16) & 0xff,
			 (ids->class >> 8) & 0xff, ids->class & 0xff);
}

static FILE *open_aliases(int rootfd)
{
	char kver[128], path[256];
	FILE *f;
	int fd;

	if (kernel_release_at(rootfd, kver, sizeof(kver)) < 0 ||
	    path_join(path, sizeof(path), "lib/modules/%s/modules.alias", kver) < 0)
		return NULL;
	fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "re");
	if (!f)
		close(fd);
	return f;
}

/*
 * The PCI driver a loaded module registered, /sys/module/M/drivers/pci:NAME,
 * into @driver; false when the module is not loaded or registered none.
 */
static bool registered_driver(int rootfd, const char *module, size_t len, char *driver, size_t size)
{
	char path[MODULE_LIST_MAX + 32];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	if (path_join(path, sizeof(path), "sys/module/%.*s/drivers", (int)len, module) < 0)
		return false;
	dir = opendir_at(rootfd, path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir)))
		found = strncmp(de->d_name, "pci:", 4) == 0 &&
			path_join(driver, size, "%s", de->d_name + 4) == 0;
	closedir(dir);
	return found;
}

/* Add @module to @q's list, once; a list that is full stays as it is. */
static void add_module(struct host_driver *q, const char *module)
{
	size_t len = strlen(q->modules), mlen = strlen(module);
	const char *p;

	for (p = q->modules; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, module, mlen) == 0 && (p[mlen] == ',' || !p[mlen]))
			return;
	if (path_join(q->modules + len, sizeof(q->modules) - len, "%s%s", len ? "," : "", module) <
	    0)
		q->modules[len] = '\0';
}

/* The driver of the first of @q's modules that is loaded. */
static void find_driver(int rootfd, struct host_driver *q)
{
	const char *p;

	for (p = q->modules; *p; p += strcspn(p, ","), p += *p == ',')
		if (registered_driver(rootfd, p, strcspn(p, ","), q->driver, sizeof(q->driver)))
			return;
	q->driver[0] = '\0';
}

/*
 * The next line of @f into @line.  A line too long for @size, or holding a
 * NUL byte, comes back empty: skipped whole, never read as two lines (the
 * tail of one alias would name a module of its own).  false at the end.
 */
static bool next_line(FILE *f, char *line, size_t size)
{
	bool bad = false;
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0' || n + 1 >= size)
			bad = true;
		else
			line[n++] = (char)c;
	}
	line[bad ? 0 : n] = '\0';
	return c != EOF || n > 0 || bad;
}

/* "alias PATTERN MODULE": the pattern and the module, or -EINVAL. */
static int split_alias(char *line, char **pattern, char **module)
{
	char *end;

	if (strncmp(line, "alias pci:", 10) != 0)
		return -EINVAL;
	*pattern = line + 6;
	end = strchr(*pattern, ' ');
	if (!end)
		return -EINVAL;
	*end = '\0';
	*module = end + 1;
	(*module)[strcspn(*module, " \n")] = '\0';
	return **module ? 0 : -EINVAL;
}

/*
 * For each of @q's ids, every module whose alias matches, as modprobe
 * would find them (it loads them all, but for those blacklisted), and the
 * driver that the first loaded one of them registered.  -ENOENT without a
 * modules.alias for the running kernel.
 */
int modalias_lookup(int rootfd, struct host_driver *q, size_t n)
{
	char line[ALIAS_LINE_MAX], *pattern, *module;
	size_t i;
	FILE *f;

	for (i = 0; i < n; i++) {
		q[i].modules[0] = q[i].driver[0] = '\0';
		if (pci_modalias(&q[i].ids, q[i].modalias, sizeof(q[i].modalias)) < 0)
			return -EINVAL;
	}
	f = open_aliases(rootfd);
	if (!f)
		return -ENOENT;
	while (next_line(f, line, sizeof(line))) {
		if (split_alias(line, &pattern, &module) < 0)
			continue;
		for (i = 0; i < n; i++)
			if (glob_match(pattern, q[i].modalias))
				add_module(&q[i], module);
	}
	fclose(f);
	for (i = 0; i < n; i++)
		find_driver(rootfd, &q[i]);
	return 0;
}
