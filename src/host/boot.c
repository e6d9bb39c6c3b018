// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt boot: the seed's passthrough_boot.sh.  Start a VM that owns the
 * devices on vfio-pci: whole IOMMU groups, each physical slot at one guest
 * slot with its function numbers, UEFI when OVMF is there.  Everything is
 * checked before QEMU starts, and QEMU is exec'd directly, never through
 * a shell.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/verbs.h"
#include "host/vm/qemu-caps.h"
#include "host/vm/vm.h"
#include "shared/record.h"
#include "shared/spawn.h"
#include "shared/sysfs.h"
#include "shared/util.h"

#define BOOT_DEVICES_MAX 32
#define BOOT_ARGS_MAX 160
#define BOOT_STRINGS_MAX 64
#define OVMF_CODE "usr/share/OVMF/OVMF_CODE_4M.fd"
#define OVMF_VARS "usr/share/OVMF/OVMF_VARS_4M.fd"
#define VARS_DIR "var/lib/vfiopt"
#define CAP_IPC_LOCK_BIT 14

struct boot {
	struct sysfs sys;
	const char *sysroot;
	const char *qemu;
	const char *hda, *cdrom, *name, *mem, *smp, *accel;
	const char *igd_rom;
	bool uefi, bios, dry_run, no_rom, iommufd;
	enum { PRINT_NONE, PRINT_QEMU, PRINT_LIBVIRT, PRINT_QM } print;
	/* An Intel IGD among the devices, and how it goes (docs/design.md). */
	const struct pci_dev *igd;
	enum { IGD_NONE, IGD_UPT, IGD_LEGACY } igd_mode;
	bool pc_machine; /* i440fx, which IGD legacy mode needs; q35 otherwise */
	struct qemu_caps caps;
	bool caps_probed; /* only QEMU's own command line needs them */
	struct pci_dev *devs[BOOT_DEVICES_MAX];
	unsigned int n_devs;
	/* The QEMU command line, and the strings built for it. */
	const char *argv[BOOT_ARGS_MAX];
	unsigned int argc;
	char strings[BOOT_STRINGS_MAX][PATH_BUF_MAX];
	unsigned int n_strings;
	bool overflow; /* an argument did not fit: refuse rather than cut it */
	char vars[PATH_BUF_MAX];
	char qemu_path[256];
};

static void usage(FILE *out)
{
	fputs("Usage: vfiopt boot [--device ADDR]... [-hda IMG] [-cdrom ISO] [-name NAME]\n"
	      "                   [-m SIZE] [-smp N] [--uefi|--bios] [--accel kvm|tcg]\n"
	      "                   [--no-rom] [--igd-rom FILE] [--iommufd]\n"
	      "                   [--print qemu|libvirt|qm] [--dry-run]\n"
	      "                   [--sysroot DIR] [-- QEMU ARGS...]\n"
	      "\n"
	      "Boot a VM that owns the devices on vfio-pci: the --device addresses, or those\n"
	      "this boot's early claim took, each with its whole IOMMU group.\n"
	      "\n"
	      "  --device ADDR    a device to pass (repeatable); its IOMMU group goes too\n"
	      "  -hda, -cdrom, -name   passed to QEMU as the seed's script did\n"
	      "  -m SIZE          guest memory (default 2G), -smp N  CPUs (default 2)\n"
	      "  --uefi, --bios   OVMF or SeaBIOS (default: OVMF when installed)\n"
	      "  --accel kvm|tcg  default: KVM when /dev/kvm works\n"
	      "  --no-rom         hide the devices' option ROMs (rombar=0)\n"
	      "  --igd-rom FILE   the option ROM an Intel IGD gets (romfile=): for a UEFI\n"
	      "                   guest, one with IgdAssignmentDxe; for --bios, its VBIOS\n"
	      "  --iommufd        attach through /dev/iommu and the devices' cdevs, not\n"
	      "                   the VFIO group and container\n"
	      "  --print qemu     print the QEMU command, one argument a line; start nothing\n"
	      "  --print libvirt  print the <hostdev> elements of a libvirt domain instead\n"
	      "  --print qm       print the hostpciN: lines of a Proxmox VE VM instead\n"
	      "  --dry-run        the same as --print qemu\n"
	      "  -- ARGS          appended to QEMU's command line untouched\n",
	      out);
}

static void arg(struct boot *b, const char *a)
{
	if (b->argc < BOOT_ARGS_MAX - 1)
		b->argv[b->argc++] = a;
	else
		b->overflow = true;
}

