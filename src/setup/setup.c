// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfiopt setup: the seed recipe's configuration steps, for this machine.
 * Check everything first (the selection against the devices present, a
 * boot loader and an initramfs generator that setup knows, our part of
 * it), so that a refusal writes nothing; then write the boot loader's
 * parameters (the IOMMU switch from the firmware's tables, iommu=pt, the
 * selection, the framebuffer switch for the boot GPU) and the generator's
 * configuration, atomically and only when they change, and say (or, with
 * --apply, run) what finishes the job.  --undo removes what it wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "host/fb-advice.h"
#include "host/regions.h"
#include "host/verbs.h"
#include "setup/cmdline-words.h"
#include "setup/setup.h"
#include "shared/log.h"
#include "shared/selection.h"
#include "shared/spawn.h"
#include "shared/sysfs.h"
#include "shared/util.h"

/* update-grub and dracut --regenerate-all take a while, but not forever. */
#define APPLY_TIMEOUT_MS (15 * 60 * 1000)

/* Room for the whole selection on one line: 64 ids and 64 addresses. */
#define CMDLINE_ADD_MAX 8192

/* The ways this machine's command line and initramfs can be made, in order of preference. */
/*
 * grubby first: Fedora's GRUB reads the BLS entries it edits, and Fedora
 * also has kernel-install and /etc/default/grub.  Then systemd-boot before
 * GRUB: a system that boots with it may still have GRUB's packages
 * installed, while systemd-boot's loader.conf on the ESP is only there
 * when it is installed.
 */
static const struct setup_backend *const cmdline_backends[] = {
	&setup_grubby,
	&setup_kernel_cmdline,
	&setup_grub,
	&setup_grub_default,
};
/*
 * Debian's dracut conflicts with initramfs-tools, and the one installed
 * is the one its kernel hooks run.  Where dracut sits beside
 * initramfs-tools all the same (dracut-core alone), the kernel hooks are
 * initramfs-tools'.
 */
static const struct setup_backend *const initramfs_backends[] = { &setup_initramfs_tools,
								  &setup_dracut };

struct setup {
	struct sysfs sys;
	struct selection sel;
	const struct setup_backend *cmdline;
	const struct setup_backend *initramfs;
	bool force;
	bool apply;
	bool undo;
	bool under_sysroot;
	const char *fb_param; /* frees the boot GPU from the firmware framebuffer */
};

static void usage(FILE *out)
{
	fputs("Usage: vfiopt setup [--sysroot DIR] (--ids LIST | --addrs LIST) [--force] "
	      "[--apply | --dry-run]\n"
	      "       vfiopt setup [--sysroot DIR] --undo [--apply | --dry-run]\n"
	      "\n"
	      "Write /etc/default/grub.d/vfiopt.cfg (the IOMMU switch for this machine's\n"
	      "IOMMU, iommu=pt, the selection, and for a boot GPU on a kernel before 6.0 the\n"
	      "switch that frees it from the firmware framebuffer)\n"
	      "and, with dracut, /etc/dracut.conf.d/vfiopt.conf, then print the commands\n"
	      "that finish the job.  Nothing is written when anything is missing.\n"
	      "\n"
	      "  --ids LIST       vendor:device[:subvendor[:subdevice[:class[:mask]]]][,...]\n"
	      "  --addrs LIST     [DDDD:]BB:SS.F[,...]\n"
	      "  --force          write even when an entry matches no device here\n"
	      "  --undo           remove the files setup wrote\n"
	      "  --apply          also run the commands (update-grub, update-initramfs or\n"
	      "                   dracut, kernel-install, grubby ...)\n"
	      "  --dry-run        say what would be written, removed and run; do nothing\n"
	      "  --sysroot DIR    take every path under DIR\n"
	      "  -h, --help       show this help\n",
	      out);
}

int setup_newest_first(const void *a, const void *b)
{
	return strverscmp((const char *)b, (const char *)a);
}

bool setup_exists(int rootfd, const char *path, int mode)
{
	return faccessat(rootfd, root_relative(path), mode, 0) == 0;
}

