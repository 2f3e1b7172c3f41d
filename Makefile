# Backlot — the commands a newcomer needs:
#   make run    install what is missing, build, and open Backlot on its embedded default
#   make check  the fast tier (a few minutes warm): rustfmt, clippy native and wasm with
#               -D warnings, and the native tests that need no keychain, window or network
#   make test   install what is missing and run every test (check first, then unit, UI in
#               headless Chromium, end-to-end in a real window under Xvfb, interop, packages)
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: bench-catalog-ui bench-pages-memory bench bench-backstage
.PHONY: run setup ui app release test test-native test-ui test-e2e test-interop bench-startup fmt clippy clean \
	bundle test-package icons check fmt-check layers clippy-native clippy-wasm test-fast

run: setup app
	./target/debug/backlot

setup:
	@scripts/setup.sh

# The Yew UI, compiled to wasm by trunk into src-ui/dist (embedded into the binary).
ui:
	cd src-ui && trunk build

# The app binary with the UI embedded (the custom-protocol feature is on by default).
app: ui
	$(CARGO) build -p backlot

test: check ui test-native test-ui test-e2e test-interop test-package

# The crates, by package name, each list written once (check, clippy and the test targets
# below use them).
# Native: domain logic, store, config, keychain, proxy, plugin backends, the app, the binary.
# The UI (wasm) crates with wasm tests (test-ui): one line per UI plugin.
UI_CRATES := backlot-ui backlot-catalog backlot-techdocs backlot-api-docs backlot-github-actions backlot-scaffolder
# Every crate compiled to wasm (clippy): the UI crates and the plugin API they share.
WASM_CRATES := backlot-plugin-api $(UI_CRATES)
# UI crates with no native tests; every other crate of the workspace is tested natively, so
# a new native crate (a plugin's -backend, a foundation crate) needs no line here.
WASM_ONLY_CRATES := backlot-ui backlot-techdocs backlot-api-docs backlot-github-actions
NATIVE := --workspace $(addprefix --exclude ,$(WASM_ONLY_CRATES))
# The native crates' tests (the e2e crate drives a real window: test-e2e runs it).
NATIVE_TESTS := $(NATIVE) --exclude backlot-e2e
# Integration tests of the fast tier: they only read files (tests/fixtures, temp folders) —
# no keychain, window, network or servers on 127.0.0.1 — and take well under a second.
FAST_TESTS := --test fixtures --test proxy_config --test ingest --test query --test graph --test backstage_parity \
	--test contract
FAST_TEST_CRATES := backlot-config backlot-catalog-backend backlot-app
# The property tests that touch no server (fuzz_*.rs, 256 cases each, ~1 s together); the
# proxy's and the sync client's talk to servers on 127.0.0.1 and run in test-native.
FAST_TESTS += --test fuzz_entity_ref --test fuzz_substitution --test fuzz_yaml --test fuzz_sanitize
FAST_TEST_CRATES += backlot-model backlot-techdocs-backend
# Test targets that need the Backstage peer (scripts/test-interop.sh runs them); clippy
# enables their features so they are linted too.
PEER_FEATURES := backlot-catalog-sync/backstage-peer,backlot-proxy-backend/backstage-peer,backlot-app/backstage-peer

# The fast tier, for every change: formatting, clippy on all targets native and wasm with
# -D warnings, the layer check, and the native tests that need no keychain, window or network
# (unit tests of every native crate plus FAST_TESTS, the UI/app contract test among them). Under 5 minutes warm on 2 cores. `make test` starts
# with it.
check: setup fmt-check layers clippy-native clippy-wasm test-fast

fmt-check:
	$(CARGO) fmt --all --check

# Dependencies point down: crates → plugins → app/src-ui → src-tauri (cargo metadata).
layers:
	python3 scripts/check-layers.py

# The binary crate embeds the built UI (src-ui/dist): build it only when there is none, so a
# warm check never rebuilds the UI (and with it the binary).
src-ui/dist/index.html:
	$(MAKE) ui

clippy-native: src-ui/dist/index.html
	$(CARGO) clippy $(NATIVE) --all-targets \
		--features $(PEER_FEATURES) -- -D warnings

clippy-wasm:
	$(CARGO) clippy $(addprefix -p ,$(WASM_CRATES)) --target wasm32-unknown-unknown --all-targets -- -D warnings

clippy: clippy-native clippy-wasm

test-fast: src-ui/dist/index.html
	$(CARGO) test $(NATIVE_TESTS) --lib
	$(CARGO) test $(addprefix -p ,$(FAST_TEST_CRATES)) $(FAST_TESTS)

# Domain logic, config, keychain, proxy, API, CLI, plugin registry: plain cargo tests, no
# window, inside a private D-Bus session with a real, unlocked gnome-keyring.
test-native: ui
	scripts/with-keyring.sh $(CARGO) test $(NATIVE_TESTS)

# The UI against the fake backend, in headless Chromium (wasm-bindgen-test).
test-ui:
	CHROMEDRIVER=/usr/bin/chromedriver $(CARGO) test $(addprefix -p ,$(UI_CRATES)) --target wasm32-unknown-unknown

