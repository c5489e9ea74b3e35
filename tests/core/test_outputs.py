"""A run's outputs appear together or not at all (scdsc_core.outputs.output_set), on real files."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import signal

import pytest

from scdsc_core import outputs
from scdsc_core.errors import ScdscError, ScdscStoppedAfterWriting


def _write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _folder(tmp_path):
    """Three previous outputs, one with a style and a GDAL sidecar."""
    for name in ("a.tif", "a.qml", "a.tif.aux.xml", "b.npz", "c.html"):
        _write(tmp_path / name, "old " + name)
    return {p.name: p.read_text() for p in tmp_path.iterdir()}


def _stage_all(stage, tmp_path):
    tmp = stage(tmp_path / "a.tif")
    _write(tmp, "new a.tif")
    _write(os.path.splitext(tmp)[0] + ".qml", "new a.qml")  # a style written beside the temporary moves along
    _write(stage(tmp_path / "b.npz"), "new b.npz")
    _write(stage(tmp_path / "c.html"), "new c.html")


def test_all_outputs_replace_the_previous_ones_together(tmp_path):
    _folder(tmp_path)
    with outputs.output_set() as stage:
        _stage_all(stage, tmp_path)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "a.tif": "new a.tif", "a.qml": "new a.qml", "b.npz": "new b.npz", "c.html": "new c.html"}  # stale aux gone


def test_a_failure_while_writing_leaves_the_previous_files(tmp_path):
    before = _folder(tmp_path)
    with pytest.raises(RuntimeError):
        with outputs.output_set() as stage:
            _stage_all(stage, tmp_path)
            raise RuntimeError("the report failed")
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before


def test_a_rename_refused_half_way_puts_every_previous_file_back(tmp_path, monkeypatch):
    before = _folder(tmp_path)
    commit = outputs._commit_temp

    def refuse_the_second(tmp, path):
        if path.endswith("b.npz"):
            raise PermissionError(13, "Permission denied")
        commit(tmp, path)

    monkeypatch.setattr(outputs, "_commit_temp", refuse_the_second)
    with pytest.raises(ScdscError, match=r"cannot write .*b\.npz: Permission denied"):
        with outputs.output_set() as stage:
            _stage_all(stage, tmp_path)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before  # a.tif was new for a moment: back


def test_a_stop_signal_during_the_renames_is_held_until_all_are_in_place(tmp_path, monkeypatch):
    usable = [s for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT) if signal.getsignal(s) is not signal.SIG_IGN]
    if not usable:
        pytest.skip("this process ignores SIGTERM, SIGHUP and SIGINT")
    signum = usable[0]
    before_handler = signal.getsignal(signum)
    _folder(tmp_path)
    commit = outputs._commit_temp

    def signal_during_the_first(tmp, path):
        if path.endswith("a.tif"):
            os.kill(os.getpid(), signum)  # delivered now, between two renames
        commit(tmp, path)

    monkeypatch.setattr(outputs, "_commit_temp", signal_during_the_first)
    with pytest.raises(ScdscStoppedAfterWriting, match=f"stopped by {signal.Signals(signum).name} after every "
                                                       "output was written") as info:
        with outputs.output_set() as stage:
            _stage_all(stage, tmp_path)
    assert info.value.outputs_complete and info.value.signum == signum
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.qml", "a.tif", "b.npz", "c.html"]
    assert all(p.read_text().startswith("new") for p in tmp_path.iterdir())
    assert signal.getsignal(signum) == before_handler  # the process's own handler is back
