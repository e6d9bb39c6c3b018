// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel command line through GRUB_CMDLINE_LINUX in /etc/default/grub,
 * for a GRUB whose grub-mkconfig does not read /etc/default/grub.d
 * (upstream's: Arch; Fedora's before BLS).  The file is the user's: setup
 * adds its words inside the quotes, records them in SETUP_STATE, and the
 * undo takes exactly those out again; every other byte stays as it was.
 * A value it cannot edit safely (unquoted, or with shell expansions) is
 * refused, with the words to add by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup/cmdline-words.h"
#include "setup/setup.h"
#include "shared/util.h"

#define DEFAULT_GRUB "etc/default/grub"
/* /etc/default/grub is a page or two; more is not a file to edit blind. */
#define DEFAULT_GRUB_MAX 65536

static char file[DEFAULT_GRUB_MAX];

struct value {
	size_t start; /* the first byte inside the quotes */
	size_t len;
};

static bool grub_default_detect(int rootfd)
{
	return grub_mkconfig(rootfd) && !grub_reads_grub_d(rootfd) &&
	       setup_exists(rootfd, DEFAULT_GRUB, F_OK);
}

/*
 * The value of the last GRUB_CMDLINE_LINUX= line (the one the shell keeps)
 * in @buf: 0, or -errno after saying why it cannot be edited.
 */
static int find_value(const char *buf, size_t len, struct value *v)
{
	static const char key[] = "GRUB_CMDLINE_LINUX=";
	const char *line, *found = NULL, *end;
	char quote;

	for (line = buf; line < buf + len; line = end + 1) {
		const char *p = line;

		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (!end)
			end = buf + len;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) >= sizeof(key) - 1 && memcmp(p, key, sizeof(key) - 1) == 0)
			found = p + sizeof(key) - 1;
		if (end == buf + len)
			break;
	}
	if (!found) {
		fprintf(stderr,
			"vfiopt setup: /%s has no GRUB_CMDLINE_LINUX= line: add "
			"GRUB_CMDLINE_LINUX=\"\" to it and run setup again\n",
			DEFAULT_GRUB);
		return -ENOENT;
	}
	quote = *found;
	end = quote == '"' || quote == '\''
		      ? memchr(found + 1, quote, len - (size_t)(found + 1 - buf))
		      : NULL;
	v->start = (size_t)(found + 1 - buf);
	v->len = end ? (size_t)(end - found - 1) : 0;
	if (!end || memchr(found + 1, '\n', v->len) ||
	    (quote == '"' && strcspn(found + 1, "\\$`") < v->len)) {
		fprintf(stderr,
			"vfiopt setup: GRUB_CMDLINE_LINUX in /%s is not a plain quoted value "
			"that setup can edit safely: edit it yourself\n",
			DEFAULT_GRUB);
		return -ENOTSUP;
	}
	return 0;
}

static ssize_t read_default_grub(int rootfd, struct value *v)
{
	ssize_t len = read_file_at(rootfd, DEFAULT_GRUB, file, sizeof(file));

	if (len < 0) {
		fprintf(stderr, "vfiopt setup: cannot read /%s: %s\n", DEFAULT_GRUB,
			strerror((int)-len));
		return len;
	}
	if ((size_t)len >= sizeof(file) - 1 || memchr(file, '\0', (size_t)len)) {
		fprintf(stderr, "vfiopt setup: /%s is too large or not text\n", DEFAULT_GRUB);
		return -EFBIG;
	}
	return find_value(file, (size_t)len, v) < 0 ? -ENOTSUP : len;
}

/* A vfiopt word of someone else's in the value: setup's would only add to it. */
static int refuse_clash(const struct value *v, const char *add, const char *remove)
{
	size_t clash_len;
	const char *clash = words_clash(file + v->start, v->len, add, remove, false, &clash_len);

	if (!clash)
		return 0;
	fprintf(stderr,
		"vfiopt setup: GRUB_CMDLINE_LINUX in /%s already has %.*s, which setup did not "
		"write: remove it first\n",
		DEFAULT_GRUB, (int)clash_len, clash);
	return -EEXIST;
}

static int grub_default_ready(int rootfd, const char *words)
{
	struct setup_state old;
	struct value v;
	ssize_t len = read_default_grub(rootfd, &v);
	int r;

	if (len < 0)
		return (int)len;
	r = setup_state_elsewhere(rootfd, DEFAULT_GRUB);
	if (r == 0)
		r = setup_state_read(rootfd, DEFAULT_GRUB, &old);
	return r < 0 ? r : refuse_clash(&v, words, old.words);
}

/*
 * /etc/default/grub with the value's words edited: those of @remove out,
 * those of @add in; what was added into @st, recorded (with @old's words)
 * before the file changes when @old is given.  1 written, 0 unchanged.
 */
static int edit(int rootfd, const char *remove, const char *add, struct setup_state *st,
		const struct setup_state *old)
{
	static char value[SETUP_WORDS_MAX * 2], content[SETUP_FILE_MAX];
	struct value v;
	struct stat sb;
	ssize_t len = read_default_grub(rootfd, &v);
	int r;

	if (len < 0)
		return (int)len;
	r = refuse_clash(&v, add, remove);
	if (r < 0)
		return r;
	r = words_edit(file + v.start, v.len, remove, add, value, sizeof(value), st->words,
		       sizeof(st->words));
	if (r == 0)
		r = path_join(content, sizeof(content), "%.*s%s%s", (int)v.start, file, value,
			      file + v.start + v.len);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: the parameters do not fit in /%s\n", DEFAULT_GRUB);
		return r;
	}
	/* The user's file keeps its mode. */
	if (fstatat(rootfd, DEFAULT_GRUB, &sb, 0) < 0)
		return -errno;
	if (old && setup_state_pending(rootfd, old, st) < 0)
		return -EIO;
	return setup_write_file(rootfd, DEFAULT_GRUB, content, sb.st_mode & 07777, true);
}

static int grub_default_write(int rootfd, const char *words)
{
	struct setup_state old, st = { .where = DEFAULT_GRUB };
	int r = setup_state_read(rootfd, DEFAULT_GRUB, &old);

	if (r < 0)
		return r;
	r = edit(rootfd, old.words, words, &st, &old);
	if (r < 0)
		return r;
	return setup_state_write(rootfd, &st) < 0 ? -EIO : r;
}

static int grub_default_undo(int rootfd)
{
	struct setup_state st, none = { .where = DEFAULT_GRUB };
	int r = setup_state_read(rootfd, DEFAULT_GRUB, &st);

	if (r <= 0)
		return r;
	r = edit(rootfd, st.words, "", &none, NULL);
	if (r < 0) {
		fprintf(stderr,
			"vfiopt setup: take these words out of GRUB_CMDLINE_LINUX in /%s yourself: "
			"%s\n",
			DEFAULT_GRUB, st.words);
		return r;
	}
	return setup_state_remove(rootfd) < 0 ? -EIO : 1;
}

const struct setup_backend setup_grub_default = {
	.name = "GRUB, GRUB_CMDLINE_LINUX in /etc/default/grub",
	.detect = grub_default_detect,
	.ready = grub_default_ready,
	.write = grub_default_write,
	.undo = grub_default_undo,
	.commands = grub_commands,
};
