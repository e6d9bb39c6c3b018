// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /etc/vfiopt.conf, as untrusted as the command line: each line that is
 * not a known key=value is named and ignored, the rest still counts.
 *
 *	# the NVIDIA card and, by slot, its audio
 *	ids=10de:1b80
 *	addrs=0000:0b:00.0
 *	companions=1
 */
#include <errno.h>
#include <string.h>

#include "shared/config.h"
#include "shared/log.h"
#include "shared/util.h"

static const struct {
	const char *key;
	enum sel_kind kind;
	const char *label;
} keys[] = {
	{ "ids", SEL_IDS, "/etc/vfiopt.conf ids" },
	{ "addrs", SEL_ADDRS, "/etc/vfiopt.conf addrs" },
	{ "companions", SEL_COMPANIONS, "/etc/vfiopt.conf companions" },
};

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

/* One pair of double quotes around a value is allowed, as in shell files. */
static char *unquote(char *val)
{
	size_t len = strlen(val);

	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		val[len - 1] = '\0';
		return val + 1;
	}
	return val;
}

/*
 * "10de:1b80, 10de:10f0": in a file, blanks around the commas are only
 * layout.  Removed in place (on the command line they cannot occur).
 */
static char *tidy_list(char *val)
{
	char *in, *out = val;

	for (in = val; *in; in++) {
		if (*in == ' ' || *in == '\t') {
			const char *next = in + strspn(in, " \t");

			if (*next == ',' || (out > val && out[-1] == ','))
				continue;
		}
		*out++ = *in;
	}
	*out = '\0';
	return val;
}

static void config_line(struct selection *sel, char *line, unsigned int lineno)
{
	char text[64], *eq, *key, *val, *hash;
	size_t i;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	line = trim(line);
	if (!*line)
		return;
	eq = strchr(line, '=');
	if (!eq) {
		if (selection_note_bad(sel))
			log_warn("/etc/vfiopt.conf:%u: ignoring \"%s\": not key=value", lineno,
				 printable(line, strlen(line), text, sizeof(text)));
		return;
	}
	*eq = '\0';
	key = trim(line);
	val = tidy_list(trim(unquote(trim(eq + 1))));
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i].key) == 0) {
			selection_set(sel, keys[i].kind, keys[i].label, val);
			return;
		}
	}
	if (selection_note_bad(sel))
		log_warn(
			"/etc/vfiopt.conf:%u: ignoring unknown key \"%s\" (ids, addrs, companions)",
			lineno, printable(key, strlen(key), text, sizeof(text)));
}

/*
 * The configuration in @buf (@len bytes, NUL-terminated, changed in
 * place) into @sel: well-formed lines count, the others are named and
 * ignored.  -EINVAL for a file that is not text, ignored whole.
 */
int config_parse(char *buf, size_t len, struct selection *sel)
{
	unsigned int lineno = 0;
	char *line, *next;

	if (memchr(buf, '\0', len)) {
		log_warn("/etc/vfiopt.conf is not a text file: ignoring it");
		return -EINVAL;
	}
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		config_line(sel, line, ++lineno);
	}
	return 0;
}

/* 0 when the file is absent or read; a file too big is ignored whole. */
int config_load(int rootfd, struct selection *sel)
{
	static char buf[CONFIG_MAX];
	ssize_t n;

	n = read_file_at(rootfd, CONFIG_PATH, buf, sizeof(buf));
	if (n == -ENOENT)
		return 0;
	if (n == -EFBIG) {
		log_warn("/etc/vfiopt.conf is larger than %d bytes: ignoring it", CONFIG_MAX - 1);
		return (int)n;
	}
	if (n < 0) {
		log_warn("cannot read /etc/vfiopt.conf: %s", strerror((int)-n));
		return (int)n;
	}
	return config_parse(buf, (size_t)n, sel);
}
