/* errcodes.c - the table of error codes and what they mean, and the
 * reading of a code in the forms people paste it (hex, decimal, negative
 * HRESULT, "HTTP 401"). Names are the SDK's; the meanings are ours, checked
 * against Microsoft's documentation (Win32/COM headers, .NET's HResults,
 * ConfigMgr's "application installation error codes" reference). */
#include "errcodes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HR(code, name, source, meaning) \
	{ ERRCODE_HRESULT, code, name, source, meaning }
#define HTTP(code, name, meaning) \
	{ ERRCODE_HTTP, code, name, "HTTP", meaning }

static const struct errcode table[] = {
	HR(0x80004005u, "E_FAIL", "Windows",
	   "unspecified failure: the component gave no more precise code;"
	   " the lines around it say what it was doing"),
	HR(0x80070002u, "ERROR_FILE_NOT_FOUND", "Windows",
	   "the system cannot find the file specified"),
	HR(0x80070005u, "E_ACCESSDENIED", "Windows",
	   "access is denied: the account the process runs as lacks a right"
	   " (file, registry, WMI or DCOM permission)"),
	HR(0x80070490u, "ERROR_NOT_FOUND", "Windows", "element not found"),
	HR(0x800706BAu, "RPC_S_SERVER_UNAVAILABLE", "Windows",
	   "the RPC server is unavailable: the remote machine is off, its"
	   " service is stopped, or a firewall blocks RPC"),
	HR(0x80072EE2u, "ERROR_INTERNET_TIMEOUT", "Windows (WinINet/WinHTTP)",
	   "the request timed out: no answer from the server in time"
	   " (network, proxy or firewall)"),
	HR(0x80072EFDu, "ERROR_INTERNET_CANNOT_CONNECT", "Windows (WinINet/WinHTTP)",
	   "a connection to the server could not be established"),
	HR(0x80072F8Fu, "ERROR_INTERNET_SECURE_FAILURE", "Windows (WinINet/WinHTTP)",
	   "a TLS/certificate error stopped the secure connection"),
	HR(0x80131500u, "COR_E_EXCEPTION", ".NET",
	   "a .NET exception without a more precise code"),
	HR(0x80131509u, "COR_E_INVALIDOPERATION", ".NET",
	   "InvalidOperationException, which System.Net.WebException inherits:"
	   " on the service connection point it marks a failed web request;"
	   " the HTTP status on the \"Response from\" line before it says why"),
	HR(0x87D00202u, "", "Configuration Manager", "service is shutting down"),
	HR(0x87D00207u, "", "Configuration Manager", "parsing error"),
	HR(0x87D00213u, "", "Configuration Manager", "timeout occurred"),
	HR(0x87D00215u, "", "Configuration Manager",
	   "item not found (for an application: its deployment policy or its"
	   " content is not available to the client)"),
	HR(0x87D00324u, "", "Configuration Manager",
	   "the application was not detected after installation completed"),
	HR(0x87D00607u, "", "Configuration Manager",
	   "content not found: the content is not on a distribution point the"
	   " client can reach"),
	HTTP(400, "Bad Request",
	     "the server refused the request as malformed or invalid"),
	HTTP(401, "Unauthorized",
	     "the caller is not, or no longer, accepted as authenticated"),
	HTTP(403, "Forbidden",
	     "the caller is authenticated but not allowed to do this; for tenant"
	     " attach actions it is what an SMS provider that requires"
	     " multi-factor authentication answers"),
	HTTP(404, "Not Found", "the address asked for does not exist"),
	HTTP(407, "Proxy Authentication Required",
	     "a proxy between the server and the service wants credentials"),
	HTTP(408, "Request Timeout", "the server gave up waiting for the request"),
	HTTP(429, "Too Many Requests", "the service is throttling the caller"),
	HTTP(500, "Internal Server Error",
	     "the service failed while handling the request (its side)"),
	HTTP(502, "Bad Gateway",
	     "a gateway or proxy got a bad answer from the service behind it"),
	HTTP(503, "Service Unavailable",
	     "the service is down or overloaded for now; try again later"),
	HTTP(504, "Gateway Timeout",
	     "a gateway or proxy got no answer in time from the service behind it"),
};
#define N_CODES (sizeof(table) / sizeof(table[0]))

const struct errcode *errcode_table(size_t *n)
{
	*n = N_CODES;
	return table;
}

const struct errcode *errcode_find(enum errcode_family family, uint32_t code)
{
	for (size_t i = 0; i < N_CODES; i++)
		if (table[i].family == family && table[i].code == code)
			return &table[i];
	return NULL;
}

