# sohoa - one plain Makefile.
#
#   make                 build sohoad, sohoa, sohoa-web and libsohoa into build/
#   make check           install missing Debian packages, build with ASan+UBSan
#                        into build/san/, run every unit and end-to-end test
#   make demo            run sohoad on a temporary inbox with the bundled scans
#   make bench           throughput of sohoad against the tesseract command, on clean
#                        and on realistic scans (skew, speckle, seal, photo, G4, turned)
#   make bench-real      the realistic set alone, with its per-page step timings
#   make bench-spread    a 20-page document's latency with its pages spread over
#                        idle workers, against one worker per document
#   make bench-search    search at 1k, 100k and 1M generated pages (BENCH_SEARCH_SIZES)
#   make bench-web       sohoa-web: 20 HTTPS clients at 1M pages, p50/p99, RSS
#   make eval            field extraction accuracy on freshly rendered, OCRed documents,
#                        and OCR accuracy of sohoa against tesseract on degraded scans
#   make fault-sweep     fail, then kill, at every durable step (write, fsync, rename,
#                        catalog commit) of a small ingest, and check the store after
#   make valgrind        the unit tests under valgrind
#   make fuzz            build the libFuzzer harnesses of tests/fuzz/ with clang
#                        into build/fuzz/ and run each for FUZZ_SECONDS (600)
#   make install PREFIX=/usr DESTDIR=...   binaries, library (.so, .a, sohoa.pc),
#                        headers, schemas, systemd units, man pages, /etc/sohoa/sohoa.conf
#   make deb / deb-test  a .deb (dpkg-buildpackage), and its test in a Debian 12 chroot

PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
CC       ?= cc
PKGS      = tesseract lept libjpeg libarchive sqlite3 libssl libcrypto libargon2 libutf8proc libxml-2.0 libsystemd libqpdf harfbuzz-subset poppler-glib cairo

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Wno-format-truncation
CPPFLAGS += -D_GNU_SOURCE -Iinclude -Ilib -DSOHOA_DATADIR='"$(PREFIX)/share/sohoa"'
CFLAGS   += $(OPT) $(WARN) $(SANFLAGS) -fPIC -MMD -MP $(PKG_CFLAGS)
CXXWARN   = -std=c++17 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CXXFLAGS += $(OPT) $(CXXWARN) $(SANFLAGS) -fPIC -MMD -MP $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lstdc++ -lm -lpthread
# Fault injection (include/sohoa/fault.h) is compiled into the sanitized
# test build only (FAULT defaults to 1 when SANFLAGS is set, as for make
# check's build/san), never into the binaries installed.
FAULT    ?= $(if $(SANFLAGS),1,)
ifeq ($(FAULT),1)
CPPFLAGS += -DSOHOA_FAULT
endif

