"""``python -m scdsc_core cluster`` killed with SIGKILL during training, inference, writing and between renames,
stopped with Ctrl+C, SIGTERM or SIGHUP while training or writing: no output appears half-written, previous outputs
stay byte-identical, and the next run removes the hidden temporaries a killed one left. A stop signal during the
renames is held until every output is in place, and the message says the outputs are complete."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import shutil
import signal
import subprocess
import sys
import threading

import pytest
from osgeo import gdal

from .reliability_helpers import FAST, REPO, digest, folder_state, partial_files, read_labels, write_small
from scdsc_core import cluster_raster
from scdsc_core.modelfile import load_model

gdal.UseExceptions()
#: Subprocesses that import torch and QGIS: long, still part of `make test`.
pytestmark = pytest.mark.slow
SECTION = "Killed runs"
DRIVER = os.path.join(os.path.dirname(__file__), "pause_cli.py")
OUTPUTS = ("labels.tif", "conf.tif", "model.npz", "report.html")

# (point, signal, a previous run's outputs in the folder?)
RUNS = {
    "training": ("training", signal.SIGKILL, False),
    "inference": ("inference", signal.SIGKILL, True),
    "writing": ("writing", signal.SIGKILL, True),
    "renaming": ("renaming", signal.SIGKILL, True),
    "ctrl-c while writing": ("writing", signal.SIGINT, True),
    "sigterm while writing": ("writing", signal.SIGTERM, True),
    "sighup during training": ("training", signal.SIGHUP, False),
}
# A stop signal during the renames is held until every output is in place (scdsc_core.outputs.output_set).
HELD = {
    "ctrl-c while renaming": signal.SIGINT,
    "sigterm while renaming": signal.SIGTERM,
    "sighup while renaming": signal.SIGHUP,
}
NAMES = {signal.SIGINT: "SIGINT (Ctrl+C)", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP",
         signal.SIGKILL: "SIGKILL"}


class PausedRun:
    """A CLI subprocess paused at one point; its stderr is read by a thread until ``PAUSED`` appears."""

    def __init__(self, point, folder, image):
        self.folder = folder
        args = ["cluster", image, str(folder / "labels.tif"), "-k", "3", "--seed", "0", "--pretrain-epochs", "2",
                "--epochs", "2", "--confidence", str(folder / "conf.tif"), "--model-out", str(folder / "model.npz"),
                "--report", str(folder / "report.html")]
        env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
        self.process = subprocess.Popen([sys.executable, DRIVER, point, str(folder / "labels.tif"), "--", *args],
                                        cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.lines, self.paused = [], threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("PAUSED"):
                self.paused.set()
        self.paused.set()  # the process ended without pausing: wake the waiting test, which then fails

    def wait_paused(self, timeout=600):
        self.paused.wait(timeout)
        assert self.process.poll() is None and any(l.startswith("PAUSED") for l in self.lines), \
            "the run ended before reaching its pause point:\n" + "\n".join(self.lines)

    def stop(self, signum):
        self.process.send_signal(signum)
        self.process.wait(timeout=300)
        self.reader.join(timeout=60)
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every CLI run started at once (they import torch in parallel) in its own folder; killed by the tests."""
    root = tmp_path_factory.mktemp("kill")
    image = write_small(root / "image.tif")
    previous = root / "previous"
    previous.mkdir()
    cluster_raster(image, previous / "labels.tif", 3, seed=99, confidence=previous / "conf.tif",
                   model_out=previous / "model.npz", report=previous / "report.html", params=FAST)
    started = {}
    for name, (point, _, with_previous) in {**RUNS, **{n: ("renaming", s, True) for n, s in HELD.items()}}.items():
        folder = root / name.replace(" ", "_")
        if with_previous:
            shutil.copytree(previous, folder)
        else:
            folder.mkdir()
        started[name] = (PausedRun(point, folder, image), folder_state(folder))
    yield image, started
    for run, _ in started.values():
        if run.process.poll() is None:
            run.stop(signal.SIGKILL)


