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
#include <string.h>
#include <unistd.h>

#include "cmdline-words.h"
#include "setup.h"
#include "util.h"

#define GRUBBY "/usr/sbin/grubby"
#define ENTRIES "boot/loader/entries"
#define OPTIONS_MAX 16384

/* The command this run's write or undo leaves for commands(). */
static char args[SETUP_WORDS_MAX + 16], remove_args[SETUP_WORDS_MAX + 16];

static bool grubby_detect(int rootfd)
{
	return setup_exists(rootfd, GRUBBY, X_OK) && setup_exists(rootfd, ENTRIES, F_OK);
}

static int grubby_ready(int rootfd)
{
	(void)rootfd;
	return 0;
}

/* Whether every entry's options line has @word (none: no entry has it). */
static bool in_every_entry(int rootfd, const char *word, size_t len)
{
	static char entry[OPTIONS_MAX];
	unsigned int entries = 0, having = 0;
	struct dirent *de;
	DIR *dir = opendir_at(rootfd, ENTRIES);

	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		char path[PATH_BUF_MAX];
		const char *line;
		size_t n = strlen(de->d_name);

		if (n < 6 || strcmp(de->d_name + n - 5, ".conf") != 0 ||
		    path_join(path, sizeof(path), ENTRIES "/%s", de->d_name) < 0 ||
		    read_file_at(rootfd, path, entry, sizeof(entry)) < 0)
			continue;
		entries++;
		for (line = entry; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			if (strncmp(line, "options", 7) != 0 || (line[7] != ' ' && line[7] != '\t'))
				continue;
			if (words_has(line + 8, strcspn(line + 8, "\n"), word, len))
				having++;
			break;
		}
	}
	closedir(dir);
	return entries && having == entries;
}

/* Append @word (@len bytes) to the space-separated @list. */
static int list_add(char *list, size_t size, const char *word, size_t len)
{
	size_t at = strlen(list);

	return path_join(list + at, size - at, "%s%.*s", at ? " " : "", (int)len, word);
}

/*
 * What to ask of grubby: the words of @words that the entries lack go to
 * --args, setup's earlier words that @words no longer has to
 * --remove-args; setup's words from now on are those it added then and
 * keeps, and those it adds now.
 */
static int grubby_write(int rootfd, const char *words)
{
	struct setup_state old, st = { .where = "grubby" };
	char add[SETUP_WORDS_MAX] = "", gone[SETUP_WORDS_MAX] = "";
	size_t pos = 0, n;
	const char *w;
	int r = setup_state_read(rootfd, "grubby", &old);

	if (r < 0)
		return r;
	r = 0;
	args[0] = remove_args[0] = '\0';
	while (r == 0 && (w = words_next(words, strlen(words), &pos, &n))) {
		bool present = in_every_entry(rootfd, w, n);

		if (!present || words_has(old.words, strlen(old.words), w, n))
			r = list_add(st.words, sizeof(st.words), w, n);
		if (r == 0 && !present)
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
	struct setup_command cmd = { { GRUBBY, "--update-kernel=ALL", NULL } };
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
