#!/bin/bash
# The user's path on a Debian 12 UEFI system (QEMU's OVMF) that boots with
# systemd-boot and makes its entries with kernel-install, as Debian's
# installer leaves one with systemd-boot chosen (see tests/lib/system.sh):
# no /etc/kernel/cmdline, initramfs-tools with MODULES=dep.  apt-get
# install of the .deb, check, setup --apply (the generator, then
# kernel-install for each kernel), reboot through systemd-boot, the claim,
# status, check, setup --undo --apply, reboot.  The serial logs of the last
# run stay in tests/system/logs/initramfs-tools-systemd-boot/.
#
# tests/system/systemd-boot.sh [LAST]: stop after the test named LAST
# (image, stock, setup, claimed, undone).
set -u
export SYSTEM_SUITE=bookworm SYSTEM_GENERATOR=initramfs-tools SYSTEM_LOADER=systemd-boot
# shellcheck source=tests/lib/system-suite.sh
. "$(dirname "$0")/../lib/system-suite.sh"
system_suite_open undone "$@"

# Every entry's options carry WORDS-REGEX, and there is at least one.
expect_entries() { # LOG TAG EXTENDED-REGEX
	local all with
	all=$(tagged "$1" ENTRY "$2" | wc -l)
	with=$(tagged "$1" ENTRY "$2" | grep -cE -- "$3")
	if [ "$all" = 0 ] || [ "$all" != "$with" ]; then
		tap_fail "$with of $all systemd-boot entries ($2) match /$3/:" "$(tagged "$1" ENTRY "$2")"
	fi
}

# This boot was started by systemd-boot: it says so in LoaderInfo, and
# the command line starts with the initrd= it adds for an entry's initrd
# (\MACHINE-ID\VERSION\initrd.img-VERSION, where kernel-install put it).
expect_systemd_boot() { # LOG
	expect_report "$1" '^LOADER systemd-boot [0-9]'
	expect_report "$1" '^CMDLINE initrd=\\[0-9a-f]{32}\\6\.1\.[^ ]+\\initrd\.img-6\.1\.[^ ]+ root=UUID='
}

# 1. A stock boot through systemd-boot: efifb drove the firmware
#    framebuffer, and bochs-drm took the VGA from it (the aperture
#    helpers' "deactivate vga console"); its framebuffer is the one left.
test_stock() {
	boot stock uefi_stock || return
	expect_systemd_boot "$LOG"
	expect_rc "$LOG" install 0
	expect_host_drivers "$LOG"
	expect_report "$LOG" '^KLOG fb0: EFI VGA frame buffer device$'
	expect_report "$LOG" "^KLOG bochs-drm $GPU: vgaarb: deactivate vga console\$"
	expect_report "$LOG" '^FB 0 bochs-drmdrmfb$'
	expect_entries "$LOG" stock 'console=ttyS0'
	expect_no_report "$LOG" '^KCMDLINE stock '
	expect_rc "$LOG" check 1
	point_at_logs_on_failure
}

# 2. setup --apply: /etc/kernel/cmdline made from this boot's command line,
#    every entry remade with the selection, the image with the claim.
test_setup() {
	[ -f "$logs/stock.log" ] || return
	LOG=$logs/stock.log
	expect_rc "$LOG" setup 0
	expect_out "$LOG" setup '^  0000:00:06.0 \[1234:1111\]$'
	expect_out "$LOG" setup '^Kernel command line: /etc/kernel/cmdline \(systemd-boot, kernel-install'
	expect_out "$LOG" setup '^/etc/kernel/cmdline is missing: made from /proc/cmdline, as kernel-install does$'
	expect_out "$LOG" setup '^  0000:00:06.0 is the boot VGA: no switch needed, vfio-pci on Linux 6\.1\.[^ ]+ removes the firmware framebuffer itself$'
	expect_out "$LOG" setup '^Done: reboot to claim the devices.$'
	# The first boot's command line, as kernel-install took it (with the
	# machine id it adds), then setup's words.
	expect_entries "$LOG" setup ' console=ttyS0,115200 systemd\.machine_id=[0-9a-f]{32} iommu=pt vfiopt\.ids=1234:1111$'
	expect_no_report "$LOG" '^ENTRY setup .*(initrd=|BOOT_IMAGE=|intel_iommu|efifb|initcall_blacklist)'
	expect_report "$LOG" '^KCMDLINE setup root=UUID=[^ ]+ ro console=ttyS0,115200 systemd\.machine_id=[0-9a-f]{32} iommu=pt vfiopt\.ids=1234:1111$'
	expect_image "$LOG" setup
	expect_out "$LOG" check-after '^ok    initramfs-tools builds the initramfs; vfiopt.s part is installed'
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

# 4. setup --undo --apply, reboot through systemd-boot: the host drivers
#    again, no entry with a vfiopt word, /etc and /boot as before but for
#    the rebuilt initramfs and the /etc/kernel/cmdline setup made, which
#    stays with this boot's words taken out.
test_undone() {
	[ -f "$logs/claimed.log" ] || return
	LOG=$logs/claimed.log
	expect_rc "$LOG" undo 0
	expect_out "$LOG" undo '^kept /etc/kernel/cmdline, which setup made'
	expect_entries "$LOG" undo ' console=ttyS0,115200 systemd\.machine_id=[0-9a-f]{32}$'
	expect_no_report "$LOG" '^(ENTRY|KCMDLINE) undo .*vfiopt'
	boot undone uefi_undone || return
	expect_systemd_boot "$LOG"
	expect_undone "$LOG"
	expect_no_report "$LOG" '^(ENTRY|KCMDLINE) undone .*(vfiopt|iommu=pt)'
	# What stays of /etc/kernel/cmdline is what kernel-install took before.
	expect_eq "/etc/kernel/cmdline after the undo" "$(tagged "$LOG" KCMDLINE undone)" \
		"$(tagged "$logs/stock.log" CMDLINE | sed 's/^initrd=[^ ]* //')"
	expect_same_files "setup and its undo" "$logs/stock.log" before "$LOG" undone \
		'^SUM +[0-9a-f]{64} /boot/initrd\.img-|^SUM +[0-9a-f]{64} /etc/kernel/cmdline$'
	point_at_logs_on_failure
}

system_step image "a Debian 12 UEFI system from Debian's archive, systemd-boot installed by its first boot"
system_step stock "stock boot through systemd-boot: efifb, then bochs-drm holds the VGA"
system_step setup "setup --apply: /etc/kernel/cmdline from this boot's, kernel-install remakes every entry"
system_step claimed "reboot through systemd-boot: VGA and audio on vfio-pci, efifb taken down by vfio-pci"
system_step undone "setup --undo --apply, reboot: host drivers back, entries and /etc and /boot as before"
