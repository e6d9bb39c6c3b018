// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line through grubby, on the Boot Loader Specification
 * entries of Fedora, RHEL and their relatives (/boot/loader/entries, read
 * by their GRUB).  grubby edits every entry: --args adds, --remove-args
 * takes away.  The words setup asked it to add, and not those an entry
 * had already, are recorded in SETUP_STATE for the undo.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "setup/cmdline-words.h"
#include "setup/setup.h"
#include "shared/util.h"

#define GRUBBY "/usr/sbin/grubby"
#define ENTRIES "boot/loader/entries"
#define OPTIONS_MAX 16384

/* The command this run's write or undo leaves for commands(). */
static char args[SETUP_WORDS_MAX + 16], remove_args[SETUP_WORDS_MAX + 16];

static bool grubby_detect(int rootfd)
{
	return setup_exists(rootfd, GRUBBY, X_OK) && setup_exists(rootfd, ENTRIES, F_OK);
}

/* The entries' options lines, read once per run. */
#define ENTRIES_MAX 32
static struct entry {
	char name[128];
	char options[OPTIONS_MAX];
} entries[ENTRIES_MAX];
static unsigned int n_entries;

static void read_entries(int rootfd)
{
	static char text[OPTIONS_MAX + 4096];
	struct dirent *de;
	DIR *dir = opendir_at(rootfd, ENTRIES);

	n_entries = 0;
	if (!dir)
		return;
	while (n_entries < ENTRIES_MAX && (de = readdir(dir))) {
		struct entry *e = &entries[n_entries];
		char path[PATH_BUF_MAX];
		const char *line;
		size_t n = strlen(de->d_name);

		if (n < 6 || n >= sizeof(e->name) || strcmp(de->d_name + n - 5, ".conf") != 0 ||
		    path_join(path, sizeof(path), ENTRIES "/%s", de->d_name) < 0 ||
		    read_file_at(rootfd, path, text, sizeof(text)) < 0)
			continue;
		memcpy(e->name, de->d_name, n + 1);
		e->options[0] = '\0';
		for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			if (strncmp(line, "options", 7) == 0 &&
			    (line[7] == ' ' || line[7] == '\t')) {
				snprintf(e->options, sizeof(e->options), "%.*s",
					 (int)strcspn(line + 8, "\n"), line + 8);
				break;
			}
		}
		n_entries++;
	}
	closedir(dir);
}

/* A parameter of the same name with another value in an entry: grubby --args would replace it. */
static int refuse_clash(const char *words, const char *old)
{
	unsigned int i;
	size_t n;

	for (i = 0; i < n_entries; i++) {
		const char *clash = words_clash(entries[i].options, strlen(entries[i].options),
						words, old, true, &n);

		if (clash) {
			fprintf(stderr,
				"vfiopt setup: boot entry %s has %.*s, which grubby --args would "
				"replace: take it out first\n",
				entries[i].name, (int)n, clash);
			return -EEXIST;
		}
	}
	return 0;
}

static int grubby_ready(int rootfd, const char *words)
{
	struct setup_state old;
	int r = setup_state_elsewhere(rootfd, "grubby");

	if (r == 0)
		r = setup_state_read(rootfd, "grubby", &old);
	if (r < 0)
		return r;
	read_entries(rootfd);
	return refuse_clash(words, old.words);
}

/* How many entries' options have @word. */
static unsigned int entries_having(const char *word, size_t len)
{
	unsigned int i, having = 0;

	for (i = 0; i < n_entries; i++)
		having += words_has(entries[i].options, strlen(entries[i].options), word, len);
	return having;
}

/* Append @word (@len bytes) to the space-separated @list. */
static int list_add(char *list, size_t size, const char *word, size_t len)
{
	size_t at = strlen(list);

	return path_join(list + at, size - at, "%s%.*s", at ? " " : "", (int)len, word);
}

/*
 * grubby --args replaces a parameter of the same name; the last
 * grubby-bls matches names as substrings (iommu= in intel_iommu=), so the
 * shorter names go first.
 */
