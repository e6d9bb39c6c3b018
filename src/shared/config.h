/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_CONFIG_H
#define VFIOPT_CONFIG_H

#include "shared/selection.h"

/*
 * /etc/vfiopt.conf: a selection that lives without kernel parameters,
 * baked into the initramfs by the initramfs-tools hook or the dracut module.  Read before the kernel
 * command line, which adds to it; vfiopt.disable=1 on the command line
 * always wins.  Lines are key=value (ids, addrs, companions) or comments.
 */
#define CONFIG_PATH "etc/vfiopt.conf"
#define CONFIG_MAX 65536

#include <stddef.h>

int config_parse(char *buf, size_t len, struct selection *sel);
int config_load(int rootfd, struct selection *sel);

#endif
