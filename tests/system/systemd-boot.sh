#!/bin/bash
# The user's path on a UEFI system (QEMU's OVMF) that boots with
# systemd-boot and makes its entries with kernel-install, as Debian's
# installer leaves one with systemd-boot chosen (see tests/lib/system.sh):
# no /etc/kernel/cmdline, a host-only initramfs.  apt-get install of the
# .deb, check, setup --apply (the generator, then kernel-install for each
# kernel), reboot through systemd-boot, the claim, status, check,
# vfiopt.disable=1 typed at systemd-boot's menu, setup --undo --apply,
# reboot.  The serial logs of the last run stay in
# tests/system/logs/[SUITE-]GENERATOR-systemd-boot/.
#
# [SYSTEM_SUITE=trixie|bookworm] [SYSTEM_GENERATOR=dracut|initramfs-tools]
# tests/system/systemd-boot.sh [LAST]: Debian 13 with dracut unless said;
# stop after the test named LAST (image, stock, setupcut (dracut), setup,
# claimed, rescue, undone; on Debian 13 then to_uki, uki, uki_undone).
#
# With dracut, Debian 13's own chain makes two images for every kernel it
# installs: /etc/kernel/postinst.d/dracut writes /boot/initrd.img-VERSION,
# and kernel-install's 50-dracut.install builds the entry's "initrd" once
# more (its 55-initrd.install adds initrd.img-VERSION to the entry as
# well).  setup has kernel-install remake the entries with the image it
# rebuilt as their initrd, so that every initrd an entry loads has the
# claim.
set -u
export SYSTEM_SUITE=${SYSTEM_SUITE:-trixie} SYSTEM_GENERATOR=${SYSTEM_GENERATOR:-dracut}
export SYSTEM_LOADER=systemd-boot
# shellcheck source=tests/lib/system-suite.sh
. "$(dirname "$0")/../lib/system-suite.sh"
last=undone
[ "$SYSTEM_SUITE" = bookworm ] || last=uki_undone
system_suite_open "$last" "$@"

# Every entry's options carry WORDS-REGEX, and there is at least one.
expect_entries() { # LOG TAG EXTENDED-REGEX
	local all with
	all=$(tagged "$1" ENTRY "$2" | wc -l)
	with=$(tagged "$1" ENTRY "$2" | grep -cE -- "$3")
	if [ "$all" = 0 ] || [ "$all" != "$with" ]; then
		tap_fail "$with of $all systemd-boot entries ($2) match /$3/:" "$(tagged "$1" ENTRY "$2")"
	fi
}

# A unified kernel image that kernel-install put on the ESP, by its path.
UKI_RE='/boot/efi/EFI/Linux/[0-9a-f]{32}-'"$SYSTEM_KERNEL"'[^ ]+\.efi'

# Every initrd of every entry holds the helper (yes) or none does (no),
# and there is at least one.
expect_entry_initrds() { # LOG TAG yes|no
	local all with
	all=$(tagged "$1" EINITRD "$2" | wc -l)
	with=$(tagged "$1" EINITRD "$2" | grep -c " $3\$")
	if [ "$all" = 0 ] || [ "$all" != "$with" ]; then
		tap_fail "$with of $all initrds of the entries ($2) say $3:" "$(tagged "$1" EINITRD "$2")"
	fi
}

# This boot was started by systemd-boot: it says so in LoaderInfo, and
# the command line starts with the initrd= it adds for an entry's initrd
# (\MACHINE-ID\VERSION\initrd.img-VERSION, where kernel-install put it).
expect_systemd_boot() { # LOG
	expect_report "$1" '^LOADER systemd-boot [0-9]'
	# shellcheck disable=SC1003 # the backslashes of EFI paths, in a regex
	expect_report "$1" '^CMDLINE (initrd=\\[0-9a-f]{32}\\'"$SYSTEM_KERNEL"'[^ ]+\\initrd(\.img-'"$SYSTEM_KERNEL"'[^ ]+)? )+root=UUID='
}

# 1. A stock boot through systemd-boot: efifb drove the firmware
#    framebuffer, and bochs-drm took the VGA from it (the aperture
#    helpers' "deactivate vga console"); its framebuffer is the one left.
#    (With dracut, the power is cut at the end of this boot, in setup
#    --apply's dracut: test_setupcut.)
test_stock() {
	if [ "$SYSTEM_GENERATOR" = dracut ]; then
		boot_cut stock uefi_stock || return
	else
		boot stock uefi_stock || return
	fi
	expect_systemd_boot "$LOG"
	expect_rc "$LOG" install 0
	# No trigger: nothing is set up, no image changes, nor a file of /etc
	# or /boot.
	expect_no_out "$LOG" install "^Processing triggers for $GEN_TRIGGER"
	expect_same_files "apt-get install" "$LOG" preinstall "$LOG" before
	expect_host_drivers "$LOG"
	expect_report "$LOG" '^KLOG fb0: EFI VGA frame buffer device$'
	expect_report "$LOG" "^KLOG bochs-drm $GPU: vgaarb: deactivate vga console\$"
	expect_report "$LOG" '^FB 0 bochs-drmdrmfb$'
	expect_entries "$LOG" stock 'console=ttyS0'
	expect_no_report "$LOG" '^KCMDLINE stock '
	expect_rc "$LOG" check 1
	point_at_logs_on_failure
}

