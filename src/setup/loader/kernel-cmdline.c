// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line through /etc/kernel/cmdline, which kernel-install
 * writes into the boot loader entries of systemd-boot (Debian, Ubuntu and
 * others on UEFI) and proxmox-boot-tool into those of Proxmox VE's ESPs.
 * The file is the user's: setup adds its words, records them in
 * SETUP_STATE, and the undo takes exactly those out again.  Where the file
 * is missing, setup makes it from /proc/cmdline as kernel-install would
 * have (without BOOT_IMAGE= and initrd=).
 *
 * With layout=uki in kernel-install's install.conf, kernel-install makes a
 * unified kernel image for each kernel instead of an entry, and the
 * command line is built into it: systemd's 60-ukify.install runs ukify
 * with /etc/kernel/cmdline (systemd 257, Debian 13: always, whatever
 * uki.conf says; systemd 262: unless uki.conf has Cmdline=).  The same
 * file and the same kernel-install add rebuild the images; what setup
 * cannot rebuild it refuses to touch.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup/cmdline-words.h"
#include "setup/setup.h"
#include "setup/uki.h"
#include "shared/util.h"

#define KERNEL_CMDLINE "etc/kernel/cmdline"
#define KERNEL_INSTALL "/usr/bin/kernel-install"
#define PROXMOX_BOOT_TOOL "/usr/sbin/proxmox-boot-tool"
/* Proxmox VE's list of the ESPs that proxmox-boot-tool keeps. */
#define PROXMOX_BOOT_UUIDS "etc/kernel/proxmox-boot-uuids"
#define KERNEL_CMDLINE_MAX 16384

static char line[KERNEL_CMDLINE_MAX];
/* The newlines that ended the file, given back as they were (one for a file setup makes). */
static unsigned int final_newlines;

/*
 * Proxmox VE's proxmox-boot-tool keeps the ESPs of systemd-boot installs
 * (ZFS on UEFI), whose command line is /etc/kernel/cmdline, which the
 * installer writes; ESPs with GRUB on them (legacy boot, Secure Boot) take
 * it from /etc/default/grub like any Debian GRUB, and have no such file.
 */
static bool proxmox(int rootfd)
{
	return setup_exists(rootfd, PROXMOX_BOOT_TOOL, X_OK) &&
	       setup_exists(rootfd, PROXMOX_BOOT_UUIDS, F_OK) &&
	       setup_exists(rootfd, KERNEL_CMDLINE, F_OK);
}

/* systemd-boot's configuration on an ESP mounted where distributions mount it. */
static bool systemd_boot(int rootfd)
{
	static const char *const paths[] = {
		"efi/loader/loader.conf", "boot/efi/loader/loader.conf", "boot/loader/loader.conf",
		"efi/EFI/systemd",	  "boot/efi/EFI/systemd",
	};
	size_t i;

	if (!setup_exists(rootfd, KERNEL_INSTALL, X_OK))
		return false;
	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (setup_exists(rootfd, paths[i], F_OK))
			return true;
	return false;
}

static bool kernel_cmdline_detect(int rootfd)
{
	return proxmox(rootfd) || systemd_boot(rootfd);
}

/*
 * The command line the file holds, without its final newlines, into
 * @line; or, when there is no file, what kernel-install would take from
 * /proc/cmdline.  1 read from the file, 0 made from /proc/cmdline, -errno.
 */
static int current_line(int rootfd)
{
	static char proc[KERNEL_CMDLINE_MAX];
	ssize_t len = read_file_at(rootfd, KERNEL_CMDLINE, line, sizeof(line));
	char *word, *save = NULL;
	size_t at = 0;

	final_newlines = 0;
	if (len >= 0) {
		if ((size_t)len >= sizeof(line) - 1 || memchr(line, '\0', (size_t)len))
			return -EFBIG;
		for (; len > 0 && line[len - 1] == '\n'; final_newlines++)
			line[--len] = '\0';
		return 1;
	}
	final_newlines = 1;
	if (len != -ENOENT)
		return (int)len;
	len = read_file_at(rootfd, "proc/cmdline", proc, sizeof(proc));
	if (len < 0)
		return (int)len;
	line[0] = '\0';
	for (word = strtok_r(proc, " \t\n", &save); word; word = strtok_r(NULL, " \t\n", &save)) {
		if (strncmp(word, "BOOT_IMAGE=", 11) == 0 || strncmp(word, "initrd=", 7) == 0)
			continue;
		if (path_join(line + at, sizeof(line) - at, "%s%s", at ? " " : "", word) < 0)
			return -E2BIG;
		at += strlen(line + at);
	}
	return 0;
}

