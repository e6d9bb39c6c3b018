#!/bin/bash
# Real initramfs images: Debian 12's dracut builds them for its 6.1
# kernel, systemd-based and shell-based (and one each for Debian 13's
# kernel and unstable's newest), with the
# module that "make install" put in a private dracut base directory.  Each
# image is inspected with lsinitrd: the static helper, the pre-udev hook,
# the vfio modules and the modprobe.d snippet must be inside, and be ours.
# Then kmod's softdep rule with Debian's kernel, and a generic image that
# initramfs-tools' mkinitramfs builds with our hook and script.
set -u
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

HOOK=usr/lib/dracut/hooks/pre-udev/05-vfiopt-claim.sh

# What an image holds, one path a line, without lsinitrd's ls -l columns.
listing() {
	lsinitrd "$1" 2>/dev/null | awk '$1 ~ /^[-dlcbps]/ { print $9 }'
}

expect_in() { # LISTING PATH-REGEX
	grep -qE "^$2\$" "$1" || tap_fail "not in the image: $2"
}

expect_not_in() {
	! grep -qE "^$2\$" "$1" || tap_fail "in the image, but should not be: $2"
}

expect_same_file() { # IMAGE PATH-IN-IMAGE FILE
	lsinitrd -f "$2" "$1" >"$work/extracted" 2>/dev/null
	cmp -s "$work/extracted" "$3" || tap_fail "$2 in the image differs from $3"
}

# expect_softdeps FILE KERNEL-MODULES-DIR: FILE (the image's
# /etc/modprobe.d/vfiopt.conf) is vfiopt's by-name list followed by a
# softdep for each of this kernel's drivers that race for a GPU or its
# audio.  Judged apart from vfiopt-softdeps: every module with a PCI alias
# of the display class or of HDA audio, and the drivers every machine
# has, have a line.
expect_softdeps() {
	local file=$1 kdir=$2 m missing=''
	head -n "$(wc -l <"$top/conf/modprobe.d/vfiopt.conf")" "$file" |
		cmp -s - "$top/conf/modprobe.d/vfiopt.conf" ||
		tap_fail "the image's softdeps do not start with vfiopt's list"
	for m in $(awk '$1 == "alias" && $2 ~ /^pci:.*(bc03|bc04sc03)/ { gsub(/-/, "_", $3); print $3 }' \
		"$kdir/modules.alias" | sort -u) amdgpu radeon nouveau i915 bochs ast snd_hda_intel; do
		grep -qx "softdep $m pre: vfio-pci" "$file" || missing="$missing $m"
	done
	[ -z "$missing" ] || tap_fail "no softdep in the image for:$missing"
}

