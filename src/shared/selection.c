// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What to claim: vfiopt.ids=, vfiopt.addrs=, vfiopt.companions=,
 * vfiopt.disable= and the kernel's vfio-pci.ids=, taken from the kernel
 * command line.  The command line is untrusted input: each malformed entry
 * is named and ignored, and the well-formed ones still count.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"
#include "shared/selection.h"
#include "shared/util.h"

static const struct {
	const char *name;
	enum sel_kind kind;
} params[] = {
	{ "vfiopt.ids", SEL_IDS },
	{ "rd.vfiopt.ids", SEL_IDS },
	/* The kernel's own: an existing vfio-pci.ids= gets early claiming too. */
	{ "vfio_pci.ids", SEL_IDS_KERNEL },
	{ "vfiopt.addrs", SEL_ADDRS },
	{ "rd.vfiopt.addrs", SEL_ADDRS },
	{ "vfiopt.companions", SEL_COMPANIONS },
	{ "rd.vfiopt.companions", SEL_COMPANIONS },
	{ "vfiopt.disable", SEL_DISABLE },
	{ "rd.vfiopt.disable", SEL_DISABLE },
};

void selection_init(struct selection *sel)
{
	memset(sel, 0, sizeof(*sel));
	sel->companions = true;
}

/*
 * Count a malformed entry; true while it should still be logged.  A
 * command line of 30000 commas must not become 30000 console lines.
 */
bool selection_note_bad(struct selection *sel)
{
	return ++sel->n_bad <= SEL_BAD_LOGGED;
}

void selection_report(const struct selection *sel)
{
	if (sel->n_bad > SEL_BAD_LOGGED)
		log_warn("%u more malformed entries not shown", sel->n_bad - SEL_BAD_LOGGED);
}

bool selection_empty(const struct selection *sel)
{
	return sel->n_ids == 0 && sel->n_addrs == 0;
}

/* The kernel's parameq(): '-' and '_' are the same in a parameter name. */
static bool param_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a;
		char y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static void bad_entry(struct selection *sel, const char *param, const char *s, size_t len,
		      const char *why)
{
	if (selection_note_bad(sel)) {
		char text[96];

		log_warn("ignoring %s entry \"%s\": %s", param,
			 printable(s, len, text, sizeof(text)), why);
	}
}

static void add_entry(struct selection *sel, enum sel_kind kind, const char *param, const char *s,
		      size_t len)
{
	const char *why = NULL;

	if (len == 0) {
		bad_entry(sel, param, s, len, "empty entry");
		return;
	}
	if (len > SEL_ENTRY_MAX) {
		bad_entry(sel, param, s, len, "too long to be an id or an address");
		return;
	}
	if (kind == SEL_IDS || kind == SEL_IDS_KERNEL) {
		struct sel_id *id = &sel->ids[sel->n_ids];

		if (sel->n_ids == SEL_MAX_IDS) {
			bad_entry(sel, param, s, len, "too many ids");
			return;
		}
		if (pci_match_parse(s, len, kind == SEL_IDS_KERNEL, &id->match, &why) < 0) {
			bad_entry(sel, param, s, len, why);
			return;
		}
		memcpy(id->text, s, len);
		id->text[len] = '\0';
		id->param = param;
		sel->n_ids++;
	} else {
		struct sel_addr *addr = &sel->addrs[sel->n_addrs];

		if (sel->n_addrs == SEL_MAX_ADDRS) {
			bad_entry(sel, param, s, len, "too many addresses");
			return;
		}
		if (pci_addr_parse(s, len, &addr->addr, &why) < 0) {
			bad_entry(sel, param, s, len, why);
			return;
		}
		memcpy(addr->text, s, len);
		addr->text[len] = '\0';
		addr->param = param;
		sel->n_addrs++;
	}
}

static void add_list(struct selection *sel, enum sel_kind kind, const char *param, const char *val)
{
	const char *comma;

	if (!val) {
		bad_entry(sel, param, "", 0, "needs a value");
		return;
	}
	for (;;) {
		comma = strchr(val, ',');
		add_entry(sel, kind, param, val, comma ? (size_t)(comma - val) : strlen(val));
		if (!comma)
			break;
		val = comma + 1;
	}
}

