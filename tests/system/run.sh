#!/bin/bash
# The user's whole path on a real installed Debian system, booted only
# through its own GRUB (see tests/lib/system.sh): apt-get install of the
# .deb, check, setup --apply (update-grub and the system's own initramfs
# generator), reboot, the claim, status, list, check, release, setup
# --addrs for one of two identical NICs, on Debian 13 a newer kernel
# installed and booted, vfiopt.disable=1 typed at GRUB's menu, setup
# --undo --apply, reboot, apt-get remove --purge.  One boot per
# stage of tests/system/guest/stages.sh, on one disk; each test asserts on
# what that boot's guest reported.  The serial logs of the last run stay in
# tests/system/logs/GENERATOR/.
#
# [SYSTEM_SUITE=bookworm|trixie] [SYSTEM_GENERATOR=dracut|initramfs-tools]
# tests/system/run.sh [LAST]: the system of that release (Debian 12 unless
# said) with that initramfs generator (dracut, host-only, unless said);
# stop after the test named LAST (image, stock, refusals, faults
# (initramfs-tools), setup, claimed, release,
# grubcut (initramfs-tools), addrs, upgraded (Debian 13), rescue, cut
# (initramfs-tools), undone, purge).
set -u
export SYSTEM_GENERATOR=${SYSTEM_GENERATOR:-dracut} SYSTEM_LOADER=grub
# shellcheck source=tests/lib/system-suite.sh
. "$(dirname "$0")/../lib/system-suite.sh"
system_suite_open purge "$@"

# 1. Stock: vfiopt installed from its .deb with apt, not set up yet.
test_stock() {
	boot stock stock || return
	expect_rc "$LOG" install 0
	# Nothing is set up yet: the images would not hold vfiopt, so the
	# package has the generator rebuild none, and not a file of /etc or
	# /boot changes.
	expect_out "$LOG" install '^Setting up vfiopt '
	expect_no_out "$LOG" install "^Processing triggers for $GEN_TRIGGER"
	# The same package again: its postinst finds nothing set up either.
	expect_rc "$LOG" reinstall 0
	expect_out "$LOG" reinstall '^Setting up vfiopt '
	expect_no_out "$LOG" reinstall "^Processing triggers for $GEN_TRIGGER"
	expect_same_files "apt-get install" "$LOG" preinstall "$LOG" before
	expect_host_drivers "$LOG"
	# bochs-drm did bind it, and said so, and snd_hda_intel made a sound
	# card of the audio function: the race the claim must win is real.
	expect_report "$LOG" "^KLOG .*bochs-drm.*$GPU"
	expect_report "$LOG" "^SOUND card[0-9]+ $GPU_AUDIO\$"
	expect_no_report "$LOG" '^RECORD '
	# check names what is missing, with its fix.
	expect_rc "$LOG" check 1
	expect_out "$LOG" check '^ok    1 IOMMU unit\(s\) registered \(dmar0\.\.\.\) with no intel_iommu=on on the kernel command line'
	expect_out "$LOG" check '^fail  /boot/initrd.img-[^ ]+ has no vfiopt: no early claim at boot$'
	expect_out "$LOG" check '^      fix: vfiopt setup --ids VENDOR:DEVICE --apply'
	expect_out "$LOG" check '^warn  nothing selected on the kernel command line'
	point_at_logs_on_failure
}

# 8. Bad input on a real system, and a read-only /etc: refused, and not a
#    file written.
test_refusals() {
	reported stock || return
	expect_rc "$LOG" nomatch 1
	expect_out "$LOG" nomatch '^vfiopt setup: --ids 10de:9999 matches no PCI device here$'
	expect_out "$LOG" nomatch 'nothing written'
	expect_rc "$LOG" nogenerator 1
	expect_out "$LOG" nogenerator 'neither initramfs-tools nor dracut is installed.*apt-get install initramfs-tools'
	expect_out "$LOG" nogenerator '^vfiopt setup: nothing written$'
	expect_rc "$LOG" etc-readonly 1
	expect_out "$LOG" etc-readonly '^vfiopt setup: /etc is read-only, where setup writes the boot loader.s and the generator.s configuration: give the kernel parameters through this system.s own means'
	expect_out "$LOG" etc-readonly '^vfiopt setup: the kernel parameters for this selection: iommu=pt vfiopt.ids=1234:1111$'
	expect_no_out "$LOG" etc-readonly '^(wrote|Running)'
	expect_same_files "refused setups" "$LOG" before "$LOG" refused
	point_at_logs_on_failure
}

