// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the helper's own formatter (src/shared/format.c), as a
 * differential test: the input picks a conversion inside format.h's subset
 * (flags, width and precision as digits or '*', a length, a value, a
 * buffer size), and format() must give exactly what the C library's
 * snprintf() gives, the returned length and the bytes both.  Outside the
 * subset (a length on %s or %c) and for a format that ends inside a
 * conversion it must refuse with -EINVAL, reading nothing past the
 * format's end: each format is copied to a heap block of its own size, so
 * ASan sees a byte read beyond it.  Built with libFuzzer (make fuzz) or
 * with the smoke driver (make check).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * For the smoke driver: any bytes make a case; these are edge values.
 * (Its tokens are strings: a zero byte comes from its random bytes.)
 */
const char *const fuzz_tokens[] = {
	"\x01",
	"\x02",
	"\x03",
	"\x04",
	"\x06",
	"\x7f",
	"\x80",
	"\xff",
	"\xfe",
	"0",
	"9",
	"A",
	"z",
	"\x80\x80\x80\x80\x80\x80\x80\x80",
	"\xff\xff\xff\xff\xff\xff\xff\x7f",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint64_t take64(struct input *in)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | take(in);
	return v;
}

/* Both formatters on one conversion: the same length, the same bytes. */
#define BOTH(...)                                              \
	do {                                                   \
		want = snprintf(a, bufsize, fmt, __VA_ARGS__); \
		got = format(b, bufsize, exact, __VA_ARGS__);  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char convs[] = "diuxXcs";
	static const char *const lengths[] = { "", "hh", "h", "l", "ll", "z" };
	struct input in = { data, size };
	char fmt[64], a[128], b[128], str[48], *exact;
	uint8_t flags = take(&in), wmode = take(&in) % 3, wval = take(&in);
	uint8_t pmode = take(&in) % 4, pval = take(&in);
	size_t len = take(&in) % 6, bufsize = 1 + take(&in) % sizeof(a), o = 0, n;
	char conv = convs[take(&in) % (sizeof(convs) - 1)];
	uint64_t v = take64(&in);
	int want, got, star_w = (int8_t)wval, star_p = (int8_t)pval;
	bool text = conv == 's' || conv == 'c', cut = flags & 4;

	for (n = 0; n < sizeof(str) - 1 && in.left; n++) {
		str[n] = (char)take(&in);
		if (!str[n])
			break;
	}
	str[n] = '\0';
	/* Undefined in C, so not compared: '0' on text, a precision on %c. */
	if (text)
		flags &= 1;
	if (conv == 'c')
		pmode = 0;
	o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, "<%%%s%s", flags & 1 ? "-" : "",
			      flags & 2 ? "0" : "");
	if (wmode == 1)
		o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, "%u", (unsigned int)(wval % 40));
	else if (wmode == 2)
		o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, "*");
	if (pmode == 1)
		o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, ".%u", (unsigned int)(pval % 40));
	else if (pmode == 2)
		o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, ".*");
	else if (pmode == 3)
		o += (size_t)snprintf(fmt + o, sizeof(fmt) - o, ".");
	if (cut)
		snprintf(fmt + o, sizeof(fmt) - o, "%s", lengths[len]);
	else
		snprintf(fmt + o, sizeof(fmt) - o, "%s%c>", lengths[len], conv);
	exact = strdup(fmt);
	if (!exact)
		abort();
	if (cut || (text && len)) {
		/* Cut short, or outside the subset: refused, whatever the arguments. */
		if (format(b, bufsize, exact, 0, 0, str) != -EINVAL || b[0] != '\0')
			abort();
		free(exact);
		return 0;
	}
#define ARGS(x)                                  \
	do {                                     \
		if (wmode == 2 && pmode == 2)    \
			BOTH(star_w, star_p, x); \
		else if (wmode == 2)             \
			BOTH(star_w, x);         \
		else if (pmode == 2)             \
			BOTH(star_p, x);         \
		else                             \
			BOTH(x);                 \
	} while (0)
	if (conv == 's')
		ARGS(str);
	else if (conv == 'c')
		ARGS((int)(v & 0x7f ? v & 0x7f : 'x'));
	else if (conv == 'd' || conv == 'i') {
		switch (len) {
		case 0:
		case 1:
		case 2:
			ARGS((int)v);
			break;
		case 3:
			ARGS((long)v);
			break;
		case 4:
			ARGS((long long)v);
			break;
		default:
			ARGS((size_t)v);
			break; /* %zd: size_t's signed type */
		}
	} else {
		switch (len) {
		case 0:
		case 1:
		case 2:
			ARGS((unsigned int)v);
			break;
		case 3:
			ARGS((unsigned long)v);
			break;
		case 4:
			ARGS((unsigned long long)v);
			break;
		default:
			ARGS((size_t)v);
			break;
		}
	}
	if (want != got || strcmp(a, b) != 0) {
		fprintf(stderr, "format \"%s\" size %zu: snprintf %d \"%s\", format %d \"%s\"\n",
			fmt, bufsize, want, a, got, b);
		abort();
	}
	free(exact);
	return 0;
}
