"""Long use in one QGIS process: 20 consecutive ``scdsc:cluster`` runs leak no memory, threads, temporary files or
open datasets, and two runs in parallel through the task manager both finish with the sequential result."""
# SPDX-License-Identifier: GPL-2.0-or-later
import gc
import os
import threading

import pytest
from qgis.core import (QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext, QgsProcessingFeedback,
                       QgsProcessingUtils)
from qgis.PyQt.QtCore import QEventLoop, QTimer

from tests.conftest import planted_cube, write_raster

RUNS = 20
PARAMETERS = {"N_CLUSTERS": 3, "SEED": 2, "PRETRAIN_EPOCHS": 2, "EPOCHS": 2}


@pytest.fixture
def scene(tmp_path):
    """A 16 x 16 x 10 planted raster alone in its folder."""
    folder = tmp_path / "scene"
    folder.mkdir()
    cube, _ = planted_cube(n_classes=3, size=16, bands=10)
    return write_raster(folder / "scene.tif", cube)


def _status(field):
    """A number from /proc/self/status (``VmRSS`` in kB, ``Threads``)."""
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _open_files_under(folder):
    """Files below ``folder`` this process holds open."""
    folder = str(folder)
    names = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder):
            names.append(target)
    return names


@pytest.mark.slow
def test_twenty_runs_in_one_process_leak_nothing(provider, scene, tmp_path):
    import processing

    out = tmp_path / "out"
    out.mkdir()
    scene_bytes = open(scene, "rb").read()
    temp_folder = QgsProcessingUtils.tempFolder()
    temp_before = set(os.listdir(temp_folder))
    rss, python_threads, native_threads, outputs = [], [], [], []
    for run in range(RUNS):
        result = processing.run("scdsc:cluster", {"INPUT": scene, "OUTPUT": str(out / f"labels{run}.tif"),
                                                  **PARAMETERS})
        outputs.append(result["OUTPUT"])
        gc.collect()
        rss.append(_status("VmRSS"))
        python_threads.append(threading.active_count())
        native_threads.append(_status("Threads"))
    growth = (max(rss[1:]) - rss[0]) / rss[0]
    assert growth < 0.05, f"resident memory grew by {100 * growth:.1f} % after the first run: {rss} kB"
    assert python_threads[1:] == python_threads[:1] * (RUNS - 1), python_threads
    assert max(native_threads[1:]) <= native_threads[0], native_threads  # thread pools are reused, not added
    assert _open_files_under(tmp_path) == []
    expected = sorted(f"labels{i}{suffix}" for i in range(RUNS) for suffix in (".tif", ".qml", ".tif.aux.xml"))
    assert sorted(os.listdir(out)) == expected, "only the outputs, no temporary file"
    # QGIS keeps the histogram it computes for a raster layer in a GDAL .aux.xml beside it, as for any raster it
    # opens; the input itself is untouched and nothing else appears beside it.
    assert set(os.listdir(os.path.dirname(scene))) <= {"scene.tif", "scene.tif.aux.xml"}
    assert open(scene, "rb").read() == scene_bytes
    assert set(os.listdir(temp_folder)) == temp_before
    first = open(outputs[0], "rb").read()
    assert all(open(path, "rb").read() == first for path in outputs[1:]), "the same run must give the same bytes"


def _run_in_task_manager(parameter_sets, timeout_ms=600_000):
    """Run ``scdsc:cluster`` once per parameter set, all at once through QGIS's task manager; returns the
    ``(successful, results)`` of each, in order."""
    registry = QgsApplication.processingRegistry()
    loop, done, keep = QEventLoop(), {}, []
    for index, parameters in enumerate(parameter_sets):
        context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
        task = QgsProcessingAlgRunnerTask(registry.createAlgorithmById("scdsc:cluster"), parameters, context,
                                          feedback)

        def finished(successful, results, index=index):
            done[index] = (successful, results)
            if len(done) == len(parameter_sets):
                loop.quit()
        task.executed.connect(finished)
        keep.append((context, feedback, task))  # the task holds raw pointers to context and feedback
        QgsApplication.taskManager().addTask(task)
    QTimer.singleShot(timeout_ms, loop.quit)
    if len(done) < len(parameter_sets):
        loop.exec_()
    assert len(done) == len(parameter_sets), f"only {len(done)} of {len(parameter_sets)} tasks finished in time"
    return [done[i] for i in range(len(parameter_sets))]


def test_two_runs_in_parallel_through_the_task_manager(provider, scene, tmp_path):
    import processing

    sequential = processing.run("scdsc:cluster", {"INPUT": scene, "OUTPUT": str(tmp_path / "alone.tif"),
                                                  **PARAMETERS})["OUTPUT"]
    parallel = _run_in_task_manager([{"INPUT": scene, "OUTPUT": str(tmp_path / f"task{i}.tif"), **PARAMETERS}
                                     for i in range(2)])
    expected = open(sequential, "rb").read()
    for successful, results in parallel:
        assert successful, results
        assert open(results["OUTPUT"], "rb").read() == expected, "a parallel run must not disturb the other"
    assert sorted(n for n in os.listdir(tmp_path) if n.startswith(".")) == []
