#!/bin/bash
# The upgrades a user of vfiopt lives through, on one real installed
# Debian 12 system (BIOS, GRUB, initramfs-tools: the image of
# "SYSTEM_GENERATOR=initramfs-tools tests/system/run.sh"), booted only
# through its own GRUB:
#
#   1. vfiopt 0.2, the package built from the last commit that carried
#      that version, installed and set up with its own setup;
#   2. booted claimed by 0.2; this tree's package installed over it with
#      apt: setup's files and record stay, the trigger rebuilds the image;
#   3. booted claimed by this tree's helper; then Debian 12 upgraded to 13
#      as Debian 13's release notes say (sources to trixie, apt upgrade
#      --without-new-pkgs, apt full-upgrade), from Debian's archive over
#      QEMU's user network: this one boot has a network;
#   4. booted through Debian 13's GRUB into its 6.12: claimed.
#
# tests/system/release-upgrade.sh [LAST]: stop after the test named LAST
# (image, old_setup, package_upgrade, package_upgraded, release_upgrade,
# release_upgraded).  The serial logs stay in
# tests/system/logs/release-upgrade/.
set -u
export SYSTEM_SUITE=bookworm SYSTEM_GENERATOR=initramfs-tools SYSTEM_LOADER=grub
# shellcheck source=tests/lib/system-suite.sh
. "$(dirname "$0")/../lib/system-suite.sh"
SYSTEM_NAME=release-upgrade
SYSTEM_LABEL="Debian 12 to 13, GRUB, initramfs-tools"
system_suite_open release_upgraded "$@"

# The .deb of the last commit whose version was 0.2: the parent of the
# one that moved debian/changelog to 0.3, built from that commit's tree
# (git archive, outside any work tree) by its own "make deb", and kept in
# the cache by commit.  The guest reads it from build/old-deb.
OLD_VERSION=0.2
OLD_DEB_DIR=$top/build/old-deb
old_deb() {
	local bump commit version cache src
	bump=$(git -C "$top" log -1 --format=%H -S'vfiopt (0.3)' HEAD -- debian/changelog 2>/dev/null)
	commit=$(git -C "$top" rev-parse -q --verify "${bump:-none}^" 2>/dev/null) || {
		echo "no commit of this clone's history carries $OLD_VERSION (a shallow clone? it needs the whole history)"
		return 1
	}
	version=$(git -C "$top" show "$commit:debian/changelog" | sed -n '1s/^vfiopt (\([^)]*\)).*/\1/p')
	[ "$version" = "$OLD_VERSION" ] || {
		echo "commit $commit carries version '$version', not $OLD_VERSION"
		return 1
	}
	cache=$VFIOPT_CACHE/old-deb/$commit
	if [ ! -f "$cache/.ready" ]; then
		src=$work/old-src
		mkdir -p "$src" "$cache" || return 1
		git -C "$top" archive "$commit" | tar -x -C "$src" || return 1
		# Outside any git work tree: make dist lists the files with find.
		if ! (cd "$src" && GIT_CEILING_DIRECTORIES=$work make -s deb) >"$work/old-deb.log" 2>&1; then
			echo "make deb of $commit failed:"
			tail -n 20 "$work/old-deb.log"
			return 1
		fi
		cp "$src"/build/deb/vfiopt_"$OLD_VERSION"_*.deb "$cache/" && touch "$cache/.ready" || return 1
	fi
	rm -rf "$OLD_DEB_DIR"
	mkdir -p "$OLD_DEB_DIR" && cp "$cache"/vfiopt_*.deb "$OLD_DEB_DIR/"
}

# The files of vfiopt's own a boot listed under TAG (OWN TAG HASH PATH).
own_files() { # LOG TAG
	tagged "$1" OWN "$2"
}

expect_own_kept() { # WHAT LOG-A TAG-A LOG-B TAG-B
	local a
	a=$(own_files "$2" "$3")
	if [ -z "$a" ]; then
		tap_fail "$1: the guest listed none of vfiopt's files as $3"
	elif [ "$a" != "$(own_files "$4" "$5")" ]; then
		tap_fail "$1: vfiopt's files changed:" "$(diff <(echo "$a") <(own_files "$4" "$5"))"
	fi
}

# 1. Version 0.2 from its package, set up by its own setup.
test_old_setup() {
	local err
	err=$(old_deb) || {
		tap_fail "could not build vfiopt $OLD_VERSION's package:" "$err"
		BOOTED=no
		return
	}
	boot old_setup old_setup || return
	expect_rc "$LOG" install-old 0
	expect_out "$LOG" install-old "^Setting up vfiopt \\($OLD_VERSION\\)"
	expect_out "$LOG" version-old "^vfiopt $OLD_VERSION\$"
	expect_host_drivers "$LOG"
	expect_rc "$LOG" setup-old 0
	expect_out "$LOG" setup-old '^wrote /etc/default/grub.d/vfiopt.cfg$'
	expect_report "$LOG" '^GRUB linux .* vfiopt.ids=1234:1111( |$)'
	expect_rc "$LOG" list-initrd-setup-old 0
	expect_report "$LOG" "^INITRD setup-old $GEN_CLAIM\$"
	expect_report "$LOG" '^OWN setup-old [0-9a-f]{64} +/etc/default/grub.d/vfiopt.cfg$'
	point_at_logs_on_failure
}

