// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The initramfs through initramfs-tools (Debian, Ubuntu, Proxmox VE).  Its
 * hooks run on every update-initramfs, and ours puts the claim in whenever
 * the next boot's command line selects devices (the boot loader's file
 * that setup writes, or /etc/vfiopt.conf): there is nothing more to write
 * here, only the image to rebuild.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "host/paths.h"
#include "setup/setup.h"

#define UPDATE_INITRAMFS "/usr/sbin/update-initramfs"

static bool initramfs_tools_detect(int rootfd)
{
	return setup_exists(rootfd, UPDATE_INITRAMFS, X_OK);
}

static int initramfs_tools_ready(int rootfd, const char *words)
{
	(void)words;
	if (setup_exists(rootfd, INITRAMFS_TOOLS_HOOK, X_OK))
		return 0;
	fprintf(stderr,
		"vfiopt setup: the initramfs-tools hook is not installed (%s is missing: "
		"make install puts it there)\n",
		INITRAMFS_TOOLS_HOOK);
	return -ENOENT;
}

static int initramfs_tools_write(int rootfd, const char *words)
{
	(void)rootfd;
	(void)words; /* the hook reads the selection from the boot loader's file */
	return 0;
}

static int initramfs_tools_undo(int rootfd)
{
	(void)rootfd;
	return 0;
}

static size_t initramfs_tools_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	static const struct setup_command regenerate = { .argv = { UPDATE_INITRAMFS, "-u", "-k",
								   "all", NULL } };

	if (!max || !initramfs_tools_detect(rootfd))
		return 0;
	cmds[0] = regenerate;
	return 1;
}

const struct setup_backend setup_initramfs_tools = {
	.name = "initramfs-tools",
	.detect = initramfs_tools_detect,
	.ready = initramfs_tools_ready,
	.write = initramfs_tools_write,
	.undo = initramfs_tools_undo,
	.commands = initramfs_tools_commands,
	.part = INITRAMFS_TOOLS_HOOK,
	.lister = "lsinitramfs",
	.claim_entry = INITRAMFS_TOOLS_SCRIPT,
};
