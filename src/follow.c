/* follow.c - the watcher behind `ingest --follow` and `ui --follow`.
 *
 * A loop of: wait (inotify on every folder, or a timer), take a snapshot
 * of every log file's inode, size and times, compare it with the last
 * one, re-key renamed files in the store, and hand the files that changed
 * to ingest_run(), which stores only what is new. inotify only says
 * *when* to look: what changed always comes from the snapshots, so the
 * polling fallback (--poll, network shares where inotify never hears
 * other machines' writes, or inotify out of watches) is the same code
 * with another alarm clock. A burst of writes is one batch: after the
 * first event the loop waits for a short quiet spell (at most
 * FOLLOW_DEBOUNCE_MAX_MS) before it looks. */
#include "follow.h"
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bundle.h"
#include "../lib/strmap.h"
#include "../lib/util.h"

#define FOLLOW_QUIET_MS 40		/* a burst has ended after this */
#define FOLLOW_DEBOUNCE_MAX_MS 300	/* ...or after this, whatever comes */
#define FOLLOW_SAFETY_MS 2000		/* inotify mode: look anyway */
#define FOLLOW_MAX_DEPTH 64

/* ---- snapshots ---- */

struct fsnap_entry {
	char *path;
	struct fsnap_stat st;
};

struct fsnap {
	struct fsnap_entry *v;
	size_t n, cap;
	bool sorted;
};

struct fsnap *fsnap_new(void)
{
	return xcalloc(1, sizeof(struct fsnap));
}

void fsnap_free(struct fsnap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	free(s);
}

void fsnap_add(struct fsnap *s, const char *path, const struct fsnap_stat *st)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].path = xstrdup(path);
	s->v[s->n].st = *st;
	s->n++;
	s->sorted = false;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fsnap_entry *)a)->path,
		      ((const struct fsnap_entry *)b)->path);
}

static void fsnap_sort(struct fsnap *s)
{
	if (!s->sorted && s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	s->sorted = true;
}

static bool same_inode(const struct fsnap_stat *a, const struct fsnap_stat *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

static bool same_stat(const struct fsnap_stat *a, const struct fsnap_stat *b)
{
	return same_inode(a, b) && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* ---- the difference ---- */

/* Per entry of either side: its partner under the same path (-1 none),
 * and whether its inode left it (old) or is new to it (cur). */
struct diff_side {
	ssize_t partner;
	bool moved;		/* old: inode left this path; cur: inode new here */
	bool used;		/* old: already the source of a rename */
};

static void diff_pair(struct fsnap *old, struct fsnap *cur,
		      struct diff_side *os, struct diff_side *cs)
{
	size_t i = 0, j = 0;
	for (size_t k = 0; k < old->n; k++)
		os[k] = (struct diff_side){ -1, true, false };
	for (size_t k = 0; k < cur->n; k++)
		cs[k] = (struct diff_side){ -1, true, false };
	while (i < old->n && j < cur->n) {
		int c = strcmp(old->v[i].path, cur->v[j].path);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			bool same = same_inode(&old->v[i].st, &cur->v[j].st);
			os[i] = (struct diff_side){ (ssize_t)j, !same, false };
			cs[j] = (struct diff_side){ (ssize_t)i, !same, false };
			i++;
			j++;
		}
	}
}

/* The old entry whose inode turned up at cur entry j, or -1. */
static ssize_t rename_source(struct fsnap *old, struct fsnap *cur, size_t j,
			     struct diff_side *os)
{
	const struct fsnap_stat *st = &cur->v[j].st;
	for (size_t i = 0; i < old->n; i++) {
		const struct fsnap_stat *was = &old->v[i].st;
		/* A rename keeps the content: the same size and mtime, or
		 * more bytes when written to since. */
		bool kept = st->size > was->size ||
			    (st->size == was->size && st->mtime_ns == was->mtime_ns);
		if (os[i].moved && !os[i].used && same_inode(was, st) && kept)
			return (ssize_t)i;
	}
	return -1;
}

static void change_add(struct follow_change **out, size_t *n, size_t *cap,
		       enum follow_change_kind kind, const char *path,
		       const char *from, bool grown)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*out = xrealloc(*out, *cap * sizeof(**out));
	}
	(*out)[(*n)++] = (struct follow_change){ kind, path, from, grown };
}

static int change_cmp(const void *a, const void *b)
{
	return strcmp(((const struct follow_change *)a)->path,
		      ((const struct follow_change *)b)->path);
}

