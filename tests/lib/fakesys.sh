# shellcheck shell=sh
# Build fake sysfs trees that mirror the kernel's real layout, for the unit
# tests and the benchmark.  Sourced, never run.
#
# What the kernel has and what we copy:
#   sys/devices/pci0000:00/<bridge>/<dev>/      device directories, nested
#                                               under their upstream bridge
#   sys/bus/pci/devices/<addr>                  relative symlinks to them
#   sys/bus/pci/drivers/<name>/{bind,unbind,new_id,remove_id,<addr>}
#   sys/bus/pci/{drivers_probe,drivers_autoprobe,rescan}
#   sys/kernel/iommu_groups/<n>/devices/<addr>  relative symlinks
#   <dev>/{vendor,device,subsystem_*,class}     "0x%04x\n" / "0x%06x\n"
#   <dev>/driver_override                       "(null)\n" when unset
#   <dev>/uevent                                DRIVER= (only when bound),
#                                               PCI_CLASS=%04X, PCI_ID=%04X:%04X ...
#   <dev>/{driver,iommu_group,subsystem}        relative symlinks
#   sys/module/<module>/drivers/pci:<driver>    relative symlinks, for loaded
#                                               modules

# fakesys_init ROOT: the skeleton every tree has.
fakesys_init() {
	_fs_root=$1
	mkdir -p "$_fs_root/sys/devices/pci0000:00" "$_fs_root/sys/bus/pci/devices" \
		"$_fs_root/sys/bus/pci/drivers" "$_fs_root/sys/kernel/iommu_groups" \
		"$_fs_root/proc/sys/kernel" "$_fs_root/dev" "$_fs_root/run" "$_fs_root/etc"
	: >"$_fs_root/sys/bus/pci/drivers_probe"
	echo 1 >"$_fs_root/sys/bus/pci/drivers_autoprobe"
	: >"$_fs_root/sys/bus/pci/rescan"
	: >"$_fs_root/dev/kmsg"
	echo "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro quiet" >"$_fs_root/proc/cmdline"
	unset _fs_root
}

# fakesys_driver ROOT NAME: a registered driver directory.
fakesys_driver() {
	[ -d "$1/sys/bus/pci/drivers/$2" ] && return 0
	mkdir -p "$1/sys/bus/pci/drivers/$2"
	for _fs_f in bind unbind new_id remove_id; do
		: >"$1/sys/bus/pci/drivers/$2/$_fs_f"
	done
	echo "DRIVER=$2" >"$1/sys/bus/pci/drivers/$2/uevent"
	unset _fs_f
}

# fakesys_group ROOT N: an IOMMU group directory.
fakesys_group() {
	[ -d "$1/sys/kernel/iommu_groups/$2" ] && return 0
	mkdir -p "$1/sys/kernel/iommu_groups/$2/devices"
	echo DMA-FQ >"$1/sys/kernel/iommu_groups/$2/type"
	: >"$1/sys/kernel/iommu_groups/$2/reserved_regions"
}

# _fakesys_up PATH: "../" once per component of PATH.
_fakesys_up() {
	_fs_up=
	_fs_rest=$1
	while [ -n "$_fs_rest" ]; do
		_fs_up="../$_fs_up"
		case $_fs_rest in
		*/*) _fs_rest=${_fs_rest#*/} ;;
		*) _fs_rest= ;;
		esac
	done
	printf '%s' "$_fs_up"
	unset _fs_up _fs_rest
}

