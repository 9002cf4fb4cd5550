/* role.c - the role table: names, usual log names, and the component
 * names that give a log's role away in its content. */
#include "role.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	const char *log;	/* usual logical log, NULL when none */
	/* Component names written by this role's log; searched with their
	 * delimiters so that prose that mentions them does not count. */
	const char *components[3];
} roles[ROLE_COUNT] = {
	[ROLE_CONNECTOR] = { "connector", "CMGatewayNotificationWorker",
		{ "\"SMS_SERVICE_CONNECTOR_CMGatewayNotificationWorker\"" } },
	[ROLE_SERVER] = { "server", "BgbServer",
		{ "<SMS_NOTIFICATION_SERVER>", "\"SMS_NOTIFICATION_SERVER\"" } },
	[ROLE_AGENT] = { "agent", "CcmNotificationAgent",
		{ "\"BgbAgent\"" } },
	[ROLE_UPLOAD] = { "upload", NULL,
		{ "\"SMS_SERVICE_CONNECTOR_CMGatewaySyncUploadWorker\"",
		  "\"SMS_SERVICE_CONNECTOR_GenericUploadWorker\"" } },
	[ROLE_OTHER] = { "other", NULL, { NULL } },
};

const char *role_name(enum log_role role)
{
	return (unsigned)role < ROLE_COUNT ? roles[role].name : "other";
}

bool role_parse(const char *name, enum log_role *out)
{
	for (int r = 0; name && r < ROLE_COUNT; r++) {
		if (!strcasecmp(name, roles[r].name)) {
			*out = (enum log_role)r;
			return true;
		}
	}
	return false;
}

const char *role_log_name(enum log_role role)
{
	return (unsigned)role < ROLE_COUNT ? roles[role].log : NULL;
}

static size_t count_in(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = 0, nl = strlen(needle);
	const unsigned char *end = p + len;
	while (p < end) {
		const unsigned char *hit = memmem(p, (size_t)(end - p), needle, nl);
		if (!hit)
			break;
		n++;
		p = hit + nl;
	}
	return n;
}

enum log_role role_of_content(const unsigned char *head, size_t len)
{
	enum log_role best = ROLE_OTHER;
	size_t best_n = 0;
	for (int r = 0; r < ROLE_COUNT; r++) {
		size_t n = 0;
		for (int c = 0; c < 3 && roles[r].components[c]; c++)
			n += count_in(head, len, roles[r].components[c]);
		if (n > best_n) {
			best_n = n;
			best = (enum log_role)r;
		}
	}
	return best;
}
