# The two commands a newcomer needs: `make demo` and `make test`. Both install missing Debian
# packages first (scripts/bootstrap), then build incrementally in $(BUILD).
BUILD ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
# Unset WERROR/SANITIZE keep what $(BUILD) was configured with (OFF for a new one), so `make demo`
# after CI's `make test WERROR=ON` does not rebuild everything.
WERROR ?=
SANITIZE ?=

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(if $(WERROR),-DHOSO_WERROR=$(WERROR)) \
              $(if $(SANITIZE),-DHOSO_SANITIZE=$(SANITIZE))

.PHONY: demo test build bootstrap bench fuzz format clean

HOSO = $(BUILD)/bin/hoso

# The whole flow on a fresh desk in var/demo/ (`hoso demo`): the sample envelopes registered,
# officers' actions, results posted back through the carrier simulator (in-process, on a free port
# of 127.0.0.1), its deliveries synced, then the report and the printed documents. The carrier keeps
# serving until Ctrl-C; `make demo ARGS=--once` exits when done.
ARGS ?=
demo: build
	@$(HOSO) demo --dir var/demo $(ARGS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

build: bootstrap
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@echo "building in $(BUILD)/ (compiler output in $(BUILD)/build.log)"
	@cmake --build $(BUILD) -j$(JOBS) -- --no-print-directory >$(BUILD)/build.log 2>&1 || \
	  { grep -E -B2 -A8 'error|Error' $(BUILD)/build.log | head -80; echo "build failed: see $(BUILD)/build.log"; exit 1; }

bootstrap:
	@bash scripts/bootstrap

# Speed and read rates of the pipeline against a plain ZXing pass, in one run (see bench/).
bench: build
	@$(BUILD)/bin/scan_bench samples/envelopes --negatives samples/falsepositives
	@if [ -d ../shared/testdata/barcodes ]; then $(BUILD)/bin/scan_bench ../shared/testdata/barcodes --optional-codes samples/shared-testdata-extra.tsv; fi
	@$(BUILD)/bin/intake_bench --max-dossiers 100000 --registrations 500
	@$(BUILD)/bin/sync_bench
	@$(BUILD)/bin/lookup_bench
	@$(BUILD)/bin/list_bench
	@$(BUILD)/bin/http_bench

# The fuzz targets of tests/fuzz with clang-14's libFuzzer (ASan + UBSan), each for FUZZ_SECONDS, in
# $(FUZZ_BUILD): new inputs go to $(FUZZ_BUILD)/corpus/<target>, crashing inputs to
# $(FUZZ_BUILD)/crashes/<target>/, libFuzzer's report to $(FUZZ_BUILD)/<target>.log. `make test`
# replays the committed corpora (tests/fuzz/corpus) with the project's compiler.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= classify carrier_json config csv multipart image_probe
fuzz: bootstrap
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DHOSO_FUZZ=ON >/dev/null
	@echo "building the fuzz targets in $(FUZZ_BUILD)/ (clang-14, libFuzzer)"
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(addsuffix _fuzzer,$(FUZZ_TARGETS)) -- \
	  --no-print-directory >$(FUZZ_BUILD)/build.log 2>&1 || \
	  { grep -E -B2 -A8 'error' $(FUZZ_BUILD)/build.log | head -60; exit 1; }
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/crashes/$$t; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/bin/$${t}_fuzzer -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/crashes/$$t/ $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
	    >$(FUZZ_BUILD)/$$t.log 2>&1; \
	  status=$$?; \
	  grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec' \
	    $(FUZZ_BUILD)/$$t.log | sed 's/^/  /'; \
	  if [ $$status -ne 0 ]; then echo "  CRASH: see $(FUZZ_BUILD)/$$t.log and $(FUZZ_BUILD)/crashes/$$t/"; fi; \
	done

format:
	@bash scripts/check-format --fix

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD) var/demo
