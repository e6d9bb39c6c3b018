# shellcheck shell=bash
# The installed-system rig: a real Debian system built from Debian's
# archive with mmdebstrap (Debian's kernel, systemd, an initramfs generator,
# a boot loader), on a raw disk, that installed its own boot loader on a
# first boot and is then booted only through it, under QEMU, on the
# stand-in hardware of the boot rig.  Sourced, never run.
#
# SYSTEM_SUITE chooses the release: bookworm (Debian 12, the default) or
# trixie (Debian 13, stable since 2025-08).  SYSTEM_RELEASE names it, and
# SYSTEM_KERNEL is a regex of its kernel's release (6.1 or 6.12).
#
# SYSTEM_LOADER chooses the boot loader and the firmware:
#   grub          GRUB for BIOS (grub-pc), one MBR partition
#   systemd-boot  UEFI (QEMU's OVMF), systemd-boot with kernel-install;
#                 GPT with an ESP mounted at /boot/efi, as Debian's
#                 installer lays it out, and no /etc/kernel/cmdline; on
#                 Debian 13 with systemd-ukify too, which kernel-install
#                 uses once install.conf says layout=uki
#
# SYSTEM_GENERATOR chooses the initramfs generator it is installed with:
# dracut or initramfs-tools (Debian's default), each set to host-only
# images as many of their users run them (hostonly=yes, MODULES=dep), and
# dracut's zstd at level 3 (dracut's own choice, -15, costs 22 s an image
# under user-mode emulation; initramfs-tools' -9 is kept).
# Under software emulation a generic image takes minutes to build (nine
# for initramfs-tools' MODULES=most), and the guest builds several.
#
# The image is cached under $VFIOPT_CACHE/system/[SUITE-]GENERATOR[-LOADER]
# (the suite named when it is not bookworm), keyed
# by what went into it (this file, the first boot's steps, the packages'
# versions), and never written after: each scenario boots a qcow2 overlay
# of it.  vfiopt is not in the image; the guest installs it from the
# project's package, as a user does.
#
# What runs in the guest comes from the host on every boot: the project
# tree, shared read-only over 9p (tag testrigsrc), and the name of the stage
# to run, in QEMU's fw_cfg (opt/vfiopt/stage).  The image's one addition for
# the rig, testrig.service, mounts the tree and runs
# tests/system/guest/run.sh, which writes its report to the second serial
# port (ttyS1: nothing else writes there) and powers off.
#
# system_deb LOG               this tree's .deb, for the guest to install
# system_image                 sets SYSTEM_IMAGE (building it if needed)
# system_disk DISK             a fresh overlay of the image
# system_boot LOG DISK STAGE [DOWN WORDS]
#                              one boot through the boot loader; with
#                              WORDS, typed at its menu first; with
#                              SYSTEM_CUT set, QEMU is ended where the
#                              stage says CUT-NOW (a power cut)

SYSTEM_SUITE=${SYSTEM_SUITE:-bookworm}
# shellcheck disable=SC2034 # SYSTEM_RELEASE and SYSTEM_KERNEL are for the suites
case $SYSTEM_SUITE in
bookworm) SYSTEM_RELEASE="Debian 12" SYSTEM_KERNEL='6\.1\.' ;;
trixie) SYSTEM_RELEASE="Debian 13" SYSTEM_KERNEL='6\.12\.' ;;
*)
	echo "system: SYSTEM_SUITE is bookworm or trixie, not $SYSTEM_SUITE" >&2
	exit 2
	;;
esac
SYSTEM_GENERATOR=${SYSTEM_GENERATOR:-dracut}
case $SYSTEM_GENERATOR in
dracut | initramfs-tools) ;;
*)
	echo "system: SYSTEM_GENERATOR is dracut or initramfs-tools, not $SYSTEM_GENERATOR" >&2
	exit 2
	;;
esac
SYSTEM_LOADER=${SYSTEM_LOADER:-grub}
case $SYSTEM_LOADER in
grub) _system_loader_packages=grub-pc ;;
systemd-boot)
	_system_loader_packages="systemd-boot dosfstools"
	# Debian 13's UEFI system can make unified kernel images as well:
	# ukify, and the stub it wraps the kernel in (systemd-boot itself
	# needs only the signed boot loader's package).
	[ "$SYSTEM_SUITE" = bookworm ] ||
		_system_loader_packages="$_system_loader_packages systemd-ukify systemd-boot-efi"
	;;