# 8b. setup --apply where the generator fails (initramfs-tools; the stock
#     boot, before the setup that succeeds): someone else's hook exits
#     non-zero, then /boot is full.  Each time setup stops before
#     update-grub, says it did not finish and that check tells what the
#     next boot has; check does (no claim in the image, nothing selected
#     by grub.cfg); and not a byte of an image or of grub.cfg changed:
#     after setup --undo (no --apply), /etc and /boot are as before.
test_faults() {
	local free
	reported stock || return
	expect_rc "$LOG" hook-fails 1
	expect_out "$LOG" hook-fails '^zz-someone-else: this hook fails$'
	expect_out "$LOG" hook-fails '^E: /etc/initramfs-tools/hooks/zz-someone-else failed with return 1\.$'
	expect_out "$LOG" hook-fails '^vfiopt setup: /usr/sbin/update-initramfs failed: non-zero exit$'
	expect_out "$LOG" hook-fails '^vfiopt setup: not finished: /usr/sbin/update-initramfs failed, and nothing after it ran; /etc has the new configuration, but the next boot may not: "vfiopt check" tells what it has\.'
	expect_no_out "$LOG" hook-fails 'Generating grub configuration file|^Done'
	expect_rc "$LOG" check-hook-fails 1
	expect_out "$LOG" check-hook-fails '^fail  /boot/initrd.img-[^ ]+ has no vfiopt: no early claim at boot$'
	expect_out "$LOG" check-hook-fails '^fail  /boot/grub/grub.cfg selects nothing: the parameters setup wrote have not reached it$'
	# Only setup's snippet (and the folder it went into) is new.
	expect_same_files "a failed hook" "$LOG" refused "$LOG" hook-fails \
		'^(SUM +[0-9a-f]{64} |DIR +)/etc/default/grub\.d(/vfiopt\.cfg)?$'
	# Full: what is left is no more than ext4 keeps back (under 32 MiB).
	free=$(tagged "$LOG" FILLED | sed -n 's/^\([0-9]*\) blocks free$/\1/p')
	if [ -z "$free" ] || [ "$free" -ge 8192 ]; then
		tap_fail "/boot was not full: $(tagged "$LOG" FILLED)"
	fi
	expect_rc "$LOG" boot-full 1
	expect_out "$LOG" boot-full 'No space left on device'
	expect_out "$LOG" boot-full '^vfiopt setup: /usr/sbin/update-initramfs failed: non-zero exit$'
	expect_out "$LOG" boot-full '^vfiopt setup: not finished: /usr/sbin/update-initramfs failed, and nothing after it ran'
	expect_no_out "$LOG" boot-full 'Generating grub configuration file|^Done'
	expect_same_files "a full /boot" "$LOG" hook-fails "$LOG" boot-full
	expect_rc "$LOG" undo-faults 0
	expect_same_files "two failed setups and an undo" "$LOG" refused "$LOG" faults-undone
	point_at_logs_on_failure
}

