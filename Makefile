# The two commands of the README: `make run` (serve the page) and `make test`.
PYTHON ?= python3
PORT ?= 8000
DEV_VENV := .venv
SERVE_VENV := .venv-serve

.PHONY: run test test-engines build lint chromium browsers servers bench bench-runtimes

## Install the small serving set, build the page, serve it on 127.0.0.1:$(PORT).
run: $(SERVE_VENV)/.installed build
	$(SERVE_VENV)/bin/python -m webapp.server --host 127.0.0.1 --port $(PORT)

## Everything the tests need, then every test (TypeScript unit tests, then pytest; the
## browser tests run in Chromium, Firefox ESR and WebKitGTK: docs/browsers.md).
test: $(DEV_VENV)/.installed chromium browsers servers build bench/runtimes/node_modules/.installed
	cd webapp && npm test
	$(DEV_VENV)/bin/ruff check training converter webapp tests bench notebooks
	$(DEV_VENV)/bin/ruff format --check training converter webapp tests bench notebooks
	$(DEV_VENV)/bin/python -m pytest tests --durations=30

## The same user paths in Chromium, Firefox ESR and WebKitGTK only (part of `make test`).
test-engines: $(DEV_VENV)/.installed chromium browsers build
	$(DEV_VENV)/bin/python -m pytest tests/test_engines.py

## The benchmarks against the peers (~30 min), rewriting docs/benchmarks.md.
bench: $(DEV_VENV)/.installed chromium build bench/peer/node_modules/.installed
	$(DEV_VENV)/bin/python -m bench

## TF.js WASM, LiteRT.js and onnxruntime-web on the same network (~10 min), rewriting
## docs/runtimes.md.
bench-runtimes: $(DEV_VENV)/.installed chromium bench/runtimes/node_modules/.installed
	$(DEV_VENV)/bin/python -m bench.runtimes

bench/runtimes/node_modules/.installed: bench/runtimes/package-lock.json
	cd bench/runtimes && npm ci --no-audit --no-fund
	touch $@

bench/peer/node_modules/.installed: bench/peer/package-lock.json
	cd bench/peer && npm ci --no-audit --no-fund
	touch $@

build: webapp/node_modules/.installed
	cd webapp && npm run build

$(SERVE_VENV)/.installed: requirements-serve.txt
	$(PYTHON) -m venv $(SERVE_VENV)
	$(SERVE_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-serve.txt
	touch $@

$(DEV_VENV)/.installed: requirements.txt requirements-serve.txt
	$(PYTHON) -m venv $(DEV_VENV)
	$(DEV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

webapp/node_modules/.installed: webapp/package-lock.json
	cd webapp && npm ci --no-audit --no-fund
	touch $@

## Debian's Chromium for the browser tests (never a browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

## Debian's Firefox ESR, WebKitGTK's WebDriver (with MiniBrowser) and Xvfb for
## tests/test_engines.py (never a browser download; docs/browsers.md).
browsers:
	@{ command -v firefox-esr && command -v WebKitWebDriver && command -v Xvfb; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q firefox-esr webkit2gtk-driver xvfb; }

## Debian's nginx and Caddy: the tests serve the page through the configs that
## `python -m webapp.deploy` generates (docs/deploy.md). Installed, not started.
servers:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && command -v caddy >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends nginx caddy; }
