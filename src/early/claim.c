// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt claim: in the initramfs, before udev loads any driver, hand the
 * devices selected on the kernel command line to vfio-pci.
 *
 * For each selected device, in address order: refuse bridges; skip what is
 * already on vfio-pci; write "vfio-pci" to driver_override, so no other
 * driver can take it from then on; unbind the driver that holds it, if one
 * does.  Then load vfio-pci once (registering the driver binds every device
 * that names it in driver_override), ask the bus to probe each device and
 * check that vfio-pci holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "early/claim.h"
#include "shared/config.h"
#include "shared/dir.h"
#include "shared/format.h"
#include "shared/framebuffer.h"
#include "shared/log.h"
#include "shared/record.h"
#include "shared/selection.h"
#include "shared/spawn.h"
#include "shared/sysfs.h"
#include "shared/util.h"

#ifndef VERSION
#error "VERSION comes from the Makefile, which reads it from debian/changelog"
#endif

#define VFIO_PCI "vfio-pci"

enum reason {
	REASON_NONE,
	REASON_ADDR,
	REASON_ID,
	REASON_COMPANION,
};

enum result {
	RESULT_NONE,
	RESULT_CLAIMED,
	RESULT_ALREADY,
	RESULT_REFUSED,
	RESULT_FAILED,
	RESULT_PENDING,
};

struct dev_state {
	enum reason reason;
	enum result result;
	char previous[DRIVER_NAME_MAX];
};

struct claim {
	struct sysfs sys;
	struct selection sel;
	struct dev_state *st; /* one per sys.devs[] */
	const char *modprobe; /* --modprobe PROG, or NULL to look for it */
	const char *sysroot;  /* "" for the real root */
	unsigned int modprobe_timeout_ms;
	bool under_sysroot;
	bool dry_run;
	bool iommu;
};

static const char *const reason_names[] = {
	[REASON_NONE] = "-",
	[REASON_ADDR] = "addr",
	[REASON_ID] = "id",
	[REASON_COMPANION] = "companion",
};

static const char *const result_names[] = {
	[RESULT_NONE] = "-",	      [RESULT_CLAIMED] = "claimed", [RESULT_ALREADY] = "already",
	[RESULT_REFUSED] = "refused", [RESULT_FAILED] = "failed",   [RESULT_PENDING] = "dry-run",
};

static void usage(int fd, const char *prog)
{
	print_fd(fd,
		 "Usage: %s [--sysroot DIR] [--cmdline STRING] [--modprobe PROG] "
		 "[--dry-run]\n"
		 "\n"
		 "Hand the PCI devices selected on the kernel command line to vfio-pci.\n"
		 "Meant for the initramfs, before udev loads drivers.\n"
		 "\n"
		 "  vfiopt.ids=VVVV:DDDD[:SVVV[:SDDD[:CCCCCC[:MMMMMM]]]][,...]\n"
		 "  vfiopt.addrs=[DDDD:]BB:SS.F[,...]\n"
		 "  vfiopt.companions=0|1   also claim the slot's other functions in the same\n"
		 "                          IOMMU group (default 1)\n"
		 "  vfiopt.disable=1        do nothing (rescue switch)\n"
		 "  vfio-pci.ids=...        honoured as vfiopt.ids=\n"
		 "\n"
		 "Options:\n"
		 "      --sysroot DIR     take /sys, /proc, /run and /dev/kmsg under DIR\n"
		 "      --cmdline STRING  use STRING instead of /proc/cmdline\n"
		 "      --modprobe PROG   load vfio-pci with PROG (under --sysroot, modprobe\n"
		 "                        is only run when this is given)\n"
		 "      --modprobe-timeout SECONDS\n"
		 "                        kill modprobe after SECONDS (default 30)\n"
		 "      --dry-run         print what would be done, write nothing\n"
		 "  -h, --help            show this help\n"
		 "      --version         show the version\n",
		 prog);
}

static void dev_log_name(const struct pci_dev *dev, char *buf, size_t size)
{
	/* Both fit the callers' buffers; a cut name would only be cosmetic. */
	if (!dev->loaded ||
	    path_join(buf, size, "%s [%04x:%04x]", dev->name, dev->ids.vendor, dev->ids.device) < 0)
		if (path_join(buf, size, "%s", dev->name) < 0)
			buf[0] = '\0';
}

