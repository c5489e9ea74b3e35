"""Fixtures of the reliability tests, and the session hook that writes docs/robustness.md on request."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os

import pytest

from .reliability_helpers import FAST, REPO, RobustnessTable, render_document, write_small

#: ``SCDSC_WRITE_ROBUSTNESS=1`` (``make robustness-doc``) rewrites the doc after a fully passing run; plain test
#: runs leave the tree alone.
WRITE_ENV = "SCDSC_WRITE_ROBUSTNESS"
DOC = REPO / "docs" / "robustness.md"
INTRO = os.path.join(os.path.dirname(__file__), "robustness_intro.md")

_TABLE = pytest.StashKey[RobustnessTable]()


@pytest.fixture(scope="session")
def robustness(request) -> RobustnessTable:
    """The session's robustness table: ``robustness.record(section, case, outcome, message)``."""
    return request.config.stash.setdefault(_TABLE, RobustnessTable())


@pytest.fixture(scope="session")
def fitted(tmp_path_factory):
    """``(image, model)``: a 16 x 16 x 10 float32 raster of whole numbers and a model trained on it (FAST)."""
    from scdsc_core import fit_raster

    folder = tmp_path_factory.mktemp("fitted")
    image = write_small(folder / "image.tif")
    model = fit_raster(image, folder / "model.npz", 3, seed=0, params=FAST).model
    return image, model


def pytest_sessionfinish(session, exitstatus):
    """Write docs/robustness.md when asked to and when every test passed and every section has rows."""
    if os.environ.get(WRITE_ENV) != "1":
        return
    table = session.config.stash.get(_TABLE, None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")

    def say(text):
        if reporter is not None:
            reporter.write_line(text)

    if exitstatus != 0 or table is None:
        say(f"{DOC} not written: the reliability tests did not all pass")
        return
    missing = table.missing_sections()
    if missing:
        say(f"{DOC} not written: no rows for {', '.join(missing)} (run all of tests/reliability)")
        return
    from pathlib import Path
    DOC.write_text(render_document(table, Path(INTRO)), encoding="utf-8")
    say(f"wrote {DOC} ({len(table.rows)} cases)")
