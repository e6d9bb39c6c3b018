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

#include "setup.h"
#include "util.h"

#define GRUB_SNIPPET "etc/default/grub.d/vfiopt.cfg"
/* Room for the header and the whole selection on one line. */
#define GRUB_SNIPPET_MAX 16384

/* The first of these that exists makes grub.cfg, with its arguments. */
static const char *const mkconfigs[][SETUP_ARGV_MAX] = {
	{ "/usr/sbin/update-grub", NULL },
	{ "/usr/sbin/grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL },
	{ "/usr/sbin/grub-mkconfig", "-o", "/boot/grub/grub.cfg", NULL },
};

static const char *const *grub_command(int rootfd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mkconfigs); i++)
		if (setup_exists(rootfd, mkconfigs[i][0], X_OK))
			return mkconfigs[i];
	return NULL;
}

static bool grub_detect(int rootfd)
{
	return grub_command(rootfd) != NULL;
}

/*
 * Upstream's grub-mkconfig and some distributions' do not read
 * /etc/default/grub.d: the snippet would be silently ignored there.
 */
static int grub_ready(int rootfd)
{
	static const char *const scripts[] = { "usr/sbin/grub-mkconfig",
					       "usr/sbin/grub2-mkconfig" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scripts); i++) {
		if (!setup_exists(rootfd, scripts[i], F_OK))
			continue;
		if (file_contains_at(rootfd, scripts[i], "default/grub.d") > 0)
			break;
		fprintf(stderr,
			"vfiopt setup: /%s does not read /etc/default/grub.d, where setup "
			"writes: put the parameters on GRUB_CMDLINE_LINUX in /etc/default/grub "
			"yourself (they follow)\n",
			scripts[i]);
		return -ENOTSUP;
	}
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
	.command = grub_command,
};
