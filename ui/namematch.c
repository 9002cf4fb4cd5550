/* namematch.c - a typed name among the store's names (see namematch.h). */
#include "namematch.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "glyphs.h"
#include "../lib/util.h"

bool name_fits(const char *name, const char *typed, enum name_how how)
{
	switch (how) {
	case NAME_EXACT: return !strcasecmp(name, typed);
	case NAME_PREFIX: return !strncasecmp(name, typed, strlen(typed));
	case NAME_SUBSTRING: return strcasestr(name, typed) != NULL;
	default: return false;
	}
}

struct name_match name_match(const char *const *names, size_t n, const char *typed)
{
	static const enum name_how rules[] = { NAME_EXACT, NAME_PREFIX, NAME_SUBSTRING };
	struct name_match m = { NAME_NONE, 0, 0 };
	if (!*typed)
		return m;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		for (size_t i = 0; i < n; i++) {
			if (!name_fits(names[i], typed, rules[r]))
				continue;
			if (!m.count++)
				m.which = i;
		}
		if (m.count) {
			m.how = rules[r];
			return m;
		}
	}
	return m;
}

struct names {
	char **v;
	size_t n;
};

static int take_name(void *ctx, const char *name)
{
	struct names *ns = ctx;
	ns->v = xrealloc(ns->v, (ns->n + 1) * sizeof(*ns->v));
	ns->v[ns->n++] = xstrdup(name);
	return 0;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* The names that fit, their common start once: "CLIENT0{1,2,3}",
 * "SMS_SERVICE_CONNECTOR_CMGateway{NotificationWorker,SyncUploadWorker}",
 * else "a, b, c" (a status line is 80 columns). */
static void names_list(const struct names *ns, const char *typed, enum name_how how,
		       char *out, size_t len)
{
	const char *first = NULL;
	size_t common = 0, o = 0, fits = 0;
	for (size_t i = 0; i < ns->n; i++) {
		if (how != NAME_NONE && !name_fits(ns->v[i], typed, how))
			continue;
		if (!first) {
			first = ns->v[i];
			common = strlen(first);
		}
		size_t k = 0;
		while (k < common && first[k] == ns->v[i][k])
			k++;
		common = k;
		fits++;
	}
	if (fits < 2 || common < 3)
		common = 0;
	out[0] = '\0';
	if (common)
		o += (size_t)snprintf(out, len, "%.*s{", (int)common, first);
	for (size_t i = 0, n = 0; i < ns->n && o + 1 < len; i++)
		if (how == NAME_NONE || name_fits(ns->v[i], typed, how))
			o += (size_t)snprintf(out + o, len - o, "%s%s", n++ ? common ? "," : ", " : "",
					      ns->v[i] + common);
	if (common && o + 1 < len)
		snprintf(out + o, len - o, "}");
}

bool name_resolve(struct app *a, enum store_names_of of, const char *what, const char *typed,
		  char **out, char *err, size_t errlen)
{
	if (!*typed) {
		*out = NULL;
		app_message(a, PAINT_NORMAL, "%s filter cleared", what);
		return true;
	}
	struct names ns = {0};
	if (store_names(app_store(a), of, take_name, &ns) < 0) {
		snprintf(err, errlen, "%ss: %s", what, store_error(app_store(a)));
		names_free(&ns);
		return false;
	}
	struct name_match m = name_match((const char *const *)ns.v, ns.n, typed);
	char list[400];
	bool ok = m.count == 1;
	if (ok) {
		*out = xstrdup(ns.v[m.which]);
		app_message(a, PAINT_NORMAL, "%s '%s' matched %s%s", what, typed, ns.v[m.which],
			    m.how == NAME_EXACT ? "" : m.how == NAME_PREFIX ? " (prefix)" : " (substring)");
	} else if (m.count) {
		names_list(&ns, typed, m.how, list, sizeof(list));
		snprintf(err, errlen, "%zu %ss match: %s", m.count, what, list);
	} else {
		names_list(&ns, typed, NAME_NONE, list, sizeof(list));
		snprintf(err, errlen, "no %s matches '%s'; %zu %ss: %s", what, typed, ns.n, what, list);
	}
	names_free(&ns);
	return ok;
}
