/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_MODPROBE_H
#define VFIOPT_MODPROBE_H

/* Loading a module takes well under a second; a hung modprobe must not hang the boot. */
#define MODPROBE_TIMEOUT_MS 30000

const char *modprobe_find(void);
int modprobe_run(const char *prog, const char *const modules[], unsigned int timeout_ms);

#endif