static int refuse_clash(const char *add, const char *remove)
{
	size_t clash_len;
	const char *clash = words_clash(line, strlen(line), add, remove, false, &clash_len);

	if (!clash)
		return 0;
	fprintf(stderr,
		"vfiopt setup: /%s already has %.*s, which setup did not write: remove it first\n",
		KERNEL_CMDLINE, (int)clash_len, clash);
	return -EEXIST;
}

#define INSTALL_D "usr/lib/kernel/install.d"
#define UKIFY_INSTALL INSTALL_D "/60-ukify.install"

struct install_conf {
	char layout[32];
	char uki_generator[32];
};

/* One KEY=value line of an install.conf, the value unquoted, into @val when KEY is @key. */
static void conf_value(const char *at, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key), n;

	if (strncmp(at, key, klen) != 0 || at[klen] != '=')
		return;
	at += klen + 1;
	n = strcspn(at, "\n");
	if (n >= 2 && (at[0] == '"' || at[0] == '\'') && at[n - 1] == at[0])
		at++, n -= 2;
	if (n < size) {
		memcpy(val, at, n);
		val[n] = '\0';
	}
}

static void conf_read(int rootfd, const char *path, struct install_conf *conf)
{
	static char text[16384];
	const char *at;

	if (read_file_at(rootfd, path, text, sizeof(text)) <= 0)
		return;
	for (at = text; at; at = strchr(at, '\n'), at = at ? at + 1 : NULL) {
		conf_value(at, "layout", conf->layout, sizeof(conf->layout));
		conf_value(at, "uki_generator", conf->uki_generator, sizeof(conf->uki_generator));
	}
}

/* The first of @n search-path entries that exists: kernel-install's and ukify's rule. */
static const char *first_present(int rootfd, const char *const *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (setup_exists(rootfd, paths[i], F_OK))
			return paths[i];
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * kernel-install's settings, as it reads them: the first install.conf in
 * its search path, then the drop-ins of /etc/kernel/install.conf.d in
 * order, each later one winning.
 */
static void install_conf(int rootfd, struct install_conf *conf)
{
	static const char *const paths[] = { "etc/kernel/install.conf", "run/kernel/install.conf",
					     "usr/local/lib/kernel/install.conf",
					     "usr/lib/kernel/install.conf" };
	static char names[32][256];
	char path[PATH_BUF_MAX];
	const char *first;
	struct dirent *de;
	size_t i, n = 0;
	DIR *d;

	memset(conf, 0, sizeof(*conf));
	first = first_present(rootfd, paths, ARRAY_SIZE(paths));
	if (first)
		conf_read(rootfd, first, conf);
	d = opendir_at(rootfd, "etc/kernel/install.conf.d");
	if (!d)
		return;
	while (n < ARRAY_SIZE(names) && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] != '.' && len > 5 && strcmp(de->d_name + len - 5, ".conf") == 0 &&
		    path_join(names[n], sizeof(names[n]), "%s", de->d_name) == 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++)
		if (path_join(path, sizeof(path), "etc/kernel/install.conf.d/%s", names[i]) == 0)
			conf_read(rootfd, path, conf);
}

/*
 * Cmdline= of the [UKI] section of ukify's uki.conf (the first in
 * 60-ukify.install's search path), into @val: true when it is set.
 */
