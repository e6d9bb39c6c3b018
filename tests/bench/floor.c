// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor ROOT: the least any claim tool must do on ROOT, to be timed against
 * `vfiopt claim`: list ROOT/sys/bus/pci/devices and read each device's
 * uevent once (one openat, one read, one close).  It prints the bytes read,
 * so the work has a visible result and fails if there was none.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096], buf[4096];
	unsigned long total = 0;
	struct dirent *e;
	ssize_t n;
	DIR *dir;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: floor ROOT\n");
		return 2;
	}
	if (snprintf(path, sizeof(path), "%s/sys/bus/pci/devices", argv[1]) >= (int)sizeof(path)) {
		fprintf(stderr, "floor: ROOT too long\n");
		return 2;
	}
	dir = opendir(path);
	if (!dir) {
		perror(path);
		return 1;
	}
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/uevent", e->d_name) >= (int)sizeof(path))
			continue;
		fd = openat(dirfd(dir), path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			total += n;
		close(fd);
	}
	closedir(dir);
	printf("%lu\n", total);
	return total ? 0 : 1;
}
