/* fuzz_parse.c - libFuzzer target: any bytes through the decoder, the
 * format detector, every parser (fed in two chunks at a split the input
 * chooses) and the event table; checks that parsing stays lossless.
 * Build and run: make fuzz (clang with -fsanitize=fuzzer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../parsers/decode.h"
#include "../../parsers/events.h"
#include "../../parsers/parser.h"

struct collect {
	struct buf text;
	struct event_matcher *events;
};

static int on_record(void *ctx, const struct log_record *rec)
{
	struct collect *c = ctx;
	static const char *const roles[] = { "connector", "server", "agent", "upload" };
	struct event ev;
	if (rec->message.off + rec->message.len > rec->len)
		abort();
	buf_append(&c->text, rec->text, rec->len);
	for (size_t i = 0; i < 4; i++)
		event_match(c->events, roles[i], rec->text + rec->message.off,
			    rec->message.len, &ev);
	return 0;
}

static void on_problem(void *ctx, uint32_t line, const char *what)
{
	(void)ctx;
	(void)line;
	(void)what;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_matcher *events;
	if (!events)
		events = event_matcher_new();
	struct buf decoded = {0};
	enum text_encoding enc = encoding_detect(data, size);
	struct decoder *d = decoder_new(enc);
	decoder_feed(d, data, size, true, &decoded);
	decoder_free(d);

	for (int fmt = FORMAT_PLAIN; fmt <= FORMAT_SMS; fmt++) {
		struct collect c = { .events = events };
		struct record_sink sink = { &c, on_record, on_problem };
		struct parser *p = parser_new((enum log_format)fmt, &sink, 1);
		size_t split = size ? data[0] % (decoded.len + 1) : 0;
		const char *text = decoded.data ? decoded.data : "";
		size_t used = parser_feed(p, text, split, false);
		/* the caller re-feeds the unconsumed tail with the rest */
		parser_feed(p, text + used, decoded.len - used, true);
		parser_free(p);
		if (c.text.len != decoded.len ||
		    (decoded.len && memcmp(c.text.data, decoded.data, decoded.len)))
			abort();	/* not lossless */
		buf_free(&c.text);
	}
	format_detect(decoded.data ? decoded.data : "", decoded.len);
	buf_free(&decoded);
	return 0;
}
