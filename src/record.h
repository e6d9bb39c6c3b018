/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_RECORD_H
#define VFIOPT_RECORD_H

/*
 * What the early claim did on this boot, for "vfiopt status".  Under /run,
 * which dracut carries over switch_root.  One line per device:
 *   ADDRESS VENDOR:DEVICE REASON PREVIOUS-DRIVER RESULT
 * REASON is addr, id or companion; PREVIOUS-DRIVER is "-" for none;
 * RESULT is claimed, already, refused or failed.
 */
#define RECORD_DIR "run/vfiopt"
#define RECORD_PATH RECORD_DIR "/claimed"
#define RECORD_HEADER "# vfiopt claim record v1: address ids reason previous-driver result\n"

struct record {
	int fd;
	int rootfd;
	int error;
};

int record_begin(struct record *rec, int rootfd);
void record_line(struct record *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int record_commit(struct record *rec);

#endif