# check_image SERIES INIT: a generic image of that kernel, systemd-based or shell-based
check_image() {
	local series=$1 init=$2 img list opts=(--no-hostonly) m
	[ "$init" = shell ] && opts+=(-o systemd)
	img=$work/$series-$init.img
	if ! kernel_fetch "$series" 2>"$work/fetch.err"; then
		tap_fail "no $series kernel: $(cat "$work/fetch.err")"
		return
	fi
	if ! dracut_build "$img" "$KERNEL_ROOT" "$KERNEL_VERSION" "${opts[@]}"; then
		tap_fail "dracut failed:" "$(tail -n 20 "$img.log")"
		return
	fi
	grep -q 'Including module: vfiopt' "$img.log" || tap_fail "dracut did not include vfiopt"
	list=$work/list
	listing "$img" >"$list"

	# The claim-only helper, and not the host tool.
	expect_in "$list" usr/sbin/vfiopt-claim
	expect_not_in "$list" usr/sbin/vfiopt
	lsinitrd -f usr/sbin/vfiopt-claim "$img" >"$work/helper" 2>/dev/null
	chmod +x "$work/helper"
	file "$work/helper" | grep -qE 'statically linked|static-pie' ||
		tap_fail "the helper in the image is not static: $(file "$work/helper")"
	"$work/helper" --version | grep -q '^vfiopt-claim ' || tap_fail "the helper in the image does not run"
	cmp -s "$work/helper" "$top/vfiopt-claim" || tap_fail "the helper in the image is not this one"

	expect_in "$list" "$HOOK"
	expect_same_file "$img" "$HOOK" "$top/dracut-module/vfiopt-claim.sh"
	expect_in "$list" etc/modprobe.d/vfiopt.conf
	lsinitrd -f etc/modprobe.d/vfiopt.conf "$img" >"$work/softdeps" 2>/dev/null
	expect_softdeps "$work/softdeps" "$KERNEL_ROOT/lib/modules/$KERNEL_VERSION"
	expect_in "$list" '(usr/)?s?bin/modprobe'

	local kmod
	# "6.12.117+deb12-amd64": a kernel version is not a regex.
	kmod="usr/lib/modules/$(printf '%s' "$KERNEL_VERSION" | sed 's/[.+]/\\&/g')/kernel"
	for m in drivers/vfio/vfio drivers/vfio/vfio_iommu_type1 drivers/vfio/pci/vfio-pci \
		drivers/vfio/pci/vfio-pci-core; do
		expect_in "$list" "$kmod/$m\\.ko(\\.xz|\\.zst)?"
	done
	# Before 6.2 the virqfd code is a module of its own.
	if [ "$series" = 6.1 ]; then
		expect_in "$list" "$kmod/drivers/vfio/vfio_virqfd\\.ko"
	else
		expect_not_in "$list" "$kmod/drivers/vfio/vfio_virqfd\\.ko(\\.xz)?"
	fi

	if [ "$init" = systemd ]; then
		# dracut-pre-udev.service runs the hook, ordered before systemd-udevd.
		expect_in "$list" usr/lib/systemd/system/dracut-pre-udev.service
		lsinitrd -f usr/lib/systemd/system/dracut-pre-udev.service "$img" 2>/dev/null |
			grep -q '^Before=.*systemd-udevd.service' ||
			tap_fail "dracut-pre-udev.service is not ordered before systemd-udevd"
	else
		expect_not_in "$list" usr/lib/systemd/systemd
		lsinitrd -f init "$img" 2>/dev/null | grep -q '^source_hook pre-udev' ||
			tap_fail "the shell init does not source the pre-udev hooks"
	fi
}

# vfiopt-softdeps on a kernel's module lists made up for it: the PCI
# drivers under drivers/gpu and drivers/video (nova-core's among them, and
# one that matches by vendor and device only), and those with a display
# or HDA class alias, each once, but not what the by-name list has, nor a
# virtio driver or another PCI driver.  Without the lists: the names only,
# and a failure.
# A unified kernel image as Debian 13 makes one: its own ukify
# (systemd-ukify 257) and systemd-stub (systemd-boot-efi), Debian 13's
# kernel and the dracut image above, the command line built in.  check and
# status must read that line from it, with our own PE reader, on a fake
# root whose ESP holds it; and see a rebuilt image without the words.
check_uki_from_ukify() {
	local tools=$work/ukify root=$work/uki-root pkg deb uki
	local img=$work/trixie-systemd.img words='root=UUID=1 ro console=ttyS0 iommu=pt vfiopt.ids=1234:1111'
	[ -f "$img" ] || {
		tap_fail "no image of Debian 13's kernel from the test before"
		return
	}
	kernel_fetch trixie 2>"$work/fetch.err" || {
		tap_fail "no Debian 13 kernel: $(cat "$work/fetch.err")"
		return
	}
	rm -rf "$tools" && mkdir -p "$tools"
	for pkg in systemd-ukify systemd-boot-efi; do
		if ! deb=$(_kernel_deb "$pkg") || ! dpkg-deb -x "$deb" "$tools"; then
			tap_fail "no $pkg from Debian 13"
			return
		fi
	done
	rm -rf "$root" && cp -a "$top/tests/trees/desktop" "$root" && mkdir -p "$root/run" "$root/etc"
	uki=$root/boot/efi/EFI/Linux/0123-$KERNEL_VERSION.efi
	mkdir -p "${uki%/*}"
	_ukify() { # CMDLINE
		/usr/bin/python3 "$tools/usr/lib/systemd/ukify" build --linux="$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" \
			--initrd="$img" --cmdline="$1" --uname="$KERNEL_VERSION" \
			--stub="$tools/usr/lib/systemd/boot/efi/linuxx64.efi.stub" --output="$uki" \
			>"$work/ukify.log" 2>&1 || tap_fail "ukify failed:" "$(tail -n 5 "$work/ukify.log")"
	}
	_ukify "$words"
	# What the firmware would load: the .cmdline section objdump sees.
	objdump -h "$uki" | grep -q ' \.cmdline ' || tap_fail "ukify made no .cmdline section"
	"$top/vfiopt" status --sysroot "$root" >"$work/uki-status.out" 2>&1
	grep -qx "Next boot: /boot/efi/EFI/Linux/0123-$KERNEL_VERSION.efi, a unified kernel image, selects vfiopt.ids=1234:1111." \
		"$work/uki-status.out" || tap_fail "status:" "$(cat "$work/uki-status.out")"
	"$top/vfiopt" check --sysroot "$root" >"$work/uki-check.out" 2>&1
	grep -qx "ok    the command line built into /boot/efi/EFI/Linux/0123-$KERNEL_VERSION.efi, the unified kernel image that boots next, selects: vfiopt.ids=1234:1111 (not this boot's: reboot to claim)" \
		"$work/uki-check.out" || tap_fail "check:" "$(cat "$work/uki-check.out")"
	# Rebuilt without the words, with setup's record still there: check fails.
	_ukify 'root=UUID=1 ro console=ttyS0'
	mkdir -p "$root/var/lib/vfiopt" && echo '# Written by "vfiopt setup"' >"$root/var/lib/vfiopt/cmdline-added"
	"$top/vfiopt" check --sysroot "$root" >"$work/uki-check.out" 2>&1 &&
		tap_fail "check passed with a UKI that selects nothing"
	grep -q "^fail  the command line built into /boot/efi/EFI/Linux/0123-$KERNEL_VERSION.efi, the unified kernel image that boots next, selects nothing" \
		"$work/uki-check.out" || tap_fail "check:" "$(cat "$work/uki-check.out")"
}