# The image setup had the system make is host-only (dracut's hostonly=yes,
# initramfs-tools' MODULES=dep): far fewer modules than the generic one
# the system was installed with, both counted in the guest by the
# system's own lister (the stock count before vfiopt was installed).
# With initramfs-tools, init-top's ORDER in it runs the claim before
# udev.  (A generic MODULES=most image takes minutes to build under
# emulation: the initramfs suite builds one on the host.)
expect_host_only_image() { # LOG
	local ko_stock ko_setup order
	ko_stock=$(tagged "$1" INITRD-KO stock)
	ko_setup=$(tagged "$1" INITRD-KO setup)
	if [ "${ko_setup:-0}" = 0 ] || [ "$ko_setup" -ge "$((${ko_stock:-0} / 2))" ]; then
		tap_fail "not a host-only image: $ko_setup modules, the generic one $ko_stock"
	fi
	echo "# system: modules in the initramfs: generic $ko_stock, host-only with vfiopt $ko_setup"
	[ "$SYSTEM_GENERATOR" = initramfs-tools ] || return 0
	order=$(tagged "$1" ORDER setup | tr '\n' ' ')
	case $order in
	*claim_vfiopt*udev*) ;;
	*) tap_fail "init-top's ORDER does not run claim_vfiopt before udev: $order" ;;
	esac
}

# 2. setup --apply on the system itself (with initramfs-tools, after the
#    faults, whose setup --undo took its snippet away again).
test_setup() {
	local lines selecting
	reported stock || return
	expect_rc "$LOG" setup 0
	expect_out "$LOG" setup '^wrote /etc/default/grub.d/vfiopt.cfg$'
	expect_out "$LOG" setup '^  0000:00:06.0 \[1234:1111\]$'
	expect_out "$LOG" setup "^Kernel command line: GRUB, /etc/default/grub.d; initramfs: $SYSTEM_GENERATOR\$"
	if [ -n "$GEN_FILE" ]; then
		expect_out "$LOG" setup "^wrote $GEN_FILE\$"
	else
		expect_no_out "$LOG" setup '^wrote /etc/(dracut|initramfs-tools)'
	fi
	expect_out "$LOG" setup '^Done: reboot to claim the devices.$'
	# Debian's 6.1 and 6.12 turn VT-d on by themselves, and their vfio-pci
	# removes the firmware framebuffer: neither switch is written.
	expect_out "$LOG" setup '^  the selection is in IOMMU groups without intel_iommu=on: this kernel needs no switch$'
	expect_out "$LOG" setup '^  0000:00:06.0 is the boot VGA: no switch needed, vfio-pci on Linux '"$SYSTEM_KERNEL"'[^ ]+ removes the firmware framebuffer itself$'
	# Every linux line of grub.cfg carries the selection, and only it.
	lines=$(tagged "$LOG" GRUB | grep -c '^linux ')
	selecting=$(tagged "$LOG" GRUB | grep '^linux ' | grep ' iommu=pt vfiopt.ids=1234:1111' |
		grep -cvE 'intel_iommu=on|efifb|vesafb|initcall_blacklist')
	if [ "$lines" = 0 ] || [ "$lines" != "$selecting" ]; then
		tap_fail "$selecting of $lines linux lines in grub.cfg carry the parameters:" "$(tagged "$LOG" GRUB)"
	fi
	# The image: the helper, the script that runs it, vfio-pci (which this
	# host never loaded) and the softdeps.  Whether the claim ran before
	# udev the next boot tells.
	expect_image "$LOG" setup
	expect_no_report "$LOG" '^HOST-MODULE vfio_pci'
	expect_host_only_image "$LOG"
	# check: the initramfs is ready, the next boot selects the GPU.
	expect_out "$LOG" check-after "^ok    $SYSTEM_GENERATOR builds the initramfs; vfiopt's part is installed"
	expect_out "$LOG" check-after '^ok    /boot/initrd.img-[^ ]+ holds the vfiopt helper and its script: the claim runs before udev$'
	expect_out "$LOG" check-after '^ok    [0-9]+ of the [0-9]+ linux lines of /boot/grub/grub.cfg select: vfiopt.ids=1234:1111 \(not this boot.s: reboot to claim\)$'
	expect_no_out "$LOG" check-after '^fail'
	# A second run: nothing to change.
	expect_rc "$LOG" setup-again 0
	expect_out "$LOG" setup-again '^unchanged /etc/default/grub.d/vfiopt.cfg$'
	[ -z "$GEN_FILE" ] || expect_out "$LOG" setup-again "^unchanged $GEN_FILE\$"
	expect_same_files "a second setup" "$LOG" setup "$LOG" again
	# The package installed again with setup in place: its postinst (the
	# hook's "wanted") has the generator rebuild the images, as an
	# upgrade's must, since the helper in them is the package's.
	expect_rc "$LOG" reinstall-setup 0
	expect_out "$LOG" reinstall-setup "^Processing triggers for $GEN_TRIGGER"
	point_at_logs_on_failure
}

