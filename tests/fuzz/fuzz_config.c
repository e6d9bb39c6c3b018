// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for /etc/vfiopt.conf, which the initramfs reads at boot:
 * beyond "no crash", what was accepted stays within bounds, and a file the
 * parser took whole gives the same selection when read again.  Built with
 * libFuzzer (make fuzz) or with the smoke driver (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "selection.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* For the smoke driver: the pieces configuration files are made of. */
const char *const fuzz_tokens[] = {
	"ids=", "addrs=", "companions=", "ids",	 "=",	 "\n",	 "\n",	     "\r\n",
	"#",	" ",	  "\t",		 "\"",	 "'",	 ",",	 ",",	     ":",
	".",	"8086",	  "10de",	 "3e90", "ffff", "0000", "00",	     "01",
	"02.0", "1f.3",	  "030000",	 "0",	 "1",	 "yes",	 "no",	     "true",
	"zz",	"-1",	  "0x",		 "\xa0", "../",	 "\\",	 "unknown=", "",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

static void check_bounds(const struct selection *sel)
{
	unsigned int i;

	if (sel->n_ids > SEL_MAX_IDS || sel->n_addrs > SEL_MAX_ADDRS)
		abort();
	for (i = 0; i < sel->n_ids; i++)
		if (strlen(sel->ids[i].text) > SEL_ENTRY_MAX)
			abort();
	for (i = 0; i < sel->n_addrs; i++)
		if (strlen(sel->addrs[i].text) > SEL_ENTRY_MAX)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[CONFIG_MAX];
	static struct selection first, again;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	selection_init(&first);
	if (config_parse(buf, size, &first) < 0)
		return 0;
	check_bounds(&first);

	/* The parser changes its buffer: a second read of the same bytes agrees. */
	memcpy(buf, data, size);
	buf[size] = '\0';
	selection_init(&again);
	config_parse(buf, size, &again);
	if (first.n_ids != again.n_ids || first.n_addrs != again.n_addrs ||
	    first.n_bad != again.n_bad || first.companions != again.companions)
		abort();
	return 0;
}