static void select_dev(struct claim *c, struct pci_dev *dev, enum reason reason, const char *param,
		       const char *text)
{
	struct dev_state *st = &c->st[dev - c->sys.devs];
	char name[48];

	if (st->reason != REASON_NONE)
		return;
	st->reason = reason;
	sysfs_load(&c->sys, dev);
	dev_log_name(dev, name, sizeof(name));
	log_info("%s selected by %s=%s", name, param, text);
}

static void select_by_addr(struct claim *c)
{
	unsigned int i;

	for (i = 0; i < c->sel.n_addrs; i++) {
		const struct sel_addr *a = &c->sel.addrs[i];
		struct pci_dev *dev = sysfs_find(&c->sys, &a->addr);

		if (!dev) {
			log_warn("%s=%s: no such PCI device", a->param, a->text);
			continue;
		}
		select_dev(c, dev, REASON_ADDR, a->param, a->text);
	}
}

static void select_by_id(struct claim *c)
{
	bool hit[SEL_MAX_IDS] = { false };
	unsigned int i;
	size_t d;

	if (c->sel.n_ids == 0)
		return;
	for (d = 0; d < c->sys.n_devs; d++) {
		struct pci_dev *dev = &c->sys.devs[d];
		int r = sysfs_load(&c->sys, dev);

		if (r < 0) {
			log_warn("%s: cannot read its uevent (%s); skipping it", dev->name,
				 strerror(-r));
			continue;
		}
		for (i = 0; i < c->sel.n_ids; i++) {
			const struct sel_id *id = &c->sel.ids[i];

			if (!pci_match_ids(&id->match, &dev->ids))
				continue;
			hit[i] = true;
			select_dev(c, dev, REASON_ID, id->param, id->text);
		}
	}
	for (i = 0; i < c->sel.n_ids; i++)
		if (!hit[i])
			log_warn("%s=%s matches no PCI device", c->sel.ids[i].param,
				 c->sel.ids[i].text);
}

/*
 * The other functions of a selected device's slot (a GPU's HDMI audio, its
 * USB-C controller) go along when they share its IOMMU group: a VM needs
 * the whole group, and the user picked the card, not one function of it.
 */
static void consider_companion(struct claim *c, struct pci_dev *of, struct pci_dev *dev)
{
	struct dev_state *st = &c->st[dev - c->sys.devs];
	char name[48];

	if (st->reason != REASON_NONE || sysfs_load_group(&c->sys, dev) < 0 ||
	    sysfs_load(&c->sys, dev) < 0)
		return;
	dev_log_name(dev, name, sizeof(name));
	/*
	 * A chipset slot mixes a card-like function with its host, ISA or
	 * PCI bridge: those stay with the host whatever the group says.
	 */
	if ((dev->ids.class >> 16) == PCI_CLASS_BRIDGE) {
		log_info("%s shares the slot of %s but is a bridge: not taken", name, of->name);
		return;
	}
	if (dev->group != of->group) {
		log_info("%s shares the slot of %s but not its IOMMU group: not taken", name,
			 of->name);
		return;
	}
	st->reason = REASON_COMPANION;
	log_info("%s taken along with %s (same slot, IOMMU group %d)", name, of->name, of->group);
}

static void select_companions(struct claim *c)
{
	size_t d, n = c->sys.n_devs;

	if (!c->sel.companions)
		return;
	if (!c->iommu) {
		log_info("no IOMMU groups to compare: the other functions of a slot are not taken "
			 "along");
		return;
	}
	for (d = 0; d < n; d++) {
		struct pci_dev *dev = &c->sys.devs[d];
		enum reason reason = c->st[d].reason;
		size_t j;

		if (reason != REASON_ADDR && reason != REASON_ID)
			continue;
		if (sysfs_load_group(&c->sys, dev) < 0 || dev->group < 0)
			continue;
		/* Sorted by address: a slot's functions sit next to each other. */
		for (j = d; j > 0 && pci_same_slot(&c->sys.devs[j - 1].addr, &dev->addr); j--)
			consider_companion(c, dev, &c->sys.devs[j - 1]);
		for (j = d + 1; j < n && pci_same_slot(&c->sys.devs[j].addr, &dev->addr); j++)
			consider_companion(c, dev, &c->sys.devs[j]);
	}
}

