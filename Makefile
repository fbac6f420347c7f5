# The README's two commands: `make demo` and `make test`. Both set up .venv from the lock file first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/var/prefect-home

.PHONY: setup demo test lint format lock bench screenshots clean

# The editable install leaves our own modules uncompiled (and PYTHONDONTWRITEBYTECODE, set on some
# machines, keeps Python from caching them): compile them once, as a wheel install would, so that no
# command spends half a second compiling the same sources on every start.
setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.8
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 clustercert flows tasks schemas expectations deployments
	touch $(STAMP)

demo: setup
	$(BIN)/clustercert demo --out var/demo

test: setup
	$(BIN)/python -m pytest -q

# The house as it is meant to be: style, the architecture's contracts ([tool.importlinter]) and the
# domain's types ([tool.mypy]: clustercert/ but the CLI and the samples, schemas/, expectations/).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock:
	$(BIN)/uv pip compile requirements.in -o requirements.lock --python $(BIN)/python

bench: setup
	$(BIN)/python -m bench.campaign --scale provincial

# The reports as people see them: a sample campaign photographed with headless Chromium
# (apt-get install -y chromium fonts-noto-cjk); PNGs in var/screenshots.
screenshots: setup
	$(BIN)/python -m clustercert.samples.screenshots var/screenshots

clean:
	rm -rf var .pytest_cache .mypy_cache
