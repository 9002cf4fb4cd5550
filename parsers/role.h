/* role.h - the roles a log plays in a trace, one table: the three lanes
 * (connector, server, agent), the service connection point's upload
 * workers, and everything else.
 *
 * Roles are decided once per file (from its name in bundle.c, from its
 * content for a piped or single file, or from --role) and travel as this
 * enum; their names are the text the store keeps in files.role for
 * sqlite3 readers and the names users type. */
#ifndef TATRACE_ROLE_H
#define TATRACE_ROLE_H

#include <stdbool.h>
#include <stddef.h>

enum log_role {
	ROLE_CONNECTOR = 0,	/* CMGatewayNotificationWorker.log, SCP */
	ROLE_SERVER,		/* BgbServer.log, management point */
	ROLE_AGENT,		/* CcmNotificationAgent.log, each client */
	ROLE_UPLOAD,		/* CMGatewaySyncUploadWorker, GenericUploadWorker */
	ROLE_OTHER,		/* any other log: records, no events */
	ROLE_COUNT
};

/* connector|server|agent|upload|other; "other" for anything out of range. */
const char *role_name(enum log_role role);
/* A role by name, case-insensitive. false when none. */
bool role_parse(const char *name, enum log_role *out);
/* The logical log (rotation base) a role's file usually has, e.g.
 * "BgbServer" for ROLE_SERVER; NULL for ROLE_OTHER and ROLE_UPLOAD (two
 * workers share it). Names a piped log that has no file name. */
const char *role_log_name(enum log_role role);
/* The role the first bytes of a log show by their component names
 * (SMS_NOTIFICATION_SERVER, BgbAgent, SMS_SERVICE_CONNECTOR_<worker>):
 * the one named most often; ROLE_OTHER when none is. For logs that come
 * without a telling file name (a pipe, a renamed file). */
enum log_role role_of_content(const unsigned char *head, size_t len);

#endif