LIB_SRC   := $(sort $(wildcard lib/*.c))
# The few lib/*.cc files walk Tesseract's results with its C++ iterators
# where its C API has no equivalent (lib/ocr_walk.h): extern "C" inside,
# no exported symbol, no standard-library template (check-symbols).
LIB_CXX_SRC := $(sort $(wildcard lib/*.cc))
MIGRATIONS := $(sort $(wildcard schemas/catalog/*.sql))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX_SRC:%.cc=$(BUILD)/%.o) $(BUILD)/gen/migrations.o
SOHOAD_SRC := daemon/sohoad.c $(sort $(wildcard daemon/sohoad_*.c))
SOHOA_SRC  := daemon/sohoa.c daemon/progress.c $(sort $(wildcard daemon/cli_*.c))
WEB_SRC    := $(sort $(wildcard web/*.c))
WEB_OBJ    := $(WEB_SRC:%.c=$(BUILD)/%.o)
WEB_CFLAGS := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
WEB_LIBS   := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
SOHOAD_OBJ := $(SOHOAD_SRC:%.c=$(BUILD)/%.o)
SOHOA_OBJ  := $(SOHOA_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# The fuzz harnesses (tests/fuzz/fuzz_<target>.c): each also builds, with
# the build's own compiler and sanitizers, into a replay of its corpus and
# crashes (tests/fuzz/replay.c) that "make unit" runs beside the unit tests.
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz_%)

.PHONY: all check unit e2e fault-sweep deps demo bench bench-real bench-spread bench-search valgrind install clean fuzz fuzz-bins

all: $(BUILD)/sohoad $(BUILD)/sohoa $(BUILD)/sohoa-web $(BUILD)/libsohoa.a $(BUILD)/libsohoa.so $(TEST_BIN) \
	$(FUZZ_REPLAY)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(dir $@)
	scripts/embed-sql $(MIGRATIONS) > $@

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<

# The data folder is compiled in: rebuild conf.o when PREFIX changes.
PREFIX_STAMP := $(BUILD)/prefix$(subst /,_,$(PREFIX)).stamp
$(PREFIX_STAMP):
	@mkdir -p $(BUILD) && rm -f $(BUILD)/prefix*.stamp && touch $@
$(BUILD)/lib/conf.o: $(PREFIX_STAMP)

# Only what the public headers mark SOHOA_API leaves libsohoa.so (sohoa.h);
# scripts/check-symbols checks that every such name starts with sohoa_.
$(LIB_OBJ): CFLAGS += -fvisibility=hidden
$(LIB_OBJ): CXXFLAGS += -fvisibility=hidden -fvisibility-inlines-hidden

$(BUILD)/libsohoa.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libsohoa.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libsohoa.so.0 $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/sohoad: $(SOHOAD_OBJ) $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $(SOHOAD_OBJ) $(BUILD)/libsohoa.a $(LDLIBS)

$(BUILD)/sohoa: $(SOHOA_OBJ) $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $(SOHOA_OBJ) $(BUILD)/libsohoa.a $(LDLIBS)

# sohoa-web alone links libmicrohttpd.
$(WEB_OBJ): CFLAGS += $(WEB_CFLAGS)
$(BUILD)/sohoa-web: $(WEB_OBJ) $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $(WEB_OBJ) $(BUILD)/libsohoa.a $(WEB_LIBS) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libsohoa.a
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) -o $@ $< $(BUILD)/libsohoa.a $(LDLIBS)

$(BUILD)/tests/fuzz/replay_%.o: tests/fuzz/replay.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DFUZZ_TARGET='"$*"' -c -o $@ $<

$(BUILD)/tests/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay_%.o $(BUILD)/libsohoa.a
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/libsohoa.a $(LDLIBS)

deps:
	@scripts/install-deps

# The sanitized build lives in its own tree so that it never mixes with the
# normal one.
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check: deps
	$(MAKE) BUILD=build/san SANFLAGS="$(SAN)" OPT="-O1 -g" all
	scripts/check-symbols build/san/libsohoa.so
	$(MAKE) BUILD=build/san SANFLAGS="$(SAN)" OPT="-O1 -g" unit
	$(MAKE) BUILD=build/san SANFLAGS="$(SAN)" OPT="-O1 -g" e2e

# Every step of the fault-injection sweep (tests/unit/test_fault.c): fail,
# then kill, at each durable step of a small ingest; make check runs a sample.
fault-sweep: deps
	$(MAKE) BUILD=build/san SANFLAGS="$(SAN)" OPT="-O1 -g" build/san/tests/test_fault
	@FAULT_SWEEP=all scripts/run-unit build/san/tests/test_fault

unit: $(TEST_BIN) $(FUZZ_REPLAY)
	@scripts/run-unit $(TEST_BIN) $(FUZZ_REPLAY)

e2e:
	@SOHOA_BUILD=$(BUILD) scripts/run-e2e

demo: deps
	$(MAKE) all
	@scripts/demo

bench: deps
	$(MAKE) all $(BUILD)/bench/export_bench
	@SOHOA_BUILD=$(BUILD) bench/throughput.sh clean real
	@SOHOA_BUILD=$(BUILD) bench/export.sh

bench-real: deps
	$(MAKE) all
	@SOHOA_BUILD=$(BUILD) bench/throughput.sh real

bench-spread: deps
	$(MAKE) all
	@SOHOA_BUILD=$(BUILD) bench/spread.sh

# The export bench's helper: clones records and their AIPs, times hashing.
$(BUILD)/bench/export_bench: $(BUILD)/bench/export_bench.o $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $< $(BUILD)/libsohoa.a $(LDLIBS)

# Not a test: indexing rate, index size and query latency as the catalog
# grows (bench/search_bench.c); about 15 minutes for the 1M pages.
BENCH_SEARCH_SIZES ?= 1000 100000 1000000
$(BUILD)/bench/search_bench: $(BUILD)/bench/search_bench.o $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $< $(BUILD)/libsohoa.a $(LDLIBS)

# CPU time of bench-web's searches in one process (bench/search_cpu.c).
$(BUILD)/bench/search_cpu: $(BUILD)/bench/search_cpu.o $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $< $(BUILD)/libsohoa.a $(LDLIBS)

bench-search: deps
	$(MAKE) all $(BUILD)/bench/search_bench
	$(BUILD)/bench/search_bench -R 100000 $(BENCH_SEARCH_SIZES)

# Not a test: sohoa-web under 20 concurrent HTTPS clients on a catalog of
# 1M generated pages (made once, kept in /tmp; BENCH_WEB_PAGES, _CLIENTS,
# _SECONDS, _DIR change it; BENCH_WEB_MIXES="repeat distinct" the mixes,
# BENCH_WEB_CACHE=N web_search_cache; BENCH_WEB_STORE=DIR uses a store generated
# before and never regenerates it): p50/p99 per kind, requests/s, RSS.
.PHONY: bench-web
bench-web: deps
	$(MAKE) all $(BUILD)/bench/search_bench
	@SOHOA_BUILD=$(BUILD) bench/web.sh

# Not a test: accuracy of the field extraction against the renderer's
# ground truth, on 84 documents rendered and OCRed afresh (eval/run.py),
# then sohoa's OCR accuracy against the tesseract command on eleven
# degraded subsets (eval/ocr_accuracy.py); scans and OCR text are cached
# in $(BUILD)/eval/.
.PHONY: eval
$(BUILD)/eval/eval_extract: $(BUILD)/eval/eval_extract.o $(BUILD)/libsohoa.a
	$(CC) $(SANFLAGS) -o $@ $< $(BUILD)/libsohoa.a $(LDLIBS)

eval: deps
	$(MAKE) $(BUILD)/eval/eval_extract $(BUILD)/sohoa
	/usr/bin/python3 eval/run.py --build $(BUILD)

-include $(BUILD)/eval/eval_extract.d

valgrind: deps
	$(MAKE) BUILD=build/vg OPT="-O0 -g" all
	@VALGRIND=1 scripts/run-unit $(patsubst $(BUILD)/%,build/vg/%,$(TEST_BIN))
	@scripts/valgrind-daemon build/vg

# Fuzzing (not part of check, which only replays): the library and the
# harnesses built by clang with coverage instrumentation into build/fuzz/,
# then scripts/run-fuzz runs each target for FUZZ_SECONDS under nice, one
# at a time (FUZZ_TARGETS picks some).  New inputs gather in
# build/fuzz/corpus/<target>/; a crash is written to build/fuzz/crashes/
# <target>/ and belongs, once fixed, in tests/fuzz/crashes/<target>/.
# Warnings do not stop this build: -Werror is the gcc build's, and clang
# warns about other things.
FUZZ_CC    ?= clang-14
FUZZ_CXX   ?= clang++-14
FUZZ_SAN    = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined -Wno-error -Wno-unknown-warning-option
FUZZ_SECONDS ?= 600
fuzz: deps
	$(MAKE) BUILD=build/fuzz CC=$(FUZZ_CC) CXX=$(FUZZ_CXX) SANFLAGS="$(FUZZ_SAN)" OPT="-O1 -g" fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz build/fuzz $(FUZZ_TARGETS)

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/libsohoa.a
	@mkdir -p $(dir $@)
	$(CC) $(subst fuzzer-no-link,fuzzer,$(SANFLAGS)) -o $@ $< $(BUILD)/libsohoa.a $(LDLIBS)

# Where things go; each may be overridden (debian/rules sets libdir to the
# multiarch folder and systemdunitdir to /lib/systemd/system for Debian 12).
bindir         ?= $(PREFIX)/bin
sbindir        ?= $(PREFIX)/sbin
libdir         ?= $(PREFIX)/lib
includedir     ?= $(PREFIX)/include
datadir        ?= $(PREFIX)/share
mandir         ?= $(datadir)/man
sysconfdir     ?= /etc
systemdunitdir ?= $(PREFIX)/lib/systemd/system
sysusersdir    ?= $(PREFIX)/lib/sysusers.d
tmpfilesdir    ?= $(PREFIX)/lib/tmpfiles.d
SOVERSION       = 0
LIBVERSION     := $(shell sed -n 's/^\#define SOHOA_VERSION "\(.*\)"/\1/p' include/sohoa/sohoa.h)
UNITS          := $(wildcard systemd/*.service systemd/*.timer)
MANPAGES       := $(wildcard man/*.[1-8])

# The pkg-config file: cc $(pkg-config --cflags --libs sohoa) (static:
# --static adds the private dependencies).
$(BUILD)/sohoa.pc: Makefile include/sohoa/sohoa.h $(PREFIX_STAMP)
	@mkdir -p $(dir $@)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(libdir)' 'includedir=$(includedir)' '' \
	    'Name: sohoa' 'Description: digitization of commune records: spool, OCR, catalog, search' \
	    'Version: $(LIBVERSION)' 'Requires.private: $(PKGS)' 'Libs: -L$${libdir} -lsohoa' \
	    'Libs.private: -lstdc++ -lm -lpthread' 'Cflags: -I$${includedir}' > $@

# A fresh "make install" never replaces an existing /etc/sohoa/sohoa.conf.
# install-files installs what is built without building the tests (debian/rules).
.PHONY: install-files
install: all install-files
install-files: $(BUILD)/sohoad $(BUILD)/sohoa $(BUILD)/sohoa-web $(BUILD)/libsohoa.a $(BUILD)/libsohoa.so $(BUILD)/sohoa.pc
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(sbindir) $(DESTDIR)$(libdir)/pkgconfig \
		$(DESTDIR)$(includedir)/sohoa $(DESTDIR)$(datadir)/sohoa/schemas
	install -m 755 $(BUILD)/sohoa $(DESTDIR)$(bindir)/sohoa
	install -m 755 $(BUILD)/sohoad $(DESTDIR)$(sbindir)/sohoad
	install -m 755 $(BUILD)/sohoa-web $(DESTDIR)$(sbindir)/sohoa-web
	install -m 644 $(BUILD)/libsohoa.a $(DESTDIR)$(libdir)/libsohoa.a
	install -m 644 $(BUILD)/libsohoa.so $(DESTDIR)$(libdir)/libsohoa.so.$(LIBVERSION)
	ln -sf libsohoa.so.$(LIBVERSION) $(DESTDIR)$(libdir)/libsohoa.so.$(SOVERSION)
	ln -sf libsohoa.so.$(SOVERSION) $(DESTDIR)$(libdir)/libsohoa.so
	install -m 644 $(BUILD)/sohoa.pc $(DESTDIR)$(libdir)/pkgconfig/sohoa.pc
	install -m 644 include/sohoa/*.h $(DESTDIR)$(includedir)/sohoa/
	cp -r schemas/. $(DESTDIR)$(datadir)/sohoa/schemas/
	install -d $(DESTDIR)$(systemdunitdir) $(DESTDIR)$(sysusersdir) $(DESTDIR)$(tmpfilesdir) \
		$(DESTDIR)$(sysconfdir)/sohoa $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 \
		$(DESTDIR)$(mandir)/man8
	install -m 644 $(UNITS) $(DESTDIR)$(systemdunitdir)/
	install -m 644 systemd/sohoa.sysusers $(DESTDIR)$(sysusersdir)/sohoa.conf
	install -m 644 systemd/sohoa.tmpfiles $(DESTDIR)$(tmpfilesdir)/sohoa.conf
	install -m 644 systemd/sohoa.conf.example $(DESTDIR)$(datadir)/sohoa/sohoa.conf.example
	install -m 644 doc/openapi.yaml $(DESTDIR)$(datadir)/sohoa/openapi.yaml
	install -m 644 doc/smb.conf.example $(DESTDIR)$(datadir)/sohoa/smb.conf.example
	[ -e $(DESTDIR)$(sysconfdir)/sohoa/sohoa.conf ] || \
		install -m 644 systemd/sohoa.conf.example $(DESTDIR)$(sysconfdir)/sohoa/sohoa.conf
	for m in $(MANPAGES); do install -m 644 $$m $(DESTDIR)$(mandir)/man$${m##*.}/; done

# A Debian package, built in a copy of the tree (the build never writes
# here); the .deb lands in $(BUILD)/deb/.  deb-test installs it into a
# fresh Debian 12 chroot and runs a scan through it (root, network, ~10 min).
.PHONY: deb deb-test
deb:
	@tests/deb/build-deb.sh $(BUILD)/deb

deb-test: deb
	@tests/deb/test-deb.sh $(BUILD)/deb

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(SOHOAD_OBJ:.o=.d) $(SOHOA_OBJ:.o=.d) $(WEB_OBJ:.o=.d) $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d) \
	$(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%.d)