size_t follow_diff(struct fsnap *old, struct fsnap *cur,
		   struct follow_change **out)
{
	fsnap_sort(old);
	fsnap_sort(cur);
	struct diff_side *os = xmalloc((old->n + 1) * sizeof(*os));
	struct diff_side *cs = xmalloc((cur->n + 1) * sizeof(*cs));
	size_t n = 0, cap = 0;
	*out = NULL;
	diff_pair(old, cur, os, cs);
	for (size_t j = 0; j < cur->n; j++) {
		const char *path = cur->v[j].path;
		if (!cs[j].moved) {
			if (!same_stat(&old->v[cs[j].partner].st, &cur->v[j].st))
				change_add(out, &n, &cap, CHANGE_MODIFIED, path, NULL, false);
			continue;
		}
		ssize_t from = rename_source(old, cur, j, os);
		if (from >= 0) {
			const struct fsnap_stat *was = &old->v[from].st, *is = &cur->v[j].st;
			os[from].used = true;
			change_add(out, &n, &cap, CHANGE_RENAMED, path,
				   old->v[from].path, was->size != is->size ||
				   was->mtime_ns != is->mtime_ns);
		} else {
			change_add(out, &n, &cap, cs[j].partner >= 0
				   ? CHANGE_MODIFIED : CHANGE_NEW, path, NULL, false);
		}
	}
	for (size_t i = 0; i < old->n; i++)
		if (os[i].partner < 0 && !os[i].used)
			change_add(out, &n, &cap, CHANGE_DELETED, old->v[i].path, NULL, false);
	if (n > 1)
		qsort(*out, n, sizeof(**out), change_cmp);
	free(os);
	free(cs);
	return n;
}

/* ---- scanning the PATHs ---- */

struct root {
	char *abs;		/* realpath */
	char *prefix;		/* what bundle paths hang off: abs's folder */
	bool is_dir;
};

struct follower {
	struct store *store;
	const struct follow_options *o;
	struct root *roots;
	int n_roots;
	char **root_args;	/* roots[i].abs, for ingest_run */
	int ifd;		/* inotify, -1: polling */
	struct fsnap *snap;
	struct strmap *want;	/* the batch's changed paths */
	FILE *debug;		/* $TATRACE_FOLLOW_LOG */
};

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcasecmp(s + n - m, suf) == 0;
}

