# shellcheck shell=dash
# The stages of the installed-system test, one per boot, each run inside
# the guest by run.sh and reported line by line for the host to assert on:
#
#   DEV ADDR VVVV:DDDD CLASS driver=D override=O group=G   every PCI device
#   OUT LABEL: LINE / RC LABEL STATUS                        a command's output
#   SUM TAG HASH PATH, LNK TAG PATH -> TARGET, DIR TAG PATH  /etc and /boot
#   KLOG LINE                                                kernel log lines
#   GRUB LINE, GRUBEDIT N                                    grub.cfg
#   INITRD TAG PATH, INITRD-KO TAG N                         the image, filtered
#   ORDER TAG SCRIPT                                         init-top's order
#   LOADER NAME, ENTRY TAG FILE OPTIONS, KCMDLINE TAG LINE   systemd-boot
#   EINITRD TAG VERSION/FILE yes|no                          an entry's initrds
#   UKI TAG FILE                                             unified kernel images
#   IOMEM LINE                                               firmware framebuffers
#   UNAME RELEASE                                            the running kernel
#
# The user's path through GRUB: stock -> (setup --ids) claimed ->
# (release; setup --addrs) addrs -> [on Debian 13: (a newer kernel
# installed) upgraded ->] (vfiopt.disable=1 typed at GRUB's menu) rescue
# -> (setup --undo) undone.  With initramfs-tools the power is cut twice:
# in setup --addrs's update-grub (then after_grub_cut) and in the undo's
# update-initramfs (then after_cut).  Through systemd-boot (the uefi_
# stages): stock -> (setup --ids) claimed -> (vfiopt.disable=1 typed at
# its menu) rescue -> (setup --undo) undone -> (layout=uki, setup --ids)
# uki -> (setup --undo) uki_undone; with dracut the power is cut in the
# first setup's dracut (then uefi_after_cut runs it again).
# Sourced by run.sh.

SRC=/run/testrig-src
OUT=/run/testrig.out
export DEBIAN_FRONTEND=noninteractive

# run_streamed LABEL COMMAND...: the same, each line reported as it comes,
# for a command that a power cut ends: what it said until then.
run_streamed() {
	_label=$1
	shift
	{
		"$@" 2>&1
		echo "RC $_label $?" >"$OUT.rc"
	} | sed -u "s/^/OUT $_label: /"
	cat "$OUT.rc"
}

# run LABEL COMMAND...: its output and status, whatever they are.
# The seconds it took follow the status, for whoever wonders where the time went.
run() {
	_label=$1
	shift
	_start=$(cut -d. -f1 /proc/uptime)
	"$@" >"$OUT" 2>&1
	_rc=$?
	sed "s/^/OUT $_label: /" "$OUT"
	echo "RC $_label $_rc $(($(cut -d. -f1 /proc/uptime) - _start))"
}

# Every PCI device with its driver, override and group, as the boot rig
# reports them.
devs() { # [TAG]
	udevadm settle --timeout=60
	for dev in /sys/bus/pci/devices/*; do
		driver=-
		[ -L "$dev/driver" ] && driver=$(basename "$(readlink "$dev/driver")")
		group=-
		[ -L "$dev/iommu_group" ] && group=$(basename "$(readlink "$dev/iommu_group")")
		read -r vendor <"$dev/vendor"
		read -r device <"$dev/device"
		read -r class <"$dev/class"
		read -r override <"$dev/driver_override"
		echo "${1:-DEV} ${dev##*/} ${vendor#0x}:${device#0x} ${class#0x} driver=$driver override=$override group=$group"
	done
}

# /etc and /boot, whole: files by content, links by target, directories.
sums() { # TAG
	find /etc /boot -xdev -type f -print0 | sort -z | xargs -0 sha256sum | sed "s/^/SUM $1 /"
	find /etc /boot -xdev -type l -printf "LNK $1 %p -> %l\n" | sort
	find /etc /boot -xdev -type d -printf "DIR $1 %p\n" | sort
}

