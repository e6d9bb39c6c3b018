# shellcheck shell=bash
# Real initramfs images from this machine's initramfs-tools, with the
# project's hook and script, for a kernel of tests/lib/kernels.sh, and
# nothing of this machine's own boot changed.  Sourced, never run.
#
# mkinitramfs takes its modules from /lib/modules/VERSION only (and its
# config from /boot), so the kernel's are bind-mounted there in a mount
# namespace of its own (the directory made, and removed, if this machine
# has none).  The hook and the script come from a configuration directory
# (-d), the helper from this tree; the hook decides from a GRUB snippet,
# under a tmpfs over /etc/default in the same namespace.
#
# itools_build MODULES WANTED IMAGE: mkinitramfs for the fetched kernel
# (KERNEL_VERSION, KERNEL_ROOT) with MODULES= as given, compressed with
# ITOOLS_COMPRESS (gzip unless set), and a GRUB snippet selecting a device
# when WANTED is yes.  mkinitramfs's output goes to IMAGE.log.  Uses
# $work for its configuration directory.

_itools_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# shellcheck disable=SC2154 # $work is the suite's
itools_build() {
	local conf=$work/itools made='' rc snippet=:
	rm -rf "$conf"
	mkdir -p "$conf/bin"
	cp -a /etc/initramfs-tools/. "$conf/"
	sed -i -e "s/^MODULES=.*/MODULES=$1/" -e "s/^COMPRESS=.*/COMPRESS=${ITOOLS_COMPRESS:-gzip}/" \
		"$conf/initramfs.conf"
	install -D -m 0755 "$_itools_top/vfiopt-claim" "$conf/bin/vfiopt-claim"
	mkdir -p "$conf/hooks" "$conf/scripts/init-top"
	mkdir -p "$conf/data/modprobe.d"
	cp "$_itools_top/conf/modprobe.d/vfiopt.conf" "$conf/data/modprobe.d/"
	cp "$_itools_top/initramfs-common/vfiopt-softdeps" "$conf/data/"
	sed -e "s|@LIBEXECDIR@|$conf/bin|" -e "s|@DATADIR@|$conf/data|" \
		"$_itools_top/initramfs-tools/hooks/vfiopt" >"$conf/hooks/vfiopt"
	install -m 0755 "$_itools_top/initramfs-tools/scripts/init-top/claim_vfiopt" \
		"$conf/scripts/init-top/"
	chmod 0755 "$conf/hooks/vfiopt"
	# shellcheck disable=SC2016 # expanded by the inner shell
	[ "$2" = yes ] &&
		snippet='echo "GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX vfiopt.ids=1234:1111\"" >/etc/default/grub.d/vfiopt.cfg'
	[ -d /lib/modules ] || { mkdir /lib/modules && made=yes; }
	# A tmpfs over /lib/modules first: a directory made in it stays in the
	# namespace, never on this machine.
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'set -e
		mount -t tmpfs none /lib/modules
		mkdir -p "/lib/modules/$1"
		mount --bind "$2/lib/modules/$1" "/lib/modules/$1"
		mount --bind "$2/boot" /boot
		mount -t tmpfs none /etc/default
		mkdir /etc/default/grub.d
		eval "$5"
		mkinitramfs -d "$3" -o "$4" "$1"' sh "$KERNEL_VERSION" "$KERNEL_ROOT" "$conf" "$3" \
		"$snippet" >"$3.log" 2>&1
	rc=$?
	# Only the empty directory made above, and only if it is still empty.
	[ -n "$made" ] && rmdir /lib/modules 2>/dev/null
	return "$rc"
}
