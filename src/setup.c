// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt setup: the seed recipe's configuration steps, for this machine.
 * Check the selection against the devices present, then write the GRUB
 * snippet (IOMMU switch by CPU vendor, iommu=pt, the selection, and the
 * framebuffer switch when the boot GPU is selected) and the dracut one,
 * atomically and idempotently, and say (or, with --apply, run) what
 * finishes the job.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "selection.h"
#include "spawn.h"
#include "sysfs.h"
#include "util.h"
#include "verbs.h"

#define GRUB_SNIPPET "etc/default/grub.d/vfiopt.cfg"
#define DRACUT_SNIPPET "etc/dracut.conf.d/vfiopt.conf"
#define DRACUT_MODULE "usr/lib/dracut/modules.d/90vfiopt/module-setup.sh"
/* update-grub and dracut --regenerate-all take a while, but not forever. */
#define APPLY_TIMEOUT_MS (15 * 60 * 1000)

/* Room for the whole selection on one line: 64 ids and 64 addresses. */
#define CMDLINE_ADD_MAX 8192

struct setup {
	struct sysfs sys;
	struct selection sel;
	bool force;
	bool apply;
	bool under_sysroot;
	bool boot_vga;
};

static void usage(FILE *out)
{
	fputs("Usage: vfiopt setup [--sysroot DIR] (--ids LIST | --addrs LIST) [--force] "
	      "[--apply]\n"
	      "\n"
	      "Write /etc/default/grub.d/vfiopt.cfg (the IOMMU switch for this CPU, iommu=pt,\n"
	      "the selection, video=efifb:off,vesafb:off for the boot GPU) and\n"
	      "/etc/dracut.conf.d/vfiopt.conf, then print the commands that finish the job.\n"
	      "\n"
	      "  --ids LIST       vendor:device[:subvendor[:subdevice[:class[:mask]]]][,...]\n"
	      "  --addrs LIST     [DDDD:]BB:SS.F[,...]\n"
	      "  --force          write even when an entry matches no device here\n"
	      "  --apply          also run the commands (update-grub, dracut)\n"
	      "  --sysroot DIR    take every path under DIR\n"
	      "  -h, --help       show this help\n",
	      out);
}

static bool any_match(struct setup *s, const struct pci_match *m)
{
	bool found = false;
	size_t d;

	for (d = 0; d < s->sys.n_devs; d++) {
		struct pci_dev *dev = &s->sys.devs[d];

		if (sysfs_load(&s->sys, dev) < 0 || !pci_match_ids(m, &dev->ids))
			continue;
		found = true;
		if (pci_class_is_bridge(dev->ids.class))
			fprintf(stderr,
				"vfiopt setup: warning: %s is a PCI bridge; the claim will refuse "
				"it\n",
				dev->name);
		else
			printf("  %s [%04x:%04x]\n", dev->name, dev->ids.vendor, dev->ids.device);
	}
	return found;
}

/* Every entry must name a present device, unless --force. */
static int check_selection(struct setup *s)
{
	unsigned int i, missing = 0;
	size_t d;

	printf("Selected on this machine:\n");
	for (i = 0; i < s->sel.n_ids; i++) {
		if (any_match(s, &s->sel.ids[i].match))
			continue;
		fprintf(stderr, "vfiopt setup: --ids %s matches no PCI device here\n",
			s->sel.ids[i].text);
		missing++;
	}
	for (i = 0; i < s->sel.n_addrs; i++) {
		struct pci_dev *dev = sysfs_find(&s->sys, &s->sel.addrs[i].addr);

		if (!dev || sysfs_load(&s->sys, dev) < 0) {
			fprintf(stderr, "vfiopt setup: --addrs %s: no such PCI device here\n",
				s->sel.addrs[i].text);
			missing++;
			continue;
		}
		printf("  %s [%04x:%04x]\n", dev->name, dev->ids.vendor, dev->ids.device);
	}
	for (d = 0; d < s->sys.n_devs; d++) {
		struct pci_dev *dev = &s->sys.devs[d];
		bool selected = false;

		if (!dev->loaded)
			continue;
		for (i = 0; i < s->sel.n_ids && !selected; i++)
			selected = pci_match_ids(&s->sel.ids[i].match, &dev->ids);
		for (i = 0; i < s->sel.n_addrs && !selected; i++)
			selected = pci_addr_cmp(&s->sel.addrs[i].addr, &dev->addr) == 0;
		if (selected && sysfs_is_boot_vga(&s->sys, dev)) {
			printf("  %s is the boot VGA: adding video=efifb:off,vesafb:off\n",
			       dev->name);
			s->boot_vga = true;
		}
	}
	if (missing && !s->force) {
		fprintf(stderr, "vfiopt setup: nothing written (--force writes it anyway)\n");
		return -ENODEV;
	}
	return 0;
}

