# tatrace - plain Makefile. `make` builds ./tatrace; `make test` runs every
# unit and end-to-end test; `make check-asan` the same under ASan+UBSan;
# `make bench` the ingest benchmark; `make install`, `make uninstall` and
# `make dist` install and package it. V=1 shows the commands.

CC ?= cc
BUILD ?= build
# The one place the version is written: `tatrace --version` and the
# release tarball's name read it.
VERSION := $(shell cat VERSION)
PKG_CONFIG ?= pkg-config
PKGS := sqlite3 libpcre2-8 libarchive ncursesw liblz4
TEST_PKGS := cmocka

OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) \
	$(SAN) -MMD -MP $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread -lm
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))
TEST_LDLIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Every module but main() goes into a static library that the binary and
# the unit tests both link.
LIB_SRCS := $(sort $(filter-out src/main.c,$(wildcard lib/*.c src/*.c parsers/*.c db/*.c ui/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libtatrace.a
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
REPLAY_BINS := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/fuzz/replay_%,$(wildcard tests/fuzz/fuzz_*.c))

ifeq ($(BUILD),build)
BIN := tatrace
else
BIN := $(BUILD)/tatrace
endif

.PHONY: all test check-asan bench clean man-lint demo fuzz screenshots \
	install uninstall dist
all: $(BIN)

$(BIN): $(BUILD)/src/main.o $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/src/main.o: ALL_CFLAGS += -DTATRACE_VERSION='"$(VERSION)"'
$(BUILD)/src/main.o: VERSION

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(TEST_LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The runner prints one summary line "N passed, N failed" and exits
# non-zero on any failure.
test: $(BIN) $(UNIT_BINS) $(TOOL_BINS) $(REPLAY_BINS)
	$(Q)TATRACE=$(abspath $(BIN)) BUILD=$(BUILD) sh tests/run.sh $(UNIT_BINS) $(REPLAY_BINS)

check-asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test

bench: $(BIN) $(TOOL_BINS)
	$(Q)TATRACE=$(abspath $(BIN)) BUILD=$(BUILD) sh tests/bench.sh

man-lint:
	$(Q)mandoc -Tlint -W warning man/tatrace.1

clean:
	rm -rf build build-asan build-clang build-fuzz tatrace

# `make install PREFIX=/usr/local DESTDIR=/tmp/stage`: the binary and the
# man page, nothing else; `make uninstall` (same variables) removes exactly
# those two files.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INSTALLED := $(DESTDIR)$(BINDIR)/tatrace $(DESTDIR)$(MANDIR)/man1/tatrace.1

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/tatrace
	install -m 644 man/tatrace.1 $(DESTDIR)$(MANDIR)/man1/tatrace.1

uninstall:
	rm -f $(INSTALLED)

# The release tarball: what is committed at HEAD (git archive), under
# tatrace-VERSION/, written to DIST_DIR. It builds with `make`.
DIST_DIR ?= .
DIST := tatrace-$(VERSION)
dist:
	$(Q)git rev-parse --git-dir >/dev/null 2>&1 || \
		{ echo "make dist: not a git checkout" >&2; exit 1; }
	$(Q)git diff --quiet HEAD -- || \
		echo "make dist: uncommitted changes are not in the tarball" >&2
	$(Q)git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST_DIR)/$(DIST).tar.gz HEAD
	@echo "  DIST    $(DIST_DIR)/$(DIST).tar.gz"

-include $(LIB_OBJS:.o=.d) $(BUILD)/src/main.d

# The README's first command ends here: write the built-in demo bundle,
# ingest it and open the dashboard on it (in a terminal; otherwise `ui`
# prints the list of the device actions it traced).
DEMO_DB ?= demo.db
demo: $(BIN)
	$(Q)rm -rf demo $(DEMO_DB)
	./$(BIN) demo demo
	./$(BIN) ingest -d $(DEMO_DB) demo
	./$(BIN) ui -d $(DEMO_DB)

# PNGs of the commands and the dashboard on the demo bundle, from a real
# xterm on Xvfb (needs xvfb xauth xterm x11-utils imagemagick; not in CI).
screenshots: $(BIN)
	$(Q)screenshots/make.sh

# Coverage-guided fuzzing (clang's libFuzzer); not part of `make test`.
# Every target of tests/fuzz/fuzz_*.c runs FUZZ_SECONDS, its corpus seeded
# from the fixtures (tests/fuzz/seeds.py) and the kept inputs of
# tests/fixtures/fuzz/<target>/; a crash is left in build-fuzz/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
fuzz:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		$(FUZZ_TARGETS:%=build-fuzz/fuzz/fuzz_%)
	$(Q)sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

# The kept inputs (tests/fixtures/fuzz/<target>/) replayed by `make test`
# without libFuzzer: tests/fuzz/replay.c is the main().
$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -DREPLAY_DIR='"tests/fixtures/fuzz/$*"' -o $@ \
		$< tests/fuzz/replay.c $(LIB) $(LDLIBS)