/*
 * Whether setup wrote @path, from its first line: 1 ours, 0 someone
 * else's, -ENOENT absent, or -errno.  vfiopt 0.1's make install wrote the
 * dracut file with a first line of its own; that one is ours too.
 */
static int owned(int rootfd, const char *path)
{
	static const char *const markers[] = {
		SETUP_MARKER,
		"# vfiopt: claim passthrough devices for vfio-pci in the initramfs.",
	};
	char head[128];
	ssize_t n;
	size_t i;

	n = read_prefix_at(rootfd, root_relative(path), head, sizeof(head));
	if (n < 0)
		return (int)n;
	for (i = 0; i < ARRAY_SIZE(markers); i++)
		if (strncmp(head, markers[i], strlen(markers[i])) == 0)
			return 1;
	return 0;
}

/*
 * Whether setup may write @path: its directory is there (setup makes none,
 * so that --undo leaves /etc as it was; @whose_dir says who makes it) and
 * the file is absent or ours.  0, or -errno after saying why.
 */
int setup_may_write(int rootfd, const char *path, const char *whose_dir)
{
	char dir[PATH_BUF_MAX];
	const char *slash;
	int r;

	path = root_relative(path);
	slash = strrchr(path, '/');
	if (slash && path_join(dir, sizeof(dir), "%.*s", (int)(slash - path), path) == 0 &&
	    !setup_exists(rootfd, dir, F_OK)) {
		fprintf(stderr, "vfiopt setup: /%s does not exist (%s)\n", dir, whose_dir);
		return -ENOENT;
	}
	r = owned(rootfd, path);
	if (r == 0) {
		fprintf(stderr,
			"vfiopt setup: /%s exists and vfiopt setup did not write it: move it "
			"away first\n",
			path);
		return -EEXIST;
	}
	return r == -ENOENT || r == 1 ? 0 : r;
}

/* --dry-run: every write and removal is said ("would ...") and not done. */
static bool dry_run;

/* The lines of @text that @other lacks, each after @mark. */
static void print_lines_not_in(const char *text, const char *other, const char *mark)
{
	const char *line, *end;

	for (line = text; *line; line = *end ? end + 1 : end) {
		size_t n;
		const char *o;
		bool found = false;

		end = line + strcspn(line, "\n");
		n = (size_t)(end - line);
		for (o = other; *o && !found; o += strcspn(o, "\n"), o += *o == '\n')
			found = strncmp(o, line, n) == 0 && (o[n] == '\n' || o[n] == '\0');
		if (!found)
			printf("  %s %.*s\n", mark, (int)n, line);
	}
}

/*
 * Replace @path (atomically, and not at all when @content is what it
 * holds) and say so: "wrote", or "edited" for a file of someone else's
 * (@edit), or "unchanged".  With --dry-run, say what would change, line
 * by line, and write nothing.  1 changed, 0 unchanged, -errno.
 */
int setup_write_file(int rootfd, const char *path, const char *content, mode_t mode, bool edit)
{
	int r;

	path = root_relative(path);
	if (dry_run) {
		static char old[SETUP_FILE_MAX];
		ssize_t n = read_file_at(rootfd, path, old, sizeof(old));

		if (n >= 0 && strcmp(old, content) == 0) {
			printf("unchanged /%s\n", path);
			return 0;
		}
		printf("would %s /%s:\n", edit ? "edit" : "write", path);
		print_lines_not_in(n >= 0 ? old : "", content, "-");
		print_lines_not_in(content, n >= 0 ? old : "", "+");
		return 1;
	}
	r = write_file_atomic_at(rootfd, path, content, mode);
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: cannot write /%s: %s\n", path, strerror(-r));
		return r;
	}
	printf("%s /%s\n", !r ? "unchanged" : edit ? "edited" : "wrote", path);
	return r;
}

/* Remove @path and say so (with --dry-run, only say it).  0, or -errno said. */
static int remove_file(int rootfd, const char *path)
{
	if (dry_run) {
		printf("would remove /%s\n", path);
		return 0;
	}
	if (unlinkat(rootfd, path, 0) < 0) {
		int r = -errno;

		fprintf(stderr, "vfiopt setup: cannot remove /%s: %s\n", path, strerror(-r));
		return r;
	}
	sync_parent_at(rootfd, path);
	printf("removed /%s\n", path);
	return 0;
}

