/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_SETUP_H
#define VFIOPT_SETUP_H

#include <stdbool.h>

/*
 * "vfiopt setup" puts a selection where the next boot reads it: on the
 * kernel command line, through the boot loader's configuration, and into
 * the initramfs, through its generator's.  Each system's way of doing one
 * of these is a backend in a file of its own (setup-grub.c,
 * setup-dracut.c); setup.c only chooses and drives them.
 */

/* The first line of every file setup writes: how --undo knows its own. */
#define SETUP_MARKER "# Written by \"vfiopt setup\""
#define SETUP_HEADER                                         \
	SETUP_MARKER ": run it again to change this file,\n" \
		     "# \"vfiopt setup --undo\" to remove it.\n"

/* The longest command a backend runs to finish its job, with its NULL. */
#define SETUP_ARGV_MAX 4

struct setup_backend {
	/* What the user is told was found: "GRUB (/etc/default/grub.d)". */
	const char *name;
	/* Whether this system uses it. */
	bool (*detect)(int rootfd);
	/* 0 when setup can finish its job here; otherwise -errno, said why. */
	int (*ready)(int rootfd);
	/*
	 * Put @words (kernel parameters, for a boot loader) in place: 1
	 * written, 0 already so, -errno (said why).
	 */
	int (*write)(int rootfd, const char *words);
	/* Remove what write() wrote: 1 removed, 0 nothing of ours, -errno. */
	int (*undo)(int rootfd);
	/* The command that makes the configuration take effect, or NULL. */
	const char *const *(*command)(int rootfd);
};

extern const struct setup_backend setup_grub;
extern const struct setup_backend setup_dracut;

bool setup_exists(int rootfd, const char *path, int mode);
int setup_may_write(int rootfd, const char *path, const char *whose_dir);
int setup_write_owned(int rootfd, const char *path, const char *content);
int setup_remove_owned(int rootfd, const char *path);

#endif
