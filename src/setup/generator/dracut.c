// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The initramfs through dracut: a dracut.conf.d file that adds our module,
 * so that every image dracut builds from now on, a kernel upgrade's
 * included, runs the claim before udev.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "host/paths.h"
#include "setup/setup.h"
#include "shared/util.h"

#define DRACUT "/usr/bin/dracut"
#define DRACUT_SNIPPET "etc/dracut.conf.d/vfiopt.conf"

/*
 * dracut sources this file with bash.  It stops on an add_dracutmodules
 * entry it cannot find, so the line only counts while the module is
 * there: removing the package (or make uninstall) must not break the next
 * dracut run, a kernel upgrade's included.
 */
static const char dracut_snippet[] = SETUP_HEADER
	"# The helper does nothing unless vfiopt.ids=, vfiopt.addrs=, vfio-pci.ids=\n"
	"# or /etc/vfiopt.conf selects devices.  Only while the module is installed:\n"
	"# dracut stops on a module it cannot find.\n"
	"if [ -e " DRACUT_MODULE_SETUP " ]; then\n"
	"\tadd_dracutmodules+=\" vfiopt \"\n"
	"fi\n";

static bool dracut_detect(int rootfd)
{
	return setup_exists(rootfd, DRACUT, X_OK);
}

/*
 * add_dracutmodules naming a module dracut cannot find makes every later
 * dracut run fail, a kernel upgrade's included.
 */
static int dracut_ready(int rootfd, const char *words)
{
	(void)words;
	if (!setup_exists(rootfd, DRACUT_MODULE_SETUP, F_OK)) {
		fprintf(stderr,
			"vfiopt setup: the dracut module is not installed (%s is missing: "
			"make install puts it there)\n",
			DRACUT_MODULE_SETUP);
		return -ENOENT;
	}
	return setup_may_write(rootfd, DRACUT_SNIPPET, "dracut's package ships it");
}

static int dracut_write(int rootfd, const char *words)
{
	(void)words; /* the selection travels on the command line */
	return setup_write_owned(rootfd, DRACUT_SNIPPET, dracut_snippet);
}

static int dracut_undo(int rootfd)
{
	return setup_remove_owned(rootfd, DRACUT_SNIPPET);
}

static size_t dracut_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	static const struct setup_command regenerate = { { DRACUT, "--regenerate-all", "--force",
							   NULL } };

	if (!max || !dracut_detect(rootfd))
		return 0;
	cmds[0] = regenerate;
	return 1;
}

const struct setup_backend setup_dracut = {
	.name = "dracut",
	.detect = dracut_detect,
	.ready = dracut_ready,
	.write = dracut_write,
	.undo = dracut_undo,
	.commands = dracut_commands,
	.part = DRACUT_MODULE_SETUP,
	.lister = "lsinitrd",
	.claim_entry = "pre-udev/05-vfiopt-claim.sh",
};
