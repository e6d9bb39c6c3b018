// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * soak [-f] [-s SEED] ROOT ITERATIONS -- CLAIM ARGS...: run the early claim
 * (claim_main, the code the helper runs) ITERATIONS times in a row in one
 * process on the fake tree ROOT, and fail when a run crashes (ASan, UBSan
 * abort), hangs (the caller's timeout), or leaves the process with more
 * open descriptors or more memory than after the first runs.  With -f a
 * second thread injects faults into ROOT while the claims run, each undone
 * before the next: a missing, empty, oversized or garbage uevent or
 * attribute, a dangling driver or iommu_group link, a driver_override that
 * cannot be written, a device that vanishes (its directory moved away, so
 * that it may go between a claim's scan and its write).  Prints one line
 * of counts; what was written where is the caller's to check
 * (tests/soak/run.sh).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "early/claim.h"

#define DEVS_MAX 8192
#define ARGS_MAX 32
/* Room for allocator noise; a leak of a buffer per run is far more. */
#define RSS_SLACK_KIB 512

enum fault {
	FAULT_UEVENT_MISSING,
	FAULT_UEVENT_EMPTY,
	FAULT_UEVENT_OVERSIZED,
	FAULT_UEVENT_GARBAGE,
	FAULT_CLASS_GARBAGE,
	FAULT_VENDOR_MISSING,
	FAULT_DRIVER_DANGLING,
	FAULT_GROUP_DANGLING,
	FAULT_OVERRIDE_DIR,
	FAULT_VANISH,
	FAULT_COUNT,
};

static const char *const fault_names[FAULT_COUNT] = {
	"uevent-missing", "uevent-empty",    "uevent-oversized", "uevent-garbage",
	"class-garbage",  "vendor-missing",  "driver-dangling",	 "group-dangling",
	"override-dir",	  "device-vanishes",
};

static char devs[DEVS_MAX][PATH_MAX]; /* each device's real directory */
static unsigned int n_devs;
static atomic_bool stop;
/* Held by a fault from its making to its undoing, and by the measurements. */
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long faults[FAULT_COUNT];
static unsigned long long rng;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "soak: %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

static unsigned long long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void list_devices(const char *root)
{
	char bus[PATH_MAX], link[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(bus, sizeof(bus), "%s/sys/bus/pci/devices", root);
	dir = opendir(bus);
	if (!dir)
		die("cannot open", bus);
	while ((de = readdir(dir)) && n_devs < DEVS_MAX) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", bus, de->d_name);
		if (!realpath(link, devs[n_devs]))
			die("cannot resolve", link);
		n_devs++;
	}
	closedir(dir);
	if (!n_devs)
		die("no devices in", bus);
}

static char *attr(const char *dev, const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", dev, name);
	return buf;
}

/* Keep FILE aside, to put it back exactly; "" when there was none. */
static void hide(const char *file, char *saved, size_t size)
{
	snprintf(saved, size, "%s.soak-saved", file);
	if (rename(file, saved) < 0)
		saved[0] = '\0';
}

static void restore(const char *file, const char *saved)
{
	/* Whatever the fault left there: a file, a link, a directory. */
	if (unlink(file) < 0 && errno == EISDIR && rmdir(file) < 0)
		die("cannot remove", file);
	if (saved[0] && rename(saved, file) < 0)
		die("cannot restore", file);
}

static void write_text(const char *file, const char *text, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	if (write(fd, text, len) < 0)
		fprintf(stderr, "soak: cannot write %s\n", file);
	close(fd);
}

/* One fault, held for a moment while the claims run, then undone. */
static void inject(const char *dev, enum fault f)
{
	static char oversized[8192], garbage[512];
	char file[PATH_MAX], saved[PATH_MAX + 16];
	size_t i;

	switch (f) {
	case FAULT_UEVENT_MISSING:
	case FAULT_UEVENT_EMPTY:
	case FAULT_UEVENT_OVERSIZED:
	case FAULT_UEVENT_GARBAGE:
		snprintf(file, sizeof(file), "%s", attr(dev, "uevent"));
		break;
	case FAULT_CLASS_GARBAGE:
		snprintf(file, sizeof(file), "%s", attr(dev, "class"));
		break;
	case FAULT_VENDOR_MISSING:
		snprintf(file, sizeof(file), "%s", attr(dev, "vendor"));
		break;
	case FAULT_DRIVER_DANGLING:
		snprintf(file, sizeof(file), "%s", attr(dev, "driver"));
		break;
	case FAULT_GROUP_DANGLING:
		snprintf(file, sizeof(file), "%s", attr(dev, "iommu_group"));
		break;
	case FAULT_OVERRIDE_DIR:
		snprintf(file, sizeof(file), "%s", attr(dev, "driver_override"));
		break;
	default:
		snprintf(file, sizeof(file), "%s", dev);
		break;
	}
	pthread_mutex_lock(&fault_lock);
	hide(file, saved, sizeof(saved));
	switch (f) {
	case FAULT_UEVENT_EMPTY:
		write_text(file, "", 0);
		break;
	case FAULT_UEVENT_OVERSIZED:
		memset(oversized, 'A', sizeof(oversized));
		for (i = 63; i < sizeof(oversized); i += 64)
			oversized[i] = '\n';
		write_text(file, oversized, sizeof(oversized));
		break;
	case FAULT_UEVENT_GARBAGE:
	case FAULT_CLASS_GARBAGE:
		for (i = 0; i < sizeof(garbage); i++)
			garbage[i] = (char)next_rand();
		write_text(file, garbage, sizeof(garbage));
		break;
	case FAULT_DRIVER_DANGLING:
	case FAULT_GROUP_DANGLING:
		if (symlink("../../nowhere/at/all", file) < 0)
			fprintf(stderr, "soak: cannot link %s\n", file);
		break;
	case FAULT_OVERRIDE_DIR:
		mkdir(file, 0755);
		break;
	default:
		break;
	}
	usleep((useconds_t)(next_rand() % 3000));
	restore(file, saved);
	faults[f]++;
	pthread_mutex_unlock(&fault_lock);
	/* Room for the measurements and the resets to take the lock. */
	usleep(100);
}

static void *fault_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		inject(devs[next_rand() % n_devs], (enum fault)(next_rand() % FAULT_COUNT));
	return NULL;
}

static unsigned int open_fds(void)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		die("cannot open", "/proc/self/fd");
	while ((de = readdir(dir)))
		n += de->d_name[0] != '.';
	closedir(dir);
	return n - 1; /* the directory's own */
}