*)
	echo "system: SYSTEM_LOADER is grub or systemd-boot, not $SYSTEM_LOADER" >&2
	exit 2
	;;
esac
# Debian's kernel and boot chain; make for "make install" (the benchmark);
# zstd for the compression both generators use here.
SYSTEM_PACKAGES="linux-image-amd64 systemd-sysv udev $SYSTEM_GENERATOR $_system_loader_packages kmod pciutils zstd make"
SYSTEM_UUID=5a1d0f1e-9d2b-4c8e-8f0a-7f3b6a1f0a11
SYSTEM_DISK_MB=4096
# The ESP of the UEFI system: its FAT volume id, and its size.  512 MiB,
# as Debian's installer makes it: at 256, mkfs.fat's FAT32 has fewer than
# the 65525 clusters that make a FAT32 by the specification, and OVMF's FAT
# driver, which goes by the count, finds no file on it.
SYSTEM_ESP_ID=5A1D0F1E
SYSTEM_ESP_MB=512
# OVMF as Debian packages it: the code read-only, a fresh copy of the
# variables for every boot (the firmware then boots the ESP's fallback
# loader, EFI/BOOT/BOOTX64.EFI, which bootctl installs).
SYSTEM_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
SYSTEM_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
SYSTEM_MEM=${SYSTEM_MEM:-1024}
# A boot and what its stage runs under software emulation: minutes, never
# hours.  The longest, Debian 13's UEFI stock boot with four dracut runs,
# takes ten minutes on an idle two-core machine; a busy one gets three
# times that.
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-1800}

VFIOPT_CACHE=${VFIOPT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp}/.cache}/vfiopt}
_system_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/accel.sh
. "$_system_top/tests/lib/accel.sh"
# shellcheck source=tests/lib/kernels.sh
. "$_system_top/tests/lib/kernels.sh"
# shellcheck source=tests/lib/release-root.sh
. "$_system_top/tests/lib/release-root.sh"
# shellcheck source=tests/lib/qemu.sh
. "$_system_top/tests/lib/qemu.sh"

# The rig's agent, the one file the rig adds to the system.
_system_agent_unit() {
	cat <<'EOF'
[Unit]
Description=vfiopt test rig: run this boot's stage from the host's tree
After=multi-user.target

[Service]
Type=oneshot
StandardInput=null
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS1
ExecStart=/bin/sh -c 'modprobe -q 9pnet_virtio; mkdir -p /run/testrig-src && mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144 testrigsrc /run/testrig-src && exec /bin/sh /run/testrig-src/tests/system/guest/run.sh'

[Install]
WantedBy=multi-user.target
EOF
}

# What went into the image, the key of its cache entry: the functions that
# build it, the first boot's steps, the packages and their versions.
_system_key() {
	{
		declare -f _system_agent_unit _system_configure _system_configure_grub \
			_system_disk_from _system_first_boot _system_build _system_qemu
		echo "$SYSTEM_SUITE $SYSTEM_GENERATOR $SYSTEM_LOADER $SYSTEM_PACKAGES $SYSTEM_UUID"
		echo "$SYSTEM_DISK_MB $SYSTEM_ESP_ID $SYSTEM_ESP_MB"
		cat "$_system_top/tests/system/guest/firstboot.sh"
		mmdebstrap --version
		# shellcheck disable=SC2086 # one word per package
		apt-cache policy $SYSTEM_PACKAGES | grep -E '^[^ ]|Candidate:'
	} | sha256sum | cut -c1-16
}

# GRUB and the kernel on the serial console.
_system_configure_grub() {
	local root=$1
	sed -i -e 's/^GRUB_CMDLINE_LINUX=""$/GRUB_CMDLINE_LINUX="console=ttyS0,115200"/' \
		-e 's/^#GRUB_TERMINAL=console$/GRUB_TERMINAL=serial\nGRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"/' \
		"$root/etc/default/grub" || return 1
	grep -q '^GRUB_TERMINAL=serial$' "$root/etc/default/grub" || {
		echo "system: /etc/default/grub is not what Debian ships" >&2
		return 1
	}
}

