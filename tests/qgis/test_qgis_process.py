"""qgis_process with a fresh profile: the plugin's provider, scdsc:cluster and the shipped model."""
# SPDX-License-Identifier: GPL-2.0-or-later
import csv
import os

import numpy as np
import pytest
from osgeo import gdal

from qgis_process_helpers import REPO, make_profile, qgis_env, run_json
from tests.conftest import planted_cube, write_raster

gdal.UseExceptions()
MODEL = REPO / "tests" / "data" / "scdsc_cluster_sizes.model3"


@pytest.fixture
def qgis_process_env(tmp_path):
    """``(env, cwd)`` for qgis_process: a fresh profile with the checkout's plugin symlinked and enabled."""
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o700)
    profile = make_profile(tmp_path / "profile")
    return qgis_env(profile, scratch), scratch


def test_provider_is_listed(qgis_process_env):
    env, cwd = qgis_process_env
    rc, listing, stdout, stderr = run_json(["list"], env, cwd)
    assert rc == 0, stderr
    algorithms = listing["providers"]["scdsc"]["algorithms"]
    assert set(algorithms) == {"scdsc:cluster", "scdsc:fit", "scdsc:apply", "scdsc:apply_many", "scdsc:evaluate",
                               "scdsc:stack", "scdsc:fit_many"}
    assert algorithms["scdsc:cluster"]["name"] == "SCDSC clustering"


@pytest.fixture
def small_raster(tmp_path):
    """A 16 x 16 planted raster with 3 classes and its reference labels: ``(image_path, labels_path)``."""
    cube, labels = planted_cube(n_classes=3, size=16, bands=10)
    return write_raster(tmp_path / "small.tif", cube), write_raster(tmp_path / "small_ref.tif", labels)


def test_cluster_from_the_shell(qgis_process_env, small_raster, tmp_path):
    env, cwd = qgis_process_env
    image, reference = small_raster
    out = tmp_path / "labels.tif"
    rc, result, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=3",
                                           f"OUTPUT={out}", f"REFERENCE={reference}", "PRETRAIN_EPOCHS=2",
                                           "EPOCHS=2"], env, cwd)
    assert rc == 0, stdout + stderr
    assert result["results"]["OUTPUT"] == str(out)
    assert 0.0 < result["results"]["OA"] <= 1.0
    ds = gdal.Open(str(out))
    labels = ds.ReadAsArray()
    assert set(np.unique(labels)) == {1, 2, 3}
    assert ds.GetGeoTransform() == gdal.Open(image).GetGeoTransform()
    assert (tmp_path / "labels.qml").is_file()


def test_error_exits_with_the_message(qgis_process_env, tmp_path):
    env, cwd = qgis_process_env
    image = write_raster(tmp_path / "one.tif", np.ones((6, 6), dtype=np.float32))
    rc, _, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=3",
                                      f"OUTPUT={tmp_path / 'labels.tif'}"], env, cwd)
    assert rc == 1
    assert "at least 3 bands, got 1" in stdout + stderr
    assert "Traceback" not in stdout + stderr
    assert not (tmp_path / "labels.tif").exists()


def test_a_four_band_orthophoto_clusters_and_pca_components_is_honoured(qgis_process_env, tmp_path):
    # Issue 27: a red/green/blue/NIR raster was refused ("needs at least 8 bands").
    from tests.core.test_fewer_bands import few_band_cube
    env, cwd = qgis_process_env
    image = write_raster(tmp_path / "rgbn.tif", few_band_cube(4)[0])
    for components, expected in ((None, "4"), (3, "3")):
        out = tmp_path / f"labels_{expected}.tif"
        extra = [] if components is None else [f"PCA_COMPONENTS={components}"]
        rc, _, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=4",
                                          f"OUTPUT={out}", "PRETRAIN_EPOCHS=2", "EPOCHS=2"] + extra, env, cwd)
        assert rc == 0, stdout + stderr
        assert gdal.Open(str(out)).GetMetadataItem("SCDSC_N_COMPONENTS") == expected
    rc, _, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=4",
                                      f"OUTPUT={tmp_path / 'six.tif'}", "PCA_COMPONENTS=6"], env, cwd)
    assert rc == 1 and "n_components=6" in stdout + stderr and "Traceback" not in stdout + stderr


