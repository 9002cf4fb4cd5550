/* test_bundle.c - the bundle walker: name rules (roles, rotation, hosts),
 * folder walks with loops and filters, and archives built here with
 * libarchive, including hostile entry names and a decompression bomb. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/bundle.h"
#include "../../lib/util.h"

/* ---- name rules --------------------------------------------------------- */

static void test_role_of_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum log_role role;
	} cases[] = {
		{ "CMGatewayNotificationWorker.log", ROLE_CONNECTOR },
		{ "cmgatewaynotificationworker.LO_", ROLE_CONNECTOR },
		{ "BgbServer.log", ROLE_SERVER },
		{ "BgbServer.lo_", ROLE_SERVER },
		{ "BGBSERVER-20260101-101010.Log", ROLE_SERVER },
		{ "CcmNotificationAgent-20260101-101010.log", ROLE_AGENT },
		{ "CcmNotificationAgent.log", ROLE_AGENT },
		{ "MP01/Logs/BgbServer.log", ROLE_SERVER },
		{ "Bgb.log", ROLE_OTHER },
		{ "ccmsetup.log", ROLE_OTHER },
		{ "", ROLE_OTHER },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (role_of_name(cases[i].name) != cases[i].role)
			fail_msg("role_of_name(\"%s\")", cases[i].name);
	}
	assert_string_equal(role_name(ROLE_CONNECTOR), "connector");
	assert_string_equal(role_name(ROLE_SERVER), "server");
	assert_string_equal(role_name(ROLE_AGENT), "agent");
	assert_string_equal(role_name(ROLE_OTHER), "other");
}

static void test_rotation_of_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool is_log;
		const char *base;
		int64_t rank;
	} cases[] = {
		{ "BgbServer.log", true, "BgbServer", ROTATION_RANK_LOG },
		{ "BgbServer.LOG", true, "BgbServer", ROTATION_RANK_LOG },
		{ "BgbServer.Log", true, "BgbServer", ROTATION_RANK_LOG },
		{ "BgbServer.lo_", true, "BgbServer", ROTATION_RANK_LO_ },
		{ "BgbServer.LO_", true, "BgbServer", ROTATION_RANK_LO_ },
		{ "CcmNotificationAgent-20260101-101010.log", true,
		  "CcmNotificationAgent", INT64_C(20260101101010) },
		{ "a-b-20251231-235959.LOG", true, "a-b", INT64_C(20251231235959) },
		{ "x-2026010-101010.log", true, "x-2026010-101010", ROTATION_RANK_LOG },
		{ "-20260101-101010.log", true, "-20260101-101010", ROTATION_RANK_LOG },
		{ "notes.txt", false, "notes.txt", ROTATION_RANK_LOG },
		{ "log", false, "log", ROTATION_RANK_LOG },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rotation r;
		bool ok = rotation_of_name(cases[i].name, &r);
		if (ok != cases[i].is_log || strcmp(r.base, cases[i].base) ||
		    r.rank != cases[i].rank)
			fail_msg("rotation_of_name(\"%s\") = %d \"%s\" %lld", cases[i].name,
				 ok, r.base, (long long)r.rank);
	}
	assert_true(INT64_C(99999999999999) < ROTATION_RANK_LO_);
}

static int rotation_compare(const void *a, const void *b)
{
	struct rotation ra, rb;
	rotation_of_name(*(const char *const *)a, &ra);
	rotation_of_name(*(const char *const *)b, &rb);
	int c = strcmp(ra.base, rb.base);
	if (c)
		return c;
	return ra.rank < rb.rank ? -1 : ra.rank > rb.rank;
}

static void test_rotation_order(void **state)
{
	(void)state;
	const char *names[] = {
		"BgbServer.LOG",
		"CcmNotificationAgent.log",
		"BgbServer-20260102-000000.log",
		"BgbServer.Lo_",
		"CcmNotificationAgent-20251231-235959.Log",
		"BgbServer-20260101-235959.LOG",
		"CcmNotificationAgent.lo_",
	};
	const char *want[] = {
		"BgbServer-20260101-235959.LOG",
		"BgbServer-20260102-000000.log",
		"BgbServer.Lo_",
		"BgbServer.LOG",
		"CcmNotificationAgent-20251231-235959.Log",
		"CcmNotificationAgent.lo_",
		"CcmNotificationAgent.log",
	};
	size_t n = sizeof(names) / sizeof(names[0]);
	qsort(names, n, sizeof(names[0]), rotation_compare);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
}

