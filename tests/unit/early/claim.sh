#!/bin/bash
# Unit tests of the early claim: the real binary against copies of the fake
# sysfs trees.  Each test asserts on the files written, the kernel log
# lines (the tree's dev/kmsg) and the record under run/, not only on the
# exit status.
#
#   claim.sh ./vfiopt-claim     the helper that the initramfs runs
#   claim.sh ./vfiopt claim     the host tool's verb, the same code
set -u
CLAIM=("$(realpath "${1:?usage: claim.sh PROGRAM [claim]}")" "${@:2}")
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$here/lib/tap.sh"
# shellcheck source=tests/lib/fakesys.sh
. "$here/lib/fakesys.sh"
# shellcheck source=tests/lib/unit.sh
. "$here/lib/unit.sh"

# claim ARGS...: run the claim with the fake modprobe.
claim() {
	"${CLAIM[@]}" --sysroot "$T" --modprobe "$FAKE_MODPROBE" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

# The paths a claim of ADDR changes when the fake kernel binds it.
bound_paths() {
	local addr=$1 old=$2
	dev "$addr" driver_override
	dev "$addr" uevent
	dev "$addr" driver
	echo "./sys/bus/pci/drivers/vfio-pci/$addr"
	if [ -n "$old" ]; then
		echo "./sys/bus/pci/drivers/$old/unbind"
		echo "./sys/bus/pci/drivers/$old/$addr"
	fi
}

new_vfio_driver_paths() {
	local f
	printf "%s\n" ./sys/module/vfio ./sys/module/vfio_pci ./sys/module/vfio_iommu_type1
	echo ./sys/bus/pci/drivers/vfio-pci
	for f in bind unbind new_id remove_id; do
		echo "./sys/bus/pci/drivers/vfio-pci/$f"
	done
}

test_by_id() {
	setup
	claim --cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1 vfiopt.ids=10de:1b80 quiet"
	expect_status 0
	expect_override 0000:01:00.0 vfio-pci
	expect_override 0000:01:00.1 vfio-pci
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:01:00.1 vfio-pci
	expect_file sys/bus/pci/drivers/snd_hda_intel/unbind 0000:01:00.1
	expect_file sys/bus/pci/drivers_probe 0000:01:00.1
	expect_modprobe_calls 1
	expect_file "../${T##*/}.modprobe" "-a vfio-pci vfio_iommu_type1"
	expect_kmsg '^<6>vfiopt: 0000:01:00.0 \[10de:1b80\] selected by vfiopt.ids=10de:1b80$'
	expect_kmsg '^<6>vfiopt: 0000:01:00.1 \[10de:10f0\] taken along with 0000:01:00.0 \(same slot, IOMMU group 1\)$'
	expect_kmsg '^<6>vfiopt: 0000:01:00.1 \[10de:10f0\] unbound from snd_hda_intel$'
	expect_kmsg '^<6>vfiopt: 0000:01:00.0 \[10de:1b80\] claimed by vfio-pci$'
	expect_kmsg '^<6>vfiopt: 0000:01:00.1 \[10de:10f0\] claimed by vfio-pci, was on snd_hda_intel$'
	expect_no_kmsg 'not viable'
	expect_record "0000:01:00.0 10de:1b80 id - claimed" \
		"0000:01:00.1 10de:10f0 companion snd_hda_intel claimed"
	expect_changed ./dev/kmsg ./run/vfiopt ./run/vfiopt/claimed ./sys/bus/pci/drivers_probe \
		"$(new_vfio_driver_paths)" "$(bound_paths 0000:01:00.0 '')" \
		"$(bound_paths 0000:01:00.1 snd_hda_intel)"
	# Both NICs and the iGPU keep their drivers.
	expect_driver 0000:02:00.0 e1000e
	expect_driver 0000:03:00.0 e1000e
	expect_driver 0000:00:02.0 i915
}

test_by_id_uppercase_and_subsystem() {
	setup
	claim --cmdline "vfiopt.ids=8086:10D3:8086:A01F"
	expect_status 0
	expect_driver 0000:02:00.0 vfio-pci
	expect_driver 0000:03:00.0 vfio-pci
	expect_kmsg '0000:02:00.0 \[8086:10d3\] selected by vfiopt.ids=8086:10D3:8086:A01F'
	expect_kmsg '0000:03:00.0 \[8086:10d3\] selected by vfiopt.ids=8086:10D3:8086:A01F'
	expect_record "0000:02:00.0 8086:10d3 id e1000e claimed" "0000:03:00.0 8086:10d3 id e1000e claimed"
}

test_subsystem_mismatch() {
	setup
	claim --cmdline "vfiopt.ids=10de:1b80:1043:85aa"
	expect_status 0
	expect_kmsg '^<4>vfiopt: vfiopt.ids=10de:1b80:1043:85aa matches no PCI device$'
	expect_override 0000:01:00.0 '(null)'
	expect_modprobe_calls 0
	expect_record
	expect_changed ./dev/kmsg ./run/vfiopt ./run/vfiopt/claimed
}

test_by_class() {
	setup
	# Every NVIDIA display controller (class 03xxxx), nothing else of NVIDIA's.
	claim --cmdline "vfiopt.ids=10de:ffffffff:ffffffff:ffffffff:030000:ff0000 vfiopt.companions=0"
	expect_status 0
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:01:00.1 snd_hda_intel
	expect_override 0000:01:00.1 '(null)'
	expect_record "0000:01:00.0 10de:1b80 id - claimed"
}

test_class_without_mask_is_exact() {
	setup
	claim --cmdline "vfiopt.ids=10de:10f0:ffffffff:ffffffff:030000 vfiopt.ids=10de:10f0:1458:3702:040300"
	expect_status 0
	expect_kmsg 'vfiopt.ids=10de:10f0:ffffffff:ffffffff:030000 matches no PCI device'
	expect_kmsg '0000:01:00.1 \[10de:10f0\] selected by vfiopt.ids=10de:10f0:1458:3702:040300'
	expect_driver 0000:01:00.1 vfio-pci
}

test_identical_cards_by_address() {
	setup
	claim --cmdline "vfiopt.addrs=03:00.0"
	expect_status 0
	expect_driver 0000:03:00.0 vfio-pci
	expect_driver 0000:02:00.0 e1000e
	expect_override 0000:02:00.0 '(null)'
	expect_file sys/bus/pci/drivers/e1000e/unbind 0000:03:00.0
	expect_file sys/bus/pci/drivers_probe 0000:03:00.0
	expect_record "0000:03:00.0 8086:10d3 addr e1000e claimed"
	expect_changed ./dev/kmsg ./run/vfiopt ./run/vfiopt/claimed ./sys/bus/pci/drivers_probe \
		"$(new_vfio_driver_paths)" "$(bound_paths 0000:03:00.0 e1000e)"
}

test_address_with_domain_and_missing() {
	setup
	claim --cmdline "vfiopt.addrs=0000:02:00.0,0000:09:00.0"
	expect_status 0
	expect_driver 0000:02:00.0 vfio-pci
	expect_driver 0000:03:00.0 e1000e
	expect_kmsg '^<4>vfiopt: vfiopt.addrs=0000:09:00.0: no such PCI device$'
}

test_companion_in_other_group() {
	setup
	claim --cmdline "vfiopt.ids=1002:67df"
	expect_status 0
	expect_driver 0000:04:00.0 vfio-pci
	expect_driver 0000:04:00.1 snd_hda_intel
	expect_override 0000:04:00.1 '(null)'
	expect_kmsg '0000:04:00.1 \[1002:aaf0\] shares the slot of 0000:04:00.0 but not its IOMMU group: not taken'
	expect_file sys/bus/pci/drivers/amdgpu/unbind 0000:04:00.0
	expect_record "0000:04:00.0 1002:67df id amdgpu claimed"
}

test_companions_off() {
	setup
	claim --cmdline "vfiopt.ids=10de:1b80 vfiopt.companions=0"
	expect_status 0
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:01:00.1 snd_hda_intel
	expect_override 0000:01:00.1 '(null)'
	expect_file sys/bus/pci/drivers/snd_hda_intel/unbind ''
	# The audio function left on its host driver spoils the group.
	expect_kmsg '^<4>vfiopt: IOMMU group 1 is not viable for a VM: 0000:01:00.1 \[10de:10f0\] is on snd_hda_intel$'
	expect_record "0000:01:00.0 10de:1b80 id - claimed"
}

test_companions_skip_chipset_bridges() {
	setup
	claim --cmdline "vfiopt.addrs=00:1f.3"
	expect_status 0
	expect_driver 0000:00:1f.3 vfio-pci
	expect_driver 0000:00:1f.4 vfio-pci
	expect_override 0000:00:1f.0 '(null)'
	expect_kmsg '0000:00:1f.0 \[8086:a305\] shares the slot of 0000:00:1f.3 but is a bridge: not taken'
	expect_record "0000:00:1f.3 8086:a348 addr snd_hda_intel claimed" \
		"0000:00:1f.4 8086:a323 companion i801_smbus claimed"
}

test_group_not_viable() {
	setup
	claim --cmdline "vfiopt.addrs=00:1f.3 vfiopt.companions=no"
	expect_status 0
	expect_kmsg '^<4>vfiopt: IOMMU group 6 is not viable for a VM: 0000:00:1f.4 \[8086:a323\] is on i801_smbus$'
	# The ISA bridge (no driver) is harmless, and so is the root port on pcieport.
	expect_no_kmsg '0000:00:1f.0.* is on'
}

test_bridge_refused() {
	setup
	claim --cmdline "vfiopt.addrs=00:01.0"
	expect_status 1
	expect_override 0000:00:01.0 '(null)'
	expect_driver 0000:00:01.0 pcieport
	expect_kmsg '^<4>vfiopt: 0000:00:01.0 \[8086:1901\] is a bridge \(class 060400\): refusing to claim it \(select the devices behind it\)$'
	expect_modprobe_calls 0
	expect_record "0000:00:01.0 8086:1901 addr pcieport refused"
	expect_changed ./dev/kmsg ./run/vfiopt ./run/vfiopt/claimed
}

# A card on vfio-pci already (vfio-pci.ids= or an earlier run) is left alone.
test_already_on_vfio() {
	setup
	fakesys_dev "$T" 0000:00:1d.1 8086 a331 060400 1458 5001 pcieport 10
	fakesys_dev "$T" 0000:00:1d.1/0000:05:00.0 1b21 2142 0c0330 1b21 2142 vfio-pci 11
	snapshot >"$T.before"
	claim --cmdline "vfiopt.addrs=05:00.0"
	expect_status 0
	expect_override 0000:05:00.0 '(null)'
	expect_kmsg '^<6>vfiopt: 0000:05:00.0 \[1b21:2142\] is already on vfio-pci$'
	expect_modprobe_calls 0
	expect_record "0000:05:00.0 1b21:2142 addr vfio-pci already"
	expect_changed ./dev/kmsg ./run/vfiopt ./run/vfiopt/claimed
}

# vfio-pci loaded, but nothing binds the device (no fake kernel here): the
# claim must not believe its own writes.
test_vfio_loaded_but_not_bound() {
	setup
	fakesys_driver "$T" vfio-pci
	snapshot >"$T.before"
	claim --cmdline "vfiopt.addrs=02:00.0"
	expect_status 1
	expect_modprobe_calls 0
	expect_override 0000:02:00.0 vfio-pci
	expect_file sys/bus/pci/drivers/e1000e/unbind 0000:02:00.0
	expect_file sys/bus/pci/drivers_probe 0000:02:00.0
	expect_kmsg '^<4>vfiopt: 0000:02:00.0 \[8086:10d3\] is not on vfio-pci but on e1000e: another driver took it$'
	expect_record "0000:02:00.0 8086:10d3 addr e1000e failed"
}

test_builtin_driver() {
	setup
	claim --cmdline "vfiopt.addrs=00:14.0"
	expect_status 0
	expect_file sys/bus/pci/drivers/xhci_hcd/unbind 0000:00:14.0
	expect_driver 0000:00:14.0 vfio-pci
	expect_kmsg '0000:00:14.0 \[8086:a36d\] unbound from xhci_hcd'
}

# The firmware framebuffer in the iGPU's BAR: Linux 6.1's vfio-pci removes
# it when it binds, so nothing is said; 5.10's leaves it, so the switch is.
test_boot_vga() {
	setup
	claim --cmdline "vfiopt.ids=8086:3e90"
	expect_status 0
	expect_driver 0000:00:02.0 vfio-pci
	expect_no_kmsg 'framebuffer'
	setup
	echo 5.10.0-32-amd64 >"$T/proc/sys/kernel/osrelease"
	claim --cmdline "vfiopt.ids=8086:3e90"
	expect_status 0
	expect_kmsg '^<5>vfiopt: 0000:00:02.0: BAR 0 holds the firmware framebuffer \(BOOTFB at a0000000-a07e8fff\), which this kernel.s vfio-pci leaves in place; add initcall_blacklist=sysfb_init to the kernel command line$'
	setup
	echo 5.10.0-32-amd64 >"$T/proc/sys/kernel/osrelease"
	claim --cmdline "vfiopt.ids=10de:1b80"
	expect_no_kmsg 'framebuffer'
}

# No IOMMU: no groups, no iommu_group links.
test_iommu_off() {
	setup
	rm -rf "$T"/sys/kernel/iommu_groups/*
	find "$T/sys/devices" -name iommu_group -type l -delete
	snapshot >"$T.before"
	claim --cmdline "vfiopt.ids=10de:1b80"
	expect_status 1
	expect_kmsg '^<4>vfiopt: no IOMMU groups: the IOMMU is off. Enable VT-d \(Intel\) or AMD-Vi \(AMD\) in the firmware, on Intel add intel_iommu=on to the kernel command line'
	# Still kept from its host driver, but vfio-pci cannot take it.
	expect_override 0000:01:00.0 vfio-pci
	expect_driver 0000:01:00.0 ''
	expect_kmsg 'is not on vfio-pci: vfio-pci needs an IOMMU group; driver_override keeps the host driver off'
	# Without groups nothing proves the audio function travels with it.
	expect_override 0000:01:00.1 '(null)'
	expect_driver 0000:01:00.1 snd_hda_intel
	expect_record "0000:01:00.0 10de:1b80 id - failed"
}

test_disable() {
	local cmdline
	for cmdline in "vfiopt.ids=10de:1b80 vfiopt.disable=1" "vfiopt.disable vfiopt.ids=10de:1b80" \
		"vfiopt.disable=yes vfiopt.addrs=01:00.0" "rd.vfiopt.disable=1 vfiopt.ids=10de:1b80" \
		"vfiopt.disable=maybe vfiopt.ids=10de:1b80"; do
		setup
		claim --cmdline "$cmdline"
		expect_status 0
		expect_override 0000:01:00.0 '(null)'
		expect_kmsg '^<6>vfiopt: disabled by vfiopt.disable=1: claiming nothing$'
		expect_modprobe_calls 0
		expect_changed ./dev/kmsg
	done
	expect_kmsg 'vfiopt.disable=maybe is not 0 or 1; disabling to be safe'
	# The last one wins, as for any kernel parameter.
	setup
	claim --cmdline "vfiopt.disable=1 vfiopt.disable=0 vfiopt.addrs=02:00.0"
	expect_status 0
	expect_driver 0000:02:00.0 vfio-pci
}

test_kernel_vfio_pci_ids() {
	local param
	for param in vfio-pci.ids vfio_pci.ids; do
		setup
		claim --cmdline "$param=10de:1b80 quiet"
		expect_status 0
		expect_driver 0000:01:00.0 vfio-pci
		expect_kmsg 'selected by vfio_pci.ids=10de:1b80'
	done
}

test_quoting_and_repeats() {
	setup
	claim --cmdline 'root=/dev/sda1 "vfiopt.ids=10de:1b80" vfiopt.addrs="03:00.0,00:14.0" vfiopt.addrs=02:00.0'
	expect_status 0
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:03:00.0 vfio-pci
	expect_driver 0000:00:14.0 vfio-pci
	expect_driver 0000:02:00.0 vfio-pci
	# Inside another parameter's quotes, or after "--", it is not ours.
	setup
	claim --cmdline 'dyndbg="file x +p vfiopt.ids=10de:1b80" -- vfiopt.addrs=03:00.0'
	expect_status 0
	expect_override 0000:01:00.0 '(null)'
	expect_override 0000:03:00.0 '(null)'
	expect_changed
}

test_proc_cmdline() {
	setup
	echo "BOOT_IMAGE=/vmlinuz ro vfiopt.addrs=0000:03:00.0" >"$T/proc/cmdline"
	snapshot >"$T.before"
	"${CLAIM[@]}" --sysroot "$T" --modprobe "$FAKE_MODPROBE" >"$T.out" 2>"$T.err"
	status=$?
	expect_status 0
	expect_driver 0000:03:00.0 vfio-pci
}

# The exact stores, in order: overrides and unbinds, one modprobe, probes.
test_store_sequence() {
	setup
	traced --modprobe "$FAKE_MODPROBE" --cmdline "vfiopt.ids=10de:1b80 vfiopt.addrs=00:14.0"
	expect_status 0
	expect_writes \
		"$(dev 0000:00:14.0 driver_override | cut -c3-) <- vfio-pci" \
		"sys/bus/pci/drivers/xhci_hcd/unbind <- 0000:00:14.0" \
		"$(dev 0000:01:00.0 driver_override | cut -c3-) <- vfio-pci" \
		"$(dev 0000:01:00.1 driver_override | cut -c3-) <- vfio-pci" \
		"sys/bus/pci/drivers/snd_hda_intel/unbind <- 0000:01:00.1" \
		"exec fake-modprobe" \
		"sys/bus/pci/drivers_probe <- 0000:00:14.0" \
		"sys/bus/pci/drivers_probe <- 0000:01:00.0" \
		"sys/bus/pci/drivers_probe <- 0000:01:00.1"
}

# The uevent said no driver, but one bound since (the race): the link wins.
test_late_driver_is_unbound() {
	setup
	sed -i '/^DRIVER=/d' "$T/sys/bus/pci/devices/0000:03:00.0/uevent"
	traced --modprobe "$FAKE_MODPROBE" --cmdline "vfiopt.addrs=03:00.0"
	expect_status 0
	expect_writes "$(dev 0000:03:00.0 driver_override | cut -c3-) <- vfio-pci" \
		"sys/bus/pci/drivers/e1000e/unbind <- 0000:03:00.0" \
		"exec fake-modprobe" \
		"sys/bus/pci/drivers_probe <- 0000:03:00.0"
	expect_record "0000:03:00.0 8086:10d3 addr e1000e claimed"
}

test_all_bridges_refused() {
	setup
	claim --cmdline "vfiopt.addrs=00:00.0,00:1f.0"
	expect_status 1
	expect_kmsg '^<4>vfiopt: 0000:00:00.0 \[8086:3e30\] is a bridge \(class 060000\): refusing to claim it$'
	expect_kmsg '^<4>vfiopt: 0000:00:1f.0 \[8086:a305\] is a bridge \(class 060100\): refusing to claim it$'
	expect_override 0000:00:00.0 '(null)'
	expect_driver 0000:00:00.0 skl_uncore
}

test_wildcards() {
	setup
	claim --cmdline "vfiopt.ids=ffffffff:ffffffff"
	expect_status 2
	expect_kmsg 'ignoring vfiopt.ids entry "ffffffff:ffffffff": matches every device: name a vendor or a class and mask'
	expect_changed ./dev/kmsg
	# Any vendor is fine with a class: every USB 3 controller.
	setup
	claim --cmdline "vfiopt.ids=ffffffff:ffffffff:ffffffff:ffffffff:0c0330:ffffff"
	expect_status 0
	expect_record "0000:00:14.0 8086:a36d id xhci_hcd claimed"
}

# vfio-pci.ids= is read as the kernel reads it, so vfiopt claims what
# vfio-pci itself would; vfiopt.ids= keeps the strict reading.
test_kernel_ids_semantics() {
	setup
	claim --cmdline "vfio-pci.ids=0x10de:0x10f0:ffffffff:ffffffff:030000 vfiopt.companions=0"
	expect_status 0
	expect_kmsg '0000:01:00.1 \[10de:10f0\] selected by vfio_pci.ids=0x10de:0x10f0:ffffffff:ffffffff:030000'
	expect_driver 0000:01:00.1 vfio-pci
	setup
	claim --cmdline "vfiopt.ids=0x10de:10f0"
	expect_status 2
	expect_kmsg 'ignoring vfiopt.ids entry "0x10de:10f0": the vendor is not 1-4 hex digits'
}

test_flood_is_capped() {
	setup
	claim --cmdline "vfiopt.ids=$(head -c 30000 /dev/zero | tr '\0' ,)"
	expect_status 2
	expect_eq "named entries" "$(grep -c 'empty entry' "$T/dev/kmsg")" 16
	expect_kmsg '^<4>vfiopt: 29985 more malformed entries not shown$'
	expect_eq "kernel log lines" "$(wc -l <"$T/dev/kmsg")" 18
}

test_modprobe_deadline() {
	setup
	printf '#!/bin/sh\nexec sleep 60\n' >"$T.hang"
	chmod +x "$T.hang"
	claim --modprobe "$T.hang" --modprobe-timeout 1 --cmdline "vfiopt.addrs=03:00.0"
	expect_status 1
	expect_kmsg "^<4>vfiopt: $T.hang did not finish in 1000 ms; killed it\$"
	expect_override 0000:03:00.0 vfio-pci
	"${CLAIM[@]}" --modprobe-timeout 0 --cmdline x >/dev/null 2>&1
	expect_eq "--modprobe-timeout 0" "$?" 2
}

test_selected_twice_and_rd_aliases() {
	setup
	claim --cmdline "vfiopt.addrs=01:00.0 vfiopt.ids=10de:1b80 rd.vfiopt.addrs=03:00.0 rd.vfiopt.ids=8086:a36d rd.vfiopt.companions=0"
	expect_status 0
	expect_eq "selection lines for 01:00.0" "$(grep -c '0000:01:00.0 .*selected by' "$T/dev/kmsg")" 1
	expect_record "0000:00:14.0 8086:a36d id xhci_hcd claimed" \
		"0000:01:00.0 10de:1b80 addr - claimed" \
		"0000:03:00.0 8086:10d3 addr e1000e claimed"
}

# A second run finds its devices on vfio-pci; the record keeps the driver
# they had before the first.
test_rerun_keeps_previous_driver() {
	setup
	claim --cmdline "vfiopt.addrs=03:00.0"
	claim --cmdline "vfiopt.addrs=03:00.0"
	expect_status 0
	expect_kmsg '0000:03:00.0 \[8086:10d3\] is already on vfio-pci'
	expect_record "0000:03:00.0 8086:10d3 addr e1000e already"
}

# /etc/vfiopt.conf under the root: read first, the command line adds to it.
test_config_file() {
	setup
	printf '%s\n' '# the NVIDIA card, by id' 'ids = "10de:1b80"' ' companions=0 # not its audio' \
		>"$T/etc/vfiopt.conf"
	snapshot >"$T.before"
	claim --cmdline "root=/dev/sda1 vfiopt.addrs=03:00.0"
	expect_status 0
	expect_kmsg '^<6>vfiopt: 0000:01:00.0 \[10de:1b80\] selected by /etc/vfiopt.conf ids=10de:1b80$'
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:01:00.1 snd_hda_intel
	expect_driver 0000:03:00.0 vfio-pci
	expect_record "0000:01:00.0 10de:1b80 id - claimed" "0000:03:00.0 8086:10d3 addr e1000e claimed"
	# Blanks around the commas of a list are layout, in or out of quotes.
	setup
	printf '%s\n' 'addrs = " 01:00.0 , 03:00.0 "' 'ids=8086:10d3 ,	1002:67df' >"$T/etc/vfiopt.conf"
	claim --cmdline ""
	expect_kmsg '^<6>vfiopt: 0000:03:00.0 \[8086:10d3\] selected by /etc/vfiopt.conf addrs=03:00.0$'
	expect_kmsg '^<6>vfiopt: 0000:04:00.0 \[1002:67df\] selected by /etc/vfiopt.conf ids=1002:67df$'
	! grep -q 'ignoring' "$T/dev/kmsg" || tap_fail "an entry was refused:" "$(grep ignoring "$T/dev/kmsg")"
	# The command line's switches come later and win.
	setup
	printf 'ids=10de:1b80\ncompanions=0\n' >"$T/etc/vfiopt.conf"
	claim --cmdline "vfiopt.companions=1"
	expect_driver 0000:01:00.1 vfio-pci
	setup
	printf 'ids=10de:1b80\n' >"$T/etc/vfiopt.conf"
	snapshot >"$T.before"
	claim --cmdline "vfiopt.disable=1"
	expect_status 0
	expect_changed ./dev/kmsg
	expect_override 0000:01:00.0 '(null)'
}

test_config_file_malformed() {
	setup
	printf '%s\n' 'ids=zzzz:1,10de:1b80' 'addrs' 'disable=1' 'colour=blue' "$(head -c 70000 /dev/zero | tr '\0' x)" \
		>"$T/etc/vfiopt.conf"
	claim --cmdline quiet
	expect_status 0
	expect_kmsg '^<4>vfiopt: /etc/vfiopt.conf is larger than 65535 bytes: ignoring it$'
	expect_override 0000:01:00.0 '(null)'
	setup
	printf '%s\n' 'ids=zzzz:1,10de:1b80' 'addrs' 'disable=1' 'colour=blue' >"$T/etc/vfiopt.conf"
	claim --cmdline quiet
	expect_status 0
	expect_kmsg '^<4>vfiopt: ignoring /etc/vfiopt.conf ids entry "zzzz:1": the vendor is not 1-4 hex digits$'
	expect_kmsg '^<4>vfiopt: /etc/vfiopt.conf:2: ignoring "addrs": not key=value$'
	expect_kmsg '^<4>vfiopt: /etc/vfiopt.conf:3: ignoring unknown key "disable" \(ids, addrs, companions\)$'
	expect_kmsg '^<4>vfiopt: /etc/vfiopt.conf:4: ignoring unknown key "colour"'
	expect_driver 0000:01:00.0 vfio-pci
	setup
	printf 'ids=zzzz:1\n' >"$T/etc/vfiopt.conf"
	claim --cmdline quiet
	expect_status 2
}

test_malformed() {
	local entry param
	while IFS='|' read -r param entry why; do
		setup
		claim --cmdline "$param=$entry"
		expect_status 2
		expect_kmsg "^<4>vfiopt: ignoring $param entry \"$(printf '%s' "$entry" | sed 's/[].[*^$\\/]/\\&/g')\": $why\$"
		expect_kmsg 'nothing valid to claim: every entry was malformed'
		expect_modprobe_calls 0
		expect_changed ./dev/kmsg
	done <<-'LIST'
	vfiopt.ids|zzzz:3e90|the vendor is not 1-4 hex digits
	vfiopt.ids|8086|needs at least vendor:device
	vfiopt.ids|8086:3e90x|the device is not 1-4 hex digits
	vfiopt.ids|8086:-1|the device is not 1-4 hex digits
	vfiopt.ids|0x8086:3e90|the vendor is not 1-4 hex digits
	vfiopt.ids|8086:3e90:1:2:3:4:5|more than 6 fields \(vendor:device:subvendor:subdevice:class:mask\)
	vfiopt.ids|8086:3e90:::|the subsystem vendor is not 1-4 hex digits
	vfiopt.addrs|0000:00:02.9|the function is not a digit 0-7
	vfiopt.addrs|00:20.0|the slot is not a hex number 00-1f
	vfiopt.addrs|../../etc|not an address \[DDDD:\]BB:SS.F
	vfiopt.addrs|00:02.0/../1f.6|unexpected text after the function
	vfiopt.addrs|1:2:3:00:02.0|not an address \[DDDD:\]BB:SS.F
	LIST
}

test_malformed_empty_and_overlong() {
	setup
	claim --cmdline "vfiopt.ids=,10de:1b80, vfiopt.addrs= vfiopt.addrs"
	expect_status 0
	expect_eq "empty-entry warnings" "$(grep -c 'entry "": empty entry' "$T/dev/kmsg")" 3
	expect_kmsg 'ignoring vfiopt.addrs entry "": needs a value'
	expect_driver 0000:01:00.0 vfio-pci
	setup
	claim --cmdline "vfiopt.ids=$(printf '8086%.0s' $(seq 1 300)):3e90"
	expect_status 2
	expect_kmsg '^<4>vfiopt: ignoring vfiopt.ids entry "80868086.*\.\.\.": too long to be an id or an address$'
	expect_changed ./dev/kmsg
}

test_mixed_good_and_bad() {
	setup
	claim --cmdline "vfiopt.ids=zzzz:3e90,10de:1b80,8086 vfiopt.addrs=../../etc,03:00.0"
	expect_status 0
	expect_kmsg 'ignoring vfiopt.ids entry "zzzz:3e90"'
	expect_kmsg 'ignoring vfiopt.ids entry "8086"'
	expect_kmsg 'ignoring vfiopt.addrs entry "../../etc"'
	expect_driver 0000:01:00.0 vfio-pci
	expect_driver 0000:03:00.0 vfio-pci
	expect_record "0000:01:00.0 10de:1b80 id - claimed" \
		"0000:01:00.1 10de:10f0 companion snd_hda_intel claimed" \
		"0000:03:00.0 8086:10d3 addr e1000e claimed"
}

test_hostile_text_is_escaped() {
	setup
	claim --cmdline $'vfiopt.ids=\e[31m\\:x"\x01'
	expect_status 2
	expect_kmsg '^<4>vfiopt: ignoring vfiopt.ids entry "\\x1b\[31m\\x5c:x"\\x01": '
	expect_eq "kernel log lines" "$(wc -l <"$T/dev/kmsg")" 2
}

test_long_cmdline() {
	local pad
	setup
	pad=$(for i in $(seq 1 400); do printf 'opt%d=value%d ' "$i" "$i"; done)
	claim --cmdline "$pad vfiopt.ids=10de:1b80"
	expect_status 0
	expect_driver 0000:01:00.0 vfio-pci
	# Beyond the limit, a cut parameter is dropped, never half-used.
	setup
	pad=$(head -c 32760 /dev/zero | tr '\0' x)
	claim --cmdline "$pad vfiopt.ids=10de:1b80"
	expect_status 0
	expect_kmsg 'kernel command line longer than 32767 bytes: ignoring what follows'
	expect_override 0000:01:00.0 '(null)'
}

test_dry_run() {
	setup
	claim --dry-run --cmdline "vfiopt.ids=10de:1b80"
	expect_status 0
	expect_eq "dry-run output" "$(cat "$T.out")" "would write vfio-pci to $T/sys/bus/pci/devices/0000:01:00.0/driver_override
would write vfio-pci to $T/sys/bus/pci/devices/0000:01:00.1/driver_override
would write 0000:01:00.1 to $T/sys/bus/pci/devices/0000:01:00.1/driver/unbind
would run $FAKE_MODPROBE -a vfio-pci vfio_iommu_type1
would write 0000:01:00.0 to $T/sys/bus/pci/drivers_probe
would check that 0000:01:00.0 is on vfio-pci
would write 0000:01:00.1 to $T/sys/bus/pci/drivers_probe
would check that 0000:01:00.1 is on vfio-pci"
	grep -q 'vfiopt: 0000:01:00.0 \[10de:1b80\] selected by vfiopt.ids=10de:1b80' "$T.err" ||
		tap_fail "the decisions are not on stderr: $(cat "$T.err")"
	# What it did not do is never said in the past tense.
	grep -qx 'vfiopt: 0000:01:00.1 \[10de:10f0\] would be unbound from snd_hda_intel' "$T.err" ||
		tap_fail "no 'would be unbound': $(cat "$T.err")"
	! grep -E '\] (unbound from|claimed by) ' "$T.err" ||
		tap_fail "a dry run said it did something"
	# Nothing at all is written, not even the kernel log.
	expect_changed
	expect_modprobe_calls 0
	# It predicts a failure, and says it would not run modprobe without --modprobe.
	"${CLAIM[@]}" --sysroot "$T" --dry-run --cmdline "vfiopt.addrs=00:01.0,03:00.0" >"$T.out" 2>"$T.err"
	status=$?
	expect_status 1
	grep -qx 'would not run modprobe under --sysroot without --modprobe' "$T.out" ||
		tap_fail "no word on modprobe: $(cat "$T.out")"
	expect_changed
}

# No kernel log to write to, and stderr not a terminal: the messages go
# to stderr rather than nowhere.
test_no_kmsg() {
	setup
	rm "$T/dev/kmsg"
	snapshot >"$T.before"
	claim --cmdline "vfiopt.ids=10de:1b80" </dev/null
	expect_status 0
	grep -qx 'vfiopt: 0000:01:00.0 \[10de:1b80\] claimed by vfio-pci' "$T.err" ||
		tap_fail "the claim is not on stderr:" "$(cat "$T.err")"
	grep -qx 'vfiopt: 2 device(s) on vfio-pci, 0 not' "$T.err" ||
		tap_fail "the summary is not on stderr:" "$(cat "$T.err")"
	[ ! -e "$T/dev/kmsg" ] || tap_fail "dev/kmsg was created"
	# With a kernel log, and stderr not a terminal: the kernel log only.
	setup
	claim --cmdline "vfiopt.ids=10de:1b80" </dev/null
	expect_eq "stderr" "$(cat "$T.err")" ""
	expect_kmsg '0000:01:00.0 \[10de:1b80\] claimed by vfio-pci'
}

# Without a fake kernel: the only writes are the attributes we mean.
test_writes_nothing_else() {
	setup
	"${CLAIM[@]}" --sysroot "$T" --cmdline "vfiopt.ids=10de:1b80,8086:3e90" >"$T.out" 2>"$T.err"
	status=$?
	expect_status 1
	expect_kmsg 'vfio-pci is not loaded; not running modprobe under --sysroot'
	expect_changed ./dev/kmsg ./run/vfiopt ./run/vfiopt/claimed ./sys/bus/pci/drivers_probe \
		"$(dev 0000:00:02.0 driver_override)" ./sys/bus/pci/drivers/i915/unbind \
		"$(dev 0000:01:00.0 driver_override)" "$(dev 0000:01:00.1 driver_override)" \
		./sys/bus/pci/drivers/snd_hda_intel/unbind
}

test_nothing_selected_is_silent() {
	setup
	claim --cmdline "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet"
	expect_status 0
	expect_modprobe_calls 0
	expect_changed
}

test_modprobe_fails() {
	setup
	# kmod fails as a whole when vfio_iommu_type1 is missing: vfio-pci
	# loaded all the same, and that is what counts; the missing backend
	# gets a warning of its own.
	FAKE_MODPROBE_STATUS=1 claim --cmdline "vfiopt.addrs=03:00.0"
	expect_status 0
	expect_no_kmsg 'did not load vfio-pci'
	expect_kmsg '^<4>vfiopt: vfio_iommu_type1 is not loaded: QEMU will fail with "No available IOMMU models" until it is$'
	expect_driver 0000:03:00.0 vfio-pci
	setup
	"${CLAIM[@]}" --sysroot "$T" --modprobe /nonexistent/modprobe --cmdline "vfiopt.addrs=03:00.0" >"$T.out" 2>"$T.err"
	status=$?
	expect_status 1
	expect_kmsg '^<4>vfiopt: /nonexistent/modprobe -a vfio-pci vfio_iommu_type1 did not load vfio-pci: No such file or directory$'
	# Not emulated here: the kernel would leave it with no driver after the unbind.
	expect_kmsg '0000:03:00.0 \[8086:10d3\] is not on vfio-pci but on e1000e'
	expect_file sys/bus/pci/drivers/e1000e/unbind 0000:03:00.0
	expect_override 0000:03:00.0 vfio-pci
}

test_usage() {
	setup
	"${CLAIM[@]}" --bogus >/dev/null 2>"$T.err"
	expect_eq "unknown option" "$?" 2
	"${CLAIM[@]}" frobnicate >/dev/null 2>"$T.err"
	expect_eq "an unexpected argument" "$?" 2
	grep -q "unexpected argument 'frobnicate'" "$T.err" ||
		tap_fail "no message for an unexpected argument: $(cat "$T.err")"
	"${CLAIM[@]}" --sysroot "$work/does-not-exist" --cmdline x >/dev/null 2>"$T.err"
	expect_eq "missing sysroot" "$?" 2
	"${CLAIM[@]}" --help | grep -q -- '--sysroot DIR' || tap_fail "claim --help lacks --sysroot"
	"${CLAIM[0]}" --version | grep -qE '^vfiopt(-claim)? [0-9]' || tap_fail "--version"
}

run_test "select by vendor:device, audio companion in the same group" test_by_id
run_test "select by id with subsystem ids, upper case" test_by_id_uppercase_and_subsystem
run_test "an id whose subsystem ids match nothing" test_subsystem_mismatch
run_test "select by class and class mask" test_by_class
run_test "a class without a mask must match exactly" test_class_without_mask_is_exact
run_test "one of two identical cards by address" test_identical_cards_by_address
run_test "address with domain, and an absent address" test_address_with_domain_and_missing
run_test "a companion in another IOMMU group is not taken" test_companion_in_other_group
run_test "vfiopt.companions=0" test_companions_off
run_test "companions never include chipset bridges" test_companions_skip_chipset_bridges
run_test "a group member left on a host driver is reported" test_group_not_viable
run_test "a bridge in the selection is refused" test_bridge_refused
run_test "a device already on vfio-pci is skipped" test_already_on_vfio
run_test "vfio-pci loaded but not bound: reported as failed" test_vfio_loaded_but_not_bound
run_test "a device on a built-in driver is unbound" test_builtin_driver
run_test "a firmware framebuffer left in the BAR is noted, with its switch" test_boot_vga
run_test "IOMMU off: warned, still kept from the host driver" test_iommu_off
run_test "vfiopt.disable" test_disable
run_test "the kernel's vfio-pci.ids= is honoured" test_kernel_vfio_pci_ids
run_test "kernel quoting rules, repeats, and --" test_quoting_and_repeats
run_test "reads /proc/cmdline under --sysroot" test_proc_cmdline
run_test "the exact stores, in order (strace)" test_store_sequence
run_test "a driver that bound after the uevent was read is unbound" test_late_driver_is_unbound
run_test "host and ISA bridges are refused too" test_all_bridges_refused
run_test "an id of any vendor needs a class" test_wildcards
run_test "vfio-pci.ids= is read as the kernel reads it" test_kernel_ids_semantics
run_test "a flood of malformed entries is named 16 times, then counted" test_flood_is_capped
run_test "a hung modprobe is killed at its deadline" test_modprobe_deadline
run_test "a device selected twice; rd.vfiopt.* aliases" test_selected_twice_and_rd_aliases
run_test "a second run keeps the first run's previous driver" test_rerun_keeps_previous_driver
run_test "/etc/vfiopt.conf, and the command line on top of it" test_config_file
run_test "a malformed or oversized /etc/vfiopt.conf" test_config_file_malformed
run_test "each malformed entry is named and ignored" test_malformed
run_test "empty and overlong entries" test_malformed_empty_and_overlong
run_test "a mixed good and bad selection" test_mixed_good_and_bad
run_test "untrusted text is escaped in the log" test_hostile_text_is_escaped
run_test "several KiB of command line, and more than the limit" test_long_cmdline
run_test "--dry-run prints and writes nothing" test_dry_run
run_test "no /dev/kmsg: every message on stderr instead" test_no_kmsg
run_test "nothing written but the attributes meant" test_writes_nothing_else
run_test "no selection: nothing written, not even a log line" test_nothing_selected_is_silent
run_test "modprobe failing or missing" test_modprobe_fails
run_test "usage errors, --help, --version" test_usage