check_softdeps_tool() {
	local k=$work/fake-kernel out
	mkdir -p "$k"
	cat >"$k/modules.dep" <<-'EOF2'
		kernel/drivers/gpu/nova-core/nova_core.ko.xz:
		kernel/drivers/gpu/drm/nova/nova.ko.xz: kernel/drivers/gpu/nova-core/nova_core.ko.xz
		kernel/drivers/gpu/drm/radeon/radeon.ko.xz:
		kernel/drivers/gpu/drm/virtio/virtio-gpu.ko.xz:
		kernel/drivers/gpu/drm/i915/i915.ko.xz:
		kernel/drivers/video/fbdev/s3fb.ko.xz:
		kernel/sound/pci/hda/snd-hda-intel.ko.xz:
		kernel/sound/pci/snd-maestro3.ko.xz:
		kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz:
		kernel/drivers/misc/some-vga-thing.ko.xz:
	EOF2
	cat >"$k/modules.alias" <<-'EOF2'
		alias pci:v000010DEd*sv*sd*bc03sc00i00* nova_core
		alias auxiliary:nova_core.nova-drm nova
		alias pci:v00001002d00005159sv*sd*bc*sc*i* radeon
		alias virtio:d00000010v* virtio_gpu
		alias pci:v00008086d00003E90sv*sd*bc03sc*i* i915
		alias pci:v00005333d00008810sv*sd*bc*sc*i* s3fb
		alias pci:v*d*sv*sd*bc04sc03i00* snd_hda_intel
		alias pci:v000010DEd00000BE4sv*sd*bc04sc03i00* snd_hda_intel
		alias pci:v0000125Dd00001988sv*sd*bc*sc*i* snd_maestro3
		alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e
		alias pci:v0000ABCDd*sv*sd*bc03sc00i* some_vga_thing
	EOF2
	out=$(sh "$top/initramfs-common/vfiopt-softdeps" "$k" "$top/conf/modprobe.d/vfiopt.conf") ||
		tap_fail "vfiopt-softdeps failed"
	expect_eq "the lines after the by-name list" \
		"$(printf '%s\n' "$out" | sed -n '/^# From this kernel/,$p')" \
		"$(printf '%s\n' "# From this kernel's modules.alias and modules.dep (vfiopt-softdeps):" \
			"softdep s3fb pre: vfio-pci" "softdep some_vga_thing pre: vfio-pci")"
	printf '%s\n' "$out" | head -n "$(wc -l <"$top/conf/modprobe.d/vfiopt.conf")" |
		cmp -s - "$top/conf/modprobe.d/vfiopt.conf" || tap_fail "the by-name list does not come first"
	out=$(sh "$top/initramfs-common/vfiopt-softdeps" "$k") || tap_fail "vfiopt-softdeps failed"
	expect_eq "with no by-name list" "$(printf '%s\n' "$out" | awk '$1 == "softdep" { print $2 }' | tr '\n' ' ')" \
		"i915 nova_core radeon s3fb snd_hda_intel some_vga_thing "
	rm "$k/modules.alias"
	out=$(sh "$top/initramfs-common/vfiopt-softdeps" "$k" "$top/conf/modprobe.d/vfiopt.conf" 2>/dev/null) &&
		tap_fail "no failure without modules.alias"
	expect_eq "without modules.alias" "$out" "$(cat "$top/conf/modprobe.d/vfiopt.conf")"
}