const char *errcode_label(enum errcode_family family, uint32_t code,
			  char *buf, size_t len)
{
	if (family == ERRCODE_HTTP)
		snprintf(buf, len, "HTTP %u", (unsigned)code);
	else
		snprintf(buf, len, "0x%08X", (unsigned)code);
	return buf;
}

/* All of s[0..n) is digits of the base, and at least one. */
static bool all_digits(const char *s, size_t n, int base)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (base == 16 ? !isxdigit(c) : !isdigit(c))
			return false;
	}
	return true;
}

static bool parse_number(const char *s, size_t n, int base, bool neg,
			 enum errcode_family *family, uint32_t *code)
{
	if (!all_digits(s, n, base) || n > 20)
		return false;
	char tmp[24];
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	unsigned long long v = strtoull(tmp, NULL, base);
	if (neg) {
		/* A negative HRESULT as a signed 32-bit decimal. */
		if (v == 0 || v > 0x80000000ull)
			return false;
		*family = ERRCODE_HRESULT;
		*code = (uint32_t)(0x100000000ull - v);
		return true;
	}
	if (v > 0xFFFFFFFFull)
		return false;
	*family = base == 10 && v >= 100 && v <= 599 ? ERRCODE_HTTP
						      : ERRCODE_HRESULT;
	*code = (uint32_t)v;
	return true;
}

bool errcode_parse(const char *text, enum errcode_family *family,
		   uint32_t *code)
{
	if (!text)
		return false;
	while (isspace((unsigned char)*text))
		text++;
	size_t n = strlen(text);
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		n--;
	if (n >= 4 && strncasecmp(text, "http", 4) == 0) {
		const char *p = text + 4;
		size_t m = n - 4;
		while (m > 0 && (*p == ' ' || *p == ':' || *p == '/')) {
			p++;
			m--;
		}
		if (!parse_number(p, m, 10, false, family, code) ||
		    *family != ERRCODE_HTTP)
			return false;
		return true;
	}
	if (n > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return parse_number(text + 2, n - 2, 16, false, family, code);
	if (n > 1 && (text[n - 1] == 'h' || text[n - 1] == 'H'))
		return parse_number(text, n - 1, 16, false, family, code);
	if (n > 1 && text[0] == '-')
		return parse_number(text + 1, n - 1, 10, true, family, code);
	/* Eight hex digits are how HRESULTs are pasted without 0x; no decimal
	 * HRESULT has eight digits (they start at 2147483648). */
	if (n == 8 && all_digits(text, n, 16))
		return parse_number(text, n, 16, false, family, code);
	return parse_number(text, n, 10, false, family, code);
}

/* ---- codes named in a message ---- */

static bool scan_seen(const struct errcode_hit *h, size_t n, enum errcode_family f, uint32_t code)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].family == f && h[i].code == code)
			return true;
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Three digits at s[0..2] not followed by a fourth: the status, or -1. */
static int http_at(const char *s, size_t left)
{
	if (left < 3 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) ||
	    (left > 3 && is_digit(s[3])))
		return -1;
	int v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	return v >= 100 && v <= 599 ? v : -1;
}

/* Where an HTTP status may follow: after one of these words (any case). */
static const char *const http_leads[] = { "status code: ", "statuscode: ", "http ", "http/1.1 ",
					  "http/2 " };

size_t errcode_scan(const char *s, size_t len, struct errcode_hit *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < max; i++) {
		enum errcode_family fam = ERRCODE_HRESULT;
		long long code = -1;
		if (s[i] == '0' && i + 10 <= len && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
		    (i == 0 || !isalnum((unsigned char)s[i - 1]))) {
			uint32_t v = 0;
			size_t k = 2;
			for (; k < 10 && isxdigit((unsigned char)s[i + k]); k++)
				v = v << 4 | (uint32_t)(isdigit((unsigned char)s[i + k]) ?
					s[i + k] - '0' : (tolower((unsigned char)s[i + k]) - 'a' + 10));
			if (k == 10 && (i + 10 == len || !isxdigit((unsigned char)s[i + 10])))
				code = v;
		} else if (s[i] == '(' && i + 4 < len && s[i + 4] == ')') {
			fam = ERRCODE_HTTP;
			code = http_at(s + i + 1, 3);
		} else {
			for (size_t w = 0; w < sizeof(http_leads) / sizeof(http_leads[0]); w++) {
				size_t wl = strlen(http_leads[w]);
				if (i + wl < len && !strncasecmp(s + i, http_leads[w], wl) &&
				    (i == 0 || !isalnum((unsigned char)s[i - 1]))) {
					fam = ERRCODE_HTTP;
					code = http_at(s + i + wl, len - i - wl);
					break;
				}
			}
		}
		if (code >= 0 && !scan_seen(out, n, fam, (uint32_t)code))
			out[n++] = (struct errcode_hit){ fam, (uint32_t)code };
	}
	return n;
}
