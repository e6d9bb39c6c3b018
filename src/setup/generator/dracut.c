// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The initramfs through dracut: a dracut.conf.d file that adds our module,
 * so that every image dracut builds from now on, a kernel upgrade's
 * included, runs the claim before udev.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/paths.h"
#include "setup/setup.h"
#include "shared/util.h"

#define DRACUT "/usr/bin/dracut"
#define DRACUT_SNIPPET "etc/dracut.conf.d/vfiopt.conf"
/* The name an image is built under, next to the one it replaces. */
#define DRACUT_ASIDE ".vfiopt-new"

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

/*
 * The kernels whose image Debian's way names /boot/initrd.img-VERSION and
 * whose modules are installed, newest first, into @versions: how many.
 */
static size_t debian_images(int rootfd, char (*versions)[128], size_t max)
{
	static const char prefix[] = "initrd.img-";
	char modules[PATH_BUF_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *dir = opendir_at(rootfd, "boot");

	if (!dir)
		return 0;
	while (n < max && (de = readdir(dir))) {
		const char *version = de->d_name + sizeof(prefix) - 1;

		if (strncmp(de->d_name, prefix, sizeof(prefix) - 1) != 0 || !*version ||
		    path_join(modules, sizeof(modules), "usr/lib/modules/%s", version) != 0 ||
		    (!setup_exists(rootfd, modules, F_OK) &&
		     (path_join(modules, sizeof(modules), "lib/modules/%s", version) != 0 ||
		      !setup_exists(rootfd, modules, F_OK))) ||
		    path_join(versions[n], sizeof(versions[n]), "%s", version) != 0)
			continue;
		n++;
	}
	closedir(dir);
	qsort(versions, n, sizeof(versions[0]), setup_newest_first);
	return n;
}

/*
 * Debian (and Ubuntu) boot /boot/initrd.img-VERSION, the name their
 * postinst.d/dracut gives dracut.  dracut's own default, which
 * --regenerate-all writes, is another file once systemd-boot's ESP has
 * an entry directory ($ESP/MACHINE-ID/VERSION/initrd: dracut.sh's outfile
 * rules, dracut 059 and 106 alike), and /boot/initrd.img-VERSION would
 * keep the old image, which Debian's 55-initrd.install then adds to the
 * entry after the new one.  So each of those images is named; elsewhere
 * (Fedora's /boot/initramfs-VERSION.img) dracut's default is the image.
 *
 * Each named image is built aside and then put in place by setup
 * (struct setup_command's made and target): dracut copies its image over
 * the outfile, and when that copy fails (a full /boot) it removes the
 * outfile (dracut.sh, "Creation of $outfile failed", 059 and 106 alike):
 * written in place, the kernel's only initramfs would be gone.
 */
static size_t dracut_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	static const struct setup_command regenerate = { .argv = { DRACUT, "--regenerate-all",
								   "--force", NULL } };
	static char versions[64][128], images[SETUP_COMMANDS_MAX][PATH_BUF_MAX];
	static char aside[SETUP_COMMANDS_MAX][PATH_BUF_MAX];
	size_t n, i;

	if (!max || !dracut_detect(rootfd))
		return 0;
	n = debian_images(rootfd, versions, ARRAY_SIZE(versions));
	if (!n) {
		cmds[0] = regenerate;
		return 1;
	}
	for (i = 0; i < n && i < max && i < SETUP_COMMANDS_MAX; i++) {
		const char *version = versions[i];

		if (path_join(images[i], sizeof(images[i]), "/boot/initrd.img-%s", version) != 0)
			break;
		if (path_join(aside[i], sizeof(aside[i]), "%s" DRACUT_ASIDE, images[i]) != 0)
			break;
		cmds[i] = (struct setup_command){
			.argv = { DRACUT, "--force", aside[i], version, NULL },
			.made = aside[i],
			.target = images[i],
		};
	}
	if (i < n)
		fprintf(stderr,
			"vfiopt setup: note: %zu older kernels left out; run dracut --force "
			"/boot/initrd.img-VERSION VERSION for them yourself\n",
			n - i);
	return i;
}

/*
 * Where dracut puts the claim's script (module-setup.sh's inst_hook):
 * /var/lib/dracut/hooks since dracut-ng 102 (commit a45048b8, as systemd
 * mounts /usr read-only in the initramfs), /lib/dracut/hooks before, which
 * the image keeps under usr/lib where the host's /lib links there (merged
 * /usr: dracut copies the host's links).
 */
static const char *const dracut_claim_files[] = {
	"var/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh",
	"usr/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh",
	"lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh",
	NULL,
};

const struct setup_backend setup_dracut = {
	.name = "dracut",
	.detect = dracut_detect,
	.ready = dracut_ready,
	.write = dracut_write,
	.undo = dracut_undo,
	.commands = dracut_commands,
	.part = DRACUT_MODULE_SETUP,
	.lister = "lsinitrd",
	.claim_files = dracut_claim_files,
};
