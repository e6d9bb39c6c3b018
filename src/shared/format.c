// SPDX-License-Identifier: GPL-2.0-or-later
/* A small vsnprintf: the subset format.h names, and nothing else. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "shared/format.h"
#include "shared/util.h"

struct sink {
	char *buf;
	size_t size;
	size_t len; /* what the whole output needs, written or not */
};

static void put(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void put_n(struct sink *s, char c, long n)
{
	while (n-- > 0)
		put(s, c);
}

struct spec {
	bool left;  /* '-' */
	bool zero;  /* '0' */
	long width; /* 0 when none */
	long prec;  /* -1 when none */
	int length; /* 'H' hh, 'h', 'l', 'L' ll, 'z', 0 for int */
	char conv;
};

/* A field of @len bytes from @s, padded to the width. */
static void put_field(struct sink *s, const struct spec *sp, const char *str, size_t len)
{
	long pad = sp->width > (long)len ? sp->width - (long)len : 0;

	if (!sp->left)
		put_n(s, ' ', pad);
	while (len--)
		put(s, *str++);
	if (sp->left)
		put_n(s, ' ', pad);
}

static void put_number(struct sink *s, const struct spec *sp, uintmax_t v, bool negative)
{
	static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	const char *digits = sp->conv == 'X' ? upper : lower;
	unsigned int base = sp->conv == 'x' || sp->conv == 'X' ? 16 : 10;
	char tmp[3 * sizeof(uintmax_t)];
	long n = 0, zeros, pad, body;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	/* A precision is the least number of digits; "%.0d" of 0 is empty. */
	if (sp->prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	zeros = sp->prec > n ? sp->prec - n : 0;
	body = n + zeros + negative;
	pad = sp->width > body ? sp->width - body : 0;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		put_n(s, ' ', pad);
	if (negative)
		put(s, '-');
	put_n(s, '0', zeros);
	while (n)
		put(s, tmp[--n]);
	if (sp->left)
		put_n(s, ' ', pad);
}

/* Beyond any field we print: the bound of a width or a precision. */
#define COUNT_MAX 65536

/* Digits or '*' for a width or a precision; -EINVAL past COUNT_MAX. */
static int parse_count(const char **f, va_list *ap, long *out)
{
	long v = 0;

	if (**f == '*') {
		(*f)++;
		v = va_arg(*ap, int);
		if (v > COUNT_MAX || v < -COUNT_MAX)
			return -EINVAL;
		*out = v;
		return 0;
	}
	while (**f >= '0' && **f <= '9') {
		v = v * 10 + (*(*f)++ - '0');
		if (v > COUNT_MAX)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_spec(const char **f, va_list *ap, struct spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; (*f)++) {
		if (**f == '-')
			sp->left = true;
		else if (**f == '0')
			sp->zero = true;
		else
			break;
	}
	if (parse_count(f, ap, &sp->width) < 0)
		return -EINVAL;
	if (sp->width < 0) { /* a negative '*' width is '-' and its size */
		sp->left = true;
		sp->width = -sp->width;
	}
	if (**f == '.') {
		(*f)++;
		if (parse_count(f, ap, &sp->prec) < 0)
			return -EINVAL;
		if (sp->prec < 0)
			sp->prec = -1;
	}
	if (**f == 'h' || **f == 'l') {
		sp->length = *(*f)++;
		if (**f == sp->length) {
			sp->length = sp->length == 'h' ? 'H' : 'L';
			(*f)++;
		}
	} else if (**f == 'z') {
		sp->length = *(*f)++;
	}
	/* A format that ends inside a conversion: never step past its NUL. */
	if (**f == '\0')
		return -EINVAL;
	sp->conv = *(*f)++;
	return 0;
}

static uintmax_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static intmax_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return (intmax_t)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static int put_conversion(struct sink *s, const struct spec *sp, va_list *ap)
{
	const char *str;
	intmax_t v;
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		v = arg_signed(sp, ap);
		put_number(s, sp, v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v, v < 0);
		return 0;
	case 'u':
	case 'x':
	case 'X':
		put_number(s, sp, arg_unsigned(sp, ap), false);
		return 0;
	case 'c':
		if (sp->length)
			return -EINVAL;
		c = (char)va_arg(*ap, int);
		put_field(s, sp, &c, 1);
		return 0;
	case 's':
		if (sp->length)
			return -EINVAL;
		str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)";
		put_field(s, sp, str, sp->prec >= 0 ? strnlen(str, (size_t)sp->prec) : strlen(str));
		return 0;
	default:
		return -EINVAL;
	}
}

int format_v(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };
	va_list args;
	int r = 0;

	va_copy(args, ap);
	while (r == 0 && *fmt) {
		struct spec sp;

		if (*fmt != '%') {
			put(&s, *fmt++);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			put(&s, *fmt++);
			continue;
		}
		r = parse_spec(&fmt, &args, &sp);
		if (r == 0)
			r = put_conversion(&s, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	if (r < 0) {
		if (size)
			buf[0] = '\0';
		return r;
	}
	return s.len > INT_MAX ? -EOVERFLOW : (int)s.len;
}

int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * One write() when it fits, so that a line reaches a pipe whole; a line
 * cut at FORMAT_PRINT_MAX keeps its newline.
 */
int print_fd(int fd, const char *fmt, ...)
{
	char buf[FORMAT_PRINT_MAX];
	size_t fmt_len = strlen(fmt);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(buf) && fmt_len && fmt[fmt_len - 1] == '\n')
		buf[sizeof(buf) - 2] = '\n';
	return write_full(fd, buf, strlen(buf));
}