/* The files a folder walk reads (bundle.c): logs, not archives. */
static bool follow_name(const char *name, bool all_files)
{
	static const char *const archives[] = { ".zip", ".tar", ".tgz", ".gz" };
	for (size_t i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		if (has_suffix(name, archives[i]))
			return false;
	return all_files || has_suffix(name, ".log") ||
	       has_suffix(name, ".lo_") || has_suffix(name, ".txt");
}

static void stat_of(const struct stat *sb, struct fsnap_stat *st)
{
	st->dev = (uint64_t)sb->st_dev;
	st->ino = (uint64_t)sb->st_ino;
	st->size = (int64_t)sb->st_size;
	st->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
	st->ctime_ns = (int64_t)sb->st_ctim.tv_sec * 1000000000 + sb->st_ctim.tv_nsec;
}

static void say(struct follower *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *bundle_path(const struct follower *f, const char *abs);

static void watch_dir(struct follower *f, const char *dir)
{
	if (f->ifd < 0)
		return;
	uint32_t mask = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_FROM |
			IN_MOVED_TO | IN_DELETE | IN_ATTRIB | IN_ONLYDIR;
	/* Watching again costs a syscall and changes nothing; a failure
	 * (out of watches) leaves this folder to the safety look. */
	(void)inotify_add_watch(f->ifd, dir, mask);
}

/* A log that is a symlink (X.log -> data/agent.current): the walker reads
 * it when its target stays inside the bundle root (or with
 * --follow-links), so it is followed by its target: the snapshot holds
 * the target's inode, size and times under the link's path, and the
 * target's folder is watched, so that writes to the target and its
 * rotation (renamed away, a new file under its name, the link pointed
 * elsewhere) are changes of X.log. False: not followed (dangling, not a
 * file, or leaving the bundle, which the walk says). */
static bool scan_link(struct follower *f, const char *root, const char *path,
		      struct fsnap_stat *st)
{
	char *target = realpath(path, NULL);
	if (!target)
		return false;
	size_t n = strlen(root);
	bool inside = !strcmp(root, "/") || (!strncmp(target, root, n) &&
			(target[n] == '/' || target[n] == '\0'));
	struct stat sb;
	bool ok = (inside || f->o->ingest.follow_links) &&
		  stat(target, &sb) == 0 && S_ISREG(sb.st_mode);
	if (ok) {
		stat_of(&sb, st);
		char *slash = strrchr(target, '/');
		*slash = '\0';		/* realpath: absolute */
		watch_dir(f, slash == target ? "/" : target);
	}
	free(target);
	return ok;
}

/* Every log file under dir, and every log that is a symlink to a file
 * (scan_link); symlinked folders are not walked into. */
static void scan_dir(struct follower *f, const char *root, struct fsnap *snap,
		     struct buf *path, int depth)
{
	DIR *d = opendir(path->data);
	if (!d)
		return;
	watch_dir(f, path->data);
	size_t keep = path->len;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		path->len = keep;
		buf_printf(path, "/%s", de->d_name);
		if (S_ISDIR(sb.st_mode) && depth < FOLLOW_MAX_DEPTH) {
			scan_dir(f, root, snap, path, depth + 1);
		} else if (S_ISREG(sb.st_mode) && !f->snap &&
			   !follow_name(de->d_name, true) && !f->o->quiet) {
			/* Said once, at the first look. */
			say(f, "%s: archives are read once, not followed",
			    bundle_path(f, path->data));
		} else if (S_ISREG(sb.st_mode) &&
			   follow_name(de->d_name, f->o->ingest.all_files)) {
			struct fsnap_stat st;
			stat_of(&sb, &st);
			fsnap_add(snap, path->data, &st);
		} else if (S_ISLNK(sb.st_mode) &&
			   follow_name(de->d_name, f->o->ingest.all_files)) {
			struct fsnap_stat st;
			if (scan_link(f, root, path->data, &st))
				fsnap_add(snap, path->data, &st);
		}
	}
	path->len = keep;
	path->data[keep] = '\0';
	closedir(d);
}

/* A log given as a file, with its other rotation pieces beside it
 * (X.lo_ for X.log): only the file itself is read, but its rotation must
 * be seen as the rename it is, or the new X.log would replace the stored
 * one's records. */
static void scan_pieces(struct fsnap *snap, const struct root *r)
{
	const char *slash = strrchr(r->abs, '/');
	struct rotation mine, other;
	rotation_of_name(slash ? slash + 1 : r->abs, &mine);
	DIR *d = opendir(r->prefix[0] ? r->prefix : "/");
	struct dirent *de;
	struct buf path = {0};
	while (d && (de = readdir(d)) != NULL) {
		rotation_of_name(de->d_name, &other);
		if (strcasecmp(mine.base, other.base) != 0)
			continue;
		struct stat sb;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", r->prefix, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode) && follow_name(de->d_name, false)) {
			struct fsnap_stat st;
			stat_of(&sb, &st);
			fsnap_add(snap, path.data, &st);
		}
	}
	if (d)
		closedir(d);
	buf_free(&path);
}

static struct fsnap *scan(struct follower *f)
{
	struct fsnap *snap = fsnap_new();
	struct buf path = {0};
	for (int i = 0; i < f->n_roots; i++) {
		const struct root *r = &f->roots[i];
		if (r->is_dir) {
			buf_reset(&path);
			buf_puts(&path, r->abs);
			scan_dir(f, r->abs, snap, &path, 0);
			continue;
		}
		watch_dir(f, r->prefix[0] ? r->prefix : "/");
		scan_pieces(snap, r);
	}
	buf_free(&path);
	return snap;
}

/* ---- messages ---- */

static void say(struct follower *f, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (!f->o->message) {
		term_printf(stderr, "tatrace: %s\n", raw);
		return;
	}
	struct buf b = {0};
	term_escape(&b, raw, strlen(raw));
	f->o->message(f->o->message_ctx, b.data ? b.data : "");
	buf_free(&b);
}

/* A batch's problem lines ("file:line: reason", escaped already by
 * term_printf) to the message callback, one by one. */
static void forward_problems(struct follower *f, char *text, size_t len)
{
	char *line = text, *end = text + len, *nl;
	while (line < end && (nl = memchr(line, '\n', (size_t)(end - line))) != NULL) {
		*nl = '\0';
		f->o->message(f->o->message_ctx, line);
		line = nl + 1;
	}
}

/* The bundle path of an absolute one, for messages and the store. */
static const char *bundle_path(const struct follower *f, const char *abs)
{
	for (int i = 0; i < f->n_roots; i++) {
		size_t n = strlen(f->roots[i].prefix);
		if (!strncmp(abs, f->roots[i].prefix, n) && abs[n] == '/')
			return abs + n + 1;
	}
	return abs;
}

