# Two commands on a fresh machine: `make demo` and `make test` (they create .venv first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test smoke bench lint clean

$(BIN)/.installed: pyproject.toml setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/newswatch demo

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# the wheel a user installs, built and run outside the checkout (CI runs it after `make test`)
smoke:
	PYTHON=$(PYTHON) .ci/wheel-smoke

bench: $(BIN)/.installed
	for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check crawler digests newswatch scheduler storage tests bench

clean:
	rm -rf $(VENV) build dist *.egg-info
