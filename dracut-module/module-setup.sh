#!/bin/bash
# vfiopt: claim PCI devices for vfio-pci in the initramfs, before udev
# loads their host drivers.  See vfiopt(8) and docs/design.md.
# shellcheck disable=SC2154 # dracutsysrootdir and moddir come from dracut

# The claim-only helper; "make install" writes its path here.  A
# dracut.conf file may set vfiopt_helper to use another one (the host
# tool, vfiopt, runs the claim too when it is called vfiopt-claim), and
# vfiopt_config to bake another file than /etc/vfiopt.conf into the image
# as its /etc/vfiopt.conf.
# shellcheck disable=SC2154 # vfiopt_detect also comes from dracut.conf
_vfiopt_default_helper="@LIBEXECDIR@/vfiopt-claim"

_vfiopt_helper() {
    echo "${vfiopt_helper:-$_vfiopt_default_helper}"
}

_vfiopt_config() {
    echo "${vfiopt_config:-/etc/vfiopt.conf}"
}

# The host asks for vfiopt when its configuration for the next boot does:
# /etc/vfiopt.conf, the GRUB snippet "vfiopt setup" writes, or vfiopt or
# vfio-pci parameters in /etc/default/grub, its grub.d, or
# /etc/kernel/cmdline (quoted or not).  Never /proc/cmdline: that is this
# boot's, and after "vfiopt setup --undo" it still names what the next boot
# no longer wants.  vfiopt_detect=no in dracut.conf looks at vfiopt_config
# alone.
_vfiopt_configured() {
    [[ -f "$dracutsysrootdir$(_vfiopt_config)" ]] && return 0
    [[ ${vfiopt_detect:-yes} == no ]] && return 1
    [[ -f "$dracutsysrootdir/etc/default/grub.d/vfiopt.cfg" ]] && return 0
    grep -qsE "^[^#]*(^|[[:space:]\"'=])(rd\.)?(vfiopt\.(ids|addrs)|vfio[-_]pci\.ids)=" \
        "$dracutsysrootdir/etc/default/grub" "$dracutsysrootdir"/etc/default/grub.d/*.cfg \
        "$dracutsysrootdir/etc/kernel/cmdline"
}

# called by dracut
check() {
    [[ -x "$dracutsysrootdir$(_vfiopt_helper)" ]] || return 1
    _vfiopt_configured && return 0
    # Otherwise only when asked for: add_dracutmodules+=" vfiopt " or --add.
    return 255
}

# called by dracut
depends() {
    return 0
}

# called by dracut
installkernel() {
    # Hostonly would leave these out on a host that has not loaded them yet;
    # the claim needs them whatever the host runs now.
    hostonly='' instmods -c vfio vfio_iommu_type1 vfio-pci || return 1
    # vfio_virqfd was merged into vfio in 6.2, irqbypass may be built in.
    hostonly='' instmods vfio_virqfd irqbypass
}

# called by dracut
install() {
    inst_simple "$(_vfiopt_helper)" /usr/sbin/vfiopt-claim
    inst_multiple modprobe
    # /etc/modprobe.d: kmod reads it with or without merged /usr.  The
    # drivers by name, then the target kernel's own GPU and HDA drivers
    # ($srcmods is its modules directory).  Should that fail in any way,
    # the names alone.
    mkdir -p "$initdir/etc/modprobe.d"
    if ! sh "$moddir/vfiopt-softdeps" "${srcmods:-/nonexistent}" "$moddir/vfiopt-modprobe.conf" \
        >"$initdir/etc/modprobe.d/vfiopt.conf"; then
        dwarn "vfiopt: the softdeps for this kernel's drivers failed: by name only"
        inst_simple "$moddir/vfiopt-modprobe.conf" /etc/modprobe.d/vfiopt.conf
    fi
    if [[ -f "$dracutsysrootdir$(_vfiopt_config)" ]]; then
        inst_simple "$(_vfiopt_config)" /etc/vfiopt.conf
    fi
    inst_hook pre-udev 05 "$moddir/vfiopt-claim.sh"
}