/* ---- one batch ---- */

static bool want_path(void *ctx, const char *source)
{
	struct follower *f = ctx;
	int64_t yes;
	return f->want && strmap_get(f->want, source, &yes);
}

/* Does the file at path begin as the stored file from did? The stored
 * head hash covers min(size, STORE_HEAD_BYTES) bytes. */
static bool same_head(struct follower *f, const char *from, const char *path)
{
	struct store_prior p;
	if (store_file_prior(f->store, from, &p) != 0 || !p.known || p.size < 0)
		return false;
	size_t want = p.size < STORE_HEAD_BYTES ? (size_t)p.size : STORE_HEAD_BYTES;
	unsigned char *head = xmalloc(want + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t got = 0;
	while (fd >= 0 && got < want) {
		ssize_t n = read(fd, head + got, want - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	bool same = got == want && hash_bytes(head, want) == p.head_hash;
	free(head);
	return same;
}

/* Re-key the stored file; 0 done (or nothing stored under from), 1 when
 * the file under the new name is not the stored one after all (a reused
 * inode), -1 on a store error. */
static int apply_rename(struct follower *f, const struct follow_change *c)
{
	if (!same_head(f, c->from, c->path))
		return 1;
	const char *name = strrchr(c->path, '/');
	name = name ? name + 1 : c->path;
	struct rotation rot;
	rotation_of_name(name, &rot);
	struct store_file_meta to = {
		.source = c->path,
		.path = bundle_path(f, c->path),
		.name = name,
		.log_name = rot.base,
		.rotation = rot.rank,
	};
	int rc = store_file_rename(f->store, c->from, &to);
	if (rc < 0) {
		say(f, "%s: %s", bundle_path(f, c->from), store_error(f->store));
		return -1;
	}
	if (rc == 0 && !f->o->quiet)
		say(f, "%s renamed to %s: its records kept", bundle_path(f, c->from), name);
	return 0;
}

/* Renames in an order where none takes a name another still has to
 * give up: in X.lo_ -> X.old, X.log -> X.lo_, the first goes first. A
 * rename the content does not confirm is a new or rewritten file. */
static int apply_renames(struct follower *f, struct follow_change *ch, size_t n)
{
	bool *done = xcalloc(n + 1, sizeof(*done));
	int rc = 0;
	for (size_t pass = 0; pass < n && rc == 0; pass++) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (done[i] || ch[i].kind != CHANGE_RENAMED)
				continue;
			bool blocked = false;
			for (size_t k = 0; k < n && pass + 1 < n; k++)
				blocked |= !done[k] && k != i && ch[k].kind == CHANGE_RENAMED &&
					   !strcmp(ch[k].from, ch[i].path);
			if (blocked)
				continue;
			done[i] = true;
			rc = apply_rename(f, &ch[i]);
			if (rc == 1) {
				ch[i].kind = CHANGE_MODIFIED;
				rc = 0;
			}
		}
	}
	free(done);
	return rc;
}

/* "+N records": what the store holds more than before the batch (an
 * append re-reads the file's last block, a truncation loses records, so
 * the records written are not the answer). */
static void batch_status(struct follower *f, const struct ingest_summary *sum,
			 int64_t added, const char *first, size_t n_files)
{
	char traces[256] = "";
	if (sum->traces_rebuilt && sum->traces_updated)
		snprintf(traces, sizeof(traces), ", %llu traces (%llu updated),"
			 " %llu findings", (unsigned long long)sum->traces,
			 (unsigned long long)sum->traces_rewritten,
			 (unsigned long long)sum->findings);
	else if (sum->traces_rebuilt)
		snprintf(traces, sizeof(traces), ", %llu traces (%s), %llu findings",
			 (unsigned long long)sum->traces,
			 sum->full_rebuild_why ? sum->full_rebuild_why : "rebuilt",
			 (unsigned long long)sum->findings);
	if (n_files == 1 && first)
		say(f, "%+lld records in %s%s", (long long)added,
		    bundle_path(f, first), traces);
	else
		say(f, "%+lld records in %zu file%s%s", (long long)added,
		    n_files, n_files == 1 ? "" : "s", traces);
}

/* Ingest the PATHs, restricted to want when it is set. 0, 2 on a store
 * error, 130 interrupted. */
static int ingest_batch(struct follower *f, const char *first, size_t n_files)
{
	struct ingest_options io = f->o->ingest;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = f->o->message ? open_memstream(&text, &len) : NULL;
	io.progress = false;
	io.errors = mem ? mem : stderr;
	io.want = f->want ? want_path : NULL;
	io.want_ctx = f;
	struct ingest_summary sum;
	int64_t before = store_records_total(f->store);
	int rc = ingest_run(f->store, f->root_args, f->n_roots, &io, &sum);
	int64_t added = store_records_total(f->store) - before;
	if (mem) {
		fclose(mem);
		forward_problems(f, text, len);
		free(text);
	}
	if (f->debug) {
		fprintf(f->debug, "batch files=%zu seen=%llu read=%llu records=%llu"
			" traces=%llu seconds=%.3f trace_seconds=%.3f\n", n_files,
			(unsigned long long)sum.files_seen,
			(unsigned long long)sum.raw_bytes,
			(unsigned long long)sum.records,
			(unsigned long long)sum.traces, sum.seconds,
			sum.trace_seconds);
		fflush(f->debug);
	}
	if (rc == 130 || sum.interrupted)
		return 130;
	if (sum.store_failed)
		return 2;
	if (!f->o->quiet && (sum.records || added))
		batch_status(f, &sum, added, first, n_files ? n_files : sum.files_seen);
	return 0;
}

static int batch(struct follower *f, struct follow_change *ch, size_t n)
{
	if (apply_renames(f, ch, n) < 0)
		return 2;
	strmap_free(f->want);
	f->want = strmap_new();
	const char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (ch[i].kind == CHANGE_DELETED) {
			if (!f->o->quiet)
				say(f, "%s deleted: its records stay in the store",
				    bundle_path(f, ch[i].path));
			continue;
		}
		/* A renamed file that was not written to is stored already. */
		if (ch[i].kind == CHANGE_RENAMED && !ch[i].grown)
			continue;
		strmap_put(f->want, ch[i].path, 1);
		if (!first)
			first = ch[i].path;
	}
	size_t n_files = strmap_count(f->want);
	return n_files ? ingest_batch(f, first, n_files) : 0;
}

