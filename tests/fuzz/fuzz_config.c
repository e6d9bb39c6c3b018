// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for /etc/vfiopt.conf, which the initramfs reads at boot:
 * beyond "no crash", what was accepted stays within bounds, and the
 * selection written back as a file is read back the same, with nothing
 * malformed in it.  Built with
 * libFuzzer (make fuzz) or with the smoke driver (make check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/config.h"
#include "shared/selection.h"

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

/*
 * The selection written back as a configuration file: ids=, addrs= and
 * companions= lines of the accepted entries.  Whatever the parser took,
 * it must take again, the same, from what it would mean.
 */
static size_t write_back(const struct selection *sel, char *buf, size_t size)
{
	size_t len;
	unsigned int i;
	int n;

	/* An empty ids= or addrs= is itself malformed: lines only for what there is. */
	n = snprintf(buf, size, "companions=%d", sel->companions ? 1 : 0);
	len = n > 0 ? (size_t)n : 0;
	for (i = 0; i < sel->n_ids && len < size; i++) {
		n = snprintf(buf + len, size - len, "%s%s", i ? "," : "\nids=", sel->ids[i].text);
		len += n > 0 ? (size_t)n : 0;
	}
	for (i = 0; i < sel->n_addrs && len < size; i++) {
		n = snprintf(buf + len, size - len, "%s%s",
			     i ? "," : "\naddrs=", sel->addrs[i].text);
		len += n > 0 ? (size_t)n : 0;
	}
	if (len >= size)
		abort();
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[CONFIG_MAX], again_buf[CONFIG_MAX];
	static struct selection first, again;
	unsigned int i;
	size_t len;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	selection_init(&first);
	if (config_parse(buf, size, &first) < 0)
		return 0;
	check_bounds(&first);

	len = write_back(&first, again_buf, sizeof(again_buf));
	selection_init(&again);
	if (config_parse(again_buf, len, &again) < 0 || again.n_bad)
		abort();
	if (first.n_ids != again.n_ids || first.n_addrs != again.n_addrs ||
	    first.companions != again.companions)
		abort();
	for (i = 0; i < first.n_ids; i++)
		if (strcmp(first.ids[i].text, again.ids[i].text) != 0)
			abort();
	for (i = 0; i < first.n_addrs; i++)
		if (strcmp(first.addrs[i].text, again.addrs[i].text) != 0)
			abort();
	return 0;
}
