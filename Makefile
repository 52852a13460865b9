# Two entry points do all set-up on a fresh machine (Python 3.10-3.12 as python3):
#   make demo   create .venv, install imr-checker, check the bundled sample requests and letters
#   make test   create .venv, install imr-checker with test extras, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v < (3, 13) else "imr-checker needs Python 3.10-3.12 (durable-rules 2.0.28 does not build on %d.%d); set PYTHON=python3.12" % v)'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: $(STAMP)
	$(BIN)/imr-check check samples/requests/*
	$(BIN)/imr-check letter samples/letters/*.txt samples/letters/*.pdf
	$(BIN)/imr-check compare samples/letters

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) dist build .pytest_cache
