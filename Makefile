# Thin wrapper around meson.  `make demo` and `make test` first install the
# Debian packages the build needs (as root), or print the exact command.

BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_OPTS ?=
DEMO_OUT   ?= demo-out
DYSSYNC     = $(BUILD)/cli/dyssync
BENCH_N      ?= 2000
BENCH_ROUNDS ?= 2

# gcc brings OpenMP (libgomp); g++ and binutils check the public headers as C++
# and the exported symbols (nm); python3 runs the accuracy check; util-linux's
# setpriv runs the unreadable-file test as nobody when the tests run as root;
# libexpat1-dev parses GE EchoPAC's myocardial-work workbook (XML); the
# Python package (python/) is tested with Debian's cffi, NumPy, pandas and
# pytest, and installed by the test with pip over Debian's setuptools.
PACKAGES = gcc g++ binutils libc6-dev make meson ninja-build pkg-config \
           libfftw3-dev libpng-dev libcairo2-dev libfontconfig1-dev \
           fonts-dejavu-core check python3 util-linux libexpat1-dev \
           python3-cffi python3-numpy python3-pandas python3-pytest \
           python3-setuptools python3-pip

.PHONY: all deps build test test-asan test-valgrind test-tsan test-slurm check-all check-nofigures demo install \
        accuracy bench clean fuzz fuzz-ci fuzz-build

# libFuzzer needs clang and its runtime.
FUZZ_BUILD   ?= build-fuzz
FUZZ_TARGETS  = study views echopac contour workbook number table outcomes
FUZZ_SECONDS ?= 3600
fuzz fuzz-ci fuzz-build: PACKAGES += clang libclang-rt-dev

# The SciPy baseline (bench/baseline_scipy.py) that accuracy and bench
# compare against runs on Debian's NumPy and SciPy (/usr/bin/python3).
accuracy bench: PACKAGES += python3-numpy python3-scipy

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "These Debian packages are missing. Install them, then run make again:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) $(MESON_OPTS)
	meson compile -C $(BUILD)

test: build
	meson test -C $(BUILD) --print-errorlogs

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || \
	  meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dbuildtype=debug $(MESON_OPTS)
	meson compile -C $(ASAN_BUILD)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  meson test -C $(ASAN_BUILD) --print-errorlogs --timeout-multiplier 4

# The library without its figures (no cairo, libpng, fontconfig): it
# builds, analyses, and says why a figure cannot be drawn.
NOFIG_BUILD ?= build-nofig
check-nofigures: deps
	@test -f $(NOFIG_BUILD)/build.ninja || \
	  meson setup $(NOFIG_BUILD) -Dfigures=disabled -Dtests=false $(MESON_OPTS)
	meson compile -C $(NOFIG_BUILD)
	bash tests/nofigures_test.sh $(NOFIG_BUILD) .

# Everything: the suite, under ASan/UBSan, under valgrind, the OpenMP
# paths under ThreadSanitizer, and the bounded fuzzing.
check-all: test test-asan test-valgrind test-tsan test-slurm fuzz-ci check-nofigures

test-valgrind: PACKAGES += valgrind
test-valgrind: build
	meson test -C $(BUILD) --setup=valgrind --print-errorlogs

# ThreadSanitizer needs an OpenMP runtime that tells it about its
# barriers: LLVM's libomp with the Archer tool (libgomp's futexes are
# invisible to it, so every join looked like a race).  clang builds it; the
# CLI tests run batch and analyze with -j 1 and -j 2, shards, kill and
# resume on this binary.
TSAN_BUILD ?= build-tsan
test-tsan: PACKAGES += clang libomp-dev
test-tsan: deps
	@test -f $(TSAN_BUILD)/build.ninja || \
	  CC=clang meson setup $(TSAN_BUILD) -Dtests=false -Db_sanitize=thread -Db_lundef=false \
	    -Dbuildtype=debugoptimized $(MESON_OPTS)
	meson compile -C $(TSAN_BUILD)
	OMP_TOOL_LIBRARIES=$$(ls /usr/lib/llvm-*/lib/libarcher.so | tail -n 1) \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1" \
	  bash tests/cli_test.sh $(TSAN_BUILD)/cli/dyssync .

