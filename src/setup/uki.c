// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line built into a unified kernel image: the .cmdline
 * section of a PE/COFF file, found the way the format lays it out
 * (Microsoft's PE Format specification: the MS-DOS stub's e_lfanew at
 * 0x3c points at "PE\0\0", then the 20-byte COFF header, the optional
 * header, and the section table of 40-byte entries).  systemd-stub looks
 * it up the same way (src/boot/pe.c, pe_locate_profile_sections()).
 * Every value in the file is untrusted: each offset is bounded by the
 * file's size and each count by a fixed limit before anything is read,
 * with pread() of exactly what is needed (a UKI is tens of megabytes).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup/uki.h"
#include "shared/util.h"

#define DOS_LFANEW_OFFSET 0x3c
/* Where real linkers put the PE header: a few hundred bytes in. */
#define PE_HEADER_OFFSET_MAX 4096
#define COFF_HEADER_SIZE 20
#define SECTION_HEADER_SIZE 40
/* The PE Format's own limit on the sections of an image. */
#define SECTIONS_MAX 96

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Exactly @len bytes at @off, all inside the file's @file_size: 0 or -errno. */
static int read_at(int fd, off_t file_size, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off > (uint64_t)file_size || len > (uint64_t)file_size - off)
		return -EINVAL;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EINVAL;
		done += (size_t)n;
	}
	return 0;
}

/* The section table's offset and count, checked: 0 or -EINVAL. */
static int section_table(int fd, off_t file_size, uint64_t *table, unsigned int *count)
{
	unsigned char dos[DOS_LFANEW_OFFSET + 4], pe[4 + COFF_HEADER_SIZE];
	uint32_t lfanew;
	int r = read_at(fd, file_size, 0, dos, sizeof(dos));

	if (r < 0)
		return r;
	if (dos[0] != 'M' || dos[1] != 'Z')
		return -EINVAL;
	lfanew = le32(dos + DOS_LFANEW_OFFSET);
	if (lfanew < sizeof(dos) || lfanew > PE_HEADER_OFFSET_MAX)
		return -EINVAL;
	r = read_at(fd, file_size, lfanew, pe, sizeof(pe));
	if (r < 0)
		return r;
	if (memcmp(pe, "PE\0\0", 4) != 0)
		return -EINVAL;
	*count = le16(pe + 4 + 2);
	if (*count == 0 || *count > SECTIONS_MAX)
		return -EINVAL;
	/* After the signature, the COFF header and the optional header (SizeOfOptionalHeader). */
	*table = (uint64_t)lfanew + sizeof(pe) + le16(pe + 4 + 16);
	return 0;
}

/* The bytes the section holds in the file: VirtualSize, or SizeOfRawData when that is less. */
static int find_cmdline(int fd, off_t file_size, uint64_t *off, uint32_t *len)
{
	unsigned char sections[SECTIONS_MAX * SECTION_HEADER_SIZE];
	unsigned int count, i;
	uint64_t table;
	int r = section_table(fd, file_size, &table, &count);

	if (r < 0)
		return r;
	r = read_at(fd, file_size, table, sections, (size_t)count * SECTION_HEADER_SIZE);
	if (r < 0)
		return r;
	for (i = 0; i < count; i++) {
		const unsigned char *s = sections + i * SECTION_HEADER_SIZE;
		uint32_t virtual_size = le32(s + 8), raw_size = le32(s + 16);

		/* The name is 8 bytes, NUL-padded: ".cmdline" fills it. */
		if (memcmp(s, ".cmdline", 8) != 0)
			continue;
		*off = le32(s + 20);
		*len = virtual_size && virtual_size < raw_size ? virtual_size : raw_size;
		return 0;
	}
	return -ENOENT;
}

ssize_t uki_cmdline_fd(int fd, char *buf, size_t size)
{
	struct stat st;
	uint64_t off;
	uint32_t len;
	int r;

	if (size == 0)
		return -EFBIG;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	r = find_cmdline(fd, st.st_size, &off, &len);
	if (r < 0)
		return r;
	if (len >= size)
		return -EFBIG;
	r = read_at(fd, st.st_size, off, buf, len);
	if (r < 0)
		return r;
	while (len > 0 && (buf[len - 1] == '\0' || is_kernel_space(buf[len - 1])))
		len--;
	buf[len] = '\0';
	/* Text, one line: a NUL or a newline inside is not a command line. */
	if (memchr(buf, '\0', len) || memchr(buf, '\n', len))
		return -EINVAL;
	return (ssize_t)len;
}

/* Where kernel-install's BOOT_ROOT is mounted: the ESP, or an XBOOTLDR at /boot. */
static const char *const uki_dirs[] = { "efi/EFI/Linux", "boot/efi/EFI/Linux", "boot/EFI/Linux" };

static bool is_uki_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && strcasecmp(name + n - 4, ".efi") == 0;
}

/* The UKI whose name sorts newest in the first directory that has one, in @name. */
static const char *newest_uki(int rootfd, char *name, size_t size, unsigned int *count)
{
	size_t i;

	*count = 0;
	name[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(uki_dirs); i++) {
		DIR *d = opendir_at(rootfd, uki_dirs[i]);
		struct dirent *de;

		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (!is_uki_name(de->d_name) || strlen(de->d_name) >= size)
				continue;
			(*count)++;
			if (strverscmp(de->d_name, name) > 0)
				strcpy(name, de->d_name);
		}
		closedir(d);
		if (*count)
			return uki_dirs[i];
	}
	return NULL;
}

unsigned int uki_count(int rootfd)
{
	char name[256];
	unsigned int count;

	newest_uki(rootfd, name, sizeof(name), &count);
	return count;
}

ssize_t uki_next(int rootfd, char *path, size_t path_size, char *buf, size_t size)
{
	char name[256];
	unsigned int count;
	const char *dir = newest_uki(rootfd, name, sizeof(name), &count);
	ssize_t len;
	int fd;

	if (path_size)
		path[0] = '\0';
	if (!dir)
		return -ENOENT;
	if (path_join(path, path_size, "/%s/%s", dir, name) < 0)
		return -ENAMETOOLONG;
	fd = openat(rootfd, path + 1, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	len = uki_cmdline_fd(fd, buf, size);
	close(fd);
	return len;
}
