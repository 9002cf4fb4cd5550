/* demo.h - a deterministic generator of a realistic tenant-attach lab
 * bundle: a service connection point, a management point and N clients,
 * with device-action traces of known outcome mixed into background noise,
 * plus expected.json, the truth the trace engine can be checked against. */
#ifndef TATRACE_DEMO_H
#define TATRACE_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEMO_MAX_CLIENTS 999
#define DEMO_MAX_ACTIONS 1000000
#define DEMO_MAX_SCALE 1000000000ull

struct demo_options {
	unsigned clients;	/* 1..DEMO_MAX_CLIENTS */
	unsigned actions;	/* 0..DEMO_MAX_ACTIONS device actions */
	uint64_t seed;		/* same options and seed -> same bytes */
	uint64_t scale;		/* total records wanted; 0 = a little background */
	bool force;		/* write into a non-empty folder */
	/* Write only these hosts' logs (SCP01, MP01, CLIENT01..); none = all.
	 * expected.json then holds what that collection proves. */
	const char *const *collect;
	size_t n_collect;
};

struct demo_summary {
	unsigned files;		/* log files written (expected.json not counted) */
	uint64_t records;	/* records as a CCM/SMS parser counts them */
	uint64_t bytes;		/* bytes of all files written, json included */
	double seconds;
};

/* Writes the bundle under dir, creating it (and its parents). Refuses a
 * dir that exists and is not empty unless opt->force. Returns 0, or 2 with
 * err holding "path: reason" (nothing is removed on failure). */
/* Is host one that these options generate (SCP01, MP01, CLIENTnn)? */
bool demo_has_host(const struct demo_options *opt, const char *host);

int demo_write(const char *dir, const struct demo_options *opt,
	       struct demo_summary *sum, char *err, size_t errlen);

#endif