# 1b. The power cut while setup --apply's dracut ran (dracut): setup had
#     made /etc/kernel/cmdline and written its record; kernel-install had
#     not run.  The boot after it, through systemd-boot's default entry,
#     reaches multi-user unclaimed, as the entries and their initrds are
#     the stock ones; status says nothing was claimed, check that the
#     entries select nothing although setup wrote its words, and that the
#     image has no vfiopt.  The same setup, run again, finishes (test_setup
#     asserts on what it made).
test_setupcut() {
	reported stock || return
	expect_report "$LOG" '^CUT-NOW while dracut builds an image$'
	expect_out "$LOG" setup '^/etc/kernel/cmdline is missing: made from /proc/cmdline, as kernel-install does$'
	expect_out "$LOG" setup '^Running:$'
	expect_no_out "$LOG" setup '^Done'
	expect_no_report "$LOG" '^RC setup '
	boot setup_cut uefi_after_cut || return
	expect_systemd_boot "$LOG"
	expect_no_report "$LOG" '^CMDLINE .*vfiopt'
	expect_host_drivers "$LOG"
	expect_no_report "$LOG" '^RECORD '
	expect_no_report "$LOG" '^ENTRY cut .*vfiopt'
	expect_report "$LOG" '^KCMDLINE cut .* iommu=pt vfiopt\.ids=1234:1111$'
	report "$LOG" | sed -n 's/^VFIOPT-NEW-LEFT /# system: dracut left its half-made image at the power cut: /p'
	expect_rc "$LOG" status-cut 0
	expect_out "$LOG" status-cut '^No early claim on this boot: '
	expect_rc "$LOG" check-cut 1
	expect_out "$LOG" check-cut '^fail  /boot/initrd\.img-[^ ]+ has no vfiopt: no early claim at boot$'
	expect_out "$LOG" check-cut '^fail  /boot/efi/loader/entries selects nothing: the parameters setup wrote have not reached it$'
	point_at_logs_on_failure
}

# 2. setup --apply: /etc/kernel/cmdline made from this boot's command line,
#    every entry remade with the selection, the image with the claim.  (With
#    dracut, the setup that finished after the power cut: /etc/kernel/cmdline
#    was made already.)
test_setup() {
	if [ "$SYSTEM_GENERATOR" = dracut ]; then
		reported setup_cut || return
		expect_out "$LOG" setup '^unchanged /etc/kernel/cmdline$'
	else
		reported stock || return
		expect_out "$LOG" setup '^/etc/kernel/cmdline is missing: made from /proc/cmdline, as kernel-install does$'
	fi
	expect_rc "$LOG" setup 0
	expect_out "$LOG" setup '^  0000:00:06.0 \[1234:1111\]$'
	expect_out "$LOG" setup '^Kernel command line: /etc/kernel/cmdline \(systemd-boot, kernel-install'
	expect_out "$LOG" setup '^  0000:00:06.0 is the boot VGA: no switch needed, vfio-pci on Linux '"$SYSTEM_KERNEL"'[^ ]+ removes the firmware framebuffer itself$'
	expect_out "$LOG" setup '^Done: reboot to claim the devices.$'
	# With dracut, Debian's image is built aside and renamed into place
	# (a dracut whose copy fails removes its outfile); none is left over.
	if [ "$SYSTEM_GENERATOR" = dracut ]; then
		expect_out "$LOG" setup '^  /usr/bin/dracut --force /boot/initrd\.img-([^ ]+)\.vfiopt-new [^ ]+$'
		expect_out "$LOG" setup '^  mv -f /boot/initrd\.img-[^ ]+\.vfiopt-new /boot/initrd\.img-[^ ]+$'
		expect_no_report "$LOG" '^SUM setup [0-9a-f]+ +/boot/.*\.vfiopt-new$'
	fi
	# The first boot's command line, as kernel-install took it (with the
	# machine id it adds), then setup's words.
	expect_entries "$LOG" setup ' console=ttyS0,115200 systemd\.machine_id=[0-9a-f]{32} iommu=pt vfiopt\.ids=1234:1111$'
	expect_no_report "$LOG" '^ENTRY setup .*(initrd=|BOOT_IMAGE=|intel_iommu|efifb|initcall_blacklist)'
	expect_report "$LOG" '^KCMDLINE setup root=UUID=[^ ]+ ro console=ttyS0,115200 systemd\.machine_id=[0-9a-f]{32} iommu=pt vfiopt\.ids=1234:1111$'
	expect_image "$LOG" setup
	expect_entry_initrds "$LOG" setup yes
	expect_out "$LOG" check-after "^ok    $SYSTEM_GENERATOR builds the initramfs; vfiopt.s part is installed"
	expect_no_out "$LOG" check-after '^fail'
	point_at_logs_on_failure
}

