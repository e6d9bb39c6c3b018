// SPDX-License-Identifier: GPL-2.0-or-later
/* The little JSON that list, status and check write: strings, escaped. */
#include <stdio.h>

#include "json.h"

void json_string(const char *s)
{
	if (!s || !*s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}
