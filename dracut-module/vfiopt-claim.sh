#!/bin/sh
# vfiopt: hand the selected PCI devices to vfio-pci before udev starts and
# coldplug loads their host drivers.  Sourced by dracut at pre-udev, in the
# systemd initramfs (dracut-pre-udev.service) and in the shell one alike:
# no exit, no variables left behind, and the boot goes on whatever the
# helper says (it logs its own story to the kernel log).
/usr/sbin/vfiopt-claim || :
