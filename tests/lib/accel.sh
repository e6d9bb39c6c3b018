# shellcheck shell=bash
# Whether KVM runs guests on this machine, asked once per boot of it:
# /dev/kvm may be there and still hang or fail (nested virtualisation),
# and the probe, a kernel that must reach its panic for want of a root,
# then takes its whole 30 s.  Every rig of a make check run shares the
# answer, kept in $VFIOPT_CACHE/accel-BOOT-ID.  Sourced, never run.
#
# accel_probe KERNEL   prints kvm or tcg

accel_probe() {
	local kernel=$1 id cache log answer=tcg
	id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
	cache=$VFIOPT_CACHE/accel-$id
	if [ -n "$id" ] && [ -f "$cache" ]; then
		cat "$cache"
		return
	fi
	if [ -w /dev/kvm ]; then
		log=$(mktemp)
		# In a subshell: a QEMU that aborts on a broken KVM is only an answer.
		(timeout 30 qemu-system-x86_64 -accel kvm -cpu host -M q35 -m 256 -nodefaults \
			-display none -no-reboot -serial "file:$log" -kernel "$kernel" \
			-append "console=ttyS0 panic=-1 root=/dev/nonexistent"
		exit 0) >/dev/null 2>&1
		grep -q 'Kernel panic' "$log" 2>/dev/null && answer=kvm
		rm -f "$log"
	fi
	if [ -n "$id" ] && mkdir -p "$VFIOPT_CACHE"; then
		find "$VFIOPT_CACHE" -maxdepth 1 -name 'accel-*' ! -name "accel-$id" -delete
		echo "$answer" >"$cache.$$" && mv "$cache.$$" "$cache"
	fi
	echo "$answer"
}
