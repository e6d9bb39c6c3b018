# shellcheck shell=bash
# A minimal root of a Debian release, for what that release's own programs
# must do in a test: its initramfs generators build the images of its
# kernel (kind "generators": dracut-core and initramfs-tools-core, which
# unstable's needs dracut-install for, so the two live together, with
# what their images take from the root: systemd, udev, kmod, busybox), or
# its QEMU answers what it supports and boots the rigs' machines (kind
# "qemu": qemu-system-x86).  Sourced, never run; needs kernels.sh
# (_kernel_apt).
#
# release_root SUITE [KIND] sets RELEASE_ROOT (KIND: generators unless
# given).  Built by mmdebstrap from Debian's archive, cached under
# $VFIOPT_CACHE/release-root/SUITE-KIND, keyed by the packages' versions,
# built by one caller at a time (a lock beside it), and never written
# after: each use runs in a mount namespace with a tmpfs over the root's
# /tmp (tests/lib/dracut.sh, tests/lib/initramfs-tools.sh), or only reads
# it (tests/lib/qemu.sh).

# _release_root_build SUITE PACKAGES CACHE KEY: the root, made by
# mmdebstrap in a directory of its own and moved to CACHE/KEY when whole;
# the other keys' roots go.
_release_root_build() {
	local suite=$1 pkgs=$2 cache=$3 key=$4 tmp
	tmp=$(mktemp -d "$cache/.build.XXXXXX") || return 1
	# Unstable's Release file says how long it is valid; a mirror that
	# lags (a snapshot) serves one past that, which mmdebstrap's apt
	# refuses.  Its signature is still checked.
	if ! mmdebstrap --variant=minbase --include="${pkgs// /,}" \
		--aptopt='Acquire::Check-Valid-Until "false"' "$suite" "$tmp/root" \
		>"$tmp/mmdebstrap.log" 2>&1; then
		echo "release root: mmdebstrap $suite failed:" >&2
		tail -n 20 "$tmp/mmdebstrap.log" >&2
		rm -rf "$tmp"
		return 1
	fi
	# Where a build binds the kernel's modules: no package of the root
	# makes the directory.
	mkdir -p "$tmp/root/usr/lib/modules" || return 1
	touch "$tmp/.ready"
	rm -rf "${cache:?}/$key"
	mv "$tmp" "$cache/$key" || return 1
	find "$cache" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name .lock \
		\( ! -name '.build.*' -o -mmin +120 \) -exec rm -rf {} +
}

release_root() {
	local suite=$1 kind=${2:-generators} key cache dir pkgs
	case $kind in
	generators) pkgs="dracut-core initramfs-tools-core busybox systemd udev kmod" ;;
	qemu) pkgs=qemu-system-x86 ;;
	*)
		echo "release_root: no kind '$kind' (generators, qemu)" >&2
		return 1
		;;
	esac
	_kernel_apt "$suite" || return 1
	# shellcheck disable=SC2086,SC2154 # one word per package; _kernel_apt sets the options
	key=$({
		echo "$suite $pkgs"
		declare -f release_root _release_root_build
		mmdebstrap --version
		apt-cache "${_kernel_apt_opts[@]}" policy $pkgs | grep -E '^[^ ]|Candidate:'
	} | sha256sum | cut -c1-16)
	cache=$VFIOPT_CACHE/release-root/$suite-$kind
	# What earlier layouts left: dracut's own roots, a root per suite.
	rm -rf "$VFIOPT_CACHE/dracut-root" "${VFIOPT_CACHE:?}/release-root/$suite"
	dir=$cache/$key
	mkdir -p "$cache" || return 1
	# One build at a time: the lanes of make check may ask for the same
	# root at once, and the second then finds the first's ready.
	{
		flock -w 1800 8 || {
			echo "release root: $cache stayed locked for 30 minutes" >&2
			return 1
		}
		[ -f "$dir/.ready" ] || _release_root_build "$suite" "$pkgs" "$cache" "$key" || return 1
	} 8>"$cache/.lock"
	# shellcheck disable=SC2034 # for the libraries that source this
	RELEASE_ROOT=$dir/root
}
