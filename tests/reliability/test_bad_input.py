"""Bad and unusual inputs, end to end through ``cluster_raster``/``apply_model``: each is refused with a message
that names the file and the rule, or accepted with a defined result. Every case becomes a row of
docs/robustness.md."""
# SPDX-License-Identifier: GPL-2.0-or-later
import logging
import os
import warnings

import numpy as np
import pytest
from osgeo import gdal

from .reliability_helpers import (FAST, pixel_box, read_labels, rewrite_model, small_values,
                                 write_small, write_vector)
from scdsc_core import ScdscError, ScdscWarning, apply_model, cluster_raster
from tests.conftest import write_raster

gdal.UseExceptions()
SECTION = "Bad input"


def _refused(robustness, case, call, match, out):
    """Run ``call``; it must raise ScdscError matching ``match`` and leave ``out`` unwritten; record the row."""
    with pytest.raises(ScdscError, match=match) as info:
        call()
    assert not os.path.exists(out)
    robustness.record(SECTION, case, "refused", str(info.value))
    return str(info.value)


def _scdsc_warnings(caught):
    return "; ".join(str(w.message) for w in caught if issubclass(w.category, ScdscWarning))


# ------------------------------------------------------------------------------------------------ raster shape

def test_zero_rows(tmp_path, robustness):
    # GDAL itself cannot create a 0-row GeoTIFF; a VRT can declare one.
    vrt = tmp_path / "zero.vrt"
    vrt.write_text('<VRTDataset rasterXSize="16" rasterYSize="0">'
                   + "".join(f'<VRTRasterBand dataType="Float32" band="{i}"/>' for i in range(1, 11))
                   + "</VRTDataset>")
    _refused(robustness, "raster with 0 rows (a VRT)", lambda: cluster_raster(vrt, tmp_path / "o.tif", 3,
                                                                              params=FAST),
             r"zero\.vrt is not a raster GDAL can open", tmp_path / "o.tif")


def test_one_row(tmp_path, robustness):
    image = write_raster(tmp_path / "row.tif", small_values()[:, :1, :])
    _refused(robustness, "raster with 1 row (16 x 1 pixels)",
             lambda: cluster_raster(image, tmp_path / "o.tif", 3, params=FAST),
             r"scene of 1x16 pixels is smaller than the 5x5 patch", tmp_path / "o.tif")


def test_two_bands(tmp_path, robustness):
    image = write_raster(tmp_path / "two.tif", small_values()[:2])
    _refused(robustness, "2 bands", lambda: cluster_raster(image, tmp_path / "o.tif", 3, params=FAST),
             r"needs at least 3 bands, got 2", tmp_path / "o.tif")


def test_thousand_bands(tmp_path, robustness):
    image = write_raster(tmp_path / "wide.tif", small_values(bands=1000))
    result = cluster_raster(image, tmp_path / "o.tif", 3, params=FAST)
    labels = read_labels(result.output)
    assert labels.shape == (16, 16) and labels.min() >= 1 and labels.max() <= 3
    assert result.info["n_clustered"] == 256
    robustness.record(SECTION, "1000 bands", "accepted: every pixel labelled (1..K)")


# ------------------------------------------------------------------------------------------------ data types

# (name, GDAL type, creation options, offset added so that unsigned types hold the values)
REAL_TYPES = [
    ("Byte", gdal.GDT_Byte, [], 64),
    ("signed Byte (PIXELTYPE=SIGNEDBYTE, GDAL's Int8 before 3.7)", gdal.GDT_Byte, ["PIXELTYPE=SIGNEDBYTE"], 0),
    ("UInt16", gdal.GDT_UInt16, [], 64),
    ("Int16", gdal.GDT_Int16, [], 0),
    ("UInt32", gdal.GDT_UInt32, [], 64),
    ("Int32", gdal.GDT_Int32, [], 0),
    ("UInt64", gdal.GDT_UInt64, [], 64),
    ("Int64", gdal.GDT_Int64, [], 0),
    ("Float32", gdal.GDT_Float32, [], 0),
    ("Float64", gdal.GDT_Float64, [], 0),
]


def _write_typed(path, values, gdal_type, options):
    """Write ``values`` (B, H, W) with the given GDAL type, pixel by pixel exactly (whole numbers)."""
    from osgeo import gdal_array
    bands, rows, cols = values.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, bands, gdal_type, options=options)
    ds.SetGeoTransform((500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0))
    if "PIXELTYPE=SIGNEDBYTE" in options:
        stored = values.astype(np.int8).view(np.uint8)  # the bytes GDAL < 3.7 stores for a signed byte
    else:
        stored = values.astype(gdal_array.GDALTypeCodeToNumericTypeCode(gdal_type))
    for i in range(bands):
        ds.GetRasterBand(i + 1).WriteArray(stored[i])
    ds = None
    return str(path)


