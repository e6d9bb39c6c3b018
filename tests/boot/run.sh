#!/bin/bash
# The proof in a real boot: Debian's kernel and an initramfs from Debian's
# dracut boot the stand-in machine in QEMU (see tests/lib/boot.sh), and the
# guest reports every PCI device's driver and driver_override, /dev/vfio,
# the vfiopt lines of its kernel log and the claim record.  Each scenario
# asserts on that report.  Without the claim, bochs-drm and snd_hda_intel
# take the stand-in GPU and its audio (scenario 3): the race is real.
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
# shellcheck source=tests/lib/boot.sh
. "$lib/boot.sh"
rig_open
keep=${VFIOPT_BOOT_LOGS:-$top/tests/boot/logs}

# boot NAME SERIES IMAGE CMDLINE [--no-iommu]: one boot of the stand-in
# machine; its serial log is kept under $keep when the test fails.
boot() {
	local name=$1
	shift
	LOG=$work/$name.log
	if ! boot_run "$LOG" "$@"; then
		tap_fail "the guest did not report (timeout ${BOOT_TIMEOUT}s, or it did not boot)" \
			"$(tail -n 15 "$LOG" 2>/dev/null | tr -d '\r')" "$(cat "$LOG.qemu" 2>/dev/null)"
	fi
}

keep_log_on_failure() {
	if [ "$tap_failed" != 0 ] && [ -f "${LOG:-}" ]; then
		mkdir -p "$keep"
		cp "$LOG" "$keep/"
		tap_fail "serial log kept: $keep/${LOG##*/}"
	fi
}

# 1. vfiopt.ids= of the stand-in GPU: it and its audio function end on
#    vfio-pci, /dev/vfio/GROUP exists, both NICs keep e1000e.
scenario_ids() {
	local series=$1 init=$2 group
	boot "ids-$series-$init" "$series" "$work/$series-$init.img" "intel_iommu=on vfiopt.ids=1234:1111"
	expect_dev "$LOG" "$GPU" vfio-pci vfio-pci
	expect_dev "$LOG" "$GPU_AUDIO" vfio-pci vfio-pci
	expect_dev "$LOG" "$NIC1" e1000e '(null)'
	expect_dev "$LOG" "$NIC2" e1000e '(null)'
	group=$(dev_field "$LOG" "$GPU" group)
	expect_eq "the audio function's group" "$(dev_field "$LOG" "$GPU_AUDIO" group)" "$group"
	expect_report "$LOG" "^VFIO $group\$"
	expect_report "$LOG" "vfiopt: $GPU \\[1234:1111\\] selected by vfiopt.ids=1234:1111\$"
	expect_report "$LOG" "vfiopt: $GPU_AUDIO \\[8086:293e\\] taken along with $GPU \\(same slot, IOMMU group $group\\)\$"
	expect_report "$LOG" "vfiopt: $GPU \\[1234:1111\\] claimed by vfio-pci\$"
	expect_report "$LOG" "^RECORD $GPU 1234:1111 id - claimed\$"
	expect_report "$LOG" "^RECORD $GPU_AUDIO 8086:293e companion - claimed\$"
	# udev loaded the host drivers all the same: they found the devices taken.
	expect_report "$LOG" '^MODULE bochs '
	expect_report "$LOG" '^MODULE snd_hda_intel '
	keep_log_on_failure
}

# 1b. Unstable's 7.x with the kernel's own vfio-pci.ids= and no vfiopt
#     word, as an existing setup has it: the helper reads it as the
#     kernel does and claims the GPU, with its audio, before udev.
scenario_vfio_pci_ids() {
	local group
	boot "vfio-pci-ids-sid" sid "$work/sid-systemd.img" "intel_iommu=on vfio-pci.ids=1234:1111"
	expect_dev "$LOG" "$GPU" vfio-pci vfio-pci
	expect_dev "$LOG" "$GPU_AUDIO" vfio-pci vfio-pci
	expect_dev "$LOG" "$NIC1" e1000e '(null)'
	group=$(dev_field "$LOG" "$GPU" group)
	expect_report "$LOG" "vfiopt: $GPU \\[1234:1111\\] selected by vfio_pci.ids=1234:1111\$"
	expect_report "$LOG" "vfiopt: $GPU_AUDIO \\[8086:293e\\] taken along with $GPU \\(same slot, IOMMU group $group\\)\$"
	expect_report "$LOG" "^RECORD $GPU 1234:1111 id - claimed\$"
	expect_report "$LOG" "^RECORD $GPU_AUDIO 8086:293e companion - claimed\$"
	keep_log_on_failure
}

