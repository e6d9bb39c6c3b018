// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt-claim: the helper that the dracut module and the initramfs-tools
 * hook put into the initramfs.  It runs the claim and nothing else, so the
 * image carries no code it never runs (setup, the VM launcher, JSON); the
 * host tool's "vfiopt claim" runs the same code.
 */
#include <string.h>
#include <unistd.h>

#include "early/claim.h"
#include "shared/format.h"
#include "shared/util.h"

#ifndef VERSION
#error "VERSION comes from the Makefile, which reads it from debian/changelog"
#endif

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		print_fd(STDOUT_FILENO, "vfiopt-claim %s\n", VERSION);
		return EXIT_OK;
	}
	return claim_main("vfiopt-claim", argc, argv);
}