# The system as a user who runs it headless sets it up: root by UUID (and
# the ESP at /boot/efi), the boot loader and the kernel on the serial
# console, the generator making host-only images (zstd); then the rig's
# agent.  systemd-boot needs nothing here: its entries take the first
# boot's command line, which names the serial console.
_system_configure() {
	local root=$1
	echo "UUID=$SYSTEM_UUID / ext4 errors=remount-ro 0 1" >"$root/etc/fstab" || return 1
	echo debian >"$root/etc/hostname"
	case $SYSTEM_LOADER in
	grub) _system_configure_grub "$root" || return 1 ;;
	systemd-boot)
		mkdir -p "$root/boot/efi" &&
			echo "UUID=${SYSTEM_ESP_ID:0:4}-${SYSTEM_ESP_ID:4:4} /boot/efi vfat umask=0077 0 1" \
				>>"$root/etc/fstab" || return 1
		;;
	esac
	case $SYSTEM_GENERATOR in
	dracut)
		rm -f "$root/etc/dracut.conf.d/99-testrig-build.conf"
		# zstd at its own default level: dracut's "zstd" means -15 -q -T0,
		# which takes 22 s for a 34 MB host-only image under user-mode
		# emulation (1.5 s at -3), and the guest builds half a dozen.
		printf '%s\n' '# This machine: initramfs images for this host only, compressed with zstd.' \
			'hostonly="yes"' 'compress="zstd -q -3 -T0"' >"$root/etc/dracut.conf.d/10-local.conf"
		;;
	initramfs-tools)
		sed -i 's/^MODULES=most$/MODULES=dep/' "$root/etc/initramfs-tools/initramfs.conf"
		grep -q '^MODULES=dep$' "$root/etc/initramfs-tools/initramfs.conf" || {
			echo "system: initramfs.conf is not what Debian ships" >&2
			return 1
		}
		;;
	esac
	_system_agent_unit >"$root/etc/systemd/system/testrig.service"
	ln -s /etc/systemd/system/testrig.service \
		"$root/etc/systemd/system/multi-user.target.wants/testrig.service"
}

# A raw disk, filled from ROOT by mke2fs -d: no loop device, no mount.
# For GRUB, one bootable MBR partition at 1 MiB; for UEFI, GPT with an
# empty ESP at 1 MiB (mkfs.fat at its offset) and the root after it.
_system_disk_from() {
	local root=$1 disk=$2 first=1
	rm -f "$disk"
	truncate -s "${SYSTEM_DISK_MB}M" "$disk" || return 1
	case $SYSTEM_LOADER in
	grub)
		echo 'start=2048, type=83, bootable' | sfdisk -q "$disk" || return 1
		;;
	systemd-boot)
		first=$((1 + SYSTEM_ESP_MB))
		printf '%s\n' 'label: gpt' "start=2048, size=${SYSTEM_ESP_MB}MiB, type=U" \
			"start=$((first * 2048)), type=L" | sfdisk -q "$disk" || return 1
		mkfs.fat -F 32 -n ESP -i "$SYSTEM_ESP_ID" --offset=2048 "$disk" \
			"$((SYSTEM_ESP_MB * 1024))" >/dev/null || return 1
		;;
	esac
	mke2fs -q -t ext4 -L debian -U "$SYSTEM_UUID" -E "offset=$((first * 1048576))" -d "$root" \
		"$disk" "$((SYSTEM_DISK_MB - first - 1))M"
}

# The first boot, with QEMU's -kernel: the system installs its boot loader
# on its own disk as Debian's installer would (grub-install and
# update-grub; or what systemd-boot's postinst does when it finds an ESP,
# bootctl install and kernel-install add).
_system_first_boot() {
	local dir=$1 log=$1/firstboot.log step ok=yes
	_system_qemu "$log" "$dir/disk.img" raw firstboot \
		-kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" \
		-append "root=UUID=$SYSTEM_UUID ro console=ttyS0,115200"
	tr -d '\r' <"$log" >"$log.txt"
	rm -f "$log.vars"
	for step in $([ "$SYSTEM_LOADER" = grub ] && echo grub-install update-grub ||
		echo bootctl kernel-install); do
		grep -q "^FIRSTBOOT $step 0\$" "$log.txt" || ok=no
	done
	if [ "$ok" != yes ]; then
		echo "system: the first boot did not install $SYSTEM_LOADER:" >&2
		system_kernel_fault "$log.console" >&2
		cat "$log.txt" >&2
		tail -n 20 "$log.console" | tr -d '\r' >&2
		cat "$log.qemu" >&2
		return 1
	fi
}

