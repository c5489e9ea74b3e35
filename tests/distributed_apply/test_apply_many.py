"""apply_many: a saved model applied window by window, in this process and on a LocalCluster of worker
processes, gives the single-process labels on every pixel, seams included; bad inputs and cancels leave nothing."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os

import numpy as np
import pytest
from osgeo import gdal

from conftest import planted_cube, write_raster
from scdsc_core import api
from scdsc_core.distributed import apply_many, windows
from scdsc_core.errors import ScdscCancelled, ScdscError

gdal.UseExceptions()
FAST = {"pretrain_epochs": 2, "epochs": 2, "kmeans_n_init": 2, "finch_patch": 5}


def _read(path):
    return gdal.Open(str(path)).ReadAsArray()


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Two rasters with horizontal class bands and enough noise that the patch context decides borders, a model
    trained on the first, and the single-process labels of both (``apply_model``)."""
    root = tmp_path_factory.mktemp("many")
    paths = []
    for seed in (0, 1):
        cube, _ = planted_cube(n_classes=4, size=36, bands=12, noise=0.12, seed=seed)
        paths.append(write_raster(root / f"scene{seed}.tif", cube.transpose(0, 2, 1).copy()))  # bands across rows
    model = root / "model.npz"
    api.fit_raster(paths[0], model, 4, seed=0, params=FAST)
    single = []
    for path in paths:
        out = root / f"single_{os.path.basename(path)}"
        api.apply_model(model, path, out, confidence=root / f"conf_{os.path.basename(path)}")
        single.append((_read(out), _read(root / f"conf_{os.path.basename(path)}")))
    return root, paths, model, single


def _check_equal(results, single):
    for result, (labels, conf) in zip(results, single):
        mosaic = _read(result.mosaic)
        assert mosaic.shape == labels.shape
        assert np.array_equal(mosaic, labels)  # every pixel, the seams included
        assert np.array_equal(_read(result.confidence), conf)
        assert sum(result.cluster_sizes) == int((labels > 0).sum())
        assert os.path.exists(os.path.splitext(result.mosaic)[0] + ".qml")
        dataset = gdal.Open(result.mosaic)  # kept referenced while its band is used (GDAL 3.6 pitfall)
        band = dataset.GetRasterBand(1)
        assert band.GetColorTable() is not None and band.GetCategoryNames()[0] == "nodata"


def test_windows_cover_every_row_once():
    assert windows(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert windows(3, 100) == [(0, 3)]


def test_in_this_process_the_windows_give_the_single_process_labels(scene, tmp_path):
    root, paths, model, single = scene
    results = apply_many(model, paths, tmp_path / "out", confidence=True, window_rows=5)  # 8 windows, 7 seams
    assert [len(r.tiles) for r in results] == [8, 8]
    _check_equal(results, single)


def test_on_a_local_cluster_of_worker_processes_the_labels_are_the_same(scene, tmp_path):
    distributed = pytest.importorskip("distributed")
    root, paths, model, single = scene
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        results = apply_many(model, [str(root / "scene*.tif")], tmp_path / "out", confidence=True,
                             window_rows=7, client=client)
        pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids  # really other processes
    _check_equal(results, single)


def test_an_input_the_model_cannot_apply_to_is_refused_before_any_task(scene, tmp_path):
    root, paths, model, _ = scene
    other = write_raster(tmp_path / "five.tif", np.zeros((5, 12, 12), np.float32))
    with pytest.raises(ScdscError, match=r"trained on 12 bands but .*five\.tif gives 5"):
        apply_many(model, [paths[0], other], tmp_path / "out")
    assert not any(name.endswith(".vrt") for name in os.listdir(tmp_path / "out"))
    assert os.listdir(tmp_path / "out") == ["scene0.tiles"] or os.listdir(tmp_path / "out") == []


def test_a_cancel_leaves_no_tile_and_no_mosaic(scene, tmp_path):
    root, paths, model, _ = scene
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3  # after a few windows were written

    with pytest.raises(ScdscCancelled):
        apply_many(model, paths, tmp_path / "out", window_rows=5, cancelled=cancelled)
    left = [os.path.join(d, f) for d, _, files in os.walk(tmp_path / "out") for f in files]
    assert left == []


def test_the_cli_runs_many_inputs_on_local_workers_and_refuses_an_unreachable_scheduler(scene, tmp_path, capsys):
    pytest.importorskip("distributed")
    from scdsc_core import cli

    root, paths, model, single = scene
    assert cli.main(["-q", "apply-many", str(model), str(tmp_path / "out"), *paths, "--workers", "2",
                     "--confidence", "--window-rows", "9"]) == 0
    assert np.array_equal(_read(tmp_path / "out" / "scene1.vrt"), single[1][0])
    assert cli.main(["-q", "apply-many", str(model), str(tmp_path / "out2"), paths[0], "--scheduler",
                     "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: cannot reach the Dask scheduler tcp://127.0.0.1:9")
    assert not (tmp_path / "out2").exists() or os.listdir(tmp_path / "out2") == []


def test_a_worker_killed_mid_run_has_its_windows_redone_elsewhere(scene, tmp_path):
    distributed = pytest.importorskip("distributed")
    import signal

    root, paths, model, single = scene
    killed = []
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        pids = client.run(os.getpid)

        def progress(fraction, message):
            if not killed and fraction > 0:  # after the first finished window: kill a worker outright
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        results = apply_many(model, paths, tmp_path / "out", confidence=True, window_rows=2, client=client,
                             progress=progress)
    assert killed
    _check_equal(results, single)  # the mosaics are complete and equal the single-process labels
    # a temporary the dead worker left is removed when its window is written again
    assert [f for _, _, files in os.walk(tmp_path / "out") for f in files if ".partial-" in f] == []
