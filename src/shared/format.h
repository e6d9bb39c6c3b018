/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_FORMAT_H
#define VFIOPT_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * printf-style formatting for what runs at boot, as the kernel has its own
 * vsnprintf: libc's pulls in floating point and stdio, a fifth of a static
 * helper.  The subset: flags '-' and '0', a width and a precision (digits
 * or '*'), lengths hh h l ll z, conversions d i u x X c s %.  Anything
 * else is -EINVAL, so a format outside it fails loudly in the tests, never
 * prints something else.  The compiler checks the arguments' types.
 *
 * format_v and format: as vsnprintf, the length the whole output needs
 * (the buffer holds what fits, always NUL-terminated when @size > 0), or
 * -EINVAL.  print_fd: format (cut at FORMAT_PRINT_MAX) and write to @fd.
 */
#define FORMAT_PRINT_MAX 4096

int format_v(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int print_fd(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
