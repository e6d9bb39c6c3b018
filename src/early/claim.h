/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_CLAIM_H
#define VFIOPT_CLAIM_H

/*
 * The early claim, with its options, as both programs run it: the helper
 * in the initramfs (vfiopt-claim) and the host tool's "vfiopt claim".
 * @prog names the program in messages; argv[0] is skipped.  An exit status.
 */
int claim_main(const char *prog, int argc, char **argv);

#endif
