/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_VERBS_H
#define VFIOPT_VERBS_H

/* Exit statuses shared by every verb. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

int verb_claim(int argc, char **argv);
int verb_setup(int argc, char **argv);
int verb_list(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_check(int argc, char **argv);
int verb_boot(int argc, char **argv);
int verb_release(int argc, char **argv);

#endif
