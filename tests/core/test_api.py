"""End-to-end tests of the public raster API: cluster_raster, fit_raster, apply_model, evaluate_rasters."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os

import numpy as np
import pytest
from osgeo import gdal

from scdsc_core import ScdscCancelled, ScdscError, apply_model, cluster_raster, evaluate_rasters, fit_raster
from tests.conftest import planted_cube, write_raster

gdal.UseExceptions()
TINY = {"pretrain_epochs": 4, "epochs": 4}


def _read(path):
    ds = gdal.Open(str(path))
    return ds.ReadAsArray(), ds.GetGeoTransform(), ds.GetProjection(), ds.GetRasterBand(1).GetNoDataValue()


def test_cluster_raster_writes_georeferenced_styled_labels(tmp_path, planted_raster):
    image, reference = planted_raster
    # the k-means start: the default FINCH start sees 17x17 patches, wider than these 6-pixel stripes
    result = cluster_raster(image, tmp_path / "labels.tif", 4, reference=reference,
                            confidence=tmp_path / "conf.tif", proba=tmp_path / "proba.tif", seed=1,
                            params=dict(TINY, init="kmeans"))
    labels, gt, wkt, nodata = _read(result.output)
    _, gt_in, wkt_in, _ = _read(image)
    assert gt == gt_in and wkt == wkt_in
    assert nodata == 0
    assert set(np.unique(labels)) == {1, 2, 3, 4}
    assert os.path.exists(tmp_path / "labels.qml")
    # 7x7 patches blur the three borders between 6-pixel stripes; separation itself is tested in test_model
    assert result.evaluation.oa >= 0.9
    assert sum(result.cluster_sizes) == labels.size
    conf, *_ = _read(result.confidence)
    assert conf.min() >= 1.0 / 4 - 1e-6 and conf.max() <= 1.0 + 1e-6
    proba, *_ = _read(result.proba)
    assert proba.shape == (4,) + labels.shape
    np.testing.assert_allclose(proba.sum(axis=0), 1.0, atol=1e-4)
    # the label of a pixel is the arg-max of its soft assignment
    assert np.array_equal(np.argmax(proba, axis=0) + 1, labels)


def test_nodata_pixels_are_zero_in_the_output(tmp_path):
    cube, _ = planted_cube()
    cube[:, 0, :5] = np.nan
    cube[:, 5, 5] = -9999
    image = write_raster(tmp_path / "holes.tif", cube, nodata=-9999)
    result = cluster_raster(image, tmp_path / "labels.tif", 4, params=TINY)
    labels, *_ = _read(result.output)
    assert np.all(labels[0, :5] == 0) and labels[5, 5] == 0
    assert np.count_nonzero(labels == 0) == 6
    assert result.info["n_clustered_output"] == labels.size - 6


def test_fit_then_apply_reproduces_cluster_labels(tmp_path, planted_raster):
    image, _ = planted_raster
    clustered = cluster_raster(image, tmp_path / "a.tif", 4, seed=3, params=TINY)
    fitted = fit_raster(image, tmp_path / "model.npz", 4, seed=3, params=TINY)
    applied = apply_model(fitted.model, image, tmp_path / "b.tif")
    a, *_ = _read(clustered.output)
    b, *_ = _read(applied.output)
    assert np.array_equal(a, b)


def test_evaluate_rasters_matches_perfect_permutation(tmp_path):
    _, ref = planted_cube()
    permuted = np.array([0, 3, 1, 4, 2], dtype=np.uint8)[ref]
    ev = evaluate_rasters(write_raster(tmp_path / "p.tif", permuted), write_raster(tmp_path / "r.tif", ref))
    assert ev.oa == pytest.approx(1.0) and ev.kappa == pytest.approx(1.0) and ev.nmi == pytest.approx(1.0)


def test_cancel_leaves_no_output(tmp_path, planted_raster):
    image, _ = planted_raster
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 30

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ScdscCancelled):
        cluster_raster(image, out / "labels.tif", 4, confidence=out / "c.tif", model_out=out / "m.npz",
                       cancelled=cancelled, params=TINY)
    assert os.listdir(out) == []


def test_output_equal_to_input_is_refused_and_input_untouched(tmp_path, planted_raster):
    image, _ = planted_raster
    before = open(image, "rb").read()
    with pytest.raises(ScdscError, match="input"):
        cluster_raster(image, image, 4, params=TINY)
    assert open(image, "rb").read() == before


@pytest.mark.parametrize("k, match", [(1, "n_clusters"), (10_000, "n_clusters")])
def test_bad_number_of_clusters(tmp_path, planted_raster, k, match):
    image, _ = planted_raster
    with pytest.raises(ScdscError, match=match):
        cluster_raster(image, tmp_path / "labels.tif", k, params=TINY)
    assert not os.path.exists(tmp_path / "labels.tif")


def test_one_band_raster_is_refused(tmp_path):
    image = write_raster(tmp_path / "one.tif", np.random.rand(1, 20, 20).astype(np.float32))
    with pytest.raises(ScdscError, match="band"):
        cluster_raster(image, tmp_path / "labels.tif", 3, params=TINY)


def test_unknown_parameter_is_named(tmp_path, planted_raster):
    image, _ = planted_raster
    with pytest.raises(ScdscError, match="learning_rat"):
        cluster_raster(image, tmp_path / "labels.tif", 4, params={"learning_rat": 0.1})


def test_unwritable_output_folder(tmp_path, planted_raster):
    image, _ = planted_raster
    with pytest.raises(ScdscError, match="missing_dir|does not exist"):
        cluster_raster(image, tmp_path / "missing_dir" / "labels.tif", 4, params=TINY)


def test_two_outputs_on_one_path_are_refused(tmp_path, planted_raster):
    image, _ = planted_raster
    with pytest.raises(ScdscError, match="same file"):
        cluster_raster(image, tmp_path / "x.tif", 4, confidence=tmp_path / "x.tif", params=TINY)


def test_all_nodata_raster_is_refused(tmp_path):
    cube = np.full((10, 16, 16), -9999, dtype=np.float32)
    image = write_raster(tmp_path / "empty.tif", cube, nodata=-9999)
    with pytest.raises(ScdscError, match="valid"):
        cluster_raster(image, tmp_path / "labels.tif", 3, params=TINY)
    assert not os.path.exists(tmp_path / "labels.tif")


def test_corrupt_model_file_is_refused(tmp_path, planted_raster):
    image, _ = planted_raster
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a model")
    with pytest.raises(ScdscError, match="bad.npz"):
        apply_model(bad, image, tmp_path / "labels.tif")


def test_model_for_another_band_count_is_refused(tmp_path, planted_raster):
    image, _ = planted_raster
    fitted = fit_raster(image, tmp_path / "model.npz", 4, params=TINY)
    other = write_raster(tmp_path / "other.tif", np.random.rand(12, 24, 24).astype(np.float32))
    with pytest.raises(ScdscError, match="20 bands"):
        apply_model(fitted.model, other, tmp_path / "labels.tif")


def test_paper_mode_with_reference_clusters_labelled_pixels_only(tmp_path):
    cube, ref = planted_cube()
    ref[:4] = 0  # unlabelled rows
    image = write_raster(tmp_path / "img.tif", cube)
    reference = write_raster(tmp_path / "ref.tif", ref)
    result = cluster_raster(image, tmp_path / "labels.tif", 4, reference=reference, mode="paper",
                            params={"pretrain_epochs": 4, "epochs": 6})
    labels, *_ = _read(result.output)
    assert np.all(labels[:4] == 0)
    assert np.all(labels[4:] > 0)
    assert "labelled" in result.info["protocol"]
