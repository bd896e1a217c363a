# Two commands on a fresh machine:  `make demo`  and  `make test`.
# Both create the virtual environment first (Python 3.11+ as `python3`, or PYTHON=...).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test install browser clean

demo: $(VENV)/.installed
	$(BIN)/silobridge demo

# worksteal: a worker that runs out of tests takes queued ones from the other, so the slowest tests
# (whole pipeline runs killed at four points) do not leave one core idle at the end (8m28s against 9m28s).
test: $(VENV)/.installed browser
	$(BIN)/pytest -n 2 --dist worksteal -q

# The report's browser test opens it in Debian's Chromium (needs root for apt-get, as on CI).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "warning: chromium not installed; the browser test will be skipped"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("silobridge needs Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache
