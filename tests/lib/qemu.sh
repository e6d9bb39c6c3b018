# shellcheck shell=bash
# Each Debian release's own QEMU, to ask what it supports as vfiopt boot
# does: Debian 12's is this machine's (7.2), Debian 13's (10.0) and
# unstable's (11.x) run chrooted in a root of their release
# (tests/lib/release-root.sh, kind qemu).  Sourced, never run; needs
# kernels.sh and release-root.sh.
#
# qemu_of SUITE (bookworm, trixie, sid) sets QEMU_OF, a program that runs
# that release's qemu-system-x86_64 with the arguments it is given, and
# QEMU_VERSION, the first line of its --version.  Uses $work.

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
