# SCDSC: one-command set-up, demo and tests. Every target installs what is missing first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out
export QT_QPA_PLATFORM := offscreen
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: setup demo test test-core test-qgis clean

setup:
	@bash scripts/setup_env.sh

demo: setup
	@$(PY) -m scdsc_core demo --out $(OUT)/demo

test: setup
	@$(PY) -m pytest -q -p no:cacheprovider tests

test-core: setup
	@$(PY) -m pytest -q tests/core

clean:
	rm -rf $(OUT) build dist .pytest_cache .qgis-settings
