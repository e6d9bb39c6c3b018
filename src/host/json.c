// SPDX-License-Identifier: GPL-2.0-or-later
/* The little JSON that list, status and check write: strings, escaped. */
#include <stdio.h>

#include "host/json.h"

/*
 * The length of the well-formed UTF-8 sequence at @s (2 to 4), or 0: JSON
 * is UTF-8, and what we print comes from files anyone may have written
 * (the claim record, pci.ids, file names under modprobe.d).
 */
static size_t utf8_sequence(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A byte that is not UTF-8 is written as the character of its value (Latin-1). */
void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s || !*s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			printf("\\u%04x", *p++);
		} else if (*p < 0x80) {
			putchar(*p++);
		} else if ((n = utf8_sequence(p))) {
			fwrite(p, 1, n, stdout);
			p += n;
		} else {
			printf("\\u%04x", *p++);
		}
	}
	putchar('"');
}
