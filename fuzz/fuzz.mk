# Hardening targets, included by the top Makefile:
#   make sanitize      ./sexton-asan: ASan + UBSan build for the bats suite
#   make fuzz          the libFuzzer harness over every parser, FUZZ_TIME seconds
#   make fuzz-coverage line and branch coverage of the fuzz corpus (llvm-cov)
#   make analyze       clang-tidy and cppcheck; any finding fails
#   make memcheck      valgrind memcheck over a representative PID-1 run
# Sanitizers and libFuzzer need clang; the ordinary build stays musl-gcc.

FUZZ_CC ?= clang
LLVM_PROFDATA ?= llvm-profdata
LLVM_COV ?= llvm-cov
CLANG_TIDY ?= clang-tidy
CPPCHECK ?= cppcheck
VALGRIND ?= valgrind

# -fno-sanitize-recover: a UBSan finding aborts like an ASan one, so a report
# can never scroll past in a passing run.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1

# The same version and commit as ./sexton, for the tests that read them.
DEBUG_DEFS := -D_GNU_SOURCE -DSEXTON_VERSION='"$(VERSION)"' -DSEXTON_COMMIT='"$(COMMIT)"'

sanitize: sexton-asan

sexton-asan: $(SRCS) sexton.h Makefile fuzz/fuzz.mk .commit
	$(FUZZ_CC) $(WARN) $(DEBUG_DEFS) $(SAN_FLAGS) -o $@ $(SRCS)

# Every file but init.c: libFuzzer brings its own main.
FUZZ_BUILD := $(WARN) -D_GNU_SOURCE -g -O1
FUZZ_SRCS := fuzz/fuzz_parse.c $(filter-out init.c,$(SRCS))

fuzz/fuzz-parse: $(FUZZ_SRCS) sexton.h Makefile fuzz/fuzz.mk
	$(FUZZ_CC) $(FUZZ_BUILD) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(FUZZ_SRCS)

# New inputs go to FUZZ_WORK; fuzz/corpus holds the seeds and is only read.
# -close_fd_mask=2: sexton's one-line errors on stderr would drown libFuzzer's
# own output; libFuzzer keeps a copy of stderr for itself and the sanitizers.
FUZZ_TIME ?= 60
FUZZ_WORK ?= fuzz/work
FUZZ_FLAGS ?=
fuzz: fuzz/fuzz-parse
	mkdir -p $(FUZZ_WORK)/corpus $(FUZZ_WORK)/artifacts
	./fuzz/fuzz-parse -max_total_time=$(FUZZ_TIME) -dict=fuzz/parse.dict -max_len=512 \
		-close_fd_mask=2 -print_final_stats=1 -artifact_prefix=$(FUZZ_WORK)/artifacts/ \
		$(FUZZ_FLAGS) $(FUZZ_WORK)/corpus fuzz/corpus

# The same harness with source-based coverage, replayed over both corpora.
fuzz/fuzz-cov: $(FUZZ_SRCS) sexton.h Makefile fuzz/fuzz.mk
	$(FUZZ_CC) $(FUZZ_BUILD) -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping \
		-o $@ $(FUZZ_SRCS)

fuzz-coverage: fuzz/fuzz-cov
	mkdir -p $(FUZZ_WORK)/corpus
	LLVM_PROFILE_FILE=$(FUZZ_WORK)/cov.profraw ./fuzz/fuzz-cov -runs=0 -close_fd_mask=2 \
		-artifact_prefix=$(FUZZ_WORK)/ \
		$(FUZZ_WORK)/corpus fuzz/corpus
	$(LLVM_PROFDATA) merge -sparse -o $(FUZZ_WORK)/cov.profdata $(FUZZ_WORK)/cov.profraw
	$(LLVM_COV) report ./fuzz/fuzz-cov -instr-profile=$(FUZZ_WORK)/cov.profdata $(SRCS)

.PHONY: sanitize fuzz fuzz-coverage

# Static analysis over sexton and the harness; the configs say what is off and why.
ANALYZE_SRCS := $(SRCS) fuzz/fuzz_parse.c
analyze:
	$(CLANG_TIDY) --quiet $(ANALYZE_SRCS) -- -std=c11 -D_GNU_SOURCE
	$(CPPCHECK) --enable=warning,style,performance,portability --std=c11 -D_GNU_SOURCE \
		--suppressions-list=.cppcheck-suppressions --inline-suppr --error-exitcode=1 \
		--quiet $(ANALYZE_SRCS)

# valgrind wants glibc's dynamic build with symbols, not the stripped musl one.
sexton-debug: $(SRCS) sexton.h Makefile fuzz/fuzz.mk .commit
	$(HOSTCC) $(WARN) $(DEBUG_DEFS) -g -O1 -o $@ $(SRCS)

# A representative run as PID 1: -vv -w -g -p -e together, 50 orphans named
# by -w, a signal forwarded (and ignored by the workload), exit status 3
# rewritten to 0 by -e; then a workload killed by SIGTERM (143). Any memcheck
# error or leak fails the run with status 99.
MEMCHECK := timeout 60 unshare --pid --fork --mount-proc --kill-child \
	$(VALGRIND) --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all
MEMCHECK_WORKLOAD := trap "" USR1; kill -USR1 1; $(CURDIR)/tests/stress/flood serial 50; exit 3
memcheck: sexton-debug tests/stress/flood
	$(MEMCHECK) ./sexton-debug -vv -w -g -p TERM -e 3 -- sh -c '$(MEMCHECK_WORKLOAD)'
	$(MEMCHECK) ./sexton-debug sh -c 'kill -TERM $$$$; sleep 5'; test $$? -eq 143

.PHONY: analyze memcheck
