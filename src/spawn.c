// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run other programs (modprobe in the initramfs, update-grub and dracut for
 * setup --apply) directly, never through a shell, and with a deadline: a
 * module whose init hangs must not hang the boot with it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "util.h"

/*
 * Where modprobe (or dracut) lives differs between distributions and
 * initramfs generators, and PATH may be unset that early: try the usual
 * places, then PATH.
 */
int find_program(const char *name, char *buf, size_t size)
{
	static const char *const fixed[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
	const char *path = getenv("PATH");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		if (path_join(buf, size, "%s/%s", fixed[i], name) == 0 && access(buf, X_OK) == 0)
			return 0;
	while (path && *path) {
		const char *colon = strchr(path, ':');
		int len = colon ? (int)(colon - path) : (int)strlen(path);

		if (len > 0 && path[0] == '/' &&
		    path_join(buf, size, "%.*s/%s", len, path, name) == 0 && access(buf, X_OK) == 0)
			return 0;
		path = colon ? colon + 1 : NULL;
	}
	return -ENOENT;
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/* Wait for @pid at most @timeout_ms; SIGCHLD is blocked by the caller. */
static int wait_bounded(pid_t pid, const sigset_t *chld, unsigned int timeout_ms, int *status)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long left = (long)timeout_ms - ms_since(&start);
		struct timespec ts;
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (left <= 0)
			return -ETIMEDOUT;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000L;
		/* Wakes on SIGCHLD; a timeout or EINTR just loops to waitpid. */
		sigtimedwait(chld, NULL, &ts);
	}
}

/*
 * Run argv[0] with argv, wait at most @timeout_ms.  0 when it exits 0,
 * -errno when it cannot be run, -ETIMEDOUT, or -EIO for a failure status.
 */
int run_command(const char *const argv[], unsigned int timeout_ms)
{
	const char *prog = argv[0];
	sigset_t chld, old;
	int status, r;
	pid_t pid;

	if (access(prog, X_OK) < 0)
		return -errno;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid < 0) {
		r = -errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	r = wait_bounded(pid, &chld, timeout_ms, &status);
	if (r == -ETIMEDOUT) {
		log_warn("%s did not finish in %u ms; killed it", prog, timeout_ms);
		kill(pid, SIGKILL);
		/*
		 * A modprobe stuck inside a module's init cannot die until the
		 * init returns: give it a moment, then leave it to init rather
		 * than wait with it.
		 */
		wait_bounded(pid, &chld, 1000, &status);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOEXEC;
	return -EIO;
}
