"""fit_many (issue 24, item 2): one model from a sample drawn across several rasters, read on the workers; applied
to every raster, each class gets the same cluster id everywhere."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os

import numpy as np
import pytest
from osgeo import gdal

from conftest import write_raster
from scdsc_core.cli import main
from scdsc_core.distributed import apply_many, fit_many
from scdsc_core.errors import ScdscError
from scdsc_core.metrics import evaluate_labels
from scdsc_core.modelfile import load_model

gdal.UseExceptions()
FAST = {"pretrain_epochs": 3, "epochs": 3, "kmeans_n_init": 2}
SPECTRA = np.array([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.5, 0.4, 0.3, 0.2],
                    [0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.2, 0.3, 0.4, 0.5],
                    [0.3, 0.3, 0.6, 0.6, 0.3, 0.3, 0.6, 0.6, 0.3, 0.3],
                    [0.5, 0.5, 0.5, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.2]])


def campaign_raster(path, layout):
    """A raster whose classes (1..4) follow ``layout`` (H, W), with the same four spectra on every raster."""
    rng = np.random.default_rng(abs(hash(os.path.basename(str(path)))) % 2 ** 32)
    cube = SPECTRA[layout - 1].transpose(2, 0, 1) + 0.01 * rng.standard_normal((10,) + layout.shape)
    return write_raster(path, cube.astype(np.float32))


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """Three rasters of different sizes and layouts: quadrants, vertical stripes, horizontal stripes."""
    root = tmp_path_factory.mktemp("campaign")
    quad = np.ones((80, 80), int)
    quad[:40, 40:], quad[40:, :40], quad[40:, 40:] = 2, 3, 4
    stripes = np.repeat(np.repeat(np.arange(1, 5)[None], 24, axis=1), 72, axis=0)
    rows = stripes.T[:, :80].copy()
    layouts = {"a.tif": quad, "b.tif": stripes, "c.tif": rows}
    paths = [campaign_raster(root / name, layout) for name, layout in layouts.items()]
    return root, paths, list(layouts.values())


def _labels(mosaic):
    return gdal.Open(str(mosaic)).ReadAsArray().astype(int) - 1


def _check_campaign(results, layouts):
    """Far above chance (0.25) on every raster, and each class's most frequent cluster is the same on every raster:
    one model for the whole campaign. (How well SCDSC separates the four classes is measured in bench/, not here:
    with these few epochs it merges two of them on every raster alike, OA about 0.75.)"""
    majority = None
    for result, layout in zip(results, layouts):
        labels = _labels(result.mosaic)
        assert evaluate_labels(labels, layout).oa > 0.6, result.input
        per_class = [int(np.bincount(labels[layout == c]).argmax()) for c in range(1, 5)]
        majority = majority or per_class
        assert per_class == majority, result.input


def test_a_campaign_model_on_a_local_cluster_labels_every_raster_alike(campaign, tmp_path):
    distributed = pytest.importorskip("distributed")
    root, paths, layouts = campaign
    model = tmp_path / "campaign.npz"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        estimator = fit_many(paths, model, 4, sample_size=6000, window=24, seed=0, params=FAST, client=client)
        results = apply_many(model, paths, tmp_path / "out", client=client)
    campaign_info = estimator.fit_info_["campaign"]
    assert campaign_info["inputs"] == [os.path.abspath(p) for p in paths] and campaign_info["windows"] >= 3
    assert load_model(model).fit_info_["band_indices"] == list(range(1, 11))
    _check_campaign(results, layouts)
    # The same draw and fit in this process give the same model: the sample does not depend on the workers.
    here = fit_many(paths, tmp_path / "here.npz", 4, sample_size=6000, window=24, seed=0, params=FAST)
    assert np.array_equal(here.labels_, estimator.labels_)


def test_fit_many_from_the_shell_then_apply_many(campaign, tmp_path, capsys):
    root, paths, layouts = campaign
    model = tmp_path / "m.npz"
    assert main(["-q", "fit-many", str(model), str(root / "*.tif"), "-k", "4", "--sample-size", "6000",
                 "--sample-window", "24", "--pretrain-epochs", "3", "--epochs", "3"]) == 0
    assert "windows of 24 x 24 from 3 rasters" in capsys.readouterr().out
    assert main(["-q", "apply-many", str(model), str(tmp_path / "out"), *paths]) == 0
    _check_campaign(apply_many(model, paths, tmp_path / "again"), layouts)


def test_rasters_with_other_bands_or_too_small_are_refused(campaign, tmp_path):
    root, paths, _ = campaign
    other = write_raster(tmp_path / "eight.tif", np.random.default_rng(0).random((8, 40, 40)).astype(np.float32))
    with pytest.raises(ScdscError, match="gives 8 bands but .* gives 10"):
        fit_many([paths[0], other], tmp_path / "m.npz", 4, window=24)
    tiny = write_raster(tmp_path / "tiny.tif", np.random.default_rng(0).random((10, 20, 20)).astype(np.float32))
    with pytest.raises(ScdscError, match="smaller than the 24 x 24 sample window"):
        fit_many([paths[0], tiny], tmp_path / "m.npz", 4, window=24)
    assert not (tmp_path / "m.npz").exists()
