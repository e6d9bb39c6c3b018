# shellcheck shell=bash
# Real initramfs images from Debian's initramfs-tools, with the
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
# when WANTED is yes; ITOOLS_MODULES are added to its modules file.
# mkinitramfs's output goes to IMAGE.log.  Uses $work for its
# configuration directory.  With ITOOLS_SUITE (trixie, sid) set, that
# release's own initramfs-tools builds the image, with that release's
# /etc/initramfs-tools, in a root of it (tests/lib/release-root.sh): the
# release under test builds its images, as on the user's machine.

_itools_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# shellcheck source=tests/lib/release-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/release-root.sh"

# shellcheck disable=SC2154 # $work is the suite's
itools_build() {
	local conf=$work/itools made='' rc snippet=: inner etc=/etc/initramfs-tools
	# In a release's root, $work is bound at /tmp/work.
	inner=$conf
	if [ -n "${ITOOLS_SUITE:-}" ]; then
		release_root "$ITOOLS_SUITE" || return 1
		inner=/tmp/work/itools etc=$RELEASE_ROOT/etc/initramfs-tools
	fi
	rm -rf "$conf"
	mkdir -p "$conf/bin"
	cp -a "$etc/." "$conf/"
	sed -i -e "s/^MODULES=.*/MODULES=$1/" -e "s/^COMPRESS=.*/COMPRESS=${ITOOLS_COMPRESS:-gzip}/" \
		"$conf/initramfs.conf"
	# shellcheck disable=SC2086 # one module a line
	printf '%s\n' ${ITOOLS_MODULES:-} >>"$conf/modules"
	install -D -m 0755 "$_itools_top/vfiopt-claim" "$conf/bin/vfiopt-claim"
	mkdir -p "$conf/hooks" "$conf/scripts/init-top"
	mkdir -p "$conf/data/modprobe.d"
	cp "$_itools_top/conf/modprobe.d/vfiopt.conf" "$conf/data/modprobe.d/"
	cp "$_itools_top/initramfs-common/vfiopt-softdeps" "$conf/data/"
	sed -e "s|@LIBEXECDIR@|$inner/bin|" -e "s|@DATADIR@|$inner/data|" \
		"$_itools_top/initramfs-tools/hooks/vfiopt" >"$conf/hooks/vfiopt"
	install -m 0755 "$_itools_top/initramfs-tools/scripts/init-top/claim_vfiopt" \
		"$conf/scripts/init-top/"
	chmod 0755 "$conf/hooks/vfiopt"
	if [ -n "${ITOOLS_SUITE:-}" ]; then
		_itools_build_in "$3" "$2"
		return
	fi
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

# _itools_build_in IMAGE WANTED: the release's mkinitramfs, chrooted in
# its root (release_root), in a mount namespace of its own: tmpfs over
# the root's /tmp (this build's configuration, $work bound at /tmp/work,
# the image, mkinitramfs's TMPDIR), /usr/lib/modules (the kernel's
# modules bound in), /etc/default (the GRUB snippet), the kernel's boot/
# over /boot; /proc, /sys and /dev are the machine's.  The release's
# initramfs-tools version heads IMAGE.log.
_itools_build_in() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c 'set -e
		root=$1 kroot=$2 kver=$3 work=$4 image=$5 wanted=$6 suite=$7
		mount -t tmpfs none "$root/tmp"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mkdir "$root/tmp/work"
		mount --bind "$work" "$root/tmp/work"
		mount -t tmpfs none "$root/usr/lib/modules"
		mkdir "$root/usr/lib/modules/$kver"
		mount --bind "$kroot/lib/modules/$kver" "$root/usr/lib/modules/$kver"
		mount --bind "$kroot/boot" "$root/boot"
		mount -t tmpfs none "$root/etc/default"
		mkdir "$root/etc/default/grub.d"
		[ "$wanted" != yes ] ||
			echo "GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX vfiopt.ids=1234:1111\"" \
				>"$root/etc/default/grub.d/vfiopt.cfg"
		echo "initramfs-tools of $suite: $(chroot "$root" dpkg-query -W -f "\${Version}" initramfs-tools-core)"
		chroot "$root" env TMPDIR=/tmp mkinitramfs -d /tmp/work/itools -o /tmp/image "$kver"
		cp "$root/tmp/image" "$image"' sh "$RELEASE_ROOT" "$KERNEL_ROOT" "$KERNEL_VERSION" \
		"$work" "$1" "$2" "$ITOOLS_SUITE" >"$1.log" 2>&1
}