def _is_complete(path):
    """Whether an output at its final name is a whole, usable file of its kind."""
    if path.endswith(".tif"):
        return gdal.Open(path).ReadAsArray().shape[-2:] == (16, 16)
    if path.endswith(".npz"):
        return load_model(path).n_features_in_ == 10
    return open(path, encoding="utf-8").read().rstrip().endswith("</html>")


@pytest.mark.parametrize("name", list(RUNS))
def test_killed_run_leaves_no_partial_output(runs, robustness, name):
    image, started = runs
    run, before = started[name]
    point, signum, with_previous = RUNS[name]
    image_digest = digest(image)
    run.wait_paused()
    hidden_while_paused = partial_files(run.folder)
    if point in ("writing", "renaming"):
        assert hidden_while_paused, "the pause point is inside the writing: a temporary must exist"
    returncode = run.stop(signum)

    after = folder_state(run.folder)
    visible = {name: d for name, d in after.items() if not name.startswith(".")}
    for output in OUTPUTS + ("labels.qml", "labels.tif.aux.xml", "conf.qml"):
        if output in visible and visible[output] != before.get(output):
            # Only the renaming point may already have put *complete* new files in place (see the doc).
            assert point == "renaming" and output != "labels.tif", f"{output} changed"
            assert output.endswith((".qml", ".xml")) or _is_complete(str(run.folder / output))
    if not with_previous:
        assert visible == {}, "a run killed before writing must leave no output"
    else:
        assert visible["labels.tif"] == before["labels.tif"]
        assert read_labels(run.folder / "labels.tif").shape == (16, 16)
    assert digest(image) == image_digest

    left = partial_files(run.folder)
    if signum != signal.SIGKILL:
        assert returncode == 128 + signum and "cancelled: no output was written" in "\n".join(run.lines)
        assert left == [] and after == before
        outcome = f"exit code {128 + signum}, 'cancelled: no output was written'; previous outputs " \
                  "byte-identical; no temporary left"
    else:
        assert returncode == -signal.SIGKILL
        kept = "no output" if not with_previous else "the previous label raster byte-identical"
        renamed = sorted(n for n in visible if visible[n] != before.get(n))
        outcome = f"{kept}; {'new, complete: ' + ', '.join(renamed) + '; ' if renamed else ''}" \
                  f"hidden temporaries left: {len(left)}"
    robustness.record(SECTION, f"{NAMES[signum]} during {point}", outcome)


@pytest.mark.parametrize("name", list(HELD))
def test_a_stop_during_the_renames_waits_until_every_output_is_in_place(runs, robustness, name):
    image, started = runs
    run, before = started[name]
    signum = HELD[name]
    run.wait_paused()
    returncode = run.stop(signum)
    text = "\n".join(run.lines)
    assert returncode == 128 + signum, text
    assert f"stopped by {signal.Signals(signum).name} after every output was written: the outputs are complete" \
        in text and "no output was written" not in text
    after = folder_state(run.folder)
    for output in OUTPUTS:  # every output is the new run's, whole
        assert after[output] != before[output] and _is_complete(str(run.folder / output)), output
    assert partial_files(run.folder) == []
    robustness.record(SECTION, f"{NAMES[signum]} while the outputs are renamed into place",
                      f"held until the last rename; exit code {128 + signum}, 'stopped by ... after every output "
                      "was written: the outputs are complete'; all four outputs new and complete; no temporary left")


def test_next_run_removes_what_killed_runs_left(runs, robustness):
    """After every kill above: a new run into the same folders succeeds and removes the dead runs' temporaries."""
    image, started = runs
    removed = 0
    for name, (run, _) in started.items():
        if run.process.poll() is None:
            pytest.skip(f"the {name} run was not killed (its test did not run)")
        left = partial_files(run.folder)
        removed += len(left)
        result = cluster_raster(image, run.folder / "labels.tif", 3, seed=0, confidence=run.folder / "conf.tif",
                                model_out=run.folder / "model.npz", report=run.folder / "report.html", params=FAST)
        assert read_labels(result.output).min() >= 1
        assert partial_files(run.folder) == [], f"{name}: stale temporaries remain"
    assert removed > 0
    robustness.record(SECTION, "next run into the same folder after the kills",
                      f"accepted; the {removed} hidden temporaries of the killed runs are removed")
