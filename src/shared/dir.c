// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Directory entries from getdents64(2), parsed with bounds checks: the
 * buffer comes from the kernel, but a record that does not fit it ends
 * the read instead of sending us past its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shared/dir.h"

/*
 * The kernel's struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen
 * (2), d_type (1), then d_name, NUL-terminated within d_reclen.
 */
#define RECLEN_AT 16
#define NAME_AT 19

int dir_open_at(struct dir_reader *d, int dirfd, const char *path, char *buf, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if (size < DIR_BUF_MIN)
		return -EINVAL;
	d->fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	d->buf = buf;
	d->size = size;
	return 0;
}

static int dir_fill(struct dir_reader *d)
{
	long n;

	do
		n = syscall(SYS_getdents64, d->fd, d->buf, d->size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	d->pos = 0;
	d->len = (size_t)n;
	return n > 0;
}

/*
 * The next entry's name in *name, valid until the next call: 1, or 0 at
 * the end, or -errno.  "." and ".." are skipped.
 */
int dir_next(struct dir_reader *d, const char **name)
{
	for (;;) {
		const char *ename;
		uint16_t reclen;
		size_t left;

		if (d->pos >= d->len) {
			int r = dir_fill(d);

			if (r <= 0)
				return r;
		}
		left = d->len - d->pos;
		if (left < NAME_AT + 1)
			return -EIO;
		/* Copied out: the caller's buffer need not be aligned. */
		memcpy(&reclen, d->buf + d->pos + RECLEN_AT, sizeof(reclen));
		ename = d->buf + d->pos + NAME_AT;
		if (reclen < NAME_AT + 1 || reclen > left || !memchr(ename, '\0', reclen - NAME_AT))
			return -EIO;
		d->pos += reclen;
		if (strcmp(ename, ".") == 0 || strcmp(ename, "..") == 0)
			continue;
		*name = ename;
		return 1;
	}
}

void dir_close(struct dir_reader *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