static void test_host_of_path(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		const char *host;
	} cases[] = {
		{ "bundle/SCP01/Logs/CMGatewayNotificationWorker.log", "SCP01" },
		{ "CLIENT01.zip/Windows/CCM/Logs/x.log", "CLIENT01" },
		{ "bundle/MP01/SMS_CCM/Logs/BgbServer.log", "MP01" },
		{ "Logs/x.log", "" },
		{ "x.log", "" },
		{ "SRV01.tar.gz/Program Files/Microsoft Configuration Manager/Logs/BgbServer.log",
		  "SRV01" },
		{ "cases/pc7.TGZ/C$/Windows/CCM/Logs/a.log", "pc7" },
		{ "bundle/CLIENT02/C/Windows/CCM/Logs/x.log", "CLIENT02" },
		{ "bundle/PC9/logs_02-20-2024/x.log", "PC9" },
		{ "bundle/PC9/2024-02-20/x.log", "PC9" },
		{ "logs.zip/ccmsetup/ccmsetup.log", "" },
		{ "bundle/MP01.contoso.com/Logs/x.log", "MP01.contoso.com" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char host[64];
		host_of_path(cases[i].path, host, sizeof(host));
		if (strcmp(host, cases[i].host))
			fail_msg("host_of_path(\"%s\") = \"%s\", want \"%s\"",
				 cases[i].path, host, cases[i].host);
	}
	char tiny[4];
	host_of_path("bundle/CLIENT01/x.log", tiny, sizeof(tiny));
	assert_string_equal(tiny, "CLI");
	assert_true(is_generic_folder("SMS_CCM"));
	assert_true(is_generic_folder("program files (x86)"));
	assert_true(is_generic_folder("Logs.zip"));
	assert_false(is_generic_folder("MP01"));
}

/* ---- a recording visitor ------------------------------------------------ */

#define MAX_SEEN 32

struct seen {
	char *path[MAX_SEEN];
	char *host[MAX_SEEN];
	char *data[MAX_SEEN];	/* content read, or "ERR:<error>" */
	int64_t size[MAX_SEEN];
	bool in_archive[MAX_SEEN];
	bool rewound[MAX_SEEN];
	size_t count;
	char *report[MAX_SEEN];
	size_t reports;
	int stop_after;		/* visit returns 1 after this many, if > 0 */
	const char *unlink_on_visit;	/* removed during the first visit */
};

static char *read_all(struct bundle_input *in)
{
	struct buf b = { 0 };
	char chunk[65536];
	ssize_t n;
	while ((n = bundle_input_read(in, chunk, sizeof(chunk))) > 0)
		buf_append(&b, chunk, (size_t)n);
	if (n < 0) {
		buf_reset(&b);
		buf_printf(&b, "ERR:%s", bundle_input_error(in));
	}
	if (!b.data)
		buf_append(&b, "", 0);
	return b.data;
}

static int seen_visit(void *ctx, const struct bundle_entry *e, struct bundle_input *in)
{
	struct seen *s = ctx;
	assert_true(s->count < MAX_SEEN);
	assert_non_null(e->host);
	/* the path's last component, but for a "#2" that keeps two archive
	 * entries of one name apart */
	const char *last = strrchr(e->path, '/') ? strrchr(e->path, '/') + 1 : e->path;
	assert_int_equal(strncmp(last, e->name, strlen(e->name)), 0);
	assert_true(last[strlen(e->name)] == '\0' || last[strlen(e->name)] == '#');
	size_t i = s->count++;
	s->path[i] = xstrdup(e->path);
	s->host[i] = xstrdup(e->host);
	s->size[i] = e->size;
	s->in_archive[i] = e->in_archive;
	if (s->unlink_on_visit && i == 0)
		unlink(s->unlink_on_visit);
	s->data[i] = read_all(in);
	s->rewound[i] = bundle_input_rewind(in);
	if (s->rewound[i]) {
		char *again = read_all(in);
		assert_string_equal(again, s->data[i]);
		free(again);
	}
	return s->stop_after > 0 && (int)s->count >= s->stop_after;
}

