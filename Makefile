# vfiopt - hand PCI devices to vfio-pci before their host drivers take them.
#
# Distributions override PREFIX, DESTDIR, CC, CFLAGS and LDFLAGS as usual;
# the warnings and the static link the project needs are added on top.

# The version lives in debian/changelog, as for any native Debian package;
# the binary, the tarball and the RPM spec take it from there.
VERSION := $(shell awk -F'[()]' 'NR == 1 { print $$2 }' debian/changelog)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
# The helper is not a command of its own: the initramfs generators copy it
# into their images from here.
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/vfiopt
# dracut looks in its own directory whatever PREFIX is.
DRACUTMODULESDIR ?= $(or $(shell pkg-config --variable=dracutmodulesdir dracut 2>/dev/null),/usr/lib/dracut/modules.d)
DRACUTMODULE = $(DRACUTMODULESDIR)/90vfiopt
# initramfs-tools reads its hooks and scripts from here and /etc only.
INITRAMFSTOOLSDIR ?= /usr/share/initramfs-tools

# A static helper runs in any initramfs.  musl makes it small; glibc works.
ifeq ($(origin CC),default)
CC := $(if $(shell command -v musl-gcc 2>/dev/null),musl-gcc,cc)
endif
CFLAGS ?= -Os
# Stripped unless the distribution passes LDFLAGS of its own (and strips,
# or keeps debug symbols, its way); dracut strips the initramfs copy anyway.
LDFLAGS ?= -s
WERROR ?= -Werror
VFIOPT_CFLAGS = -std=gnu11 -D_GNU_SOURCE -Isrc -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral -fno-common \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -DVERSION='"$(VERSION)"' \
	-DDRACUT_MODULE_DIR='"$(DRACUTMODULE)"' -DINITRAMFS_TOOLS_DIR='"$(INITRAMFSTOOLSDIR)"' \
	-DDATADIR='"$(DATADIR)"'
# noseparate-code: no page of padding around the code; the helper is
# small enough that the padding is a tenth of it.
VFIOPT_LDFLAGS = -static -Wl,--gc-sections -Wl,--build-id -Wl,-z,noseparate-code

# The build lists, in one place.  A file's folder says where it runs:
#   src/early/   the claim, which runs in the initramfs before udev
#   src/shared/  what both programs link: the command line and config
#                parsers, sysfs and PCI access, the log, the record
#   src/host/    the host tool's verbs, which never run at boot; vm/ the
#                VM managers that take boot's devices (libvirt, qm)
#   src/setup/   vfiopt setup: one file per boot loader (loader/) and per
#                initramfs generator (generator/), behind setup.h
# Two programs: vfiopt-claim, the helper that goes into the initramfs
# (early and shared only), and vfiopt, the host tool, whose "vfiopt claim"
# runs the same claim code.
SHARED_SRCS = src/shared/config.c src/shared/dir.c src/shared/format.c src/shared/framebuffer.c src/shared/log.c src/shared/pci.c \
	src/shared/record.c src/shared/selection.c src/shared/spawn.c src/shared/sysfs.c \
	src/shared/util.c
EARLY_SRCS = src/early/claim.c
HELPER_SRCS = src/early/main.c $(EARLY_SRCS) $(SHARED_SRCS)
SETUP_SRCS = src/setup/setup.c src/setup/cmdline-words.c src/setup/uki.c \
	src/setup/loader/grub.c src/setup/loader/grub-default.c src/setup/loader/grubby.c \
	src/setup/loader/kernel-cmdline.c \
	src/setup/generator/dracut.c src/setup/generator/initramfs-tools.c
HOST_SRCS = src/host/main.c src/host/args.c src/host/list.c src/host/check.c \
	src/host/status.c src/host/release.c src/host/boot.c src/host/fb-advice.c \
	src/host/json.c src/host/pciids.c src/host/modalias.c src/host/softdeps.c \
	src/host/regions.c \
	src/host/vm/plan.c src/host/vm/libvirt.c src/host/vm/qm.c src/host/vm/qemu-caps.c \
	$(SETUP_SRCS) $(EARLY_SRCS) $(SHARED_SRCS)
