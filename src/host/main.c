// SPDX-License-Identifier: GPL-2.0-or-later
/* vfiopt: hand PCI devices to vfio-pci before their host drivers take them. */
#include <stdio.h>
#include <string.h>

#include "early/claim.h"
#include "host/verbs.h"
#include "shared/util.h"

#ifndef VERSION
#error "VERSION comes from the Makefile, which reads it from debian/changelog"
#endif

/* The helper's claim, run by hand on the host ("vfiopt claim --dry-run"). */
static int verb_claim(int argc, char **argv)
{
	return claim_main("vfiopt claim", argc, argv);
}

static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} verbs[] = {
	{ "claim", verb_claim,
	  "claim the devices selected on the kernel command line (initramfs)" },
	{ "list", verb_list, "list PCI devices by IOMMU group, with their drivers" },
	{ "check", verb_check,
	  "check that passthrough can work here, with the fix for each problem" },
	{ "status", verb_status, "what the early claim did on this boot, and what holds it now" },
	{ "release", verb_release, "give devices back to their host drivers" },
	{ "setup", verb_setup, "write the GRUB and dracut configuration for a selection" },
	{ "boot", verb_boot, "boot a VM that owns the devices on vfio-pci" },
};

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: vfiopt VERB [OPTIONS]\n\nVerbs:\n", out);
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fputs("\nvfiopt VERB --help describes a verb; vfiopt --version prints the version.\n", out);
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
	size_t i;

	/*
	 * Line by line, as on a terminal, also into a pipe or a file: messages on
	 * stderr then land among the lines they follow.
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Called as the helper (a link, or dracut's vfiopt_helper=vfiopt): the claim. */
	if (argv[0] && strcmp(basename_of(argv[0]), "vfiopt-claim") == 0)
		return claim_main("vfiopt-claim", argc, argv);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vfiopt %s\n", VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vfiopt: unknown verb '%s' (see vfiopt --help)\n", argv[1]);
	return EXIT_USAGE;
}