/* intel_iommu=on or amd_iommu=on, from /proc/cpuinfo's vendor_id. */
static const char *iommu_switch(struct setup *s)
{
	static char buf[ATTR_MAX];

	/* The first processor's vendor_id line is at the start of the file. */
	if (read_prefix_at(s->sys.root, "proc/cpuinfo", buf, sizeof(buf)) < 0)
		return NULL;
	if (strstr(buf, "GenuineIntel"))
		return "intel_iommu=on";
	if (strstr(buf, "AuthenticAMD") || strstr(buf, "HygonGenuine"))
		return "amd_iommu=on";
	return NULL;
}

/* The selection in canonical form: ids as given, in lower case; full addresses. */
static int selection_params(struct setup *s, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;
	char *p;
	int r;

	buf[0] = '\0';
	for (i = 0; i < s->sel.n_ids; i++) {
		r = path_join(buf + len, size - len, "%s%s",
			      i ? "," : " vfiopt.ids=", s->sel.ids[i].text);
		if (r < 0)
			return r;
		len += strlen(buf + len);
	}
	for (p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	for (i = 0; i < s->sel.n_addrs; i++) {
		char name[PCI_NAME_MAX];

		r = pci_addr_format(&s->sel.addrs[i].addr, name, sizeof(name));
		if (r == 0)
			r = path_join(buf + len, size - len, "%s%s",
				      i ? "," : " vfiopt.addrs=", name);
		if (r < 0)
			return r;
		len += strlen(buf + len);
	}
	return 0;
}

/* Byte for byte conf/dracut.conf.d/vfiopt.conf, which make install puts in the same place. */
static const char dracut_snippet[] =
	"# vfiopt: claim passthrough devices for vfio-pci in the initramfs.  The\n"
	"# helper does nothing unless vfiopt.ids=, vfiopt.addrs=, vfio-pci.ids= or\n"
	"# /etc/vfiopt.conf selects devices.\n"
	"add_dracutmodules+=\" vfiopt \"\n";

static int write_snippets(struct setup *s)
{
	static char grub[CMDLINE_ADD_MAX + 512];
	char params[CMDLINE_ADD_MAX];
	const char *iommu = iommu_switch(s);
	int r;

	if (!iommu)
		fprintf(stderr, "vfiopt setup: warning: unknown CPU vendor in /proc/cpuinfo: add "
				"intel_iommu=on or amd_iommu=on yourself\n");
	r = selection_params(s, params, sizeof(params));
	if (r == 0)
		r = path_join(grub, sizeof(grub),
			      "# Written by \"vfiopt setup\"; run it again to change this file.\n"
			      "# grub-mkconfig (update-grub) reads it after /etc/default/grub.\n"
			      "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX}%s%s iommu=pt%s%s\"\n",
			      iommu ? " " : "", iommu ? iommu : "", params,
			      s->boot_vga ? " video=efifb:off,vesafb:off" : "");
	if (r < 0)
		return r;

	r = write_file_atomic_at(s->sys.root, GRUB_SNIPPET, grub, 0644);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: cannot write /%s: %s\n", GRUB_SNIPPET, strerror(-r));
		return r;
	}
	printf("%s /%s\n", r ? "wrote" : "unchanged", GRUB_SNIPPET);

	/*
	 * add_dracutmodules naming a module dracut cannot find makes every
	 * later dracut run fail, a kernel upgrade's included.
	 */
	if (faccessat(s->sys.root, DRACUT_MODULE, F_OK, 0) < 0) {
		fprintf(stderr,
			"vfiopt setup: the dracut module is not installed (/%s missing: "
			"make install); /%s not written, as dracut would fail without it\n",
			DRACUT_MODULE, DRACUT_SNIPPET);
		return -ENOENT;
	}
	r = write_file_atomic_at(s->sys.root, DRACUT_SNIPPET, dracut_snippet, 0644);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: cannot write /%s: %s\n", DRACUT_SNIPPET,
			strerror(-r));
		return r;
	}
	printf("%s /%s\n", r ? "wrote" : "unchanged", DRACUT_SNIPPET);
	return 0;
}

static bool exists_under_root(struct setup *s, const char *path)
{
	return faccessat(s->sys.root, path + 1, X_OK, 0) == 0;
}

/*
 * Debian's grub-mkconfig reads the .cfg files of /etc/default/grub.d; upstream's and
 * some distributions' do not, and the snippet would be silently ignored.
 */