# Labels are compared bit for bit, and the bits depend on the thread count: this module-scoped fixture runs
# before the per-test one-thread fixture of tests/conftest.py, so both sides pin their own threads.
ONE_THREAD = dict(FAST, n_threads=1)


@pytest.fixture(scope="module")
def float_labels(tmp_path_factory):
    """Labels of the float32 rasters holding the same whole numbers, by offset (what every type must give)."""
    folder = tmp_path_factory.mktemp("float_reference")
    labels = {}
    for offset in (0, 64):
        image = write_raster(folder / f"f{offset}.tif", small_values() + offset)
        labels[offset] = read_labels(cluster_raster(image, folder / f"l{offset}.tif", 3, seed=0,
                                                    params=ONE_THREAD).output)
    return labels


@pytest.mark.parametrize("name, gdal_type, options, offset", REAL_TYPES,
                         ids=["Byte", "Int8", "UInt16", "Int16", "UInt32", "Int32", "UInt64", "Int64", "Float32",
                              "Float64"])
def test_every_real_type_gives_the_float_result(tmp_path, robustness, float_labels, name, gdal_type, options,
                                                 offset):
    values = small_values() + offset
    image = _write_typed(tmp_path / "typed.tif", values, gdal_type, options)
    result = cluster_raster(image, tmp_path / "o.tif", 3, seed=0, params=ONE_THREAD)
    np.testing.assert_array_equal(read_labels(result.output), float_labels[offset])
    robustness.record(SECTION, f"{name} bands", "accepted: same labels as the same values stored as Float32")


@pytest.mark.parametrize("gdal_type", [gdal.GDT_CInt16, gdal.GDT_CInt32, gdal.GDT_CFloat32, gdal.GDT_CFloat64],
                         ids=lambda t: gdal.GetDataTypeName(t))
def test_complex_types_are_refused(tmp_path, robustness, gdal_type):
    ds = gdal.GetDriverByName("GTiff").Create(str(tmp_path / "complex.tif"), 16, 16, 10, gdal_type)
    ds = None
    _refused(robustness, f"{gdal.GetDataTypeName(gdal_type)} (complex) bands",
             lambda: cluster_raster(tmp_path / "complex.tif", tmp_path / "o.tif", 3, params=FAST),
             rf"band 1-10 hold complex values \({gdal.GetDataTypeName(gdal_type)}\)", tmp_path / "o.tif")


@pytest.mark.parametrize("dtype, nodata", [(np.uint8, -9999), (np.uint16, 70000), (np.int16, 0.5)])
def test_nodata_that_no_pixel_can_hold_is_ignored(tmp_path, robustness, caplog, dtype, nodata):
    image = write_raster(tmp_path / "nd.tif", (small_values() + 64).astype(dtype), nodata=nodata)
    with caplog.at_level(logging.WARNING, logger="scdsc_core.raster"):
        result = cluster_raster(image, tmp_path / "o.tif", 3, params=FAST)
    assert np.all(read_labels(result.output) > 0)
    logged = [r.getMessage() for r in caplog.records if "cannot hold" in r.getMessage()]
    assert logged, "the ignored nodata value must be logged"
    robustness.record(SECTION, f"nodata {nodata} on {np.dtype(dtype).name} bands",
                      "accepted: the nodata value is ignored (logged once per band); every pixel labelled",
                      logged[0])


# ------------------------------------------------------------------------------------------------ band content

def test_nan_in_every_pixel_of_one_band(tmp_path, robustness):
    values = small_values()
    values[3] = np.nan
    image = write_raster(tmp_path / "nanband.tif", values)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cluster_raster(image, tmp_path / "o.tif", 3, params=FAST)
    assert np.all(read_labels(result.output) > 0)
    message = _scdsc_warnings(caught)
    assert "band 4" in message
    robustness.record(SECTION, "NaN in every pixel of one band (default band selection)",
                      "accepted: the band is left out with a warning; every pixel labelled", message)
    _refused(robustness, "NaN in every pixel of one band, band selected explicitly",
             lambda: cluster_raster(image, tmp_path / "o2.tif", 3, bands="1-10", params=FAST),
             r"band 4 \(band 4\) are nodata or NaN in every pixel", tmp_path / "o2.tif")


def test_constant_bands(tmp_path, robustness):
    values = small_values()
    values[2:5] = 7.0
    image = write_raster(tmp_path / "const.tif", values)
    result = cluster_raster(image, tmp_path / "o.tif", 3, params=FAST, model_out=tmp_path / "m.npz")
    labels = read_labels(result.output)
    assert np.all(labels > 0) and len(np.unique(labels)) == 3
    again = apply_model(result.model, image, tmp_path / "again.tif")
    np.testing.assert_array_equal(read_labels(again.output), labels)
    robustness.record(SECTION, "3 of 10 bands constant", "accepted: 3 clusters; the saved model reproduces them")