# 2. Claimed by 0.2's helper; then this tree's package over it.
test_package_upgrade() {
	local version
	version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
	boot package_upgrade package_upgrade || return
	expect_vga_claimed "$LOG"
	expect_rc "$LOG" status-old 0
	expect_rc "$LOG" upgrade 0
	expect_out "$LOG" upgrade "^Preparing to unpack .*vfiopt_${version}_.*\\.deb \\.\\.\\.\$"
	expect_out "$LOG" upgrade "^Unpacking vfiopt \\($version\\) over \\($OLD_VERSION\\)"
	expect_out "$LOG" upgrade "^Processing triggers for $GEN_TRIGGER"
	expect_out "$LOG" version "^vfiopt $version\$"
	expect_own_kept "the package upgrade" "$LOG" before "$LOG" after
	# The trigger's image: this version's claim-only helper.
	expect_image "$LOG" upgraded
	# The new tool reads the record the old helper wrote at boot.
	expect_rc "$LOG" status 0
	expect_out "$LOG" status "^  $GPU  1234:1111  id +- +claimed +vfio-pci +bochs-drm\$"
	expect_rc "$LOG" check 0
	expect_no_out "$LOG" check '^fail'
	point_at_logs_on_failure
}

# 3. The upgraded package's effect: the next boot is claimed by its helper.
test_package_upgraded() {
	SYSTEM_NET=user boot package_upgraded release_upgrade || return
	expect_vga_claimed "$LOG"
	expect_rc "$LOG" status 0
	expect_own_kept "the boot after the package upgrade" "$logs/package_upgrade.log" after "$LOG" before
	point_at_logs_on_failure
}

# 4. The same boot went on to Debian 13.
test_release_upgrade() {
	local kernels tag
	reported package_upgraded || return
	expect_rc "$LOG" net 0
	expect_rc "$LOG" apt-update 0
	expect_out "$LOG" apt-update ' trixie .*Release'
	expect_rc "$LOG" upgrade-minimal 0
	expect_rc "$LOG" full-upgrade 0
	expect_out "$LOG" full-upgrade '^Setting up linux-image-6\.12\.[^ ]+-amd64 '
	expect_report "$LOG" '^DEBIAN 13\.[0-9]+$'
	# Debian 13's kernel: its image, built by Debian 13's initramfs-tools
	# with this tree's hook, has the claim; update-grub gave its entry,
	# now the first, setup's words.
	kernels=$(tagged "$LOG" INITRD-KO | awk '{ print $1 }' | tr '\n' ' ')
	case $kernels in
	*release-6.12.*) ;;
	*) tap_fail "no initramfs of Debian 13's 6.12 in /boot: $kernels" ;;
	esac
	# (Listed from the Debian 12 side, before the reboot, that image showed
	# only its vfio directories: what it holds the next boot proves, which
	# the claim runs from.)
	for tag in $kernels; do
		case $tag in release-6.12.*) expect_rc "$LOG" "list-initrd-$tag" 0 ;; esac
	done
	expect_report "$LOG" '^GRUB linux /boot/vmlinuz-6\.12\.[^ ]+ .* iommu=pt vfiopt.ids=1234:1111( |$)'
	expect_own_kept "the release upgrade" "$LOG" before "$LOG" after
	point_at_logs_on_failure
}

# 5. Through Debian 13's GRUB into its 6.12: claimed.
test_release_upgraded() {
	boot release_upgraded release_upgraded || return
	expect_report "$LOG" '^UNAME 6\.12\.[^ ]+-amd64$'
	expect_report "$LOG" '^DEBIAN 13\.[0-9]+$'
	expect_report "$LOG" '^CMDLINE BOOT_IMAGE=/boot/vmlinuz-6\.12\.[^ ]+ .* iommu=pt vfiopt.ids=1234:1111( |$)'
	expect_vga_claimed "$LOG"
	expect_rc "$LOG" status 0
	expect_out "$LOG" status "^  $GPU  1234:1111  id +- +claimed +vfio-pci +bochs-drm\$"
	expect_rc "$LOG" check 0
	expect_no_out "$LOG" check '^fail'
	expect_own_kept "the boot after the release upgrade" "$logs/package_upgraded.log" after "$LOG" upgraded
	point_at_logs_on_failure
}

system_step image "a Debian 12 system from Debian's archive, GRUB installed by its first boot"
system_step old_setup "vfiopt $OLD_VERSION from the package of its last commit, set up by its own setup"
system_step package_upgrade "claimed by $OLD_VERSION; this tree's package over it keeps setup's files, its image gets the new helper"
system_step package_upgraded "the next boot is claimed by the upgraded package's helper"
system_step release_upgrade "apt full-upgrade to Debian 13 as its release notes say: its 6.12 image has the claim, its grub.cfg the words"
system_step release_upgraded "booted through Debian 13's GRUB into 6.12: claimed; status and check agree; setup's files kept"
