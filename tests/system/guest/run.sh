#!/bin/sh
# shellcheck shell=dash
# Run in the installed system by the rig's testrig.service (see
# tests/lib/system.sh), its output on ttyS1: the stage the host named in
# QEMU's fw_cfg, between two markers, then power off.  Nothing here decides
# pass or fail: the host reads the report and asserts on it.
here=$(dirname "$0")
modprobe -q qemu_fw_cfg
stage=$(cat /sys/firmware/qemu_fw_cfg/by_name/opt/vfiopt/stage/raw 2>/dev/null)
echo "VFIOPT-REPORT-BEGIN $stage"
case $stage in
firstboot)
	# shellcheck source=tests/system/guest/firstboot.sh
	. "$here/firstboot.sh"
	;;
*[!a-z_]* | '')
	echo "NO-SUCH-STAGE $stage"
	;;
*)
	# shellcheck source=tests/system/guest/stages.sh
	. "$here/stages.sh"
	"stage_$stage"
	;;
esac
echo "VFIOPT-REPORT-END"
sync
# The target itself: "systemctl poweroff" first asks logind, over a D-Bus
# this minimal system does not run, and says so.
systemctl --no-block start poweroff.target