# 2. One of two identical NICs, by address, beside the GPU by its IDs
#    (Debian 12's 6.1 and its dracut 059: the claim of scenario 1 there).
scenario_addrs() {
	boot addrs 6.1 "$work/6.1-systemd.img" "intel_iommu=on vfiopt.ids=1234:1111 vfiopt.addrs=00:05.0"
	expect_dev "$LOG" "$NIC2" vfio-pci vfio-pci
	expect_dev "$LOG" "$NIC1" e1000e '(null)'
	expect_dev "$LOG" "$GPU" vfio-pci vfio-pci
	expect_dev "$LOG" "$GPU_AUDIO" vfio-pci vfio-pci
	expect_report "$LOG" "^RECORD $NIC2 8086:10d3 addr - claimed\$"
	expect_report "$LOG" "^RECORD $GPU 1234:1111 id - claimed\$"
	expect_report "$LOG" "^RECORD $GPU_AUDIO 8086:293e companion - claimed\$"
	keep_log_on_failure
}

# 3. No vfiopt parameter: every device keeps its host driver.
scenario_none() {
	boot none 6.1 "$work/6.1-systemd.img" "intel_iommu=on"
	expect_dev "$LOG" "$GPU" bochs-drm '(null)'
	expect_dev "$LOG" "$GPU_AUDIO" snd_hda_intel '(null)'
	expect_dev "$LOG" "$NIC1" e1000e '(null)'
	expect_dev "$LOG" "$NIC2" e1000e '(null)'
	expect_no_report "$LOG" '^KMSG '
	expect_no_report "$LOG" '^RECORD '
	keep_log_on_failure
}

# 4. The rescue switch.
scenario_disable() {
	boot disable 6.1 "$work/6.1-systemd.img" "intel_iommu=on vfiopt.ids=1234:1111 vfiopt.disable=1"
	expect_dev "$LOG" "$GPU" bochs-drm '(null)'
	expect_dev "$LOG" "$GPU_AUDIO" snd_hda_intel '(null)'
	expect_dev "$LOG" "$NIC1" e1000e '(null)'
	expect_dev "$LOG" "$NIC2" e1000e '(null)'
	expect_report "$LOG" 'vfiopt: disabled by vfiopt.disable=1: claiming nothing$'
	expect_no_report "$LOG" '^RECORD '
	keep_log_on_failure
}

# 5. Malformed selections: the boot goes on, the errors are in the log.
scenario_malformed() {
	boot malformed 6.1 "$work/6.1-systemd.img" "intel_iommu=on vfiopt.ids=zzzz:1111 vfiopt.addrs=../../etc,00:03.9"
	expect_dev "$LOG" "$GPU" bochs-drm '(null)'
	expect_dev "$LOG" "$GPU_AUDIO" snd_hda_intel '(null)'
	expect_dev "$LOG" "$NIC1" e1000e '(null)'
	expect_dev "$LOG" "$NIC2" e1000e '(null)'
	expect_no_report "$LOG" '^RECORD '
	expect_report "$LOG" 'vfiopt: ignoring vfiopt.ids entry "zzzz:1111": the vendor is not 1-4 hex digits$'
	expect_report "$LOG" 'vfiopt: ignoring vfiopt.addrs entry "../../etc": not an address'
	expect_report "$LOG" 'vfiopt: ignoring vfiopt.addrs entry "00:03.9": the function is not a digit 0-7$'
	keep_log_on_failure
}

