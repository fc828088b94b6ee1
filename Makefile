# Every target makes its own virtual environment, so a fresh clone needs only python3 (3.9 or
# newer). `make test` also needs Debian's chromium for the docs site's browser test, and
# installs it when missing (as root, with apt-get).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.installed

# mkdocs plugins print a page of notices about mkdocs' future on every build.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: demo test check-generated lint typecheck docs browser clean bench

$(STAMP): requirements-dev.txt pyproject.toml
	@echo "==> Creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Installing the pinned tools and libraries of requirements-dev.txt (a minute or two the first time)"
	$(PIP) install --progress-bar off -r requirements-dev.txt
	@echo "==> Installing wootiv from this checkout, editable (compat mode: a path entry type checkers can see)"
	$(PIP) install --progress-bar off --no-deps --config-settings editable_mode=compat -e .
	touch $(STAMP)
	@echo "==> $(VENV) is ready"

demo: $(STAMP)
	$(PY) examples/demo.py

check-generated: $(STAMP)
	$(PY) scripts/generate.py --check

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/pyright

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

browser:
	@command -v chromium >/dev/null || { echo "==> Installing Debian's chromium for the browser test"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test: $(STAMP) browser
	@echo "==> Generated code up to date"
	$(PY) scripts/generate.py --check
	@echo "==> ruff (target Python 3.9)"
	$(VENV)/bin/ruff check .
	@echo "==> The docs site, strict"
	$(VENV)/bin/mkdocs build --strict --quiet
	@echo "==> Tests (includes mypy and pyright on the typing tests, and the browser test)"
	$(PY) -m pytest -q -p no:cacheprovider
	@echo "==> pyright (strict, Python 3.9)"
	$(VENV)/bin/pyright
	@echo "==> The examples"
	$(PY) examples/run_all.py

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) site