# 3. Reboot through systemd-boot's entry: the claim.  efifb had the
#    firmware framebuffer, and vfio-pci took it down itself when it bound
#    the VGA (Linux 6.1's aperture helpers), without a parameter: no
#    framebuffer is left, none holds memory in /proc/iomem.
test_claimed() {
	boot claimed uefi_claimed || return
	expect_systemd_boot "$LOG"
	expect_report "$LOG" '^CMDLINE .* iommu=pt vfiopt.ids=1234:1111( |$)'
	expect_vga_claimed "$LOG"
	expect_report "$LOG" '^KLOG fb0: EFI VGA frame buffer device$'
	expect_report "$LOG" "^KLOG vfio-pci $GPU: vgaarb: deactivate vga console\$"
	expect_no_report "$LOG" '^FB '
	expect_no_report "$LOG" '^IOMEM '
	expect_no_report "$LOG" '^KLOG vfiopt: .*framebuffer'
	expect_rc "$LOG" status 0
	expect_out "$LOG" status "^  $GPU  1234:1111  id +- +claimed +vfio-pci +bochs-drm\$"
	expect_rc "$LOG" check 0
	expect_no_out "$LOG" check '^fail'
	point_at_logs_on_failure
}

# 4. The rescue switch, typed at systemd-boot's menu as a user would: the
#    entry's options with vfiopt.disable=1 first, and nothing claimed.
test_rescue() {
	reported claimed || return
	expect_report "$logs/claimed.log" '^LOADERCONF-RC 0$'
	boot rescue uefi_rescue 0 vfiopt.disable=1 || return
	grep -q MENU-EDIT-FAILED "$LOG.qemu" && tap_fail "systemd-boot's menu did not come up for editing"
	expect_report "$LOG" '^LOADER systemd-boot [0-9]'
	expect_report "$LOG" '^CMDLINE (initrd=[^ ]+ )+vfiopt\.disable=1 root=UUID=[^ ]+ .* iommu=pt vfiopt\.ids=1234:1111$'
	expect_host_drivers "$LOG"
	expect_report "$LOG" '^KLOG vfiopt: disabled by vfiopt.disable=1: claiming nothing$'
	expect_no_report "$LOG" '^RECORD '
	point_at_logs_on_failure
}

# 5. setup --undo --apply, reboot through systemd-boot: the host drivers
#    again, no entry with a vfiopt word, /etc and /boot as before but for
#    the rebuilt initramfs and the /etc/kernel/cmdline setup made, which
#    stays with this boot's words taken out.
test_undone() {
	reported rescue || return
	expect_rc "$LOG" undo 0
	expect_out "$LOG" undo '^kept /etc/kernel/cmdline, which setup made'
	expect_entries "$LOG" undo ' console=ttyS0,115200 systemd\.machine_id=[0-9a-f]{32}$'
	expect_no_report "$LOG" '^(ENTRY|KCMDLINE) undo .*vfiopt'
	expect_entry_initrds "$LOG" undo no
	boot undone uefi_undone || return
	expect_systemd_boot "$LOG"
	expect_undone "$LOG"
	expect_no_report "$LOG" '^(ENTRY|KCMDLINE) undone .*(vfiopt|iommu=pt)'
	# What stays of /etc/kernel/cmdline is what kernel-install took before.
	expect_eq "/etc/kernel/cmdline after the undo" "$(tagged "$LOG" KCMDLINE undone)" \
		"$(tagged "$logs/stock.log" CMDLINE | sed -E 's/^(initrd=[^ ]* )+//')"
	expect_same_files "setup and its undo" "$logs/stock.log" before "$LOG" undone \
		'^SUM +[0-9a-f]{64} /boot/initrd\.img-|^SUM +[0-9a-f]{64} /etc/kernel/cmdline$'
	point_at_logs_on_failure
}