/* A write to a device's attribute, or under --dry-run what it would be. */
static int put_dev(struct claim *c, const char *path, const char *value)
{
	if (c->dry_run) {
		print_fd(STDOUT_FILENO, "would write %s to %s/sys/bus/pci/devices/%s\n", value,
			 c->sysroot, path);
		return 0;
	}
	return write_attr_at(c->sys.devices, path, value);
}

static void fail(struct claim *c, struct pci_dev *dev, const char *what, int err)
{
	char name[48];

	c->st[dev - c->sys.devs].result = RESULT_FAILED;
	dev_log_name(dev, name, sizeof(name));
	log_warn("%s: %s: %s", name, what, strerror(-err));
}

static void already(struct claim *c, const struct pci_dev *dev, const char *name)
{
	c->st[dev - c->sys.devs].result = RESULT_ALREADY;
	log_info("%s is already on vfio-pci", name);
}

/* Steps 1 to 3: refuse bridges, set driver_override, unbind. */
static void prepare(struct claim *c, struct pci_dev *dev)
{
	struct dev_state *st = &c->st[dev - c->sys.devs];
	char name[48], path[PCI_NAME_MAX + 32];
	int r;

	r = sysfs_load(&c->sys, dev);
	if (r < 0) {
		fail(c, dev, "cannot read its uevent", r);
		return;
	}
	dev_log_name(dev, name, sizeof(name));
	memcpy(st->previous, dev->driver, sizeof(st->previous));
	/*
	 * Host, ISA and PCI bridges: taking one takes what sits behind it or
	 * the chipset itself from the host, and vfio-pci cannot use them.
	 */
	if ((dev->ids.class >> 16) == PCI_CLASS_BRIDGE) {
		st->result = RESULT_REFUSED;
		log_warn("%s is a bridge (class %06x): refusing to claim it%s", name,
			 dev->ids.class,
			 pci_class_is_bridge(dev->ids.class) ? " (select the devices behind it)"
							     : "");
		return;
	}
	if (strcmp(dev->driver, VFIO_PCI) == 0) {
		already(c, dev, name);
		return;
	}
	r = sysfs_dev_path(dev, "driver_override", path, sizeof(path));
	if (r == 0)
		r = put_dev(c, path, VFIO_PCI);
	if (r < 0) {
		fail(c, dev, "cannot write driver_override", r);
		return;
	}
	/*
	 * The uevent was read before the override was in place; a driver may
	 * have bound since (the very race we are here for): ask the link.
	 */
	r = sysfs_driver_of(&c->sys, dev, dev->driver, sizeof(dev->driver));
	if (r < 0) {
		fail(c, dev, "cannot read its driver link", r);
		return;
	}
	memcpy(st->previous, dev->driver, sizeof(st->previous));
	if (strcmp(dev->driver, VFIO_PCI) == 0) {
		already(c, dev, name);
		return;
	}
	if (dev->driver[0]) {
		/* The driver link's unbind is the bound driver's own. */
		r = sysfs_dev_path(dev, "driver/unbind", path, sizeof(path));
		if (r == 0)
			r = put_dev(c, path, dev->name);
		if (r < 0) {
			fail(c, dev, "cannot unbind it from its driver", r);
			return;
		}
		if (c->dry_run)
			log_info("%s would be unbound from %s", name, dev->driver);
		else
			log_info("%s unbound from %s", name, dev->driver);
	}
	st->result = RESULT_PENDING;
}

/*
 * Step 4: vfio-pci, and the type1 IOMMU backend that a VM needs as well.
 * modprobe -a fails as a whole when one module is missing, so its status
 * is not the answer: sysfs says what got loaded.
 */
