# shellcheck shell=bash
# Reading what a guest reported over a serial port: the lines between its
# two markers, without the terminal's carriage returns, and the assertions
# every rig makes on them.  Shared by the boot rigs; needs tap.sh for the
# assertions.  Sourced, never run.

# report LOG: the guest's report.
report() {
	sed -n '/^VFIOPT-REPORT-BEGIN/,/^VFIOPT-REPORT-END/p' "$1" | tr -d '\r'
}

# dev_field LOG ADDR driver|override|group [TAG]: one field of the guest's
# "DEV ADDR IDS CLASS driver=... override=... group=..." line (TAG instead
# of DEV for a later listing of the same boot).
dev_field() {
	local tag=${4:-DEV}
	report "$1" | awk -v addr="$2" -v key="$3" -v tag="$tag" '$1 == tag && $2 == addr {
		for (i = 5; i <= NF; i++) if (index($i, key "=") == 1) print substr($i, length(key) + 2)
	}'
}

# What every rig asserts on a report.
expect_report() { # LOG EXTENDED-REGEX
	report "$1" | grep -qE -- "$2" || tap_fail "the guest did not report /$2/"
}

expect_no_report() {
	! report "$1" | grep -qE -- "$2" || tap_fail "the guest reported /$2/: $(report "$1" | grep -E -- "$2")"
}

expect_dev() { # LOG ADDR DRIVER OVERRIDE [TAG]
	expect_eq "$2 driver" "$(dev_field "$1" "$2" driver "${5:-}")" "$3"
	expect_eq "$2 driver_override" "$(dev_field "$1" "$2" override "${5:-}")" "$4"
}
