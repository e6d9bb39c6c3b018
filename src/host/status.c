// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt status: what the early claim did on this boot (its record under
 * /run), next to what each of those devices is bound to now and the host
 * driver it would have, or had: a device claimed before udev never met its
 * driver, so that one comes from the kernel's module aliases.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/args.h"
#include "host/json.h"
#include "host/modalias.h"
#include "host/verbs.h"
#include "setup/cmdline-words.h"
#include "setup/uki.h"
#include "shared/record.h"
#include "shared/sysfs.h"
#include "shared/util.h"

/* address ids reason previous result */
#define RECORD_FIELDS 5

struct row {
	char *field[RECORD_FIELDS];
	struct pci_dev *dev;
	char now[DRIVER_NAME_MAX];
};

static void usage(FILE *out)
{
	fputs("Usage: vfiopt status [--sysroot DIR] [--json]\n"
	      "\n"
	      "What the early claim did on this boot (/run/vfiopt/claimed), what each of\n"
	      "those devices is bound to now, and its host driver: the one it had before\n"
	      "the claim or, for a device claimed before any driver bound it, the one the\n"
	      "kernel's module aliases give (the driver the claim held off).  Exit status 1\n"
	      "when a device claimed at boot is on another driver now without having been\n"
	      "released.\n"
	      "\n"
	      "  --json           one object: record, devices (address, ids, reason,\n"
	      "                   previous_driver, result, present, driver, host_driver,\n"
	      "                   moved), malformed_lines, moved\n",
	      out);
}

/* One record line into @row: -EINVAL when it is not five fields and an address. */
static int parse_row(struct sysfs *sys, char *line, struct row *row)
{
	char *save = NULL, *t;
	struct pci_addr addr;
	const char *why;
	size_t n = 0;

	for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == RECORD_FIELDS)
			return -EINVAL;
		row->field[n++] = t;
	}
	if (n != RECORD_FIELDS ||
	    pci_addr_parse(row->field[0], strlen(row->field[0]), &addr, &why) < 0)
		return -EINVAL;
	row->dev = sysfs_find(sys, &addr);
	row->now[0] = '\0';
	if (row->dev && (sysfs_load(sys, row->dev) < 0 ||
			 sysfs_driver_of(sys, row->dev, row->now, sizeof(row->now)) < 0))
		row->now[0] = '\0';
	return 0;
}

/* The driver it had before the claim, or the one its ids call for. */
static const char *host_driver(const struct row *row, const struct host_driver *hd)
{
	const char *before = row->field[3];

	if (strcmp(before, "-") != 0 && strcmp(before, "vfio-pci") != 0)
		return before;
	if (hd && hd->driver[0])
		return hd->driver;
	if (hd && hd->modules[0])
		return hd->modules;
	return "-";
}

static bool on_vfio_by_claim(const struct row *row)
{
	return strcmp(row->field[4], "claimed") == 0 || strcmp(row->field[4], "already") == 0;
}

/* A claimed device that is on another driver now, not by release. */
static bool moved_off(const struct row *r)
{
	return r->dev && on_vfio_by_claim(r) && strcmp(r->now, "vfio-pci") != 0;
}

/* A record field as JSON: "-" is null. */
static void json_field(const char *s)
{
	json_string(strcmp(s, "-") == 0 ? NULL : s);
}

static unsigned int print_json(const struct row *rows, const struct host_driver *hd, size_t n,
			       unsigned int bad)
{
	unsigned int moved = 0;
	size_t i;

	printf("{\"record\": \"/%s\", \"devices\": [", RECORD_PATH);
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		const char *host = host_driver(r, hd && r->dev ? &hd[i] : NULL);
		bool gone_off = moved_off(r);

		moved += gone_off;
		printf("%s\n{\"address\": ", i ? "," : "");
		json_string(r->field[0]);
		fputs(", \"ids\": ", stdout);
		json_string(r->field[1]);
		fputs(", \"reason\": ", stdout);
		json_string(r->field[2]);
		fputs(", \"previous_driver\": ", stdout);
		json_field(r->field[3]);
		fputs(", \"result\": ", stdout);
		json_string(r->field[4]);
		printf(", \"present\": %s, \"driver\": ", r->dev ? "true" : "false");
		json_string(r->dev ? r->now : NULL);
		fputs(", \"host_driver\": ", stdout);
		json_field(host);
		printf(", \"moved\": %s}", gone_off ? "true" : "false");
	}
	printf("\n], \"malformed_lines\": %u, \"moved\": %u}\n", bad, moved);
	return moved;
}

