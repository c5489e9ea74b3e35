"""Rasters with fewer than 8 bands (issue 27, item 1): a 4-band orthophoto or a 7-band Landsat stack clusters with
a pixel PCA of min(8, bands) components; fewer than 3 bands, or more components than bands, is a one-line error."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
import pytest
from osgeo import gdal

from scdsc_core import SCDSC
from scdsc_core.cli import main
from scdsc_core.errors import ScdscError
from scdsc_core.metrics import evaluate_labels
from scdsc_core.modelfile import load_model
from tests.conftest import planted_cube, write_raster

TINY = ["--pretrain-epochs", "4", "--epochs", "4"]
FAST = dict(pretrain_epochs=4, epochs=4, random_state=0, n_threads=1)


def few_band_cube(bands, size=24, noise=0.01):
    """Four vertical stripes whose spectra differ in shape, not only in brightness, on any number of bands: each
    class is bright in its own band (modulo the band count) on a common background, scaled per class."""
    labels = np.repeat(np.repeat(np.arange(4)[None], size // 4, axis=1), size, axis=0).astype(np.uint8) + 1
    spectra = np.full((4, bands), 0.2)
    for k in range(4):
        spectra[k, k % bands] += 0.5
        spectra[k] *= 1.0 + 0.6 * (k // bands)  # classes sharing a peak band differ in brightness
    rng = np.random.default_rng(0)
    cube = spectra[labels - 1].transpose(2, 0, 1) + noise * rng.standard_normal((bands, size, size))
    return cube.astype(np.float32), labels


@pytest.mark.parametrize("bands", [3, 4, 7])
def test_a_raster_with_fewer_than_8_bands_clusters_on_all_its_bands(tmp_path, bands, capsys):
    cube, reference = few_band_cube(bands)
    image = write_raster(tmp_path / f"b{bands}.tif", cube)
    out, model = tmp_path / "labels.tif", tmp_path / "m.npz"
    assert main(["-q", "cluster", image, str(out), "-k", "4", "--model-out", str(model)] + TINY) == 0
    loaded = load_model(model)
    assert loaded.n_components is None and loaded.n_components_ == bands
    assert loaded.preprocessor_.components_.shape == (bands, bands)
    ds = gdal.Open(str(out))
    assert ds.GetMetadataItem("SCDSC_N_COMPONENTS") == str(bands)
    labels = ds.GetRasterBand(1).ReadAsArray().astype(np.int32) - 1
    # Four well separated spectra: far above chance (0.25) even after four epochs.
    assert evaluate_labels(labels, reference).oa > 0.6
    # The saved model labels the same raster as the fit did.
    assert main(["-q", "apply", str(model), image, str(tmp_path / "again.tif")]) == 0
    again_ds = gdal.Open(str(tmp_path / "again.tif"))  # held: a band outlives no dataset
    again = again_ds.GetRasterBand(1).ReadAsArray()
    assert np.array_equal(again, labels + 1)


def test_two_bands_are_refused_in_one_line(tmp_path, capsys):
    image = write_raster(tmp_path / "b2.tif", planted_cube(bands=2)[0])
    out = tmp_path / "labels.tif"
    assert main(["-q", "cluster", image, str(out), "-k", "4"] + TINY) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "at least 3 bands, got 2" in err[0]
    assert not out.exists()


def test_more_components_than_bands_is_refused(tmp_path, capsys):
    image = write_raster(tmp_path / "b4.tif", planted_cube(bands=4)[0])
    assert main(["-q", "cluster", image, str(tmp_path / "o.tif"), "-k", "4", "--pca-components", "6"] + TINY) == 2
    err = capsys.readouterr().err
    assert "n_components=6" in err and "got 4" in err
    with pytest.raises(ScdscError, match="at least 6 bands"):
        SCDSC(4, n_components=6, **FAST).fit(planted_cube(bands=4)[0].transpose(1, 2, 0))


def test_the_option_sets_the_width_and_8_bands_or_more_keep_todays_labels(tmp_path):
    cube = planted_cube(bands=20)[0].transpose(1, 2, 0)
    auto = SCDSC(4, **FAST).fit(cube)
    eight = SCDSC(4, n_components=8, **FAST).fit(cube)
    five = SCDSC(4, n_components=5, **FAST).fit(cube)
    assert auto.n_components_ == 8 and five.n_components_ == 5
    assert auto.fit_info_["n_components"] == 8 and five.network_.e1.in_channels == 5
    assert np.array_equal(auto.labels_, eight.labels_)
