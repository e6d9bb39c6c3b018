// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device, vendor and class names from the system's pci.ids, as lspci
 * shows them: one pass over the file for all devices at once.
 *
 *	10de  NVIDIA Corporation
 *	\t1b80  GP104 [GeForce GTX 1080]
 *	C 03  Display controller
 *	\t00  VGA compatible controller
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/pciids.h"
#include "shared/util.h"

static const char *const pciids_paths[] = {
	"usr/share/misc/pci.ids",
	"usr/share/hwdata/pci.ids",
	"usr/share/pci.ids",
};

/* "XXXX  name": the id in @digits hex digits, then two blanks, then the name. */
static const char *id_and_name(const char *s, unsigned int digits, uint32_t *id)
{
	if (strlen(s) < digits + 3 || s[digits] != ' ' || s[digits + 1] != ' ' ||
	    parse_hex(s, digits, digits, id) < 0)
		return NULL;
	return s + digits + 2;
}

/* Names are shown to people and put in JSON: keep printable ASCII and UTF-8. */
static void set_name(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i] && src[i] != '\n' && i < PCIIDS_NAME_MAX - 1; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	dst[i] = '\0';
}

static FILE *open_pciids(int rootfd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pciids_paths); i++) {
		int fd = openat(rootfd, pciids_paths[i], O_RDONLY | O_CLOEXEC);
		FILE *f;

		if (fd < 0)
			continue;
		f = fdopen(fd, "re");
		if (f)
			return f;
		close(fd);
	}
	return NULL;
}

/* Fill @names for @devs; -ENOENT when there is no pci.ids (ids alone, then). */
int pciids_lookup(int rootfd, const struct pci_dev *devs, size_t n, struct pci_names *names)
{
	uint32_t vendor = PCI_ANY, class = PCI_ANY, id;
	char line[512];
	const char *name;
	size_t d;
	FILE *f;

	memset(names, 0, n * sizeof(*names));
	f = open_pciids(rootfd);
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == 'C' && line[1] == ' ') {
			vendor = PCI_ANY;
			class = (name = id_and_name(line + 2, 2, &id)) ? id : PCI_ANY;
			for (d = 0; name && d < n; d++)
				if ((devs[d].ids.class >> 16) == class && !names[d].class_name[0])
					set_name(names[d].class_name, name);
		} else if (line[0] != '\t') {
			class = PCI_ANY;
			vendor = (name = id_and_name(line, 4, &id)) ? id : PCI_ANY;
			for (d = 0; name && d < n; d++)
				if (devs[d].ids.vendor == vendor)
					set_name(names[d].vendor, name);
		} else if (line[1] != '\t' && vendor != PCI_ANY) {
			name = id_and_name(line + 1, 4, &id);
			for (d = 0; name && d < n; d++)
				if (devs[d].ids.vendor == vendor && devs[d].ids.device == id)
					set_name(names[d].device, name);
		} else if (line[1] != '\t' && class != PCI_ANY) {
			/* The subclass is the more telling name: "VGA compatible controller". */
			name = id_and_name(line + 1, 2, &id);
			for (d = 0; name && d < n; d++)
				if ((devs[d].ids.class >> 16) == class &&
				    ((devs[d].ids.class >> 8) & 0xff) == id)
					set_name(names[d].class_name, name);
		}
	}
	fclose(f);
	return 0;
}
