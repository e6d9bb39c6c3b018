# shellcheck shell=bash
# Each Debian release's own QEMU, to ask what it supports as vfiopt boot
# does: Debian 12's is this machine's (7.2), Debian 13's (10.0) and
# unstable's (11.x) run chrooted in a root of their release
# (tests/lib/release-root.sh, kind qemu).  And the QEMU that the rigs boot
# their machines with: Debian 13's.  Sourced, never run; needs kernels.sh
# and release-root.sh.
#
# qemu_of SUITE (bookworm, trixie, sid) sets QEMU_OF, a program that runs
# that release's qemu-system-x86_64 with the arguments it is given, and
# QEMU_VERSION, the first line of its --version.  Uses $work.
#
# qemu_rig sets QEMU_RIG, an array: the command that runs Debian 13's
# qemu-system-x86_64, to which a rig adds its arguments; or, with RIG_QEMU
# set, that program (make demo: this machine's, with no root to build).

# shellcheck disable=SC2154 # $work is the suite's
qemu_of() {
	case $1 in
	bookworm) QEMU_OF=/usr/bin/qemu-system-x86_64 ;;
	trixie | sid)
		release_root "$1" qemu || return 1
		QEMU_OF=$work/qemu-$1
		{
			printf '#!/bin/sh\n# %s'\''s own QEMU, in a root of that release\n' "$1"
			printf 'exec chroot %q /usr/bin/qemu-system-x86_64 "$@"\n' "$RELEASE_ROOT"
		} >"$QEMU_OF" && chmod 0755 "$QEMU_OF" || return 1
		;;
	*)
		echo "qemu_of: no release '$1' (bookworm, trixie, sid)" >&2
		return 1
		;;
	esac
	# shellcheck disable=SC2034 # for the suites
	QEMU_VERSION=$("$QEMU_OF" --version 2>&1 | head -n 1)
}

# The rigs' emulator is Debian 13's QEMU, the stable release's, not this
# machine's 7.2: under TCG it runs the same guest work faster (1.4 to 2.8
# times in the pieces measured, the whole of make check one and a half
# times; docs/testing.md has the figures), and the rigs' time is nearly
# all emulation.  It runs from its root without a chroot, so that the
# rig's disks, logs and FIFOs keep their paths: the root's own dynamic
# loader with the root's libraries only (never this machine's
# ld.so.cache), its firmware and option ROMs first on the data path (-L),
# and its modules (QEMU_MODULE_DIR) rather than this machine's, which are
# built for 7.2.
qemu_rig() {
	local root lib=/usr/lib/x86_64-linux-gnu
	if [ -n "${RIG_QEMU:-}" ]; then
		QEMU_RIG=("$RIG_QEMU")
		return 0
	fi
	release_root trixie qemu || return 1
	root=$RELEASE_ROOT
	if [ ! -x "$root/usr/bin/qemu-system-x86_64" ] || [ ! -x "$root$lib/ld-linux-x86-64.so.2" ]; then
		echo "qemu_rig: no QEMU in Debian 13's root $root" >&2
		return 1
	fi
	# shellcheck disable=SC2034 # for the rigs
	QEMU_RIG=(env "QEMU_MODULE_DIR=$root$lib/qemu"
		"$root$lib/ld-linux-x86-64.so.2" --inhibit-cache --library-path "$root$lib"
		"$root/usr/bin/qemu-system-x86_64" -L "$root/usr/share/seabios" -L "$root/usr/share/qemu")
}