# Without the dracut.conf.d snippet and without a configuration, the module
# stays out; a configuration is enough to bring it in, baked as it is.
check_opt_in() {
	local img=$work/optin.img conf=$work/optin.conf.d
	kernel_fetch 6.1 2>/dev/null || {
		tap_fail "no 6.1 kernel"
		return
	}
	mkdir -p "$conf"
	cp "$work/conf.d/10-vfiopt-test.conf" "$conf/"
	DRACUT_CONFDIR=$conf dracut_build "$img" "$KERNEL_ROOT" "$KERNEL_VERSION" --no-hostonly \
		-o systemd || tap_fail "dracut failed: $(tail -n 5 "$img.log")"
	! grep -q 'Including module: vfiopt' "$img.log" ||
		tap_fail "vfiopt was included though nothing asked for it"

	printf 'ids=1234:1111\n' >"$work/vfiopt.conf"
	# Sorts after 10-vfiopt-test.conf, so this vfiopt_config wins.
	echo "vfiopt_config=$work/vfiopt.conf" >"$conf/20-vfiopt-config.conf"
	DRACUT_CONFDIR=$conf dracut_build "$img" "$KERNEL_ROOT" "$KERNEL_VERSION" --no-hostonly \
		-o systemd || tap_fail "dracut failed: $(tail -n 5 "$img.log")"
	grep -q 'Including module: vfiopt' "$img.log" ||
		tap_fail "a vfiopt configuration did not bring the module in"
	expect_same_file "$img" etc/vfiopt.conf "$work/vfiopt.conf"
}

# kmod, with Debian's kernel, takes the first softdep line it finds for a
# module: vfiopt's softdeps load vfio-pci first, unless a file that sorts
# before vfiopt.conf has one for the same driver (what "vfiopt check"
# warns about).
check_first_softdep_wins() {
	local conf=$work/modprobe.d deps
	if ! kernel_fetch 6.1 2>"$work/fetch.err"; then
		tap_fail "no 6.1 kernel: $(cat "$work/fetch.err")"
		return
	fi
	rm -rf "$conf"
	mkdir -p "$conf"
	cp "$top/conf/modprobe.d/vfiopt.conf" "$conf/vfiopt.conf"
	deps=$(modprobe -d "$KERNEL_ROOT" -S "$KERNEL_VERSION" -C "$conf" --show-depends snd_hda_intel)
	grep -q '/vfio-pci\.ko' <<<"$deps" || tap_fail "vfiopt's softdep did not bring vfio-pci:" "$deps"
	[ "$(grep -n '/vfio-pci\.ko' <<<"$deps" | cut -d: -f1)" -lt \
		"$(grep -n '/snd-hda-intel\.ko' <<<"$deps" | cut -d: -f1)" ] ||
		tap_fail "vfio-pci does not come before snd-hda-intel:" "$deps"
	echo 'softdep snd-hda-intel pre: loop' >"$conf/alsa.conf"
	deps=$(modprobe -d "$KERNEL_ROOT" -S "$KERNEL_VERSION" -C "$conf" --show-depends snd_hda_intel)
	grep -q '/loop\.ko' <<<"$deps" || tap_fail "the first softdep was not used:" "$deps"
	! grep -q '/vfio-pci\.ko' <<<"$deps" || tap_fail "both softdeps were used: the rule changed"
}