static void check_grub_d(struct setup *s)
{
	static const char *const mkconfigs[] = { "usr/sbin/grub-mkconfig",
						 "usr/sbin/grub2-mkconfig" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mkconfigs); i++) {
		if (faccessat(s->sys.root, mkconfigs[i], F_OK, 0) < 0)
			continue;
		if (file_contains_at(s->sys.root, mkconfigs[i], "default/grub.d") <= 0)
			fprintf(stderr,
				"vfiopt setup: warning: /%s does not read /%s: add the "
				"parameters after ${GRUB_CMDLINE_LINUX} in that file to "
				"GRUB_CMDLINE_LINUX in /etc/default/grub yourself\n",
				mkconfigs[i], GRUB_SNIPPET);
		return;
	}
}

/* The commands that make the snippets take effect, for the system found here. */
static int finish(struct setup *s)
{
	static const char *const grub_cfgs[][3] = {
		{ "/usr/sbin/update-grub", NULL, NULL },
		{ "/usr/sbin/grub2-mkconfig", "-o", "/boot/grub2/grub.cfg" },
		{ "/usr/sbin/grub-mkconfig", "-o", "/boot/grub/grub.cfg" },
	};
	const char *cmds[2][4] = { { NULL }, { NULL } };
	unsigned int i, n = 0;
	int status = 0;

	for (i = 0; i < ARRAY_SIZE(grub_cfgs) && !cmds[0][0]; i++)
		if (exists_under_root(s, grub_cfgs[i][0]))
			memcpy(cmds[n++], grub_cfgs[i], sizeof(grub_cfgs[i]));
	check_grub_d(s);
	if (!n)
		fprintf(stderr,
			"vfiopt setup: warning: no update-grub or grub-mkconfig here: add "
			"the parameters to your boot loader's kernel command line yourself\n");
	if (exists_under_root(s, "/usr/bin/dracut")) {
		cmds[n][0] = "/usr/bin/dracut";
		cmds[n][1] = "--regenerate-all";
		cmds[n][2] = "--force";
		n++;
	} else {
		fprintf(stderr, "vfiopt setup: warning: dracut is not installed; the early claim "
				"runs from a dracut initramfs (apt-get install dracut)\n");
	}

	if (n)
		printf(s->apply ? "Running:\n" : "To finish, run:\n");
	for (i = 0; i < n; i++)
		printf("  %s%s%s%s%s\n", cmds[i][0], cmds[i][1] ? " " : "",
		       cmds[i][1] ? cmds[i][1] : "", cmds[i][2] ? " " : "",
		       cmds[i][2] ? cmds[i][2] : "");
	if (!s->apply) {
		printf("then reboot.\n");
		return 0;
	}
	if (s->under_sysroot) {
		fprintf(stderr, "vfiopt setup: --apply does not run commands under --sysroot\n");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		int r;

		fflush(stdout);
		r = run_command(cmds[i], APPLY_TIMEOUT_MS);
		if (r < 0) {
			fprintf(stderr, "vfiopt setup: %s failed: %s\n", cmds[i][0],
				r == -EIO ? "non-zero exit" : strerror(-r));
			status = r;
		}
	}
	if (status == 0)
		printf("Done: reboot to claim the devices.\n");
	return status;
}

int verb_setup(int argc, char **argv)
{
	static const struct option options[] = {
		{ "sysroot", required_argument, NULL, 'r' },
		{ "ids", required_argument, NULL, 'i' },
		{ "addrs", required_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "apply", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *sysroot = NULL;
	struct setup s = { 0 };
	int opt, r, status;

	selection_init(&s.sel);
	log_setup(-1, false, true);
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			sysroot = optarg;
			break;
		case 'i':
			selection_set(&s.sel, SEL_IDS, "--ids", optarg);
			break;
		case 'a':
			selection_set(&s.sel, SEL_ADDRS, "--addrs", optarg);
			break;
		case 'f':
			s.force = true;
			break;
		case 'y':
			s.apply = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || selection_empty(&s.sel) || s.sel.n_bad) {
		selection_report(&s.sel);
		if (optind < argc)
			fprintf(stderr, "vfiopt setup: unexpected argument '%s'\n", argv[optind]);
		else if (selection_empty(&s.sel) && !s.sel.n_bad)
			fprintf(stderr, "vfiopt setup: --ids or --addrs is needed\n");
		else
			fprintf(stderr, "vfiopt setup: nothing written: fix the entries above\n");
		return EXIT_USAGE;
	}
	s.under_sysroot = sysroot != NULL;
	if (sysfs_open_scan(&s.sys, sysroot, "setup") < 0)
		return EXIT_FAILED;
	r = check_selection(&s);
	if (r == 0)
		r = write_snippets(&s);
	if (r == 0)
		r = finish(&s);
	status = r < 0 ? EXIT_FAILED : EXIT_OK;
	sysfs_close(&s.sys);
	return status;
}
