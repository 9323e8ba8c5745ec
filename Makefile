# policymap: `make extract` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
IN     ?= corpora
OUT    ?= outputs

.DEFAULT_GOAL := help
.PHONY: help setup extract test score eval clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP) ## create .venv with the pinned dependencies (done by every target that needs it)

extract: $(STAMP) ## run the pipeline: make extract [IN=corpora] [OUT=outputs]
	$(BIN)/policymap extract $(IN) --out $(OUT)

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

# make fixtures prints PDFs with LibreOffice; it installs it (and the CJK fonts) when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
.PHONY: fixtures
fixtures: $(STAMP) ## regenerate tests/fixtures (DOCX, PDF, HTML, GB18030, traditional) from the samples
	command -v soffice >/dev/null || { $(SUDO) apt-get update && \
		$(SUDO) apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk; }
	$(BIN)/python scripts/make_fixtures.py

score: $(STAMP) ## extract the two sample notices and score them against ../shared/gold
	$(BIN)/policymap extract corpora/000_3906f5c9db5bee8f.txt corpora/001_71559f4dc2e04346.txt --out $(OUT)/.score
	$(BIN)/python ../shared/tools/score.py $(OUT)/.score ../shared/gold --verbose

# The shared scorer when the repo sits beside ../shared, else the vendored copy (stdlib only).
SCORER := $(firstword $(wildcard ../shared/tools/score.py) scripts/score.py)

eval: $(STAMP) ## extract the evaluation set (corpora/eval) and score it against tests/gold/eval
	$(BIN)/policymap extract corpora/eval --out $(OUT)/.eval
	$(BIN)/python $(SCORER) $(OUT)/.eval tests/gold/eval

# Benchmarks print numbers and never fail on them. N notices for the txt throughput runs,
# SIZES for the peak-RSS and compare runs; bench-full adds the 10,000-notice point (slow).
N     ?= 200
SIZES ?= 10,100,1000
.PHONY: bench bench-full
bench: $(STAMP) ## benchmark against pdfplumber, pypdfium2, python-docx: make bench [N=200] [SIZES=10,100,1000]
	$(BIN)/python -m bench --n $(N) --sizes $(SIZES) --out $(OUT)/bench

bench-full: $(STAMP) ## make bench with 1,000 notices and the 10,000-notice RSS and compare points
	$(BIN)/python -m bench --n 1000 --sizes 10,100,1000,10000 --timeout 600 --out $(OUT)/bench

clean: ## remove the virtual environment and generated outputs (keeps outputs/README.md)
	rm -rf $(VENV)
	find $(OUT) -mindepth 1 ! -name README.md -exec rm -rf {} +
