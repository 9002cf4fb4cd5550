/* bundle.c - walk a log bundle (folder, single file or archive) and hand each
 * log file to a visitor as a readable stream; also the name rules that go
 * with bundles: roles, rotation pieces and host inference from paths. */
#include "bundle.h"
#include "../lib/strmap.h"
#include "../lib/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (UINT64_C(1) << 20)

/* ---- names -------------------------------------------------------------- */

static bool has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Length of a .zip/.tar/.tar.gz/.tgz extension ending name, 0 if none. The
 * extension alone (".zip") is not an archive name. */
static size_t archive_suffix_len(const char *name)
{
	static const char *const suffixes[] = { ".tar.gz", ".tgz", ".zip", ".tar" };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t m = strlen(suffixes[i]);
		if (n > m && has_suffix_ci(name, suffixes[i]))
			return m;
	}
	return 0;
}

static bool is_archive_name(const char *name)
{
	return archive_suffix_len(name) > 0;
}

/* Rotated pieces (X.lo_, X-YYYYMMDD-HHMMSS.log) end in .log or .lo_ too. */
static bool is_log_name(const char *name)
{
	return has_suffix_ci(name, ".log") || has_suffix_ci(name, ".lo_") ||
	       has_suffix_ci(name, ".txt");
}

static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *back = strrchr(path, '\\');
	if (back && (!slash || back > slash))
		slash = back;
	return slash ? slash + 1 : path;
}

/* The logs of a role by the start of their file name. */
static const struct {
	const char *prefix;
	enum log_role role;
} roles[] = {
	{ "CMGatewayNotificationWorker", ROLE_CONNECTOR },
	{ "BgbServer", ROLE_SERVER },
	{ "CcmNotificationAgent", ROLE_AGENT },
	{ "CMGatewaySyncUploadWorker", ROLE_UPLOAD },
	{ "GenericUploadWorker", ROLE_UPLOAD },
};

bool role_log_name_exact(const char *log_name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcasecmp(log_name, roles[i].prefix) == 0)
			return true;
	return false;
}

enum log_role role_of_name(const char *file_name)
{
	const char *name = last_component(file_name);
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strncasecmp(name, roles[i].prefix, strlen(roles[i].prefix)) == 0)
			return roles[i].role;
	return ROLE_OTHER;
}

/* "-YYYYMMDD-HHMMSS" at the end of stem (len bytes): the stamp as the
 * integer YYYYMMDDHHMMSS, or -1. Fourteen digits stay below the .lo_ rank. */
static int64_t rotation_stamp(const char *stem, size_t len)
{
	static const char shape[] = "-dddddddd-dddddd";
	size_t m = sizeof(shape) - 1;
	if (len <= m)
		return -1;
	const char *p = stem + len - m;
	int64_t stamp = 0;
	for (size_t i = 0; i < m; i++) {
		if (shape[i] == '-') {
			if (p[i] != '-')
				return -1;
		} else if (p[i] >= '0' && p[i] <= '9') {
			stamp = stamp * 10 + (p[i] - '0');
		} else {
			return -1;
		}
	}
	return stamp;
}

static void rotation_set_base(struct rotation *out, const char *s, size_t len)
{
	if (len >= sizeof(out->base))
		len = sizeof(out->base) - 1;
	memcpy(out->base, s, len);
	out->base[len] = '\0';
}

bool rotation_of_name(const char *file_name, struct rotation *out)
{
	size_t n = strlen(file_name);
	out->rank = ROTATION_RANK_LOG;
	if (has_suffix_ci(file_name, ".lo_")) {
		rotation_set_base(out, file_name, n - 4);
		out->rank = ROTATION_RANK_LO_;
		return true;
	}
	if (!has_suffix_ci(file_name, ".log")) {
		rotation_set_base(out, file_name, n);
		return false;
	}
	size_t stem = n - 4;
	int64_t stamp = rotation_stamp(file_name, stem);
	if (stamp >= 0) {
		rotation_set_base(out, file_name, stem - 16);
		out->rank = stamp;
	} else {
		rotation_set_base(out, file_name, stem);
	}
	return true;
}

/* ---- hosts -------------------------------------------------------------- */

/* Folders that hold logs on every machine and so say nothing about which
 * machine: client (C:\Windows\CCM\Logs), management point (C:\SMS_CCM\Logs),
 * site server (C:\Program Files\Microsoft Configuration Manager\Logs), task
 * sequences (SMSTSLog, _SMSTaskSequence), MDT (DeploymentLogs) and the
 * usual containers around them. */
static const char *const generic_folders[] = {
	"Logs", "Log", "SMS_CCM", "CCM", "Windows", "System32", "SysWOW64",
	"Temp", "tmp", "ccmsetup", "ConfigMgr", "Microsoft Configuration Manager",
	"Configuration Manager", "SMS", "Program Files", "Program Files (x86)",
	"CCMLogs", "MP", "inboxes", "ProgramData", "SCCMContentLib",
	"DeploymentLogs", "SMSTSLog", "SMSTSLogs", "_SMSTaskSequence", "MiniNT",
	"Panther", "debug", "Users", "AppData", "Local",
};

