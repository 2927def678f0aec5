# The two commands a newcomer needs: `make demo` and `make test`. Both install missing Debian
# packages first (scripts/bootstrap), then build incrementally in $(BUILD).
BUILD ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
WERROR ?= OFF
SANITIZE ?= OFF

CMAKE_FLAGS = -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DHOSO_WERROR=$(WERROR) -DHOSO_SANITIZE=$(SANITIZE)

.PHONY: demo test build bootstrap bench format clean

demo: build
	@echo "== hoso scan samples/envelopes/ =="
	@$(BUILD)/bin/hoso scan samples/envelopes/

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

format:
	@bash scripts/check-format --fix

clean:
	rm -rf $(BUILD) build-asan