static bool uki_conf_cmdline(int rootfd, char *where, size_t wsize, char *val, size_t size)
{
	static const char *const paths[] = { "etc/kernel/uki.conf", "run/kernel/uki.conf",
					     "usr/local/lib/kernel/uki.conf",
					     "usr/lib/kernel/uki.conf" };
	static char text[65536];
	const char *first = first_present(rootfd, paths, ARRAY_SIZE(paths)), *at;
	bool in_uki = false;

	if (!first || read_file_at(rootfd, first, text, sizeof(text)) <= 0)
		return false;
	path_join(where, wsize, "/%s", first);
	for (at = text; at; at = strchr(at, '\n'), at = at ? at + 1 : NULL) {
		const char *p = at + strspn(at, " \t");
		size_t n = strcspn(p, "=\n");

		if (*p == '[') {
			in_uki = strncmp(p, "[UKI]", 5) == 0;
			continue;
		}
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!in_uki || n != 7 || strncmp(p, "Cmdline", 7) != 0)
			continue;
		p += strcspn(p, "=\n");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		n = strcspn(p, "#\n");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n >= size)
			n = size - 1;
		memcpy(val, p, n);
		val[n] = '\0';
		return true;
	}
	return false;
}

/*
 * Whether this ukify, run by kernel-install, takes Cmdline= of uki.conf
 * over /etc/kernel/cmdline: systemd 262's 60-ukify.install falls back to
 * the file only when the configuration sets no command line; 257's sets
 * it from the file unconditionally.  Asked of the installed script itself.
 */
static bool ukify_prefers_config(int rootfd)
{
	return file_contains_at(rootfd, UKIFY_INSTALL, "if opts2.cmdline is None") > 0;
}

/*
 * Under layout=uki, setup's words reach the next boot only through a
 * rebuilt image: 0 when kernel-install can rebuild them with
 * /etc/kernel/cmdline, otherwise -errno, said why.  Without layout=uki,
 * images already in the ESP were made by something else.
 */
static int uki_ready(int rootfd, bool say)
{
	struct install_conf conf;
	char where[PATH_BUF_MAX] = "", value[1024];

	install_conf(rootfd, &conf);
	if (strcmp(conf.layout, "uki") != 0) {
		unsigned int ukis = uki_count(rootfd);

		if (!ukis)
			return 0;
		fprintf(stderr,
			"vfiopt setup: the ESP holds %u unified kernel image(s) that "
			"kernel-install "
			"does not make (layout=uki is not set in /etc/kernel/install.conf): their "
			"command line is built in, and setup cannot rebuild them; remove them, or "
			"set layout=uki so that kernel-install makes them\n",
			ukis);
		return -EOPNOTSUPP;
	}
	if (conf.uki_generator[0] && strcmp(conf.uki_generator, "ukify") != 0) {
		fprintf(stderr,
			"vfiopt setup: /etc/kernel/install.conf has uki_generator=%s: setup "
			"rebuilds "
			"unified kernel images with ukify only, which takes /etc/kernel/cmdline\n",
			conf.uki_generator);
		return -EOPNOTSUPP;
	}
	if (!setup_exists(rootfd, UKIFY_INSTALL, F_OK) ||
	    (!setup_exists(rootfd, "usr/lib/systemd/ukify", X_OK) &&
	     !setup_exists(rootfd, "usr/bin/ukify", X_OK))) {
		fprintf(stderr,
			"vfiopt setup: /etc/kernel/install.conf has layout=uki, but ukify is not "
			"installed (Debian's systemd-ukify): kernel-install cannot rebuild the "
			"unified kernel images, and the words would not reach them\n");
		return -ENOENT;
	}
	if (uki_conf_cmdline(rootfd, where, sizeof(where), value, sizeof(value)) &&
	    strcmp(value, "@/etc/kernel/cmdline") != 0) {
		if (ukify_prefers_config(rootfd)) {
			fprintf(stderr,
				"vfiopt setup: %s sets Cmdline=, which this ukify builds into "
				"every "
				"image in place of /etc/kernel/cmdline: set Cmdline=@/etc/kernel/"
				"cmdline there (and move its words into that file), or remove it\n",
				where);
			return -EOPNOTSUPP;
		}
		if (say)
			printf("note: %s sets Cmdline=, which this kernel-install ignores: it "
			       "builds "
			       "/etc/kernel/cmdline into the images\n",
			       where);
	}
	if (say)
		printf("kernel-install makes unified kernel images here (layout=uki, ukify): setup "
		       "rebuilds each, with the command line built in\n");
	return 0;
}

