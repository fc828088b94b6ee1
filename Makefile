# Every target makes its own virtual environment, so a fresh clone needs only python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check-generated typecheck clean bench

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py

test: $(STAMP)
	$(PY) scripts/generate.py --check
	$(PY) -m pytest -q -p no:cacheprovider
	$(VENV)/bin/pyright
	$(PY) examples/run_all.py

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV)
