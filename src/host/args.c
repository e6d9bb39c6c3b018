// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line plumbing that several verbs share. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "host/args.h"

/*
 * The options of the verbs that take only --sysroot, --help and, when
 * @json is given, --json.  0 to go on (optind at the first operand), 1
 * when --help was served, -1 on a usage error (already reported).
 */
int parse_sysroot_json(int argc, char **argv, void (*verb_usage)(FILE *), const char **sysroot,
		       bool *json)
{
	static const struct option options[] = {
		{ "sysroot", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			*sysroot = optarg;
			break;
		case 'j':
			if (!json) {
				verb_usage(stderr);
				return -1;
			}
			*json = true;
			break;
		case 'h':
			verb_usage(stdout);
			return 1;
		default:
			verb_usage(stderr);
			return -1;
		}
	}
	return 0;
}

int parse_sysroot_only(int argc, char **argv, void (*verb_usage)(FILE *), const char **sysroot)
{
	return parse_sysroot_json(argc, argv, verb_usage, sysroot, NULL);
}
