/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_LOG_H
#define VFIOPT_LOG_H

#include <stdbool.h>

/* Kernel log priorities, as /dev/kmsg takes them in its "<N>" prefix. */
enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARNING = 4,
	LOG_LEVEL_NOTICE = 5,
	LOG_LEVEL_INFO = 6,
};

void log_setup(int rootfd, bool to_kmsg, bool to_stderr);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)

#endif
