// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Adding words to a kernel command line held in a file that is not ours,
 * and removing them again, byte for byte.
 */
#include <errno.h>
#include <string.h>

#include "setup/cmdline-words.h"
#include "shared/util.h"

/* kernel-install reads /etc/kernel/cmdline's lines as one: a newline separates too. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The next word of @s[0..len) from *@pos: its start, and its length in *@n; NULL at the end. */
const char *words_next(const char *s, size_t len, size_t *pos, size_t *n)
{
	size_t start;

	while (*pos < len && is_blank(s[*pos]))
		(*pos)++;
	start = *pos;
	while (*pos < len && !is_blank(s[*pos]))
		(*pos)++;
	*n = *pos - start;
	return *n ? s + start : NULL;
}

bool words_has(const char *line, size_t len, const char *word, size_t word_len)
{
	size_t pos = 0, n;
	const char *w;

	while ((w = words_next(line, len, &pos, &n)))
		if (n == word_len && memcmp(w, word, n) == 0)
			return true;
	return false;
}

/* Append @n bytes of @s to @out at *@at, or -E2BIG. */
static int put(char *out, size_t size, size_t *at, const char *s, size_t n)
{
	if (n >= size - *at)
		return -E2BIG;
	memcpy(out + *at, s, n);
	*at += n;
	out[*at] = '\0';
	return 0;
}

/* Whether @w is a word of @list not @taken yet; marks it taken when it is. */
static bool take(const char *list, bool *taken, const char *w, size_t n)
{
	size_t pos = 0, rn;
	const char *r;
	unsigned int i;

	for (i = 0; (r = words_next(list, strlen(list), &pos, &rn)); i++) {
		if (rn == n && memcmp(r, w, n) == 0 && !taken[i]) {
			taken[i] = true;
			return true;
		}
	}
	return false;
}

static size_t count_words(const char *list)
{
	size_t pos = 0, n, count = 0;

	while (words_next(list, strlen(list), &pos, &n))
		count++;
	return count;
}

/*
 * @line without the words of @remove (one occurrence each, with one blank
 * before it, or after it for the line's first word), then with each word
 * of @add that it does not hold yet, after one space: what add put in,
 * remove takes out, byte for byte.  The words added go to @added,
 * space-separated: what a later edit must remove.  0, or -E2BIG when
 * @out or @added is too small or @remove has more than WORDS_REMOVE_MAX
 * words.
 */
int words_edit(const char *line, size_t len, const char *remove, const char *add, char *out,
	       size_t size, char *added, size_t added_size)
{
	bool taken[WORDS_REMOVE_MAX] = { false };
	size_t pos = 0, at = 0, added_at = 0, n, from = 0;
	const char *w;
	int err = 0;

	if (!size || !added_size || count_words(remove) > WORDS_REMOVE_MAX)
		return -E2BIG;
	out[0] = added[0] = '\0';
	while (!err && (w = words_next(line, len, &pos, &n))) {
		size_t start = (size_t)(w - line);

		if (!take(remove, taken, w, n))
			continue;
		/* Keep what comes before, less the one blank that went with it. */
		if (start > from)
			err = put(out, size, &at, line + from, start - from - 1);
		else if (pos < len)
			pos++;
		from = pos;
	}
	if (!err)
		err = put(out, size, &at, line + from, len - from);
	pos = 0;
	while (!err && (w = words_next(add, strlen(add), &pos, &n))) {
		if (words_has(out, at, w, n))
			continue;
		if (at)
			err = put(out, size, &at, " ", 1);
		if (!err)
			err = put(out, size, &at, w, n);
		if (!err && added_at)
			err = put(added, added_size, &added_at, " ", 1);
		if (!err)
			err = put(added, added_size, &added_at, w, n);
	}
	return err;
}

/*
 * A word of @line with the same name (up to '=') as a word of @add but
 * another value, that @remove does not take away: a vfiopt word (or
 * rd.vfiopt, the same to the claim) is someone else's selection, which
 * setup's would only add to; with @any_key, any word, for grubby, which
 * replaces a parameter of the same name.  NULL when none.
 */
const char *words_clash(const char *line, size_t len, const char *add, const char *remove,
			bool any_key, size_t *clash_len)
{
	size_t pos = 0, n, apos, an;
	const char *w, *a;

	while ((w = words_next(line, len, &pos, &n))) {
		for (apos = 0; (a = words_next(add, strlen(add), &apos, &an));) {
			const char *eq = memchr(a, '=', an), *name = w;
			size_t key = eq ? (size_t)(eq - a) + 1 : an, nlen = n;
			bool ours = strncmp(a, "vfiopt.", 7) == 0;

			if (!any_key && !ours)
				continue;
			if (ours && nlen > 3 && memcmp(name, "rd.", 3) == 0) {
				name += 3;
				nlen -= 3;
			}
			if (nlen < key || memcmp(name, a, key) != 0)
				continue;
			if ((n == an && memcmp(w, a, n) == 0) ||
			    words_has(remove, strlen(remove), w, n))
				continue;
			*clash_len = n;
			return w;
		}
	}
	return NULL;
}

/*
 * The vfiopt and vfio-pci words of a kernel command line (up to its end or
 * its newline), space-separated, into @out; cut with "..." rather than
 * silently short.  What check and status show of a command line.
 */
void cmdline_selection_words(const char *line, char *out, size_t size)
{
	static const char *const prefixes[] = { "vfiopt.", "rd.vfiopt.",
						"vfio-pci.ids=", "vfio_pci.ids=" };
	size_t len = 0, i;

	out[0] = '\0';
	while (*line && *line != '\n') {
		size_t n;

		line += strspn(line, " \t");
		n = strcspn(line, " \t\n");
		for (i = 0; i < ARRAY_SIZE(prefixes) && n; i++) {
			if (strncmp(line, prefixes[i], strlen(prefixes[i])) != 0)
				continue;
			if (path_join(out + len, size - len, "%s%.*s", len ? " " : "", (int)n,
				      line) < 0) {
				if (size > 4)
					memcpy(out + (len < size - 4 ? len : size - 4), "...", 4);
				return;
			}
			len += strlen(out + len);
			break;
		}
		line += n;
	}
}