/* Replace a file setup owns, and say whether it changed. */
int setup_write_owned(int rootfd, const char *path, const char *content)
{
	return setup_write_file(rootfd, path, content, 0644, false);
}

/*
 * Remove a file that setup wrote; a file of the same name that someone
 * else wrote is left alone, and named.
 */
int setup_remove_owned(int rootfd, const char *path)
{
	int r;

	path = root_relative(path);
	r = owned(rootfd, path);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: cannot read /%s: %s\n", path, strerror(-r));
		return r;
	}
	if (r == 0) {
		fprintf(stderr, "vfiopt setup: left /%s alone: vfiopt setup did not write it\n",
			path);
		return 0;
	}
	r = remove_file(rootfd, path);
	return r < 0 ? r : 1;
}

/*
 * The state of an earlier setup for @where (any place when NULL): 1 (into
 * @st), 0 none (or one for another place: @st empty), -errno.
 */
int setup_state_read(int rootfd, const char *where, struct setup_state *st)
{
	static char buf[SETUP_WORDS_MAX + PATH_BUF_MAX + 256];
	char *line, *save = NULL;
	unsigned int n = 0;
	ssize_t len;

	memset(st, 0, sizeof(*st));
	len = read_file_at(rootfd, SETUP_STATE, buf, sizeof(buf));
	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return (int)len;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (n == 0 && where && strcmp(line, where) != 0)
			return 0;
		if (n == 0)
			snprintf(st->where, sizeof(st->where), "%s", line);
		else if (n == 1 && strcmp(line, "-") != 0)
			snprintf(st->words, sizeof(st->words), "%s", line);
		else if (n == 2)
			st->created = strcmp(line, "created") == 0;
		n++;
	}
	return n >= 2 ? 1 : 0;
}

int setup_state_write(int rootfd, const struct setup_state *st)
{
	static char content[SETUP_WORDS_MAX + PATH_BUF_MAX + 512];
	int r;

	r = path_join(content, sizeof(content),
		      SETUP_HEADER "# What it added to the kernel command line, and where, for\n"
				   "# \"vfiopt setup --undo\" to take away again.\n%s\n%s\n%s\n",
		      st->where, st->words[0] ? st->words : "-",
		      st->created ? "created" : "edited");
	if (r < 0) {
		fprintf(stderr, "vfiopt setup: cannot write /%s: %s\n", SETUP_STATE, strerror(-r));
		return r;
	}
	return setup_write_file(rootfd, SETUP_STATE, content, 0644, false);
}

/*
 * For a backend's ready(): refused when the record says setup's words are
 * somewhere else than @where (the boot loader changed since): one record
 * only, and overwriting it would lose what the undo must take out there.
 */
int setup_state_elsewhere(int rootfd, const char *where)
{
	static struct setup_state st;

	if (setup_state_read(rootfd, NULL, &st) <= 0 || strcmp(st.where, where) == 0)
		return 0;
	fprintf(stderr,
		"vfiopt setup: /%s says that setup's words (%s) went into %s: run \"vfiopt setup "
		"--undo\" while that is how this system boots, or take them out of it and remove "
		"/%s\n",
		SETUP_STATE, st.words[0] ? st.words : "none", st.where, SETUP_STATE);
	return -EBUSY;
}

/*
 * Before an edit: the record holds both @old's words and @new's, so that
 * whatever happens to the edit, --undo takes out all that may be in the
 * file.  The caller writes @new's alone once the edit is done.
 */
int setup_state_pending(int rootfd, const struct setup_state *old, const struct setup_state *new)
{
	static struct setup_state both;
	char ignored[SETUP_WORDS_MAX];

	if (dry_run || !new->words[0])
		return 0;
	both = *new;
	if (words_edit(old->words, strlen(old->words), "", new->words, both.words,
		       sizeof(both.words), ignored, sizeof(ignored)) < 0)
		return -E2BIG;
	return setup_state_write(rootfd, &both) < 0 ? -EIO : 0;
}