static int kernel_cmdline_ready(int rootfd, const char *words)
{
	struct setup_state old;
	int r;

	if (!setup_exists(rootfd, "etc/kernel", F_OK)) {
		fprintf(stderr,
			"vfiopt setup: /etc/kernel does not exist (kernel-install's package "
			"ships it)\n");
		return -ENOENT;
	}
	r = proxmox(rootfd) ? 0 : uki_ready(rootfd, false);
	if (r < 0)
		return r;
	r = setup_state_elsewhere(rootfd, KERNEL_CMDLINE);
	if (r == 0)
		r = setup_state_read(rootfd, KERNEL_CMDLINE, &old);
	if (r >= 0)
		r = current_line(rootfd);
	if (r < 0) {
		if (r != -EBUSY)
			fprintf(stderr, "vfiopt setup: cannot read /%s: %s\n", KERNEL_CMDLINE,
				strerror(-r));
		return r;
	}
	return refuse_clash(words, old.words);
}

/*
 * The file with @remove's words out and @add's in; what was added into
 * @st, recorded (with @old's words) before the file changes when @old is
 * given.
 */
static int edit(int rootfd, const char *remove, const char *add, struct setup_state *st,
		const struct setup_state *old)
{
	static char value[KERNEL_CMDLINE_MAX + SETUP_WORDS_MAX], content[sizeof(value) + 1];
	int r = current_line(rootfd);
	bool made = r == 0;

	if (r < 0) {
		fprintf(stderr, "vfiopt setup: cannot read /%s: %s\n",
			r == -EFBIG ? KERNEL_CMDLINE : "proc/cmdline", strerror(-r));
		return r;
	}
	st->created = st->created || made;
	r = refuse_clash(add, remove);
	if (r < 0)
		return r;
	r = words_edit(line, strlen(line), remove, add, value, sizeof(value), st->words,
		       sizeof(st->words));
	if (r == 0) {
		static char tail[KERNEL_CMDLINE_MAX];
		size_t n = final_newlines < sizeof(tail) ? final_newlines : sizeof(tail) - 1;

		memset(tail, '\n', n);
		tail[n] = '\0';
		r = path_join(content, sizeof(content), "%s%s", value, tail);
	}
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: the parameters do not fit in /%s\n", KERNEL_CMDLINE);
		return r;
	}
	if (old && setup_state_pending(rootfd, old, st) < 0)
		return -EIO;
	return setup_write_file(rootfd, KERNEL_CMDLINE, content, 0644, !made);
}

static int kernel_cmdline_write(int rootfd, const char *words)
{
	struct setup_state old, st = { .where = KERNEL_CMDLINE };
	int r = setup_state_read(rootfd, KERNEL_CMDLINE, &old);

	if (r < 0)
		return r;
	if (!proxmox(rootfd) && uki_ready(rootfd, true) < 0)
		return -EOPNOTSUPP;
	if (!setup_exists(rootfd, KERNEL_CMDLINE, F_OK))
		printf("/%s is missing: made from /proc/cmdline, as kernel-install does\n",
		       KERNEL_CMDLINE);
	st.created = old.created;
	r = edit(rootfd, old.words, words, &st, &old);
	if (r < 0)
		return r;
	return setup_state_write(rootfd, &st) < 0 ? -EIO : r;
}

/*
 * The file stays, without setup's words, even when setup made it: without
 * it kernel-install would take this boot's command line, which still has
 * them.
 */
static int kernel_cmdline_undo(int rootfd)
{
	struct setup_state st, none = { .where = KERNEL_CMDLINE };
	int r = setup_state_read(rootfd, KERNEL_CMDLINE, &st);

	if (r <= 0)
		return r;
	r = edit(rootfd, st.words, "", &none, NULL);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: take these words out of /%s yourself: %s\n",
			KERNEL_CMDLINE, st.words);
		return r;
	}
	if (st.created)
		printf("kept /%s, which setup made: without it kernel-install would take this "
		       "boot's command line\n",
		       KERNEL_CMDLINE);
	return setup_state_remove(rootfd) < 0 ? -EIO : 1;
}

