# shellcheck shell=bash
# One installed system's suite (tests/system/*.sh): the rig's frame for a
# system of tests/lib/system.sh, so that a suite holds only its stages and
# what they assert.  Set SYSTEM_GENERATOR and SYSTEM_LOADER, source this,
# then call system_suite_open.  Sourced, never run.
#
# system_suite_open DEFAULT-LAST [LAST]: $work, $logs (the serial logs of
#   this run, tests/system/logs/NAME/), the .deb the guest installs, $DISK
#   (the overlay test_image makes); the suite stops after stage LAST.
# system_step NAME DESCRIPTION: stage NAME, the function test_NAME.

_system_suite_lib=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=tests/lib/rig.sh
. "$_system_suite_lib/rig.sh"
# shellcheck source=tests/lib/system.sh
. "$_system_suite_lib/system.sh"
# shellcheck source=tests/lib/system-expect.sh
. "$_system_suite_lib/system-expect.sh"

# The logs' folder and the tests' label: the generator, the boot loader
# when it is not GRUB, the release when it is not Debian 12.
SYSTEM_NAME=$SYSTEM_GENERATOR
SYSTEM_LABEL=$SYSTEM_GENERATOR
if [ "$SYSTEM_LOADER" != grub ]; then
	SYSTEM_NAME=$SYSTEM_GENERATOR-$SYSTEM_LOADER
	SYSTEM_LABEL="UEFI, $SYSTEM_LOADER"
fi
if [ "$SYSTEM_SUITE" != bookworm ]; then
	SYSTEM_NAME=$SYSTEM_SUITE-$SYSTEM_NAME
	SYSTEM_LABEL="$SYSTEM_RELEASE, $SYSTEM_LABEL"
fi

system_suite_open() {
	rig_open
	rig_logs "${VFIOPT_SYSTEM_LOGS:-$top/tests/system/logs/$SYSTEM_NAME}"
	RIG_LAST=${2:-$1}
	if ! system_deb "$work/deb.log"; then
		echo "not ok - make deb failed"
		tail -n 20 "$work/deb.log" | sed 's/^/#   /'
		exit 1
	fi
	DISK=$work/system.qcow2
}

system_step() {
	rig_step "$1" "system ($SYSTEM_LABEL): $2" "test_$1"
}