int setup_state_remove(int rootfd)
{
	int r;

	if (!setup_exists(rootfd, SETUP_STATE, F_OK))
		return 0;
	r = remove_file(rootfd, SETUP_STATE);
	/* Ours alone: gone when empty. */
	if (r == 0 && !dry_run)
		unlinkat(rootfd, "var/lib/vfiopt", AT_REMOVEDIR);
	return r;
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

static bool selected(const struct setup *s, const struct pci_dev *dev)
{
	unsigned int i;

	for (i = 0; i < s->sel.n_ids; i++)
		if (pci_match_ids(&s->sel.ids[i].match, &dev->ids))
			return true;
	for (i = 0; i < s->sel.n_addrs; i++)
		if (pci_addr_cmp(&s->sel.addrs[i].addr, &dev->addr) == 0)
			return true;
	return false;
}

/*
 * The boot GPU's memory may be held by the firmware framebuffer: the
 * switch fb_advise() finds for it, said with its reason.
 */
static void choose_fb_param(struct setup *s, const struct pci_dev *dev)
{
	struct fb_advice a;

	fb_advise(&s->sys, dev, &a);
	s->fb_param = a.param;
	printf("  %s is the boot VGA: ", dev->name);
	switch (a.reason) {
	case FB_REMOVED_BY_VFIO:
		printf("no switch needed, vfio-pci on Linux %s removes the firmware "
		       "framebuffer itself\n",
		       a.release);
		break;
	case FB_HELD:
		printf("%s holds BAR %d: adding %s\n", a.fb.where, a.fb.bar, a.param);
		break;
	case FB_KEPT:
		printf("keeping %s, which keeps the firmware framebuffer off it\n", a.param);
		break;
	case FB_TAKEN_OVER:
		printf("%s took the firmware framebuffer over, so which one holds its memory "
		       "at boot is not known: adding %s, which keeps them all off\n",
		       dev->driver, a.param);
		break;
	case FB_UNREADABLE:
		printf("/proc/iomem is hidden (run as root to see it): adding %s, which keeps "
		       "every firmware framebuffer off\n",
		       a.param);
		break;
	case FB_FREE:
		printf("no firmware framebuffer holds its memory\n");
		break;
	}
}

/*
 * Said before anything is written, not refused: the claim still takes the
 * device, and the firmware may change.  vfiopt check fails it.
 */
static void warn_rmrr(struct setup *s, struct pci_dev *dev)
{
	const struct resv_region *direct;
	char range[RESV_REGION_TEXT_MAX];
	struct resv_regions rr;

	if (sysfs_load_group(&s->sys, dev) < 0 || dev->group < 0 ||
	    resv_regions_read(&s->sys, dev->group, &rr) < 0 ||
	    !(direct = resv_regions_direct(&rr)) ||
	    resv_region_format(direct, range, sizeof(range)) < 0)
		return;
	fprintf(stderr,
		"vfiopt setup: warning: IOMMU group %d of %s has a firmware-reserved region "
		"(RMRR) %s, direct: the kernel will not attach it to a VM's IOMMU domain, "
		"whoever holds it (vfiopt check tells more)\n",
		dev->group, dev->name, range);
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

		if (!dev->loaded || !selected(s, dev))
			continue;
		if (sysfs_is_boot_vga(&s->sys, dev))
			choose_fb_param(s, dev);
		warn_rmrr(s, dev);
	}
	if (missing && !s->force) {
		fprintf(stderr, "vfiopt setup: nothing written (--force writes it anyway)\n");
		return -ENODEV;
	}
	return 0;
}

/* The first backend of @list that this system uses, or NULL. */
static const struct setup_backend *first_detected(int rootfd,
						  const struct setup_backend *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i]->detect(rootfd))
			return list[i];
	return NULL;
}

/* What builds this system's initramfs, or NULL: for check. */
const struct setup_backend *setup_initramfs_generator(int rootfd)
{
	return first_detected(rootfd, initramfs_backends, ARRAY_SIZE(initramfs_backends));
}

/* How this system's kernel command line is set, or NULL: for check. */
const struct setup_backend *setup_cmdline_backend(int rootfd)
{
	return first_detected(rootfd, cmdline_backends, ARRAY_SIZE(cmdline_backends));
}

/*
 * The first backend of @list that this system uses; a message naming
 * what setup looked for when none is.
 */
