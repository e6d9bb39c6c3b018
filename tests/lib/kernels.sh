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

# _kernel_source SERIES: where the series' packages come from
# (_kernel_apt_opts: none for this machine's own apt, a private
# configuration otherwise), the pattern of its package's name
# (_kernel_pattern; for sid the modules package, which the others follow)
# and its cache entries' glob (_kernel_glob).  _kernel_online is "" when
# the private configuration could not fetch its lists.
_kernel_source() {
	_kernel_apt_opts=()
	_kernel_online=yes
	case $1 in
	6.1) _kernel_pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) _kernel_pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
	trixie) _kernel_pattern='^linux-image-6\.12\.[0-9]+\+deb13-amd64-unsigned$' ;;
	sid) _kernel_pattern='^linux-modules-[0-9.]+\+deb[0-9]+-amd64$' ;;
	*)
		echo "kernel_fetch: no kernel series '$1' (6.1, 6.12, trixie, sid)" >&2
		return 1
		;;
	esac
	case $1 in
	trixie | sid)
		_kernel_glob="$1-*"
		_kernel_apt "$1" || _kernel_online=
		;;
	*) _kernel_glob="linux-image-$1[.-]*" ;;
	esac
}

# _kernel_apt SUITE: the apt options of SUITE's private configuration, in
# _kernel_apt_opts, its lists fresh.
_kernel_apt() {
	local dir=$VFIOPT_CACHE/apt/$1
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" || return 1
	echo "deb http://deb.debian.org/debian $1 main" >"$dir/sources.list" || return 1
	_kernel_apt_opts=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir" -o APT::Architecture=amd64)
	# Fresh: updated within a day, as a file of our own says (apt gives
	# the lists the archive's dates, and keeps them compressed where
	# Acquire::GzipIndexes is set).  Suites side by side share the lists:
	# one updates them at a time, as apt refuses a second at once.
	{
		flock -w 900 9 || {
			echo "kernel_fetch: the apt lists of $1 stayed locked for 15 minutes" >&2
			return 1
		}
		if [ -z "$(find "$dir/.updated" -mmin -1440 2>/dev/null)" ]; then
			apt-get "${_kernel_apt_opts[@]}" update -q >"$dir/update.log" 2>&1 || {
				echo "kernel_fetch: apt-get update for $1 failed:" >&2
				tail -n 5 "$dir/update.log" >&2
				return 1
			}
			touch "$dir/.updated"
		fi
	} 9>"$dir/.lock"
}

# The newest package of the series the archive has now, "" when apt knows
# none (after _kernel_source).
_kernel_package() {
	[ -n "$_kernel_online" ] || return 0
	apt-cache "${_kernel_apt_opts[@]}" pkgnames linux- 2>/dev/null | grep -E "$_kernel_pattern" |
		sort -V | tail -n 1
}

# _kernel_deb PACKAGE: its .deb in the cache, downloaded when missing.
_kernel_deb() {
	local deb
	deb=$(find "$VFIOPT_CACHE/debs" -name "${1}_*.deb" | sort -V | tail -n 1)
	if [ -z "$deb" ]; then
		(cd "$VFIOPT_CACHE/debs" && apt-get "${_kernel_apt_opts[@]}" download "$1" >&2) || {
			echo "kernel_fetch: apt-get download $1 failed" >&2
			return 1
		}
		deb=$(find "$VFIOPT_CACHE/debs" -name "${1}_*.deb" | sort -V | tail -n 1)
	fi
	echo "$deb"
}

# _kernel_unpack DIR PACKAGE...: the packages unpacked into DIR, laid out
# as the rigs and depmod -b take them, and depmod'ed.  Unpacked beside,
# then renamed: a half-unpacked kernel is never taken.
_kernel_unpack() {
	local dir=$1 tmp deb pkg ver
	shift
	mkdir -p "$VFIOPT_CACHE/debs" "$VFIOPT_CACHE/kernels" || return 1
	tmp=$(mktemp -d "$VFIOPT_CACHE/kernels/.unpack.XXXXXX") || return 1
	for pkg in "$@"; do
		deb=$(_kernel_deb "$pkg") && dpkg-deb -x "$deb" "$tmp" || return 1
	done
	# Merged /usr (unstable's split packages): lib/ and boot/ as before.
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
	mv "$tmp" "$dir"
}

kernel_fetch() {
	local series=$1 pkg dir f name
	local pkgs=()
	_kernel_source "$series" || return 1
	pkg=$(_kernel_package)
	if [ -z "$pkg" ]; then
		# Offline: the newest kernel of the series already unpacked.
		dir=$(find "$VFIOPT_CACHE/kernels" -maxdepth 2 -name .ready -path "*/$_kernel_glob" \
			2>/dev/null | sort -V | tail -n 1)
		if [ -z "$dir" ]; then
			echo "kernel_fetch: no $series kernel package known to apt and none cached;" \
				"run apt-get update" >&2
			return 1
		fi
		dir=${dir%/.ready}
	else
		pkgs=("$pkg")
		dir=$VFIOPT_CACHE/kernels/$pkg
		case $series in
		trixie) dir=$VFIOPT_CACHE/kernels/trixie-$pkg ;;
		sid)
			pkgs+=("linux-binary-${pkg#linux-modules-}" "linux-base-${pkg#linux-modules-}")
			dir=$VFIOPT_CACHE/kernels/sid-$pkg
			;;
		esac
		if [ ! -f "$dir/.ready" ]; then
			_kernel_unpack "$dir" "${pkgs[@]}" || return 1
			# Each new kernel ABI is some 400 MB unpacked: keep the newest only,
			# and of the packages only those of the series' newest.
			find "$VFIOPT_CACHE/kernels" -mindepth 1 -maxdepth 1 -name "$_kernel_glob" \
				! -name "${dir##*/}" -exec rm -rf {} +
			for f in "$VFIOPT_CACHE"/debs/*.deb; do
				name=${f##*/}
				name=${name%%_*}
				[[ $name =~ $_kernel_pattern ]] && [ "$name" != "$pkg" ] && rm -f "$f"
			done
		fi
	fi
	KERNEL_ROOT=$dir
	KERNEL_VERSION=$(ls "$dir/lib/modules")
	[ -f "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" ] || {
		echo "kernel_fetch: $dir has no boot/vmlinuz-$KERNEL_VERSION" >&2
		return 1
	}
}