# 6. No IOMMU: warned, and the GPU is still kept from bochs-drm.
scenario_no_iommu() {
	boot no-iommu 6.1 "$work/6.1-systemd.img" "vfiopt.ids=1234:1111" --no-iommu
	expect_dev "$LOG" "$GPU" - vfio-pci
	expect_report "$LOG" 'vfiopt: no IOMMU groups: the IOMMU is off. Enable VT-d \(Intel\) or AMD-Vi \(AMD\) in the firmware, on Intel add intel_iommu=on'
	expect_report "$LOG" "vfiopt: $GPU \\[1234:1111\\] is not on vfio-pci: vfio-pci needs an IOMMU group"
	expect_report "$LOG" "^RECORD $GPU 1234:1111 id - failed\$"
	keep_log_on_failure
}

# 7. The selection from /etc/vfiopt.conf, baked into the initramfs.
scenario_config() {
	boot config 6.1 "$work/6.1-config.img" "intel_iommu=on"
	expect_dev "$LOG" "$GPU" vfio-pci vfio-pci
	expect_dev "$LOG" "$GPU_AUDIO" vfio-pci vfio-pci
	expect_report "$LOG" "vfiopt: $GPU \\[1234:1111\\] selected by /etc/vfiopt.conf ids=1234:1111\$"
	keep_log_on_failure
}

# 8. A VM inside the test VM, on unstable's 7.x: the first-level guest's
#    claim takes one NIC, its vfiopt boot starts a second-level guest (the
#    same kernel) that owns it, and that guest's own e1000e driver binds
#    it.  Nested software emulation: slow.
scenario_nested() {
	if ! kernel_fetch sid || ! boot_nested_root; then
		tap_fail "could not build the nested root"
		return
	fi
	BOOT_TIMEOUT=900 BOOT_MEM=1536 BOOT_ROOT_IMAGE=$BOOT_NESTED_ROOT \
		boot nested sid "$work/sid-systemd.img" "intel_iommu=on vfiopt.addrs=00:05.0 rig.nested"
	expect_dev "$LOG" "$NIC2" vfio-pci vfio-pci
	expect_report "$LOG" '^vfiopt boot: starting .* with 1 device\(s\)'
	# In the second-level guest: the NIC's ids, its driver, its interface.
	expect_report "$LOG" '^L2DEV [0-9a-f:.]+ 8086:10d3 driver=e1000e$'
	expect_report "$LOG" '^L2NET eth0 '
	expect_report "$LOG" '^NESTED-END 0$'
	keep_log_on_failure
}