/* Only digits and punctuation: a date or a counter, not a host name. */
static bool is_stampish(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))
			return false;
	return true;
}

/* "C", "C$", "C:" - a drive, as copied from an administrative share. */
static bool is_drive(const char *s, size_t len)
{
	bool letter = (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z');
	return letter && (len == 1 || (len == 2 && (s[1] == '$' || s[1] == ':')));
}

/* name (len bytes, archive extension already stripped) is a generic folder,
 * possibly followed by a date or counter: "Logs", "logs_02-20-2024". */
static bool is_generic_stem(const char *name, size_t len)
{
	if (len == 0 || is_stampish(name, len) || is_drive(name, len))
		return true;
	for (size_t i = 0; i < sizeof(generic_folders) / sizeof(generic_folders[0]); i++) {
		size_t m = strlen(generic_folders[i]);
		if (len < m || strncasecmp(name, generic_folders[i], m) != 0)
			continue;
		if (len == m)
			return true;
		if (strchr("-_ .(", name[m]) && is_stampish(name + m, len - m))
			return true;
	}
	return false;
}

bool is_generic_folder(const char *name)
{
	return is_generic_stem(name, strlen(name) - archive_suffix_len(name));
}

void host_of_path(const char *bundle_path, char *host, size_t host_len)
{
	if (host_len == 0)
		return;
	host[0] = '\0';
	const char *end = strrchr(bundle_path, '/');	/* end of the folders */
	while (end && end > bundle_path) {
		const char *start = end;
		while (start > bundle_path && start[-1] != '/')
			start--;
		size_t len = (size_t)(end - start);
		char name[256];
		if (len > 0 && len < sizeof(name)) {
			memcpy(name, start, len);
			name[len] = '\0';
			len -= archive_suffix_len(name);
			if (!is_generic_stem(name, len)) {
				if (len >= host_len)
					len = host_len - 1;
				memcpy(host, name, len);
				host[len] = '\0';
				return;
			}
		}
		end = start > bundle_path ? start - 1 : NULL;
	}
}

/* ---- inputs ------------------------------------------------------------- */

/* What a regular file's reader keeps of the bytes it read, to see them
 * rewritten under it: its first bytes, and the last bytes before the
 * position of the next read. */
#define INPUT_HEAD_CHECK 4096
#define INPUT_SEAM_CHECK 64

struct bundle_input {
	int fd;			/* plain file, or -1 */
	bool regular;		/* fd is a regular file: it can shrink */
	uint64_t opened_size;	/* its size when it was opened */
	uint64_t pos;		/* bytes read from fd */
	unsigned char head[INPUT_HEAD_CHECK];	/* bytes [0, head_len) read */
	size_t head_len;
	unsigned char seam[INPUT_SEAM_CHECK];	/* bytes just before seam_end */
	size_t seam_len;
	uint64_t seam_end;
	bool paused;		/* TATRACE_DEBUG_READ_PAUSE: done */
	const volatile sig_atomic_t *stop;
	struct archive *ar;	/* archive entry, or NULL */
	uint64_t *archive_used;	/* bytes read from this archive's entries */
	uint64_t archive_cap;
	bool over_cap;
	bool fatal;		/* the archive stream is broken */
	char error[256];
};

/* At the end of a regular file: did it shrink under us? A log truncated
 * while it was read (a rotation, a cleanup) ends early, and what was read
 * is not the file that is there now: the file fails, to be read again. */
static bool input_shrank(struct bundle_input *in, bool at_end)
{
	struct stat st;
	if (!in->regular || fstat(in->fd, &st) != 0)
		return false;
	/* Now shorter than what was read: cut. At the end, also when the end
	 * came before the size the file had when opened, even when the cut
	 * left more than had been read or it grew again since. */
	if ((uint64_t)st.st_size >= in->pos &&
	    (!at_end || in->pos >= in->opened_size))
		return false;
	snprintf(in->error, sizeof(in->error), "the file shrank while it was"
		 " read (%llu of its %llu bytes read, %llu left): truncated or"
		 " rotated; ingest it again", (unsigned long long)in->pos,
		 (unsigned long long)in->opened_size,
		 (unsigned long long)st.st_size);
	return true;
}

/* A pipe waits in poll() with a short timeout rather than in read():
 * Ctrl-C landing between the check of the stop flag and a read() that
 * then blocks on an idle writer would otherwise go unnoticed. */
static bool input_wait_readable(struct bundle_input *in)
{
	struct pollfd p = { .fd = in->fd, .events = POLLIN };
	while (!(in->stop && *in->stop)) {
		int r = poll(&p, 1, 200);
		if (r > 0 || (r < 0 && errno != EINTR))
			return true;	/* readable, hung up, or an error read() reports */
	}
	return false;
}

/* bytes [at, at + len) of the file are still want. */
static bool input_still(struct bundle_input *in, const unsigned char *want,
			size_t len, uint64_t at)
{
	unsigned char now[INPUT_HEAD_CHECK];
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(in->fd, now + got, len - got, (off_t)(at + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return memcmp(now, want, len) == 0;
}

/* A file truncated and written again while it was read, past the point
 * read (so it never looked shorter): the bytes read are the old file's
 * and what follows is the new one's. Seen when its first bytes, or the
 * bytes before the next read, are no longer those read. */
static bool input_rewritten(struct bundle_input *in, bool at_end)
{
	uint64_t at;
	if (at_end && in->head_len &&
	    !input_still(in, in->head, in->head_len, 0))
		at = 0;
	else if (in->seam_len && in->seam_end == in->pos &&
		 !input_still(in, in->seam, in->seam_len,
			      in->pos - in->seam_len))
		at = in->pos - in->seam_len;
	else
		return false;
	snprintf(in->error, sizeof(in->error), "the file was truncated and"
		 " written again while it was read (its bytes at %llu changed"
		 " after %llu bytes were read); ingest it again",
		 (unsigned long long)at, (unsigned long long)in->pos);
	return true;
}

/* Keep what input_rewritten compares: the first bytes of the file when
 * read from its start on, and the last bytes of this read. */
static void input_remember(struct bundle_input *in, const unsigned char *p,
			   size_t n)
{
	uint64_t from = in->pos - n;
	if (from == in->head_len && from < INPUT_HEAD_CHECK) {
		size_t k = INPUT_HEAD_CHECK - (size_t)from < n ?
			   INPUT_HEAD_CHECK - (size_t)from : n;
		memcpy(in->head + from, p, k);
		in->head_len += k;
	}
	size_t k = n < INPUT_SEAM_CHECK ? n : INPUT_SEAM_CHECK;
	memcpy(in->seam, p + n - k, k);
	in->seam_len = k;
	in->seam_end = in->pos;
}

void debug_fifo_pause(const char *fifo)
{
	FILE *f = fopen(fifo, "w");
	if (f) {
		fputs("paused\n", f);
		fclose(f);
	}
	if ((f = fopen(fifo, "r")) != NULL) {
		while (fgetc(f) != EOF)
			;
		fclose(f);
	}
}

/* Tests (tests/e2e/test_regrow.sh): with TATRACE_DEBUG_READ_PAUSE=FIFO,
 * a regular file's reader stops after its first read (debug_fifo_pause),
 * so that a test can change the file at that point without racing the
 * reader. */
static void input_debug_pause(struct bundle_input *in)
{
	const char *fifo = getenv("TATRACE_DEBUG_READ_PAUSE");
	if (in->paused || !fifo || !*fifo)
		return;
	in->paused = true;
	debug_fifo_pause(fifo);
}

static ssize_t input_read_fd(struct bundle_input *in, void *buf, size_t cap)
{
	for (;;) {
		if (!in->regular && in->stop && !input_wait_readable(in)) {
			snprintf(in->error, sizeof(in->error), "interrupted");
			return -1;
		}
		if (in->regular && (input_shrank(in, false) ||
				    input_rewritten(in, false)))
			return -1;
		ssize_t n = read(in->fd, buf, cap);
		if (n > 0) {
			in->pos += (uint64_t)n;
			if (in->regular) {
				input_remember(in, buf, (size_t)n);
				input_debug_pause(in);
			}
			return n;
		}
		if (n == 0)
			return input_shrank(in, true) ||
			       input_rewritten(in, true) ? -1 : 0;
		if (errno == EINTR && !(in->stop && *in->stop))
			continue;	/* a signal that is not a stop */
		snprintf(in->error, sizeof(in->error), "%s", errno == EINTR ?
			 "interrupted" : "read error: ");
		if (errno != EINTR)
			snprintf(in->error, sizeof(in->error), "read error: %s",
				 strerror(errno));
		return -1;
	}
}

static void input_set_cap_error(struct bundle_input *in)
{
	uint64_t cap = in->archive_cap;
	if (cap % MIB == 0)
		snprintf(in->error, sizeof(in->error),
			 "archive exceeds the uncompressed size cap of %llu MiB "
			 "(possible decompression bomb; raise it with --max-archive-mib)",
			 (unsigned long long)(cap / MIB));
	else
		snprintf(in->error, sizeof(in->error),
			 "archive exceeds the uncompressed size cap of %.2f MiB "
			 "(possible decompression bomb; raise it with --max-archive-mib)",
			 (double)cap / (double)MIB);
}

/* Ask for at most one byte more than the cap allows: enough to notice a
 * bomb without inflating much of it. */
static ssize_t input_read_archive(struct bundle_input *in, void *buf, size_t cap)
{
	if (in->over_cap || in->fatal)
		return -1;
	uint64_t left = in->archive_cap - *in->archive_used;
	if (left < UINT64_MAX && (uint64_t)cap > left + 1)
		cap = (size_t)(left + 1);
	la_ssize_t n;
	do {
		n = archive_read_data(in->ar, buf, cap);
	} while (n == ARCHIVE_RETRY);
	if (n < 0) {
		const char *msg = archive_error_string(in->ar);
		snprintf(in->error, sizeof(in->error), "%s",
			 msg ? msg : "archive read error");
		in->fatal = n == ARCHIVE_FATAL;
		return -1;
	}
	if ((uint64_t)n > left) {
		in->over_cap = true;
		input_set_cap_error(in);
		return -1;
	}
	*in->archive_used += (uint64_t)n;
	return n;
}

ssize_t bundle_input_read(struct bundle_input *in, void *buf, size_t cap)
{
	if (cap == 0)
		return 0;
	return in->ar ? input_read_archive(in, buf, cap)
		      : input_read_fd(in, buf, cap);
}

bool bundle_input_rewind(struct bundle_input *in)
{
	if (in->ar || lseek(in->fd, 0, SEEK_SET) != 0)
		return false;
	in->pos = 0;
	in->error[0] = '\0';
	return true;
}

bool bundle_input_seekable(const struct bundle_input *in)
{
	return !in->ar && in->regular;
}

bool bundle_input_seek(struct bundle_input *in, uint64_t off)
{
	if (!bundle_input_seekable(in) || off > (uint64_t)INT64_MAX ||
	    lseek(in->fd, (off_t)off, SEEK_SET) != (off_t)off) {
		snprintf(in->error, sizeof(in->error), "cannot seek to byte %llu",
			 (unsigned long long)off);
		return false;
	}
	in->pos = off;
	return true;
}

bool bundle_input_pread(struct bundle_input *in, void *buf, size_t len,
			uint64_t off)
{
	if (!bundle_input_seekable(in) || off > (uint64_t)INT64_MAX)
		return false;
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(in->fd, (char *)buf + got, len - got,
				  (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

const char *bundle_input_error(const struct bundle_input *in)
{
	return in->error[0] ? in->error : "no error";
}

/* ---- the walk ----------------------------------------------------------- */

/* (st_dev, st_ino) already walked: directories, so that symlink loops end,
 * and files, so that a file reached through a symlink is read only once. */
struct inode_set {
	struct inode_key {
		dev_t dev;
		ino_t ino;
		bool used;
	} *slots;
	size_t cap, count;
};

static size_t inode_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = ((uint64_t)ino * UINT64_C(0x9E3779B97F4A7C15)) ^ (uint64_t)dev;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static void inode_set_grow(struct inode_set *set);

/* Returns false when (dev, ino) was already in the set. */
static bool inode_set_add(struct inode_set *set, dev_t dev, ino_t ino)
{
	if ((set->count + 1) * 2 > set->cap)
		inode_set_grow(set);
	size_t i = inode_hash(dev, ino, set->cap);
	while (set->slots[i].used) {
		if (set->slots[i].dev == dev && set->slots[i].ino == ino)
			return false;
		i = (i + 1) & (set->cap - 1);
	}
	set->slots[i] = (struct inode_key){ dev, ino, true };
	set->count++;
	return true;
}

static void inode_set_grow(struct inode_set *set)
{
	struct inode_set bigger = { 0 };
	bigger.cap = set->cap ? set->cap * 2 : 64;
	bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i].used)
			inode_set_add(&bigger, set->slots[i].dev, set->slots[i].ino);
	free(set->slots);
	*set = bigger;
}

struct walk {
	struct bundle_options opts;
	const struct bundle_visitor *v;
	struct inode_set seen;
	struct buf fs;		/* filesystem path of the current item */
	struct buf rel;		/* its bundle path */
	bool top_is_pipe;	/* PATH is a FIFO such as /dev/stdin */
	const void *mem;	/* bundle_walk_archive_memory's bytes, or NULL */
	size_t mem_len;
	char *root;		/* realpath of a folder bundle: links stay inside */
};

static void walk_report(struct walk *w, const char *path, const char *what)
{
	if (w->v->report)
		w->v->report(w->v->ctx, path, what);
}

static void walk_note(struct walk *w, const char *path, const char *what)
{
	if (w->v->note)
		w->v->note(w->v->ctx, path, what);
}

/* Append "/name" (or just name at the root) to b; returns the old length
 * for buf_truncate. */
static size_t buf_push(struct buf *b, const char *name, size_t len)
{
	size_t old = b->len;
	if (b->len > 0 && b->data[b->len - 1] != '/')
		buf_putc(b, '/');
	buf_append(b, name, len);
	return old;
}

static void buf_truncate(struct buf *b, size_t len)
{
	b->len = len;
	if (b->data)
		b->data[len] = '\0';
}

static int walk_visit(struct walk *w, struct bundle_entry *e,
		      struct bundle_input *in)
{
	char host[256];
	if (!e->name)
		e->name = last_component(e->path);
	if (w->opts.host_override) {
		e->host = w->opts.host_override;
	} else {
		host_of_path(e->path, host, sizeof(host));
		e->host = host[0] ? host : "unknown";
	}
	return w->v->visit(w->v->ctx, e, in) ? 1 : 0;
}

/* Open before visiting so a file that vanished since the directory was read
 * is reported, not handed over; O_NONBLOCK because it might be a FIFO now. */
static int walk_plain_file(struct walk *w)
{
	/* O_NONBLOCK keeps a FIFO met in a folder from hanging the walk; a
	 * FIFO given as PATH is read on purpose and waits for its writer. */
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (w->top_is_pipe ? 0 : O_NONBLOCK);
	int fd = open(w->fs.data, flags);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		walk_report(w, w->rel.data, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	bool pipe = w->top_is_pipe && S_ISFIFO(st.st_mode);
	if (!S_ISREG(st.st_mode) && !pipe) {
		walk_report(w, w->rel.data, "not a regular file, skipped");
		close(fd);
		return 0;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	struct bundle_input in = { .fd = fd, .regular = !pipe, .stop = w->opts.stop,
				   .opened_size = pipe ? 0 : (uint64_t)st.st_size };
	struct bundle_entry e = {
		.path = w->rel.data,
		.size = pipe ? -1 : (int64_t)st.st_size,
		.mtime = pipe ? 0 : (int64_t)st.st_mtime,
		.ctime = pipe ? 0 : (int64_t)st.st_ctime,
	};
	int rc = walk_visit(w, &e, &in);
	close(fd);
	return rc;
}

/* ---- archives ----------------------------------------------------------- */

static int walk_archive_in(struct walk *w, bool top);

enum entry_path {
	ENTRY_PATH_OK,
	ENTRY_PATH_EMPTY,	/* only separators and "." */
	ENTRY_PATH_ESCAPES,	/* has a ".." component */
};

/* Normalise an archive entry name into out: backslashes are separators
 * (Windows zip tools write them) and "." components go. An absolute name or
 * a ".." component is refused outright rather than stripped or resolved: a
 * bundle has no business naming anything outside itself, and refusing keeps
 * every visited path inside the bundle. */
static enum entry_path entry_path_normalise(const char *raw, struct buf *out)
{
	buf_reset(out);
	if (raw[0] == '/' || raw[0] == '\\')
		return ENTRY_PATH_ESCAPES;
	const char *p = raw;
	while (*p) {
		size_t len = strcspn(p, "/\\");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return ENTRY_PATH_ESCAPES;
		if (len > 0 && !(len == 1 && p[0] == '.'))
			buf_push(out, p, len);
		p += len;
		if (*p)
			p++;
	}
	return out->len ? ENTRY_PATH_OK : ENTRY_PATH_EMPTY;
}

/* A hidden component anywhere (".git/", "__MACOSX/._x.log") hides the entry. */
static bool has_hidden_component(const char *path)
{
	if (path[0] == '.')
		return true;
	return strstr(path, "/.") != NULL;
}

struct archive_walk {
	struct walk *w;
	struct archive *ar;
	size_t root_len;	/* w->rel length at the archive itself */
	uint64_t used;		/* uncompressed bytes read so far */
	int64_t ctime;		/* the archive file's */
	struct buf norm;
	struct strmap *paths;	/* bundle paths visited in this archive */
};

/* Decide whether an entry is visited; reports the skips a user would want to
 * know about. Leaves the entry's bundle path in w->rel when it is. */
static bool archive_entry_wanted(struct archive_walk *aw, struct archive_entry *ae,
				 const char *raw)
{
	struct walk *w = aw->w;
	enum entry_path kind = entry_path_normalise(raw, &aw->norm);
	if (kind == ENTRY_PATH_ESCAPES) {
		buf_putc(&w->rel, '/');		/* "x.zip/../y", "x.zip//etc/z" */
		buf_append(&w->rel, raw, strlen(raw));
		walk_report(w, w->rel.data, "entry path escapes the bundle, skipped");
		return false;
	}
	if (kind == ENTRY_PATH_EMPTY || archive_entry_filetype(ae) == AE_IFDIR ||
	    has_hidden_component(aw->norm.data))
		return false;
	buf_push(&w->rel, aw->norm.data, aw->norm.len);
	const char *name = last_component(aw->norm.data);
	bool regular = archive_entry_filetype(ae) == AE_IFREG &&
		       !archive_entry_hardlink(ae);
	if (regular && is_archive_name(name)) {
		walk_report(w, w->rel.data, "nested archive skipped");
		return false;
	}
	if (!w->opts.all_files && !is_log_name(name))
		return false;
	if (!regular) {
		walk_report(w, w->rel.data, "not a regular file, skipped");
		return false;
	}
	return true;
}

/* Visit one entry. Returns 1 to stop the whole walk, -1 to stop this archive
 * (already reported), 0 to go on. */
/* Entries whose names normalise to one path ("a\\b", "a/b", "a/./b", one
 * name twice, a tar's appended copy) are all kept: each is evidence, a
 * tar append is usually the newer version, and the store's duplicate
 * check then tells copies from changes. The second gets the key
 * "path#2" (the third "#3", past any literal "#2"), said in a note
 * naming both. Its file name stays the entry's own, for its role. */
static void archive_unique_path(struct archive_walk *aw, const char *raw)
{
	struct walk *w = aw->w;
	int64_t count, taken;
	if (!strmap_get(aw->paths, w->rel.data, &count)) {
		strmap_put(aw->paths, w->rel.data, 1);
		return;
	}
	size_t base = w->rel.len;
	char *first = xstrdup(w->rel.data);
	do {
		buf_truncate(&w->rel, base);
		buf_printf(&w->rel, "#%lld", (long long)++count);
	} while (strmap_get(aw->paths, w->rel.data, &taken));
	strmap_put(aw->paths, first, count);
	strmap_put(aw->paths, w->rel.data, 1);
	struct buf what = {0};
	buf_printf(&what, "entry '%s' has the name of an earlier entry (%s);"
		   " both kept", raw, first);
	walk_note(w, w->rel.data, what.data);
	buf_free(&what);
	free(first);
}

static int archive_visit_entry(struct archive_walk *aw, struct archive_entry *ae,
			       const char *raw)
{
	struct walk *w = aw->w;
	archive_unique_path(aw, raw);
	struct bundle_input in = {
		.fd = -1,
		.ar = aw->ar,
		.archive_used = &aw->used,
		.archive_cap = w->opts.max_archive_bytes,
	};
	struct bundle_entry e = {
		.path = w->rel.data,
		.name = last_component(aw->norm.data),
		.size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1,
		.mtime = archive_entry_mtime_is_set(ae) ? archive_entry_mtime(ae) : 0,
		.ctime = aw->ctime,
		.in_archive = true,
	};
	int rc = walk_visit(w, &e, &in);
	if (rc)
		return 1;
	if (in.over_cap || in.fatal) {
		buf_truncate(&w->rel, aw->root_len);
		walk_report(w, w->rel.data, in.error);
		return -1;
	}
	return 0;
}

/* Returns 1 when visit() asked to stop, -1 on a fatal header error
 * (reported), 0 to read the next header. */
static int archive_step(struct archive_walk *aw)
{
	struct walk *w = aw->w;
	struct archive_entry *ae;
	int r = archive_read_next_header(aw->ar, &ae);
	if (r == ARCHIVE_EOF)
		return -1;
	if (r == ARCHIVE_RETRY)
		return 0;
	if (r < ARCHIVE_WARN) {
		const char *msg = archive_error_string(aw->ar);
		walk_report(w, w->rel.data, msg ? msg : "archive read error");
		return r == ARCHIVE_FATAL ? -1 : 0;
	}
	const char *raw = archive_entry_pathname(ae);
	if (!raw)
		raw = archive_entry_pathname_utf8(ae);
	if (!raw) {
		walk_report(w, w->rel.data, "entry without a usable name, skipped");
		return 0;
	}
	int rc = 0;
	if (archive_entry_wanted(aw, ae, raw))
		rc = archive_visit_entry(aw, ae, raw);
	buf_truncate(&w->rel, aw->root_len);
	return rc;
}

/* libarchive converts entry names to the character set of the thread's
 * locale. tatrace sets none (the C locale: ASCII), where a name with any
 * non-ASCII character, even a UTF-8 one, has no form and the entry could
 * not be named at all. Archives are therefore read in C.UTF-8: names come
 * as UTF-8, or as their raw bytes when they are in no known encoding
 * (output escaping reads those as Windows-1252). */
struct archive_locale {
	locale_t utf8, old;
};

static void archive_locale_enter(struct archive_locale *al)
{
	al->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	al->old = al->utf8 ? uselocale(al->utf8) : (locale_t)0;
}

static void archive_locale_leave(struct archive_locale *al)
{
	if (!al->utf8)
		return;
	uselocale(al->old);
	freelocale(al->utf8);
}

/* Walk the archive at w->fs, named w->rel in the bundle. top is true when it
 * is the command-line PATH itself, whose failure to open is the walk's. */
static int walk_archive(struct walk *w, bool top)
{
	struct archive_locale al;
	archive_locale_enter(&al);
	int rc = walk_archive_in(w, top);
	archive_locale_leave(&al);
	return rc;
}

static int walk_archive_in(struct walk *w, bool top)
{
	struct archive_walk aw = { .w = w, .root_len = w->rel.len,
				   .paths = strmap_new() };
	struct stat st;
	if (!w->mem && stat(w->fs.data, &st) == 0)
		aw.ctime = (int64_t)st.st_ctime;
	aw.ar = archive_read_new();
	/* Only the compression the bundles we read use (.tar.gz, .tgz):
	 * "all" would let a crafted archive start external programs
	 * (lrzip, lzop, grzip) that libarchive runs for their filters. */
	archive_read_support_filter_gzip(aw.ar);
	archive_read_support_format_zip(aw.ar);
	archive_read_support_format_tar(aw.ar);
	int rc = 0;
	int opened = w->mem ? archive_read_open_memory(aw.ar, w->mem, w->mem_len)
			    : archive_read_open_filename(aw.ar, w->fs.data, 64 * 1024);
	if (opened != ARCHIVE_OK) {
		const char *msg = archive_error_string(aw.ar);
		walk_report(w, top ? w->fs.data : w->rel.data,
			    msg ? msg : "cannot open archive");
		rc = top ? -1 : 0;
	} else {
		while ((rc = archive_step(&aw)) == 0)
			;
		rc = rc == 1 ? 1 : 0;
	}
	archive_read_free(aw.ar);
	buf_free(&aw.norm);
	strmap_free(aw.paths);
	return rc;
}

/* ---- single gzip-compressed logs ---------------------------------------- */

/* Length of a ".gz" ending a log name that is no archive ("x.log.gz",
 * "x.lo_.gz"), 0 otherwise. */
static size_t gzip_name_len(const char *name)
{
	size_t n = strlen(name);
	if (n <= 3 || !has_suffix_ci(name, ".gz") || is_archive_name(name))
		return 0;
	return 3;
}

/* A single .gz file: libarchive's raw format behind its gzip filter (and
 * nothing else), visited as the log it holds, named without ".gz". The
 * size cap of archives applies: a .gz is a small bomb as easily. */
static int walk_gzip(struct walk *w)
{
	struct archive *ar = archive_read_new();
	archive_read_support_filter_gzip(ar);
	archive_read_support_format_raw(ar);
	struct archive_entry *ae;
	int rc = 0;
	if (archive_read_open_filename(ar, w->fs.data, 64 * 1024) != ARCHIVE_OK ||
	    archive_read_next_header(ar, &ae) != ARCHIVE_OK) {
		const char *msg = archive_error_string(ar);
		walk_report(w, w->fs.data, msg ? msg : "cannot read the .gz file");
		archive_read_free(ar);
		return -1;
	}
	struct stat st;
	uint64_t used = 0;
	struct bundle_input in = {
		.fd = -1,
		.ar = ar,
		.archive_used = &used,
		.archive_cap = w->opts.max_archive_bytes,
	};
	buf_truncate(&w->rel, w->rel.len - gzip_name_len(w->rel.data));
	bool have_st = stat(w->fs.data, &st) == 0;
	struct bundle_entry e = {
		.path = w->rel.data,
		.size = -1,
		.mtime = have_st ? (int64_t)st.st_mtime : 0,
		.ctime = have_st ? (int64_t)st.st_ctime : 0,
		.in_archive = true,
	};
	rc = walk_visit(w, &e, &in);
	if (!rc && (in.over_cap || in.fatal))
		walk_report(w, w->fs.data, in.error);
	archive_read_free(ar);
	return rc;
}

/* ---- folders ------------------------------------------------------------ */

static int walk_dir(struct walk *w);

static int name_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir, sorted, hidden ones left out; NULL (reported) on error. */
static char **dir_read_sorted(struct walk *w, size_t *count)
{
	DIR *d = opendir(w->fs.data);
	if (!d) {
		walk_report(w, w->rel.data, strerror(errno));
		return NULL;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_compare);
	*count = n;
	return names;
}

/* A symlink in a folder bundle is followed only when it resolves inside
 * the bundle (or with --follow-links): a bundle from a stranger's machine
 * must not make ingest read /etc/shadow or /proc/self/environ into a
 * store that is then shared. False (reported) when it is refused. */
static bool link_allowed(struct walk *w)
{
	if (w->opts.follow_links || !w->root)
		return true;
	char *target = realpath(w->fs.data, NULL);
	if (!target)
		return true;	/* dangling: stat() below says why */
	size_t n = strlen(w->root);
	bool inside = !strncmp(target, w->root, n) &&
		      (target[n] == '/' || target[n] == '\0' || !strcmp(w->root, "/"));
	if (!inside) {
		struct buf why = { 0 };
		buf_puts(&why, "symlink leaves the bundle (-> ");
		buf_puts(&why, target);
		buf_puts(&why, "); not followed (--follow-links follows it)");
		walk_report(w, w->rel.data, why.data);
		buf_free(&why);
	}
	free(target);
	return inside;
}

/* One directory member, with w->fs and w->rel already naming it. stat()
 * follows symlinks that stay inside the bundle; the inode set stops loops
 * and double reads. */
static int walk_member(struct walk *w, const char *name)
{
	struct stat st;
	if (lstat(w->fs.data, &st) == 0 && S_ISLNK(st.st_mode) && !link_allowed(w))
		return 0;
	if (stat(w->fs.data, &st) != 0) {
		walk_report(w, w->rel.data, strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return inode_set_add(&w->seen, st.st_dev, st.st_ino) ? walk_dir(w) : 0;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (!is_archive_name(name) && !w->opts.all_files && !is_log_name(name))
		return 0;
	if (is_archive_name(name) && w->opts.plain_only)
		return 0;
	if (!inode_set_add(&w->seen, st.st_dev, st.st_ino))
		return 0;
	return is_archive_name(name) ? walk_archive(w, false) : walk_plain_file(w);
}

static int walk_dir(struct walk *w)
{
	size_t count = 0;
	char **names = dir_read_sorted(w, &count);
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		if (rc == 0) {
			size_t fs_len = buf_push(&w->fs, names[i], strlen(names[i]));
			size_t rel_len = buf_push(&w->rel, names[i], strlen(names[i]));
			rc = walk_member(w, names[i]);
			buf_truncate(&w->fs, fs_len);
			buf_truncate(&w->rel, rel_len);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- entry point -------------------------------------------------------- */

/* Last component of path, ignoring trailing slashes; "" for "/". */
static void path_basename(const char *path, struct buf *out)
{
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	buf_reset(out);
	if (end - start == 1 && path[start] == '/')
		start = end;
	buf_append(out, path + start, end - start);	/* even "": data set */
}

/* The name a folder goes by: its own, or the resolved one for ".", "..". */
static void folder_name(const char *path, struct buf *out)
{
	path_basename(path, out);
	if (out->len && strcmp(out->data, ".") && strcmp(out->data, ".."))
		return;
	buf_reset(out);
	char *real = realpath(path, NULL);
	if (real) {
		path_basename(real, out);
		free(real);
	}
}

/* Bundle path of a single file: "parent/name", so the parent can be the host. */
static void single_file_path(const char *path, struct buf *out)
{
	struct buf name = { 0 }, dir = { 0 };
	path_basename(path, &name);
	const char *slash = strrchr(path, '/');
	if (!slash)
		buf_append(&dir, ".", 1);
	else if (slash == path)
		buf_append(&dir, "/", 1);
	else
		buf_append(&dir, path, (size_t)(slash - path));
	folder_name(dir.data, out);
	buf_push(out, name.data, name.len);
	buf_free(&name);
	buf_free(&dir);
}

static int walk_top(struct walk *w, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		walk_report(w, path, strerror(errno));
		return -1;
	}
	buf_append(&w->fs, path, strlen(path));
	if (S_ISDIR(st.st_mode)) {
		folder_name(path, &w->rel);
		inode_set_add(&w->seen, st.st_dev, st.st_ino);
		DIR *probe = opendir(path);	/* PATH unreadable is the walk's failure */
		if (!probe) {
			walk_report(w, path, strerror(errno));
			return -1;
		}
		closedir(probe);
		w->root = realpath(path, NULL);
		return walk_dir(w);
	}
	w->top_is_pipe = S_ISFIFO(st.st_mode);
	if (!S_ISREG(st.st_mode) && !w->top_is_pipe) {
		walk_report(w, path, "not a regular file, pipe or folder");
		return -1;
	}
	path_basename(path, &w->rel);
	if (is_archive_name(w->rel.data))
		return walk_archive(w, true);
	if (access(path, R_OK) != 0) {
		walk_report(w, path, strerror(errno));
		return -1;
	}
	if (w->top_is_pipe) {
		/* A pipe's path (/dev/stdin, /proc/self/fd/N) names no host. */
		buf_reset(&w->rel);
		buf_puts(&w->rel, "stdin");
		return walk_plain_file(w);
	}
	single_file_path(path, &w->rel);
	if (gzip_name_len(w->rel.data))
		return walk_gzip(w);
	return walk_plain_file(w);
}

static void walk_init(struct walk *w, const struct bundle_options *opts,
		      const struct bundle_visitor *v)
{
	*w = (struct walk){ .v = v };
	if (opts)
		w->opts = *opts;
	if (w->opts.max_archive_bytes == 0)
		w->opts.max_archive_bytes = BUNDLE_DEFAULT_MAX_ARCHIVE_BYTES;
}

int bundle_walk_archive_memory(const void *data, size_t len, const char *name,
			       const struct bundle_options *opts,
			       const struct bundle_visitor *v)
{
	struct walk w;
	walk_init(&w, opts, v);
	w.mem = data;
	w.mem_len = len;
	buf_puts(&w.fs, name);
	buf_puts(&w.rel, name);
	int rc = walk_archive(&w, true);
	free(w.seen.slots);
	buf_free(&w.fs);
	buf_free(&w.rel);
	return rc;
}

int bundle_walk(const char *path, const struct bundle_options *opts,
		const struct bundle_visitor *v)
{
	struct walk w;
	walk_init(&w, opts, v);
	int rc = walk_top(&w, path);
	free(w.root);
	free(w.seen.slots);
	buf_free(&w.fs);
	buf_free(&w.rel);
	return rc;
}