static int by_name_length(const void *a, const void *b)
{
	size_t la = strcspn(*(const char *const *)a, "="),
	       lb = strcspn(*(const char *const *)b, "=");

	return la < lb ? -1 : la > lb;
}

/*
 * What to ask of grubby: the words of @words that not every entry has go
 * to --args, setup's earlier words that @words no longer has to
 * --remove-args.  Setup's words from now on are those no entry had and
 * those it added before and keeps: a word a user had in some entry is
 * never taken away.  A parameter of the same name with another value in
 * an entry is refused: grubby would replace it.
 */
static int grubby_write(int rootfd, const char *words)
{
	struct setup_state old, st = { .where = "grubby" };
	char add[SETUP_WORDS_MAX] = "", gone[SETUP_WORDS_MAX] = "";
	const char *sorted[64], *w;
	size_t pos = 0, n, n_sorted = 0, i;
	int r = setup_state_read(rootfd, "grubby", &old);

	if (r < 0)
		return r;
	args[0] = remove_args[0] = '\0';
	read_entries(rootfd);
	r = refuse_clash(words, old.words);
	if (r < 0)
		return r;
	while (n_sorted < ARRAY_SIZE(sorted) && (w = words_next(words, strlen(words), &pos, &n)))
		sorted[n_sorted++] = w;
	qsort(sorted, n_sorted, sizeof(sorted[0]), by_name_length);
	for (i = 0; r == 0 && i < n_sorted; i++) {
		unsigned int having;

		w = sorted[i];
		n = strcspn(w, " ");
		having = entries_having(w, n);
		if (!having || words_has(old.words, strlen(old.words), w, n))
			r = list_add(st.words, sizeof(st.words), w, n);
		if (r == 0 && having < n_entries)
			r = list_add(add, sizeof(add), w, n);
	}
	pos = 0;
	while (r == 0 && (w = words_next(old.words, strlen(old.words), &pos, &n)))
		if (!words_has(words, strlen(words), w, n))
			r = list_add(gone, sizeof(gone), w, n);
	if (r == 0 && add[0])
		r = path_join(args, sizeof(args), "--args=%s", add);
	if (r == 0 && gone[0])
		r = path_join(remove_args, sizeof(remove_args), "--remove-args=%s", gone);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: the parameters are too long for grubby\n");
		return r;
	}
	if (!add[0] && !gone[0]) {
		printf("unchanged: every boot entry has the parameters\n");
		return 0;
	}
	printf("grubby is to %s%s%s%s on every boot entry\n", add[0] ? "add " : "", add,
	       add[0] && gone[0] ? " and remove "
	       : gone[0]	 ? "remove "
				 : "",
	       gone);
	return setup_state_write(rootfd, &st) < 0 ? -EIO : 1;
}

static int grubby_undo(int rootfd)
{
	struct setup_state st;
	int r = setup_state_read(rootfd, "grubby", &st);

	args[0] = remove_args[0] = '\0';
	if (r <= 0)
		return r;
	if (st.words[0] &&
	    path_join(remove_args, sizeof(remove_args), "--remove-args=%s", st.words) < 0)
		return -E2BIG;
	return setup_state_remove(rootfd) < 0 ? -EIO : 1;
}

static size_t grubby_commands(int rootfd, struct setup_command *cmds, size_t max)
{
	struct setup_command cmd = { .argv = { GRUBBY, "--update-kernel=ALL", NULL } };
	size_t n = 2;

	(void)rootfd;
	if (args[0])
		cmd.argv[n++] = args;
	if (remove_args[0])
		cmd.argv[n++] = remove_args;
	if (n == 2 || !max)
		return 0;
	cmds[0] = cmd;
	return 1;
}

const struct setup_backend setup_grubby = {
	.name = "grubby (Boot Loader Specification entries)",
	.detect = grubby_detect,
	.ready = grubby_ready,
	.write = grubby_write,
	.undo = grubby_undo,
	.commands = grubby_commands,
};