# The kernel's words about vfiopt and the stand-in GPU and its audio, and
# the sound cards: snd_hda_intel makes one for each controller it drives.
klog() {
	dmesg | grep -E 'vfiopt|bochs|snd_hda|hdaudio|0000:00:06\.|efifb|EFI VGA' |
		sed 's/^\[[ 0-9.]*\] //; s/^/KLOG /'
	for card in /sys/class/sound/card*; do
		[ -e "$card" ] && echo "SOUND ${card##*/} $(basename "$(readlink -f "$card/device")")"
	done
}

# The linux lines of grub.cfg, and how many lines of the default entry come
# before its linux line: the Ctrl-N presses that reach it in GRUB's editor.
grubcfg() {
	sed -n 's/^[[:space:]]*linux[[:space:]]/GRUB linux /p' /boot/grub/grub.cfg
	echo "GRUB-VFIOPT $(grep -c vfiopt /boot/grub/grub.cfg)"
	awk '/^menuentry / { inside = 1; n = 0; next }
		inside && /^[[:space:]]*linux[[:space:]]/ { print "GRUBEDIT " n; exit }
		inside { n++ }' /boot/grub/grub.cfg
}

# What an initramfs (the running kernel's unless named) holds of vfiopt
# and vfio, and how many kernel modules: a host-only image holds far fewer
# than a generic one.  Listed by the system's own generator's tool.
initrd() { # TAG [IMAGE]
	_image=${2:-/boot/initrd.img-$(uname -r)}
	if command -v lsinitrd >/dev/null; then
		lsinitrd "$_image"
	else
		lsinitramfs "$_image"
	fi >"$OUT" 2>&1
	echo "RC list-initrd-$1 $?"
	grep -oE '[^ ]*(vfiopt|vfio)[^ ]*$' "$OUT" | sed "s/^/INITRD $1 /"
	echo "INITRD-KO $1 $(grep -cE '\.ko(\.[a-z]+)?$' "$OUT")"
}

# initramfs-tools: the order its init runs the init-top scripts in, as
# mkinitramfs wrote it into the image.
init_top_order() { # TAG [IMAGE]
	rm -rf /run/unpacked
	unmkinitramfs "${2:-/boot/initrd.img-$(uname -r)}" /run/unpacked &&
		sed -n 's|^/scripts/init-top/\([^ ]*\) .*|ORDER '"$1"' \1|p' \
			"$(find /run/unpacked -path '*/scripts/init-top/ORDER' | head -n 1)"
	rm -rf /run/unpacked
}

# The boot loader that started this boot, from its EFI variable (UTF-16
# after four bytes of attributes; read in order, as efivarfs does not
# seek), and the framebuffers registered now.
loader() {
	echo "LOADER $(dd if=/sys/firmware/efi/efivars/LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f \
		bs=4 skip=1 2>/dev/null | tr -d '\000')"
	sed 's/^/FB /' /proc/fb
}

# The options of each entry kernel-install wrote, and /etc/kernel/cmdline.
entries() { # TAG
	for _entry in /boot/efi/loader/entries/*.conf; do
		[ -f "$_entry" ] && sed -n "s|^options[[:space:]]*|ENTRY $1 ${_entry##*/} |p" "$_entry"
	done
	[ -f /etc/kernel/cmdline ] && echo "KCMDLINE $1 $(cat /etc/kernel/cmdline)"
}

# Each initrd that an entry kernel-install wrote loads (its "initrd"
# lines, paths on the ESP), and whether it holds the helper: with dracut
# and Debian's own kernel-install run, the "initrd" 50-dracut.install
# built and the initrd.img-VERSION 55-initrd.install added.  lsinitrd is
# asked for the helper alone, the start of an ELF file when it is there:
# its whole listing unpacks the image up to eleven times over, minutes under
# emulation for the images of a boot.
entry_initrds() { # TAG
	sed -n 's/^initrd[[:space:]]\{1,\}//p' /boot/efi/loader/entries/*.conf 2>/dev/null |
		while read -r _image; do
			_has=no
			if command -v lsinitrd >/dev/null; then
				lsinitrd "/boot/efi$_image" usr/sbin/vfiopt-claim 2>/dev/null |
					head -c 4 | grep -q ELF && _has=yes
			else
				lsinitramfs "/boot/efi$_image" 2>/dev/null |
					grep -q 'usr/sbin/vfiopt-claim$' && _has=yes
			fi
			echo "EINITRD $1 ${_image#/*/} $_has"
		done
}

