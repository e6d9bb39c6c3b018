# shellcheck shell=bash
# A small TAP producer for the shell test suites: run_test prints
# "ok N - name" or "not ok N - name" with the failed expectations as
# "# " diagnostics.  Sourced, never run.

tap_n=0
tap_failed=0

# Record a failed expectation of the current test.
tap_fail() {
	tap_failed=1
	printf '#   %s\n' "$@" >>"$tap_diag"
}

# run_test NAME FUNCTION [ARGS...]
run_test() {
	local name=$1
	shift
	tap_n=$((tap_n + 1))
	tap_failed=0
	tap_diag=$(mktemp)
	"$@"
	if [ "$tap_failed" = 0 ]; then
		echo "ok $tap_n - $name"
	else
		echo "not ok $tap_n - $name"
		cat "$tap_diag"
	fi
	rm -f "$tap_diag"
}

expect_eq() { # WHAT GOT WANT
	[ "$2" = "$3" ] || tap_fail "$1: got '$2', want '$3'"
}
