/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_DIR_H
#define VFIOPT_DIR_H

#include <stddef.h>

/*
 * A directory read with getdents64(2) straight into a buffer of the
 * caller's: no DIR (which opendir() allocates, and whose 2 KiB buffer
 * would take some 64 calls for a sysfs directory of 4096 devices), one
 * call per buffer's worth of entries.
 */
struct dir_reader {
	int fd;
	char *buf;
	size_t size; /* of buf */
	size_t pos;  /* next entry in buf */
	size_t len;  /* bytes the last getdents64 put in buf */
};

/* Big enough for any entry: a name is at most 255 bytes. */
#define DIR_BUF_MIN 512

int dir_open_at(struct dir_reader *d, int dirfd, const char *path, char *buf, size_t size);
int dir_next(struct dir_reader *d, const char **name);
void dir_close(struct dir_reader *d);

#endif