static const struct setup_backend *choose(const struct setup *s,
					  const struct setup_backend *const *list, size_t n,
					  const char *what, const char *remedy)
{
	const struct setup_backend *b = first_detected(s->sys.root, list, n);

	if (!b)
		fprintf(stderr, "vfiopt setup: no %s that vfiopt setup knows here: %s\n", what,
			remedy);
	return b;
}

/*
 * Generators vfiopt has no part for yet: said plainly, with what works by
 * hand there (both load the modules named in their configuration before
 * udev, so vfio-pci.ids= wins the race for whole ids).
 */
static const struct {
	const char *program;
	const char *name;
	const char *by_hand;
} unsupported_generators[] = {
	{ "/usr/bin/mkinitcpio", "mkinitcpio",
	  "MODULES=(vfio_pci vfio vfio_iommu_type1) in /etc/mkinitcpio.conf" },
	{ "/usr/bin/booster", "booster",
	  "modules_force_load: vfio_pci,vfio,vfio_iommu_type1 in /etc/booster.yaml" },
};

static void advise_unsupported_generator(const struct setup *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unsupported_generators); i++) {
		if (!setup_exists(s->sys.root, unsupported_generators[i].program, X_OK))
			continue;
		fprintf(stderr,
			"vfiopt setup: %s builds this system's initramfs, and vfiopt has no part "
			"for it yet.  By hand: %s, then vfio-pci.ids= with the ids on the kernel "
			"command line (the parameters below help too)\n",
			unsupported_generators[i].name, unsupported_generators[i].by_hand);
	}
}

/* Everything setup will need to write @words is here, or it says what is missing. */
static int check_system(struct setup *s, const char *words)
{
	int r = 0;

	s->cmdline = choose(s, cmdline_backends, ARRAY_SIZE(cmdline_backends), "boot loader",
			    "GRUB, systemd-boot (kernel-install, proxmox-boot-tool) and grubby "
			    "are what it sets up; put the parameters on your kernel command line "
			    "yourself");
	s->initramfs = choose(s, initramfs_backends, ARRAY_SIZE(initramfs_backends),
			      "initramfs generator",
			      "neither initramfs-tools nor dracut is installed, and the early "
			      "claim runs from an initramfs that one of them builds (Debian, "
			      "Ubuntu: apt-get install initramfs-tools)");
	if (!s->initramfs)
		advise_unsupported_generator(s);
	if (!s->cmdline || !s->initramfs)
		r = -ENOENT;
	if (s->cmdline && s->cmdline->ready(s->sys.root, words) < 0)
		r = -ENOENT;
	if (s->initramfs && s->initramfs->ready(s->sys.root, words) < 0)
		r = -ENOENT;
	if (r < 0)
		fprintf(stderr, "vfiopt setup: nothing written\n");
	return r;
}

/*
 * Every selected device in an IOMMU group.  A kernel that turns VT-d on by
 * itself needs no switch, but Debian's (INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF)
 * leaves the integrated GPU out until intel_iommu=on: judge by the devices.
 */
static bool selection_grouped(struct setup *s)
{
	bool any = false;
	size_t d;

	for (d = 0; d < s->sys.n_devs; d++) {
		struct pci_dev *dev = &s->sys.devs[d];

		if (!dev->loaded || !selected(s, dev))
			continue;
		if (sysfs_load_group(&s->sys, dev) < 0 || dev->group < 0)
			return false;
		any = true;
	}
	return any;
}

/*
 * intel_iommu=on for VT-d (also when it is off in the firmware: the switch
 * is needed once it is on).  The AMD driver is on whenever the firmware
 * describes a unit; amd_iommu= has no "on", so nothing is added for it.
 */
static const char *iommu_switch(struct setup *s)
{
	bool described;
	enum iommu_kind kind = sysfs_iommu_kind(&s->sys, &described);
	char cmdline[4096];

	if (!described)
		fprintf(stderr, "vfiopt setup: warning: no ACPI DMAR or IVRS table: the firmware "
				"shows no IOMMU; turn on VT-d or AMD-Vi (IOMMU) in its setup\n");
	if (kind != IOMMU_INTEL)
		return "";
	if (read_file_at(s->sys.root, "proc/cmdline", cmdline, sizeof(cmdline)) >= 0 &&
	    !words_has(cmdline, strlen(cmdline), "intel_iommu=on", sizeof("intel_iommu=on") - 1) &&
	    selection_grouped(s)) {
		printf("  the selection is in IOMMU groups without intel_iommu=on: "
		       "this kernel needs no switch\n");
		return "";
	}
	return "intel_iommu=on";
}

