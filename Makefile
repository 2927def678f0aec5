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
	@cmake --build $(BUILD) -j$(JOBS) | grep -Ev '^\[ *[0-9]+%\] (Building|Linking|Built)|^Consolidate' || true
	@test -x $(BUILD)/bin/hoso

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