static unsigned int print_rows(const struct row *rows, const struct host_driver *hd, size_t n)
{
	unsigned int moved = 0;
	size_t i;

	printf("  %-13s %-10s %-10s %-14s %-9s %-13s %s\n", "ADDRESS", "IDS", "REASON", "BEFORE",
	       "RESULT", "NOW", "HOST DRIVER");
	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		const char *note = "";

		if (!r->dev) {
			note = "  <- gone";
		} else if (moved_off(r)) {
			note = "  <- no longer on vfio-pci";
			moved++;
		}
		printf("  %-13s %-10s %-10s %-14s %-9s %-13s %s%s\n", r->field[0], r->field[1],
		       r->field[2], r->field[3], r->field[4],
		       r->dev ? (r->now[0] ? r->now : "-") : "?",
		       host_driver(r, hd && r->dev ? &hd[i] : NULL), note);
	}
	return moved;
}

/*
 * Split the record into rows; the count, with malformed lines (and those
 * beyond @max, which no claim writes) counted in @bad.
 */
static size_t read_rows(struct sysfs *sys, char *record, struct row *rows, size_t max,
			unsigned int *bad)
{
	char *line, *next;
	size_t n = 0;

	for (line = record; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		if (n == max || parse_row(sys, line, &rows[n]) < 0)
			(*bad)++;
		else
			n++;
	}
	return n;
}

/*
 * Where the command line is built into a unified kernel image, what the
 * next boot selects is in the image, not in /etc: say what the one that
 * boots next holds.
 */
static void print_next_uki(int rootfd)
{
	static char cmdline[UKI_CMDLINE_MAX], words[SELECTION_WORDS_MAX];
	char path[PATH_BUF_MAX];
	ssize_t len = uki_next(rootfd, path, sizeof(path), cmdline, sizeof(cmdline));

	if (!path[0])
		return;
	if (len < 0) {
		printf("Next boot: %s, a unified kernel image: its command line cannot be read "
		       "(%s).\n",
		       path, len == -ENOENT ? "no .cmdline section" : "malformed");
		return;
	}
	cmdline_selection_words(cmdline, words, sizeof(words));
	if (words[0])
		printf("Next boot: %s, a unified kernel image, selects %s.\n", path, words);
	else
		printf("Next boot: %s, a unified kernel image, selects nothing (no vfiopt word in "
		       "its command line).\n",
		       path);
}

static int status(struct sysfs *sys, bool json)
{
	static char record[RECORD_MAX];
	/* A row is an address and four fields: 20 bytes and its newline at least. */
	static struct row rows[RECORD_MAX / 21];
	struct host_driver *hd;
	unsigned int moved, bad = 0;
	ssize_t len;
	size_t n, i;

	len = read_file_at(sys->root, RECORD_PATH, record, sizeof(record));
	if (len == -ENOENT) {
		if (json)
			puts("{\"record\": null, \"devices\": [], \"malformed_lines\": 0, "
			     "\"moved\": 0}");
		else
			printf("No early claim on this boot: /%s is missing (the initramfs has "
			       "no vfiopt, or nothing was selected).\n",
			       RECORD_PATH);
		if (!json)
			print_next_uki(sys->root);
		return EXIT_OK;
	}
	if (len < 0) {
		fprintf(stderr, "vfiopt status: cannot read /%s: %s\n", RECORD_PATH,
			strerror((int)-len));
		return EXIT_FAILED;
	}
	n = read_rows(sys, record, rows, ARRAY_SIZE(rows), &bad);
	hd = calloc(n ? n : 1, sizeof(*hd));
	for (i = 0; hd && i < n; i++)
		if (rows[i].dev)
			hd[i].ids = rows[i].dev->ids;
	if (hd && modalias_lookup(sys->root, hd, n) < 0) {
		free(hd);
		hd = NULL;
	}
	if (json) {
		moved = print_json(rows, hd, n, bad);
		free(hd);
		return moved ? EXIT_FAILED : EXIT_OK;
	}
	printf("Early claim on this boot (/%s):\n", RECORD_PATH);
	moved = print_rows(rows, hd, n);
	free(hd);
	printf("HOST DRIVER is the driver a device had before the claim or, claimed before\n"
	       "any driver bound it, the one the kernel's module aliases give for it.\n");
	if (bad)
		fprintf(stderr, "vfiopt status: %u malformed line(s) in /%s\n", bad, RECORD_PATH);
	if (moved)
		printf("%u device(s) claimed at boot are on another driver now.\n", moved);
	print_next_uki(sys->root);
	return moved ? EXIT_FAILED : EXIT_OK;
}

int verb_status(int argc, char **argv)
{
	const char *sysroot = NULL;
	struct sysfs sys;
	bool json = false;
	int opt, st;

	opt = parse_sysroot_json(argc, argv, usage, &sysroot, &json);
	if (opt != 0)
		return opt > 0 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc) {
		fprintf(stderr, "vfiopt status: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (sysfs_open_scan(&sys, sysroot, "status") < 0)
		return EXIT_FAILED;
	st = status(&sys, json);
	sysfs_close(&sys);
	return st;
}
