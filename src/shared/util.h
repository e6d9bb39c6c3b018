/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_UTIL_H
#define VFIOPT_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit statuses shared by both programs and every verb. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Big enough for any sysfs attribute we read (they are one page at most). */
#define ATTR_MAX 4096
/* Paths we build are short: /etc/default/grub.d/vfiopt.cfg and the like. */
#define PATH_BUF_MAX 512

ssize_t read_full(int fd, void *buf, size_t size);
int write_once(int fd, const void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);
ssize_t read_attr_at(int dirfd, const char *path, char *buf, size_t size);
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size);
ssize_t read_prefix_at(int dirfd, const char *path, char *buf, size_t size);
int file_contains_at(int dirfd, const char *path, const char *needle);
int write_attr_at(int dirfd, const char *path, const char *value);
int read_link_name_at(int dirfd, const char *path, char *buf, size_t size);
int write_file_atomic_at(int dirfd, const char *path, const char *content, mode_t mode);
void sync_parent_at(int dirfd, const char *path);
int kernel_release_at(int rootfd, char *buf, size_t size);
void *map_array(size_t n, size_t elem);
void unmap_array(void *p, size_t n, size_t elem);
DIR *opendir_at(int dirfd, const char *path);
const char *root_relative(const char *path);

int parse_hex(const char *s, size_t len, unsigned int max_digits, uint32_t *out);
int parse_hex64(const char *s, const char **end, unsigned long long *out);
int parse_uint(const char *s, unsigned long max, unsigned long *out);
int parse_bool(const char *s, bool *out);

bool is_kernel_space(char c);
const char *printable(const char *s, size_t len, char *buf, size_t size);
bool glob_match(const char *pat, const char *s);
int path_join(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
