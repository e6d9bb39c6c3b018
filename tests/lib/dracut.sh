# shellcheck shell=bash
# Real initramfs images from Debian's dracut, with the project's module
# installed by "make install" into a private copy of dracut's base
# directory, so that nothing under /usr changes.  Sourced, never run.
#
# dracut_setup WORK: make WORK/stage (make install DESTDIR=), WORK/dracut
# (the private dracutbasedir) and WORK/conf.d (the add_dracutmodules line
# that vfiopt setup writes, and the helper's staged path).
# dracut_build IMAGE KERNEL_ROOT KERNEL_VERSION [DRACUT ARGS...]
#   with this machine's dracut; with DRACUT_SUITE (trixie, sid) set, with
#   that release's own, in a root of it (tests/lib/release-root.sh): the
#   release under test builds its images, as it does on the user's machine.

# shellcheck source=tests/lib/release-root.sh
. "$(dirname "${BASH_SOURCE[0]}")/release-root.sh"

dracut_setup() {
	local work=$1 top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	DRACUT_WORK=$work
	command -v dracut >/dev/null || {
		echo "dracut_setup: dracut is not installed (Debian: dracut-core)" >&2
		return 1
	}
	mkdir -p "$work/conf.d" || return 1
	# The paths make check built for: nothing is rebuilt under the
	# suites that run beside this one.
	make -s -C "$top" install DESTDIR="$work/stage" PREFIX=/usr \
		DRACUTMODULESDIR=/usr/lib/dracut/modules.d >&2 || return 1
	rm -rf "$work/dracut"
	cp -a /usr/lib/dracut "$work/dracut" || return 1
	cp -a "$work/stage/usr/lib/dracut/modules.d/90vfiopt" "$work/dracut/modules.d/" || return 1
	# The line "vfiopt setup" writes in /etc/dracut.conf.d/vfiopt.conf.
	echo 'add_dracutmodules+=" vfiopt "' >"$work/conf.d/vfiopt.conf" || return 1
	# The staged helper, and nothing of the host's own vfiopt setup.
	printf '%s\n' "vfiopt_helper=$work/stage/usr/libexec/vfiopt-claim" "vfiopt_config=/nonexistent" \
		vfiopt_detect=no >"$work/conf.d/10-vfiopt-test.conf"
}

dracut_build() {
	local image=$1 kroot=$2 kver=$3
	shift 3
	[ -z "${DRACUT_SUITE:-}" ] || {
		_dracut_build_in "$image" "$kroot" "$kver" "$@"
		return
	}
	dracutbasedir=$DRACUT_WORK/dracut dracut --force --no-compress --kver "$kver" \
		--kmoddir "$kroot/lib/modules/$kver" --conf /dev/null \
		--confdir "${DRACUT_CONFDIR:-$DRACUT_WORK/conf.d}" "$@" "$image" >"$image.log" 2>&1
}

# The release's dracut, chrooted, in a mount namespace of its own: a tmpfs
# over the root's /tmp holds this build's private dracutbasedir (the
# release's modules and vfiopt's) and dracut's own temporary files (not
# the root's /var/tmp), its configuration (the paths of
# DRACUT_WORK in it rewritten to where that is bound, /tmp/work), the
# kernel and the image; /proc, /sys and /dev are the machine's.  The
# release's dracut version heads IMAGE.log.
_dracut_build_in() {
	local image=$1 kroot=$2 kver=$3 root
	shift 3
	release_root "$DRACUT_SUITE" || return 1
	root=$RELEASE_ROOT
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -c 'set -e
		root=$1 kroot=$2 kver=$3 work=$4 confdir=$5 image=$6 suite=$7
		shift 7
		mount -t tmpfs none "$root/tmp"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mkdir "$root/tmp/work" "$root/tmp/kernel" "$root/tmp/conf.d"
		mount --bind "$work" "$root/tmp/work"
		mount --bind "$kroot" "$root/tmp/kernel"
		cp -a "$root/usr/lib/dracut" "$root/tmp/dracut"
		cp -a "$work/stage/usr/lib/dracut/modules.d/90vfiopt" "$root/tmp/dracut/modules.d/"
		for conf in "$confdir"/*.conf; do
			sed "s|$work|/tmp/work|g" "$conf" >"$root/tmp/conf.d/${conf##*/}"
		done
		echo "dracut of $suite: $(chroot "$root" dracut --version)"
		chroot "$root" env TMPDIR=/tmp dracutbasedir=/tmp/dracut dracut --force --no-compress \
			--tmpdir /tmp \
			--kver "$kver" --kmoddir "/tmp/kernel/lib/modules/$kver" --conf /dev/null \
			--confdir /tmp/conf.d "$@" /tmp/image
		cp "$root/tmp/image" "$image"' sh "$root" "$kroot" "$kver" "$DRACUT_WORK" \
		"${DRACUT_CONFDIR:-$DRACUT_WORK/conf.d}" "$image" "$DRACUT_SUITE" "$@" >"$image.log" 2>&1
}
