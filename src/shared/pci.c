// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI addresses and id matches, parsed strictly: they come from the kernel
 * command line and from configuration files, and they end up in sysfs
 * paths, so anything that is not exactly an address is refused.
 */
#include <errno.h>
#include <string.h>

#include "shared/pci.h"
#include "shared/util.h"

/* Split off the next ':'-separated field of [s, end). */
static const char *next_field(const char *s, const char *end, size_t *len)
{
	const char *colon = memchr(s, ':', (size_t)(end - s));

	*len = (size_t)((colon ? colon : end) - s);
	return colon ? colon + 1 : NULL;
}

/* [DDDD:]BB:SS.F, the form the kernel names devices in (lower or upper case). */
int pci_addr_parse(const char *s, size_t len, struct pci_addr *addr, const char **why)
{
	const char *end = s + len, *fields[3], *dot, *p = s;
	size_t lens[3], n = 0, slen;
	uint32_t domain = 0, bus, slot, func;

	dot = memchr(s, '.', len);
	if (!dot) {
		*why = "not an address [DDDD:]BB:SS.F";
		return -EINVAL;
	}
	while (p && n < ARRAY_SIZE(fields)) {
		fields[n] = p;
		p = next_field(p, dot, &lens[n]);
		n++;
	}
	if (p || n < 2) {
		*why = "not an address [DDDD:]BB:SS.F";
		return -EINVAL;
	}
	if (n == 3 && parse_hex(fields[0], lens[0], 8, &domain) < 0) {
		*why = "the domain is not 1-8 hex digits";
		return -EINVAL;
	}
	if (parse_hex(fields[n - 2], lens[n - 2], 2, &bus) < 0) {
		*why = "the bus is not 1-2 hex digits";
		return -EINVAL;
	}
	slen = lens[n - 1];
	if (parse_hex(fields[n - 1], slen, 2, &slot) < 0 || slot > 0x1f) {
		*why = "the slot is not a hex number 00-1f";
		return -EINVAL;
	}
	if (end - dot > 2) {
		*why = "unexpected text after the function";
		return -EINVAL;
	}
	if (end - dot != 2 || dot[1] < '0' || dot[1] > '7') {
		*why = "the function is not a digit 0-7";
		return -EINVAL;
	}
	func = (uint32_t)(dot[1] - '0');

	addr->domain = domain;
	addr->bus = (uint8_t)bus;
	addr->slot = (uint8_t)slot;
	addr->func = (uint8_t)func;
	return 0;
}

/* @n lower-case hex digits of @v at @p; returns the end. */
static char *put_hex(char *p, uint32_t v, unsigned int n)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = n; i-- > 0; v >>= 4)
		p[i] = digits[v & 0xf];
	return p + n;
}

/*
 * The kernel's own spelling, which is also the name under
 * /sys/bus/pci/devices: "%04x:%02x:%02x.%d" (pci_setup_device()).  By
 * hand, as the scan spells every device's name with it.
 */
int pci_addr_format(const struct pci_addr *addr, char *buf, size_t size)
{
	unsigned int domain_digits = 4;
	char *p = buf;

	while (domain_digits < 8 && addr->domain >> (4 * domain_digits))
		domain_digits++;
	if (addr->slot > 0x1f || addr->func > 7)
		return -EINVAL;
	if (size < domain_digits + sizeof(":00:00.0"))
		return -ENAMETOOLONG;
	p = put_hex(p, addr->domain, domain_digits);
	*p++ = ':';
	p = put_hex(p, addr->bus, 2);
	*p++ = ':';
	p = put_hex(p, addr->slot, 2);
	*p++ = '.';
	*p++ = (char)('0' + addr->func);
	*p = '\0';
	return 0;
}

int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

bool pci_same_slot(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

/*
 * The kernel reads vfio-pci.ids= with sscanf("%x"), which also takes a
 * "0x" prefix: honour that spelling there, and only there.
 */
static void skip_0x(const char **s, size_t *len, bool kernel)
{
	if (kernel && *len > 2 && (*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
		*s += 2;
		*len -= 2;
	}
}

/* A 16-bit id, or the kernel's 32-bit PCI_ANY_ID spelt ffffffff. */
static int parse_id16(const char *s, size_t len, uint32_t *out)
{
	if (len == 8)
		return parse_hex(s, len, 8, out) == 0 && *out == PCI_ANY ? 0 : -EINVAL;
	return parse_hex(s, len, 4, out);
}

/*
 * vendor:device[:subvendor[:subdevice[:class[:class_mask]]]], the format of
 * the kernel's vfio-pci.ids=.  Omitted ids match anything.  For
 * vfiopt.ids= (@kernel false) a class given without a mask must match in
 * full, because a user who writes a class means it; for the kernel's own
 * parameter (@kernel true) the kernel's reading stands: no mask, no class
 * match, so that vfiopt claims what vfio-pci itself would.
 */
int pci_match_parse(const char *s, size_t len, bool kernel, struct pci_match *m, const char **why)
{
	static const char *const errors[] = {
		"the vendor is not 1-4 hex digits",
		"the device is not 1-4 hex digits",
		"the subsystem vendor is not 1-4 hex digits",
		"the subsystem device is not 1-4 hex digits",
		"the class is not 1-6 hex digits",
		"the class mask is not 1-6 hex digits",
	};
	uint32_t v[ARRAY_SIZE(errors)];
	const char *end = s + len, *p = s;
	size_t n = 0;

	while (p) {
		size_t flen;
		const char *field = p;
		int r;

		if (n == ARRAY_SIZE(errors)) {
			*why = "more than 6 fields (vendor:device:subvendor:subdevice:class:mask)";
			return -EINVAL;
		}
		p = next_field(p, end, &flen);
		skip_0x(&field, &flen, kernel);
		r = n < 4 ? parse_id16(field, flen, &v[n]) : parse_hex(field, flen, 6, &v[n]);
		if (r < 0) {
			*why = errors[n];
			return -EINVAL;
		}
		n++;
	}
	if (n < 2) {
		*why = "needs at least vendor:device";
		return -EINVAL;
	}
	m->vendor = v[0];
	m->device = v[1];
	m->subvendor = n > 2 ? v[2] : PCI_ANY;
	m->subdevice = n > 3 ? v[3] : PCI_ANY;
	m->class = n > 4 ? v[4] : 0;
	m->class_mask = n > 5 ? v[5] : (n > 4 && !kernel ? 0xffffffu : 0);
	/* Any vendor and any class is every device of the machine, its disks too. */
	if (m->vendor == PCI_ANY && m->class_mask == 0) {
		*why = "matches every device: name a vendor or a class and mask";
		return -EINVAL;
	}
	return 0;
}

static bool id_matches(uint32_t want, uint16_t have)
{
	return want == PCI_ANY || want == have;
}

bool pci_match_ids(const struct pci_match *m, const struct pci_ids *ids)
{
	return id_matches(m->vendor, ids->vendor) && id_matches(m->device, ids->device) &&
	       id_matches(m->subvendor, ids->subvendor) &&
	       id_matches(m->subdevice, ids->subdevice) &&
	       ((ids->class ^ m->class) & m->class_mask) == 0;
}