# The real binary in a real window under Xvfb, driven by tauri-driver + WebKitWebDriver.
test-e2e: app
	xvfb-run -a -s "-screen 0 1440x900x24" $(CARGO) test -p backlot-e2e -- --test-threads=1

# Against a real Backstage backend (../shared/backstage-peer): catalog sync and proxy.
test-interop:
	scripts/test-interop.sh

# Property tests (proptest; tests/fuzz_*.rs of the crates below) with many more cases than
# `make test` runs (256 per property): entity refs, multi-document YAML, `${…}` substitution,
# proxy path mapping, sync page decoding, the docs sanitizer. A failure is shrunk to a minimal
# input and saved in the crate's proptest-regressions/ (commit it: it is replayed first).
# `make fuzz FUZZ_CASES=100000` for a longer run.
.PHONY: fuzz
FUZZ_CASES ?= 20000
FUZZ_TESTS := -p backlot-model -p backlot-config -p backlot-catalog-backend -p backlot-proxy-backend \
	-p backlot-catalog-sync -p backlot-techdocs-backend --test fuzz_entity_ref --test fuzz_substitution \
	--test fuzz_yaml --test fuzz_path --test fuzz_page --test fuzz_sanitize
fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) $(CARGO) test $(FUZZ_TESTS)

# Cold start to first paint, idle memory, binary size (release build), and the size floor: a
# Tauri window built the same way with the same UI and none of Backlot's code (examples/size_floor;
# its build adds ~2.5 min: an example compiles the package with its dev-dependencies' features).
bench-startup: release
	TAURI_CONFIG='{"build":{"frontendDist":"../src-ui/dist-release"}}' $(CARGO) build -p backlot --release --example size_floor
	xvfb-run -a -s "-screen 0 1440x900x24" python3 scripts/bench_startup.py target/release/backlot

# The catalog UI in a real window on 100,000 generated entities (performance marks read over
# WebDriver): search keystroke, catalog open, entity page, relation graph. Prints a table.
# Backlot side by side with a real Backstage on the same generated catalog (BENCH_N, default
# 10,000 entities: the peer's ingestion of them takes a few minutes).
bench-backstage:
	scripts/bench-backstage.sh

# One table (target/bench/summary.md and .json) of the benches that record their rows
# (target/bench/rows/*.json): ingest at 100k, the sync's write lock, sync, Backlot side by side
# with Backstage, start-up, idle memory and binary size, the catalog UI in a real window at
# 100k; each row with its baseline, peer or target, the ratio, and the machine's cores and
# load at its start. 18 min on 2 cores once built and the peer installed (its ingestion of
# 10,000 entities, ~3 min, included).
bench:
	rm -rf target/bench/rows
	$(CARGO) bench -p backlot-catalog-backend --bench catalog
	$(CARGO) bench -p backlot-catalog-backend --bench sync_apply
	$(CARGO) bench -p backlot-catalog-sync --bench sync_bench
	scripts/bench-backstage.sh
	$(MAKE) bench-startup bench-catalog-ui bench-pages-memory
	python3 scripts/bench-table.py

bench-catalog-ui: release
	BACKLOT_GPU=auto BACKLOT_BIN=$(CURDIR)/target/release/backlot xvfb-run -a -s "-screen 0 1440x900x24" $(CARGO) bench -p backlot-e2e --bench catalog_ui

bench-pages-memory: release
	BACKLOT_GPU=auto BACKLOT_BIN=$(CURDIR)/target/release/backlot xvfb-run -a -s "-screen 0 1440x900x24" $(CARGO) bench -p backlot-e2e --bench pages_memory

# Release binary with the optimised UI embedded (src-ui/dist-release, so the debug UI in
# src-ui/dist is left alone).
release: setup
	cd src-ui && trunk build --release --dist dist-release
	TAURI_CONFIG='{"build":{"frontendDist":"../src-ui/dist-release"}}' $(CARGO) build -p backlot --release

# Release bundles with the Tauri bundler: target/release/bundle/deb/Backlot_<version>_amd64.deb
# and target/release/bundle/rpm/Backlot-<version>-1.x86_64.rpm (the optimised UI from
# src-ui/dist-release embedded). AppImage, macOS and Windows bundles come from the release
# workflow (.github/workflows/release.yml): AppImage's tools download from GitHub.
# tauri.release.conf.json builds the UI (trunk --release into src-ui/dist-release) first.
bundle: setup
	TAURI_APP_PATH=src-tauri tauri build --ci --bundles deb,rpm --config tauri.release.conf.json
	@ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

# The packages for real (root or sudo): dpkg -i, first run under Xvfb, dpkg -r/--purge keeps
# the user's data, upgrade N → N+1 with a migration (scripts/package-test.sh). It installs
# system-wide and builds two releases: ~10 min warm, ~25 min cold (README, "Installing").
test-package: bundle
	scripts/package-test.sh --no-build

# The icon set, rendered from the SVG mark by the Tauri CLI (Linux, macOS and Windows sizes).
icons:
	tauri icon src-tauri/icons/backlot.svg -o target/icons
	tauri icon src-tauri/icons/backlot.svg -o target/icons -p 256
	cp target/icons/{32x32,64x64,128x128,128x128@2x,256x256,icon}.png target/icons/icon.icns target/icons/icon.ico src-tauri/icons/

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf src-ui/dist src-ui/dist-release