# Whatever holds a firmware framebuffer now.
iomem() {
	grep -E 'BOOTFB|efifb|vesafb|simplefb|simpledrm' /proc/iomem | sed 's/^ */IOMEM /'
}

record() {
	[ -f /run/vfiopt/claimed ] && sed 's/^/RECORD /' /run/vfiopt/claimed
}

basics() {
	# printf: systemd-boot's initrd= has backslashes, which dash's echo eats.
	printf 'CMDLINE %s\n' "$(cat /proc/cmdline)"
	devs
	klog
	record
}

# The .deb that the host's make deb built, in the shared tree.
deb() {
	ls "$SRC"/build/deb/vfiopt_*.deb
}

# A fresh Debian system: vfiopt installed from its package with apt, as a
# user installs it, then set up.
stage_stock() {
	sums preinstall
	# The image the system was installed with, generic: setup's host-only
	# one must hold far fewer modules.
	initrd stock
	run install apt-get install -y "$(deb)"
	# The package again, nothing set up: its postinst must not trigger.
	run reinstall apt-get install --reinstall -y "$(deb)"
	basics
	run check vfiopt check
	sums before
	# Refused: a selection that matches nothing here, a system without
	# an initramfs generator (/usr/bin and /usr/sbin hidden under tmpfs in
	# a mount namespace of its own, so that the system itself is not
	# changed; vfiopt runs from a copy in /var/tmp, as /run is noexec),
	# and a read-only /etc (bound read-only over itself in a namespace of
	# its own, as an image-based system mounts it).  None may write a file.
	run nomatch vfiopt setup --ids 10de:9999
	cp /usr/sbin/vfiopt /var/tmp/refused-helper
	run nogenerator unshare -m /bin/sh -c 'mount -t tmpfs none /usr/sbin &&
		mount -t tmpfs none /usr/bin && exec /var/tmp/refused-helper setup --ids 1234:1111'
	rm -f /var/tmp/refused-helper
	run etc-readonly unshare -m /bin/sh -c 'mount --bind /etc /etc &&
		mount -o remount,bind,ro /etc && exec vfiopt setup --ids 1234:1111 --apply'
	sums refused
	command -v mkinitramfs >/dev/null && faults
	setup_ids
}

# setup --ids 1234:1111 --apply, and what it left; setup again, which
# changes nothing; the package again, which now has the generator run.
setup_ids() {
	run setup vfiopt setup --ids 1234:1111 --apply
	grubcfg
	initrd setup
	command -v mkinitramfs >/dev/null && init_top_order setup
	# Host-only: what this host has loaded, and vfio-pci although it has not.
	grep -qE '^vfio_pci ' /proc/modules && echo "HOST-MODULE vfio_pci"
	run check-after vfiopt check
	sums setup
	run setup-again vfiopt setup --ids 1234:1111
	sums again
	# And with setup in place: now it must, as an upgrade's does.
	run reinstall-setup apt-get install --reinstall -y "$(deb)"
}