static void load_vfio(struct claim *c)
{
	const char *argv[] = { c->modprobe, "-a", VFIO_PCI, "vfio_iommu_type1", NULL };
	char found[256];
	int r;

	if (sysfs_has_driver(&c->sys, VFIO_PCI))
		return;
	if (c->dry_run) {
		if (c->under_sysroot && !c->modprobe)
			print_fd(STDOUT_FILENO,
				 "would not run modprobe under --sysroot without --modprobe\n");
		else
			print_fd(STDOUT_FILENO, "would run %s -a vfio-pci vfio_iommu_type1\n",
				 c->modprobe ? c->modprobe : "modprobe");
		return;
	}
	if (c->under_sysroot && !c->modprobe) {
		log_info("vfio-pci is not loaded; not running modprobe under --sysroot");
		return;
	}
	if (!argv[0]) {
		if (find_program("modprobe", found, sizeof(found)) < 0) {
			log_warn("no modprobe found: cannot load vfio-pci");
			return;
		}
		argv[0] = found;
	}
	r = run_command(argv, c->modprobe_timeout_ms);
	if (!sysfs_has_driver(&c->sys, VFIO_PCI)) {
		log_warn("%s -a vfio-pci vfio_iommu_type1 did not load vfio-pci: %s", argv[0],
			 r == -EIO ? "non-zero exit"
			 : r < 0   ? strerror(-r)
				   : "no driver registered");
		return;
	}
	if (!sysfs_has_module(&c->sys, "vfio_iommu_type1"))
		log_warn("vfio_iommu_type1 is not loaded: QEMU will fail with \"No available IOMMU "
			 "models\" until it is");
}

static const char *why_not_bound(struct claim *c, const char *now)
{
	if (now[0])
		return "another driver took it";
	if (!sysfs_has_driver(&c->sys, VFIO_PCI))
		return "vfio-pci is not loaded; driver_override keeps the host driver off";
	if (!c->iommu)
		return "vfio-pci needs an IOMMU group; driver_override keeps the host driver off";
	return "vfio-pci did not bind; driver_override keeps the host driver off";
}

/* Step 5: probe, then believe the driver link, not the write. */
static void bind(struct claim *c, struct pci_dev *dev)
{
	struct dev_state *st = &c->st[dev - c->sys.devs];
	char name[48], now[DRIVER_NAME_MAX];
	int r;

	dev_log_name(dev, name, sizeof(name));
	if (c->dry_run) {
		print_fd(STDOUT_FILENO,
			 "would write %s to %s/sys/bus/pci/drivers_probe\n"
			 "would check that %s is on vfio-pci\n",
			 dev->name, c->sysroot, dev->name);
		return;
	}
	r = write_attr_at(c->sys.root, "sys/bus/pci/drivers_probe", dev->name);
	/*
	 * Probing is synchronous: the link is final when the write returns.
	 * Registering vfio-pci may already have bound the device; the link,
	 * not this write's status, is the answer either way.
	 */
	if (r < 0)
		log_warn("%s: writing drivers_probe: %s", name, strerror(-r));
	r = sysfs_driver_of(&c->sys, dev, now, sizeof(now));
	if (r < 0) {
		fail(c, dev, "cannot read its driver link", r);
		return;
	}
	memcpy(dev->driver, now, sizeof(dev->driver));
	if (strcmp(now, VFIO_PCI) == 0) {
		st->result = RESULT_CLAIMED;
		log_info("%s claimed by vfio-pci%s%s", name, st->previous[0] ? ", was on " : "",
			 st->previous);
		return;
	}
	st->result = RESULT_FAILED;
	log_warn("%s is not on vfio-pci%s%s: %s", name, now[0] ? " but on " : "", now,
		 why_not_bound(c, now));
}

static bool claimed(enum result res)
{
	return res == RESULT_CLAIMED || res == RESULT_ALREADY || res == RESULT_PENDING;
}

/* Drivers a VFIO group tolerates beside vfio-pci: they do no DMA for the host. */
static bool driver_harmless(const struct pci_dev *dev)
{
	return dev->driver[0] == '\0' || strcmp(dev->driver, VFIO_PCI) == 0 ||
	       strcmp(dev->driver, "pci-stub") == 0 || pci_class_is_bridge(dev->ids.class);
}

/*
 * A VM can only have a group whose every endpoint is on vfio-pci (or on no
 * driver at all); bridges do not count.  Name each member that spoils it.
 */