/* The kernel image of @version, in @image: /boot/vmlinuz-VERSION or the modules' vmlinuz. */
static bool kernel_image(int rootfd, const char *version, char *image, size_t size)
{
	return (path_join(image, size, "/boot/vmlinuz-%s", version) == 0 &&
		setup_exists(rootfd, image, F_OK)) ||
	       (path_join(image, size, "/usr/lib/modules/%s/vmlinuz", version) == 0 &&
		setup_exists(rootfd, image, F_OK));
}

/*
 * kernel-install add, for every kernel that has its modules and an image:
 * each entry is written again with the new command line.  At most
 * SETUP_COMMANDS_MAX, the newest, and the running kernel always.
 *
 * Where the kernel has Debian's /boot/initrd.img-VERSION, which the
 * generator's command has just rebuilt, it is given as the entry's
 * initrd.  Without it, Debian's 55-initrd.install would add the same file
 * and dracut's 50-dracut.install would build a second image of its own
 * (both skip when an initrd is given: "$# -gt 4", "-ge 5"): dracut twice
 * per kernel, and two initrds per entry.
 */
static size_t kernel_install_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	static char versions[64][128], images[SETUP_COMMANDS_MAX][PATH_BUF_MAX];
	static char initrds[SETUP_COMMANDS_MAX][PATH_BUF_MAX];
	char running[128] = "", image[PATH_BUF_MAX];
	size_t n = 0, i, out = 0, skipped = 0;
	bool running_in = false;
	struct dirent *de;
	DIR *dir = opendir_at(rootfd, "usr/lib/modules");

	if (!dir)
		dir = opendir_at(rootfd, "lib/modules");
	if (!dir)
		return 0;
	while (n < ARRAY_SIZE(versions) && (de = readdir(dir))) {
		if (de->d_name[0] != '.' &&
		    kernel_image(rootfd, de->d_name, image, sizeof(image)) &&
		    path_join(versions[n], sizeof(versions[n]), "%s", de->d_name) == 0)
			n++;
	}
	closedir(dir);
	qsort(versions, n, sizeof(versions[0]), setup_newest_first);
	kernel_release_at(rootfd, running, sizeof(running));
	for (i = 0; i < n; i++) {
		bool is_running = strcmp(versions[i], running) == 0;

		/* The last place is kept for the running kernel. */
		if (out >= max || out >= SETUP_COMMANDS_MAX ||
		    (out + 1 == SETUP_COMMANDS_MAX && running[0] && !running_in && !is_running)) {
			skipped++;
			continue;
		}
		running_in = running_in || is_running;
		kernel_image(rootfd, versions[i], images[out], sizeof(images[out]));
		if (path_join(initrds[out], sizeof(initrds[out]), "/boot/initrd.img-%s",
			      versions[i]) != 0 ||
		    !setup_exists(rootfd, initrds[out], F_OK))
			initrds[out][0] = '\0';
		cmds[out] = (struct setup_command){
			.argv = { KERNEL_INSTALL, "add", versions[i], images[out],
				  initrds[out][0] ? initrds[out] : NULL, NULL }
		};
		out++;
	}
	if (skipped)
		fprintf(stderr,
			"vfiopt setup: note: %zu older kernels left out; run kernel-install add "
			"for them yourself\n",
			skipped);
	return out;
}

static size_t kernel_cmdline_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	if (!max)
		return 0;
	if (proxmox(rootfd)) {
		cmds[0] = (struct setup_command){ .argv = { PROXMOX_BOOT_TOOL, "refresh", NULL } };
		return 1;
	}
	return kernel_install_commands(rootfd, cmds, max);
}

const struct setup_backend setup_kernel_cmdline = {
	.name = "/etc/kernel/cmdline (systemd-boot, kernel-install; Proxmox's proxmox-boot-tool)",
	.detect = kernel_cmdline_detect,
	.ready = kernel_cmdline_ready,
	.write = kernel_cmdline_write,
	.undo = kernel_cmdline_undo,
	.commands = kernel_cmdline_commands,
};
