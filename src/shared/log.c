// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every decision goes to the kernel log as one "vfiopt: " line, so that
 * "dmesg | grep vfiopt" tells the story of an early claim, and to stderr
 * as well when someone is watching, or when there is no kernel log to
 * take it (no /dev/kmsg under --sysroot, say).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "shared/format.h"
#include "shared/log.h"
#include "shared/util.h"

/*
 * The kernel keeps a line from /dev/kmsg under 1 KiB; ours stay well below
 * and are cut with an ellipsis rather than dropped.
 */
#define LOG_LINE_MAX 512

/*
 * /dev/kmsg rate-limits each open file to a burst of 10 lines per 5 s
 * (printk.devkmsg=ratelimit, the default), and drops the rest.  A claim of
 * a few devices can say more than that, so reopen before the burst is spent.
 */
#define KMSG_LINES_PER_OPEN 8

static struct {
	int rootfd;
	int kmsg;
	unsigned int kmsg_lines;
	bool to_kmsg;
	bool to_stderr;
	/* The kernel log was wanted and failed: stderr takes over. */
	bool kmsg_lost;
} log_state = { .rootfd = -1, .kmsg = -1 };

void log_setup(int rootfd, bool to_kmsg, bool to_stderr)
{
	log_close();
	log_state.rootfd = rootfd;
	log_state.to_kmsg = to_kmsg;
	log_state.to_stderr = to_stderr;
	log_state.kmsg_lost = false;
}

void log_close(void)
{
	if (log_state.kmsg >= 0)
		close(log_state.kmsg);
	log_state.kmsg = -1;
	log_state.kmsg_lines = 0;
}

/*
 * @line to the kernel log.  Once it cannot be opened or written, this
 * message and every later one go to stderr instead.
 */
static void kmsg_write(const char *line, size_t len)
{
	if (log_state.kmsg >= 0 && log_state.kmsg_lines >= KMSG_LINES_PER_OPEN)
		log_close();
	if (log_state.kmsg < 0) {
		/* Relative to the root: under --sysroot this is DIR/dev/kmsg. */
		log_state.kmsg = openat(log_state.rootfd, "dev/kmsg",
					O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
		if (log_state.kmsg < 0) {
			log_state.to_kmsg = false;
			log_state.kmsg_lost = true;
			return;
		}
	}
	log_state.kmsg_lines++;
	/* One write() is one kernel log record: never split a line. */
	if (write_once(log_state.kmsg, line, len) == 0)
		return;
	log_state.to_kmsg = false;
	log_state.kmsg_lost = true;
}

static const char *level_prefix(enum log_level level)
{
	if (level <= LOG_LEVEL_ERR)
		return "error: ";
	if (level == LOG_LEVEL_WARNING)
		return "warning: ";
	return "";
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);

	if (log_state.to_kmsg && log_state.rootfd >= 0) {
		char line[LOG_LINE_MAX + 16];

		n = format(line, sizeof(line), "<%d>vfiopt: %s\n", (int)level, msg);
		if (n > 0 && (size_t)n < sizeof(line))
			kmsg_write(line, (size_t)n);
	}
	/* Every message reaches somewhere: stderr when the kernel log did not take it. */
	if (log_state.to_stderr || log_state.kmsg_lost)
		print_fd(STDERR_FILENO, "vfiopt: %s%s\n", level_prefix(level), msg);
}
