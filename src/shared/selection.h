/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_SELECTION_H
#define VFIOPT_SELECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/pci.h"

/* Far more than a machine has GPUs; more entries are named and ignored. */
#define SEL_MAX_IDS 64
#define SEL_MAX_ADDRS 64
/* The longest well-formed entry, "ffffffff:ffffffff:ffffffff:ffffffff:ffffff:ffffff", is 49. */
#define SEL_ENTRY_MAX 49

/* Malformed entries named one by one; the rest are counted. */
#define SEL_BAD_LOGGED 16

/* Kernel parameters on x86 are 2 KiB, some architectures allow 4 KiB; room to spare. */
#define CMDLINE_MAX 32768

enum sel_kind {
	SEL_IDS,
	SEL_IDS_KERNEL, /* vfio-pci.ids=, read as the kernel reads it */
	SEL_ADDRS,
	SEL_COMPANIONS,
	SEL_DISABLE,
};

struct sel_id {
	struct pci_match match;
	const char *param;
	char text[SEL_ENTRY_MAX + 1];
};

struct sel_addr {
	struct pci_addr addr;
	const char *param;
	char text[SEL_ENTRY_MAX + 1];
};

struct selection {
	struct sel_id ids[SEL_MAX_IDS];
	unsigned int n_ids;
	struct sel_addr addrs[SEL_MAX_ADDRS];
	unsigned int n_addrs;
	unsigned int n_bad; /* malformed entries, named and ignored */
	bool companions;
	bool disabled;
};

void selection_init(struct selection *sel);
bool selection_empty(const struct selection *sel);
bool selection_note_bad(struct selection *sel);
void selection_report(const struct selection *sel);
void selection_set(struct selection *sel, enum sel_kind kind, const char *label, const char *val);
bool selection_apply(struct selection *sel, const char *param, char *val);
void selection_parse_cmdline(struct selection *sel, char *cmdline);

char *cmdline_next_arg(char *args, char **param, char **val);
int cmdline_load(int rootfd, const char *given, char *buf, size_t size);

#endif
