/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_SPAWN_H
#define VFIOPT_SPAWN_H

#include <stddef.h>

/* Loading a module takes well under a second; a hung modprobe must not hang the boot. */
#define MODPROBE_TIMEOUT_MS 30000

int find_program(const char *name, char *buf, size_t size);
int run_command(const char *const argv[], unsigned int timeout_ms);
int run_capture(const char *const argv[], char *buf, size_t size, unsigned int timeout_ms);

#endif
