# shellcheck shell=bash
# Debian's own kernels for the initramfs and boot tests: fetched with
# apt-get download, unpacked with dpkg-deb, depmod'ed, and cached outside
# git so that a second run is fast.  Sourced, never run.
#
# kernel_fetch SERIES sets KERNEL_ROOT (the unpacked package, with boot/ and
# lib/modules/) and KERNEL_VERSION, or fails with a message; SERIES is 6.1
# (bookworm's kernel), 6.12 (bookworm's newer one), trixie (Debian 13's
# kernel, 6.12) or sid (unstable's newest, 7.x).  No kernel is a failure,
# never a skip.
#
# The build machine's apt knows bookworm; trixie's and sid's packages come
# through a private apt configuration with its lists in the cache
# ($VFIOPT_CACHE/apt/SUITE, fetched again once a day).  Since 7.x
# unstable splits a kernel into linux-binary (vmlinuz, under
# /usr/lib/modules/VERSION), linux-modules and linux-base (config,
# System.map, modules.builtin and modules.order, without which dracut
# cannot tell a built-in driver from a missing one); the three are
# unpacked into one root, laid out as the older packages are
# (boot/vmlinuz-VERSION, boot/config-VERSION, lib/modules/VERSION).

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

# _kernel_apt SUITE: the apt options of SUITE's private configuration, in
# _kernel_apt_opts, its lists fresh.
_kernel_apt() {
	local dir=$VFIOPT_CACHE/apt/$1
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" || return 1
	echo "deb http://deb.debian.org/debian $1 main" >"$dir/sources.list" || return 1
	_kernel_apt_opts=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir" -o APT::Architecture=amd64)
	if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*_Packages' -mmin -1440 2>/dev/null)" ]; then
		apt-get "${_kernel_apt_opts[@]}" update -q >"$dir/update.log" 2>&1 || {
			echo "kernel_fetch: apt-get update for $1 failed:" >&2
			tail -n 5 "$dir/update.log" >&2
			return 1
		}
	fi
}

# _kernel_fetch_release trixie|sid: as kernel_fetch, from that release.
_kernel_fetch_release() {
	local series=$1 pattern pkgs pkg deb dir tmp ver
	case $series in
	trixie) pattern='^linux-image-6\.12\.[0-9]+\+deb13-amd64-unsigned$' ;;
	sid) pattern='^linux-modules-[0-9.]+\+deb[0-9]+-amd64$' ;;
	esac
	if _kernel_apt "$series"; then
		pkg=$(apt-cache "${_kernel_apt_opts[@]}" pkgnames linux- 2>/dev/null | grep -E "$pattern" |
			sort -V | tail -n 1)
	fi
	if [ -z "${pkg:-}" ]; then
		# Offline: the newest kernel of the release already unpacked.
		dir=$(find "$VFIOPT_CACHE/kernels" -maxdepth 2 -name .ready -path "*/$series-*" 2>/dev/null |
			sort -V | tail -n 1)
		[ -n "$dir" ] || {
			echo "kernel_fetch: no $series kernel known to apt and none cached" >&2
			return 1
		}
		KERNEL_ROOT=${dir%/.ready}
		KERNEL_VERSION=$(ls "$KERNEL_ROOT/lib/modules")
		return 0
	fi
	pkgs=$pkg
	[ "$series" = sid ] &&
		pkgs="$pkg linux-binary-${pkg#linux-modules-} linux-base-${pkg#linux-modules-}"
	dir=$VFIOPT_CACHE/kernels/$series-$pkg
	if [ ! -f "$dir/.ready" ]; then
		mkdir -p "$VFIOPT_CACHE/debs" "$VFIOPT_CACHE/kernels" || return 1
		tmp=$(mktemp -d "$VFIOPT_CACHE/kernels/.unpack.XXXXXX") || return 1
		for pkg in $pkgs; do
			deb=$(find "$VFIOPT_CACHE/debs" -name "${pkg}_*.deb" | sort -V | tail -n 1)
			if [ -z "$deb" ]; then
				(cd "$VFIOPT_CACHE/debs" && apt-get "${_kernel_apt_opts[@]}" download "$pkg" >&2) || {
					echo "kernel_fetch: apt-get download $pkg ($series) failed" >&2
					return 1
				}
				deb=$(find "$VFIOPT_CACHE/debs" -name "${pkg}_*.deb" | sort -V | tail -n 1)
			fi
			dpkg-deb -x "$deb" "$tmp" || return 1
		done
		# The older layout, which the rigs and depmod -b take.
		[ -e "$tmp/lib" ] || ln -s usr/lib "$tmp/lib" || return 1
		ver=$(ls "$tmp/lib/modules")
		if [ ! -e "$tmp/boot/vmlinuz-$ver" ] && [ -f "$tmp/lib/modules/$ver/vmlinuz" ]; then
			mkdir -p "$tmp/boot" && cp "$tmp/lib/modules/$ver/vmlinuz" "$tmp/boot/vmlinuz-$ver" ||
				return 1
		fi
		if [ ! -e "$tmp/boot/config-$ver" ] && [ -f "$tmp/lib/modules/$ver/config" ]; then
			cp "$tmp/lib/modules/$ver/config" "$tmp/boot/config-$ver" || return 1
		fi
		depmod -b "$tmp" "$ver" 2>/dev/null || return 1
		touch "$tmp/.ready"
		rm -rf "$dir"
		mv "$tmp" "$dir" || return 1
		find "$VFIOPT_CACHE/kernels" -mindepth 1 -maxdepth 1 -name "$series-*" \
			! -name "${dir##*/}" -exec rm -rf {} +
	fi
	KERNEL_ROOT=$dir
	KERNEL_VERSION=$(ls "$dir/lib/modules")
}

kernel_fetch() {
	local series=$1 pkg deb dir tmp
	case $series in
	trixie | sid)
		_kernel_fetch_release "$series" || return 1
		[ -f "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" ] || {
			echo "kernel_fetch: $KERNEL_ROOT has no boot/vmlinuz-$KERNEL_VERSION" >&2
			return 1
		}
		return 0
		;;
	esac
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