static void check_group(struct claim *c, int group)
{
	char path[64], name[48], buf[4096];
	struct dir_reader d;
	const char *entry;

	if (path_join(path, sizeof(path), "sys/kernel/iommu_groups/%d/devices", group) < 0 ||
	    dir_open_at(&d, c->sys.root, path, buf, sizeof(buf)) < 0)
		return;
	while (dir_next(&d, &entry) > 0) {
		struct pci_addr addr;
		struct pci_dev *dev;
		const char *why;

		if (entry[0] == '.' || pci_addr_parse(entry, strlen(entry), &addr, &why) < 0)
			continue;
		dev = sysfs_find(&c->sys, &addr);
		if (!dev || sysfs_load(&c->sys, dev) < 0)
			continue;
		if (claimed(c->st[dev - c->sys.devs].result) || driver_harmless(dev))
			continue;
		dev_log_name(dev, name, sizeof(name));
		log_warn("IOMMU group %d is not viable for a VM: %s is on %s", group, name,
			 dev->driver);
	}
	dir_close(&d);
}

static void check_groups(struct claim *c)
{
	size_t d, e;

	for (d = 0; d < c->sys.n_devs; d++) {
		struct pci_dev *dev = &c->sys.devs[d];

		if (!claimed(c->st[d].result) || sysfs_load_group(&c->sys, dev) < 0 ||
		    dev->group < 0)
			continue;
		/* Once a group: skip it when an earlier claimed device is in it. */
		for (e = 0; e < d; e++)
			if (claimed(c->st[e].result) && c->sys.devs[e].group == dev->group)
				break;
		if (e == d)
			check_group(c, dev->group);
	}
}

/*
 * A firmware framebuffer in the GPU's BAR keeps it from the VM.  vfio-pci
 * removes it itself since 6.0; on an older kernel, name the switch.
 */
static void check_framebuffer(struct claim *c, struct pci_dev *dev)
{
	char release[128];
	struct fb_conflict fb;

	/* Only the boot VGA has one: no read at all for the other devices. */
	if ((dev->ids.class >> 8) != 0x0300 || !sysfs_is_boot_vga(&c->sys, dev) ||
	    fb_removed_by_vfio(&c->sys, dev, release, sizeof(release)) ||
	    fb_find(&c->sys, dev, &fb) <= 0)
		return;
	log_notice("%s: BAR %d holds the firmware framebuffer (%s), which this kernel's "
		   "vfio-pci leaves in place; add %s to the kernel command line",
		   dev->name, fb.bar, fb.where, fb_parameter(fb.holder));
}

static void write_record(struct claim *c)
{
	static char old[RECORD_MAX];
	struct record rec;
	size_t d;
	int r;

	/*
	 * A later run finds its devices "already" on vfio-pci: keep the host
	 * driver the first run saw, which status and release need.
	 */
	if (read_file_at(c->sys.root, RECORD_PATH, old, sizeof(old)) < 0)
		old[0] = '\0';
	for (d = 0; d < c->sys.n_devs; d++) {
		struct dev_state *st = &c->st[d];

		if (st->result == RESULT_ALREADY)
			record_previous(old, c->sys.devs[d].name, st->previous,
					sizeof(st->previous));
	}

	r = record_begin(&rec, c->sys.root);
	for (d = 0; r == 0 && d < c->sys.n_devs; d++) {
		const struct pci_dev *dev = &c->sys.devs[d];
		const struct dev_state *st = &c->st[d];

		if (st->reason == REASON_NONE)
			continue;
		record_line(&rec, "%s %04x:%04x %s %s %s\n", dev->name, dev->ids.vendor,
			    dev->ids.device, reason_names[st->reason],
			    st->previous[0] ? st->previous : "-", result_names[st->result]);
	}
	if (r == 0)
		r = record_commit(&rec);
	if (r < 0)
		log_warn("cannot write /%s: %s", RECORD_PATH, strerror(-r));
}

