# Two entry points for a fresh machine (README): `make run` and `make test`. Both build .venv/ first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-all browser-deps doc-deps clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch from this machine's disk first; a bare `torch` would pull a CUDA build of several GB.
	$(BIN)/pip install -q torch==2.13.0
	# The ray extra too: tests/test_ray_ingest.py runs an ingest on a local Ray cluster.
	$(BIN)/pip install -q -e '.[test,ray]'
	touch $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it through executable_path; no download).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Debian tools the document readers call: Tesseract with its Vietnamese model (OCR of scans and images),
# antiword and catdoc (.doc). Missing ones make those files refused with the package to install.
DOC_TOOLS := tesseract antiword catdoc
doc-deps:
	@for t in $(DOC_TOOLS); do command -v $$t >/dev/null 2>&1 || missing=1; done; \
	test -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata || missing=1; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		tesseract-ocr tesseract-ocr-vie antiword catdoc >/dev/null; fi

# `tracuu prepare` first: the one-time model preparation (~20 s) happens here, not at the first question.
run: $(STAMP) doc-deps
	$(BIN)/tracuu prepare
	$(BIN)/tracuu serve

# The default run skips tests marked slow (50 MB article, million-line JSONL, full xquad eval);
# `make test-all` runs them too.
test: $(STAMP) browser-deps doc-deps
	$(BIN)/python -m pytest -q -m "not slow"

test-all: $(STAMP) browser-deps doc-deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .tracuu .pytest_cache
