# shellcheck shell=bash
# Asserting on what the installed system reported, one boot at a time:
# shared by the suites of tests/system (GRUB, systemd-boot).  Each boot's
# report is LOG, in $logs; the disk is $DISK.  Needs tap.sh, report.sh and
# system.sh sourced first.  Sourced, never run.

# shellcheck disable=SC2034,SC2154 # the suites use these; they set logs

# What differs between the generators: the package whose trigger
# rebuilds the images, the file setup writes for it (if any), the file in
# the image that runs the claim (a regex).
case $SYSTEM_GENERATOR in
dracut)
	GEN_TRIGGER=dracut
	GEN_FILE=/etc/dracut.conf.d/vfiopt.conf
	# dracut 059 keeps its hooks in usr/lib/dracut/hooks, 106 in
	# var/lib/dracut/hooks.
	GEN_CLAIM='(usr|var)/lib/dracut/hooks/pre-udev/05-vfiopt-claim\.sh'
	;;
initramfs-tools)
	GEN_TRIGGER=initramfs-tools
	GEN_FILE=
	GEN_CLAIM=scripts/init-top/claim_vfiopt
	;;
esac

# The stand-in hardware of _system_qemu.
GPU=0000:00:06.0
GPU_AUDIO=0000:00:06.1
NIC1=0000:00:07.0
NIC2=0000:00:08.0
NIC3=0000:01:00.0

# out LOG LABEL: what the guest's command LABEL printed; rc LOG LABEL: its status.
out() {
	report "$1" | sed -n "s/^OUT $2: //p"
}

rc() {
	report "$1" | awk -v l="$2" '$1 == "RC" && $2 == l { print $3 }'
}

# Lines of one kind: "tagged LOG KIND [TAG]" gives the rest of each line.
tagged() {
	report "$1" | awk -v k="$2" -v t="${3:-}" '$1 == k && (t == "" || $2 == t) {
		$1 = ""; if (t != "") $2 = ""; sub(/^ +/, ""); print }'
}

expect_rc() { # LOG LABEL STATUS
	expect_eq "exit status of the guest's $2" "$(rc "$1" "$2")" "$3"
}

expect_out() { # LOG LABEL EXTENDED-REGEX
	out "$1" "$2" | grep -qE -- "$3" ||
		tap_fail "the guest's $2 printed no line matching /$3/:" "$(out "$1" "$2")"
}

expect_no_out() {
	! out "$1" "$2" | grep -qE -- "$3" ||
		tap_fail "the guest's $2 printed /$3/: $(out "$1" "$2" | grep -E -- "$3")"
}

# The NICs nobody selected keep their drivers.
expect_nics_untouched() { # LOG [EXCEPT-ADDR]
	local nic driver
	for nic in "$NIC1" "$NIC2" "$NIC3"; do
		[ "$nic" = "${2:-}" ] && continue
		driver=e1000
		[ "$nic" = "$NIC3" ] && driver=e1000e
		expect_dev "$1" "$nic" "$driver" '(null)'
	done
}

# Every device on its host driver, none overridden: a stock boot, or one
# after the undo.
expect_host_drivers() { # LOG
	expect_dev "$1" "$GPU" bochs-drm '(null)'
	expect_dev "$1" "$GPU_AUDIO" snd_hda_intel '(null)'
	expect_nics_untouched "$1"
}

# expect_image LOG TAG: the image the guest listed under TAG holds the
# claim: the claim-only helper (and not the host tool), the file that runs
# it, vfio-pci and the softdeps.
expect_image() {
	expect_rc "$1" "list-initrd-$2" 0
	expect_report "$1" "^INITRD $2 usr/sbin/vfiopt-claim\$"
	expect_no_report "$1" "^INITRD $2 usr/sbin/vfiopt\$"
	expect_report "$1" "^INITRD $2 $GEN_CLAIM\$"
	expect_report "$1" "^INITRD $2 .*/vfio-pci\\.ko(\\.[a-z]+)?\$"
	expect_report "$1" "^INITRD $2 etc/modprobe.d/vfiopt.conf\$"
}

# After setup --undo --apply and a reboot: no vfiopt word on the command
# line, the host drivers back, nothing of vfiopt in the next image.
expect_undone() { # LOG
	expect_no_report "$1" '^CMDLINE .*vfiopt'
	expect_host_drivers "$1"
	expect_rc "$1" list-initrd-undone 0
	expect_no_report "$1" '^INITRD undone .*vfiopt'
}