/* An argument built from a format; NULL when it does not fit (refused). */
static const char *fmt_arg(struct boot *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *fmt_arg(struct boot *b, const char *fmt, ...)
{
	char *s;
	va_list ap;
	int n;

	if (b->n_strings == BOOT_STRINGS_MAX) {
		b->overflow = true;
		return NULL;
	}
	s = b->strings[b->n_strings];
	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(b->strings[0]), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->strings[0])) {
		b->overflow = true;
		return NULL;
	}
	b->n_strings++;
	arg(b, s);
	return s;
}

static int add_device(struct boot *b, struct pci_dev *dev)
{
	unsigned int i;

	for (i = 0; i < b->n_devs; i++)
		if (b->devs[i] == dev)
			return 0;
	if (b->n_devs == BOOT_DEVICES_MAX) {
		fprintf(stderr, "vfiopt boot: more than %d devices\n", BOOT_DEVICES_MAX);
		return -E2BIG;
	}
	b->devs[b->n_devs++] = dev;
	return 0;
}

/* By default: what this boot's early claim put on vfio-pci. */
static int devices_from_record(struct boot *b)
{
	static char record[RECORD_MAX];
	char *line, *next;
	int r;

	if (read_file_at(b->sys.root, RECORD_PATH, record, sizeof(record)) < 0) {
		fprintf(stderr,
			"vfiopt boot: no device given and no early claim on this boot "
			"(/%s): use --device ADDR\n",
			RECORD_PATH);
		return -ENOENT;
	}
	for (line = record; line && *line; line = next) {
		struct pci_addr addr;
		struct pci_dev *dev;
		const char *why;
		size_t len = strcspn(line, " \n");

		next = strchr(line, '\n');
		next = next ? next + 1 : NULL;
		if (line[0] == '#' || pci_addr_parse(line, len, &addr, &why) < 0 ||
		    !(strstr(line, " claimed") || strstr(line, " already")))
			continue;
		dev = sysfs_find(&b->sys, &addr);
		if (dev && (r = add_device(b, dev)) < 0)
			return r;
	}
	if (!b->n_devs) {
		fprintf(stderr, "vfiopt boot: the early claim put no device on vfio-pci on this "
				"boot: use --device ADDR\n");
		return -ENOENT;
	}
	return 0;
}

/* Each device's whole group: every endpoint in it must be on vfio-pci. */
static int add_groups(struct boot *b)
{
	unsigned int i, n = b->n_devs;
	size_t d;
	int bad = 0;

	for (i = 0; i < n; i++) {
		struct pci_dev *dev = b->devs[i];

		if (sysfs_load_group(&b->sys, dev) < 0 || dev->group < 0) {
			fprintf(stderr,
				"vfiopt boot: %s has no IOMMU group: turn the IOMMU on "
				"(vfiopt check)\n",
				dev->name);
			return -ENODEV;
		}
		for (d = 0; d < b->sys.n_devs; d++) {
			struct pci_dev *m = &b->sys.devs[d];

			if (sysfs_load_group(&b->sys, m) < 0 || m->group != dev->group ||
			    sysfs_load(&b->sys, m) < 0 || (m->ids.class >> 16) == PCI_CLASS_BRIDGE)
				continue;
			if (strcmp(m->driver, "vfio-pci") != 0 && m == dev) {
				fprintf(stderr,
					"vfiopt boot: %s is on %s, not vfio-pci: select it "
					"(vfiopt setup --addrs %s) and reboot\n",
					m->name, m->driver[0] ? m->driver : "no driver", m->name);
				bad = -EBUSY;
				continue;
			}
			if (strcmp(m->driver, "vfio-pci") != 0) {
				fprintf(stderr,
					"vfiopt boot: %s is in IOMMU group %d with %s, but "
					"on %s: select it too (vfiopt setup --addrs ...) and "
					"reboot\n",
					m->name, m->group, dev->name,
					m->driver[0] ? m->driver : "no driver");
				bad = -EBUSY;
				continue;
			}
			if (add_device(b, m) < 0)
				return -E2BIG;
		}
	}
	return bad;
}

static bool have_ipc_lock(void)
{
	char status[4096], *cap;
	unsigned long long caps;
	const char *end;

	/* This process's own capabilities, whatever --sysroot says. */
	if (read_prefix_at(AT_FDCWD, "/proc/self/status", status, sizeof(status)) <= 0)
		return false;
	cap = strstr(status, "CapEff:\t");
	return cap && parse_hex64(cap + 8, &end, &caps) == 0 && (caps >> CAP_IPC_LOCK_BIT) & 1;
}

/* "4G", "2048M", "512" (MiB, as QEMU reads -m). */
static int mem_bytes(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && v < (1ULL << 40); i++)
		v = v * 10 + (unsigned long long)(s[i] - '0');
	if (i == 0)
		return -EINVAL;
	if (!s[i] || ((s[i] == 'M' || s[i] == 'm') && !s[i + 1]))
		v <<= 20;
	else if ((s[i] == 'G' || s[i] == 'g') && !s[i + 1])
		v <<= 30;
	else
		return -EINVAL;
	*out = v;
	return 0;
}

