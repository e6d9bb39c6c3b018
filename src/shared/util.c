// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small, strict building blocks: EINTR-safe I/O relative to a directory
 * fd, bounded number parsing and escaping of untrusted text for the log.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/format.h"
#include "shared/util.h"

/* Read until EOF or until @size bytes are in; a short read is not EOF. */
ssize_t read_full(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/*
 * One write() of the whole buffer, for sysfs attributes and /dev/kmsg
 * records: a second write of the tail would be a second store or a second
 * log record, so a short write is an error, not something to resume.
 */
int write_once(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Open @path and read up to @want bytes of it: until EOF, or with @once a
 * single read() (see read_attr_at()).  The bytes read, or -errno.
 */
static ssize_t open_and_read(int dirfd, const char *path, char *buf, size_t want, bool once)
{
	ssize_t n;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (once) {
		do
			n = read(fd, buf, want);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			n = -errno;
	} else {
		n = read_full(fd, buf, want);
	}
	close(fd);
	return n;
}

/*
 * A whole small file into @buf, NUL-terminated: its length, -EFBIG when it
 * does not fit (never a silently cut value), or -errno; on failure @buf
 * holds an empty string, never a half-read one.
 */
static ssize_t read_whole_at(int dirfd, const char *path, char *buf, size_t size, bool once)
{
	ssize_t n;

	if (size < 2)
		return -EINVAL;
	/* Ask for one byte more than fits: getting it means the file is too big. */
	n = open_and_read(dirfd, path, buf, size, once);
	if (n >= 0 && (size_t)n == size)
		n = -EFBIG;
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
	return read_whole_at(dirfd, path, buf, size, false);
}

/*
 * A sysfs attribute, which the kernel hands over whole in one read() when
 * the buffer is larger than it (the show() method fills one page, and the
 * read copies it out): one read, no second one just to see end of file.
 * On a regular file (a test tree) a read shorter than asked is its end
 * too.  Otherwise as read_file_at().
 */
ssize_t read_attr_at(int dirfd, const char *path, char *buf, size_t size)
{
	return read_whole_at(dirfd, path, buf, size, true);
}

/* The start of a file, however long it is (/proc/interrupts, /proc/iomem). */
ssize_t read_prefix_at(int dirfd, const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (size < 1)
		return -EINVAL;
	n = open_and_read(dirfd, path, buf, size - 1, false);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

/*
 * Whether a file, however large (modules.dep), holds @needle: read in
 * chunks that overlap by the needle's length.  1, 0, or -errno.
 */
int file_contains_at(int dirfd, const char *path, const char *needle)
{
	char buf[8192];
	size_t keep = 0, len = strlen(needle);
	int fd, found;

	if (len == 0 || len >= sizeof(buf) / 2)
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read_full(fd, buf + keep, sizeof(buf) - keep);
		size_t have;

		if (n <= 0) {
			found = n < 0 ? (int)n : 0;
			break;
		}
		have = keep + (size_t)n;
		if (memmem(buf, have, needle, len)) {
			found = 1;
			break;
		}
		/* Keep the last len - 1 bytes: the needle may start there. */
		keep = have < len - 1 ? have : len - 1;
		memmove(buf, buf + have - keep, keep);
	}
	close(fd);
	return found;
}

/*
 * Store @value into an existing sysfs attribute in one write(), as the
 * kernel wants.  Never O_CREAT: an attribute that is missing means the
 * device went away or the tree is not sysfs, and we write nothing then.
 * O_TRUNC is what a shell's "echo > attr" does and sysfs ignores it.
 */
int write_attr_at(int dirfd, const char *path, const char *value)
{
	int fd, r;

	fd = openat(dirfd, path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	r = write_once(fd, value, strlen(value));
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	return r;
}

/* The last component of a symlink's target: "driver" -> ".../drivers/e1000e". */
int read_link_name_at(int dirfd, const char *path, char *buf, size_t size)
{
	char target[ATTR_MAX];
	const char *name;
	ssize_t n;
	size_t len;

	n = readlinkat(dirfd, path, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	name = strrchr(target, '/');
	name = name ? name + 1 : target;
	len = strlen(name);
	if (len == 0 || len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, name, len + 1);
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Exactly 1 to @max_digits hex digits, nothing else: no sign, no "0x",
 * no blanks.  strtoul would accept all of those, which is why ids and
 * addresses from the command line do not go through it.
 */
int parse_hex(const char *s, size_t len, unsigned int max_digits, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (len == 0 || len > max_digits || max_digits > 8)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int d = hex_value(s[i]);

		if (d < 0)
			return -EINVAL;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/*
 * "0x" and up to 16 hex digits (sysfs resource files, /proc/iomem without
 * the 0x); *end is left after them.  strtoull would also take a sign or
 * blanks, and give ULLONG_MAX on overflow.
 */
int parse_hex64(const char *s, const char **end, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (s[0] == '0' && s[1] == 'x')
		s += 2;
	for (i = 0; i < 16 && hex_value(s[i]) >= 0; i++)
		v = (v << 4) | (unsigned long long)hex_value(s[i]);
	if (i == 0 || hex_value(s[i]) >= 0)
		return -EINVAL;
	*out = v;
	*end = s + i;
	return 0;
}

/*
 * A decimal number in [0, @max] and nothing after it (IOMMU group names,
 * option values): digits only, no sign, no blanks, no base prefix.
 */
int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned long d = (unsigned long)(*s - '0');

		if (d > max || v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*s != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

/* The kernel's kstrtobool(): y/Y/1/n/N/0 by first letter, and on/off. */
int parse_bool(const char *s, bool *out)
{
	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		*out = true;
		return 0;
	case 'n':
	case 'N':
	case '0':
		*out = false;
		return 0;
	case 'o':
	case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*out = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*out = false;
			return 0;
		}
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/*
 * The kernel's isspace(), which the command line splitter uses: the C
 * locale's blanks plus 0xa0, which its Latin-1 ctype table also marks.
 */
bool is_kernel_space(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

/*
 * Untrusted text (the command line) goes into the kernel log escaped and
 * capped, so it cannot forge log lines or flood the console.
 */
const char *printable(const char *s, size_t len, char *buf, size_t size)
{
	static const char ellipsis[] = "...";
	size_t o = 0, i;

	if (size < sizeof(ellipsis) + 4)
		return "";
	for (i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t need = (c >= 0x20 && c < 0x7f && c != '\\') ? 1 : 4;

		if (o + need + sizeof(ellipsis) > size) {
			memcpy(buf + o, ellipsis, sizeof(ellipsis));
			return buf;
		}
		if (need == 1) {
			buf[o++] = (char)c;
		} else {
			static const char hex[] = "0123456789abcdef";

			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 0xf];
		}
	}
	buf[o] = '\0';
	return buf;
}

/* snprintf for paths: truncation is an error, never a shorter path. */
int path_join(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* mkdir -p of @path's parent directories, relative to @dirfd. */
static int make_parents_at(int dirfd, const char *path)
{
	char buf[PATH_BUF_MAX];
	char *slash;
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (slash = strchr(buf, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdirat(dirfd, buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

/*
 * Replace a file we own with @content, atomically: a temporary file beside
 * it, fsync, rename over it, fsync the directory.  A reader sees the old
 * file or the new one, never half of one.  Returns 1 when written, 0 when
 * the file already held exactly @content (left untouched), or -errno.
 */
int write_file_atomic_at(int dirfd, const char *path, const char *content, mode_t mode)
{
	static char old[ATTR_MAX * 4];
	char tmp[PATH_BUF_MAX];
	size_t len = strlen(content);
	ssize_t n;
	int fd, r;

	n = read_file_at(dirfd, path, old, sizeof(old));
	if (n >= 0 && (size_t)n == len && memcmp(old, content, len) == 0)
		return 0;
	r = make_parents_at(dirfd, path);
	if (r < 0)
		return r;
	r = path_join(tmp, sizeof(tmp), "%s.vfiopt-tmp.%ld", path, (long)getpid());
	if (r < 0)
		return r;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
		    mode);
	if (fd < 0)
		return -errno;
	r = write_full(fd, content, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0 && errno != EINTR)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, path) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	/* The rename itself must reach the disk before we say "written". */
	sync_parent_at(dirfd, path);
	return 1;
}

/*
 * fsync the directory holding @path, so that a rename or an unlink in it
 * is on the disk.  Best effort: the change itself has been made.
 */
void sync_parent_at(int dirfd, const char *path)
{
	char dir[PATH_BUF_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash || path_join(dir, sizeof(dir), "%.*s", (int)(slash - path), path) < 0)
		return;
	fd = openat(dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The running kernel's release, "6.1.0-56-amd64", as uname -r gives it. */
int kernel_release_at(int rootfd, char *buf, size_t size)
{
	ssize_t n = read_file_at(rootfd, "proc/sys/kernel/osrelease", buf, size);

	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -EINVAL;
}

/*
 * A zeroed array of @n elements of @elem bytes, mapped from the kernel:
 * pages are only given as they are touched, so a reservation for the most
 * there can be costs what is used.  No malloc(), which would be the
 * largest part of libc in the helper.  NULL on failure.
 */
void *map_array(size_t n, size_t elem)
{
	void *p;

	if (n == 0)
		n = 1;
	if (elem && n > SIZE_MAX / elem)
		return NULL;
	p = mmap(NULL, n * elem, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void unmap_array(void *p, size_t n, size_t elem)
{
	if (p)
		munmap(p, (n ? n : 1) * elem);
}

/* A directory relative to @dirfd, for readdir(); NULL with errno set. */
DIR *opendir_at(int dirfd, const char *path)
{
	DIR *dir;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	dir = fdopendir(fd);
	if (!dir) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return dir;
}

/*
 * An absolute path as the verbs open it, relative to the root they opened
 * (/ or --sysroot): "/usr/bin/dracut" and "usr/bin/dracut" alike.
 */
const char *root_relative(const char *path)
{
	return path[0] == '/' ? path + 1 : path;
}

/*
 * Shell-style matching, for module alias patterns ("pci:v00001234d*sv*")
 * and the module names of modprobe.d lines: '*', '?' and bracket sets with
 * ranges, the wildcards file2alias writes.
 * libc's fnmatch() would do, but in a static binary it brings the wide
 * character tables along, a fifth of the helper's size.
 */
bool glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
			continue;
		}
		if (*pat == '[') {
			const char *p = pat + 1;
			bool negate = *p == '!' || *p == '^', hit = false;

			p += negate;
			for (; *p && (*p != ']' || p == pat + 1 + negate); p++) {
				if (p[1] == '-' && p[2] && p[2] != ']') {
					hit |= *s >= p[0] && *s <= p[2];
					p += 2;
				} else {
					hit |= *s == *p;
				}
			}
			if (*p == ']' && hit != negate) {
				pat = p + 1;
				s++;
				continue;
			}
			/* Unterminated: a plain '[', as fnmatch() takes it. */
			if (*p != ']' && *s == '[') {
				pat++;
				s++;
				continue;
			}
		} else if (*pat && (*pat == '?' || *pat == *s)) {
			pat++;
			s++;
			continue;
		}
		if (!star)
			return false;
		pat = star + 1;
		s = ++resume;
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}