def test_a_quality_band_rule_masks_from_the_shell(qgis_process_env, small_raster, tmp_path):
    # Issue 27: MASK_RULE reads a raster MASK as a quality band (here QA_PIXEL-like bits: 3 = cloud).
    env, cwd = qgis_process_env
    image, _ = small_raster
    qa = np.zeros((16, 16), np.uint16)
    qa[4:8, :] = 1 << 3
    qa[12, 12] = 1 << 7  # not a listed bit: kept
    mask = write_raster(tmp_path / "qa.tif", qa)
    out = tmp_path / "labels.tif"
    rc, _, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=3",
                                      f"MASK={mask}", "MASK_RULE=bits=0,3,4", f"OUTPUT={out}", "PRETRAIN_EPOCHS=2",
                                      "EPOCHS=2"], env, cwd)
    assert rc == 0, stdout + stderr
    labels = gdal.Open(str(out)).ReadAsArray()
    assert np.array_equal(labels == 0, (qa & 0b11001) != 0)
    rc, _, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=3",
                                      "MASK_RULE=drop=1", f"OUTPUT={tmp_path / 'o.tif'}"], env, cwd)
    assert rc == 1 and "MASK_RULE" in stdout + stderr and "Traceback" not in stdout + stderr


def test_a_landsat_product_is_stacked_then_clustered_with_its_quality_mask(qgis_process_env, tmp_path):
    # Issue 27: scdsc:stack gives the VRT and the QA_PIXEL band with its rule, which cluster takes as MASK and
    # MASK_RULE (the modeler chains them the same way).
    from tests.core.test_products import landsat_product
    env, cwd = qgis_process_env
    mtl, _, _, qa = landsat_product(tmp_path / "LC09")
    vrt = tmp_path / "stack.vrt"
    rc, result, stdout, stderr = run_json(["run", "scdsc:stack", "--", f"PRODUCT={mtl}", f"OUTPUT={vrt}"], env, cwd)
    assert rc == 0, stdout + stderr
    quality, rule = result["results"]["QUALITY"], result["results"]["QUALITY_RULE"]
    assert quality.endswith("QA_PIXEL.TIF") and rule == "bits=0-4" and gdal.Open(str(vrt)).RasterCount == 7
    out = tmp_path / "labels.tif"
    rc, _, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={vrt}", "N_CLUSTERS=4", f"MASK={quality}",
                                      f"MASK_RULE={rule}", f"OUTPUT={out}", "PRETRAIN_EPOCHS=2", "EPOCHS=2"],
                                     env, cwd)
    assert rc == 0, stdout + stderr
    assert np.array_equal(gdal.Open(str(out)).ReadAsArray() == 0, (qa & 0b11111) != 0)
    rc, _, stdout, stderr = run_json(["run", "scdsc:stack", "--", f"OUTPUT={tmp_path / 'x.vrt'}"], env, cwd)
    assert rc == 1 and "PRODUCT" in stdout + stderr and "Traceback" not in stdout + stderr