def test_every_band_constant(tmp_path, robustness):
    image = write_raster(tmp_path / "flat.tif", np.full((10, 16, 16), 7.0, dtype=np.float32))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cluster_raster(image, tmp_path / "o.tif", 3, params=FAST)
    labels = read_labels(result.output)
    assert np.all(labels > 0) and len(np.unique(labels)) == 1
    message = _scdsc_warnings(caught)
    assert "FINCH" in message
    robustness.record(SECTION, "every band constant (all pixels identical)",
                      "accepted: one cluster holds every pixel, with warnings", message)


def test_duplicated_bands(tmp_path, robustness):
    values = small_values()
    values[5:] = values[:5]
    image = write_raster(tmp_path / "dup.tif", values)
    result = cluster_raster(image, tmp_path / "o.tif", 3, params=FAST)
    labels = read_labels(result.output)
    assert np.all(labels > 0) and len(np.unique(labels)) == 3
    robustness.record(SECTION, "bands 6-10 duplicate bands 1-5", "accepted: 3 clusters, every pixel labelled")
    _refused(robustness, "the same band selected twice ('1-10,3')",
             lambda: cluster_raster(image, tmp_path / "o2.tif", 3, bands="1-10,3", params=FAST),
             r"band 3 selected more than once", tmp_path / "o2.tif")


# ------------------------------------------------------------------------------------------------ masks

def test_raster_without_crs_and_mask_with_crs(tmp_path, robustness):
    image = write_small(tmp_path / "nocrs.tif", epsg=None)
    mask = write_vector(tmp_path / "mask.gpkg", [("fields", 32633, [pixel_box(2, 2, 10, 10)])])
    _refused(robustness, "raster without CRS, vector mask with a CRS",
             lambda: cluster_raster(image, tmp_path / "o.tif", 3, mask=mask, params=FAST),
             r"mask\.gpkg has a CRS but the raster .*nocrs\.tif has none", tmp_path / "o.tif")


def test_multi_layer_vector_uses_the_first_layer(tmp_path, robustness):
    image = write_small(tmp_path / "image.tif")
    mask = write_vector(tmp_path / "two.gpkg", [("fields", 32633, [pixel_box(0, 0, 16, 8)]),
                                                ("corner", 32633, [pixel_box(0, 0, 4, 4)])])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cluster_raster(image, tmp_path / "o.tif", 3, mask=mask, params=FAST)
    labels = read_labels(result.output)
    assert np.all(labels[:, :8] > 0) and np.all(labels[:, 8:] == 0)
    message = _scdsc_warnings(caught)
    assert "has 2 layers; using the first, 'fields'" in message
    robustness.record(SECTION, "vector mask with 2 layers",
                      "accepted: the first layer is used, with a warning naming the others", message)


def test_empty_vector_layer(tmp_path, robustness):
    image = write_small(tmp_path / "image.tif")
    mask = write_vector(tmp_path / "empty.gpkg", [("nothing", 32633, [])])
    _refused(robustness, "vector mask whose layer is empty",
             lambda: cluster_raster(image, tmp_path / "o.tif", 3, mask=mask, params=FAST),
             r"empty\.gpkg: layer 'nothing' is empty", tmp_path / "o.tif")


def test_mask_touching_the_raster_only_from_outside(tmp_path, robustness):
    image = write_small(tmp_path / "image.tif")
    mask = write_vector(tmp_path / "outside.gpkg", [("strip", 32633, [pixel_box(0, 16, 16, 20)])])
    _refused(robustness, "polygon outside the raster sharing only its right edge",
             lambda: cluster_raster(image, tmp_path / "o.tif", 3, mask=mask, params=FAST),
             r"outside\.gpkg (lies entirely outside|selects no pixel)", tmp_path / "o.tif")


def _ring(row0, col0, row1, col1):
    """The ring ``(x y, ...)`` of :func:`pixel_box`."""
    return pixel_box(row0, col0, row1, col1)[len("POLYGON ("):-1]


def test_mask_covering_only_the_border_pixels(tmp_path, robustness):
    image = write_small(tmp_path / "image.tif")
    frame = f"POLYGON ({_ring(0, 0, 16, 16)}, {_ring(1, 1, 15, 15)})"  # the whole raster minus its inside
    mask = write_vector(tmp_path / "frame.gpkg", [("frame", 32633, [frame])])
    result = cluster_raster(image, tmp_path / "o.tif", 3, mask=mask, params=FAST)
    labels = read_labels(result.output)
    border = np.ones((16, 16), bool)
    border[1:15, 1:15] = False
    assert np.all(labels[border] > 0) and np.all(labels[~border] == 0)
    robustness.record(SECTION, "mask covering only the outermost ring of pixels",
                      "accepted: the 60 border pixels are labelled (patches mirrored at the edge), the rest is 0")