static int run_claim(struct claim *c)
{
	unsigned int n_claimed = 0, n_failed = 0, n_pending = 0;
	size_t d;
	int r;

	r = sysfs_scan(&c->sys);
	if (r < 0) {
		log_err("cannot list /sys/bus/pci/devices: %s", strerror(-r));
		return EXIT_FAILED;
	}
	c->st = map_array(c->sys.n_devs, sizeof(*c->st));
	if (!c->st) {
		log_err("out of memory");
		return EXIT_FAILED;
	}
	c->iommu = sysfs_has_iommu_groups(&c->sys);
	if (!c->iommu)
		log_warn("no IOMMU groups: the IOMMU is off. Enable VT-d (Intel) or AMD-Vi "
			 "(AMD) in the firmware, on Intel add intel_iommu=on to the kernel "
			 "command line; claiming anyway to keep host drivers off");

	select_by_addr(c);
	select_by_id(c);
	select_companions(c);

	for (d = 0; d < c->sys.n_devs; d++)
		if (c->st[d].reason != REASON_NONE)
			prepare(c, &c->sys.devs[d]);
	for (d = 0; d < c->sys.n_devs; d++)
		n_pending += c->st[d].result == RESULT_PENDING;
	if (n_pending)
		load_vfio(c);
	for (d = 0; d < c->sys.n_devs; d++)
		if (c->st[d].result == RESULT_PENDING)
			bind(c, &c->sys.devs[d]);

	check_groups(c);
	for (d = 0; d < c->sys.n_devs; d++) {
		enum result res = c->st[d].result;

		n_claimed += res == RESULT_CLAIMED || res == RESULT_ALREADY;
		n_failed += res == RESULT_FAILED || res == RESULT_REFUSED;
		if (res == RESULT_CLAIMED || res == RESULT_PENDING)
			check_framebuffer(c, &c->sys.devs[d]);
	}
	if (!c->dry_run) {
		write_record(c);
		if (n_claimed + n_failed)
			log_info("%u device(s) on vfio-pci, %u not", n_claimed, n_failed);
	}
	return n_failed ? EXIT_FAILED : EXIT_OK;
}

int claim_main(const char *prog, int argc, char **argv)
{
	static const struct option options[] = {
		{ "sysroot", required_argument, NULL, 'r' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "modprobe", required_argument, NULL, 'm' },
		{ "modprobe-timeout", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	static char cmdline[CMDLINE_MAX];
	const char *sysroot = NULL, *given = NULL;
	struct claim c = { .modprobe_timeout_ms = MODPROBE_TIMEOUT_MS };
	unsigned long seconds;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			sysroot = optarg;
			break;
		case 'c':
			given = optarg;
			break;
		case 'm':
			c.modprobe = optarg;
			break;
		case 't':
			if (parse_uint(optarg, 3600, &seconds) < 0 || seconds == 0) {
				print_fd(STDERR_FILENO,
					 "%s: --modprobe-timeout takes 1-3600 seconds\n", prog);
				return EXIT_USAGE;
			}
			c.modprobe_timeout_ms = (unsigned int)seconds * 1000;
			break;
		case 'n':
			c.dry_run = true;
			break;
		case 'h':
			usage(STDOUT_FILENO, prog);
			return EXIT_OK;
		case 'V':
			print_fd(STDOUT_FILENO, "%s %s\n", prog, VERSION);
			return EXIT_OK;
		default:
			usage(STDERR_FILENO, prog);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		print_fd(STDERR_FILENO, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return EXIT_USAGE;
	}
	c.under_sysroot = sysroot != NULL;
	c.sysroot = sysroot ? sysroot : "";

	r = sysfs_open(&c.sys, sysroot);
	if (r < 0) {
		print_fd(STDERR_FILENO, "%s: cannot open %s: %s\n", prog, sysroot ? sysroot : "/",
			 strerror(-r));
		return EXIT_USAGE;
	}
	/* A dry run writes nothing, not even to the kernel log. */
	log_setup(c.sys.root, !c.dry_run, c.dry_run || isatty(STDERR_FILENO));

	selection_init(&c.sel);
	/* The configuration first: the command line adds to it, and its
	 * vfiopt.disable=1 always wins. */
	config_load(c.sys.root, &c.sel);
	r = cmdline_load(c.sys.root, given, cmdline, sizeof(cmdline));
	if (r < 0) {
		log_err("cannot read /proc/cmdline: %s", strerror(-r));
		status = EXIT_FAILED;
		goto out;
	}
	selection_parse_cmdline(&c.sel, cmdline);
	selection_report(&c.sel);

	if (c.sel.disabled) {
		log_info("disabled by vfiopt.disable=1: claiming nothing");
		status = EXIT_OK;
	} else if (selection_empty(&c.sel)) {
		if (c.sel.n_bad)
			log_warn("nothing valid to claim: every entry was malformed");
		status = c.sel.n_bad ? EXIT_USAGE : EXIT_OK;
	} else {
		status = run_claim(&c);
	}
out:
	unmap_array(c.st, c.sys.n_devs, sizeof(*c.st));
	log_close();
	sysfs_close(&c.sys);
	return status;
}