/* ---- waiting ---- */

static int64_t elapsed_ms(double since)
{
	return (int64_t)((clock_now() - since) * 1000);
}

static void drain_inotify(struct follower *f)
{
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(f->ifd, ev, sizeof(ev)) > 0)
		;
}

static bool stopped(const struct follower *f)
{
	if (ingest_interrupted())
		return true;
	if (f->o->stop_fd < 0)
		return false;
	struct pollfd p = { f->o->stop_fd, POLLIN, 0 };
	return poll(&p, 1, 0) > 0;
}

/* Sleep until the files may have changed: an inotify event followed by
 * a quiet spell, or the timer. False when it is time to stop. */
static bool wait_change(struct follower *f)
{
	struct pollfd p[2] = {
		{ f->ifd, POLLIN, 0 },
		{ f->o->stop_fd, POLLIN, 0 },
	};
	int timeout = f->ifd >= 0 ? FOLLOW_SAFETY_MS : f->o->poll_ms;
	int r = poll(p, 2, timeout);
	if (stopped(f))
		return false;
	if (r <= 0 || !(p[0].revents & POLLIN))
		return true;
	double first = clock_now();
	do {
		drain_inotify(f);
		if (elapsed_ms(first) >= FOLLOW_DEBOUNCE_MAX_MS)
			break;
		r = poll(p, 2, FOLLOW_QUIET_MS);
		if (stopped(f))
			return false;
	} while (r > 0 && (p[0].revents & POLLIN));
	return true;
}

/* ---- setting up ---- */

const char *follow_refusal(const char *path)
{
	struct stat sb;
	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdin"))
		return "--follow needs a folder or files, not a pipe";
	bool found = stat(path, &sb) == 0;
	if (found && S_ISFIFO(sb.st_mode))
		return "--follow needs a folder or files, not a pipe";
	if ((!found || !S_ISDIR(sb.st_mode)) && !follow_name(path, true))
		return "--follow needs a folder or files: archives are not followed"
		       " (extract it, or ingest it without --follow)";
	return NULL;	/* a path that is not there: ingest says so */
}

