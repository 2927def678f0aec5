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
DEMO_DB = var/demo/hoso.db

# The registry on a fresh database in var/demo/: the carrier hands over the 132 sample envelopes,
# every one is scanned and registered, a few go to the manual queue; a second scan of the same
# envelopes registers nothing new. Then the carrier (hoso-carrier-sim on a free port) is asked
# where each envelope has been.
demo: build
	@rm -rf var/demo
	@echo "== hoso init: a fresh desk database in $(DEMO_DB) =="
	@$(HOSO) init --db $(DEMO_DB) --agency 000.00.05.H12 --agency-name "Bộ phận Một cửa (demo)"
	@echo
	@echo "== hoso intake: the carrier's delivery of samples/envelopes/ with its manifest =="
	@$(HOSO) intake --db $(DEMO_DB) --batch "VNPost demo delivery" \
	  --manifest samples/handover/vnpost-manifest.txt samples/envelopes/
	@echo
	@echo "== the same envelopes scanned again: nothing registered twice =="
	@$(HOSO) intake --db $(DEMO_DB) samples/envelopes/ | tail -n 1
	@echo
	@echo "== a hand scanner types two codes, one with a wrong check digit =="
	@printf 'EL491610889VN\nEB123456789VN\n' | $(HOSO) intake --db $(DEMO_DB) --stdin
	@echo
	@echo "== hoso manual list, then the clerk types the right number =="
	@$(HOSO) manual list --db $(DEMO_DB)
	@$(HOSO) manual resolve --db $(DEMO_DB) 1 EB123456785VN
	@echo
	@echo "== hoso dossier list (first 10) and one dossier in full =="
	@$(HOSO) dossier list --db $(DEMO_DB) --limit 10
	@$(HOSO) dossier show --db $(DEMO_DB) 1
	@echo
	@bash scripts/demo-carrier $(BUILD) var/demo

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

format:
	@bash scripts/check-format --fix

clean:
	rm -rf $(BUILD) build-asan var/demo