# The VGA and its audio on vfio-pci by the claim, and neither host driver
# ever had them: the kernel log says nothing of bochs-drm binding, there is
# no sound card, and the claim found no driver to unbind ("-" before it),
# although udev loaded both modules.  The NICs keep theirs.
expect_vga_claimed() { # LOG
	expect_dev "$1" "$GPU" vfio-pci vfio-pci
	expect_dev "$1" "$GPU_AUDIO" vfio-pci vfio-pci
	expect_nics_untouched "$1"
	expect_no_report "$1" "^KLOG .*bochs-drm.*$GPU"
	expect_no_report "$1" "^KLOG .*(snd_hda_intel $GPU_AUDIO|$GPU_AUDIO.*snd_hda)"
	expect_no_report "$1" '^SOUND '
	expect_report "$1" "^KLOG vfiopt: $GPU \\[1234:1111\\] claimed by vfio-pci\$"
	expect_no_report "$1" '^KLOG vfiopt: udev started before the claim'
	expect_report "$1" "^RECORD $GPU 1234:1111 id - claimed\$"
	expect_report "$1" "^RECORD $GPU_AUDIO 8086:293e companion - claimed\$"
}

# /etc and /boot as one boot's stage listed them under TAG.
sums() { # LOG TAG
	report "$1" | awk -v t="$2" '($1 == "SUM" || $1 == "LNK" || $1 == "DIR") && $2 == t {
		$2 = ""; print }'
}

expect_same_files() { # WHAT LOG-A TAG-A LOG-B TAG-B [IGNORED-PATH-REGEX]
	local diff
	[ -n "$(sums "$2" "$3")" ] || {
		tap_fail "$1: the guest listed no files as $3"
		return
	}
	diff=$(diff <(sums "$2" "$3") <(sums "$4" "$5") | sed -n 's/^[<>] //p' |
		grep -vE -- "${6:-^$}")
	[ -z "$diff" ] || tap_fail "$1: /etc or /boot changed:" "$diff"
}

BOOTED=yes

# boot NAME STAGE [DOWN WORDS]: one boot of the disk through its boot
# loader (WORDS typed at its menu, see system_boot); LOG is
# its report, kept in $logs with the console's log.  After a boot that
# failed, the ones that follow from it fail at once.
boot() {
	local name=$1 start=$SECONDS rc=0
	LOG=$logs/$name.log
	if [ "$BOOTED" != yes ]; then
		tap_fail "an earlier boot of this disk failed"
		return 1
	fi
	system_boot "$LOG" "$DISK" "$2" "${3:-}" "${4:-}" || rc=$?
	echo "# system: boot $name ($2) took $((SECONDS - start)) s"
	if [ "$rc" != 0 ]; then
		BOOTED=no
		tap_fail "the guest did not report (timeout ${SYSTEM_TIMEOUT}s, or it did not boot)" \
			"$(system_kernel_fault "$LOG.console")" \
			"$(tail -n 15 "$LOG.console" 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g')" \
			"$(cat "$LOG.qemu" 2>/dev/null)"
		return 1
	fi
}

# boot_cut NAME STAGE [DOWN WORDS]: a boot whose stage has the power cut
# where it says CUT-NOW (tests/lib/system.sh ends QEMU there): its report
# stops at that point.  A failure when the stage never got there, or
# went on past it.
boot_cut() {
	local name=$1 start=$SECONDS
	LOG=$logs/$name.log
	if [ "$BOOTED" != yes ]; then
		tap_fail "an earlier boot of this disk failed"
		return 1
	fi
	SYSTEM_CUT=yes system_boot "$LOG" "$DISK" "$2" "${3:-}" "${4:-}"
	echo "# system: boot $name ($2), its power cut, took $((SECONDS - start)) s"
	if ! grep -q 'CUT-NOW' "$LOG" 2>/dev/null || grep -q '^VFIOPT-REPORT-END' "$LOG"; then
		BOOTED=no
		tap_fail "the guest did not reach its power cut (or went on past it)" \
			"$(system_kernel_fault "$LOG.console")" \
			"$(tail -n 15 "$LOG" 2>/dev/null | tr -d '\r')" "$(cat "$LOG.qemu" 2>/dev/null)"
		return 1
	fi
}

# reported NAME: LOG is the report of boot NAME, which an earlier test
# made; when there is none (that boot failed), a failure of this test
# too, never a pass with nothing asserted.
reported() {
	LOG=$logs/$1.log
	[ -f "$LOG" ] && return 0
	tap_fail "boot $1 left no report: nothing to assert on"
	return 1
}

point_at_logs_on_failure() {
	if [ "$tap_failed" != 0 ] && [ -f "${LOG:-}" ]; then
		tap_fail "serial logs: $LOG (the guest's report), $LOG.console (the console)"
	fi
}

# The image, built or from the cache, and this run's overlay of it.
test_image() {
	local start=$SECONDS
	if ! system_image 2>"$work/image.err"; then
		tap_fail "could not build the installed system:" "$(cat "$work/image.err")"
		BOOTED=no
		return
	fi
	echo "# system: $SYSTEM_GENERATOR image $SYSTEM_IMAGE ready in $((SECONDS - start)) s; accelerator $SYSTEM_ACCEL"
	system_disk "$DISK" || {
		tap_fail "qemu-img could not make the overlay"
		BOOTED=no
	}
}
