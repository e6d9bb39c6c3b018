/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VFIOPT_JSON_H
#define VFIOPT_JSON_H

/* @s as a JSON string on stdout, escaped; null when it is NULL or empty. */
void json_string(const char *s);

#endif
