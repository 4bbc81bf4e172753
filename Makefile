# Billing Reports — the two commands a fresh machine needs are `make run` and `make test`.
# Every target installs what it lacks first (see `tools`), so nothing is set up by hand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := 0.2.130
# cargo-leptos debug builds compile with this flag; tests and clippy use it too so that they
# share compiled dependencies with the build instead of compiling everything twice.
DEV_RUSTFLAGS := --cfg erase_components
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# Release builds erase the components' view types as debug builds do (one dynamic view type per
# component instead of a nested type per view): the browser bundle is smaller, and the release
# renders the same way the tests and browser journeys saw.
RELEASE_BUILD := RUSTFLAGS='$(DEV_RUSTFLAGS)' cargo leptos build --release --precompress --split
POSTGRES_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export POSTGRES_ADMIN_URL

.PHONY: help run test tools system npm lint test-rust api-document e2e bench release-size dist dist-check start-postgres

help:
	@echo "make run    build (release) and serve on http://127.0.0.1:3000 with demo data"
	@echo "make test   fmt, clippy (server + wasm32), tests on SQLite and PostgreSQL, the API document, browser journeys, the WASM budget"
	@echo "make bench  benchmarks: the release server under load (bench/results.md), then the in-process tables and the full proofs"
	@echo "make dist   the release archive (binary, site, settings, systemd unit); dist-check serves from it"

## The app, on an SQLite file under data/, with the demo data on first start. The job runner is
## off so the demo keeps the statuses of its story (its months are in the past); run the jobs by
## hand with `billing-reports jobs run-due`. Release builds compress the static files once
## (`--precompress` writes .gz and .br beside each; the server sends what the browser takes).
run: tools npm
	$(RELEASE_BUILD)
	DEMO_DATA=true JOBS_EVERY_SECONDS=0 LEPTOS_SITE_ROOT=target/site $(TARGET_DIR)/release/billing-reports

## Every check and test. Needs PostgreSQL at $(POSTGRES_ADMIN_URL) (started if it is local and down).
test: system tools npm start-postgres lint test-rust api-document e2e release-size

lint:
	cargo fmt --check
	RUSTFLAGS='$(DEV_RUSTFLAGS)' cargo clippy --features ssr --all-targets -- -D warnings
	RUSTFLAGS='$(DEV_RUSTFLAGS)' cargo clippy --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

test-rust:
	# One test at a time: several in-process apps rendering pages at once have been seen to hang.
	# The log is this run's own, so two runs on one machine don't read each other's.
	@log=$$(mktemp -t billing-reports-tests.XXXXXX); \
	 RUSTFLAGS='$(DEV_RUSTFLAGS)' cargo test --features ssr -- --test-threads=1 2>&1 | tee $$log; \
	 pg=$$(grep -cE '^test .*postgres.* \.\.\. ok$$' $$log || true); \
	 lite=$$(grep -cE '^test .*sqlite.* \.\.\. ok$$' $$log || true); \
	 rm -f $$log; \
	 echo "database tests passed: $$lite on SQLite, $$pg on PostgreSQL"; \
	 if [ "$$pg" -eq 0 ]; then echo "no PostgreSQL test ran" >&2; exit 1; fi

## The public API's OpenAPI document, generated from the code, validated against the OpenAPI
## specification's schema; then one report's month driven through the API with curl.
api-document: npm
	RUSTFLAGS='$(DEV_RUSTFLAGS)' cargo build --features ssr --bin billing-reports
	$(TARGET_DIR)/debug/billing-reports openapi > $(TARGET_DIR)/openapi.json
	node end2end/openapi-check.mjs $(TARGET_DIR)/openapi.json
	TARGET_DIR=$(TARGET_DIR) bash end2end/api-cycle-local.sh

e2e: npm
	cargo leptos build --split
	TARGET_DIR=$(TARGET_DIR) E2E_BACKEND=sqlite bash end2end/run.sh
	TARGET_DIR=$(TARGET_DIR) E2E_BACKEND=postgres bash end2end/run.sh
	RUSTFLAGS='$(DEV_RUSTFLAGS)' TARGET_DIR=$(TARGET_DIR) E2E_PRICING=http bash end2end/run.sh