# 3. Reboot through GRUB: the claim.  (With initramfs-tools, the power is
#    cut at the end of this boot, in setup --addrs --apply: test_grubcut.)
test_claimed() {
	local json
	if [ "$SYSTEM_GENERATOR" = initramfs-tools ]; then
		boot_cut claimed claimed || return
	else
		boot claimed claimed || return
	fi
	expect_report "$LOG" '^CMDLINE BOOT_IMAGE=.* iommu=pt vfiopt.ids=1234:1111( |$)'
	expect_vga_claimed "$LOG"
	# status: both claims, and what they held off.
	expect_rc "$LOG" status 0
	expect_out "$LOG" status "^  $GPU  1234:1111  id +- +claimed +vfio-pci +bochs-drm\$"
	expect_out "$LOG" status "^  $GPU_AUDIO  8086:293e  companion +- +claimed +vfio-pci +snd_hda_intel\$"
	# list --json parses, and agrees with sysfs on every device.
	json=$(report "$LOG" | sed -n '/^LIST-BEGIN$/,/^LIST-END/{/^LIST-/d;p}')
	if ! jq -e . <<<"$json" >/dev/null 2>&1; then
		tap_fail "list --json is not JSON:" "$json"
	else
		expect_eq "list --json" "$(jq -r '.[] | "\(.address) \(.driver // "-") \(.driver_override // "(null)") \(.iommu_group // "-")"' <<<"$json" | sort)" \
			"$(tagged "$LOG" DEV | awk '{ print $1, substr($4, 8), substr($5, 10), substr($6, 7) }' | sort)"
	fi
	expect_report "$LOG" '^LIST-END 0$'
	expect_rc "$LOG" check 0
	expect_no_out "$LOG" check '^fail'
	expect_out "$LOG" check "^ok    $GPU \\[1234:1111\\] is on vfio-pci\$"
	# Read from the real /dev and /boot/config of Debian's kernel, which
	# has no iommufd.
	expect_out "$LOG" check '^ok    VFIO: the group and container \(/dev/vfio/GROUP\), which vfiopt boot uses; no iommufd with device cdevs \(this kernel is built without CONFIG_IOMMUFD\)$'
	point_at_logs_on_failure
}

# 4. release on this real kernel.
test_release() {
	reported claimed || return
	expect_rc "$LOG" release 0
	expect_out "$LOG" release "^$GPU: released, now on bochs-drm\$"
	expect_dev "$LOG" "$GPU" bochs-drm '(null)' RELEASED
	expect_report "$LOG" '^DRI /dev/dri/card[0-9]+$'
	expect_out "$LOG" status-after "^  $GPU  1234:1111  id +- +released +bochs-drm +bochs-drm\$"
	expect_rc "$LOG" status-after 0
	expect_rc "$LOG" release-unclaimed 1
	expect_out "$LOG" release-unclaimed "^vfiopt release: $NIC1 is not held by vfio-pci \\(driver: e1000\\): there is nothing to release\$"
	expect_dev "$LOG" "$NIC1" e1000 '(null)' RELEASED
	point_at_logs_on_failure
}

# 4b. The power cut while setup --addrs --apply's update-grub ran
#     (initramfs-tools): setup had written its snippet for the new
#     selection and update-initramfs had finished.  The boot after it,
#     through GRUB's default entry, reaches multi-user with the old
#     selection, as grub.cfg is still the old one: the VGA and its audio
#     claimed, the NICs not.  status says so; check that grub.cfg selects
#     the VGA while /etc asks for the NIC, with update-grub as the fix;
#     the same setup, run again, finishes, and check then agrees.
test_grubcut() {
	reported claimed || return
	expect_report "$LOG" '^CUT-NOW while update-grub writes grub\.cfg\.new$'
	expect_out "$LOG" setup-addrs '^wrote /etc/default/grub.d/vfiopt.cfg$'
	expect_out "$LOG" setup-addrs '^update-initramfs: Generating /boot/initrd\.img-'
	expect_out "$LOG" setup-addrs '^Generating grub configuration file'
	expect_no_report "$LOG" '^RC setup-addrs '
	boot after_grub_cut after_grub_cut || return
	expect_report "$LOG" '^CMDLINE .* vfiopt.ids=1234:1111( |$)'
	expect_no_report "$LOG" '^CMDLINE .*vfiopt.addrs'
	expect_vga_claimed "$LOG"
	report "$LOG" | grep -q '^GRUB-NEW-LEFT' &&
		echo "# system: update-grub's grub.cfg.new was left by the power cut"
	expect_rc "$LOG" status 0
	expect_out "$LOG" status "^  $GPU  1234:1111  id +- +claimed +vfio-pci +bochs-drm\$"
	expect_out "$LOG" check '^ok    [0-9]+ of the [0-9]+ linux lines of /boot/grub/grub.cfg select: vfiopt.ids=1234:1111$'
	expect_out "$LOG" check "^warn  /boot/grub/grub.cfg selects vfiopt.ids=1234:1111, but /etc/default/grub and its grub.d ask for vfiopt.addrs=$NIC2: update-grub has not run since"
	expect_out "$LOG" check '^      fix: [^ ]*update-grub$'
	expect_rc "$LOG" setup-addrs 0
	expect_out "$LOG" setup-addrs '^unchanged /etc/default/grub.d/vfiopt.cfg$'
	expect_out "$LOG" setup-addrs '^Done: reboot to claim the devices.$'
	expect_no_report "$LOG" '^GRUB-NEW-AFTER'
	expect_out "$LOG" check-after "^ok    [0-9]+ of the [0-9]+ linux lines of /boot/grub/grub.cfg select: vfiopt.addrs=$NIC2 \(not this boot.s: reboot to claim\)\$"
	expect_no_out "$LOG" check-after '^warn  /boot/grub/grub.cfg'
	point_at_logs_on_failure
}

# Debian 13 only: a newer kernel, trixie-backports' newest, arrives after
# the setup, its packages fetched here into build/upgrade (which the guest
# reads in the shared tree) and installed there with apt: the kernel's
# four and the linux-base it pre-depends on, newer than Debian 13's.
# UPGRADE_KERNEL is its release, UPGRADE_RE that as a regex.
UPGRADE_KERNEL='' UPGRADE_RE=''
UPGRADE_DIR=$top/build/upgrade
upgrade_debs() {
	local pkg
	# shellcheck source=tests/lib/kernels.sh
	. "$top/tests/lib/kernels.sh"
	_kernel_apt trixie-backports || return 1
	pkg=$(apt-cache "${_kernel_apt_opts[@]}" pkgnames linux-image- 2>/dev/null |
		grep -E '^linux-image-[0-9.]+\+deb13-amd64$' | sort -V | tail -n 1)
	[ -n "$pkg" ] || {
		echo "system: trixie-backports has no linux-image-VERSION+deb13-amd64" >&2
		return 1
	}
	UPGRADE_KERNEL=${pkg#linux-image-}
	UPGRADE_RE=$(printf '%s' "$UPGRADE_KERNEL" | sed 's/[.+]/\\&/g')
	[ -f "$UPGRADE_DIR/$UPGRADE_KERNEL.ready" ] && return 0
	rm -rf "$UPGRADE_DIR"
	mkdir -p "$UPGRADE_DIR" || return 1
	if ! (cd "$UPGRADE_DIR" && apt-get "${_kernel_apt_opts[@]}" download -q "$pkg" \
		"linux-binary-$UPGRADE_KERNEL" "linux-modules-$UPGRADE_KERNEL" \
		"linux-base-$UPGRADE_KERNEL" linux-base) >"$work/upgrade.log" 2>&1; then
		tail -n 5 "$work/upgrade.log" >&2
		return 1
	fi
	touch "$UPGRADE_DIR/$UPGRADE_KERNEL.ready"
}

# What the newer kernel's packages added to /boot, and the grub.cfg that
# update-grub then wrote, as alternatives of a regex: nothing else of /etc
# and /boot may differ from before the first setup.
upgraded_files() {
	[ -n "$UPGRADE_RE" ] || return 0
	printf '|^SUM +[0-9a-f]{64} /boot/(vmlinuz|config|System\\.map)-%s$|^SUM +[0-9a-f]{64} /boot/grub/grub\\.cfg$' \
		"$UPGRADE_RE"
}

# 5. Identical cards: the second e1000 by address, its twin untouched.
#    On Debian 13 the same boot installs a newer kernel.
test_addrs() {
	local stage=addrs setup_log=$logs/claimed.log
	[ "$SYSTEM_GENERATOR" = initramfs-tools ] && setup_log=$logs/after_grub_cut.log
	reported claimed || return
	expect_rc "$setup_log" setup-addrs 0
	if [ "$SYSTEM_SUITE" = trixie ]; then
		upgrade_debs || {
			tap_fail "could not fetch trixie-backports' kernel"
			return
		}
		stage=addrs_upgrade
	fi
	boot addrs "$stage" || return
	expect_report "$LOG" "^CMDLINE .* vfiopt.addrs=$NIC2( |\$)"
	expect_no_report "$LOG" '^CMDLINE .*vfiopt.ids='
	expect_dev "$LOG" "$NIC2" vfio-pci vfio-pci
	expect_nics_untouched "$LOG" "$NIC2"
	expect_dev "$LOG" "$GPU" bochs-drm '(null)'
	expect_report "$LOG" "^RECORD $NIC2 8086:100e addr - claimed\$"
	expect_eq "claimed devices" "$(tagged "$LOG" RECORD | grep -c ' claimed$')" 1
	point_at_logs_on_failure
}

# 6. Debian 13: booted into the newer kernel, GRUB's first entry now.  Its
#    package's hooks had initramfs-tools build its image with the claim and
#    update-grub give it setup's words: the NIC is claimed again.
test_upgraded() {
	reported addrs || return
	expect_rc "$LOG" kernel-upgrade 0
	expect_out "$LOG" kernel-upgrade "^Setting up linux-image-$UPGRADE_RE "
	expect_out "$LOG" kernel-upgrade "update-initramfs: Generating /boot/initrd\\.img-$UPGRADE_RE\$"
	boot upgraded upgraded || return
	expect_report "$LOG" "^UNAME $UPGRADE_RE\$"
	expect_report "$LOG" "^CMDLINE BOOT_IMAGE=/boot/vmlinuz-$UPGRADE_RE .* vfiopt.addrs=$NIC2( |\$)"
	expect_dev "$LOG" "$NIC2" vfio-pci vfio-pci
	expect_nics_untouched "$LOG" "$NIC2"
	expect_report "$LOG" "^RECORD $NIC2 8086:100e addr - claimed\$"
	expect_image "$LOG" upgraded
	# release on this kernel too (trixie-backports' is a 7.x).
	expect_rc "$LOG" release 0
	expect_out "$LOG" release "^$NIC2: released, now on e1000\$"
	expect_dev "$LOG" "$NIC2" e1000 '(null)' RELEASED
	expect_out "$LOG" status-after "^  $NIC2  8086:100e  addr +- +released +e1000 +e1000\$"
	point_at_logs_on_failure
}

# 7. The rescue switch, typed at GRUB's menu as a user would.
test_rescue() {
	local down last=$logs/addrs.log
	[ -f "$logs/upgraded.log" ] && last=$logs/upgraded.log
	[ -f "$last" ] || return
	down=$(tagged "$last" GRUBEDIT)
	[ -n "$down" ] || {
		tap_fail "the guest did not say where the linux line is in GRUB's entry"
		return
	}
	# GRUB's editor shows the entry after a "setparams 'TITLE'" line and
	# an empty one: two more lines to go down.
	down=$((down + 2))
	if [ "$SYSTEM_GENERATOR" = initramfs-tools ]; then
		boot_cut rescue rescue "$down" vfiopt.disable=1 || return
	else
		boot rescue rescue "$down" vfiopt.disable=1 || return
	fi
	grep -q MENU-EDIT-FAILED "$LOG.qemu" && tap_fail "GRUB's menu did not come up for editing"
	expect_report "$LOG" "^CMDLINE .* vfiopt.addrs=$NIC2 .*vfiopt.disable=1\$"
	expect_dev "$LOG" "$NIC2" e1000 '(null)'
	expect_nics_untouched "$LOG"
	expect_report "$LOG" '^KLOG vfiopt: disabled by vfiopt.disable=1: claiming nothing$'
	expect_no_report "$LOG" '^RECORD '
	point_at_logs_on_failure
}

# 5b. The power cut while the undo's generator ran (initramfs-tools): the
#     undo had removed its snippet and started update-initramfs.  The boot
#     after it, through GRUB's default entry, reaches multi-user claimed,
#     as grub.cfg and the images are still the old ones; status says the
#     NIC is claimed, check that grub.cfg still selects it while /etc no
#     longer does, with update-grub as the fix; the same undo, run again,
#     finishes (the next test: as before the first setup).
test_cut() {
	reported rescue || return
	expect_report "$LOG" 'CUT-NOW while mkinitramfs builds for [^ ]+'
	expect_out "$LOG" undo '^removed /etc/default/grub.d/vfiopt.cfg$'
	expect_out "$LOG" undo '^Running:$'
	expect_no_report "$LOG" '^RC undo '
	boot after_cut after_cut || return
	report "$LOG" | sed -n 's/^INITRD-NEW-LEFT /# system: update-initramfs left its half-made image at the power cut: /p'
	expect_report "$LOG" "^CMDLINE .* vfiopt.addrs=$NIC2"
	expect_no_report "$LOG" '^CMDLINE .*vfiopt.disable'
	expect_dev "$LOG" "$NIC2" vfio-pci vfio-pci
	expect_nics_untouched "$LOG" "$NIC2"
	expect_out "$LOG" status "^  $NIC2 .* claimed +vfio-pci"
	expect_out "$LOG" check "^ok    [0-9]+ of the [0-9]+ linux lines of /boot/grub/grub.cfg select: vfiopt.addrs=$NIC2\$"
	expect_out "$LOG" check "^warn  /boot/grub/grub.cfg still selects vfiopt.addrs=$NIC2, but /etc/default/grub and its grub.d no longer do"
	expect_out "$LOG" check '^      fix: [^ ]*update-grub$'
	expect_rc "$LOG" undo-again 0
	expect_out "$LOG" undo-again "^Nothing of vfiopt setup's to remove\.\$"
	expect_out "$LOG" undo-again '^Done: reboot to give the devices back to their drivers.$'
	expect_report "$LOG" '^GRUB-VFIOPT-AFTER 0$'
	point_at_logs_on_failure
}

# 6. Undo, reboot: as before the first setup.
test_undone() {
	if [ "$SYSTEM_GENERATOR" = initramfs-tools ]; then
		reported after_cut || return
		expect_rc "$LOG" undo-again 0
	else
		reported rescue || return
		expect_rc "$LOG" undo 0
		expect_out "$LOG" undo '^removed /etc/default/grub.d/vfiopt.cfg$'
		[ -z "$GEN_FILE" ] || expect_out "$LOG" undo "^removed $GEN_FILE\$"
		expect_out "$LOG" undo '^Done: reboot to give the devices back to their drivers.$'
	fi
	boot undone undone || return
	expect_undone "$LOG"
	[ -n "$(tagged "$LOG" GRUB)" ] || tap_fail "the guest listed no linux line of grub.cfg"
	expect_no_report "$LOG" '^GRUB .*vfiopt'
	expect_report "$LOG" '^GRUB-VFIOPT 0$'
	# What update-grub and the generator regenerate aside, not a byte of /etc or
	# /boot differs from before the first setup.
	expect_same_files "setup and its undo" "$logs/stock.log" before "$LOG" undone \
		"^SUM +[0-9a-f]{64} /boot/initrd\\.img-$(upgraded_files)"
	# The images the generator rebuilt are let through above, by name;
	# what a cut or a failed run may leave beside them is not.
	expect_no_report "$LOG" '^SUM undone [0-9a-f]+ +/boot/initrd\.img-.*\.(new|dpkg-bak|vfiopt-new)$'
	point_at_logs_on_failure
}

# 9. The package goes, with --purge: what setup wrote goes with it (and the
#    next grub.cfg has none of its words), and nothing else of vfiopt stays.
test_purge() {
	reported undone || return
	expect_rc "$LOG" setup-again 0
	expect_report "$LOG" '^GRUB-VFIOPT-BEFORE-PURGE [1-9]'
	expect_rc "$LOG" purge 0
	expect_out "$LOG" purge '^Purging configuration files for vfiopt '
	expect_out "$LOG" purge "^Processing triggers for $GEN_TRIGGER"
	expect_report "$LOG" '^DPKG dpkg-query: no packages found matching vfiopt$'
	expect_no_report "$LOG" '^LEFT '
	report "$LOG" | sed -n 's/^SCRATCH /# system: mkinitramfs left its scratch at a power cut: /p'
	expect_rc "$LOG" list-initrd-purged 0
	expect_no_report "$LOG" '^INITRD purged '
	expect_eq "lines of grub.cfg that say vfiopt" "$(tagged "$LOG" GRUB-VFIOPT | tail -n 1)" 0
	# Not a byte of /etc or /boot differs from before the package came,
	# but for the initramfs that the generator rebuilt.
	expect_same_files "the package and its purge" "$logs/stock.log" preinstall "$LOG" purged \
		"^SUM +[0-9a-f]{64} /boot/initrd\\.img-$(upgraded_files)"
	expect_no_report "$LOG" '^SUM purged [0-9a-f]+ +/boot/initrd\.img-.*\.(new|dpkg-bak|vfiopt-new)$'
	point_at_logs_on_failure
}

system_step image "a $SYSTEM_RELEASE system from Debian's archive, GRUB installed by its first boot"
system_step stock "stock boot: bochs-drm holds the VGA, check names what is missing"
system_step refusals "setup refuses no match, no initramfs generator and a read-only /etc, and writes nothing"
[ "$SYSTEM_GENERATOR" = initramfs-tools ] &&
	system_step faults "setup --apply with someone else's failing hook, then a full /boot: stopped before update-grub, said so, no image or grub.cfg changed"
system_step setup "setup --apply: grub.cfg, the system's initramfs with vfiopt; a second run changes nothing"
system_step claimed "reboot through GRUB: VGA and audio on vfio-pci, their drivers never bound; status, list, check"
system_step release "release: bochs-drm takes the VGA back, /dev/dri appears; unclaimed is an error"
[ "$SYSTEM_GENERATOR" = initramfs-tools ] &&
	system_step grubcut "the power cut while setup --addrs --apply's update-grub runs: the next boot has the old selection, check says why, setup run again finishes"
system_step addrs "setup --addrs: exactly the second of two identical e1000"
[ "$SYSTEM_SUITE" = trixie ] &&
	system_step upgraded "a newer kernel (trixie-backports' 7.x) after setup: its initramfs has the claim, its boot claims, release works on it"
system_step rescue "vfiopt.disable=1 typed at GRUB's menu claims nothing"
[ "$SYSTEM_GENERATOR" = initramfs-tools ] &&
	system_step cut "the power cut while setup --undo --apply's generator runs: the next boot comes up claimed, check says why, the undo run again finishes"
system_step undone "setup --undo --apply, reboot: host drivers back, /etc and /boot as before"
system_step purge "apt-get remove --purge: nothing of vfiopt left, setup's files and grub.cfg's words included"
