/* actions.c - the action table's key names, dispatch and man page. */
#include "actions.h"

#include <curses.h>
#include <string.h>

#define ACTION_ROW(id, keys, name, views, help) { id, keys, name, views, help },
const struct action_info action_infos[] = { ACTION_TABLE(ACTION_ROW) };
#undef ACTION_ROW
const size_t action_info_count = sizeof(action_infos) / sizeof(action_infos[0]);

static const struct {
	const char *name;
	int code;
} special_keys[] = {
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },
	{ "Home", KEY_HOME }, { "End", KEY_END }, { "Enter", '\n' },
	{ "Esc", 27 }, { "Tab", '\t' }, { "Space", ' ' }, { "F1", KEY_F(1) },
};
#define N_SPECIAL (sizeof(special_keys) / sizeof(special_keys[0]))

int action_key_code(const char *name, size_t len)
{
	if (len == 1)
		return (unsigned char)name[0];
	if (len == 3 && name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z')
		return name[2] - 'a' + 1;
	if (len > 2 && name[0] == '<' && name[len - 1] == '>') {
		for (size_t i = 0; i < N_SPECIAL; i++)
			if (strlen(special_keys[i].name) == len - 2 &&
			    !memcmp(special_keys[i].name, name + 1, len - 2))
				return special_keys[i].code;
	}
	return -1;
}

static bool keys_have(const char *keys, int key)
{
	const char *p = keys;
	while (*p) {
		size_t len = strcspn(p, " ");
		if (len && action_key_code(p, len) == key)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

enum action action_for_key(unsigned view, int key)
{
	/* Terminals send Enter as \r or KEY_ENTER too. */
	if (key == '\r' || key == KEY_ENTER)
		key = '\n';
	for (size_t i = 0; i < action_info_count; i++)
		if ((action_infos[i].views & view) && keys_have(action_infos[i].keys, key))
			return action_infos[i].id;
	return ACT_NONE;
}

void action_keys_text(const struct action_info *a, char *out, size_t len)
{
	/* <Name> loses its brackets; the keys < and > keep theirs */
	size_t o = 0;
	for (const char *p = a->keys; *p && o + 1 < len; p++) {
		bool named = (*p == '<' && p[1] && p[1] != ' ') ||
			     (*p == '>' && p > a->keys && p[-1] != ' ');
		if (!named)
			out[o++] = *p;
	}
	out[o] = '\0';
}

/* The views' names, in the order the man page's groups list them. */
const struct action_view action_views[] = {
	{ V_LIST, "trace list" },
	{ V_TIMELINE, "timeline" },
	{ V_DETAIL, "trace detail" },
	{ V_FINDINGS, "findings" },
	{ V_COVERAGE, "coverage" },
	{ V_LOG, "merged log" },
	{ V_RECORD, "record detail" },
	{ V_HELP, "help" },
};
const size_t action_view_count = sizeof(action_views) / sizeof(action_views[0]);

/* A group's title from its set of views: "Trace list, timeline and
 * record detail"; "Everywhere" for V_ALL. Derived, so that a new view set
 * in the action table can never fall out of the man page. */
static void group_title(unsigned views, char *out, size_t len)
{
	size_t n = 0, total = 0, o = 0;
	if (views == V_ALL) {
		snprintf(out, len, "Everywhere");
		return;
	}
	for (size_t i = 0; i < action_view_count; i++)
		total += (views & action_views[i].view) != 0;
	out[0] = '\0';
	for (size_t i = 0; i < action_view_count && o < len; i++) {
		if (!(views & action_views[i].view))
			continue;
		n++;
		o += (size_t)snprintf(out + o, len - o, "%s%s", n == 1 ? "" : n == total ? " and " : ", ",
				      action_views[i].name);
	}
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* Was this view set met before row i (its group is already written)? */
static bool views_seen_before(size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (action_infos[j].views == action_infos[i].views)
			return true;
	return false;
}

static void man_group(FILE *f, unsigned views)
{
	char title[160];
	group_title(views, title, sizeof(title));
	fprintf(f, ".Ss %s\n.Bl -tag -width Ds\n", title);
	for (size_t i = 0; i < action_info_count; i++) {
		const struct action_info *a = &action_infos[i];
		if (a->views != views)
			continue;
		char keys[64];
		action_keys_text(a, keys, sizeof(keys));
		/* \& keeps ":" and the like from being mdoc punctuation. */
		fputs(".It Li", f);
		for (char *k = strtok(keys, " "); k; k = strtok(NULL, " "))
			fprintf(f, " \\&%s", k);
		fprintf(f, "\n%s: %s\n", a->name, a->help);
	}
	fputs(".El\n", f);
}

void actions_man(FILE *f)
{
	fputs(".Sh KEYS\n"
	      "The keys of\n.Nm Cm ui ,\n"
	      "generated from the dashboard's action table\n"
	      ".Pq Pa ui/actions.h\n"
	      "like its help screen\n.Pq Ic \\&? .\n", f);
	/* One group per set of views, in table order; everywhere last. */
	for (size_t i = 0; i < action_info_count; i++)
		if (action_infos[i].views != V_ALL && !views_seen_before(i))
			man_group(f, action_infos[i].views);
	man_group(f, V_ALL);
}