def test_k_equal_to_the_number_of_valid_pixels(tmp_path, robustness):
    values = small_values()
    values[:, 2:, :] = -9999
    values[:, 1, 8:] = -9999  # 16 + 8 = 24 valid pixels
    image = write_raster(tmp_path / "few.tif", values, nodata=-9999)
    _refused(robustness, "K equal to the number of valid pixels (24)",
             lambda: cluster_raster(image, tmp_path / "o.tif", 24, params=FAST),
             r"n_clusters must be smaller than the number of clustered pixels \(24\), got 24", tmp_path / "o.tif")


# ------------------------------------------------------------------------------------------------ model files

def test_model_of_another_format_version(tmp_path, robustness, fitted):
    image, model = fitted
    newer = rewrite_model(model, tmp_path / "newer.npz", meta=lambda m: {**m, "format_version": 2})
    _refused(robustness, "model file of a newer format version (2)",
             lambda: apply_model(newer, image, tmp_path / "o.tif"),
             r"newer\.npz was written by a newer format \(v2\)", tmp_path / "o.tif")
    other = rewrite_model(model, tmp_path / "other.npz", meta=lambda m: {**m, "format": "another-tool"})
    _refused(robustness, "model file of another program (format name differs)",
             lambda: apply_model(other, image, tmp_path / "o.tif"),
             r"other\.npz is not a valid SCDSC model: the metadata does not declare format", tmp_path / "o.tif")


def _pickle_payload(marker):
    """An object array whose unpickling would create ``marker`` (it must never be unpickled)."""
    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    array = np.empty(1, dtype=object)
    array[0] = Payload()
    return array


def test_model_with_edited_content(tmp_path, robustness, fitted):
    image, model = fitted
    out = tmp_path / "o.tif"
    reference = read_labels(apply_model(model, image, tmp_path / "reference.tif").output)
    with np.load(model, allow_pickle=False) as archive:
        bases = archive["bases"]
    cases = [
        ("bases array of another shape", dict(arrays={"bases": bases[:, :-1]}), r"array 'bases' must have shape"),
        ("bases array of another dtype", dict(arrays={"bases": bases.astype(np.float64)}),
         r"array 'bases' must have shape .* and dtype float32"),
        ("NaN in the bases", dict(arrays={"bases": np.where(bases == bases.max(), np.nan, bases)}),
         r"array 'bases' holds NaN"),
        ("an array removed", dict(drop=["pre.mean"]), r"array 'pre.mean' is missing"),
        ("an unknown array added", dict(arrays={"extra": np.zeros(3)}), r"unexpected member\(s\) 'extra'"),
        ("an unknown array added under a known prefix", dict(arrays={"pre.extra": np.zeros(3)}),
         r"unexpected array\(s\) pre\.extra"),
        ("band count edited", dict(meta=lambda m: {**m, "n_features_in": 11}), r"band_names must hold 11 names"),
        ("hyperparameter edited to an invalid value (eta = -1)",
         dict(meta=lambda m: {**m, "hyperparameters": {**m["hyperparameters"], "eta": -1}}),
         r"invalid hyperparameters: eta must be a number > 0"),
        ("metadata that is not JSON", dict(arrays={"meta": np.frombuffer(b"{not json", dtype=np.uint8)}),
         r"the metadata is not valid JSON"),
    ]
    for case, edit, match in cases:
        edited = rewrite_model(model, tmp_path / "edited.npz", **edit)
        _refused(robustness, f"model file: {case}", lambda: apply_model(edited, image, out), match, out)

    marker = tmp_path / "unpickled"
    # Under a name the directory check lets through, so that it is the loader that meets the pickle.
    edited = rewrite_model(model, tmp_path / "edited.npz", arrays={"pre.extra": _pickle_payload(marker)})
    _refused(robustness, "model file with a pickled object array (would run code if unpickled)",
             lambda: apply_model(edited, image, out), r"Object arrays cannot be loaded", out)
    assert not marker.exists()

    # A training-only hyperparameter edited to another valid value: nothing of inference changes.
    edited = rewrite_model(model, tmp_path / "edited.npz",
                           meta=lambda m: {**m, "hyperparameters": {**m["hyperparameters"], "beta": 2.5}})
    np.testing.assert_array_equal(read_labels(apply_model(edited, image, out).output), reference)
    robustness.record(SECTION, "model file: training-only hyperparameter edited to a valid value (beta)",
                      "accepted: identical labels (beta is not used by inference)")
