#!/bin/bash
# The Debian packages that building, testing and the demo need: one list
# for "make check" and "make demo".  As root, install what is missing
# (apt-get update first); otherwise print the apt-get line and fail.
#
#   build           make gcc libc6-dev musl-tools
#   lint            cppcheck shellcheck clang-format file
#   unit tests      strace jq (list --json), cpio (initramfs images),
#                   initramfs-tools-core (lsinitramfs; not initramfs-tools,
#                   whose kernel hooks would run on this machine)
#   dracut images   dracut-core systemd udev kmod binutils; python3-pefile
#                   for Debian 13's ukify (a unified kernel image)
#   kernels         ca-certificates (apt-get download)
#   QEMU boots      qemu-system-x86 qemu-utils busybox-static e2fsprogs
#   installed sys.  mmdebstrap fdisk (sfdisk); for the UEFI one, ovmf (the
#                   firmware) and dosfstools (mkfs.fat for its ESP)
#   packages        debhelper dpkg-dev lintian rpm rpmlint
#   VM managers     libvirt-clients (virsh, virt-xml-validate; libvirt's
#                   test driver needs no daemon), libxml2-utils (xmllint)
#   bench           zstd (the images compressed as the generators do it)
set -u
PACKAGES="make gcc libc6-dev musl-tools cppcheck shellcheck clang-format file strace jq cpio initramfs-tools-core
	dracut-core systemd udev kmod binutils python3-pefile ca-certificates
	qemu-system-x86 qemu-utils busybox-static e2fsprogs mmdebstrap fdisk ovmf dosfstools
	debhelper dpkg-dev lintian rpm rpmlint zstd libvirt-clients libxml2-utils"

missing() {
	local p
	for p in $PACKAGES; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s ' "$p"
	done
}

need=$(missing)
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages; as root run:" >&2
	echo "  apt-get install -y --no-install-recommends $need" >&2
	exit 1
fi
echo "deps: installing $need"
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $need; } >"$log" 2>&1; then
	echo "deps: apt-get failed:" >&2
	tail -n 20 "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
need=$(missing)
if [ -n "$need" ]; then
	echo "deps: still missing after apt-get: $need" >&2
	exit 1
fi
