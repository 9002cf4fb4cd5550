/* blockfmt.c - packing of block metadata entries and the time inheritance,
 * bounds and tallies computed over them. See blockfmt.h for the layout. */
#include "blockfmt.h"

#include "store.h"

static void put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint16_t get_u16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

void blockfmt_pack(unsigned char *dst, const struct block_entry *e)
{
	put_u64(dst + 0, (uint64_t)e->utc_us);
	put_u32(dst + 8, e->text_len);
	put_u32(dst + 12, e->line);
	put_u32(dst + 16, e->msg_off);
	put_u32(dst + 20, e->msg_len);
	put_u32(dst + 24, e->comp_id);
	put_u32(dst + 28, (uint32_t)e->thread);
	put_u32(dst + 32, e->time_off);
	put_u16(dst + 36, e->time_len);
	put_u16(dst + 38, (uint16_t)e->bias_min);
	dst[40] = (unsigned char)e->type;
	dst[41] = e->keyword_sev;
	dst[42] = e->offset_source;
	dst[43] = e->flags;
	put_u32(dst + 44, 0);
}

uint64_t blockfmt_utc(const unsigned char *src)
{
	return get_u64(src);
}

uint32_t blockfmt_text_len(const unsigned char *src)
{
	return get_u32(src + 8);
}

enum severity blockfmt_severity(const unsigned char *src)
{
	return severity_of((int8_t)src[40], (enum keyword_severity)src[41]);
}

void blockfmt_unpack(const unsigned char *src, struct block_entry *e)
{
	e->utc_us = (int64_t)get_u64(src + 0);
	e->text_len = get_u32(src + 8);
	e->line = get_u32(src + 12);
	e->msg_off = get_u32(src + 16);
	e->msg_len = get_u32(src + 20);
	e->comp_id = get_u32(src + 24);
	e->thread = (int32_t)get_u32(src + 28);
	e->time_off = get_u32(src + 32);
	e->time_len = get_u16(src + 36);
	e->bias_min = (int16_t)get_u16(src + 38);
	e->type = (int8_t)src[40];
	e->keyword_sev = src[41];
	e->offset_source = src[42];
	e->flags = src[43];
}

bool blockfmt_entry_fits(const struct block_entry *e)
{
	return (uint64_t)e->msg_off + e->msg_len <= e->text_len &&
	       (uint64_t)e->time_off + e->time_len <= e->text_len;
}

int blockfmt_check(const unsigned char *meta, size_t meta_len, int64_t n,
		   int64_t max_n, size_t text_len, const char **why)
{
	if (n < 0 || n > max_n || (!meta && n) ||
	    meta_len != (size_t)n * BLOCKFMT_RECORD_BYTES) {
		*why = "metadata does not match its record count";
		return -1;
	}
	uint64_t total = 0;
	for (int64_t i = 0; i < n; i++) {
		/* the five fields, not a whole unpack: log reads every block */
		const unsigned char *m = meta + (size_t)i * BLOCKFMT_RECORD_BYTES;
		struct block_entry e = {
			.text_len = get_u32(m + 8), .msg_off = get_u32(m + 16),
			.msg_len = get_u32(m + 20), .time_off = get_u32(m + 32),
			.time_len = get_u16(m + 36),
		};
		total += e.text_len;
		if (total > text_len) {
			*why = "a record's text runs past the block's";
			return -1;
		}
		if (!blockfmt_entry_fits(&e)) {
			*why = "a record's message or time lies outside its text";
			return -1;
		}
	}
	return 0;
}

static void inherit(struct block_entry *e, int64_t utc_us, int16_t bias,
		    uint8_t src)
{
	e->utc_us = utc_us;
	e->bias_min = bias;
	e->offset_source = src;
	e->flags |= BLOCKFMT_DATED;
}

static void leave_undated(struct block_entry *e)
{
	e->utc_us = 0;
	e->bias_min = BLOCKFMT_NO_BIAS;
	e->offset_source = OFFSET_ASSUMED;
	e->flags &= (uint8_t)~BLOCKFMT_DATED;
}

void blockfmt_settle(struct block_entry *e, uint32_t n,
		     struct blockfmt_carry *carry)
{
	/* The first timed entry of the block serves the entries before it
	 * when the file had no timed record yet (backfill). */
	const struct block_entry *first = NULL;
	if (!carry->have) {
		for (uint32_t i = 0; i < n && !first; i++)
			if (e[i].flags & BLOCKFMT_TIMED)
				first = &e[i];
	}
	for (uint32_t i = 0; i < n; i++) {
		struct block_entry *r = &e[i];
		if (r->flags & BLOCKFMT_TIMED) {
			carry->have = true;
			carry->utc_us = r->utc_us;
			carry->bias_min = r->bias_min;
			carry->offset_source = r->offset_source;
		} else if (carry->have) {
			inherit(r, carry->utc_us, carry->bias_min,
				carry->offset_source);
		} else if (first) {
			inherit(r, first->utc_us, first->bias_min,
				first->offset_source);
		} else {
			leave_undated(r);
		}
	}
}

void blockfmt_bounds(const struct block_entry *e, uint32_t n,
		     struct blockfmt_bounds *out)
{
	bool xset = false;
	*out = (struct blockfmt_bounds){0};
	for (uint32_t i = 0; i < n; i++) {
		const struct block_entry *r = &e[i];
		if (!(r->flags & BLOCKFMT_DATED)) {
			out->undated++;
			continue;
		}
		if (!out->dated || r->utc_us < out->utc_min)
			out->utc_min = r->utc_us;
		if (!out->dated || r->utc_us > out->utc_max)
			out->utc_max = r->utc_us;
		out->dated = true;
		if (!(r->flags & BLOCKFMT_EXPLICIT))
			continue;
		if (!out->has_bias) {
			out->has_bias = true;
			out->bias = r->bias_min;
		}
		if (r->bias_min != out->bias)
			continue;
		int64_t local = r->utc_us - (int64_t)r->bias_min * 60000000;
		if (!xset) {
			out->xlocal_min = out->xlocal_max = local;
			xset = true;
		} else {
			if (local < out->xlocal_min)
				out->xlocal_min = local;
			if (local > out->xlocal_max)
				out->xlocal_max = local;
		}
	}
}

void blockfmt_tally(struct blockfmt_tally *t, const struct block_entry *e,
		    uint32_t n, int sign)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct block_entry *r = &e[i];
		t->records += sign;
		t->bytes += sign * (int64_t)r->text_len;
		if (r->flags & BLOCKFMT_PARTIAL)
			t->partial += sign;
		if ((r->flags & BLOCKFMT_TIMED) &&
		    !(r->flags & BLOCKFMT_EXPLICIT))
			t->nobias += sign;
		enum severity sev = severity_of(r->type,
					(enum keyword_severity)r->keyword_sev);
		if ((unsigned)sev < SEV_COUNT)
			t->sev[sev] += sign;
		if (r->offset_source < OFFSET_SOURCE_COUNT)
			t->src[r->offset_source] += sign;
	}
}
