# shellcheck shell=bash
# Reading what a guest reported over a serial port: the lines between its
# two markers, without the terminal's carriage returns.  Shared by the boot
# rigs.  Sourced, never run.

# report LOG: the guest's report.
report() {
	sed -n '/^VFIOPT-REPORT-BEGIN/,/^VFIOPT-REPORT-END/p' "$1" | tr -d '\r'
}

# dev_field LOG ADDR driver|override|group [TAG]: one field of the guest's
# "DEV ADDR IDS CLASS driver=... override=... group=..." line (TAG instead
# of DEV for a later listing of the same boot).
dev_field() {
	report "$1" | awk -v addr="$2" -v key="$3" -v tag="${4:-DEV}" '$1 == tag && $2 == addr {
		for (i = 5; i <= NF; i++) if (index($i, key "=") == 1) print substr($i, length(key) + 2)
	}'
}