# initramfs-tools, generic (MODULES=most, as Debian ships it), with
# Debian's 6.1 kernel, on this machine (tests/lib/initramfs-tools.sh).
# (The installed-system test builds and boots MODULES=dep images.)
check_initramfs_tools() {
	local img=$work/itools.img
	if ! kernel_fetch 6.1 2>"$work/fetch.err"; then
		tap_fail "no 6.1 kernel: $(cat "$work/fetch.err")"
		return
	fi
	# Nothing selected: nothing of vfiopt in the image, its script included.
	itools_build list no "$work/itools-none.img" || {
		tap_fail "mkinitramfs failed:" "$(tail -n 20 "$work/itools-none.img.log")"
		return
	}
	lsinitramfs "$work/itools-none.img" >"$work/itools.list"
	! grep -q vfiopt "$work/itools.list" ||
		tap_fail "vfiopt in an image that claims nothing:" "$(grep vfiopt "$work/itools.list")"
	itools_build most yes "$img" || {
		tap_fail "mkinitramfs failed:" "$(tail -n 20 "$img.log")"
		return
	}
	# Unpacked once, and listed from the unpacked tree: one pass of
	# Debian 12's unmkinitramfs, not that and lsinitramfs, each of which
	# reads the whole image (a cpio header's fields with dd, a byte at a
	# time, where a part of it is not compressed).
	rm -rf "$work/itools.x"
	unmkinitramfs "$img" "$work/itools.x" || {
		tap_fail "unmkinitramfs could not unpack the image"
		return
	}
	(cd "$work/itools.x" && find . -mindepth 1 | sed 's|^\./||') >"$work/itools.list"
	expect_in "$work/itools.list" usr/sbin/vfiopt-claim
	expect_not_in "$work/itools.list" usr/sbin/vfiopt
	expect_in "$work/itools.list" scripts/init-top/claim_vfiopt
	expect_in "$work/itools.list" 'usr/lib/modules/[^/]+/kernel/drivers/vfio/pci/vfio-pci\.ko'
	expect_in "$work/itools.list" etc/modprobe.d/vfiopt.conf
	[ "$(grep -c '\.ko$' "$work/itools.list")" -gt 300 ] ||
		tap_fail "not a generic image: $(grep -c '\.ko$' "$work/itools.list") modules"
	cmp -s "$work/itools.x/usr/sbin/vfiopt-claim" "$top/vfiopt-claim" ||
		tap_fail "the helper in the image is not this one"
	expect_softdeps "$work/itools.x/etc/modprobe.d/vfiopt.conf" \
		"$KERNEL_ROOT/lib/modules/$KERNEL_VERSION"
	# init runs init-top's scripts in the order of ORDER: ours before udev's.
	sed -n 's|^/scripts/init-top/\([^ ]*\) .*|\1|p' "$work/itools.x/scripts/init-top/ORDER" \
		>"$work/itools.order"
	grep -qx udev "$work/itools.order" || tap_fail "no udev in init-top:" "$(cat "$work/itools.order")"
	[ "$(grep -nx claim_vfiopt "$work/itools.order" | cut -d: -f1)" -lt \
		"$(grep -nx udev "$work/itools.order" | cut -d: -f1)" ] ||
		tap_fail "claim_vfiopt does not run before udev:" "$(cat "$work/itools.order")"
}

if ! dracut_setup "$work" 2>"$work/setup.err"; then
	echo "not ok - dracut setup"
	sed 's/^/#   /' "$work/setup.err"
	exit 1
fi
# Generic images only: this build machine may have no /proc/modules,
# and then dracut builds a host-only image as a generic one (it says
# "Switching to non-hostonly mode").  Host-only images are the installed
# systems' (hostonly=yes there), built and booted on the system itself.
for init in systemd shell; do
	run_test "dracut image, kernel 6.1, no-hostonly, $init-based" check_image 6.1 "$init"
done
# Today's kernels, from Debian 13 and unstable (7.x), through this
# machine's dracut: the claim's parts in, and the softdeps checked against
# each kernel's own aliases.
run_test "dracut image, Debian 13's kernel (trixie), no-hostonly, systemd-based" \
	check_image trixie systemd
run_test "dracut image, unstable's newest kernel (sid), no-hostonly, systemd-based" \
	check_image sid systemd
run_test "a UKI from Debian 13's ukify and systemd-stub: check and status read its .cmdline" \
	check_uki_from_ukify
run_test "vfiopt-softdeps: a kernel's GPU and HDA drivers, from its module lists" check_softdeps_tool
run_test "dracut: opt-in, and /etc/vfiopt.conf baked in" check_opt_in
run_test "kmod: the first softdep for a driver wins, ours included" check_first_softdep_wins
run_test "initramfs-tools image, kernel 6.1, MODULES=most: the claim runs before udev" check_initramfs_tools