# setup --apply where the generator fails (initramfs-tools), before the
# setup that succeeds: someone else's hook that exits non-zero, then a
# /boot with no room left: fallocate takes all but 32 MiB of its free
# blocks (ext4 keeps some 16 MiB of them back from every writer, root
# too: statfs's f_bfree counts them), then dd writes zeros until the file
# system refuses.  Then setup --undo without --apply:
# /etc and /boot as the refused setups left them, if the failures wrote
# no image and no grub.cfg.
faults() {
	cat >/etc/initramfs-tools/hooks/zz-someone-else <<'EOF'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
echo "zz-someone-else: this hook fails" >&2
exit 1
EOF
	chmod 0755 /etc/initramfs-tools/hooks/zz-someone-else
	run hook-fails vfiopt setup --ids 1234:1111 --apply
	rm -f /etc/initramfs-tools/hooks/zz-someone-else
	run check-hook-fails vfiopt check
	sums hook-fails
	_blocks=$(stat -f -c '%f %S' /boot)
	fallocate -l $(((${_blocks% *} - 8192) * ${_blocks#* })) /boot/testrig-filler
	dd if=/dev/zero of=/boot/testrig-filler-rest bs=64k 2>/dev/null
	echo "FILLED $(stat -f -c '%f' /boot) blocks free"
	run boot-full vfiopt setup --ids 1234:1111 --apply
	rm -f /boot/testrig-filler /boot/testrig-filler-rest
	sums boot-full
	run undo-faults vfiopt setup --undo
	sums faults-undone
}

# initramfs-tools: the power is cut while mkinitramfs runs, by a hook of
# the rig's, the last of its hooks (its image is half made), which says
# CUT-NOW on the report's port and waits for the host to end QEMU.
cut_in_mkinitramfs() {
	cat >/etc/initramfs-tools/hooks/zz-testrig-cut <<'EOF'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
echo "CUT-NOW while mkinitramfs builds for $version" >/dev/ttyS1
sleep 600
EOF
	chmod 0755 /etc/initramfs-tools/hooks/zz-testrig-cut
	sync
}

# The first boot through GRUB with the selection on its command line.
stage_claimed() {
	basics
	run status vfiopt status
	echo "LIST-BEGIN"
	vfiopt list --json
	echo "LIST-END $?"
	run check vfiopt check
	run release vfiopt release 0000:00:06.0
	devs RELEASED
	for node in /dev/dri/card*; do
		[ -e "$node" ] && echo "DRI $node"
	done
	run status-after vfiopt status
	run release-unclaimed vfiopt release 0000:00:07.0
	if command -v mkinitramfs >/dev/null; then
		cut_in_update_grub
		run_streamed setup-addrs vfiopt setup --addrs 0000:00:08.0 --apply
	else
		run setup-addrs vfiopt setup --addrs 0000:00:08.0 --apply
	fi
	grubcfg
}

# With initramfs-tools, the power is cut while that setup's update-grub
# writes grub.cfg: a script of the rig's in /etc/grub.d, after 10_linux
# (grub.cfg.new has the linux lines of the new selection by then), says
# CUT-NOW on the report's port and waits for the host to end QEMU.
# update-initramfs has finished before it.
cut_in_update_grub() {
	cat >/etc/grub.d/11_testrig_cut <<'EOF'
#!/bin/sh
echo "CUT-NOW while update-grub writes grub.cfg.new" >/dev/ttyS1
sleep 600
EOF
	chmod 0755 /etc/grub.d/11_testrig_cut
	sync
}

# The boot after that cut, through GRUB's default entry: the rig's script
# goes first; then what status and check say of this boot and the next,
# and the same setup again, which finishes the job.
stage_after_grub_cut() {
	rm -f /etc/grub.d/11_testrig_cut
	basics
	grubcfg
	[ -e /boot/grub/grub.cfg.new ] && echo "GRUB-NEW-LEFT"
	run status vfiopt status
	run check vfiopt check
	run setup-addrs vfiopt setup --addrs 0000:00:08.0 --apply
	grubcfg
	[ -e /boot/grub/grub.cfg.new ] && echo "GRUB-NEW-AFTER"
	run check-after vfiopt check
}

# One of two identical NICs, by address.
stage_addrs() {
	basics
	grubcfg
}

# The same; then a newer kernel arrives, as from trixie-backports, its
# packages in the host's build/upgrade: their hooks build its initramfs
# (with the setup in place) and run update-grub, whose first entry is now
# the new kernel.
stage_addrs_upgrade() {
	stage_addrs
	run kernel-upgrade apt-get install -y --no-install-recommends "$SRC"/build/upgrade/*.deb
	grubcfg
}

# Booted into the newer kernel (7.x): its initramfs has the claim, and
# release gives the NIC back to e1000 on it.
stage_upgraded() {
	basics
	echo "UNAME $(uname -r)"
	grubcfg
	initrd upgraded
	run release vfiopt release 0000:00:08.0
	devs RELEASED
	run status-after vfiopt status
}

# vfiopt.disable=1 typed at GRUB's menu; then the setup is undone.  With
# initramfs-tools, the power is cut while the undo's generator runs: a
# hook of the rig's, written to disk first, says CUT-NOW on the report's
# port and waits for the host to end QEMU (tests/lib/system.sh).  setup
# has removed its snippet by then; grub.cfg and the images are the old
# ones.
stage_rescue() {
	basics
	if command -v mkinitramfs >/dev/null; then
		cut_in_mkinitramfs
		run_streamed undo vfiopt setup --undo --apply
	else
		run undo vfiopt setup --undo --apply
	fi
	grubcfg
}

# The boot after that cut, through GRUB's default entry: the rig's hook
# goes first; then what status and check say of this boot and the next,
# and the same undo again, which finishes the job.
stage_after_cut() {
	rm -f /etc/initramfs-tools/hooks/zz-testrig-cut
	basics
	grubcfg
	find /boot -maxdepth 1 -name 'initrd.img-*.new' | sed 's/^/INITRD-NEW-LEFT /'
	run status vfiopt status
	run check vfiopt check
	run undo-again vfiopt setup --undo --apply
	echo "GRUB-VFIOPT-AFTER $(grep -c vfiopt /boot/grub/grub.cfg)"
}

# After the undo: the host drivers again, and /etc and /boot as before.
# Then the package goes, purged, with a setup in place that update-grub put
# into grub.cfg: the purge takes setup's files and that too.
stage_undone() {
	basics
	grubcfg
	initrd undone
	run check vfiopt check
	sums undone
	run setup-again vfiopt setup --ids 1234:1111
	run update-grub update-grub
	echo "GRUB-VFIOPT-BEFORE-PURGE $(grep -c vfiopt /boot/grub/grub.cfg)"
	run purge apt-get remove --purge -y vfiopt
	echo "DPKG $(dpkg-query -W -f '${Status}' vfiopt 2>&1)"
	# mkinitramfs works in a directory of its own under /var/tmp and
	# removes it when it exits; the power cut in the undo's mkinitramfs
	# (with initramfs-tools) ended one before it could (and
	# systemd-tmpfiles ages /var/tmp out after 30 days).  Its copy of
	# vfiopt's hook is initramfs-tools' scratch, not a file of vfiopt's:
	# said apart, as SCRATCH, from what would be.
	find / -xdev -name '*vfiopt*' -print |
		sed -e 's|^/var/tmp/mkinitramfs_[A-Za-z0-9]*/|SCRATCH &|' -e t -e 's/^/LEFT /'
	grubcfg
	initrd purged
	sums purged
}

# make bench: the same system with and without the early claim (both
# images host-only, made by the system's own dracut), then booted in turn.
stage_bench_with() {
	run install apt-get install -y "$(deb)"
	run setup vfiopt setup --ids 1234:1111 --apply
}

stage_bench_without() {
	run dracut dracut --regenerate-all --force
}

# The initrd phase as systemd measured it (systemd-analyze's "initrd"),
# and the image's size.
stage_bench_measure() {
	systemctl show -p InitRDTimestampMonotonic -p UserspaceTimestampMonotonic |
		sed 's/^/BENCH /'
	echo "BENCH InitrdBytes=$(stat -c %s "/boot/initrd.img-$(uname -r)")"
	devs
}

# The UEFI system booted by systemd-boot: vfiopt installed, checked, set
# up; /etc/kernel/cmdline does not exist yet, as on a fresh Debian install.
stage_uefi_stock() {
	sums preinstall
	run install apt-get install -y "$(deb)"
	basics
	loader
	entries stock
	run check vfiopt check
	sums before
	if command -v dracut >/dev/null; then
		# The power cut while setup's dracut runs; the boot after it
		# (stage_uefi_after_cut) runs the rest.
		cut_in_dracut
		run_streamed setup vfiopt setup --ids 1234:1111 --apply
		return
	fi
	uefi_setup_ids
}

# setup --ids 1234:1111 --apply through kernel-install, and what it left.
uefi_setup_ids() {
	run setup vfiopt setup --ids 1234:1111 --apply
	entries setup
	initrd setup
	entry_initrds setup
	command -v mkinitramfs >/dev/null && init_top_order setup
	run check-after vfiopt check
	sums setup
}

# dracut: the power is cut while it builds an image, by a module of the
# rig's that dracut is told to add, which says CUT-NOW on the report's
# port and waits for the host to end QEMU.  Its install() runs first of
# all (dracut installs its modules in the order of their folders' names,
# with LC_ALL=C: 00aatestrigcut before 00bash), as the image has been
# begun in dracut's temporary folder: what the cut
# leaves on disk is the same at any point until dracut writes the image,
# and the minutes the other modules would take under emulation are saved.
# setup has written /etc/kernel/cmdline and its record by then;
# kernel-install has not run.
cut_in_dracut() {
	mkdir -p /usr/lib/dracut/modules.d/00aatestrigcut
	cat >/usr/lib/dracut/modules.d/00aatestrigcut/module-setup.sh <<'EOF'
#!/bin/bash
check() { return 0; }
depends() { return 0; }
install() {
	echo "CUT-NOW while dracut builds an image" >/dev/ttyS1
	sleep 600
}
EOF
	echo 'add_dracutmodules+=" aatestrigcut "' >/etc/dracut.conf.d/99-testrig-cut.conf
	sync
}

# The boot after that cut, through systemd-boot's default entry: the
# rig's module goes first; then what status and check say of this boot
# and the next, and the same setup again, which finishes the job.
stage_uefi_after_cut() {
	rm -rf /usr/lib/dracut/modules.d/00aatestrigcut /etc/dracut.conf.d/99-testrig-cut.conf
	basics
	loader
	entries cut
	find /boot -xdev -name '*.vfiopt-new' | sed 's/^/VFIOPT-NEW-LEFT /'
	run status-cut vfiopt status
	run check-cut vfiopt check
	uefi_setup_ids
}

# Claimed, through systemd-boot's entry.  Then the menu is given a
# timeout, as a user who wants to see it sets one (loader.conf(5); the
# file bootctl install writes leaves it out, and the menu hidden), for
# the next boot's rescue.
stage_uefi_claimed() {
	basics
	loader
	iomem
	run status vfiopt status
	run check vfiopt check
	sed -i '/^[[:space:]]*timeout[[:space:]]/d' /boot/efi/loader/loader.conf &&
		echo 'timeout 10' >>/boot/efi/loader/loader.conf
	_rc=$?
	echo "LOADERCONF-RC $_rc"
}

# vfiopt.disable=1 typed at systemd-boot's menu; then the setup is undone.
stage_uefi_rescue() {
	basics
	loader
	run undo vfiopt setup --undo --apply
	entries undo
	entry_initrds undo
}

stage_uefi_undone() {
	basics
	loader
	entries undone
	initrd undone
	run check vfiopt check
	sums undone
	# Where Debian 13's systemd-ukify is installed, the same boot goes on
	# to unified kernel images.
	command -v ukify >/dev/null && stage_uefi_to_uki
}

# The unified kernel images of Debian 13 (systemd-ukify), for the UKI stages.
ukis() { # TAG
	for _uki in /boot/efi/EFI/Linux/*.efi; do
		[ -f "$_uki" ] && echo "UKI $1 ${_uki##*/}"
	done
}

# The same system, undone, then turned to unified kernel images as a user
# does it: layout=uki in /etc/kernel/install.conf, the kernel's type #1
# entry removed and the kernel added again with its initrd, as Debian's
# /etc/initramfs/post-update.d/systemd-boot adds it: 60-ukify.install
# builds the image from /boot/initrd.img-VERSION (the undo's), with the
# command line of /etc/kernel/cmdline built in.  (Without the initrd,
# 50-dracut.install would build one more, minutes under emulation.)
# Then set up again.
stage_uefi_to_uki() {
	_kver=$(uname -r)
	run uki-remove kernel-install remove "$_kver"
	echo layout=uki >/etc/kernel/install.conf
	run uki-add kernel-install add "$_kver" "/boot/vmlinuz-$_kver" "/boot/initrd.img-$_kver"
	ukis before
	entries before
	run check-before vfiopt check
	run uki-setup vfiopt setup --ids 1234:1111 --apply
	ukis setup
	run check-after vfiopt check
	run status-after vfiopt status
}

# Booted from the UKI, its command line the one built into it: the claim.
# Then undone, which rebuilds the image without the words.
stage_uefi_uki() {
	basics
	loader
	ukis claimed
	run status vfiopt status
	run check vfiopt check
	run undo vfiopt setup --undo --apply
	ukis undo
	run check-undo vfiopt check
}

stage_uefi_uki_undone() {
	basics
	loader
	run status vfiopt status
	run check vfiopt check
}

# The files of vfiopt's own that a setup leaves: what it wrote in /etc,
# and its record in /var/lib/vfiopt.  An upgrade keeps each of them.
own() { # TAG
	find /etc /var/lib/vfiopt -xdev -type f -name '*vfiopt*' -print0 2>/dev/null |
		sort -z | xargs -0 -r sha256sum | sed "s/^/OWN $1 /"
	find /var/lib/vfiopt -xdev -type f ! -name '*vfiopt*' -print0 2>/dev/null |
		sort -z | xargs -0 -r sha256sum | sed "s/^/OWN $1 /"
}

# The user's path through a release upgrade (tests/system/release-upgrade.sh),
# on Debian 12 with GRUB: (vfiopt 0.2 installed and set up) old_setup ->
# (claimed by 0.2; the package upgraded to this tree's) package_upgrade ->
# (claimed by it; Debian 13's sources, apt upgrade, apt full-upgrade)
# release_upgrade -> release_upgraded, on Debian 13's kernel.

# The package of the last commit that carried version 0.2, which the host
# built into build/old-deb.
stage_old_setup() {
	run install-old apt-get install -y "$SRC"/build/old-deb/vfiopt_0.2_*.deb
	run version-old vfiopt --version
	basics
	run setup-old vfiopt setup --ids 1234:1111 --apply
	grubcfg
	initrd setup-old
	own setup-old
}

# Booted claimed by 0.2's helper; then this tree's package over it, as apt
# upgrades it: its trigger rebuilds the images with the new helper.
stage_package_upgrade() {
	basics
	run status-old vfiopt status
	own before
	run upgrade apt-get install -y "$(deb)"
	run version vfiopt --version
	own after
	initrd upgraded
	run status vfiopt status
	run check vfiopt check
}

# The network, for this one boot: the rig gives it a virtio NIC on QEMU's
# user network (tests/lib/system.sh); systemd-networkd configures it from
# a file in /run, and resolv.conf names QEMU's DNS over a bind mount, so
# that nothing of /etc changes.
net_up() {
	mkdir -p /run/systemd/network
	printf '%s\n' '[Match]' 'MACAddress=52:54:00:76:66:01' '' '[Network]' \
		'Address=10.0.2.15/24' 'Gateway=10.0.2.2' >/run/systemd/network/10-testrig.network
	echo 'nameserver 10.0.2.3' >/run/testrig-resolv.conf
	if [ -e /etc/resolv.conf ] || [ -L /etc/resolv.conf ]; then
		mount --bind /run/testrig-resolv.conf /etc/resolv.conf
	else
		ln -s /run/testrig-resolv.conf /etc/resolv.conf && NET_LINKED=yes
	fi
	systemctl restart systemd-networkd
	for _i in $(seq 60); do
		grep -q '^[^ 	]*	00000000	0202000A' /proc/net/route && return 0
		sleep 1
	done
	return 1
}

net_down() {
	if [ "${NET_LINKED:-}" = yes ]; then
		rm -f /etc/resolv.conf
	else
		umount /etc/resolv.conf
	fi
}

# Claimed by this tree's helper on Debian 12; then the upgrade to Debian
# 13 as its release notes give it: the sources to trixie, apt update, a
# minimal upgrade, then the full one.  Conffiles kept as they are, as a
# user who answers the prompts with their default does.
stage_release_upgrade() {
	basics
	run status vfiopt status
	own before
	run net net_up
	sed -i 's/\bbookworm\b/trixie/g' /etc/apt/sources.list
	run apt-update apt-get update
	run upgrade-minimal apt-get -y -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold upgrade --without-new-pkgs
	run full-upgrade apt-get -y -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold full-upgrade
	net_down
	echo "DEBIAN $(cat /etc/debian_version)"
	grubcfg
	for _image in /boot/initrd.img-*; do
		initrd "release-${_image#/boot/initrd.img-}" "$_image"
	done
	own after
}

# Debian 13's kernel, booted through Debian 13's GRUB: the claim.
stage_release_upgraded() {
	basics
	echo "UNAME $(uname -r)"
	echo "DEBIAN $(cat /etc/debian_version)"
	run status vfiopt status
	run check vfiopt check
	own upgraded
}
