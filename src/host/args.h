/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_ARGS_H
#define VFIOPT_ARGS_H

#include <stdbool.h>
#include <stdio.h>

int parse_sysroot_json(int argc, char **argv, void (*verb_usage)(FILE *), const char **sysroot,
		       bool *json);
int parse_sysroot_only(int argc, char **argv, void (*verb_usage)(FILE *), const char **sysroot);

#endif
