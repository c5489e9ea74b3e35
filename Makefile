# SCDSC: one-command set-up, demo and tests. Every target installs what is missing first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out
export QT_QPA_PLATFORM := offscreen
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: setup demo demo-core test test-core test-qgis clean

setup:
	@bash scripts/setup_env.sh

# The main job as a QGIS user's shell runs it: qgis_process run scdsc:cluster on the bundled sample.
demo: setup i18n
	@bash scripts/qgis_demo.sh $(OUT)/demo

# The same job through the headless library's CLI (no QGIS involved).
demo-core: setup
	@$(PY) -m scdsc_core demo --out $(OUT)/demo-core

test: setup
	@$(PY) -m pytest -q -p no:cacheprovider tests

test-core: setup
	@$(PY) -m pytest -q tests/core

clean:
	rm -rf $(OUT) build dist .pytest_cache .qgis-settings

# ---- QGIS plugin (issue 4) ----------------------------------------------------------------------------------
.PHONY: i18n zip release-zip install qgis-demo
ZIP ?= dist/scdsc_qgis.zip
PROFILE ?= default
QGIS_PROFILES ?= $(HOME)/.local/share/QGIS/QGIS3/profiles

i18n:
	@for ts in i18n/*.ts; do /usr/bin/lrelease -silent "$$ts" -qm "$${ts%.ts}.qm"; done

zip: i18n
	@/usr/bin/python3 scripts/build_zip.py --output $(ZIP)

# The zip for the plugin repository: the public addresses come from SCDSC_HOMEPAGE, SCDSC_TRACKER,
# SCDSC_REPOSITORY and SCDSC_EMAIL, and the repository's upload rules must pass.
VALIDATOR ?= ../shared/tools/qgis_plugin_validate.py
release-zip: i18n
	@/usr/bin/python3 scripts/build_zip.py --release --output $(ZIP)
	@/usr/bin/python3 $(VALIDATOR) $(ZIP)

install: setup i18n
	@mkdir -p "$(QGIS_PROFILES)/$(PROFILE)/python/plugins"
	@ln -sfn "$(CURDIR)/scdsc_qgis" "$(QGIS_PROFILES)/$(PROFILE)/python/plugins/scdsc_qgis"
	@$(PY) -c "import sys; from qgis.PyQt.QtCore import QSettings; s = QSettings(sys.argv[1], QSettings.Format.IniFormat); s.setValue('PythonPlugins/scdsc_qgis', True); s.sync()" "$(QGIS_PROFILES)/$(PROFILE)/QGIS/QGIS3.ini"
	@echo "scdsc_qgis linked into $(QGIS_PROFILES)/$(PROFILE)/python/plugins and enabled; restart QGIS"

qgis-demo: demo

# ---- Dock screenshots (issue 5) -----------------------------------------------------------------------------
# QGIS desktop under Xvfb with a throwaway profile in which the plugin (this checkout) is enabled; writes
# docs/images/dock_training.png and docs/images/qgis_result.png.
.PHONY: screenshots
screenshots: setup
	@command -v xvfb-run >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends xvfb xauth
	@tmp=$$(mktemp -d); plugins=$$tmp/profiles/default/python/plugins; mkdir -p $$plugins $$tmp/profiles/default/QGIS; \
	ln -s "$(CURDIR)/scdsc_qgis" $$plugins/scdsc_qgis; \
	printf '[PythonPlugins]\nscdsc_qgis=true\n' > $$tmp/profiles/default/QGIS/QGIS3.ini; \
	env QT_QPA_PLATFORM=xcb PATH="$(CURDIR)/$(VENV)/bin:$$PATH" XDG_RUNTIME_DIR=$$tmp XDG_CACHE_HOME=$$tmp/cache \
	    XDG_CONFIG_HOME=$$tmp/config SCDSC_REPO="$(CURDIR)" \
	    xvfb-run -a -s '-screen 0 1400x900x24' qgis --nologo --profiles-path $$tmp --code scripts/screenshots.py; \
	rc=$$?; rm -rf $$tmp; \
	test $$rc -eq 0 && test -s docs/images/dock_training.png && test -s docs/images/qgis_result.png \
	    && echo "wrote docs/images/dock_training.png docs/images/qgis_result.png"

# ---- Benchmarks (issue 6) -----------------------------------------------------------------------------------
# Semi-synthetic scenes are generated on demand into .bench-data/ (gitignored); records are appended to
# bench/results/*.jsonl and the tables of docs/benchmarks.md are regenerated after every job. `bench` is the full
# set (hours on 2 cores: it includes a complete paper-mode run, 10 M pixels and exact FINCH at 1 M points; it
# resumes: jobs already measured at the current commit are skipped); `bench-quick` is the subset documented in
# docs/benchmarks.md (about 20-30 minutes on an idle 2-core machine).
.PHONY: bench bench-quick
bench: setup
	@$(PY) -m bench all --resume

bench-quick: setup
	@$(PY) -m bench quick

# ---- Accuracy comparison (issue 7) --------------------------------------------------------------------------
# `accuracy` runs every method over 10 seeds on the labelled scenes of ../shared/data (hours on 2 cores; rerun
# to resume), rewrites the generated tables of docs/results.md and docs/images/results_*.png, and keeps the
# records in bench/accuracy/results/full.jsonl. `accuracy-quick` is the documented subset (< 15 min on an idle
# 2-core machine); it writes its own report into $(OUT)/accuracy-quick/ and leaves docs/ alone.
.PHONY: accuracy accuracy-quick
ACCURACY_OUT ?= $(OUT)/accuracy
accuracy: setup
	@$(PY) -m bench.accuracy run --plan full --results $(ACCURACY_OUT)/full.jsonl || echo "some runs failed: see the tables"
	@$(PY) -m bench.accuracy report --plan full --results $(ACCURACY_OUT)/full.jsonl --doc docs/results.md --images docs/images
	@cp $(ACCURACY_OUT)/full.jsonl bench/accuracy/results/full.jsonl

accuracy-quick: setup
	@$(PY) -m bench.accuracy run --plan quick --results $(OUT)/accuracy-quick/quick.jsonl || echo "some runs failed: see the tables"
	@$(PY) -m bench.accuracy report --plan quick --results $(OUT)/accuracy-quick/quick.jsonl --standalone $(OUT)/accuracy-quick/results.md --images $(OUT)/accuracy-quick

# ---- Robustness (issue 8) -----------------------------------------------------------------------------------
# Runs tests/reliability and, when every test passed, rewrites docs/robustness.md from the cases they record
# (a plain `make test` leaves the doc alone). The long-use test is tests/qgis/test_long_use.py (part of `make test`).
.PHONY: robustness-doc
robustness-doc: setup
	@SCDSC_WRITE_ROBUSTNESS=1 $(PY) -m pytest -q -p no:cacheprovider tests/reliability
