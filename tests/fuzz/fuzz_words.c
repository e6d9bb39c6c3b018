// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the edits setup makes to kernel command lines in files
 * that are not its own (GRUB_CMDLINE_LINUX, /etc/kernel/cmdline): the
 * input is a line, a newline, and the words to add (neither holds a
 * newline where setup edits them).  Adding them and then
 * removing what was added must give the line back byte for byte; every
 * added word must be new to the line.  Built with libFuzzer (make fuzz)
 * or with the smoke driver (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setup/cmdline-words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* For the smoke driver: the pieces command lines and selections are made of. */
const char *const fuzz_tokens[] = {
	"quiet",
	" ",
	" ",
	"\t",
	"  ",
	"\n",
	"\n",
	"iommu=pt",
	"intel_iommu=on",
	"vfiopt.ids=",
	"vfiopt.addrs=",
	"10de:1b80",
	"0000:01:00.0",
	"video=efifb:off",
	"root=UUID=1",
	"ro",
	"splash",
	"\"",
	"=",
	",",
	"vfiopt.",
	"a",
	"\n",
	"\xa0",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

#define LINE_MAX_LEN 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[LINE_MAX_LEN], add[LINE_MAX_LEN], out[2 * LINE_MAX_LEN + 2];
	static char added[LINE_MAX_LEN + 1], back[2 * LINE_MAX_LEN + 2], none[LINE_MAX_LEN + 1];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t llen = nl ? (size_t)(nl - data) : size, alen = nl ? size - llen - 1 : 0;
	size_t pos = 0, n, clash_len;
	const char *w;

	if (llen >= sizeof(line) || alen >= sizeof(add))
		return 0;
	memcpy(line, data, llen);
	line[llen] = '\0';
	llen = strlen(line);
	/* Both end at a NUL, if any: C strings, like setup's. */
	memcpy(add, nl ? nl + 1 : data, alen);
	add[alen] = '\0';

	words_clash(line, llen, add, "", llen & 1, &clash_len);
	if (words_edit(line, llen, "", add, out, sizeof(out), added, sizeof(added)) < 0)
		return 0;
	while ((w = words_next(added, strlen(added), &pos, &n)))
		if (words_has(line, llen, w, n))
			abort();
	if (words_edit(out, strlen(out), added, "", back, sizeof(back), none, sizeof(none)) < 0) {
		size_t words = 0;

		pos = 0;
		while (words_next(added, strlen(added), &pos, &n))
			words++;
		if (words <= WORDS_REMOVE_MAX)
			abort();
		return 0;
	}
	if (strcmp(back, line) != 0 || none[0])
		abort();
	return 0;
}
