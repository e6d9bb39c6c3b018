// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run a fuzz target without libFuzzer, under ASan and UBSan, in make
 * check: every corpus file, then a fixed number of inputs built from a
 * seeded generator out of the target's tokens and random bytes.  Same
 * seed, same inputs: a failure here reproduces.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's own pieces of input, in its fuzz_*.c. */
extern const char *const fuzz_tokens[];
extern const size_t fuzz_n_tokens;

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t generate(uint8_t *buf, size_t cap)
{
	size_t len = 0, parts = next_rand() % 40;

	while (parts--) {
		if (next_rand() % 8 == 0) {
			if (len < cap)
				buf[len++] = (uint8_t)next_rand();
			continue;
		}
		const char *t = fuzz_tokens[next_rand() % fuzz_n_tokens];
		size_t n = strlen(t);

		if (len + n > cap)
			break;
		memcpy(buf + len, t, n);
		len += n;
	}
	return len;
}

static int run_corpus(const char *dir)
{
	static uint8_t buf[65536];
	struct dirent *de;
	int files = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[4096];
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n >= 0) {
			LLVMFuzzerTestOneInput(buf, (size_t)n);
			files++;
		}
	}
	closedir(d);
	return files;
}

int main(int argc, char **argv)
{
	static uint8_t buf[8192];
	long i, iterations = argc > 2 ? atol(argv[2]) : 200000;
	int files = argc > 1 ? run_corpus(argv[1]) : 0;

	if (files < 0) {
		fprintf(stderr, "cannot read corpus %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < iterations; i++) {
		size_t n = generate(buf, sizeof(buf));

		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("%d corpus files and %ld generated inputs parsed\n", files, iterations);
	return 0;
}
