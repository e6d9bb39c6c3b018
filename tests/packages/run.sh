#!/bin/bash
# The packages, built as a distribution would build them: make dist (the
# tarball, with the RPM spec at its top), make deb (dpkg-buildpackage from
# that tarball) and make rpm (rpmbuild -bb from it).  Each package must hold
# exactly what make install puts in place, with the same modes, plus its
# distribution's documentation files; the helper in it must be static and
# say the version debian/changelog gives; lintian must find no error or
# warning, and rpmlint nothing that vfiopt.rpmlintrc does not explain.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vfiopt-packages.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$top" || exit 1

VERSION=$(awk -F'[()]' 'NR == 1 { print $2 }' debian/changelog)
ARCH=$(dpkg --print-architecture)
DEB=build/deb/vfiopt_${VERSION}_$ARCH.deb
RPM=$(rpm --eval '%{_arch}')
RPM=build/rpm/RPMS/$RPM/vfiopt-$VERSION-1.$RPM.rpm

# What make install puts in place, as "MODE PATH" (symlinks as "link PATH"),
# the way the distributions lay it out.
staged() {
	local stage=$work/stage
	rm -rf "$stage"
	make -s install DESTDIR="$stage" PREFIX=/usr DRACUTMODULESDIR=/usr/lib/dracut/modules.d \
		>/dev/null || return 1
	(cd "$stage" && find . ! -type d -printf '%m %P\n' | sed 's/^777 /link /' | sort -k 2)
}

# A package's files in the same form, from "dpkg-deb -c" or "rpm -qp --dump".
deb_files() {
	dpkg-deb -c "$DEB" | awk '$1 !~ /^d/ {
		mode = $1; path = $6; sub(/^\.\//, "", path)
		if (mode ~ /^l/) { print "link " path; next }
		m = 0
		for (i = 2; i <= 10; i++) m = m * 2 + (substr(mode, i, 1) != "-")
		printf "%o %s\n", m, path }' | sort -k 2
}

rpm_files() {
	rpm -qp --dump "$RPM" | awk '{
		path = $1; sub(/^\//, "", path); mode = $5
		if (substr(mode, 1, 3) == "040") next
		if (substr(mode, 1, 3) == "012") { print "link " path; next }
		m = 0
		for (i = length(mode) - 3; i <= length(mode); i++) m = m * 8 + substr(mode, i, 1)
		printf "%o %s\n", m, path }' | sort -k 2
}

# expect_holds WHAT PACKAGED-LIST: every staged file, with its mode; the
# distribution may compress man pages (.gz).
expect_holds() {
	local mode path
	while read -r mode path; do
		grep -qxE "$mode $path(\\.gz)?" "$2" ||
			tap_fail "$1 lacks $mode $path (has: $(grep -F "$path" "$2" | tr '\n' ' '))"
	done <"$work/staged"
}

# expect_only WHAT PACKAGED-LIST EXTRA-REGEX: nothing but the staged files
# and the distribution's own (EXTRA-REGEX).
expect_only() {
	local mode path
	while read -r mode path; do
		grep -q " ${path%.gz}\$" "$work/staged" && continue
		[[ $path =~ $3 ]] || tap_fail "$1 holds $path, which make install does not"
	done <"$2"
}

# expect_static_helper WHAT DIR: the helper and the host tool unpacked
# under DIR, both static.
expect_static_helper() {
	local prog
	for prog in usr/libexec/vfiopt-claim usr/sbin/vfiopt; do
		file -L "$2/$prog" | grep -qE 'statically linked|static-pie linked' ||
			tap_fail "$1: /$prog is not static: $(file -L "$2/$prog")"
		expect_eq "$1: ${prog##*/} --version" "$("$2/$prog" --version)" "${prog##*/} $VERSION"
	done
}

test_dist() {
	local tarball=build/vfiopt-$VERSION.tar.gz listed tracked
	[ -n "$VERSION" ] || tap_fail "no version in debian/changelog"
	make -s dist >"$work/dist.log" 2>&1 || tap_fail "make dist failed: $(tail -n 5 "$work/dist.log")"
	[ -f "$tarball" ] || {
		tap_fail "no $tarball"
		return
	}
	listed=$(tar -tzf "$tarball" | grep -v '/$' | sed "s|^vfiopt-$VERSION/||" | sort)
	tracked=$( (git ls-files && echo vfiopt.spec) | sort)
	expect_eq "the tarball's files" "$listed" "$tracked"
	expect_eq "the spec's version" \
		"$(tar -xzOf "$tarball" "vfiopt-$VERSION/vfiopt.spec" | sed -n 's/^Version: *//p')" "$VERSION"
}

test_deb_build() {
	make -s deb >"$work/deb.log" 2>&1 || {
		tap_fail "make deb failed:" "$(tail -n 20 "$work/deb.log")"
		return
	}
	[ -f "$DEB" ] || tap_fail "no $DEB"
	# Errors and warnings fail; info and experimental tags are shown.
	lintian --fail-on error,warning --display-info "build/deb/vfiopt_${VERSION}_$ARCH.changes" \
		>"$work/lintian.log" 2>&1 || tap_fail "lintian:" "$(cat "$work/lintian.log")"
	sed 's/^/# lintian: /' "$work/lintian.log"
}

