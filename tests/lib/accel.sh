# shellcheck shell=bash
# Whether KVM runs guests on this machine, asked once per boot of it:
# /dev/kvm may be there and still hang or fail (nested virtualisation),
# and the probe, a kernel that must reach its panic for want of a root,
# then takes its whole 30 s.  Every rig of a make check run shares the
# answer, kept in $VFIOPT_CACHE/accel-BOOT-ID.  Sourced, never run.
#
# accel_probe KERNEL   prints kvm or tcg
# accel_option ACCEL   prints the -accel value for it

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

# TCG with one host thread for all vCPUs.  Multi-threaded TCG (QEMU's
# default for x86 guests on x86 hosts) once left a guest of the Debian 13
# UEFI suite with an oops on its second vCPU, its RIP one byte into a NOP
# in kfree: most likely the int3 that the kernel's text_poke_bp() plants
# while it patches live code (arch/x86/kernel/alternative.c), still seen
# by the other vCPU after the patch was done, a cross-modifying-code race
# of the emulator's, not the guest's.  thread=single runs the vCPUs in
# turn on one host thread, as TCG did before MTTCG (docs/devel/
# multi-thread-tcg.rst in QEMU's tree): no such race, and each VM keeps
# one host core busy, which is what the two lanes of make check plan for.
accel_option() {
	case $1 in
	tcg) echo tcg,thread=single ;;
	*) echo "$1" ;;
	esac
}
