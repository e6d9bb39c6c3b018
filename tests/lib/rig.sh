# shellcheck shell=bash
# The frame every boot suite walks in (tests/boot/run.sh and the installed
# systems of tests/system; the initramfs suite and its bench take its
# opening): build what boots, boot it, walk its stages in
# order, collect each stage's verdict as a TAP line.  A suite is then the
# file of what differs: its stages and what each asserts on the report
# (report.sh).  Sourced, never run.
#
# rig_open             $top, and a work directory $work removed at exit
# rig_logs DIR         $logs: DIR, emptied for this run's serial logs
# rig_step NAME DESCRIPTION FUNCTION [ARGS...]
#                      run FUNCTION as one TAP test, when NAME is wanted
#                      (RIG_ONLY, a list of names, empty for all), and
#                      print its seconds; exit after it when NAME is
#                      RIG_LAST

_rig_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$_rig_top/tests/lib/tap.sh"
# shellcheck source=tests/lib/report.sh
. "$_rig_top/tests/lib/report.sh"

RIG_ONLY=()
RIG_LAST=

rig_open() {
	# shellcheck disable=SC2034 # for the suites
	top=$_rig_top
	work=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-rig.XXXXXX") || exit 1
	trap 'rm -rf "$work"' EXIT
}

rig_logs() {
	logs=$1
	rm -rf "$logs"
	mkdir -p "$logs" || exit 1
}

_rig_wanted() {
	local w
	[ ${#RIG_ONLY[@]} = 0 ] && return 0
	for w in "${RIG_ONLY[@]}"; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# Each step's seconds follow its verdict, for whoever wonders where the
# time went.
rig_step() {
	local name=$1 description=$2 start=$SECONDS
	shift 2
	if _rig_wanted "$name"; then
		run_test "$description" "$@"
		echo "# time: $name, $((SECONDS - start)) s"
	fi
	[ "$name" != "$RIG_LAST" ] || exit 0
}