static void set_disable(struct selection *sel, const char *param, const char *val)
{
	char text[64];
	bool on;

	/* A bare "vfiopt.disable" means on, as for any kernel bool. */
	if (!val) {
		sel->disabled = true;
		return;
	}
	if (parse_bool(val, &on) == 0) {
		sel->disabled = on;
		return;
	}
	/* Someone typing a rescue switch at the boot prompt meant it. */
	log_warn("%s=%s is not 0 or 1; disabling to be safe", param,
		 printable(val, strlen(val), text, sizeof(text)));
	sel->disabled = true;
}

static void set_companions(struct selection *sel, const char *param, const char *val)
{
	bool on = true;

	if (val && parse_bool(val, &on) < 0) {
		if (selection_note_bad(sel)) {
			char text[64];

			log_warn("ignoring %s=%s: not 0 or 1", param,
				 printable(val, strlen(val), text, sizeof(text)));
		}
		return;
	}
	sel->companions = on;
}

/*
 * Apply one setting.  Ids and addresses add up, switches take the last
 * value, as repeated kernel parameters do.  @label names the source in
 * messages ("vfiopt.ids", "/etc/vfiopt.conf ids").
 */
void selection_set(struct selection *sel, enum sel_kind kind, const char *label, const char *val)
{
	switch (kind) {
	case SEL_IDS:
	case SEL_IDS_KERNEL:
	case SEL_ADDRS:
		add_list(sel, kind, label, val);
		break;
	case SEL_COMPANIONS:
		set_companions(sel, label, val);
		break;
	case SEL_DISABLE:
		set_disable(sel, label, val);
		break;
	}
}

/* Apply one kernel parameter; false when it is not ours. */
bool selection_apply(struct selection *sel, const char *param, char *val)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		if (param_eq(param, params[i].name)) {
			selection_set(sel, params[i].kind, params[i].name, val);
			return true;
		}
	}
	return false;
}

static char *skip_spaces(char *s)
{
	while (is_kernel_space(*s))
		s++;
	return s;
}

/*
 * Split the next parameter off @args in place, by the rules of the
 * kernel's next_arg(): blanks separate parameters except inside double
 * quotes; a quoted value or a quoted "param=value" loses its quotes.
 * Returns where the next parameter starts.
 */
char *cmdline_next_arg(char *args, char **param, char **val)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = true;
		quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (is_kernel_space(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}

	*param = args;
	*val = NULL;
	if (equals) {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';

	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return skip_spaces(args);
}

void selection_parse_cmdline(struct selection *sel, char *cmdline)
{
	char *args = skip_spaces(cmdline);
	char *param, *val;

	while (*args) {
		args = cmdline_next_arg(args, &param, &val);
		/* Like the kernel: what follows "--" is for init, not for us. */
		if (!val && strcmp(param, "--") == 0)
			break;
		selection_apply(sel, param, val);
	}
}

/*
 * Drop a parameter cut by the size limit: half an id can be a valid,
 * different id ("10de:1b8" of "10de:1b80").
 */
static void cut_at_last_space(char *buf, size_t len)
{
	while (len > 0 && !is_kernel_space(buf[len - 1]))
		len--;
	buf[len] = '\0';
	log_warn("kernel command line longer than %d bytes: ignoring what follows",
		 CMDLINE_MAX - 1);
}

/* The command line from --cmdline, or /proc/cmdline under the root. */
int cmdline_load(int rootfd, const char *given, char *buf, size_t size)
{
	ssize_t n;
	char extra;
	int fd;

	if (given) {
		size_t len = strlen(given);

		if (len < size) {
			memcpy(buf, given, len + 1);
			return 0;
		}
		memcpy(buf, given, size - 1);
		cut_at_last_space(buf, size - 1);
		return 0;
	}

	fd = openat(rootfd, "proc/cmdline", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read_full(fd, buf, size - 1);
	if (n >= 0 && (size_t)n == size - 1 && read_full(fd, &extra, 1) == 1) {
		close(fd);
		cut_at_last_space(buf, size - 1);
		return 0;
	}
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}
