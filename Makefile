# The two commands of the README: `make demo` and `make test`. Both set up
# everything they need first (Debian packages, .venv, the kernel tree).
VENV   := .venv
PY     := $(VENV)/bin/python
PGTOOL := $(VENV)/bin/pgtool
TREE   ?= linux-src

.PHONY: all setup tree demo test test-fast bench clean

all: test

setup:
	@bash scripts/setup.sh

tree: setup
	@$(PGTOOL) tree init --tree $(TREE)

demo: tree
	@$(PY) -m pgtool.demo --tree $(TREE)

test: tree
	@$(PY) -m pytest -q -ra tests

test-fast: setup
	@$(PY) -m pytest -q -ra -m "not slow" tests

bench: tree
	@bash scripts/setup.sh --bench
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit $$?; done

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