def test_a_campaign_model_from_the_shell(qgis_process_env, tmp_path):
    # Issue 24: scdsc:fit_many trains one model on windows of several rasters; apply_many labels them all.
    from tests.distributed_apply.test_fit_many import campaign_raster
    env, cwd = qgis_process_env
    quad = np.ones((48, 48), int)
    quad[:24, 24:], quad[24:, :24], quad[24:, 24:] = 2, 3, 4
    paths = [campaign_raster(tmp_path / "a.tif", quad), campaign_raster(tmp_path / "b.tif", quad.T.copy())]
    model = tmp_path / "campaign.npz"
    rc, result, stdout, stderr = run_json(["run", "scdsc:fit_many", "--", *[f"INPUTS={p}" for p in paths],
                                           "N_CLUSTERS=4", "SAMPLE_SIZE=2000", "SAMPLE_WINDOW=24",
                                           "PRETRAIN_EPOCHS=2", "EPOCHS=2", f"OUTPUT_MODEL={model}"], env, cwd)
    assert rc == 0, stdout + stderr
    assert result["results"]["OUTPUT_MODEL"] == str(model) and model.is_file()
    rc, result, stdout, stderr = run_json(["run", "scdsc:apply_many", "--", f"MODEL={model}",
                                           *[f"INPUTS={p}" for p in paths], f"OUTPUT_FOLDER={tmp_path / 'out'}"],
                                          env, cwd)
    assert rc == 0 and len(result["results"]["MOSAICS"]) == 2, stdout + stderr


def test_shipped_model_chains_cluster_with_a_native_algorithm(qgis_process_env, small_raster, tmp_path):
    env, cwd = qgis_process_env
    image, _ = small_raster
    labels_path, sizes_path = tmp_path / "labels.tif", tmp_path / "sizes.csv"
    rc, result, stdout, stderr = run_json(["run", str(MODEL), "--", f"image={image}", "clusters=3", "epochs=2",
                                           "pretrain_epochs=2", f"cluster:labels={labels_path}",
                                           f"sizes:sizes={sizes_path}"], env, cwd)
    assert rc == 0, stdout + stderr
    labels = gdal.Open(str(labels_path)).ReadAsArray()
    with open(sizes_path, newline="") as stream:
        rows = list(csv.DictReader(stream))
    counts = {int(float(row["value"])): int(row["count"]) for row in rows}
    values, sizes = np.unique(labels, return_counts=True)
    assert counts == dict(zip(values.tolist(), sizes.tolist()))
    assert set(counts) == {1, 2, 3} and sum(counts.values()) == labels.size


def test_apply_many_from_the_shell(qgis_process_env, small_raster, tmp_path):
    """qgis_process run scdsc:apply_many with two rasters (INPUTS repeated): one styled mosaic each, labelled as
    scdsc:apply labels the same raster."""
    env, cwd = qgis_process_env
    image, _ = small_raster
    second = write_raster(tmp_path / "second.tif", planted_cube(n_classes=3, size=16, bands=10, seed=5)[0])
    model, labels = tmp_path / "model.npz", tmp_path / "labels.tif"
    rc, _, stdout, stderr = run_json(["run", "scdsc:fit", "--", f"INPUT={image}", "N_CLUSTERS=3",
                                      f"OUTPUT_MODEL={model}", f"OUTPUT={labels}", "PRETRAIN_EPOCHS=2", "EPOCHS=2"],
                                     env, cwd)
    assert rc == 0, stdout + stderr
    rc, result, stdout, stderr = run_json(["run", "scdsc:apply_many", "--", f"MODEL={model}", f"INPUTS={image}",
                                           f"INPUTS={second}", "WINDOW_ROWS=5",
                                           f"OUTPUT_FOLDER={tmp_path / 'many'}"], env, cwd)
    assert rc == 0, stdout + stderr
    mosaics = result["results"]["MOSAICS"]
    assert [os.path.basename(m) for m in mosaics] == ["small.vrt", "second.vrt"]
    applied = tmp_path / "applied.tif"
    rc, _, stdout, stderr = run_json(["run", "scdsc:apply", "--", f"MODEL={model}", f"INPUT={second}",
                                      f"OUTPUT={applied}"], env, cwd)
    assert rc == 0, stdout + stderr
    assert np.array_equal(gdal.Open(mosaics[1]).ReadAsArray(), gdal.Open(str(applied)).ReadAsArray())
    assert (tmp_path / "many" / "second.qml").is_file()
