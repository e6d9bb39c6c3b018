// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run other programs (modprobe in the initramfs, update-grub and dracut for
 * setup --apply) directly, never through a shell, and with a deadline: a
 * module whose init hangs must not hang the boot with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/spawn.h"
#include "shared/util.h"

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

/*
 * Run argv[0] and keep the first @size - 1 bytes of what it prints, for a
 * look at its output (lsinitrd).  Reads until EOF or @timeout_ms; the
 * command is killed if it is still running then.  0 or -errno.
 */
int run_capture(const char *const argv[], char *buf, size_t size, unsigned int timeout_ms)
{
	struct timespec start;
	size_t len = 0;
	int pipefd[2], status, r = 0;
	pid_t pid;

	if (size == 0 || access(argv[0], X_OK) < 0)
		return size == 0 ? -EINVAL : -errno;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (dup2(pipefd[1], STDOUT_FILENO) < 0 ||
		    (null >= 0 && dup2(null, STDERR_FILENO) < 0))
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long left = (long)timeout_ms - ms_since(&start);
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		char sink[4096];
		ssize_t n;

		if (left <= 0) {
			r = -ETIMEDOUT;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		/* Past the buffer, keep draining so the command is not blocked. */
		n = len < size - 1 ? read(pipefd[0], buf + len, size - 1 - len)
				   : read(pipefd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < size - 1)
			len += (size_t)n;
	}
	close(pipefd[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return r;
}
