// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for everything that reads the untrusted kernel command line:
 * the splitter, the selection and the id and address parsers.  Beyond "no
 * crash", it checks that what was accepted is self-consistent: an accepted
 * address prints and parses back to itself, counts stay within bounds.
 * Built with libFuzzer (make fuzz) or with the smoke driver (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/pci.h"
#include "shared/selection.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* For the smoke driver: the pieces command lines are made of. */
const char *const fuzz_tokens[] = {
	"vfiopt.ids=",
	"vfiopt.addrs=",
	"vfio-pci.ids=",
	"vfio_pci.ids=",
	"vfiopt.disable",
	"vfiopt.companions=",
	"rd.vfiopt.ids=",
	"\"",
	"\"",
	",",
	",",
	":",
	":",
	".",
	"=",
	" ",
	" ",
	"\t",
	"--",
	"8086",
	"10de",
	"3e90",
	"ffffffff",
	"ffff",
	"030000",
	"0000",
	"00",
	"02",
	"1f",
	"7",
	"9",
	"../",
	"/",
	"\xa0",
	"0x",
	"-1",
	"zz",
	"",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

static void check_addr_roundtrip(const struct pci_addr *a)
{
	char name[PCI_NAME_MAX];
	struct pci_addr back;
	const char *why;

	if (pci_addr_format(a, name, sizeof(name)) < 0 ||
	    pci_addr_parse(name, strlen(name), &back, &why) < 0 || pci_addr_cmp(a, &back) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[CMDLINE_MAX];
	static struct selection sel;
	struct pci_match m;
	struct pci_addr a;
	const char *why;
	unsigned int i;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';

	selection_init(&sel);
	selection_parse_cmdline(&sel, buf);
	if (sel.n_ids > SEL_MAX_IDS || sel.n_addrs > SEL_MAX_ADDRS)
		abort();
	for (i = 0; i < sel.n_addrs; i++) {
		check_addr_roundtrip(&sel.addrs[i].addr);
		if (strlen(sel.addrs[i].text) > SEL_ENTRY_MAX)
			abort();
	}
	for (i = 0; i < sel.n_ids; i++)
		if (strlen(sel.ids[i].text) > SEL_ENTRY_MAX)
			abort();

	/* The raw parsers on raw bytes, NULs included. */
	if (pci_addr_parse((const char *)data, size, &a, &why) == 0)
		check_addr_roundtrip(&a);
	else if (!why)
		abort();
	if (pci_match_parse((const char *)data, size, size & 1, &m, &why) < 0 && !why)
		abort();
	return 0;
}
