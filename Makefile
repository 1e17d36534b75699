# Two commands on a fresh machine: `make demo` and `make test` (they create .venv first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test smoke bench lint fmt clean

$(BIN)/.installed: pyproject.toml setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,lint]'
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

# ruff (rules and format) over every Python file, then mypy over the package as installed:
# .ci/mypy runs `mypy -p newswatch` on a tree of links (build/mypy), because crawler/, storage/...
# are newswatch.crawler, newswatch.storage... only through setup.py's package_dir, which mypy
# cannot see through the editable install's import hook. CI runs this target.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python .ci/mypy

# the mechanical part of lint, safe to re-run at any time (after a merge, say): ruff's safe
# autofixes (import order, pyupgrade...), then the formatter; what is left needs a person
fmt: $(BIN)/.installed
	$(BIN)/ruff check --fix-only --quiet .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build dist *.egg-info