_system_build() {
	local dir=$1 root=$1/rootfs hook=()
	# The first initramfs is built in a chroot: host-only there would
	# describe the build machine.  Generic for it, then the system's own.
	# (initramfs-tools' MODULES=most, as Debian ships it, is generic.)
	# shellcheck disable=SC2016 # $1 is mmdebstrap's, in the hook's shell
	[ "$SYSTEM_GENERATOR" = dracut ] &&
		hook=(--essential-hook='mkdir -p "$1/etc/dracut.conf.d" && echo hostonly=no >"$1/etc/dracut.conf.d/99-testrig-build.conf"')
	mmdebstrap --variant=minbase --include="${SYSTEM_PACKAGES// /,}" "${hook[@]}" \
		"$SYSTEM_SUITE" "$root" >"$dir/mmdebstrap.log" 2>&1 || {
		echo "system: mmdebstrap failed:" >&2
		tail -n 20 "$dir/mmdebstrap.log" >&2
		return 1
	}
	_system_configure "$root" || return 1
	cp "$root"/boot/vmlinuz-* "$dir/vmlinuz" && cp "$root"/boot/initrd.img-* "$dir/initrd.img" ||
		return 1
	_system_disk_from "$root" "$dir/disk.img" || return 1
	rm -rf "$root"
	_system_first_boot "$dir"
}

system_image() {
	local key cache dir tmp
	# mmdebstrap's root mode, and files owned by root in the image.
	if [ "$(id -u)" != 0 ]; then
		echo "system: building the installed system needs root" >&2
		return 1
	fi
	for tool in mmdebstrap sfdisk mke2fs mkfs.fat qemu-img; do
		command -v "$tool" >/dev/null || {
			echo "system: $tool is missing (tests/deps.sh installs it)" >&2
			return 1
		}
	done
	# Debian 13's QEMU (tests/lib/qemu.sh), in QEMU_RIG: the image's
	# first boot runs in it already.
	qemu_rig || return 1
	key=$(_system_key)
	cache=$VFIOPT_CACHE/system/$SYSTEM_GENERATOR
	[ "$SYSTEM_SUITE" = bookworm ] || cache=$VFIOPT_CACHE/system/$SYSTEM_SUITE-$SYSTEM_GENERATOR
	[ "$SYSTEM_LOADER" = grub ] || cache=$cache-$SYSTEM_LOADER
	dir=$cache/$key
	if [ ! -f "$dir/.ready" ]; then
		mkdir -p "$cache" || return 1
		tmp=$(mktemp -d "$cache/.build.XXXXXX") || return 1
		if ! _system_build "$tmp"; then
			rm -rf "$tmp"
			return 1
		fi
		touch "$tmp/.ready"
		rm -rf "$dir"
		mv "$tmp" "$dir" || return 1
		# Some 1.5 GB each: keep the newest of each generator only, and
		# another run's build under way (a build left by a killed run
		# goes after two hours).  Images of the old layout go too.
		find "$VFIOPT_CACHE/system" -mindepth 1 -maxdepth 1 -regextype posix-extended \
			-regex '.*/[0-9a-f]{16}' -exec rm -rf {} +
		find "$cache" -mindepth 1 -maxdepth 1 ! -name "$key" \
			\( ! -name '.build.*' -o -mmin +120 \) -exec rm -rf {} +
	fi
	SYSTEM_DIR=$dir
	SYSTEM_IMAGE=$dir/disk.img
	_system_accel
}

# KVM only when a quick boot shows it works (tests/lib/accel.sh).
_system_accel() {
	[ -n "${SYSTEM_ACCEL:-}" ] && return
	SYSTEM_ACCEL=$(accel_probe "$SYSTEM_DIR/vmlinuz")
}

