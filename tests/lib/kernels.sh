# shellcheck shell=bash
# Debian's own kernels for the initramfs and boot tests: fetched with
# apt-get download, unpacked with dpkg-deb, depmod'ed, and cached outside
# git so that a second run is fast.  Sourced, never run.
#
# kernel_fetch SERIES sets KERNEL_ROOT (the unpacked package, with boot/ and
# lib/modules/) and KERNEL_VERSION, or fails with a message; SERIES is 6.1
# (bookworm's kernel) or 6.12 (bookworm's newer one).  No kernel is a
# failure, never a skip.

VFIOPT_CACHE=${VFIOPT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/vfiopt}

_kernel_pattern() {
	case $1 in
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	*) return 1 ;;
	esac
}

# The newest package of the series the archive has now.
_kernel_package() {
	local pattern
	pattern=$(_kernel_pattern "$1") || return 1
	apt-cache pkgnames "linux-image-$1" 2>/dev/null | grep -E "$pattern" | sort -V | tail -n 1
}

kernel_fetch() {
	local series=$1 pkg deb dir tmp
	pkg=$(_kernel_package "$series")
	if [ -z "$pkg" ]; then
		# Offline: the newest kernel of the series already unpacked.
		dir=$(find "$VFIOPT_CACHE/kernels" -maxdepth 2 -name .ready -path "*/linux-image-${series}[.-]*" \
			2>/dev/null | sort -V | tail -n 1)
		if [ -z "$dir" ]; then
			echo "kernel_fetch: no linux-image-$series package known to apt and none cached;" \
				"run apt-get update" >&2
			return 1
		fi
		dir=${dir%/.ready}
	else
		dir=$VFIOPT_CACHE/kernels/$pkg
		if [ ! -f "$dir/.ready" ]; then
			mkdir -p "$VFIOPT_CACHE/debs" "$VFIOPT_CACHE/kernels" || return 1
			deb=$(find "$VFIOPT_CACHE/debs" -name "${pkg}_*.deb" | sort -V | tail -n 1)
			if [ -z "$deb" ]; then
				(cd "$VFIOPT_CACHE/debs" && apt-get download "$pkg" >&2) || {
					echo "kernel_fetch: apt-get download $pkg failed" >&2
					return 1
				}
				deb=$(find "$VFIOPT_CACHE/debs" -name "${pkg}_*.deb" | sort -V | tail -n 1)
			fi
			# Unpack beside, then rename: a half-unpacked kernel is never taken.
			tmp=$(mktemp -d "$VFIOPT_CACHE/kernels/.unpack.XXXXXX") || return 1
			dpkg-deb -x "$deb" "$tmp" || return 1
			KERNEL_VERSION=$(ls "$tmp/lib/modules")
			depmod -b "$tmp" "$KERNEL_VERSION" || return 1
			touch "$tmp/.ready"
			rm -rf "$dir"
			mv "$tmp" "$dir" || return 1
			# Each new kernel ABI is some 400 MB unpacked: keep the newest only.
			find "$VFIOPT_CACHE/kernels" -mindepth 1 -maxdepth 1 \
				-name "linux-image-${series}[.-]*" ! -name "$pkg" -exec rm -rf {} +
			find "$VFIOPT_CACHE/debs" -name "linux-image-${series}[.-]*.deb" \
				! -name "${pkg}_*" -delete
		fi
	fi
	KERNEL_ROOT=$dir
	KERNEL_VERSION=$(ls "$dir/lib/modules")
	[ -f "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" ] || {
		echo "kernel_fetch: $dir has no boot/vmlinuz-$KERNEL_VERSION" >&2
		return 1
	}
}