/* The words for the kernel command line, in canonical form: lower-case ids, full addresses. */
static int cmdline_words(struct setup *s, char *buf, size_t size)
{
	const char *iommu = iommu_switch(s);
	size_t len;
	unsigned int i;
	char *p;
	int r;

	r = path_join(buf, size, "%s%siommu=pt", iommu, iommu[0] ? " " : "");
	for (i = 0; r == 0 && i < s->sel.n_ids; i++) {
		len = strlen(buf);
		r = path_join(buf + len, size - len, "%s%s",
			      i ? "," : " vfiopt.ids=", s->sel.ids[i].text);
	}
	for (p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	for (i = 0; r == 0 && i < s->sel.n_addrs; i++) {
		char name[PCI_NAME_MAX];

		len = strlen(buf);
		r = pci_addr_format(&s->sel.addrs[i].addr, name, sizeof(name));
		if (r == 0)
			r = path_join(buf + len, size - len, "%s%s",
				      i ? "," : " vfiopt.addrs=", name);
	}
	if (r == 0 && s->fb_param) {
		len = strlen(buf);
		r = path_join(buf + len, size - len, " %s", s->fb_param);
	}
	return r;
}

static int write_config(struct setup *s, const char *words)
{
	int r;

	/*
	 * The generator's file first: alone, it only puts a helper with
	 * nothing to claim into the image.  The command line is what selects.
	 */
	r = s->initramfs->write(s->sys.root, words);
	if (r >= 0)
		r = s->cmdline->write(s->sys.root, words);
	return r < 0 ? r : 0;
}

/* A command as a shell would take it back: words with anything else single-quoted. */
static void print_command(const char *const *argv)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_./:=,+-";

	printf(" ");
	for (; *argv; argv++) {
		const char *c;

		if (**argv && strspn(*argv, plain) == strlen(*argv)) {
			printf(" %s", *argv);
			continue;
		}
		printf(" '");
		for (c = *argv; *c; c++)
			printf(*c == '\'' ? "'\\''" : "%c", *c);
		printf("'");
	}
	printf("\n");
}

/*
 * A file that a command made aside replaces its target (same folder:
 * rename(2), so that a power cut leaves the old file or the new one),
 * and the folder is synced.  0, or -errno said.
 */
static int put_in_place(const struct setup *s, const struct setup_command *cmd)
{
	const char *made = root_relative(cmd->made), *target = root_relative(cmd->target);

	if (renameat(s->sys.root, made, s->sys.root, target) < 0) {
		int r = -errno;

		fprintf(stderr, "vfiopt setup: cannot put %s in place of %s: %s\n", cmd->made,
			cmd->target, strerror(-r));
		return r;
	}
	sync_parent_at(s->sys.root, target);
	return 0;
}

/*
 * What a failed --apply leaves: the configuration in /etc, and a next
 * boot that has all of it, part of it or none.  check reads the images
 * and the boot loader's files and tells which.
 */
static void say_not_finished(const struct setup *s, const char *failed, bool stopped)
{
	fprintf(stderr,
		"vfiopt setup: not finished: %s failed%s; /etc has %s, but the next boot may "
		"not: \"vfiopt check\" tells what it has.  Fix what %s reported, then run "
		"\"vfiopt setup%s --apply\" again.\n",
		failed, stopped ? ", and nothing after it ran" : "",
		s->undo ? "none of setup's files any more" : "the new configuration", failed,
		s->undo ? " --undo" : " ...");
}

/*
 * The commands that make the files take effect: printed, or run with
 * --apply.  The initramfs first: kernel-install and proxmox-boot-tool
 * copy the image they find next to the kernel.  A setup stops at the
 * first command that fails, so that the boot loader never points at an
 * image that was not made (what ran before stays, and check reports it);
 * an undo runs them all, since every one that succeeds takes something
 * of vfiopt out of the next boot.
 */
