// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line through GRUB's /etc/default/grub.d: Debian's
 * grub-mkconfig (update-grub) sources every .cfg file there after
 * /etc/default/grub, so a file of our own appends to GRUB_CMDLINE_LINUX
 * without touching the user's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "setup/setup.h"
#include "shared/util.h"

#define GRUB_SNIPPET "etc/default/grub.d/vfiopt.cfg"
/* Room for the header and the whole selection on one line. */
#define GRUB_SNIPPET_MAX 16384

/* The first of these that exists makes grub.cfg, with its arguments. */
static const char *const mkconfigs[][SETUP_ARGV_MAX] = {
	{ "/usr/sbin/update-grub", NULL },
	{ "/usr/sbin/grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL },
	{ "/usr/sbin/grub-mkconfig", "-o", "/boot/grub/grub.cfg", NULL },
};

/*
 * Whether this GRUB's grub-mkconfig reads /etc/default/grub.d: Debian's
 * does; upstream's and Fedora's do not, and would ignore the snippet
 * (grub-default.c edits /etc/default/grub there).
 */
bool grub_reads_grub_d(int rootfd)
{
	static const char *const scripts[] = { "usr/sbin/grub-mkconfig",
					       "usr/sbin/grub2-mkconfig" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scripts); i++)
		if (setup_exists(rootfd, scripts[i], F_OK))
			return file_contains_at(rootfd, scripts[i], "default/grub.d") > 0;
	return false;
}

const char *const *grub_mkconfig(int rootfd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mkconfigs); i++)
		if (setup_exists(rootfd, mkconfigs[i][0], X_OK))
			return mkconfigs[i];
	return NULL;
}

size_t grub_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	const char *const *argv = grub_mkconfig(rootfd);
	size_t i;

	if (!argv || !max)
		return 0;
	cmds[0] = (struct setup_command){ .made = NULL };
	for (i = 0; argv[i]; i++)
		cmds[0].argv[i] = argv[i];
	cmds[0].argv[i] = NULL;
	return 1;
}

static bool grub_detect(int rootfd)
{
	return grub_mkconfig(rootfd) != NULL && grub_reads_grub_d(rootfd);
}

static int grub_ready(int rootfd, const char *words)
{
	(void)words;
	return setup_may_write(rootfd, GRUB_SNIPPET, "Debian's grub2-common ships it");
}

static int grub_write(int rootfd, const char *words)
{
	static char content[GRUB_SNIPPET_MAX];
	int r;

	/*
	 * grub-mkconfig sources this file with a shell: @words holds only
	 * what the strict parsers accepted (hex digits, ':', '.', ',', '=').
	 */
	r = path_join(content, sizeof(content),
		      SETUP_HEADER
		      "# grub-mkconfig (update-grub) reads it after /etc/default/grub.\n"
		      "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} %s\"\n",
		      words);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: the parameters do not fit in /%s\n", GRUB_SNIPPET);
		return r;
	}
	return setup_write_owned(rootfd, GRUB_SNIPPET, content);
}

static int grub_undo(int rootfd)
{
	return setup_remove_owned(rootfd, GRUB_SNIPPET);
}

const struct setup_backend setup_grub = {
	.name = "GRUB, /etc/default/grub.d",
	.detect = grub_detect,
	.ready = grub_ready,
	.write = grub_write,
	.undo = grub_undo,
	.commands = grub_commands,
};
