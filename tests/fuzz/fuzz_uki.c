// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the reader of a unified kernel image's .cmdline
 * section (src/setup/uki.c), which check and status run on files in the
 * ESP.  An input that starts with "MZ" is the file itself.  Any other is
 * a recipe, so that random inputs reach past the headers: a well-formed
 * PE with a .cmdline section, then patches of it (each three bytes, an
 * offset into the headers and a byte), then, after a '|', the section's
 * text.  The reader must never read outside the file (ASan), and what it
 * returns must be a string of the length it says, with no NUL or
 * newline in it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "setup/uki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *const fuzz_tokens[] = {
	"MZ",	    "|",    "root=UUID=1 ro", " vfiopt.ids=8086:3e90",
	"\n",	    " ",    "\x3c",	      "\x80",
	"\x10",	    "\x12", "\x14",	      "\x18",
	"\x9c",	    "\xa0", "\xa4",	      "\xac",
	"\xff\xff", "PE",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

/* Headers: DOS stub, PE at 0x40, no optional header, two sections (.text, .cmdline). */
#define PE_AT 0x40
#define TABLE_AT (PE_AT + 4 + 20)
#define HEADERS_SIZE (TABLE_AT + 2 * 40)
#define TEXT_AT 0x200

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static size_t build(const uint8_t *data, size_t size, uint8_t *out, size_t cap)
{
	const uint8_t *bar = memchr(data, '|', size);
	size_t patches = bar ? (size_t)(bar - data) : size, text = bar ? size - patches - 1 : 0;
	size_t i;

	if (TEXT_AT + text > cap)
		return 0;
	memset(out, 0, TEXT_AT);
	out[0] = 'M';
	out[1] = 'Z';
	put32(out + 0x3c, PE_AT);
	memcpy(out + PE_AT, "PE\0\0", 4);
	out[PE_AT + 4 + 2] = 2;
	memcpy(out + TABLE_AT, ".text\0\0\0", 8);
	memcpy(out + TABLE_AT + 40, ".cmdline", 8);
	put32(out + TABLE_AT + 40 + 8, (uint32_t)text);
	put32(out + TABLE_AT + 40 + 16, (uint32_t)text);
	put32(out + TABLE_AT + 40 + 20, TEXT_AT);
	for (i = 0; i + 3 <= patches; i += 3) {
		size_t at = ((size_t)data[i] << 8 | data[i + 1]) % HEADERS_SIZE;

		out[at] = data[i + 2];
	}
	memcpy(out + TEXT_AT, bar ? bar + 1 : data, text);
	return TEXT_AT + text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[1 << 16];
	static char buf[UKI_CMDLINE_MAX];
	size_t len = size;
	ssize_t n;
	int fd;

	if (size >= 2 && data[0] == 'M' && data[1] == 'Z') {
		if (size > sizeof(file))
			return 0;
		memcpy(file, data, size);
	} else {
		len = build(data, size, file, sizeof(file));
		if (!len)
			return 0;
	}
	fd = memfd_create("uki", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write(fd, file, len) != (ssize_t)len)
		abort();
	/* A small buffer too, for the bound. */
	n = uki_cmdline_fd(fd, buf, len & 1 ? 16 : sizeof(buf));
	if (n >= 0 && (strlen(buf) != (size_t)n || strchr(buf, '\n')))
		abort();
	if (n < 0 && n != -ENOENT && n != -EINVAL && n != -EFBIG)
		abort();
	close(fd);
	return 0;
}
