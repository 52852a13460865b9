# Two entry points do all set-up on a fresh machine (Python 3.10-3.12 as python3):
#   make demo   create .venv, install imr-checker, check the bundled sample requests and letters
#   make test   create .venv, install imr-checker with test extras and Debian's chromium (for the
#               HTML report's browser test), run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test browser bench clean

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

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The HTML report's test loads the page in a real headless browser: Debian's chromium, installed
# here when missing (apt-get as root, else with sudo; `apt-get update` first if the package is not
# known). Where apt-get is absent the test skips and says why; where it is present and the
# install failed, the test fails. IMR_CHROMIUM=/path/to/chromium uses another Chromium.
browser:
	@if [ -n "$$IMR_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing Debian's chromium for the HTML report's browser test: $$SUDO apt-get install -y chromium"; \
	  $$SUDO apt-get install -y -qq chromium >/dev/null || \
	    { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; } || \
	    echo "warning: chromium could not be installed; the HTML report's browser test will fail"; \
	else \
	  echo "no apt-get here: the HTML report's browser test will skip (set IMR_CHROMIUM to a Chromium binary)"; \
	fi

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) dist build .pytest_cache
