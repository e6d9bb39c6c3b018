/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_PATHS_H
#define VFIOPT_PATHS_H

/*
 * Where "make install" put the dracut module and the initramfs-tools hook:
 * the Makefile passes the directories it chose (dracut's own, from
 * pkg-config; initramfs-tools' own).  Paths here are
 * absolute; the verbs open them relative to the root (--sysroot), so they
 * skip the leading '/'.
 */
#ifndef DRACUT_MODULE_DIR
#define DRACUT_MODULE_DIR "/usr/lib/dracut/modules.d/90vfiopt"
#endif
#define DRACUT_MODULE_SETUP DRACUT_MODULE_DIR "/module-setup.sh"

/* initramfs-tools' own directory, where make install put the hook and the script. */
#ifndef INITRAMFS_TOOLS_DIR
#define INITRAMFS_TOOLS_DIR "/usr/share/initramfs-tools"
#endif
#define INITRAMFS_TOOLS_HOOK INITRAMFS_TOOLS_DIR "/hooks/vfiopt"
#define INITRAMFS_TOOLS_SCRIPT "scripts/init-top/claim_vfiopt"

/* make install's data directory: the softdeps for the initramfs-tools hook. */
#ifndef DATADIR
#define DATADIR "/usr/share/vfiopt"
#endif

#endif