static int finish(struct setup *s)
{
	struct setup_command cmds[2 * SETUP_COMMANDS_MAX] = { 0 };
	const char *failed = NULL;
	size_t i, n = 0;
	int status = 0;

	if (s->initramfs)
		n += s->initramfs->commands(s->sys.root, cmds, SETUP_COMMANDS_MAX);
	if (s->cmdline)
		n += s->cmdline->commands(s->sys.root, cmds + n, SETUP_COMMANDS_MAX);
	if (!n)
		return 0;
	printf(dry_run ? "Would run:\n" : s->apply ? "Running:\n" : "To finish, run:\n");
	for (i = 0; i < n; i++) {
		print_command(cmds[i].argv);
		if (cmds[i].made)
			print_command((const char *const[]){ "mv", "-f", cmds[i].made,
							     cmds[i].target, NULL });
	}
	if (dry_run)
		return 0;
	if (!s->apply) {
		printf("then reboot.\n");
		return 0;
	}
	if (s->under_sysroot) {
		fprintf(stderr, "vfiopt setup: --apply does not run commands under --sysroot\n");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const char *what = cmds[i].argv[0];
		int r;

		fflush(stdout);
		r = run_command(cmds[i].argv, APPLY_TIMEOUT_MS);
		if (r < 0) {
			fprintf(stderr, "vfiopt setup: %s failed: %s\n", what,
				r == -EIO ? "non-zero exit" : strerror(-r));
		} else if (cmds[i].made) {
			r = put_in_place(s, &cmds[i]);
			what = "the rename";
		}
		if (r < 0) {
			/* Whatever the command left aside would only fill /boot. */
			if (cmds[i].made)
				unlinkat(s->sys.root, root_relative(cmds[i].made), 0);
			if (status == 0)
				failed = what;
			status = r;
			if (!s->undo)
				break;
		}
	}
	if (status == 0)
		printf("Done: reboot %s.\n", s->undo ? "to give the devices back to their drivers"
						     : "to claim the devices");
	else
		say_not_finished(s, failed, !s->undo && i + 1 < n);
	return status;
}

/*
 * An image-based or immutable system mounts /etc (or /var) read-only, and
 * a /boot may be: refused before anything is written, so that nothing is
 * half done.  /boot matters only to --apply, whose commands write it.
 */
