// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the reader of an IOMMU group's reserved_regions
 * (src/host/regions.c), which check, list and setup read for the selected
 * devices.  Whatever the input, the parse stays inside it, keeps at most
 * RESV_REGIONS_MAX regions, each of a known type with its end not before
 * its start, and accounts for no more lines than the input has.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/regions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *const fuzz_tokens[] = {
	"0x00000000fee00000 0x00000000feefffff msi\n",
	"0x000000007b800000 0x000000007fffffff direct-relaxable\n",
	"0x000000007a000000 0x000000007a0fffff direct\n",
	"0x0000000000000000 0xffffffffffffffff reserved\n",
	"0x",
	"0xffffffffffffffff",
	"0x10000000000000000",
	" ",
	"\n",
	"direct",
	"direct-",
	"msi",
	"reserved\n",
	"0",
	"f",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resv_regions rr;
	size_t lines = 1, i;

	resv_regions_parse((const char *)data, size, &rr);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rr.n > RESV_REGIONS_MAX || rr.n + rr.malformed + rr.dropped > lines)
		abort();
	for (i = 0; i < rr.n; i++)
		if (rr.r[i].end < rr.r[i].start || rr.r[i].type > RESV_MSI)
			abort();
	if (rr.n && resv_regions_direct(&rr) && resv_regions_direct(&rr)->type != RESV_DIRECT)
		abort();
	return 0;
}
