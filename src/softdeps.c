// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which of vfiopt's softdeps a host's modprobe.d configuration shadows:
 * kmod takes the first softdep line for a module, files in the byte order
 * of their names (a name in /etc hiding the same name in /run or /lib),
 * and vfiopt's file is vfiopt.conf.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "softdeps.h"
#include "util.h"

#define OURS "vfiopt.conf"
#define SOFTDEPS_MAX 64
#define FILES_MAX 256
#define CONF_MAX 65536

/* kmod's directories, the first hiding a name in the later ones. */
static const char *const dirs[] = { "etc/modprobe.d", "run/modprobe.d", "usr/local/lib/modprobe.d",
				    "usr/lib/modprobe.d", "lib/modprobe.d" };

struct conf_file {
	char name[128];
	const char *dir;
};

/* kmod treats '-' and '_' in module names alike. */
static bool same_module(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

/* The module of each "softdep MODULE ..." line of @text, in order, into @mods (at most @max). */
static size_t softdep_modules(const char *text, char mods[][64], size_t max)
{
	const char *line;
	size_t n = 0;

	for (line = text; line && n < max;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len;

		line += strspn(line, " \t");
		if (strncmp(line, "softdep", 7) != 0 || (line[7] != ' ' && line[7] != '\t'))
			continue;
		line += 7 + strspn(line + 7, " \t");
		len = strcspn(line, " \t\n");
		if (len && len < sizeof(mods[0])) {
			memcpy(mods[n], line, len);
			mods[n++][len] = '\0';
		}
	}
	return n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

/* The host's .conf files that sort before ours, each name once, in kmod's order. */
static size_t files_before_ours(int rootfd, struct conf_file *files, size_t max)
{
	size_t n = 0, d, i;

	for (d = 0; d < ARRAY_SIZE(dirs); d++) {
		struct dirent *de;
		DIR *dir = opendir_at(rootfd, dirs[d]);

		if (!dir)
			continue;
		while ((de = readdir(dir)) && n < max) {
			size_t len = strlen(de->d_name);
			bool seen = false;

			if (len < 6 || len >= sizeof(files[0].name) ||
			    strcmp(de->d_name + len - 5, ".conf") != 0 ||
			    strcmp(de->d_name, OURS) >= 0)
				continue;
			for (i = 0; i < n && !seen; i++)
				seen = strcmp(files[i].name, de->d_name) == 0;
			if (seen)
				continue;
			memcpy(files[n].name, de->d_name, len + 1);
			files[n++].dir = dirs[d];
		}
		closedir(dir);
	}
	qsort(files, n, sizeof(files[0]), by_name);
	return n;
}

/*
 * Call @report for each module of vfiopt's softdeps (as installed for the
 * dracut module or the initramfs-tools hook) that a host file sorting
 * before ours has a softdep line for: the first such file.  The number
 * reported, or -errno when vfiopt's softdeps are not installed.
 */
int softdeps_shadowed(int rootfd, softdep_shadow_fn report, void *ctx)
{
	static const char *const ours[] = { DRACUT_MODULE_DIR "/vfiopt-modprobe.conf",
					    DATADIR "/modprobe.d/vfiopt.conf" };
	static char text[CONF_MAX];
	static char mine[SOFTDEPS_MAX][64], theirs[SOFTDEPS_MAX][64];
	static struct conf_file files[FILES_MAX];
	size_t n_mine = 0, n_files, f, m, t, i;
	int shadowed = 0;
	bool *done;

	for (i = 0; i < ARRAY_SIZE(ours) && !n_mine; i++)
		if (read_file_at(rootfd, root_relative(ours[i]), text, sizeof(text)) > 0)
			n_mine = softdep_modules(text, mine, SOFTDEPS_MAX);
	if (!n_mine)
		return -ENOENT;
	done = calloc(n_mine, sizeof(*done));
	if (!done)
		return -ENOMEM;
	n_files = files_before_ours(rootfd, files, FILES_MAX);
	for (f = 0; f < n_files; f++) {
		char path[PATH_BUF_MAX];
		size_t n_theirs;

		if (path_join(path, sizeof(path), "%s/%s", files[f].dir, files[f].name) < 0 ||
		    read_file_at(rootfd, path, text, sizeof(text)) < 0)
			continue;
		n_theirs = softdep_modules(text, theirs, SOFTDEPS_MAX);
		for (m = 0; m < n_mine; m++) {
			for (t = 0; t < n_theirs && !done[m]; t++) {
				if (!same_module(mine[m], strlen(mine[m]), theirs[t],
						 strlen(theirs[t])))
					continue;
				done[m] = true;
				shadowed++;
				report(mine[m], path, ctx);
			}
		}
	}
	free(done);
	return shadowed;
}
