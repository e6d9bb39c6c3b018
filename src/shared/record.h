/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_RECORD_H
#define VFIOPT_RECORD_H

#include <stddef.h>

/*
 * What the early claim did on this boot, for "vfiopt status".  Under /run,
 * which dracut carries over switch_root.  One line per device:
 *   ADDRESS VENDOR:DEVICE REASON PREVIOUS-DRIVER RESULT
 * REASON is addr, id or companion; PREVIOUS-DRIVER is "-" for none;
 * RESULT is claimed, already, refused or failed; "vfiopt release" marks
 * the devices it gives back as released.
 */
#define RECORD_DIR "run/vfiopt"
#define RECORD_PATH RECORD_DIR "/claimed"
#define RECORD_HEADER "# vfiopt claim record v1: address ids reason previous-driver result\n"

struct record {
	int fd;
	int rootfd;
	int error;
};

/* Enough for every line a claim of 64 ids and 64 addresses could leave. */
#define RECORD_MAX 65536

int record_begin(struct record *rec, int rootfd);
void record_line(struct record *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int record_commit(struct record *rec);
void record_previous(const char *record, const char *name, char *previous, size_t size);
int record_mark(int rootfd, const char *name, const char *result);

#endif
