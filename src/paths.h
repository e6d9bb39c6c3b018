/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_PATHS_H
#define VFIOPT_PATHS_H

/*
 * Where "make install" put the dracut module: the Makefile passes the
 * directory it chose (dracut's own, from pkg-config).  Paths here are
 * absolute; the verbs open them relative to the root (--sysroot), so they
 * skip the leading '/'.
 */
#ifndef DRACUT_MODULE_DIR
#define DRACUT_MODULE_DIR "/usr/lib/dracut/modules.d/90vfiopt"
#endif
#define DRACUT_MODULE_SETUP DRACUT_MODULE_DIR "/module-setup.sh"

#endif
