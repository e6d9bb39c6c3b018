/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_VERBS_H
#define VFIOPT_VERBS_H

#include "shared/util.h"

int verb_setup(int argc, char **argv);
int verb_list(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_check(int argc, char **argv);
int verb_boot(int argc, char **argv);
int verb_release(int argc, char **argv);

#endif
