// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt status: what the early claim did on this boot (its record under
 * /run), next to what each of those devices is bound to now.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "sysfs.h"
#include "util.h"
#include "verbs.h"

static void usage(FILE *out)
{
	fputs("Usage: vfiopt status [--sysroot DIR]\n"
	      "\n"
	      "What the early claim did on this boot (/run/vfiopt/claimed), and what each\n"
	      "of those devices is bound to now.  Exit status 1 when a device claimed at\n"
	      "boot is no longer on vfio-pci.\n",
	      out);
}

/* One record line: address ids reason previous result. */
static int status_line(struct sysfs *sys, char *line, unsigned int *moved)
{
	char *field[5], *save = NULL, now[DRIVER_NAME_MAX] = "";
	struct pci_addr addr;
	struct pci_dev *dev;
	const char *why, *note = "";
	size_t n = 0;

	for (char *t = strtok_r(line, " ", &save); t && n < ARRAY_SIZE(field);
	     t = strtok_r(NULL, " ", &save))
		field[n++] = t;
	if (n != ARRAY_SIZE(field) || pci_addr_parse(field[0], strlen(field[0]), &addr, &why) < 0)
		return -EINVAL;
	dev = sysfs_find(sys, &addr);
	if (!dev) {
		note = "  <- gone";
	} else if (sysfs_driver_of(sys, dev, now, sizeof(now)) == 0 &&
		   (strcmp(field[4], "claimed") == 0 || strcmp(field[4], "already") == 0) &&
		   strcmp(now, "vfio-pci") != 0) {
		note = "  <- no longer on vfio-pci";
		(*moved)++;
	}
	printf("  %-13s %-10s %-10s %-15s %-8s %s%s\n", field[0], field[1], field[2], field[3],
	       field[4], dev ? (now[0] ? now : "-") : "?", note);
	return 0;
}

static int status(struct sysfs *sys)
{
	static char record[RECORD_MAX];
	unsigned int moved = 0, bad = 0;
	char *line, *next;
	ssize_t n;

	n = read_file_at(sys->root, RECORD_PATH, record, sizeof(record));
	if (n == -ENOENT) {
		printf("No early claim on this boot: /%s is missing (the initramfs has no "
		       "vfiopt, or nothing was selected).\n",
		       RECORD_PATH);
		return EXIT_OK;
	}
	if (n < 0) {
		fprintf(stderr, "vfiopt status: cannot read /%s: %s\n", RECORD_PATH,
			strerror((int)-n));
		return EXIT_FAILED;
	}
	printf("Early claim on this boot (/%s):\n", RECORD_PATH);
	printf("  %-13s %-10s %-10s %-15s %-8s %s\n", "ADDRESS", "IDS", "REASON", "BEFORE",
	       "RESULT", "NOW");
	for (line = record; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		if (status_line(sys, line, &moved) < 0)
			bad++;
	}
	if (bad)
		fprintf(stderr, "vfiopt status: %u malformed line(s) in /%s\n", bad, RECORD_PATH);
	if (moved)
		printf("%u device(s) claimed at boot are on another driver now.\n", moved);
	return moved ? EXIT_FAILED : EXIT_OK;
}

int verb_status(int argc, char **argv)
{
	const char *sysroot = NULL;
	struct sysfs sys;
	int opt, st;

	opt = parse_sysroot_only(argc, argv, usage, &sysroot);
	if (opt != 0)
		return opt > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc) {
		fprintf(stderr, "vfiopt status: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (sysfs_open_scan(&sys, sysroot, "status") < 0)
		return EXIT_FAILED;
	st = status(&sys);
	sysfs_close(&sys);
	return st;
}