/* What would make QEMU fail half-way, said before it starts. */
static int preflight(struct boot *b)
{
	unsigned long long need;
	struct rlimit lim;
	unsigned int i;
	int bad = 0;

	for (i = 0; i < b->n_devs; i++) {
		struct pci_dev *dev = b->devs[i];
		char node[32], methods[64];

		/* Not a reason to stop: the first boot works; a restart may not. */
		if (sysfs_reset_methods(&b->sys, dev, methods, sizeof(methods)) < 0)
			fprintf(stderr,
				"vfiopt boot: warning: %s has no reset method: if this VM "
				"restarts, it finds the device as it left it, and only a host "
				"reboot may bring it back\n",
				dev->name);
		if (strcmp(dev->driver, "vfio-pci") != 0) {
			fprintf(stderr, "vfiopt boot: %s is on %s, not vfio-pci\n", dev->name,
				dev->driver[0] ? dev->driver : "no driver");
			bad = -EBUSY;
		}
		if (!b->iommufd && path_join(node, sizeof(node), "dev/vfio/%d", dev->group) == 0 &&
		    faccessat(b->sys.root, node, R_OK | W_OK, 0) < 0) {
			fprintf(stderr,
				"vfiopt boot: /%s: %s (is vfio-pci bound? are you root or in "
				"its group?)\n",
				node, strerror(errno));
			bad = -EACCES;
		}
	}
	if (mem_bytes(b->mem, &need) < 0) {
		fprintf(stderr, "vfiopt boot: -m %s: a size such as 4G or 4096M\n", b->mem);
		return -EINVAL;
	}
	/* vfio pins all guest memory. */
	if (!have_ipc_lock() && getrlimit(RLIMIT_MEMLOCK, &lim) == 0 &&
	    lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need) {
		fprintf(stderr,
			"vfiopt boot: the memlock limit (%llu KiB) is below the guest's "
			"memory (%llu KiB), and vfio pins all of it: raise it (ulimit -l, "
			"limits.conf memlock) or run as root\n",
			(unsigned long long)lim.rlim_cur >> 10, need >> 10);
		bad = -ENOMEM;
	}
	if (strcmp(b->accel, "kvm") == 0 && faccessat(b->sys.root, "dev/kvm", R_OK | W_OK, 0) < 0) {
		fprintf(stderr,
			"vfiopt boot: KVM is not usable (/dev/kvm: %s): enable "
			"virtualisation in the firmware, or use --accel tcg\n",
			strerror(errno));
		bad = -ENODEV;
	}
	return bad;
}