# 6. The same system turned to unified kernel images (Debian 13 only: its
#    systemd-ukify), in the undone boot: layout=uki, the kernel added
#    again, setup --apply.  The image's .cmdline carries the words, and
#    check and status read them from it.
test_to_uki() {
	reported undone || return
	expect_rc "$LOG" uki-remove 0
	expect_rc "$LOG" uki-add 0
	expect_eq "type #1 entries once layout=uki" "$(tagged "$LOG" ENTRY before)" ""
	expect_eq "unified kernel images made by kernel-install" \
		"$(tagged "$LOG" UKI before | grep -cE '^[0-9a-f]{32}-'"$SYSTEM_KERNEL"'[^ ]+\.efi$')" 1
	expect_out "$LOG" check-before "^ok    the command line built into $UKI_RE, the unified kernel image that boots next, selects nothing\$"
	expect_rc "$LOG" uki-setup 0
	expect_out "$LOG" uki-setup '^Kernel command line: /etc/kernel/cmdline \(systemd-boot, kernel-install'
	expect_out "$LOG" uki-setup '^Done: reboot to claim the devices.$'
	expect_eq "the image setup had kernel-install remake" "$(tagged "$LOG" UKI setup)" \
		"$(tagged "$LOG" UKI before)"
	expect_out "$LOG" check-after "^ok    the command line built into $UKI_RE, the unified kernel image that boots next, selects: vfiopt.ids=1234:1111 \\(not this boot.s: reboot to claim\\)\$"
	expect_no_out "$LOG" check-after '^fail'
	expect_out "$LOG" status-after "^Next boot: $UKI_RE, a unified kernel image, selects vfiopt.ids=1234:1111\\.\$"
	point_at_logs_on_failure
}

# 7. Booted from that image: its own command line (no initrd= from
#    systemd-boot, whose type #2 entry it is), the claim; then undone,
#    which remakes the image without the words.
test_uki() {
	reported undone || return
	# Without the setup that made it there is no UKI, and no entry
	# either: the boot would only wait for its timeout.
	[ "$(rc "$LOG" uki-setup)" = 0 ] || {
		tap_fail "no UKI to boot: setup under layout=uki failed"
		return
	}
	boot uki uefi_uki || return
	expect_report "$LOG" '^LOADER systemd-boot [0-9]'
	expect_report "$LOG" '^CMDLINE root=UUID=[^ ]+ ro console=ttyS0,115200 .*iommu=pt vfiopt\.ids=1234:1111( |$)'
	expect_vga_claimed "$LOG"
	expect_rc "$LOG" status 0
	expect_out "$LOG" status "^  $GPU  1234:1111  id +- +claimed +vfio-pci +bochs-drm\$"
	expect_out "$LOG" status "^Next boot: $UKI_RE, a unified kernel image, selects vfiopt.ids=1234:1111\\.\$"
	expect_rc "$LOG" check 0
	expect_out "$LOG" check "^ok    the command line built into $UKI_RE, the unified kernel image that boots next, selects: vfiopt.ids=1234:1111\$"
	expect_rc "$LOG" undo 0
	expect_eq "the image the undo had kernel-install remake" "$(tagged "$LOG" UKI undo)" \
		"$(tagged "$LOG" UKI claimed)"
	expect_out "$LOG" check-undo "^ok    the command line built into $UKI_RE, the unified kernel image that boots next, selects nothing\$"
	point_at_logs_on_failure
}

# 8. After the undo, booted from the image once more: the host drivers.
test_uki_undone() {
	reported uki || return
	boot uki_undone uefi_uki_undone || return
	expect_report "$LOG" '^LOADER systemd-boot [0-9]'
	expect_no_report "$LOG" '^CMDLINE .*(vfiopt|iommu=pt)'
	expect_host_drivers "$LOG"
	expect_no_report "$LOG" '^RECORD '
	expect_out "$LOG" status "^Next boot: $UKI_RE, a unified kernel image, selects nothing"
	point_at_logs_on_failure
}

system_step image "a $SYSTEM_RELEASE UEFI system from Debian's archive, systemd-boot installed by its first boot"
system_step stock "stock boot through systemd-boot: efifb, then bochs-drm holds the VGA"
[ "$SYSTEM_GENERATOR" = dracut ] &&
	system_step setupcut "the power cut while setup --apply's dracut runs: the next boot comes up unclaimed, check says why"
system_step setup "setup --apply: /etc/kernel/cmdline from this boot's, kernel-install remakes every entry"
system_step claimed "reboot through systemd-boot: VGA and audio on vfio-pci, efifb taken down by vfio-pci"
system_step rescue "vfiopt.disable=1 typed at systemd-boot's menu claims nothing"
system_step undone "setup --undo --apply, reboot: host drivers back, entries and /etc and /boot as before"
if [ "$SYSTEM_SUITE" != bookworm ]; then
	system_step to_uki "layout=uki: kernel-install makes a UKI with ukify; setup builds its words into it"
	system_step uki "reboot into the UKI: its own command line claims; status and check read its .cmdline"
	system_step uki_undone "setup --undo --apply takes the words out of the UKI; reboot: host drivers back"
fi
