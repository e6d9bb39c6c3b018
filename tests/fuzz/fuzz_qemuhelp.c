// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the readers of QEMU's own help (src/host/vm/qemu-caps.c):
 * "-device vfio-pci,help" and "-object help", which vfiopt boot runs and
 * reads as untrusted text.  Whatever the input, the parse stays inside it,
 * and a property is found only where its whole name and an '=' are in
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/vm/qemu-caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *const fuzz_tokens[] = {
	"vfio-pci options:\n",
	"  x-igd-opregion=<bool>  - on/off (default: false)\n",
	"  x-igd-opregion=<bool>  - Expose host IGD OpRegion to guest (default: on)\n",
	"  x-igd-legacy-mode=<OnOffAuto> - on/off/auto (default: auto)\n",
	"  x-igd-lpc=<bool>       - on/off (default: off)\n",
	"  iommufd=<link<iommufd>> - Set host IOMMUFD backend device\n",
	"List of user creatable objects:\n",
	"  iommufd\n",
	"iommufd",
	"  ",
	"=",
	"\n",
	"x-igd-",
};
const size_t fuzz_n_tokens = sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]);

static bool in_input(const uint8_t *data, size_t size, const char *text)
{
	size_t n = strlen(text), i;

	for (i = 0; n <= size && i <= size - n; i++)
		if (memcmp(data + i, text, n) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qemu_caps caps;

	memset(&caps, 0, sizeof(caps));
	qemu_caps_parse_device((const char *)data, size, &caps);
	qemu_caps_parse_objects((const char *)data, size, &caps);
	if ((caps.igd_opregion && !in_input(data, size, "x-igd-opregion=")) ||
	    (caps.igd_lpc && !in_input(data, size, "x-igd-lpc=")) ||
	    (caps.igd_legacy_mode && !in_input(data, size, "x-igd-legacy-mode=")) ||
	    (caps.vfio_iommufd && !in_input(data, size, "iommufd=")) ||
	    (caps.iommufd_object && !in_input(data, size, "iommufd")))
		abort();
	return 0;
}
