# sg-guardian — one entry point. `make test` and `make demo` install what they need first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CACHE ?= $(or $(SG_GUARDIAN_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sg-guardian)
ENV := source $(CACHE)/env.sh &&
# Go's GC for terraform, its providers, tflint and terraform-docs: the AWS provider allocates heavily
# on every command; GOGC=400 saves ~30% of a plan's CPU for ~100 MB more per provider (see
# test/support/terraform.ts). The suite is CPU-bound on 2 cores.
export GOGC ?= 400

.PHONY: help bootstrap build check-dist typecheck lint tf-lint docs docs-check static-checks vitest-all test test-unit test-emulator fuzz demo bench throttle-bench clean

help:
	@echo "make test   install tools, run every check and test (unit + emulator + terraform)"
	@echo "make demo   run the bundled Lambda against an embedded emulator on real sample events"
	@echo "make bench  AWS calls per scenario (against the embedded emulator), bundle size and cold import, planner at scale"
	@echo "make throttle-bench  a 1,000-group sweep behind EC2's real token buckets: duration and calls/s (~12 min here: 5 to make the fleet, 6.5 to sweep)"
	@echo "make build  rebuild dist/ from lambda-src/ (commit the result)"
	@echo "make docs   regenerate README's inputs/outputs tables"
	@echo "make fuzz   the fuzz suite long: FUZZ_RUNS=100000 (FUZZ_SEED=n for other cases)"

# SKIP_BOOTSTRAP=1: set by `make test` for its sub-make, which runs after the bootstrap.
bootstrap:
	@[ -n "$(SKIP_BOOTSTRAP)" ] || bash scripts/bootstrap.sh

build: bootstrap
	node scripts/build.mjs

check-dist: bootstrap
	node scripts/build.mjs --check

typecheck: bootstrap
	npx tsc --noEmit -p .
	@echo "typecheck: ok"

lint: bootstrap
	npx eslint --max-warnings 0 .
	@echo "eslint: ok"

tf-lint: bootstrap
	$(ENV) "$$SG_GUARDIAN_TF" fmt -check -recursive -diff .
	@echo "fmt: ok"
	@# One run per directory holding .tf files: --recursive also walks node_modules and .git
	@# (52 s wall, 99 s of CPU here, against 7 s for the same directories one by one).
	$(ENV) status=0; for d in $$(find . \( -name node_modules -o -name .terraform -o -name .git \) -prune -o -name '*.tf' -print | xargs -n1 dirname | sort -u); do \
	  "$$SG_GUARDIAN_TFLINT" --chdir "$$d" --config "$(CURDIR)/.tflint.hcl" --format compact || { echo "tflint: $$d"; status=1; }; \
	done; exit $$status
	@echo "tflint: ok"
	$(ENV) "$$SG_GUARDIAN_CHECKOV" -d . --framework terraform --quiet --compact --skip-download \
	  --skip-path node_modules --skip-path test --skip-path .terraform
	@echo "checkov: ok"

docs: bootstrap
	$(ENV) "$$SG_GUARDIAN_TFDOCS" markdown table --output-file README.md --output-mode inject --sort-by required .

docs-check: bootstrap
	$(ENV) "$$SG_GUARDIAN_TFDOCS" markdown table --output-file README.md --output-mode inject --sort-by required --output-check . \
	  || { echo "README inputs/outputs are stale: run 'make docs' and commit README.md"; exit 1; }
	@echo "docs-check: ok"

test-unit: bootstrap
	npx vitest run --project unit

# The fuzz suite runs in `make test` with a few thousand seeded cases; this is the long run.
FUZZ_RUNS ?= 100000
FUZZ_SEED ?= 15
fuzz: bootstrap
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SEED=$(FUZZ_SEED) npx vitest run --project unit test/unit/fuzz-

test-emulator: bootstrap
	$(ENV) npx vitest run --project emulator

# Everything: the vitest projects (unit + emulator + terraform) and, beside them in a second job
# slot, the static checks (the emulator files mostly wait on the AWS provider, so the checks cost
# almost no wall time there). Make waits for both and runs every check (-k); any failing fails the run. The last line is
# the count of tests.
test: bootstrap
	@mkdir -p .test-output
	@$(MAKE) --no-print-directory -j2 -k SKIP_BOOTSTRAP=1 vitest-all static-checks
	@node scripts/test-summary.mjs .test-output/vitest.json

static-checks: typecheck lint tf-lint docs-check check-dist

vitest-all: bootstrap
	$(ENV) npx vitest run --reporter=default --reporter=json --outputFile.json=.test-output/vitest.json \
	  || { node scripts/test-summary.mjs .test-output/vitest.json; exit 1; }

demo: bootstrap
	$(ENV) node scripts/demo.mjs

# Measures the bundle as built from lambda-src (rebuilds dist/ first, like make build).
bench: build
	$(ENV) node scripts/bench.mjs

# The throttling scenario at EC2's real rates (the test suite runs it with 10x clocks).
throttle-bench: build
	$(ENV) node scripts/throttle-bench.mjs

clean:
	rm -rf .test-output modules/function/.build
