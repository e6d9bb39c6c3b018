/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_CMDLINE_WORDS_H
#define VFIOPT_CMDLINE_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Kernel command lines that live in files of someone else's (GRUB_CMDLINE_
 * LINUX in /etc/default/grub, /etc/kernel/cmdline): setup adds its words
 * and takes exactly those away again, and leaves every other byte as it
 * was.  Words are separated by spaces, tabs and newlines; @words arguments
 * are setup's own, single-space separated.
 */

/* Far more than setup ever adds (five words), and few enough for the stack. */
#define WORDS_REMOVE_MAX 256

const char *words_next(const char *s, size_t len, size_t *pos, size_t *n);
bool words_has(const char *line, size_t len, const char *word, size_t word_len);
int words_edit(const char *line, size_t len, const char *remove, const char *add, char *out,
	       size_t size, char *added, size_t added_size);
const char *words_clash(const char *line, size_t len, const char *add, const char *remove,
			bool any_key, size_t *clash_len);

/* Room for every word setup can write (64 ids, 64 addresses) and some. */
#define SELECTION_WORDS_MAX 8192

void cmdline_selection_words(const char *line, char *out, size_t size);

#endif
