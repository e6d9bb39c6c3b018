# shellcheck shell=dash
# The image's first boot (QEMU's -kernel, before it has a boot loader): the
# system puts its boot loader on its own disk as Debian's installer does.
# GRUB: grub-install, the disk recorded for grub-pc's later upgrades, and
# update-grub.  systemd-boot: what its package's postinst does once it
# finds an ESP, bootctl install and kernel-install add for each kernel.
# Sourced by run.sh.
if command -v bootctl >/dev/null; then
	bootctl install --make-machine-id-directory=auto
	echo "FIRSTBOOT bootctl $?"
	_rc=0
	for _kernel in /boot/vmlinuz-*; do
		kernel-install add "${_kernel#/boot/vmlinuz-}" "$_kernel" || _rc=$?
	done
	echo "FIRSTBOOT kernel-install $_rc"
else
	grub-install /dev/vda
	echo "FIRSTBOOT grub-install $?"
	echo "grub-pc grub-pc/install_devices multiselect /dev/vda" | debconf-set-selections
	echo "FIRSTBOOT debconf $?"
	update-grub
	echo "FIRSTBOOT update-grub $?"
fi
