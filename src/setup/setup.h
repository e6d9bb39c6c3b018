/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_SETUP_H
#define VFIOPT_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shared/util.h"

/*
 * "vfiopt setup" puts a selection where the next boot reads it: on the
 * kernel command line, through the boot loader's configuration, and into
 * the initramfs, through its generator's.  Each system's way of doing one
 * of these is a backend in a file of its own: loader/ for the command
 * line (grub.c, grub-default.c, kernel-cmdline.c, grubby.c), generator/
 * for the initramfs (dracut.c, initramfs-tools.c); setup.c only chooses
 * and drives them.
 */

/* The first line of every file setup writes: how --undo knows its own. */
#define SETUP_MARKER "# Written by \"vfiopt setup\""
#define SETUP_HEADER                                         \
	SETUP_MARKER ": run it again to change this file,\n" \
		     "# \"vfiopt setup --undo\" to remove it.\n"

/* The longest command a backend runs to finish its job, with its NULL. */
#define SETUP_ARGV_MAX 6
/* The most commands a backend runs: kernel-install, once per kernel. */
#define SETUP_COMMANDS_MAX 8

/*
 * A command, and for one that writes a file aside (@made, a path of its
 * argv) the file that setup then replaces with it (@target, in the same
 * folder, by rename(2)) once the command has succeeded: a command that
 * fails half-way, a full /boot's, leaves @target as it was.  check names
 * the command as a user would run it, on @target.
 */
struct setup_command {
	const char *argv[SETUP_ARGV_MAX];
	const char *made, *target;
};

struct setup_backend {
	/* What the user is told was found: "GRUB (/etc/default/grub.d)". */
	const char *name;
	/* Whether this system uses it. */
	bool (*detect)(int rootfd);
	/*
	 * 0 when setup can finish its job here with @words (the kernel
	 * parameters) written; otherwise -errno, said why.
	 */
	int (*ready)(int rootfd, const char *words);
	/*
	 * Put @words (kernel parameters, for a boot loader) in place: 1
	 * written, 0 already so, -errno (said why).
	 */
	int (*write)(int rootfd, const char *words);
	/* Remove what write() wrote: 1 removed, 0 nothing of ours, -errno. */
	int (*undo)(int rootfd);
	/*
	 * The commands that make the configuration take effect, into @cmds
	 * (at most @max): how many.  Their strings stay valid until the next
	 * call.
	 */
	size_t (*commands)(int rootfd, struct setup_command *cmds, size_t max);

	/*
	 * Initramfs generators only, for check: our part of it as installed,
	 * and the program that looks into an image.  Without claim_files it
	 * lists the image's files, claim_entry among them when the image
	 * runs the claim.  With claim_files, "lister IMAGE FILE" prints that
	 * one file of the image (nothing when the image lacks it), and the
	 * claim's script is at one of claim_files (NULL-terminated).
	 */
	const char *part;
	const char *lister;
	const char *claim_entry;
	const char *const *claim_files;
};

extern const struct setup_backend setup_grub;
extern const struct setup_backend setup_grub_default;
extern const struct setup_backend setup_kernel_cmdline;
extern const struct setup_backend setup_grubby;
extern const struct setup_backend setup_dracut;
extern const struct setup_backend setup_initramfs_tools;

const struct setup_backend *setup_initramfs_generator(int rootfd);
const struct setup_backend *setup_cmdline_backend(int rootfd);

/* GRUB's, shared by its two backends (loader/grub.c). */
bool grub_reads_grub_d(int rootfd);
const char *const *grub_mkconfig(int rootfd);
size_t grub_commands(int rootfd, struct setup_command *cmds, size_t max);

/*
 * What setup added to a command line held in a file of someone else's (or
 * by grubby): which one (@where, a path or "grubby"), the words, and
 * whether setup created the file.  --undo takes exactly those away.
 */
#define SETUP_STATE "var/lib/vfiopt/cmdline-added"
/* Room for every word setup writes (64 ids, 64 addresses) and some. */
#define SETUP_WORDS_MAX 8192

struct setup_state {
	char where[PATH_BUF_MAX];
	char words[SETUP_WORDS_MAX];
	bool created;
};

int setup_state_read(int rootfd, const char *where, struct setup_state *st);
int setup_state_write(int rootfd, const struct setup_state *st);
int setup_state_elsewhere(int rootfd, const char *where);
int setup_state_pending(int rootfd, const struct setup_state *old, const struct setup_state *new);
int setup_state_remove(int rootfd);

bool setup_exists(int rootfd, const char *path, int mode);
/* qsort's order for kernel versions (strings), the newest first. */
int setup_newest_first(const void *a, const void *b);
int setup_may_write(int rootfd, const char *path, const char *whose_dir);
/* The largest file setup writes or edits: /etc/default/grub and some. */
#define SETUP_FILE_MAX (65536 + SETUP_WORDS_MAX)

int setup_write_file(int rootfd, const char *path, const char *content, mode_t mode, bool edit);
int setup_write_owned(int rootfd, const char *path, const char *content);
int setup_remove_owned(int rootfd, const char *path);

#endif