# system_deb LOG: build/deb/vfiopt_*.deb, which the guest installs as a
# user does (it has no compiler); made again (make deb, its output in LOG)
# when a tracked file is newer than it.
system_deb() {
	local deb
	deb=$(find "$_system_top/build/deb" -maxdepth 1 -name 'vfiopt_*.deb' 2>/dev/null | head -n 1)
	# shellcheck disable=SC2016 # $@ and $0 are the inner shell's
	if [ -n "$deb" ] && [ -z "$(cd "$_system_top" && git ls-files -z 2>/dev/null |
		xargs -0 sh -c 'find "$@" -prune -newer "$0" -print' "$deb" | head -n 1)" ]; then
		return 0
	fi
	make -s -C "$_system_top" deb >"$1" 2>&1
}

# system_disk DISK: a copy-on-write overlay of the cached image.
system_disk() {
	rm -f "$1"
	qemu-img create -q -f qcow2 -F raw -b "$SYSTEM_IMAGE" "$1"
}

# _system_qemu LOG DISK FORMAT STAGE [QEMU ARGS...]: the stand-in machine
# of the boot rig (QEMU's VGA and an HDA controller with its codec in slot
# 6, two identical e1000 at 7 and 8, an e1000e behind a PCIe root port), a
# q35 with Intel's IOMMU.  The console (ttyS0) goes through FIFOs at
# LOG.serial.{in,out}, read into LOG.console; the report (ttyS1) into LOG.
_system_qemu() {
	local log=$1 disk=$2 format=$3 stage=$4 fifo=$1.serial cpu=max keep firmware=() net=()
	shift 4
	# The network, for a boot that asks for it (SYSTEM_NET=user): a virtio
	# NIC in slot 9 on QEMU's user network, which reaches what the host
	# reaches.  No other boot has a network.
	[ "${SYSTEM_NET:-}" = user ] &&
		net=(-netdev "user,id=net" -device "virtio-net-pci,netdev=net,mac=52:54:00:76:66:01,bus=pcie.0,addr=0x9")
	# UEFI: OVMF's code, and a fresh copy of its variables for each boot.
	if [ "$SYSTEM_LOADER" = systemd-boot ]; then
		cp "$SYSTEM_OVMF_VARS" "$log.vars" || return 1
		firmware=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$(_system_opt "$SYSTEM_OVMF_CODE")"
			-drive "if=pflash,format=raw,unit=1,file=$(_system_opt "$log.vars")")
	fi
	[ "${SYSTEM_ACCEL:-tcg}" = kvm ] && cpu=host
	rm -f "$log" "$log.console" "$fifo.in" "$fifo.out"
	mkfifo "$fifo.in" "$fifo.out" || return 1
	# Both ends held open here (O_RDWR never blocks on a FIFO): the reader
	# starts at once and ends when this side closes, whether QEMU opened
	# the console or not; keys written never block, whether QEMU still
	# reads or not.
	exec {keep}<>"$fifo.out" {SYSTEM_KEYS}<>"$fifo.in"
	# Neither child inherits them: the reader's EOF waits for every writer.
	cat "$fifo.out" >"$log.console" {keep}>&- {SYSTEM_KEYS}>&- &
	SYSTEM_READER=$!
	timeout "$SYSTEM_TIMEOUT" "${QEMU_RIG[@]}" \
		-machine q35,kernel-irqchip=split -accel "$(accel_option "${SYSTEM_ACCEL:-tcg}")" -cpu "$cpu" -smp 2 \
		-m "$SYSTEM_MEM" -device intel-iommu,intremap=on -nodefaults -display none -no-reboot \
		-serial "pipe:$(_system_opt "$fifo")" -serial "file:$(_system_opt "$log")" \
		-fw_cfg "name=opt/vfiopt/stage,string=$stage" \
		-drive "file=$(_system_opt "$disk"),format=$format,if=none,id=sys,cache=unsafe" \
		-device virtio-blk-pci,drive=sys,bus=pcie.0,addr=0x2 \
		-fsdev "local,id=src,path=$(_system_opt "$_system_top"),security_model=none,readonly=on" \
		-device virtio-9p-pci,fsdev=src,mount_tag=testrigsrc,bus=pcie.0,addr=0x3 \
		-device VGA,bus=pcie.0,addr=0x6.0,multifunction=on \
		-device ich9-intel-hda,bus=pcie.0,addr=0x6.1 \
		-audiodev none,id=snd -device hda-duplex,audiodev=snd \
		-device e1000,bus=pcie.0,addr=0x7 -device e1000,bus=pcie.0,addr=0x8 \
		-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x1c,chassis=1 -device e1000e,bus=rp1 \
		"${firmware[@]}" "${net[@]}" "$@" >"$log.qemu" 2>&1 {keep}>&- {SYSTEM_KEYS}>&- &
	SYSTEM_QEMU=$!
	if [ -n "${SYSTEM_MENU_WORDS:-}" ]; then
		if [ "$SYSTEM_LOADER" = systemd-boot ]; then
			_system_sdboot_edit "$log.console" "$SYSTEM_MENU_WORDS"
		else
			_system_grub_edit "$log.console" "$SYSTEM_MENU_DOWN" "$SYSTEM_MENU_WORDS"
		fi || echo "MENU-EDIT-FAILED" >>"$log.qemu"
	fi
	# The power cut a stage asks for (its "CUT-NOW" on the report's
	# port): QEMU ends there (SIGTERM, which timeout passes on), and what
	# the guest had not yet written to its disk, its page cache, is lost.
	if [ -n "${SYSTEM_CUT:-}" ] && _system_wait_for "$log" "CUT-NOW" "$SYSTEM_TIMEOUT"; then
		kill -TERM "$SYSTEM_QEMU" 2>/dev/null
	fi
	wait "$SYSTEM_QEMU"
	exec {keep}>&- {SYSTEM_KEYS}>&-
	wait "$SYSTEM_READER"
	rm -f "$fifo.in" "$fifo.out"
	grep -q '^VFIOPT-REPORT-END' "$log"
}

