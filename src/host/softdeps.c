// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which of vfiopt's softdeps a host's modprobe.d configuration shadows:
 * kmod takes the first softdep line for a module, files in the byte order
 * of their names (a name in /etc hiding the same name in /run or /lib),
 * and vfiopt's file is vfiopt.conf.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host/paths.h"
#include "host/softdeps.h"
#include "shared/util.h"

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
static void underscores(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

/*
 * A softdep line: the module (a pattern to kmod, which matches it with
 * fnmatch) and whether its pre: list already loads vfio-pci first.
 */
struct softdep {
	char module[64];
	bool loads_vfio_pci;
};

/* The "softdep MODULE ..." lines of @text, in order, into @deps (at most @max). */
static size_t softdep_lines(const char *text, struct softdep *deps, size_t max)
{
	const char *line;
	size_t n = 0;

	for (line = text; line && n < max;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len, end;
		const char *pre;

		line += strspn(line, " \t");
		if (strncmp(line, "softdep", 7) != 0 || (line[7] != ' ' && line[7] != '\t'))
			continue;
		line += 7 + strspn(line + 7, " \t");
		len = strcspn(line, " \t\n");
		end = strcspn(line, "\n");
		if (!len || len >= sizeof(deps[n].module))
			continue;
		memcpy(deps[n].module, line, len);
		deps[n].module[len] = '\0';
		underscores(deps[n].module);
		/* "pre: a b post: c": vfio-pci among the words after pre:, before post:. */
		pre = strstr(line, "pre:");
		deps[n].loads_vfio_pci = false;
		if (pre && pre < line + end) {
			const char *w = pre + 4;

			while (w < line + end && strncmp(w, "post:", 5) != 0) {
				size_t wl;

				w += strspn(w, " \t");
				wl = strcspn(w, " \t\n");
				if (wl == 8 && (strncmp(w, "vfio-pci", 8) == 0 ||
						strncmp(w, "vfio_pci", 8) == 0))
					deps[n].loads_vfio_pci = true;
				w += wl ? wl : 1;
			}
		}
		n++;
	}
	return n;
}

static bool is_dir(DIR *dir, const char *name)
{
	struct stat st;

	return fstatat(dirfd(dir), name, &st, 0) == 0 && S_ISDIR(st.st_mode);
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

			/* kmod's own filter: *.conf and *.alias, no dot files, no directories. */
			if (de->d_name[0] == '.' || len >= sizeof(files[0].name) ||
			    !((len > 5 && strcmp(de->d_name + len - 5, ".conf") == 0) ||
			      (len > 6 && strcmp(de->d_name + len - 6, ".alias") == 0)) ||
			    strcmp(de->d_name, OURS) >= 0 || is_dir(dir, de->d_name))
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
	static struct softdep mine[SOFTDEPS_MAX], theirs[SOFTDEPS_MAX];
	static struct conf_file files[FILES_MAX];
	static bool done[SOFTDEPS_MAX];
	size_t n_mine = 0, n_files, f, m, t, i;
	int shadowed = 0;

	for (i = 0; i < ARRAY_SIZE(ours) && !n_mine; i++)
		if (read_file_at(rootfd, root_relative(ours[i]), text, sizeof(text)) > 0)
			n_mine = softdep_lines(text, mine, SOFTDEPS_MAX);
	if (!n_mine)
		return -ENOENT;
	memset(done, 0, sizeof(done));
	n_files = files_before_ours(rootfd, files, FILES_MAX);
	for (f = 0; f < n_files; f++) {
		char path[PATH_BUF_MAX];
		size_t n_theirs;

		if (path_join(path, sizeof(path), "%s/%s", files[f].dir, files[f].name) < 0 ||
		    read_file_at(rootfd, path, text, sizeof(text)) < 0)
			continue;
		n_theirs = softdep_lines(text, theirs, SOFTDEPS_MAX);
		for (m = 0; m < n_mine; m++) {
			/* Theirs comes first: the first that matches is the one kmod uses. */
			for (t = 0; t < n_theirs && !done[m]; t++) {
				if (!glob_match(theirs[t].module, mine[m].module))
					continue;
				done[m] = true;
				if (theirs[t].loads_vfio_pci)
					continue;
				shadowed++;
				report(mine[m].module, path, ctx);
			}
		}
	}
	return shadowed;
}
