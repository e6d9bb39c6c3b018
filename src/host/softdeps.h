/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_SOFTDEPS_H
#define VFIOPT_SOFTDEPS_H

#include <stddef.h>

/*
 * kmod uses the first softdep line it finds for a module, in the order of
 * its configuration files' names across /etc, /run and /lib's modprobe.d.
 * vfiopt's softdeps go into the initramfs as /etc/modprobe.d/vfiopt.conf,
 * beside the host's files: a host file that sorts before it and has a
 * softdep for the same driver wins, and ours is silently ignored.
 */
typedef void (*softdep_shadow_fn)(const char *module, const char *file, void *ctx);

int softdeps_shadowed(int rootfd, softdep_shadow_fn report, void *ctx);

#endif