# system_kernel_fault CONSOLE: the guest kernel's own word that it failed
# (an oops, a BUG, a panic), said first: a boot that never reported is
# then not mistaken for vfiopt's fault or a slow machine's.
system_kernel_fault() {
	grep -a -m 3 -E 'Oops: |BUG: |kernel BUG at|Kernel panic - not syncing|RIP: ' "$1" 2>/dev/null |
		tr -d '\r' | sed 's/^/the guest kernel failed: /'
}

# A value inside a QEMU option: commas doubled.
_system_opt() {
	printf '%s' "${1//,/,,}"
}

# _system_wait_for FILE STRING SECONDS
_system_wait_for() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$SYSTEM_QEMU" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# What a user does at GRUB's menu over the serial console: 'e' on the
# default entry, Ctrl-N DOWN times to its linux line, Ctrl-E to the end of
# it, the words, Ctrl-X to boot.
_system_grub_edit() {
	local console=$1 down=$2 words=$3 i
	_system_wait_for "$console" "Press enter to boot the selected OS" 300 || return 1
	printf e >&"$SYSTEM_KEYS"
	_system_wait_for "$console" "Minimum Emacs-like screen editing is supported" 30 || return 1
	for ((i = 0; i < down; i++)); do
		printf '\016' >&"$SYSTEM_KEYS"
	done
	printf '\005 %s\030' "$words" >&"$SYSTEM_KEYS"
}

# The same at systemd-boot's menu, which shows while loader.conf's timeout
# runs ("Boot in N s."): 'e' on the default entry opens its options in
# the line editor with the cursor at their start, where the words and a
# space go; Enter boots.  (Its Ctrl-E wants the control key's shift
# state, which OVMF's serial terminal does not report: systemd-boot 252
# took the 0x05 for nothing.)
_system_sdboot_edit() {
	local console=$1 words=$2
	_system_wait_for "$console" "Boot in " 300 || return 1
	printf e >&"$SYSTEM_KEYS"
	sleep 2
	printf '%s \r' "$words" >&"$SYSTEM_KEYS"
}

# system_boot LOG DISK STAGE [DOWN WORDS]: boot the disk through its boot
# loader and run STAGE of tests/system/guest/stages.sh; 0 when its report
# ended.  With WORDS, type them at the menu: on GRUB's, at the end of the
# linux line DOWN lines into the entry; on systemd-boot's, at the start of
# the entry's options (DOWN is not used).
system_boot() {
	SYSTEM_MENU_DOWN=${4:-} SYSTEM_MENU_WORDS=${5:-} _system_qemu "$1" "$2" qcow2 "$3"
}
