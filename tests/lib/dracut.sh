# shellcheck shell=bash
# Real initramfs images from Debian's dracut, with the project's module
# installed by "make install" into a private copy of dracut's base
# directory, so that nothing under /usr changes.  Sourced, never run.
#
# dracut_setup WORK: make WORK/stage (make install DESTDIR=), WORK/dracut
# (the private dracutbasedir) and WORK/conf.d (the add_dracutmodules line
# that vfiopt setup writes, and the helper's staged path).
# dracut_build IMAGE KERNEL_ROOT KERNEL_VERSION [DRACUT ARGS...]

dracut_setup() {
	local work=$1 top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	DRACUT_WORK=$work
	command -v dracut >/dev/null || {
		echo "dracut_setup: dracut is not installed (Debian: dracut-core)" >&2
		return 1
	}
	mkdir -p "$work/conf.d" || return 1
	make -s -C "$top" install DESTDIR="$work/stage" PREFIX=/usr >&2 || return 1
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
	dracutbasedir=$DRACUT_WORK/dracut dracut --force --no-compress --kver "$kver" \
		--kmoddir "$kroot/lib/modules/$kver" --conf /dev/null \
		--confdir "${DRACUT_CONFDIR:-$DRACUT_WORK/conf.d}" "$@" "$image" >"$image.log" 2>&1
}
