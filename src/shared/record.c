// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The claim record is replaced atomically: written to a temporary file
 * beside it and renamed over it, so a reader never sees half a record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/format.h"
#include "shared/record.h"
#include "shared/util.h"

#define RECORD_TMP RECORD_PATH ".tmp"
#define RECORD_LINE_MAX 256

int record_begin(struct record *rec, int rootfd)
{
	rec->rootfd = rootfd;
	rec->error = 0;
	rec->fd = -1;
	if (mkdirat(rootfd, RECORD_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	rec->fd = openat(rootfd, RECORD_TMP,
			 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (rec->fd < 0)
		return -errno;
	rec->error = write_full(rec->fd, RECORD_HEADER, strlen(RECORD_HEADER));
	return 0;
}

void record_line(struct record *rec, const char *fmt, ...)
{
	char line[RECORD_LINE_MAX];
	va_list ap;
	int n;

	if (rec->fd < 0 || rec->error)
		return;
	va_start(ap, fmt);
	n = format_v(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		rec->error = -ENAMETOOLONG;
		return;
	}
	rec->error = write_full(rec->fd, line, (size_t)n);
}

int record_commit(struct record *rec)
{
	int r = rec->error;

	if (rec->fd < 0)
		return -EBADF;
	if (close(rec->fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	rec->fd = -1;
	if (r == 0 && renameat(rec->rootfd, RECORD_TMP, rec->rootfd, RECORD_PATH) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(rec->rootfd, RECORD_TMP, 0);
	return r;
}

/*
 * The previous driver that @record (a record's text) gives for device
 * @name, into @previous; left as it is when the record has none.
 */
void record_previous(const char *record, const char *name, char *previous, size_t size)
{
	size_t name_len = strlen(name);
	const char *line;

	for (line = record; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *field = line;
		size_t len;
		int i;

		if (strncmp(line, name, name_len) != 0 || line[name_len] != ' ')
			continue;
		/* address ids reason previous: the fourth field. */
		for (i = 0; i < 3 && field; i++) {
			field = strchr(field, ' ');
			field = field ? field + 1 : NULL;
		}
		if (!field)
			return;
		len = strcspn(field, " \n");
		if (len == 0 || len >= size || (len == 1 && field[0] == '-') ||
		    (len == 8 && strncmp(field, "vfio-pci", len) == 0))
			return;
		memcpy(previous, field, len);
		previous[len] = '\0';
		return;
	}
}

/*
 * Set the result of device @name's line to @result (release marks what it
 * gave back), replacing the record by rename.  0 when marked, -ENOENT when
 * there is no record or no line for @name, or -errno.
 */
int record_mark(int rootfd, const char *name, const char *result)
{
	static char old[RECORD_MAX], new[RECORD_MAX];
	size_t name_len = strlen(name), len = 0;
	const char *line, *end;
	bool found = false;
	ssize_t n;
	int r = 0;

	n = read_file_at(rootfd, RECORD_PATH, old, sizeof(old));
	if (n < 0)
		return (int)n;
	for (line = old; *line && r == 0; line = end) {
		const char *last;

		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		/* The result is the last field: keep what comes before it. */
		last = end;
		if (strncmp(line, name, name_len) == 0 && line[name_len] == ' ')
			while (last[-1] != ' ')
				last--;
		r = path_join(new + len, sizeof(new) - len, "%.*s%s%s", (int)(last - line), line,
			      last != end ? result : "", last != end ? "\n" : "");
		len += strlen(new + len);
		found |= last != end;
	}
	if (r < 0)
		return r;
	if (!found)
		return -ENOENT;
	r = write_file_atomic_at(rootfd, RECORD_PATH, new, 0644);
	return r < 0 ? r : 0;
}