images() {
	local series init conf=$work/config.conf.d
	# Debian 12's dracut systemd-based only; Debian 13's both ways.
	for series in 6.1-systemd trixie-systemd trixie-shell; do
		init=${series#*-}
		series=${series%-*}
		boot_initramfs "$work/$series-$init.img" "$series" "$init" || {
			tap_fail "dracut ($series, $init) failed: $(tail -n 5 "$work/$series-$init.img.log")"
			return
		}
	done
	# Unstable's newest kernel (7.x), with unstable's dracut.
	boot_initramfs "$work/sid-systemd.img" sid systemd || {
		tap_fail "dracut (sid, systemd) failed: $(tail -n 5 "$work/sid-systemd.img.log")"
		return
	}
	# And with unstable's initramfs-tools, which Debian's default install
	# of the next release will use.
	boot_initramfs "$work/sid-itools.img" sid itools || {
		tap_fail "initramfs-tools (sid) failed: $(tail -n 5 "$work/sid-itools.img.log")"
		return
	}
	grep -qE '^initramfs-tools of sid: 0\.1[5-9][0-9]' "$work/sid-itools.img.log" ||
		tap_fail "unstable's image is not its initramfs-tools': $(head -n 1 "$work/sid-itools.img.log")"
	# Debian 13's and unstable's images are their own dracut's, not this
	# machine's (059): each log opens with the release's version.
	grep -qE '^dracut of trixie: dracut 106' "$work/trixie-systemd.img.log" ||
		tap_fail "Debian 13's image is not dracut 106's: $(head -n 1 "$work/trixie-systemd.img.log")"
	grep -qE '^dracut of sid: dracut 1[1-9][0-9]' "$work/sid-systemd.img.log" ||
		tap_fail "unstable's image is not its dracut's: $(head -n 1 "$work/sid-systemd.img.log")"
	echo "# boot: $(head -n 1 "$work/trixie-systemd.img.log"); $(head -n 1 "$work/sid-systemd.img.log"); $(head -n 1 "$work/sid-itools.img.log")"
	mkdir -p "$conf"
	cp "$work/conf.d/"* "$conf/"
	printf '# the stand-in GPU\nids=1234:1111\n' >"$work/vfiopt.conf"
	echo "vfiopt_config=$work/vfiopt.conf" >"$conf/20-vfiopt-config.conf"
	DRACUT_CONFDIR=$conf boot_initramfs "$work/6.1-config.img" 6.1 systemd ||
		tap_fail "dracut (6.1, config) failed: $(tail -n 5 "$work/6.1-config.img.log")"
}

# Scenarios to run: all, or those named on the command line (ids, addrs,
# latest, latest_itools and vfio_pci_ids (unstable's kernel), none, disable, malformed,
# no_iommu, config, nested).
RIG_ONLY=("$@")

if ! boot_setup "$work" 2>"$work/setup.err"; then
	echo "not ok - boot rig setup"
	sed 's/^/#   /' "$work/setup.err"
	exit 1
fi
# The nested proof boots the VFIO group way only, because no kernel of
# the matrix offers iommufd (docs/design.md): should Debian build one
# with it, this fails, and the proof must boot both ways.
no_iommufd() {
	local series config
	for series in 6.1 trixie sid; do
		kernel_fetch "$series" || {
			tap_fail "no $series kernel"
			return
		}
		config=$KERNEL_ROOT/boot/config-$KERNEL_VERSION
		if [ ! -s "$config" ]; then
			tap_fail "$KERNEL_VERSION has no config"
		elif grep -q '^CONFIG_IOMMUFD=' "$config"; then
			tap_fail "$KERNEL_VERSION has iommufd: boot the nested scenario with vfiopt boot --iommufd too" \
				"$(grep -E '^CONFIG_(IOMMUFD|VFIO_DEVICE_CDEV)=' "$config")"
		fi
	done
}

run_test "boot: initramfs images from each release's own dracut (Debian 12's 059 for 6.1, systemd; Debian 13's 106 for 6.12, systemd and shell; unstable's for 7.x) and unstable's initramfs-tools" images
echo "# boot: accelerator $BOOT_ACCEL"
for init in systemd shell; do
	rig_step ids "boot Debian 13's 6.12 $init-based: vfiopt.ids= takes the GPU and its audio" \
		scenario_ids trixie "$init"
done
rig_step latest "boot unstable's 7.x systemd-based: vfiopt.ids= takes the GPU and its audio" \
	scenario_ids sid systemd
rig_step latest_itools "boot unstable's 7.x with unstable's initramfs-tools: vfiopt.ids= takes the GPU and its audio" \
	scenario_ids sid itools
rig_step vfio_pci_ids "boot unstable's 7.x: the kernel's vfio-pci.ids= alone, read as the kernel does, takes the GPU and its audio" \
	scenario_vfio_pci_ids
rig_step addrs "boot Debian 12's 6.1: vfiopt.addrs= takes one of two identical NICs, vfiopt.ids= the GPU and its audio" scenario_addrs
rig_step none "boot: no vfiopt parameter, every host driver binds (the race is real)" scenario_none
rig_step disable "boot: vfiopt.disable=1 claims nothing" scenario_disable
rig_step malformed "boot: malformed entries are logged, the boot goes on" scenario_malformed
rig_step no_iommu "boot: IOMMU off, warned, the GPU kept from bochs-drm" scenario_no_iommu
rig_step config "boot: the selection from /etc/vfiopt.conf in the initramfs" scenario_config
rig_step nested "boot: a VM inside the test VM owns the claimed NIC (vfiopt boot)" scenario_nested
run_test "boot: no kernel of the matrix has iommufd (6.1, 6.12, 7.x): the nested VM's group way is the one there is" no_iommufd