/* Network file systems: inotify hears only this machine's writes. */
static bool remote_fs(const char *path)
{
	struct statfs fs;
	if (statfs(path, &fs) < 0)
		return false;
	switch ((unsigned long)fs.f_type) {
	case 0x6969UL:		/* NFS */
	case 0xFF534D42UL:	/* CIFS */
	case 0xFE534D42UL:	/* SMB2 */
	case 0x517BUL:		/* SMB */
	case 0x65735546UL:	/* FUSE (sshfs, ...) */
	case 0x01021997UL:	/* 9p (WSL drives) */
		return true;
	default:
		return false;
	}
}

static bool roots_init(struct follower *f, char *const paths[], int n)
{
	f->roots = xcalloc((size_t)n, sizeof(*f->roots));
	f->root_args = xcalloc((size_t)n + 1, sizeof(*f->root_args));
	for (int i = 0; i < n; i++) {
		struct root *r = &f->roots[i];
		struct stat sb;
		r->abs = realpath(paths[i], NULL);
		if (!r->abs || stat(r->abs, &sb) < 0) {
			say(f, "%s: %s", paths[i], strerror(errno));
			free(r->abs);
			r->abs = NULL;
			f->n_roots = i;
			return false;
		}
		r->is_dir = S_ISDIR(sb.st_mode);
		char *slash = strrchr(r->abs, '/');
		r->prefix = xstrndup(r->abs, slash ? (size_t)(slash - r->abs) : 0);
		f->root_args[i] = r->abs;
		f->n_roots = i + 1;
	}
	return true;
}

/* inotify, unless --poll, a network share or inotify itself says no. */
static void watcher_init(struct follower *f)
{
	f->ifd = -1;
	const char *why = NULL;
	for (int i = 0; i < f->n_roots && !f->o->poll && !why; i++)
		if (remote_fs(f->roots[i].abs))
			why = "a network file system";
	if (!f->o->poll && !why) {
		f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (f->ifd < 0)
			why = strerror(errno);
	}
	if (f->o->quiet)
		return;
	if (f->ifd >= 0)
		say(f, "following %d path%s (inotify); Ctrl-C stops", f->n_roots,
		    f->n_roots == 1 ? "" : "s");
	else if (why)
		say(f, "following %d path%s by polling every %d ms (inotify: %s)",
		    f->n_roots, f->n_roots == 1 ? "" : "s", f->o->poll_ms, why);
	else
		say(f, "following %d path%s by polling every %d ms", f->n_roots,
		    f->n_roots == 1 ? "" : "s", f->o->poll_ms);
}

static void follower_free(struct follower *f)
{
	for (int i = 0; i < f->n_roots; i++) {
		free(f->roots[i].abs);
		free(f->roots[i].prefix);
	}
	free(f->roots);
	free(f->root_args);
	if (f->ifd >= 0)
		close(f->ifd);
	fsnap_free(f->snap);
	strmap_free(f->want);
	if (f->debug)
		fclose(f->debug);
}

static int follow_loop(struct follower *f)
{
	f->snap = scan(f);
	int rc = ingest_batch(f, NULL, 0);
	while (rc == 0 && wait_change(f)) {
		struct fsnap *cur = scan(f);
		struct follow_change *ch;
		size_t n = follow_diff(f->snap, cur, &ch);
		if (n)
			rc = batch(f, ch, n);
		free(ch);
		fsnap_free(f->snap);
		f->snap = cur;
	}
	if (rc == 0 && ingest_interrupted())
		rc = 130;
	return rc;
}

int follow_run(struct store *s, char *const paths[], int n_paths,
	       const struct follow_options *opts)
{
	struct follower f = { .store = s, .o = opts, .ifd = -1 };
	for (int i = 0; i < n_paths; i++) {
		const char *why = follow_refusal(paths[i]);
		if (why) {
			say(&f, "%s: %s", paths[i], why);
			return 2;
		}
	}
	if (!roots_init(&f, paths, n_paths)) {
		follower_free(&f);
		return 2;
	}
	const char *dbg = getenv("TATRACE_FOLLOW_LOG");
	f.debug = dbg && *dbg ? fopen(dbg, "a") : NULL;
	if (store_set_wal(s, true) < 0) {
		say(&f, "%s", store_error(s));
		follower_free(&f);
		return 2;
	}
	watcher_init(&f);
	int rc = follow_loop(&f);
	if (rc == 2)
		say(&f, "%s", store_error(s));
	/* One file again: a store that is copied or mailed must not leave
	 * its newest commits behind in a -wal file. */
	if (store_set_wal(s, false) < 0 && !opts->quiet)
		say(&f, "the store stays in WAL mode: %s", store_error(s));
	follower_free(&f);
	return rc;
}
