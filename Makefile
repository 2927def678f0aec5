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

.PHONY: demo test build bootstrap bench format clean

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
	@$(BUILD)/bin/http_bench

format:
	@bash scripts/check-format --fix

clean:
	rm -rf $(BUILD) build-asan var/demo
