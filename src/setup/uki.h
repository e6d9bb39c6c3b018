/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_UKI_H
#define VFIOPT_UKI_H

#include <stddef.h>
#include <sys/types.h>

/*
 * A unified kernel image (UKI) is a PE/COFF EFI program, systemd-stub,
 * with the kernel, the initrd and the command line in sections of their
 * own; the command line is the .cmdline section, text (the UAPI group's
 * Unified Kernel Image specification).  What boots next with one is
 * decided by what that section holds, not by any file in /etc.
 */

/* The longest .cmdline read: ukify's sections are small; the kernel's COMMAND_LINE_SIZE is 2048 on x86. */
#define UKI_CMDLINE_MAX 16384

/*
 * The .cmdline section of the PE file open at @fd, as a string in @buf
 * (trailing NULs and whitespace cut): its length; -ENOENT without such a
 * section, -EINVAL when the file is not a PE image or its headers point
 * outside it, -EFBIG when the section does not fit @size, -errno.  Every
 * offset and size comes from the file and is checked against the file's
 * size before it is read: the file is untrusted.
 */
ssize_t uki_cmdline_fd(int fd, char *buf, size_t size);

/*
 * The UKI that systemd-boot would boot by default among those that
 * kernel-install puts in EFI/Linux of an ESP under @rootfd (the one whose
 * name sorts newest by version, as systemd-boot orders them): its path
 * from the root in @path, its command line in @buf.  Like
 * uki_cmdline_fd(), and -ENOENT when there is no UKI at all (then @path is
 * empty).
 */
ssize_t uki_next(int rootfd, char *path, size_t path_size, char *buf, size_t size);

/* The number of UKIs under EFI/Linux of the ESP (0 without any). */
unsigned int uki_count(int rootfd);

#endif
