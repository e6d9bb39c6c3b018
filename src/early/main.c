// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt-claim: the helper that the dracut module and the initramfs-tools
 * hook put into the initramfs.  It runs the claim and nothing else, so the
 * image carries no code it never runs (setup, the VM launcher, JSON); the
 * host tool's "vfiopt claim" runs the same code.
 */
#include "early/claim.h"

int main(int argc, char **argv)
{
	return claim_main("vfiopt-claim", argc, argv);
}