static int check_writable(const struct setup *s)
{
	static const struct {
		const char *dir, *why;
	} dirs[] = {
		{ "etc", "where setup writes the boot loader's and the generator's "
			 "configuration: give the kernel parameters through this system's own "
			 "means (its image, or a tool such as rpm-ostree kargs)" },
		{ "var/lib", "where setup keeps its record of what it wrote" },
		{ "boot", "where --apply's commands write the initramfs and the boot "
			  "loader's files: mount it read-write first" },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct statvfs st;
		int fd;

		if (strcmp(dirs[i].dir, "boot") == 0 && !s->apply)
			continue;
		fd = openat(s->sys.root, dirs[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstatvfs(fd, &st) == 0 && (st.f_flag & ST_RDONLY)) {
			fprintf(stderr, "vfiopt setup: /%s is read-only, %s; nothing written\n",
				dirs[i].dir, dirs[i].why);
			bad = -EROFS;
		}
		close(fd);
	}
	return bad;
}

static int do_setup(struct setup *s)
{
	static char words[CMDLINE_ADD_MAX];
	int r = check_selection(s);

	if (r == 0 && cmdline_words(s, words, sizeof(words)) < 0) {
		fprintf(stderr, "vfiopt setup: the selection is too long for a command line\n");
		r = -E2BIG;
	}
	if (r < 0)
		return r;
	r = check_system(s, words);
	if (r == 0)
		r = check_writable(s);
	if (r < 0) {
		/* Whoever must finish by hand needs them. */
		fprintf(stderr, "vfiopt setup: the kernel parameters for this selection: %s\n",
			words);
		return r;
	}
	printf("Kernel command line: %s; initramfs: %s\n", s->cmdline->name, s->initramfs->name);
	r = write_config(s, words);
	if (r == 0)
		r = finish(s);
	return r;
}

/*
 * Every backend's files go, found here or not (dracut may have been
 * removed since); the commands are those of the backends found.
 */
static int do_undo(struct setup *s)
{
	const struct setup_backend *const *lists[] = { cmdline_backends, initramfs_backends };
	const size_t sizes[] = { ARRAY_SIZE(cmdline_backends), ARRAY_SIZE(initramfs_backends) };
	int removed = 0, r = check_writable(s);
	size_t l, i;

	if (r < 0)
		return r;
	for (l = 0; l < ARRAY_SIZE(lists); l++) {
		for (i = 0; i < sizes[l]; i++) {
			int u = lists[l][i]->undo(s->sys.root);

			if (u < 0)
				r = u;
			removed += u > 0;
		}
	}
	if (!removed && r == 0)
		printf("Nothing of vfiopt setup's to remove.\n");
	if (setup_exists(s->sys.root, "etc/vfiopt.conf", F_OK))
		fprintf(stderr, "vfiopt setup: note: /etc/vfiopt.conf still selects devices, and "
				"the early claim still goes into the initramfs for it\n");
	s->cmdline = choose(s, cmdline_backends, ARRAY_SIZE(cmdline_backends), "boot loader",
			    "update your kernel command line yourself");
	s->initramfs = choose(s, initramfs_backends, ARRAY_SIZE(initramfs_backends),
			      "initramfs generator", "regenerate your initramfs yourself");
	/* What was undone takes effect even when something else could not be. */
	if (removed || r == 0) {
		int f = finish(s);

		if (r == 0)
			r = f;
	}
	return r;
}

/* 0 to go on, -1 when --help was served, or EXIT_USAGE (already said why). */
static int parse_options(struct setup *s, int argc, char **argv, const char **sysroot)
{
	static const struct option options[] = {
		{ "sysroot", required_argument, NULL, 'r' },
		{ "ids", required_argument, NULL, 'i' },
		{ "addrs", required_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "undo", no_argument, NULL, 'u' },
		{ "apply", no_argument, NULL, 'y' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'r':
			*sysroot = optarg;
			break;
		case 'i':
			selection_set(&s->sel, SEL_IDS, "--ids", optarg);
			break;
		case 'a':
			selection_set(&s->sel, SEL_ADDRS, "--addrs", optarg);
			break;
		case 'f':
			s->force = true;
			break;
		case 'u':
			s->undo = true;
			break;
		case 'y':
			s->apply = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vfiopt setup: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (s->undo) {
		if (selection_empty(&s->sel) && !s->sel.n_bad && !s->force)
			return 0;
		fprintf(stderr, "vfiopt setup: --undo takes no selection and no --force\n");
		return EXIT_USAGE;
	}
	if (selection_empty(&s->sel) || s->sel.n_bad) {
		selection_report(&s->sel);
		if (selection_empty(&s->sel) && !s->sel.n_bad)
			fprintf(stderr, "vfiopt setup: --ids or --addrs is needed\n");
		else
			fprintf(stderr, "vfiopt setup: nothing written: fix the entries above\n");
		return EXIT_USAGE;
	}
	return 0;
}

int verb_setup(int argc, char **argv)
{
	const char *sysroot = NULL;
	struct setup s = { 0 };
	int r;

	selection_init(&s.sel);
	log_setup(-1, false, true);
	r = parse_options(&s, argc, argv, &sysroot);
	if (r != 0)
		return r < 0 ? EXIT_OK : r;
	s.under_sysroot = sysroot != NULL;
	/* The undo needs no device: it must work where /sys is not mounted. */
	r = s.undo ? sysfs_open(&s.sys, sysroot) : sysfs_open_scan(&s.sys, sysroot, "setup");
	if (r < 0) {
		if (s.undo)
			fprintf(stderr, "vfiopt setup: cannot open %s: %s\n",
				sysroot ? sysroot : "/", strerror(-r));
		return EXIT_FAILED;
	}
	r = s.undo ? do_undo(&s) : do_setup(&s);
	sysfs_close(&s.sys);
	return r < 0 ? EXIT_FAILED : EXIT_OK;
}
