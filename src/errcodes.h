/* errcodes.h - one table of the error codes tenant-attach logs show
 * (HRESULTs from Windows, .NET and ConfigMgr, and HTTP statuses) with what
 * they mean, for findings and `tatrace explain`. */
#ifndef TATRACE_ERRCODES_H
#define TATRACE_ERRCODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum errcode_family {
	ERRCODE_HRESULT,	/* 32-bit, shown 0xXXXXXXXX */
	ERRCODE_HTTP,		/* 100..599 */
};

struct errcode {
	enum errcode_family family;
	uint32_t code;
	const char *name;	/* E_ACCESSDENIED, "Unauthorized", ... */
	const char *source;	/* Windows, .NET, Configuration Manager, HTTP */
	const char *meaning;	/* what it means here, in our words */
};

/* The entry for a code, or NULL when the table does not know it. */
const struct errcode *errcode_find(enum errcode_family family, uint32_t code);

/* Read a code as people type it: 0x80070005, 80070005h, -2147024891,
 * 2147942405, "HTTP 401", "401". A number of 100..599 is an HTTP status.
 * false when text is not a number. */
bool errcode_parse(const char *text, enum errcode_family *family,
		   uint32_t *code);

/* "0x80070005" or "HTTP 401" into buf (at least 16 bytes). */
const char *errcode_label(enum errcode_family family, uint32_t code,
			  char *buf, size_t len);

/* The codes a log message names: 0x and eight hex digits (HRESULTs), and
 * HTTP statuses written "(401)", "status code: 401", "StatusCode: 401" or
 * "HTTP 401" (100..599). Each code once, in the order found, at most max.
 * Returns how many. No regex: a scan for the few shapes. */
struct errcode_hit {
	enum errcode_family family;
	uint32_t code;
};
size_t errcode_scan(const char *s, size_t len, struct errcode_hit *out, size_t max);

/* Every entry, for listings and tests. */
const struct errcode *errcode_table(size_t *n);

#endif
