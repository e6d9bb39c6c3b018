# shellcheck shell=dash
# The image's first boot (QEMU's -kernel, before it has a boot loader): the
# system puts GRUB on its own disk as Debian's installer does, and records
# the disk for grub-pc's later upgrades.  Sourced by run.sh.
grub-install /dev/vda
echo "FIRSTBOOT grub-install $?"
echo "grub-pc grub-pc/install_devices multiselect /dev/vda" | debconf-set-selections
echo "FIRSTBOOT debconf $?"
update-grub
echo "FIRSTBOOT update-grub $?"