## bench/run.sh: the release server at 100,000 reports on SQLite and PostgreSQL, measured from
## outside (cold start, SSR against a static copy under wrk, first-load bytes, memory with 1,000
## sessions, Lighthouse), written to bench/results.md; then the in-process benchmarks and proofs.
bench: system tools npm start-postgres
	bash bench/run.sh
	cargo bench --features ssr --bench domain
	# The full proofs of integrity (bounded runs of the same tests are in `make test`):
	# 8 clients x 10,000 conflicting actions, 200 kills of the server, a million garbage bodies,
	# a million cases of each property.
	BR_RACE_ACTIONS=10000 cargo test --release --features ssr --test races -- --nocapture --test-threads=1
	BR_CRASH_POINTS=200 cargo test --release --features ssr --test crash -- --nocapture --test-threads=1
	BR_FUZZ_CASES=1000000 cargo test --release --features ssr --test garbage -- --nocapture --test-threads=1
	PROPTEST_CASES=1000000 cargo test --release --features ssr --test properties

## The release bundle and its size (raw, and as sent: the gzip and brotli files made at build):
## the WASM every page loads first, then what each page loaded on demand adds (`ui::routes`).
## The first WASM must stay within its budget as sent in gzip, so that it cannot creep (708,829
## bytes when it was set, with eight pages split out; the goal is 300 KiB, see bench/results.md).
WASM_BUDGET_GZIP := 730000
release-size: tools npm
	$(RELEASE_BUILD)
	bash tests/bundle-size.sh $(WASM_BUDGET_GZIP) $(TARGET_DIR)/release/hash.txt target/site/pkg

## The release archive: the binary, its site folder beside it, the sample settings and the
## systemd unit (deploy/), and the README. Runs from any folder with no Rust or Node.
DIST_ARCHIVE := $(TARGET_DIR)/dist/billing-reports-$(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)-linux-$(shell uname -m).tar.gz
dist: tools npm
	$(RELEASE_BUILD)
	@rm -rf $(TARGET_DIR)/dist/billing-reports && mkdir -p $(TARGET_DIR)/dist/billing-reports
	cp $(TARGET_DIR)/release/billing-reports $(TARGET_DIR)/release/hash.txt $(TARGET_DIR)/dist/billing-reports/
	cp -r target/site $(TARGET_DIR)/dist/billing-reports/site
	cp deploy/billing-reports.env deploy/billing-reports.service README.md $(TARGET_DIR)/dist/billing-reports/
	tar -C $(TARGET_DIR)/dist -czf $(DIST_ARCHIVE) billing-reports
	@echo "archive: $(DIST_ARCHIVE) ($$(stat -c %s $(DIST_ARCHIVE)) bytes)"

## Unpacks the archive into a temporary folder and serves a page from it.
dist-check: dist
	bash tests/dist.sh $(DIST_ARCHIVE)

## Tools a fresh machine lacks, each installed only when missing.
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

## Debian packages the tests need, each installed only when missing: Chromium for the browser
## journeys, curl to wait for the server (and jq to read the API's answers), the PostgreSQL server
## and client, poppler-utils to read the PDFs back in the tests, and the DejaVu fonts the PDFs embed. Needs root (or sudo).
SYSTEM_PACKAGES := chromium:chromium curl:curl jq:jq pg_isready:postgresql-client pg_ctlcluster:postgresql \
  pdftotext:poppler-utils /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:fonts-dejavu-core
system:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	   command -v $${pair%%:*} >/dev/null 2>&1 || [ -x /usr/bin/$${pair%%:*} ] || [ -f $${pair%%:*} ] || missing="$$missing $${pair#*:}"; \
	 done; \
	 if [ -n "$$missing" ]; then \
	   echo "installing:$$missing"; \
	   sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	   $$sudo apt-get update -qq && \
	   DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	 fi

## npm packages: binaryen's wasm-opt for release builds, Playwright for the browser journeys, the
## OpenAPI validator.
npm:
	@[ -x node_modules/.bin/wasm-opt ] || npm ci --no-audit --no-fund
	@[ -d end2end/node_modules/@playwright/test ] && [ -d end2end/node_modules/@axe-core/playwright ] \
	  && [ -d end2end/node_modules/@seriousme/openapi-schema-validator ] || (cd end2end && npm ci --no-audit --no-fund)

start-postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  command -v pg_ctlcluster >/dev/null && \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432
