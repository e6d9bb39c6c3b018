# shellcheck shell=bash
# What the unit suites share: a fresh copy of the desktop tree per test, a
# snapshot to diff against, and expectations on files, links and the
# kernel log.  Sourced after tap.sh, with $here set to tests/.
# shellcheck disable=SC2034,SC2154 # shared with the suites that source it

FAKE_MODPROBE=$here/lib/fake-modprobe
work=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-unit.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A fresh copy of a committed tree, and a snapshot of it to diff against.
setup() {
	T=$(mktemp -d "$work/t.XXXXXX")
	cp -a "$here/trees/desktop/." "$T/"
	# git keeps no empty directories: the ones every root has.
	mkdir -p "$T/run" "$T/etc"
	export FAKE_SYSROOT=$T FAKE_MODPROBE_LOG=$T.modprobe
	: >"$FAKE_MODPROBE_LOG"
	snapshot >"$T.before"
}

snapshot() {
	(
		cd "$T" || exit
		find . -type f -print0 | sort -z | xargs -0 md5sum
		find . -type l -printf '%p -> %l\n' | sort
		find . -type d | sort
	)
}

# The real path of a device's attribute, relative to the tree.
dev() {
	local d
	d=$(cd "$T/sys/bus/pci/devices/$1" && pwd -P) || return
	echo ".${d#"$T"}${2:+/$2}"
}

changed() {
	snapshot >"$T.after"
	diff "$T.before" "$T.after" | sed -n 's/^[<>] //p' |
		awk '$2 == "->" || NF == 1 { print $1; next } { print $2 }' | sort -u
}

expect_status() {
	expect_eq "exit status" "$status" "$1"
	[ "$status" = "$1" ] || tap_fail "stderr: $(cat "$T.err")"
}

expect_kmsg() { # EXTENDED-REGEX
	grep -qE -- "$1" "$T/dev/kmsg" || tap_fail "no kernel log line matches /$1/" "log: $(cat "$T/dev/kmsg")"
}

expect_no_kmsg() {
	! grep -qE -- "$1" "$T/dev/kmsg" || tap_fail "a kernel log line matches /$1/: $(grep -E -- "$1" "$T/dev/kmsg")"
}

expect_override() { # ADDR VALUE
	expect_eq "$1 driver_override" "$(cat "$T/sys/bus/pci/devices/$1/driver_override")" "$2"
}

expect_driver() { # ADDR NAME ("" for none)
	local link=$T/sys/bus/pci/devices/$1/driver got=
	[ -L "$link" ] && got=$(basename "$(readlink "$link")")
	expect_eq "$1 driver" "$got" "$2"
}

expect_file() { # PATH-IN-TREE CONTENT
	expect_eq "$1" "$(cat "$T/$1" 2>&1)" "$2"
}

expect_record() { # LINE...
	local want
	want=$(printf '%s\n' "# vfiopt claim record v1: address ids reason previous-driver result" "$@")
	expect_eq "run/vfiopt/claimed" "$(cat "$T/run/vfiopt/claimed" 2>&1)" "$want"
}

# The exact set of paths the run changed (files, links, directories).
expect_changed() { # PATH...
	local want
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u | tr '\n' ' ')
	expect_eq "changed paths" "$(changed | tr '\n' ' ')" "$want"
}

expect_modprobe_calls() { # N
	expect_eq "modprobe calls" "$(wc -l <"$FAKE_MODPROBE_LOG")" "$1"
}


# traced ARGS...: run the claim (the suite's CLAIM command) under strace; writes() then lists, in
# order, each store the claim made under the tree's sys/ as "PATH <- VALUE"
# (links resolved, as the kernel would see them) and each program it ran
# as "exec NAME".  The fake tree cannot show a store that a later one
# overwrote; strace can.
traced() {
	strace -f -y -qq -s 256 -e trace=write,execve,clone,clone3,fork,vfork -o "$T.strace" \
		"${CLAIM[@]}" --sysroot "$T" "$@" >"$T.out" 2>"$T.err"
	status=$?
}

writes() {
	local main
	main=$(awk 'NR == 1 { print $1 }' "$T.strace")
	# Two passes: strace may log a child's execve before its parent's clone
	# returns ("<... clone resumed> ... = PID").
	awk -v main="$main" -v root="$T/" '
		NR == FNR {
			if ($1 == main && $0 ~ /(clone|clone3|fork|vfork)[(]|(clone|clone3|fork|vfork) resumed/ &&
			    $NF ~ /^[0-9]+$/)
				child[$NF] = 1
			next
		}
		$1 == main && $2 ~ /^write\(/ {
			if (!match($0, /<[^>]*>/)) next
			path = substr($0, RSTART + 1, RLENGTH - 2)
			if (index(path, root "sys/") != 1) next
			rest = substr($0, RSTART + RLENGTH)
			match(rest, /"[^"]*"/)
			print substr(path, length(root) + 1) " <- " substr(rest, RSTART + 1, RLENGTH - 2)
		}
		# Children of the claim itself, not what they run in turn.
		# (the line may be cut "<unfinished ...>" by another process: the
		# program is in its first half, and a child execs once).
		($1 in child) && $2 ~ /^execve\(/ && !execd[$1]++ {
			match($0, /"[^"]*"/)
			n = split(substr($0, RSTART + 1, RLENGTH - 2), parts, "/")
			print "exec " parts[n]
		}' "$T.strace" "$T.strace"
}

expect_writes() { # LINE...
	expect_eq "stores, in order" "$(writes)" "$(printf '%s\n' "$@")"
}

# fake_uki FILE CMDLINE: a PE/COFF image laid out as ukify lays a UKI out
# (the MS-DOS stub's e_lfanew, "PE\0\0", the COFF header, an optional
# header of SizeOfOptionalHeader bytes, the section table), with a .linux
# section and a .cmdline section holding CMDLINE; no .cmdline with "-".
fake_uki() {
	local file=$1 cmdline=$2 n sections=2
	n=${#cmdline}
	[ "$cmdline" = - ] && sections=1 n=0
	mkdir -p "$(dirname "$file")"
	{
		printf 'MZ'
		head -c $((0x3c - 2)) /dev/zero
		_le 4 0x40
		printf 'PE\0\0'
		# COFF: x86-64, the sections, no symbols, a 16-byte optional header.
		_le 2 0x8664
		_le 2 "$sections"
		head -c 12 /dev/zero
		_le 2 16
		_le 2 0x22
		head -c 16 /dev/zero
		printf '.linux\0\0'
		_le 4 16 && _le 4 0x1000 && _le 4 16 && _le 4 0x200 && head -c 16 /dev/zero
		if [ "$sections" = 2 ]; then
			printf '.cmdline'
			_le 4 "$n" && _le 4 0x2000 && _le 4 $(((n + 15) / 16 * 16)) && _le 4 0x210
			head -c 16 /dev/zero
		fi
	} >"$file"
	truncate -s $((0x200)) "$file"
	printf 'kernel-image....%s' "$cmdline" >>"$file"
	[ "$sections" = 1 ] && truncate -s $((0x210)) "$file"
	truncate -s $((0x210 + (n + 15) / 16 * 16)) "$file"
}

# _le BYTES VALUE: VALUE little-endian in BYTES bytes.
_le() {
	local i v=$(($2))
	for ((i = 0; i < $1; i++)); do
		# shellcheck disable=SC2059 # the escape is the format
		printf "\\$(printf '%03o' $((v & 255)))"
		v=$((v >> 8))
	done
}