static void seen_report(void *ctx, const char *path, const char *what)
{
	struct seen *s = ctx;
	assert_true(s->reports < MAX_SEEN);
	struct buf b = { 0 };
	buf_printf(&b, "%s: %s", path, what);
	s->report[s->reports++] = b.data;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->path[i]);
		free(s->host[i]);
		free(s->data[i]);
	}
	for (size_t i = 0; i < s->reports; i++)
		free(s->report[i]);
}

static int walk(const char *path, const struct bundle_options *opts, struct seen *s)
{
	struct bundle_visitor v = { s, seen_visit, seen_report, NULL };
	return bundle_walk(path, opts, &v);
}

static bool has_report(const struct seen *s, const char *text)
{
	for (size_t i = 0; i < s->reports; i++)
		if (strstr(s->report[i], text))
			return true;
	return false;
}

static void print_seen(const struct seen *s)
{
	for (size_t i = 0; i < s->count; i++)
		print_message("visited %s host=%s\n", s->path[i], s->host[i]);
	for (size_t i = 0; i < s->reports; i++)
		print_message("report %s\n", s->report[i]);
}

/* ---- temp dirs and fixtures --------------------------------------------- */

struct fixture {
	char dir[64];
	char path[512];		/* scratch for join() */
};

static int setup_tmp(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_bundle.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int teardown_tmp(void **state)
{
	struct fixture *f = *state;
	nftw(f->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static const char *join(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
	return f->path;
}

/* Create rel (and its folders) under the fixture dir with content. */
static void put_file(struct fixture *f, const char *rel, const char *content)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	for (char *p = path + strlen(f->dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void put_symlink(struct fixture *f, const char *rel, const char *target)
{
	assert_int_equal(symlink(target, join(f, rel)), 0);
}

/* ---- folders ------------------------------------------------------------ */

static void make_folder_bundle(struct fixture *f)
{
	put_file(f, "bundle/b/x.log", "x");
	put_file(f, "bundle/a/z.LOG", "z");
	put_symlink(f, "bundle/a/loop", "..");
	put_symlink(f, "bundle/a/self", ".");
	put_file(f, "bundle/c/notes.bin", "bin");
	put_symlink(f, "bundle/c/link.log", "../b/x.log");
	put_symlink(f, "bundle/c/dangling.log", "nowhere.log");
	put_file(f, "bundle/.hidden/h.log", "h");
	put_file(f, "bundle/d/.h.log", "h");
	put_file(f, "bundle/d/readme.txt", "readme");
	put_file(f, "bundle/d/data.lo_", "old");
	put_file(f, "bundle/d/BgbServer-20260101-101010.log", "stamped");
	put_file(f, "bundle/SCP01/Logs/CMGatewayNotificationWorker.log", "cmg");
	put_file(f, "elsewhere/real.bin", "followed");
	put_file(f, "bundle/e/keep", "");
	put_symlink(f, "bundle/e/linked.log", "../../elsewhere/real.bin");
}

static void test_folder_walk(void **state)
{
	struct fixture *f = *state;
	make_folder_bundle(f);
	struct seen s = { 0 };
	assert_int_equal(walk(join(f, "bundle/"), NULL, &s), 0);
	print_seen(&s);
	static const char *const want[] = {
		"bundle/SCP01/Logs/CMGatewayNotificationWorker.log",
		"bundle/a/z.LOG",
		"bundle/b/x.log",
		"bundle/d/BgbServer-20260101-101010.log",
		"bundle/d/data.lo_",
		"bundle/d/readme.txt",
	};
	assert_int_equal(s.count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < s.count; i++)
		assert_string_equal(s.path[i], want[i]);
	assert_string_equal(s.host[0], "SCP01");
	assert_string_equal(s.host[1], "bundle");	/* "a" reads as a drive letter */
	assert_string_equal(s.data[3], "stamped");
	assert_int_equal(s.size[3], 7);
	assert_false(s.in_archive[0]);
	assert_true(s.rewound[0]);
	/* the dangling link, and the link out of the bundle (refused: a
	 * stranger's bundle must not read /etc/shadow into the store); the
	 * link to ../b/x.log stays inside and is read once, as x.log */
	assert_int_equal(s.reports, 2);
	assert_true(has_report(&s, "bundle/c/dangling.log: No such file or directory"));
	assert_true(has_report(&s, "bundle/e/linked.log: symlink leaves the bundle"));
	seen_free(&s);
}

static void test_folder_follow_links(void **state)
{
	struct fixture *f = *state;
	make_folder_bundle(f);
	struct seen s = { 0 };
	struct bundle_options o = { .follow_links = true };
	assert_int_equal(walk(join(f, "bundle"), &o, &s), 0);
	assert_int_equal(s.count, 7);
	assert_string_equal(s.path[6], "bundle/e/linked.log");
	assert_string_equal(s.data[6], "followed");	/* a symlink to a file */
	assert_int_equal(s.reports, 1);	/* only the dangling link */
	seen_free(&s);
}

/* A file truncated while it is read (a rotation, a cleanup) is an error,
 * not a short file stored with exit 0. */
static int shrink_visit(void *ctx, const struct bundle_entry *e, struct bundle_input *in)
{
	(void)e;
	char chunk[4096];
	assert_int_equal(bundle_input_read(in, chunk, sizeof(chunk)), sizeof(chunk));
	assert_int_equal(truncate(ctx, 100), 0);
	ssize_t n;
	while ((n = bundle_input_read(in, chunk, sizeof(chunk))) > 0)
		;
	assert_int_equal(n, -1);
	assert_non_null(strstr(bundle_input_error(in), "shrank while it was read"));
	return 0;
}

static void test_file_truncated_while_read(void **state)
{
	struct fixture *f = *state;
	char *data = xmalloc(65536);
	memset(data, 'x', 65535);
	data[65535] = '\0';
	put_file(f, "HOST/shrinks.log", data);
	free(data);
	char *path = xstrdup(join(f, "HOST/shrinks.log"));
	struct bundle_visitor v = { path, shrink_visit, NULL, NULL };
	assert_int_equal(bundle_walk(path, NULL, &v), 0);
	free(path);
}

/* Cut to more than had been read: the end comes at the cut, where the
 * size equals the position, and the file is still one that shrank. */
static int shrink_past_visit(void *ctx, const struct bundle_entry *e,
			     struct bundle_input *in)
{
	(void)e;
	char chunk[4096];
	assert_int_equal(bundle_input_read(in, chunk, sizeof(chunk)), sizeof(chunk));
	assert_int_equal(truncate(ctx, 3 * 4096), 0);
	ssize_t n, total = sizeof(chunk);
	while ((n = bundle_input_read(in, chunk, sizeof(chunk))) > 0)
		total += n;
	assert_int_equal(total, 3 * 4096);
	assert_int_equal(n, -1);
	assert_non_null(strstr(bundle_input_error(in), "shrank while it was read"));
	return 0;
}

/* A file that grows while it is read (a live log) is read whole, no error. */
static int grow_visit(void *ctx, const struct bundle_entry *e,
		      struct bundle_input *in)
{
	(void)e;
	char chunk[4096];
	assert_int_equal(bundle_input_read(in, chunk, sizeof(chunk)), sizeof(chunk));
	FILE *fp = fopen(ctx, "a");
	assert_non_null(fp);
	fputs("appended\n", fp);
	fclose(fp);
	ssize_t n, total = sizeof(chunk);
	while ((n = bundle_input_read(in, chunk, sizeof(chunk))) > 0)
		total += n;
	assert_int_equal(n, 0);
	assert_int_equal(total, 65535 + 9);
	return 0;
}

static void test_file_cut_past_the_position(void **state)
{
	struct fixture *f = *state;
	char *data = xmalloc(65536);
	memset(data, 'x', 65535);
	data[65535] = '\0';
	put_file(f, "HOST/cut.log", data);
	put_file(f, "HOST/grows.log", data);
	free(data);
	char *path = xstrdup(join(f, "HOST/cut.log"));
	struct bundle_visitor v = { path, shrink_past_visit, NULL, NULL };
	assert_int_equal(bundle_walk(path, NULL, &v), 0);
	free(path);
	path = xstrdup(join(f, "HOST/grows.log"));
	v = (struct bundle_visitor){ path, grow_visit, NULL, NULL };
	assert_int_equal(bundle_walk(path, NULL, &v), 0);
	free(path);
}

static void test_folder_all_files_and_override(void **state)
{
	struct fixture *f = *state;
	make_folder_bundle(f);
	struct seen s = { 0 };
	struct bundle_options o = { .all_files = true, .host_override = "FORCED" };
	assert_int_equal(walk(join(f, "bundle"), &o, &s), 0);
	assert_int_equal(s.count, 8);	/* + notes.bin, e/keep; not linked.log */
	assert_string_equal(s.path[3], "bundle/c/notes.bin");
	for (size_t i = 0; i < s.count; i++)
		assert_string_equal(s.host[i], "FORCED");
	seen_free(&s);
}

static void test_walk_stops_when_asked(void **state)
{
	struct fixture *f = *state;
	make_folder_bundle(f);
	struct seen s = { .stop_after = 2 };
	assert_int_equal(walk(join(f, "bundle"), NULL, &s), 1);
	assert_int_equal(s.count, 2);
	seen_free(&s);
}

static void test_single_file(void **state)
{
	struct fixture *f = *state;
	put_file(f, "HOSTX/capture.bin", "raw bytes");
	struct seen s = { 0 };
	assert_int_equal(walk(join(f, "HOSTX/capture.bin"), NULL, &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.path[0], "HOSTX/capture.bin");
	assert_string_equal(s.host[0], "HOSTX");
	assert_string_equal(s.data[0], "raw bytes");
	assert_true(s.rewound[0]);
	seen_free(&s);

	put_file(f, "Logs/x.log", "x");
	struct seen s2 = { 0 };
	assert_int_equal(walk(join(f, "Logs/x.log"), NULL, &s2), 0);
	assert_string_equal(s2.path[0], "Logs/x.log");
	assert_string_equal(s2.host[0], "unknown");
	seen_free(&s2);
}

static void test_missing_path(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };
	const char *path = join(f, "nope");
	assert_int_equal(walk(path, NULL, &s), -1);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.reports, 1);
	char want[600];
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(s.report[0], want);
	seen_free(&s);
}

static void test_file_vanishes_before_read(void **state)
{
	struct fixture *f = *state;
	put_file(f, "bundle/a.log", "a");
	put_file(f, "bundle/b.log", "b");
	char victim[512];
	snprintf(victim, sizeof(victim), "%s", join(f, "bundle/b.log"));
	struct seen s = { .unlink_on_visit = victim };
	assert_int_equal(walk(join(f, "bundle"), NULL, &s), 0);
	assert_int_equal(s.count, 1);
	assert_true(has_report(&s, "bundle/b.log: No such file or directory"));
	seen_free(&s);
}

/* ---- archives ----------------------------------------------------------- */

struct member {
	const char *name;
	const char *data;	/* NULL: zeros bytes of zeros, or no data */
	size_t zeros;
	int type;		/* 0 = regular */
	const char *link;	/* symlink target */
};

enum kind { KIND_ZIP, KIND_TARGZ };

static void write_zeros(struct archive *a, size_t n)
{
	static char zero[1 << 16];
	while (n > 0) {
		size_t k = n < sizeof(zero) ? n : sizeof(zero);
		assert_int_equal(archive_write_data(a, zero, k), (la_ssize_t)k);
		n -= k;
	}
}

static void make_archive(const char *path, enum kind kind, const struct member *m,
			 size_t count)
{
	struct archive *a = archive_write_new();
	if (kind == KIND_ZIP) {
		archive_write_set_format_zip(a);
	} else {
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
	}
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < count; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, m[i].type ? (unsigned)m[i].type : AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, 1767261010, 0);
		if (m[i].link)
			archive_entry_set_symlink(e, m[i].link);
		size_t size = m[i].data ? strlen(m[i].data) : m[i].zeros;
		if (!m[i].type)
			archive_entry_set_size(e, (la_int64_t)size);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (m[i].data)
			archive_write_data(a, m[i].data, size);
		else if (!m[i].type)
			write_zeros(a, size);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void test_zip_entries_and_escapes(void **state)
{
	struct fixture *f = *state;
	static const struct member m[] = {
		{ .name = "Windows/CCM/Logs/CcmNotificationAgent.log", .data = "agent" },
		{ .name = "MP01\\Logs\\BgbServer.log", .data = "server" },
		{ .name = "../evil.log", .data = "evil" },
		{ .name = "a/../../evil2.log", .data = "evil" },
		{ .name = "..\\evil3.log", .data = "evil" },
		{ .name = "/abs.log", .data = "abs" },
		{ .name = "\\abs2.log", .data = "abs" },
		{ .name = "./dot/./y.log", .data = "y" },
		{ .name = "dir/", .type = AE_IFDIR },
		{ .name = "inner.zip", .data = "PK not really" },
		{ .name = "link.log", .type = AE_IFLNK, .link = "/etc/passwd" },
		{ .name = "skip.bin", .data = "bin" },
		{ .name = "__MACOSX/._y.log", .data = "fork" },
	};
	put_file(f, "in/keep", "");
	char zip[512];
	snprintf(zip, sizeof(zip), "%s", join(f, "in/CLIENT01.zip"));
	make_archive(zip, KIND_ZIP, m, sizeof(m) / sizeof(m[0]));

	struct seen s = { 0 };
	assert_int_equal(walk(zip, NULL, &s), 0);
	print_seen(&s);
	assert_int_equal(s.count, 3);
	assert_string_equal(s.path[0], "CLIENT01.zip/Windows/CCM/Logs/CcmNotificationAgent.log");
	assert_string_equal(s.host[0], "CLIENT01");
	assert_string_equal(s.data[0], "agent");
	assert_int_equal(s.size[0], 5);
	assert_true(s.in_archive[0]);
	assert_false(s.rewound[0]);
	assert_string_equal(s.path[1], "CLIENT01.zip/MP01/Logs/BgbServer.log");
	assert_string_equal(s.host[1], "MP01");
	assert_string_equal(s.data[1], "server");
	assert_string_equal(s.path[2], "CLIENT01.zip/dot/y.log");
	for (size_t i = 0; i < s.count; i++)
		assert_null(strstr(s.path[i], ".."));
	assert_true(has_report(&s, "CLIENT01.zip/../evil.log: entry path escapes the bundle, skipped"));
	assert_true(has_report(&s, "CLIENT01.zip/a/../../evil2.log: entry path escapes"));
	assert_true(has_report(&s, "evil3.log: entry path escapes"));
	/* libarchive already turns zip backslashes into slashes. */
	assert_true(has_report(&s, "CLIENT01.zip//abs.log: entry path escapes"));
	assert_true(has_report(&s, "CLIENT01.zip//abs2.log: entry path escapes"));
	assert_true(has_report(&s, "CLIENT01.zip/inner.zip: nested archive skipped"));
	assert_true(has_report(&s, "CLIENT01.zip/link.log: not a regular file"));
	assert_int_equal(s.reports, 7);
	/* Nothing was written next to the archive or above the temp dir. */
	assert_int_equal(access(join(f, "evil.log"), F_OK), -1);
	assert_int_equal(access(join(f, "in/evil.log"), F_OK), -1);
	assert_int_equal(access("/tmp/evil.log", F_OK), -1);
	seen_free(&s);
}

/* The archive reader on bytes in memory (the fuzz target's way in) gives
 * what the walk of the same archive file gives, reports included. */
static void test_archive_from_memory(void **state)
{
	struct fixture *f = *state;
	static const struct member m[] = {
		{ .name = "MP01\\Logs\\BgbServer.log", .data = "server" },
		{ .name = "MP01/Logs/BgbServer.log", .data = "again" },
		{ .name = "../evil.log", .data = "evil" },
		{ .name = "skip.bin", .data = "bin" },
	};
	char zip[512];
	snprintf(zip, sizeof(zip), "%s", join(f, "CLIENT01.zip"));
	make_archive(zip, KIND_ZIP, m, sizeof(m) / sizeof(m[0]));
	FILE *fp = fopen(zip, "rb");
	assert_non_null(fp);
	char bytes[4096];
	size_t len = fread(bytes, 1, sizeof(bytes), fp);
	fclose(fp);
	struct seen a = { 0 }, b = { 0 };
	assert_int_equal(walk(zip, NULL, &a), 0);
	struct bundle_visitor v = { &b, seen_visit, seen_report, NULL };
	assert_int_equal(bundle_walk_archive_memory(bytes, len, "CLIENT01.zip", NULL, &v), 0);
	assert_int_equal(b.count, 2);
	assert_int_equal(a.count, b.count);
	for (size_t i = 0; i < a.count; i++) {
		assert_string_equal(a.path[i], b.path[i]);
		assert_string_equal(a.data[i], b.data[i]);
	}
	assert_string_equal(b.path[1], "CLIENT01.zip/MP01/Logs/BgbServer.log#2");
	assert_int_equal(a.reports, b.reports);
	assert_true(has_report(&b, "CLIENT01.zip/../evil.log: entry path escapes"));
	/* bytes that are no archive: one report, no entry */
	seen_free(&b);
	memset(&b, 0, sizeof(b));
	assert_int_equal(bundle_walk_archive_memory("junk", 4, "x.zip", NULL, &v), -1);
	assert_int_equal(b.count, 0);
	assert_int_equal(b.reports, 1);
	seen_free(&a);
	seen_free(&b);
}

static void test_targz_in_folder(void **state)
{
	struct fixture *f = *state;
	static const struct member m[] = {
		{ .name = "Logs/BgbServer.lo_", .data = "older" },
		{ .name = "Logs/BgbServer.log", .data = "newer" },
		{ .name = "HOST9\\Logs\\x.log", .data = "x" },	/* tar keeps '\\' */
	};
	put_file(f, "bundle/notes.txt", "n");
	char path[512];
	snprintf(path, sizeof(path), "%s", join(f, "bundle/SRV01.tar.gz"));
	make_archive(path, KIND_TARGZ, m, 3);
	snprintf(path, sizeof(path), "%s", join(f, "bundle/PC02.tgz"));
	make_archive(path, KIND_TARGZ, m, 1);

	struct seen s = { 0 };
	assert_int_equal(walk(join(f, "bundle"), NULL, &s), 0);
	print_seen(&s);
	assert_int_equal(s.count, 5);
	assert_string_equal(s.path[0], "bundle/PC02.tgz/Logs/BgbServer.lo_");
	assert_string_equal(s.host[0], "PC02");
	assert_string_equal(s.path[1], "bundle/SRV01.tar.gz/Logs/BgbServer.lo_");
	assert_string_equal(s.data[1], "older");
	assert_string_equal(s.host[1], "SRV01");
	assert_string_equal(s.path[2], "bundle/SRV01.tar.gz/Logs/BgbServer.log");
	assert_string_equal(s.data[2], "newer");
	assert_string_equal(s.path[3], "bundle/SRV01.tar.gz/HOST9/Logs/x.log");
	assert_string_equal(s.host[3], "HOST9");
	assert_string_equal(s.path[4], "bundle/notes.txt");
	assert_string_equal(s.host[4], "bundle");
	assert_int_equal(s.reports, 0);
	seen_free(&s);
}

static void test_zip_bomb(void **state)
{
	struct fixture *f = *state;
	static const struct member bomb[] = {
		{ .name = "big.log", .zeros = (size_t)64 << 20 },
		{ .name = "after.log", .data = "never" },
	};
	static const struct member fine[] = {
		{ .name = "fine.log", .data = "fine" },
	};
	put_file(f, "bundle/keep", "");
	char path[512];
	snprintf(path, sizeof(path), "%s", join(f, "bundle/a-bomb.zip"));
	make_archive(path, KIND_ZIP, bomb, 2);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < (1 << 20));	/* it really is a bomb */
	snprintf(path, sizeof(path), "%s", join(f, "bundle/b-fine.zip"));
	make_archive(path, KIND_ZIP, fine, 1);

	struct seen s = { 0 };
	struct bundle_options o = { .max_archive_bytes = UINT64_C(8) << 20 };
	assert_int_equal(walk(join(f, "bundle"), &o, &s), 0);
	print_seen(&s);
	assert_int_equal(s.count, 2);
	assert_string_equal(s.path[0], "bundle/a-bomb.zip/big.log");
	assert_string_equal(s.data[0],
			    "ERR:archive exceeds the uncompressed size cap of 8 MiB "
			    "(possible decompression bomb; raise it with --max-archive-mib)");
	assert_string_equal(s.path[1], "bundle/b-fine.zip/fine.log");
	assert_string_equal(s.data[1], "fine");
	assert_int_equal(s.reports, 1);
	assert_true(has_report(&s, "bundle/a-bomb.zip: archive exceeds the uncompressed "
				   "size cap of 8 MiB"));
	seen_free(&s);
}

/* Bytes that gzip cannot shrink, so truncation lands inside them. */
static char *noise(size_t n)
{
	char *p = xmalloc(n + 1);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (char)('a' + (x >> 16) % 26);
	}
	p[n] = '\0';
	return p;
}

static void test_truncated_archive(void **state)
{
	struct fixture *f = *state;
	char *big = noise(1 << 20);
	struct member m[] = {
		{ .name = "first.log", .data = "first" },
		{ .name = "second.log", .data = big },
		{ .name = "third.log", .data = "third" },
	};
	put_file(f, "keep", "");
	char path[512];
	snprintf(path, sizeof(path), "%s", join(f, "broken.tar.gz"));
	make_archive(path, KIND_TARGZ, m, 3);
	free(big);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);

	struct seen s = { 0 };
	assert_int_equal(walk(path, NULL, &s), 0);
	print_seen(&s);
	assert_true(s.count >= 1);
	assert_string_equal(s.path[0], "broken.tar.gz/first.log");
	assert_string_equal(s.data[0], "first");
	assert_true(s.reports >= 1);
	assert_true(has_report(&s, "broken.tar.gz: "));
	for (size_t i = 0; i < s.count; i++)
		assert_string_not_equal(s.path[i], "broken.tar.gz/third.log");
	seen_free(&s);
}

static void test_not_an_archive(void **state)
{
	struct fixture *f = *state;
	put_file(f, "junk.zip", "this is not a zip file at all\n");
	struct seen s = { 0 };
	assert_int_equal(walk(join(f, "junk.zip"), NULL, &s), -1);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.reports, 1);
	print_seen(&s);

	/* Met in a folder, the same file is one reported entry, not a failure. */
	put_file(f, "b/junk.zip", "nope");
	put_file(f, "b/ok.log", "ok");
	struct seen s2 = { 0 };
	assert_int_equal(walk(join(f, "b"), NULL, &s2), 0);
	assert_int_equal(s2.count, 1);
	assert_true(has_report(&s2, "b/junk.zip: "));
	seen_free(&s);
	seen_free(&s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_of_name),
		cmocka_unit_test(test_rotation_of_name),
		cmocka_unit_test(test_rotation_order),
		cmocka_unit_test(test_host_of_path),
		cmocka_unit_test_setup_teardown(test_folder_walk, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_folder_follow_links, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_cut_past_the_position, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_archive_from_memory, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_truncated_while_read, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_folder_all_files_and_override,
						setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_walk_stops_when_asked, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_single_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_missing_path, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_vanishes_before_read, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_zip_entries_and_escapes, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_targz_in_folder, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_zip_bomb, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_truncated_archive, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_not_an_archive, setup_tmp,
						teardown_tmp),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc ? 1 : 0;
}
