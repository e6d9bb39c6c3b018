#!/bin/bash
# initramfs.sh: what vfiopt adds to the initramfs, per generator, a part of
# `make bench`.  For Debian's 6.1 kernel, each generator of this machine
# builds the same image twice, with vfiopt's part (the claim selected, as
# setup leaves a system) and without it:
#   dracut            host-only (as setup sets it), zstd as dracut does it
#                     (-15)
#   initramfs-tools   MODULES=list: nothing but what is asked for, so the
#                     difference is ours alone; COMPRESS=zstd
# Printed: each image's size compressed and its contents' bytes, the
# difference, and the files vfiopt's part adds.  Not a test: the exit
# status says only whether it could run.
set -euo pipefail
export LC_ALL=C
lib=$(dirname "$0")/../lib
# shellcheck source=tests/lib/rig.sh
. "$lib/rig.sh"
# shellcheck source=tests/lib/kernels.sh
. "$lib/kernels.sh"
# shellcheck source=tests/lib/dracut.sh
. "$lib/dracut.sh"
# shellcheck source=tests/lib/initramfs-tools.sh
. "$lib/initramfs-tools.sh"
rig_open

die() {
	echo "bench: $*" >&2
	exit 1
}

# contents IMAGE DIR: IMAGE unpacked into DIR; prints the bytes of its files.
contents() {
	rm -rf "$2"
	unmkinitramfs "$1" "$2" >/dev/null 2>&1 || die "unmkinitramfs $1 failed"
	# A hard link (busybox's applets) counts once.
	find "$2" -type f -printf '%i %s\n' | sort -u | awk '{ n += $2 } END { print n + 0 }'
}

# files DIR: the files under DIR, one relative path a line, sorted.
files() {
	(cd "$1" && find . -type f -printf '%P\n' | sort)
}

# compare GENERATOR WITH-IMAGE WITHOUT-IMAGE: the lines of the table, and
# what WITH holds that WITHOUT does not.
compare() {
	local with_bytes without_bytes with_size without_size added
	with_bytes=$(contents "$2" "$work/with")
	without_bytes=$(contents "$3" "$work/without")
	with_size=$(stat -c %s "$2")
	without_size=$(stat -c %s "$3")
	printf '  %-24s %10d %10d %10d\n' "$1: without" "$without_size" "$without_bytes" \
		"$(files "$work/without" | wc -l)"
	printf '  %-24s %10d %10d %10d\n' "$1: with" "$with_size" "$with_bytes" \
		"$(files "$work/with" | wc -l)"
	printf '  %-24s %+10d %+10d\n' "$1: added" $((with_size - without_size)) \
		$((with_bytes - without_bytes))
	added=$(comm -13 <(files "$work/without") <(files "$work/with"))
	printf '%s\n' "$added" | while read -r f; do
		printf '      %-66s %8d\n' "$f" "$(stat -c %s "$work/with/$f")"
	done
}

kernel_fetch 6.1 || die "no 6.1 kernel"
dracut_setup "$work" || die "dracut setup failed"

# dracut: the confdir of dracut_setup asks for the module; without its
# add_dracutmodules line (and with detection off) nothing does.
mkdir -p "$work/none.conf.d"
cp "$work/conf.d/10-vfiopt-test.conf" "$work/none.conf.d/"
dracut_build "$work/dracut-with.cpio" "$KERNEL_ROOT" "$KERNEL_VERSION" --hostonly ||
	die "dracut failed: $(tail -n 5 "$work/dracut-with.cpio.log")"
DRACUT_CONFDIR=$work/none.conf.d dracut_build "$work/dracut-without.cpio" "$KERNEL_ROOT" \
	"$KERNEL_VERSION" --hostonly ||
	die "dracut failed: $(tail -n 5 "$work/dracut-without.cpio.log")"
grep -q 'Including module: vfiopt' "$work/dracut-with.cpio.log" || die "dracut left vfiopt out"
! grep -q 'Including module: vfiopt' "$work/dracut-without.cpio.log" ||
	die "dracut put vfiopt in the image without it"
for v in with without; do
	zstd -15 -q -T0 -f "$work/dracut-$v.cpio" -o "$work/dracut-$v.img"
done

ITOOLS_COMPRESS=zstd itools_build list yes "$work/itools-with.img" ||
	die "mkinitramfs failed: $(tail -n 5 "$work/itools-with.img.log")"
ITOOLS_COMPRESS=zstd itools_build list no "$work/itools-without.img" ||
	die "mkinitramfs failed: $(tail -n 5 "$work/itools-without.img.log")"

echo "vfiopt bench: the initramfs with vfiopt and without it, Debian's kernel $KERNEL_VERSION"
printf '  %-24s %10s %10s %10s\n' "" "image" "contents" "files"
compare dracut "$work/dracut-with.img" "$work/dracut-without.img"
compare initramfs-tools "$work/itools-with.img" "$work/itools-without.img"
echo "  (bytes; the image compressed with zstd as each generator does it, the contents unpacked)"