# fakesys_dev ROOT PATH VENDOR DEVICE CLASS SUBVENDOR SUBDEVICE DRIVER GROUP [BOOT_VGA]
#   PATH      the device directory below sys/devices/pci0000:00, its last
#             component being the address (e.g. 0000:00:01.0/0000:01:00.0)
#   VENDOR..  hex without 0x (10de 1b80 030000 1458 3702)
#   DRIVER    bound driver name, or - for none
#   GROUP     IOMMU group number, or - for none (IOMMU off)
#   BOOT_VGA  1 or 0 for display devices; absent otherwise
fakesys_dev() {
	_fs_root=$1 _fs_rel="devices/pci0000:00/$2" _fs_v=$3 _fs_d=$4 _fs_c=$5
	_fs_sv=$6 _fs_sd=$7 _fs_drv=$8 _fs_grp=$9
	_fs_vga=${10:-}
	_fs_addr=${2##*/}
	_fs_dir="$_fs_root/sys/$_fs_rel"
	_fs_up=$(_fakesys_up "$_fs_rel")

	mkdir -p "$_fs_dir"
	printf '0x%s\n' "$_fs_v" >"$_fs_dir/vendor"
	printf '0x%s\n' "$_fs_d" >"$_fs_dir/device"
	printf '0x%s\n' "$_fs_sv" >"$_fs_dir/subsystem_vendor"
	printf '0x%s\n' "$_fs_sd" >"$_fs_dir/subsystem_device"
	printf '0x%s\n' "$_fs_c" >"$_fs_dir/class"
	echo 0x00 >"$_fs_dir/revision"
	echo '(null)' >"$_fs_dir/driver_override"
	echo 1 >"$_fs_dir/enable"
	echo 16 >"$_fs_dir/irq"
	[ -n "$_fs_vga" ] && echo "$_fs_vga" >"$_fs_dir/boot_vga"
	ln -s "${_fs_up}bus/pci" "$_fs_dir/subsystem"
	ln -s "../../../${_fs_rel}" "$_fs_root/sys/bus/pci/devices/$_fs_addr"

	_fs_V=$(printf '%s' "$_fs_v" | tr a-f A-F)
	_fs_D=$(printf '%s' "$_fs_d" | tr a-f A-F)
	_fs_SV=$(printf '%s' "$_fs_sv" | tr a-f A-F)
	_fs_SD=$(printf '%s' "$_fs_sd" | tr a-f A-F)
	_fs_C=$(printf '%X' "0x$_fs_c")
	{
		[ "$_fs_drv" != - ] && echo "DRIVER=$_fs_drv"
		echo "PCI_CLASS=$_fs_C"
		echo "PCI_ID=$_fs_V:$_fs_D"
		echo "PCI_SUBSYS_ID=$_fs_SV:$_fs_SD"
		echo "PCI_SLOT_NAME=$_fs_addr"
		printf 'MODALIAS=pci:v0000%sd0000%ssv0000%ssd0000%sbc%ssc%si%s\n' \
			"$_fs_V" "$_fs_D" "$_fs_SV" "$_fs_SD" \
			"$(printf '%s' "$_fs_c" | cut -c1-2 | tr a-f A-F)" \
			"$(printf '%s' "$_fs_c" | cut -c3-4 | tr a-f A-F)" \
			"$(printf '%s' "$_fs_c" | cut -c5-6 | tr a-f A-F)"
	} >"$_fs_dir/uevent"

	if [ "$_fs_drv" != - ]; then
		fakesys_driver "$_fs_root" "$_fs_drv"
		ln -s "${_fs_up}bus/pci/drivers/$_fs_drv" "$_fs_dir/driver"
		ln -s "../../../../${_fs_rel}" "$_fs_root/sys/bus/pci/drivers/$_fs_drv/$_fs_addr"
	fi
	if [ "$_fs_grp" != - ]; then
		fakesys_group "$_fs_root" "$_fs_grp"
		ln -s "${_fs_up}kernel/iommu_groups/$_fs_grp" "$_fs_dir/iommu_group"
		ln -s "../../../../${_fs_rel}" "$_fs_root/sys/kernel/iommu_groups/$_fs_grp/devices/$_fs_addr"
	fi
	unset _fs_root _fs_rel _fs_v _fs_d _fs_c _fs_sv _fs_sd _fs_drv _fs_grp _fs_vga \
		_fs_addr _fs_dir _fs_up _fs_V _fs_D _fs_SV _fs_SD _fs_C
}

# fakesys_reset ROOT ADDR [METHODS]: the device can be reset: "reset", and
# "reset_method" with METHODS ("flr bus") as 5.15+ shows it, or without
# METHODS as older kernels do.  A device that cannot be reset has neither:
# the kernel hides both.
fakesys_reset() {
	: >"$1/sys/bus/pci/devices/$2/reset"
	[ -n "${3:-}" ] && echo "$3" >"$1/sys/bus/pci/devices/$2/reset_method"
	return 0
}

# fakesys_bar ROOT ADDR START END: the device's resource file, BAR 0 at
# START-END (hex, no 0x), the other six lines empty, as the kernel prints it.
fakesys_bar() {
	_fs_dir=$1/sys/bus/pci/devices/$2
	{
		printf '0x%016x 0x%016x 0x%016x\n' "0x$3" "0x$4" 0x40200
		for _fs_i in 1 2 3 4 5 6; do
			printf '0x%016x 0x%016x 0x%016x\n' 0 0 0
		done
	} >"$_fs_dir/resource"
	unset _fs_dir _fs_i
}

# fakesys_iommu ROOT: what an Intel machine with VT-d on shows outside the
# PCI tree: the ACPI DMAR table, a registered unit, remapped interrupts.
fakesys_iommu() {
	mkdir -p "$1/sys/firmware/acpi/tables" "$1/sys/devices/virtual/iommu/dmar0" "$1/sys/class/iommu"
	printf 'DMAR' >"$1/sys/firmware/acpi/tables/DMAR"
	ln -s ../../devices/virtual/iommu/dmar0 "$1/sys/class/iommu/dmar0"
	printf '%s\n' '           CPU0       CPU1' \
		' 120:          0         37  IR-PCI-MSI 327680-edge      xhci_hcd' >"$1/proc/interrupts"
}

# fakesys_module ROOT MODULE DRIVER: a loaded module and the PCI driver it
# registered (module bochs registers bochs-drm).
fakesys_module() {
	mkdir -p "$1/sys/module/$2/drivers"
	echo live >"$1/sys/module/$2/initstate"
	ln -s "../../../bus/pci/drivers/$3" "$1/sys/module/$2/drivers/pci:$3"
}