# contrib/slurm/dyssync-array.sbatch on a real Slurm controller: the test
# starts a one-host cluster (munged, slurmctld, slurmd from Debian) in a
# temporary directory, runs the script as a job array with one task killed
# and requeued, merges, compares with a local batch, and stops every daemon
# it started.  As root (slurmd starts the jobs); about 40 s.
test-slurm: PACKAGES += slurm-wlm munge
test-slurm: build
	bash tests/slurm_test.sh $(DYSSYNC) .

# Analyse the bundled studies: report on the terminal, results in $(DEMO_OUT).
demo: build
	@mkdir -p $(DEMO_OUT)
	$(DYSSYNC) analyze --format json -o $(DEMO_OUT)/results.jsonl testdata/studies/*
	$(DYSSYNC) analyze --format csv -o $(DEMO_OUT)/results.csv testdata/studies/*
	$(DYSSYNC) analyze -o $(DEMO_OUT)/report.txt testdata/studies/*
	@mkdir -p $(DEMO_OUT)/figures
	for s in testdata/studies/*; do \
	  n=$$(basename $$s); n=$${n%.*}; \
	  $(DYSSYNC) plot --kind report -o $(DEMO_OUT)/figures/$$n.png $$s || exit 1; \
	  $(DYSSYNC) plot --kind report -o $(DEMO_OUT)/figures/$$n.pdf $$s || exit 1; \
	done
	@cat $(DEMO_OUT)/report.txt
	@echo
	@echo "Results written to $(DEMO_OUT)/: report.txt, results.jsonl, results.csv, figures/"

install: build
	meson install -C $(BUILD)

# Accuracy against synthetic truth, beside the SciPy baseline on the same
# files; writes docs/accuracy.md and docs/accuracy_beats.md.  Without NumPy
# and SciPy, or when the baseline fails, it stops and leaves the docs as
# they were.
accuracy: build
	python3 tests/accuracy.py --dyssync $(DYSSYNC) --out docs/accuracy.md
	python3 tests/accuracy_beats.py --dyssync $(DYSSYNC) --n 100 --out docs/accuracy_beats.md
	python3 tests/accuracy_optimise.py --dyssync $(DYSSYNC) --n 40 --out docs/accuracy_optimise.md

# Speed and memory against the SciPy baseline and cat (ratios in one run);
# writes docs/benchmarks.md, or nothing when a command fails.  BENCH_N
# studies (2000), each command BENCH_ROUNDS times (2).
bench: build
	python3 tests/bench.py --dyssync $(DYSSYNC) --n $(BENCH_N) --rounds $(BENCH_ROUNDS) \
	  --out docs/benchmarks.md

# The fuzz targets (tests/fuzz): clang, ASan and UBSan, no Check suites.
fuzz-build: deps
	@test -f $(FUZZ_BUILD)/build.ninja || \
	  CC=clang meson setup $(FUZZ_BUILD) -Dtests=false -Dfuzz=true \
	    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
	meson compile -C $(FUZZ_BUILD)

# Long runs: FUZZ_SECONDS per target (default an hour).  New inputs go to
# $(FUZZ_BUILD)/corpus/<target> (merge the useful ones into
# tests/fuzz/corpus); a crash stops the run and leaves its input in
# $(FUZZ_BUILD)/artifacts/: add it to the corpus with the fix.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  UBSAN_OPTIONS=halt_on_error=1 $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# CI: replay the committed corpus, then a short deterministic run of each
# target (fixed seed, bounded runs and time); any finding fails.
fuzz-ci: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  scratch=$$(mktemp -d); \
	  UBSAN_OPTIONS=halt_on_error=1 $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -runs=0 \
	    tests/fuzz/corpus/$$t 2>$$scratch/replay.log || { cat $$scratch/replay.log; exit 1; }; \
	  UBSAN_OPTIONS=halt_on_error=1 $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -seed=1 -runs=20000 \
	    -max_total_time=30 -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=$$scratch/ $$scratch tests/fuzz/corpus/$$t 2>$$scratch/run.log \
	    || { tail -40 $$scratch/run.log; exit 1; }; \
	  echo "fuzz_$$t: corpus replayed, $$(grep -o 'Done [0-9]* runs' $$scratch/run.log)"; \
	  rm -rf $$scratch; \
	done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD) $(DEMO_OUT)
