// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading an IOMMU group's reserved_regions (see regions.h): strictly, as
 * the kernel prints them, each line on its own; a line of any other form
 * is counted and skipped, never guessed at.
 */
#include <errno.h>
#include <string.h>

#include "host/regions.h"
#include "shared/util.h"

static const char *const type_names[] = {
	[RESV_DIRECT] = "direct",
	[RESV_DIRECT_RELAXABLE] = "direct-relaxable",
	[RESV_RESERVED] = "reserved",
	[RESV_MSI] = "msi",
};

const char *resv_type_name(enum resv_type type)
{
	return (unsigned int)type < ARRAY_SIZE(type_names) ? type_names[type] : "?";
}

/* "0x" and 1 to 16 hex digits, as %016llx prints a 64-bit address. */
static int parse_addr(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	size_t i;

	if (end - s < 3 || s[0] != '0' || s[1] != 'x')
		return -EINVAL;
	s += 2;
	for (i = 0; s + i < end && i < 17; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			break;
		if (i == 16)
			return -EINVAL;
		v = (v << 4) | d;
	}
	if (i == 0)
		return -EINVAL;
	*out = v;
	*p = s + i;
	return 0;
}

static int parse_line(const char *s, size_t len, struct resv_region *r)
{
	const char *p = s, *end = s + len;
	size_t i;

	if (parse_addr(&p, end, &r->start) < 0 || p >= end || *p++ != ' ' ||
	    parse_addr(&p, end, &r->end) < 0 || p >= end || *p++ != ' ' || r->end < r->start)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(type_names); i++)
		if ((size_t)(end - p) == strlen(type_names[i]) &&
		    memcmp(p, type_names[i], (size_t)(end - p)) == 0) {
			r->type = (enum resv_type)i;
			return 0;
		}
	return -EINVAL;
}

void resv_regions_parse(const char *text, size_t len, struct resv_regions *out)
{
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct resv_region r;

		if (n > 0 && parse_line(p, n, &r) == 0) {
			if (out->n < RESV_REGIONS_MAX)
				out->r[out->n++] = r;
			else
				out->dropped++;
		} else if (n > 0) {
			out->malformed++;
		}
		p = nl ? nl + 1 : end;
	}
}

/* 0, -ENOENT when the group shows none (kernels before 4.11), or -errno. */
int resv_regions_read(const struct sysfs *sys, int group, struct resv_regions *out)
{
	char path[64], text[ATTR_MAX];
	ssize_t n;

	memset(out, 0, sizeof(*out));
	if (group < 0)
		return -ENOENT;
	if (path_join(path, sizeof(path), "sys/kernel/iommu_groups/%d/reserved_regions", group) < 0)
		return -ENAMETOOLONG;
	n = read_attr_at(sys->root, path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	resv_regions_parse(text, (size_t)n, out);
	return 0;
}

/* The first region that keeps the group out of a VM, or NULL. */
const struct resv_region *resv_regions_direct(const struct resv_regions *rr)
{
	unsigned int i;

	for (i = 0; i < rr->n; i++)
		if (rr->r[i].type == RESV_DIRECT)
			return &rr->r[i];
	return NULL;
}

/* "0x000000007b800000-0x000000007fffffff", as the kernel prints the ends. */
int resv_region_format(const struct resv_region *r, char *buf, size_t size)
{
	return path_join(buf, size, "0x%016llx-0x%016llx", (unsigned long long)r->start,
			 (unsigned long long)r->end);
}