/* VM names become file names (the UEFI variable store): keep them plain. */
static bool plain_name(const char *s)
{
	if (!*s || strlen(s) > 64 || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int copy_file_at(int dirfd, const char *from, const char *to)
{
	char buf[65536];
	int in, out, r = 0;
	ssize_t n;

	in = openat(dirfd, from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = openat(dirfd, to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	while (r == 0 && (n = read_full(in, buf, sizeof(buf))) > 0)
		r = write_full(out, buf, (size_t)n);
	if (r == 0 && n < 0)
		r = (int)n;
	if (close(out) < 0 && r == 0)
		r = -errno;
	close(in);
	if (r < 0)
		unlinkat(dirfd, to, 0);
	return r;
}

static bool have_ovmf(const struct boot *b)
{
	return faccessat(b->sys.root, OVMF_CODE, R_OK, 0) == 0 &&
	       faccessat(b->sys.root, OVMF_VARS, R_OK, 0) == 0;
}

/* The guest boots UEFI: --uefi, or OVMF installed and no --bios. */
static bool uefi_guest(const struct boot *b)
{
	return !b->bios && (b->uefi || have_ovmf(b));
}

/* OVMF with a private copy of the variable store per VM name, or SeaBIOS. */
static int firmware(struct boot *b)
{
	bool ovmf = have_ovmf(b);
	int r;

	if (b->bios || (!b->uefi && !ovmf))
		return 0;
	if (!ovmf) {
		fprintf(stderr, "vfiopt boot: --uefi, but OVMF is not installed (apt-get install "
				"ovmf)\n");
		return -ENOENT;
	}
	r = path_join(b->vars, sizeof(b->vars), VARS_DIR "/%s_VARS.fd", b->name);
	if (r < 0)
		return r;
	if (!b->dry_run && faccessat(b->sys.root, b->vars, F_OK, 0) < 0) {
		if ((mkdirat(b->sys.root, "var/lib", 0755) < 0 && errno != EEXIST) ||
		    (mkdirat(b->sys.root, VARS_DIR, 0700) < 0 && errno != EEXIST))
			return -errno;
		r = copy_file_at(b->sys.root, OVMF_VARS, b->vars);
		if (r < 0) {
			fprintf(stderr, "vfiopt boot: cannot copy /%s to /%s: %s\n", OVMF_VARS,
				b->vars, strerror(-r));
			return r;
		}
	}
	arg(b, "-drive");
	fmt_arg(b, "if=pflash,format=raw,unit=0,readonly=on,file=%s/%s", b->sysroot, OVMF_CODE);
	arg(b, "-drive");
	return fmt_arg(b, "if=pflash,format=raw,unit=1,file=%s/%s", b->sysroot, b->vars) ? 0
											 : -E2BIG;
}

static int cmp_devp(const void *a, const void *b)
{
	return pci_addr_cmp(&(*(struct pci_dev *const *)a)->addr,
			    &(*(struct pci_dev *const *)b)->addr);
}

/* Intel's integrated GPU: QEMU assigns it only from the host's 00:02.0. */
static bool is_igd(const struct pci_dev *dev)
{
	return dev->ids.vendor == 0x8086 && (dev->ids.class >> 16) == PCI_CLASS_DISPLAY &&
	       dev->addr.domain == 0 && dev->addr.bus == 0 && dev->addr.slot == 2 &&
	       dev->addr.func == 0;
}

/*
 * The IGD at the guest's 00:02.0 on the root bus, its mode said to QEMU
 * in the properties this QEMU has (plan_igd): legacy mode by
 * x-igd-legacy-mode=on where it exists (10.0), which brings the OpRegion,
 * the LPC bridge ids and the VGA ranges along, and otherwise by the
 * conditions QEMU 7.2 takes it from (i440fx, 00:02.0, a ROM); for a UEFI
 * guest the OpRegion alone, legacy mode off.
 */
static int igd_device(struct boot *b, const char *iommufd)
{
	const char *mode;

	if (b->igd_mode == IGD_LEGACY)
		mode = b->caps.igd_legacy_mode ? ",x-igd-legacy-mode=on" : "";
	else
		mode = b->caps.igd_legacy_mode ? ",x-igd-legacy-mode=off,x-igd-opregion=on"
					       : ",x-igd-opregion=on";
	arg(b, "-device");
	return fmt_arg(b, "vfio-pci,host=%s,bus=%s,addr=0x2%s%s%s%s%s", b->igd->name,
		       b->pc_machine ? "pci.0" : "pcie.0", mode, b->igd_rom ? ",romfile=" : "",
		       b->igd_rom ? b->igd_rom : "", b->no_rom && !b->igd_rom ? ",rombar=0" : "",
		       iommufd)
		       ? 0
		       : -E2BIG;
}

/*
 * One PCIe root port per physical slot, the slot's functions behind it at
 * the same function numbers: a GPU and its HDMI audio look to the guest as
 * they do on the host.
 */
static int devices(struct boot *b)
{
	const char *iommufd = b->iommufd ? ",iommufd=vfiopt-iommufd" : "";
	unsigned int i, port = 0;
	bool display = false;

	if (b->iommufd) {
		arg(b, "-object");
		arg(b, "iommufd,id=vfiopt-iommufd");
	}
	for (i = 0; i < b->n_devs; i++) {
		const struct pci_dev *dev = b->devs[i];
		bool first = i == 0 || !pci_same_slot(&b->devs[i - 1]->addr, &dev->addr);
		bool more = (i + 1 < b->n_devs &&
			     pci_same_slot(&b->devs[i + 1]->addr, &dev->addr)) ||
			    !first;

		display |= (dev->ids.class >> 16) == PCI_CLASS_DISPLAY;
		if (dev == b->igd) {
			if (igd_device(b, iommufd) < 0)
				return -E2BIG;
			continue;
		}
		/* i440fx has no PCIe root ports: the slot on the root bus. */
		if (b->pc_machine) {
			port += first;
			if (port > 15) {
				fprintf(stderr, "vfiopt boot: more than 15 slots to pass\n");
				return -E2BIG;
			}
			arg(b, "-device");
			if (!fmt_arg(b, "vfio-pci,host=%s,bus=pci.0,addr=0x%x.%u%s%s%s", dev->name,
				     0x10 + port - 1, dev->addr.func,
				     dev->addr.func == 0 && more ? ",multifunction=on" : "",
				     b->no_rom ? ",rombar=0" : "", iommufd))
				return -E2BIG;
			continue;
		}
		if (first) {
			port++;
			if (port > 15) {
				fprintf(stderr, "vfiopt boot: more than 15 slots to pass\n");
				return -E2BIG;
			}
			if (dev->addr.func != 0)
				fprintf(stderr,
					"vfiopt boot: warning: %s goes without function 0 of "
					"its slot: the guest may not see it\n",
					dev->name);
			arg(b, "-device");
			fmt_arg(b, "pcie-root-port,id=vfiopt-rp%u,bus=pcie.0,addr=0x%x,chassis=%u",
				port, 0x10 + port - 1, port);
		}
		arg(b, "-device");
		if (!fmt_arg(b, "vfio-pci,host=%s,bus=vfiopt-rp%u,addr=0x0.%u%s%s%s", dev->name,
			     port, dev->addr.func,
			     dev->addr.func == 0 && more ? ",multifunction=on" : "",
			     b->no_rom ? ",rombar=0" : "", iommufd))
			return -E2BIG;
	}
	if (display) {
		/* The passed GPU is the display; QEMU's own VGA would be a second one. */
		arg(b, "-vga");
		arg(b, "none");
	}
	return 0;
}

static int build(struct boot *b, int extra_argc, char **extra)
{
	int i, r;

	arg(b, b->qemu);
	arg(b, "-name");
	arg(b, b->name);
	arg(b, "-machine");
	arg(b, b->pc_machine ? "pc" : "q35");
	arg(b, "-accel");
	arg(b, b->accel);
	arg(b, "-cpu");
	arg(b, strcmp(b->accel, "kvm") == 0 ? "host" : "max");
	arg(b, "-m");
	arg(b, b->mem);
	arg(b, "-smp");
	arg(b, b->smp);
	r = firmware(b);
	if (r == 0)
		r = devices(b);
	if (r < 0)
		return r;
	if (b->hda) {
		arg(b, "-hda");
		arg(b, b->hda);
	}
	if (b->cdrom) {
		arg(b, "-cdrom");
		arg(b, b->cdrom);
	}
	for (i = 0; i < extra_argc; i++)
		arg(b, extra[i]);
	if (b->overflow) {
		fprintf(stderr, "vfiopt boot: too many or too long QEMU arguments\n");
		return -E2BIG;
	}
	b->argv[b->argc] = NULL;
	return 0;
}

static int parse(struct boot *b, int argc, char **argv)
{
	static const struct option options[] = {
		{ "sysroot", required_argument, NULL, 'r' },
		{ "device", required_argument, NULL, 'd' },
		{ "hda", required_argument, NULL, 'H' },
		{ "cdrom", required_argument, NULL, 'C' },
		{ "name", required_argument, NULL, 'N' },
		{ "m", required_argument, NULL, 'M' },
		{ "smp", required_argument, NULL, 'S' },
		{ "uefi", no_argument, NULL, 'u' },
		{ "bios", no_argument, NULL, 'b' },
		{ "accel", required_argument, NULL, 'a' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "no-rom", no_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "print", required_argument, NULL, 'P' },
		{ "igd-rom", required_argument, NULL, 'I' },
		{ "iommufd", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	/* getopt_long_only: the seed's single-dash -hda, -cdrom, -name, -m, -smp. */
	while ((opt = getopt_long_only(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			b->sysroot = optarg;
			break;
		case 'd':
			/* Resolved once the devices are listed. */
			break;
		case 'H':
			b->hda = optarg;
			break;
		case 'C':
			b->cdrom = optarg;
			break;
		case 'N':
			b->name = optarg;
			break;
		case 'M':
			b->mem = optarg;
			break;
		case 'S':
			b->smp = optarg;
			break;
		case 'u':
			b->uefi = true;
			break;
		case 'b':
			b->bios = true;
			break;
		case 'a':
			b->accel = optarg;
			break;
		case 'q':
			b->qemu = optarg;
			break;
		case 'R':
			b->no_rom = true;
			break;
		case 'I':
			b->igd_rom = optarg;
			break;
		case 'F':
			b->iommufd = true;
			break;
		case 'n':
			b->dry_run = true;
			break;
		case 'P':
			if (strcmp(optarg, "qemu") == 0) {
				b->print = PRINT_QEMU;
			} else if (strcmp(optarg, "libvirt") == 0) {
				b->print = PRINT_LIBVIRT;
			} else if (strcmp(optarg, "qm") == 0) {
				b->print = PRINT_QM;
			} else {
				fprintf(stderr,
					"vfiopt boot: --print qemu, libvirt or qm, not %s\n",
					optarg);
				return -EINVAL;
			}
			b->dry_run = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	return 0;
}

static int resolve_devices(struct boot *b, int argc, char **argv)
{
	int i, r;

	/* The --device options, again, now that the devices are known. */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *val = NULL, *why;
		struct pci_addr addr;
		struct pci_dev *dev;

		if (strcmp(argv[i], "--device") == 0 || strcmp(argv[i], "-device") == 0)
			val = i + 1 < argc ? argv[++i] : NULL;
		else if (strncmp(argv[i], "--device=", 9) == 0)
			val = argv[i] + 9;
		else if (strncmp(argv[i], "-device=", 8) == 0)
			val = argv[i] + 8;
		if (!val)
			continue;
		if (pci_addr_parse(val, strlen(val), &addr, &why) < 0) {
			fprintf(stderr, "vfiopt boot: --device %s: %s\n", val, why);
			return -EINVAL;
		}
		dev = sysfs_find(&b->sys, &addr);
		if (!dev || sysfs_load(&b->sys, dev) < 0) {
			fprintf(stderr, "vfiopt boot: --device %s: no such PCI device\n", val);
			return -ENODEV;
		}
		r = add_device(b, dev);
		if (r < 0)
			return r;
	}
	if (!b->n_devs)
		return devices_from_record(b);
	for (i = 0; i < (int)b->n_devs; i++)
		sysfs_load(&b->sys, b->devs[i]);
	return 0;
}

static void print_command(const struct boot *b)
{
	unsigned int i;

	for (i = 0; i < b->argc; i++)
		printf("%s\n", b->argv[i]);
}

/* A device attribute or directory exists (relative to sys/bus/pci/devices). */
static bool dev_has(const struct boot *b, const struct pci_dev *dev, const char *attr)
{
	char path[PCI_NAME_MAX + 32];

	return sysfs_dev_path(dev, attr, path, sizeof(path)) == 0 &&
	       faccessat(b->sys.devices, path, F_OK, 0) == 0;
}

/* The ISA/LPC bridge at the host's 00:1f.0, as Intel's chipsets have it. */
static bool host_lpc(struct boot *b)
{
	static const struct pci_addr lpc = { .domain = 0, .bus = 0, .slot = 0x1f, .func = 0 };
	struct pci_dev *dev = sysfs_find(&b->sys, &lpc);

	return dev && sysfs_load(&b->sys, dev) == 0 && (dev->ids.class >> 8) == 0x0601;
}

/* The name of DEV's VFIO device cdev, "vfioN", from its vfio-dev directory. */
static int vfio_cdev(const struct boot *b, const struct pci_dev *dev, char *buf, size_t size)
{
	char path[PCI_NAME_MAX + 16];
	struct dirent *de;
	unsigned long n;
	int r = -ENOENT;
	DIR *dir;

	if (sysfs_dev_path(dev, "vfio-dev", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	dir = opendir_at(b->sys.devices, path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (strncmp(de->d_name, "vfio", 4) == 0 &&
		    parse_uint(de->d_name + 4, 1UL << 20, &n) == 0) {
			r = path_join(buf, size, "vfio%lu", n);
			break;
		}
	closedir(dir);
	return r;
}

/*
 * An IGD is not a clean PCI device (QEMU's docs/igd-assign.txt): the
 * guest's drivers want the host's OpRegion (with its VBT), stolen memory
 * and, for the VBIOS and GOP, the host's LPC bridge ids, the VGA ranges
 * and the device at 00:02.0.  A UEFI guest takes it as a secondary device
 * on q35 with the OpRegion; a --bios guest in legacy mode on i440fx.
 * What is missing is said before QEMU starts; what cannot work is refused.
 */
static int plan_igd(struct boot *b)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < b->n_devs; i++)
		if (is_igd(b->devs[i]))
			b->igd = b->devs[i];
	if (!b->igd)
		return 0;
	/* A VM manager chooses the guest's firmware, not this host's OVMF. */
	if ((b->print == PRINT_LIBVIRT || b->print == PRINT_QM) && !b->uefi && !b->bios) {
		fprintf(stderr,
			"vfiopt boot: %s is an Intel IGD, whose mode follows the guest's "
			"firmware: say --uefi or --bios\n",
			b->igd->name);
		return -EINVAL;
	}
	b->igd_mode = uefi_guest(b) ? IGD_UPT : IGD_LEGACY;
	b->pc_machine = b->igd_mode == IGD_LEGACY;
	/* QEMU reads a comma as the next option; the rest would end an XML attribute. */
	if (b->igd_rom && strpbrk(b->igd_rom, ",'\"<>&")) {
		fprintf(stderr, "vfiopt boot: --igd-rom %s: a path without , ' \" < > or &\n",
			b->igd_rom);
		return -EINVAL;
	}
	if (b->igd_rom && b->igd_rom[0] == '/' &&
	    faccessat(b->sys.root, b->igd_rom + 1, R_OK, 0) < 0)
		fprintf(stderr, "vfiopt boot: warning: --igd-rom %s: %s\n", b->igd_rom,
			strerror(errno));
	if (b->igd_mode == IGD_UPT) {
		if (b->caps_probed && !b->caps.igd_opregion) {
			fprintf(stderr,
				"vfiopt boot: %s has no x-igd-opregion: the guest's driver "
				"would find no OpRegion for the IGD (QEMU 2.12 and later "
				"have it)\n",
				b->qemu);
			bad = -ENOTSUP;
		}
		if (!b->igd_rom)
			fprintf(stderr,
				"vfiopt boot: warning: %s is an Intel IGD and the guest boots "
				"UEFI: "
				"OVMF sets up neither its OpRegion nor its stolen memory, so the "
				"guest's firmware shows nothing on it and its driver may drive no "
				"output.  Give an option ROM built with IgdAssignmentDxe (QEMU's "
				"docs/igd-assign.txt, \"Guest firmware\") with --igd-rom FILE, or "
				"boot the guest in legacy mode with --bios\n",
				b->igd->name);
		return bad;
	}
	/* QEMU's legacy mode takes only the VGA device (0300), the boot display. */
	if (!vm_is_vga(b->igd)) {
		fprintf(stderr,
			"vfiopt boot: %s is an IGD of class %04x, not the VGA device: legacy mode "
			"(a SeaBIOS guest) cannot take it; boot the guest UEFI (--uefi)\n",
			b->igd->name, b->igd->ids.class >> 8);
		return -EINVAL;
	}
	if (b->no_rom && !b->igd_rom) {
		fprintf(stderr, "vfiopt boot: legacy mode (a SeaBIOS guest) runs the IGD's "
				"VBIOS, and --no-rom hides it: drop --no-rom, or give the VBIOS "
				"with --igd-rom FILE\n");
		bad = -EINVAL;
	}
	if (!b->igd_rom && !dev_has(b, b->igd, "rom"))
		fprintf(stderr,
			"vfiopt boot: warning: %s shows no ROM (no rom attribute): legacy mode "
			"needs its VBIOS: give a dump of it with --igd-rom FILE\n",
			b->igd->name);
	if (!host_lpc(b))
		fprintf(stderr, "vfiopt boot: warning: the host has no LPC bridge at 00:1f.0, "
				"whose ids the IGD's VBIOS looks for in legacy mode\n");
	return bad;
}

/*
 * --iommufd: QEMU opens /dev/iommu and each device's cdev
 * (/dev/vfio/devices/vfioN, named by sys/bus/pci/devices/ADDR/vfio-dev/)
 * instead of the group.  The kernel needs CONFIG_IOMMUFD and
 * CONFIG_VFIO_DEVICE_CDEV (6.6), QEMU the iommufd backend (9.0).
 */
static int preflight_iommufd(struct boot *b)
{
	unsigned int i;
	int bad = 0;

	if (!b->caps.iommufd_object || !b->caps.vfio_iommufd) {
		fprintf(stderr,
			"vfiopt boot: --iommufd: %s has no iommufd backend (-object "
			"iommufd, QEMU 9.0 and later)\n",
			b->qemu);
		bad = -ENOTSUP;
	}
	if (faccessat(b->sys.root, "dev/iommu", R_OK | W_OK, 0) < 0) {
		int e = errno;

		fprintf(stderr, "vfiopt boot: --iommufd: /dev/iommu: %s%s\n", strerror(e),
			e == ENOENT   ? " (iommufd is not loaded, or the kernel is built without "
					"CONFIG_IOMMUFD, as Debian's are: drop --iommufd)"
			: e == EACCES ? " (run as root, or give this user the node)"
				      : "");
		return -ENODEV;
	}
	for (i = 0; i < b->n_devs; i++) {
		char cdev[32], node[64];

		if (vfio_cdev(b, b->devs[i], cdev, sizeof(cdev)) < 0) {
			fprintf(stderr,
				"vfiopt boot: --iommufd: %s has no VFIO device cdev (a "
				"kernel without CONFIG_VFIO_DEVICE_CDEV)\n",
				b->devs[i]->name);
			bad = -ENODEV;
			continue;
		}
		if (path_join(node, sizeof(node), "dev/vfio/devices/%s", cdev) < 0 ||
		    faccessat(b->sys.root, node, R_OK | W_OK, 0) < 0) {
			fprintf(stderr, "vfiopt boot: --iommufd: /%s: %s\n", node, strerror(errno));
			bad = -EACCES;
		}
	}
	return bad;
}

/* What the plan needs to know of QEMU, asked before anything is built. */
static int probe_qemu(struct boot *b)
{
	unsigned int i;
	bool need = b->iommufd;
	int r;

	for (i = 0; i < b->n_devs; i++)
		need |= is_igd(b->devs[i]);
	if (!need || b->print == PRINT_LIBVIRT || b->print == PRINT_QM)
		return 0;
	r = qemu_caps_probe(b->qemu, &b->caps);
	b->caps_probed = r == 0;
	if (r < 0)
		fprintf(stderr,
			"vfiopt boot: cannot ask %s what it supports: %s (install "
			"qemu-system-x86, or give --qemu PATH)\n",
			b->qemu, strerror(-r));
	return r;
}

/*
 * libvirt or Proxmox starts the VM: it checks memory locking and the
 * accelerator itself, and takes no QEMU arguments of ours.
 */
static int print_for_manager(const struct boot *b, int extra_argc)
{
	struct vm_plan plan = {
		.sys = &b->sys,
		.devs = b->devs,
		.n_devs = b->n_devs,
		.no_rom = b->no_rom,
		.igd = b->igd,
		.igd_legacy = b->igd_mode == IGD_LEGACY,
		.igd_rom = b->igd_rom,
	};

	if (b->iommufd) {
		fprintf(stderr, "vfiopt boot: --iommufd is for the QEMU command line: libvirt "
				"and Proxmox choose the interface themselves\n");
		return -EINVAL;
	}
	if (b->hda || b->cdrom || extra_argc > 0) {
		fprintf(stderr,
			"vfiopt boot: --print %s prints the devices only: -hda, -cdrom "
			"and QEMU arguments belong in the VM's own configuration\n",
			b->print == PRINT_QM ? "qm" : "libvirt");
		return -EINVAL;
	}
	return b->print == PRINT_QM ? vm_print_qm(&plan, stdout) : vm_print_libvirt(&plan, stdout);
}

int verb_boot(int argc, char **argv)
{
	struct boot b = { .name = "vfiopt", .mem = "2G", .smp = "2" };
	int r, status = EXIT_FAILED;

	r = parse(&b, argc, argv);
	if (r != 0)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	if (b.uefi && b.bios) {
		fprintf(stderr, "vfiopt boot: --uefi or --bios, not both\n");
		return EXIT_USAGE;
	}
	if (!plain_name(b.name)) {
		fprintf(stderr, "vfiopt boot: -name: letters, digits, '-', '_' and '.' only\n");
		return EXIT_USAGE;
	}
	if (b.accel && strcmp(b.accel, "kvm") != 0 && strcmp(b.accel, "tcg") != 0) {
		fprintf(stderr, "vfiopt boot: --accel kvm or --accel tcg\n");
		return EXIT_USAGE;
	}
	if (sysfs_open_scan(&b.sys, b.sysroot, "boot") < 0)
		return EXIT_FAILED;
	b.sysroot = b.sysroot ? b.sysroot : "";
	if (!b.accel)
		b.accel = faccessat(b.sys.root, "dev/kvm", R_OK | W_OK, 0) == 0 ? "kvm" : "tcg";
	if (!b.qemu)
		b.qemu = find_program("qemu-system-x86_64", b.qemu_path, sizeof(b.qemu_path)) == 0
				 ? b.qemu_path
				 : "qemu-system-x86_64";
	if (resolve_devices(&b, argc, argv) < 0 || add_groups(&b) < 0)
		goto out;
	qsort(b.devs, b.n_devs, sizeof(b.devs[0]), cmp_devp);
	if (probe_qemu(&b) < 0)
		goto out;
	r = plan_igd(&b);
	if (r == -EINVAL)
		status = EXIT_USAGE;
	if (r < 0)
		goto out;
	if (b.print == PRINT_LIBVIRT || b.print == PRINT_QM) {
		r = print_for_manager(&b, argc - optind);
		status = r == -EINVAL ? EXIT_USAGE : r < 0 ? EXIT_FAILED : EXIT_OK;
		goto out;
	}
	r = preflight(&b);
	if (b.iommufd && preflight_iommufd(&b) < 0)
		r = r < 0 ? r : -ENODEV;
	if (r < 0 && !b.dry_run)
		goto out;
	if (build(&b, argc - optind, argv + optind) < 0)
		goto out;
	if (b.dry_run) {
		print_command(&b);
		status = r < 0 ? EXIT_FAILED : EXIT_OK;
		goto out;
	}
	fprintf(stderr, "vfiopt boot: starting %s with %u device(s)%s\n", b.qemu, b.n_devs,
		strcmp(b.accel, "tcg") == 0 ? " under TCG (slow: no usable KVM)" : "");
	fflush(NULL);
	execv(b.qemu, (char *const *)b.argv);
	fprintf(stderr, "vfiopt boot: cannot run %s: %s\n", b.qemu, strerror(errno));
out:
	sysfs_close(&b.sys);
	return status;
}