HELPER_OBJS = $(HELPER_SRCS:.c=.o)
HOST_OBJS = $(HOST_SRCS:.c=.o)
OBJS = $(sort $(HELPER_OBJS) $(HOST_OBJS))
HDRS = $(wildcard src/*/*.h src/*/*/*.h)

# What reads untrusted input, alone, for the fuzz targets: the kernel
# command line, /etc/vfiopt.conf, the command lines in users' files, a
# device's uevent, a unified kernel image's .cmdline, an IOMMU group's
# reserved regions, QEMU's help; and the helper's own formatter, against
# the C library's.
FUZZ_TARGETS = cmdline config words format uevent uki regions qemuhelp
FUZZ_SRCS = src/shared/selection.c src/shared/pci.c src/shared/util.c src/shared/log.c \
	src/shared/config.c src/shared/format.c src/shared/sysfs.c src/shared/dir.c \
	src/setup/cmdline-words.c src/setup/uki.c src/host/regions.c src/host/vm/qemu-caps.c \
	src/shared/spawn.c

all: vfiopt vfiopt-claim

vfiopt: $(HOST_OBJS)
	$(CC) $(CFLAGS) $(VFIOPT_CFLAGS) $(LDFLAGS) $(VFIOPT_LDFLAGS) -o $@ $(HOST_OBJS)

vfiopt-claim: $(HELPER_OBJS)
	$(CC) $(CFLAGS) $(VFIOPT_CFLAGS) $(LDFLAGS) $(VFIOPT_LDFLAGS) -o $@ $(HELPER_OBJS)

src/%.o: src/%.c $(HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(VFIOPT_CFLAGS) -c -o $@ $<

# setup and check look for the dracut module and the initramfs-tools hook
# where they are installed: the directories are compiled in, so what uses
# them is rebuilt when they change.
PATHS = $(DRACUTMODULE) $(INITRAMFSTOOLSDIR) $(DATADIR)
src/paths.stamp: FORCE
	@echo '$(PATHS)' | cmp -s - $@ || echo '$(PATHS)' >$@
src/setup/generator/dracut.o src/setup/generator/initramfs-tools.o src/host/check.o \
	src/host/softdeps.o: src/paths.stamp
src/host/main.o src/early/claim.o: debian/changelog
FORCE:

# Every test, the way CI runs them; ends with "N passed, N failed".  The
# packages come first (as root they are installed), then the build: which
# compiler the build uses depends on them.  Built for the paths the
# suites install to (make install PREFIX=/usr into their stages, side by
# side): an install for other paths would rebuild ./vfiopt while another
# suite runs it.
CHECK_PATHS = PREFIX=/usr DRACUTMODULESDIR=/usr/lib/dracut/modules.d
check:
	tests/deps.sh
	$(MAKE) $(CHECK_PATHS) vfiopt vfiopt-claim $(FUZZ_TARGETS:%=tests/fuzz/smoke-%)
	tests/run-all.sh ./vfiopt ./vfiopt-claim

# Boot the stand-in machine in QEMU without and with vfiopt, and show the GPU
# (installing the packages it needs and building first).
demo:
	tests/demo.sh

# The claim on a 4096-device tree, what vfiopt adds to each generator's
# initramfs, then what the claim costs a real boot.
bench: vfiopt vfiopt-claim
	tests/bench/run.sh ./vfiopt-claim
	tests/bench/initramfs.sh
	tests/bench/boot.sh

# The claim run SOAK_RUNS times in a row (10000 unless set) in one process
# under ASan and UBSan, on the benchmark's 4096-device tree and on small
# trees with faults injected while it runs: no crash, no hang, no growth of
# descriptors or memory, no write outside what the claim means to write.
# Longer than make check; its figures are quoted, not timed.
soak: tests/soak/soak
	tests/soak/run.sh tests/soak/soak $${SOAK_RUNS:-10000}

tests/soak/soak: tests/soak/soak.c $(EARLY_SRCS) $(SHARED_SRCS) $(HDRS)
	$(SAN_CC) -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-DVERSION='"$(VERSION)"' -Isrc -pthread -o $@ tests/soak/soak.c $(EARLY_SRCS) $(SHARED_SRCS)

# Coverage-guided fuzzing of each target for FUZZ_SECONDS (needs clang).
# New inputs go to tests/fuzz/work/TARGET, the committed corpus is read.
fuzz: $(FUZZ_TARGETS:%=tests/fuzz/fuzz-%)
	mkdir -p tests/fuzz/findings
	for t in $(FUZZ_TARGETS); do \
		mkdir -p tests/fuzz/work/$$t && \
		tests/fuzz/fuzz-$$t -max_total_time=$${FUZZ_SECONDS:-60} \
			-artifact_prefix=tests/fuzz/findings/$$t- \
			tests/fuzz/work/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

tests/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(HDRS)
	clang -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -o $@ $< $(FUZZ_SRCS)

# Each target under ASan and UBSan without libFuzzer, for make check.
SAN_CC ?= cc
tests/fuzz/smoke-%: tests/fuzz/smoke.c tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(HDRS)
	$(SAN_CC) -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-Isrc -o $@ tests/fuzz/smoke.c tests/fuzz/fuzz_$*.c $(FUZZ_SRCS)

install: vfiopt vfiopt-claim
	install -D -m 0755 vfiopt $(DESTDIR)$(SBINDIR)/vfiopt
	install -D -m 0755 vfiopt-claim $(DESTDIR)$(LIBEXECDIR)/vfiopt-claim
	install -m 0755 conf/passthrough_boot.sh $(DESTDIR)$(SBINDIR)/passthrough_boot.sh
	install -d $(DESTDIR)$(MANDIR)/man8
	sed 's/@VERSION@/$(VERSION)/' docs/vfiopt.8 >$(DESTDIR)$(MANDIR)/man8/vfiopt.8
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/vfiopt.8
	ln -sf vfiopt.8 $(DESTDIR)$(MANDIR)/man8/passthrough_boot.sh.8
	ln -sf vfiopt.8 $(DESTDIR)$(MANDIR)/man8/vfiopt-claim.8
	install -d $(DESTDIR)$(DRACUTMODULE)
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|' dracut-module/module-setup.sh \
		>$(DESTDIR)$(DRACUTMODULE)/module-setup.sh
	chmod 0755 $(DESTDIR)$(DRACUTMODULE)/module-setup.sh
	install -m 0755 dracut-module/vfiopt-claim.sh $(DESTDIR)$(DRACUTMODULE)/vfiopt-claim.sh
	install -m 0644 conf/modprobe.d/vfiopt.conf $(DESTDIR)$(DRACUTMODULE)/vfiopt-modprobe.conf
	install -m 0644 initramfs-common/vfiopt-softdeps $(DESTDIR)$(DRACUTMODULE)/vfiopt-softdeps
	install -D -m 0644 conf/grub.d/vfiopt.cfg $(DESTDIR)$(DATADIR)/grub.d/vfiopt.cfg
	install -D -m 0644 conf/modprobe.d/vfiopt.conf $(DESTDIR)$(DATADIR)/modprobe.d/vfiopt.conf
	install -m 0644 initramfs-common/vfiopt-softdeps $(DESTDIR)$(DATADIR)/vfiopt-softdeps
	install -d $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks $(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-top
	sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|' -e 's|@DATADIR@|$(DATADIR)|' initramfs-tools/hooks/vfiopt \
		>$(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/vfiopt
	chmod 0755 $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/vfiopt
	install -m 0755 initramfs-tools/scripts/init-top/claim_vfiopt \
		$(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-top/claim_vfiopt

# Refused while setup's configuration is in place: add_dracutmodules naming
# a module that is gone makes every dracut run fail, a kernel upgrade's too.
# The softdeps that vfiopt 0.1 installed on the host go as well.
SETUP_FILES = $(DESTDIR)/etc/dracut.conf.d/vfiopt.conf $(DESTDIR)/etc/default/grub.d/vfiopt.cfg
uninstall:
	@if grep -qs -e '^# Written by "vfiopt setup"' -e '^# vfiopt: claim passthrough' \
		$(SETUP_FILES); then \
		echo 'make uninstall: vfiopt setup is in place: run "vfiopt setup --undo --apply" first' >&2; \
		exit 1; \
	fi
	rm -f $(DESTDIR)$(SBINDIR)/vfiopt $(DESTDIR)$(SBINDIR)/passthrough_boot.sh
	rm -f $(DESTDIR)$(LIBEXECDIR)/vfiopt-claim
	rm -f $(DESTDIR)$(MANDIR)/man8/vfiopt.8 $(DESTDIR)$(MANDIR)/man8/passthrough_boot.sh.8 \
		$(DESTDIR)$(MANDIR)/man8/vfiopt-claim.8
	rm -f $(DESTDIR)$(DRACUTMODULE)/module-setup.sh $(DESTDIR)$(DRACUTMODULE)/vfiopt-claim.sh \
		$(DESTDIR)$(DRACUTMODULE)/vfiopt-modprobe.conf $(DESTDIR)$(DRACUTMODULE)/vfiopt-softdeps
	-rmdir $(DESTDIR)$(DRACUTMODULE)
	rm -f $(DESTDIR)$(INITRAMFSTOOLSDIR)/hooks/vfiopt \
		$(DESTDIR)$(INITRAMFSTOOLSDIR)/scripts/init-top/claim_vfiopt
	rm -f $(DESTDIR)$(DATADIR)/grub.d/vfiopt.cfg $(DESTDIR)$(DATADIR)/modprobe.d/vfiopt.conf \
		$(DESTDIR)$(DATADIR)/vfiopt-softdeps
	-rmdir $(DESTDIR)$(DATADIR)/grub.d $(DESTDIR)$(DATADIR)/modprobe.d $(DESTDIR)$(DATADIR)
	if grep -qs '^# vfiopt: load vfio-pci before' $(DESTDIR)/lib/modprobe.d/vfiopt.conf; then \
		rm -f $(DESTDIR)/lib/modprobe.d/vfiopt.conf; \
	fi

# The source tarball (what git tracks, and the RPM spec with its version),
# and the two packages built from it in build/.
DISTNAME = vfiopt-$(VERSION)
# What git tracks; in a tree without git (a tarball's), every file but what
# the build and the tests make, which .gitignore names.
DIST_FILES = { git ls-files -z 2>/dev/null || find . -path ./.git -prune -o -path ./build -prune \
	-o -path './tests/*/logs' -prune -o -path ./tests/fuzz/work -prune -o -path ./tests/fuzz/findings -prune \
	-o ! -type d ! -name '*.o' ! -path ./vfiopt ! -path ./vfiopt-claim \
	! -path ./src/paths.stamp ! -path './tests/fuzz/fuzz-*' ! -path './tests/fuzz/smoke-*' \
	-printf '%P\0'; }
dist:
	@[ -n "$(VERSION)" ] || { echo "make dist: no version in debian/changelog" >&2; exit 1; }
	rm -rf build/dist
	mkdir -p build/dist/$(DISTNAME)
	$(DIST_FILES) | tar --null -T - -cf - | tar -xf - -C build/dist/$(DISTNAME)
	sed 's/@VERSION@/$(VERSION)/' vfiopt.spec.in >build/dist/$(DISTNAME)/vfiopt.spec
	tar -C build/dist --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime="$$(git log -1 --format=@%ct 2>/dev/null || echo @0)" \
		-czf build/$(DISTNAME).tar.gz $(DISTNAME)

deb: dist
	rm -rf build/deb
	mkdir -p build/deb
	tar -C build/deb -xzf build/$(DISTNAME).tar.gz
	cd build/deb/$(DISTNAME) && dpkg-buildpackage -us -uc -b

rpm: dist
	rm -rf build/rpm
	mkdir -p build/rpm/SOURCES build/rpm/SPECS
	cp build/$(DISTNAME).tar.gz build/rpm/SOURCES/
	cp build/dist/$(DISTNAME)/vfiopt.spec build/rpm/SPECS/
	rpmbuild -bb --nodeps --define "_topdir $(CURDIR)/build/rpm" --define "_buildshell /bin/bash" \
		build/rpm/SPECS/vfiopt.spec

clean:
	rm -f vfiopt vfiopt-claim $(OBJS) src/paths.stamp $(FUZZ_TARGETS:%=tests/fuzz/fuzz-%) \
		$(FUZZ_TARGETS:%=tests/fuzz/smoke-%)
	rm -rf build

.PHONY: all check demo bench soak fuzz install uninstall dist deb rpm clean FORCE
