"""Fixtures shared by the core and QGIS test suites."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _seed_and_threads():
    """Seed numpy/torch per test and keep torch to one thread (tests must not depend on core count)."""
    np.random.seed(0)
    try:
        import torch
    except ImportError:  # the QGIS tests that check behaviour without torch
        yield
        return
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def provider(qgis_processing):
    """The SCDSC Processing provider, registered for the test (kept referenced) and removed afterwards."""
    from qgis.core import QgsApplication

    from scdsc_qgis.provider import ScdscProvider

    prov = ScdscProvider()
    assert QgsApplication.processingRegistry().addProvider(prov)
    try:
        yield prov
    finally:
        QgsApplication.processingRegistry().removeProvider(prov)


@pytest.fixture
def shared_data():
    """The benchmark scenes of ../shared/data; skips when the folder is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"benchmark data folder {SHARED_DATA} is absent (it exists only beside the project's own clone)")
    return SHARED_DATA


def write_raster(path, array, *, geotransform=(500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0), epsg=32633,
                 nodata=None, dtype=None, options=()):
    """Write a (B, H, W) or (H, W) array as a GeoTIFF and return its path as str.

    ``epsg=None`` writes no CRS; ``geotransform=None`` writes no geotransform; ``options`` are GTiff creation
    options (tiling, compression, interleave).
    """
    from osgeo import gdal, osr
    gdal.UseExceptions()
    array = np.asarray(array)
    if array.ndim == 2:
        array = array[None]
    from osgeo import gdal_array
    gdal_type = gdal_array.NumericTypeCodeToGDALTypeCode(np.dtype(dtype or array.dtype))
    bands, rows, cols = array.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, bands, gdal_type, list(options))
    if geotransform is not None:
        ds.SetGeoTransform(geotransform)
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    for i in range(bands):
        band = ds.GetRasterBand(i + 1)
        if nodata is not None:
            band.SetNoDataValue(float(nodata))
        band.WriteArray(array[i])
    ds.FlushCache()
    ds = None
    return str(path)


def planted_cube(n_classes=4, size=24, bands=20, noise=0.02, seed=0):
    """A (B, H, W) float32 cube with ``n_classes`` vertical stripes of distinct smooth spectra, and its
    (H, W) reference labels 1..n_classes. Well separated: any sane clustering gets OA ~ 1."""
    rng = np.random.default_rng(seed)
    wl = np.linspace(0.0, 1.0, bands)
    spectra = np.stack([0.3 + 0.25 * np.sin(2 * np.pi * (wl * (1 + k) + k / n_classes)) for k in range(n_classes)])
    labels = np.zeros((size, size), dtype=np.uint8)
    for k in range(n_classes):
        labels[:, k * size // n_classes:(k + 1) * size // n_classes] = k + 1
    cube = spectra[labels - 1].transpose(2, 0, 1) + noise * rng.standard_normal((bands, size, size))
    return cube.astype(np.float32), labels


@pytest.fixture
def make_raster(tmp_path):
    """Factory fixture: ``make_raster(array, name="x.tif", **write_raster_kwargs) -> str``."""
    def _make(array, name="input.tif", **kwargs):
        return write_raster(tmp_path / name, array, **kwargs)
    return _make


@pytest.fixture
def planted_raster(tmp_path):
    """A georeferenced 4-class planted raster and its reference labels: ``(image_path, labels_path)``."""
    cube, labels = planted_cube()
    return write_raster(tmp_path / "planted.tif", cube), write_raster(tmp_path / "planted_ref.tif", labels)


_EXIT_STATUS = {"code": 0}


def pytest_sessionfinish(session, exitstatus):
    _EXIT_STATUS["code"] = int(exitstatus)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """Leave without running Python/Qt finalisers once pytest has reported.

    QGIS 3.22 can crash (SIGSEGV) while the interpreter tears down QgsApplication and its layers after a
    pytest-qgis session; the results are already printed, so the process exits with pytest's own status instead
    of letting that crash turn a green run red. First, not last: pytest's own unconfigure hook
    (unraisableexception's ``gc_collect_harder``) garbage-collects after pytest-qgis's ``exitQgis()``, and that
    collection is where the crash came (3 of 4 full runs on 2026-12-07, faulthandler's trace).
    """
    if "qgis" not in __import__("sys").modules:
        return
    import sys
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS["code"])
