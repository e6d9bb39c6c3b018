// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ask QEMU what it supports.  "-device vfio-pci,help" prints one property
 * a line, "  NAME=<TYPE>  - DESCRIPTION (default: VALUE)"; "-object help"
 * one type a line after a heading.  Both are read as untrusted text: any
 * line that is not of that form is skipped, nothing is assumed of order
 * or length, and a property counts only as a whole name.
 */
#include <errno.h>
#include <string.h>

#include "host/vm/qemu-caps.h"
#include "shared/spawn.h"

#define QEMU_HELP_TIMEOUT_MS 10000

/* The next line of [*p, end), without its newline; false at the end. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*p >= end)
		return false;
	*line = *p;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*len = (size_t)((nl ? nl : end) - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

static bool has_text(const char *s, size_t len, const char *text)
{
	size_t n = strlen(text), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(s + i, text, n) == 0)
			return true;
	return false;
}

static bool is_name(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(s, name, len) == 0;
}

void qemu_caps_parse_device(const char *help, size_t len, struct qemu_caps *caps)
{
	const char *p = help, *end = help + len, *line;
	size_t n;

	while (next_line(&p, end, &line, &n)) {
		size_t skip = 0, name;
		const char *eq;

		while (skip < n && line[skip] == ' ')
			skip++;
		eq = memchr(line + skip, '=', n - skip);
		if (skip == 0 || !eq)
			continue;
		name = (size_t)(eq - (line + skip));
		line += skip;
		n -= skip;
		if (is_name(line, name, "x-igd-opregion")) {
			caps->igd_opregion = true;
			caps->igd_opregion_default = has_text(line, n, "(default: on)") ||
						     has_text(line, n, "(default: true)");
		} else if (is_name(line, name, "x-igd-lpc")) {
			caps->igd_lpc = true;
		} else if (is_name(line, name, "x-igd-legacy-mode")) {
			caps->igd_legacy_mode = true;
		} else if (is_name(line, name, "iommufd")) {
			caps->vfio_iommufd = true;
		}
	}
}

void qemu_caps_parse_objects(const char *help, size_t len, struct qemu_caps *caps)
{
	const char *p = help, *end = help + len, *line;
	size_t n;

	while (next_line(&p, end, &line, &n)) {
		while (n > 0 && line[0] == ' ') {
			line++;
			n--;
		}
		if (is_name(line, n, "iommufd"))
			caps->iommufd_object = true;
	}
}

int qemu_caps_probe(const char *qemu, struct qemu_caps *caps)
{
	static char help[QEMU_HELP_MAX];
	const char *device[] = { qemu, "-device", "vfio-pci,help", NULL };
	const char *object[] = { qemu, "-object", "help", NULL };
	int r;

	memset(caps, 0, sizeof(*caps));
	r = run_capture(device, help, sizeof(help), QEMU_HELP_TIMEOUT_MS);
	if (r < 0)
		return r;
	qemu_caps_parse_device(help, strlen(help), caps);
	r = run_capture(object, help, sizeof(help), QEMU_HELP_TIMEOUT_MS);
	if (r < 0)
		return r;
	qemu_caps_parse_objects(help, strlen(help), caps);
	return 0;
}