test_deb_contents() {
	local x=$work/deb-x
	[ -f "$DEB" ] || {
		tap_fail "no $DEB"
		return
	}
	staged >"$work/staged" || tap_fail "make install failed"
	deb_files >"$work/deb-files"
	expect_holds "the .deb" "$work/deb-files"
	expect_only "the .deb" "$work/deb-files" \
		'^usr/share/(doc/vfiopt/(copyright|changelog\.gz|README\.md\.gz|design\.md\.gz|testing\.md\.gz)|lintian/overrides/vfiopt)$'
	expect_eq "Package, Version, Architecture" \
		"$(dpkg-deb -f "$DEB" Package Version Architecture | tr '\n' ' ')" \
		"Package: vfiopt Version: $VERSION Architecture: $ARCH "
	# The static helper needs no library; either generator serves, and
	# nothing pulls dracut in over initramfs-tools, which it would replace.
	expect_eq "Depends" "$(dpkg-deb -f "$DEB" Depends)" ""
	expect_eq "Recommends" "$(dpkg-deb -f "$DEB" Recommends)" "initramfs-tools | dracut"
	mkdir -p "$x/control"
	if ! dpkg-deb -x "$DEB" "$x" || ! dpkg-deb -e "$DEB" "$x/control"; then
		tap_fail "dpkg-deb failed"
	fi
	# The update-initramfs trigger only where the images change: never on
	# every install, from the postinst when setup's configuration is there,
	# from the postrm on every removal.
	if grep -qs 'update-initramfs' "$x/control/triggers"; then
		tap_fail "the .deb activates update-initramfs on every install:" "$(cat "$x/control/triggers")"
	fi
	if ! grep -qE '^[[:space:]]*if "[$]hook" wanted' "$x/control/postinst" ||
		! grep -q 'dpkg-trigger --no-await update-initramfs' "$x/control/postinst"; then
		tap_fail "the postinst does not activate the trigger when the hook is wanted"
	fi
	grep -q 'dpkg-trigger --no-await update-initramfs' "$x/control/postrm" ||
		tap_fail "the postrm does not activate the trigger on removal"
	grep -q 'Written by "vfiopt setup"' "$x/control/postrm" ||
		tap_fail "the postrm does not remove setup's files on purge"
	expect_static_helper "the .deb" "$x"
}

test_rpm_build() {
	make -s rpm >"$work/rpm.log" 2>&1 || {
		tap_fail "make rpm failed:" "$(tail -n 20 "$work/rpm.log")"
		return
	}
	[ -f "$RPM" ] || tap_fail "no $RPM"
	rpmlint -r vfiopt.rpmlintrc build/rpm/SPECS/vfiopt.spec "$RPM" >"$work/rpmlint.log" 2>&1 ||
		tap_fail "rpmlint:" "$(cat "$work/rpmlint.log")"
	grep -q ' 0 errors, 0 warnings' "$work/rpmlint.log" ||
		tap_fail "rpmlint:" "$(cat "$work/rpmlint.log")"
}

test_rpm_contents() {
	local x=$work/rpm-x
	[ -f "$RPM" ] || {
		tap_fail "no $RPM"
		return
	}
	# Fedora has no initramfs-tools: the spec leaves its hook out, and the
	# hook's softdeps script.
	staged | grep -v -e ' usr/share/initramfs-tools/' -e ' usr/share/vfiopt/vfiopt-softdeps$' \
		>"$work/staged" ||
		tap_fail "make install failed"
	rpm_files >"$work/rpm-files"
	expect_holds "the .rpm" "$work/rpm-files"
	expect_only "the .rpm" "$work/rpm-files" \
		"^usr/(share/(doc/vfiopt-$VERSION/(README|design|testing)\\.md|licenses/vfiopt-$VERSION/LICENSE)|lib/\\.build-id/.*)\$"
	expect_eq "name, version, release" "$(rpm -qp --qf '%{NAME} %{VERSION} %{RELEASE}' "$RPM")" \
		"vfiopt $VERSION 1"
	rpm -qp --requires "$RPM" | grep -qx dracut || tap_fail "the RPM does not require dracut"
	mkdir -p "$x"
	(cd "$x" && rpm2cpio "$top/$RPM" | cpio -idm --quiet) || tap_fail "rpm2cpio failed"
	expect_static_helper "the .rpm" "$x"
}

run_test "make dist: the tracked files and vfiopt.spec, at the version of debian/changelog" test_dist
run_test "make deb: dpkg-buildpackage from the tarball; lintian finds no error or warning" test_deb_build
run_test "the .deb: what make install puts in place, its modes, a static helper, the triggers" test_deb_contents
run_test "make rpm: rpmbuild -bb from the tarball; rpmlint finds nothing unexplained" test_rpm_build
run_test "the .rpm: what make install puts in place, its modes, a static helper" test_rpm_contents