static unsigned long rss_kib(void)
{
	char line[256];
	unsigned long kib = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		die("cannot open", "/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Back to the tree as it was before the first run, so that every stretch
 * of runs starts with devices to claim and takes the whole path again.
 */
static void reset_tree(const char *root, const char *pristine)
{
	char cmd[3 * PATH_MAX + 64];

	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -a '%s' '%s'", root, pristine, root) >=
		    (int)sizeof(cmd) ||
	    system(cmd) != 0)
		die("cannot reset the tree from", pristine);
}

/* The kernel's ring forgets; the fake tree's file would only grow. */
static void truncate_kmsg(const char *root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	if (truncate(path, 0) < 0 && errno != ENOENT)
		die("cannot truncate", path);
}

int main(int argc, char **argv)
{
	unsigned long iterations, i, status[4] = { 0 };
	unsigned int fds0 = 0, fds = 0, claim_argc, a;
	unsigned long rss0 = 0, rss = 0, rss_max = 0;
	char *claim_argv[ARGS_MAX + 1];
	bool inject_faults = false;
	pthread_t thread;
	const char *root, *pristine = NULL;
	int opt, first, bad = 0;
	unsigned long resets = 0;

	rng = 0x9e3779b97f4a7c15ull;
	while ((opt = getopt(argc, argv, "+fs:r:")) != -1) {
		if (opt == 'f')
			inject_faults = true;
		else if (opt == 's')
			rng = strtoull(optarg, NULL, 0) | 1;
		else if (opt == 'r')
			pristine = optarg;
		else
			return 2;
	}
	if (argc - optind < 3 || strcmp(argv[optind + 2], "--") != 0 ||
	    argc - optind - 3 > ARGS_MAX - 1) {
		fprintf(stderr, "usage: soak [-f] [-s SEED] [-r PRISTINE] ROOT ITERATIONS -- CLAIM "
				"ARGS...\n");
		return 2;
	}
	root = argv[optind];
	iterations = strtoul(argv[optind + 1], NULL, 10);
	claim_argc = (unsigned int)(argc - optind - 3);
	first = optind + 3;
	list_devices(root);
	if (inject_faults && pthread_create(&thread, NULL, fault_thread, NULL) != 0)
		die("cannot start", "the fault thread");
	for (i = 0; i < iterations; i++) {
		int r;

		/* getopt_long again from the start; it permutes argv. */
		claim_argv[0] = "vfiopt-claim";
		for (a = 0; a < claim_argc; a++)
			claim_argv[a + 1] = argv[first + a];
		claim_argv[claim_argc + 1] = NULL;
		optind = 0;
		r = claim_main("vfiopt-claim", (int)claim_argc + 1, claim_argv);
		status[r >= 0 && r < 3 ? r : 3]++;
		pthread_mutex_lock(&fault_lock);
		if (i % 100 == 99)
			truncate_kmsg(root);
		if (i == 99 || i + 1 == iterations) {
			fds = open_fds();
			rss = rss_kib();
			if (i == 99 || iterations < 100) {
				fds0 = fds;
				rss0 = rss;
			}
		}
		if (i % 500 == 0 && rss_kib() > rss_max)
			rss_max = rss_kib();
		if (pristine && i % 100 == 99 && i + 1 < iterations) {
			reset_tree(root, pristine);
			resets++;
		}
		pthread_mutex_unlock(&fault_lock);
	}
	atomic_store(&stop, true);
	if (inject_faults)
		pthread_join(thread, NULL);
	printf("soak: %lu runs on %u devices (%lu resets), exit status 0: %lu, 1: %lu, 2: %lu, "
	       "other: %lu; "
	       "descriptors %u then %u; RSS %lu then %lu KiB (max %lu)",
	       iterations, n_devs, resets, status[0], status[1], status[2], status[3], fds0, fds,
	       rss0, rss, rss_max);
	if (inject_faults) {
		printf("; faults:");
		for (a = 0; a < FAULT_COUNT; a++)
			printf(" %s %lu", fault_names[a], faults[a]);
	}
	putchar('\n');
	if (fds != fds0) {
		fprintf(stderr, "soak: open descriptors grew from %u to %u\n", fds0, fds);
		bad = 1;
	}
	if (rss > rss0 + RSS_SLACK_KIB) {
		fprintf(stderr, "soak: memory grew from %lu to %lu KiB\n", rss0, rss);
		bad = 1;
	}
	if (status[3]) {
		fprintf(stderr, "soak: %lu runs ended with an unexpected status\n", status[3]);
		bad = 1;
	}
	return bad;
}
