"""Tests of scdsc_core.raster: sources, band selection, validity, output checks and atomic GeoTIFF writing."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os

import numpy as np
import pytest
from osgeo import gdal

from scdsc_core import style
from scdsc_core.errors import ScdscCancelled, ScdscError, ScdscWarning
from scdsc_core.outputs import atomic_output, check_output_path
from scdsc_core.raster import (RasterSource, create_raster, open_raster, parse_bands, read_label_raster,
                               write_float_raster, write_labels)
from scdsc_core.source import ArraySource, as_source, block_rows

gdal.UseExceptions()

GT = (500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0)


def cube(bands=4, rows=6, cols=5, seed=0):
    """A (B, H, W) float32 test cube of positive values."""
    return (np.random.default_rng(seed).random((bands, rows, cols)) + 0.5).astype(np.float32)


def read_tif(path):
    ds = gdal.Open(str(path))
    return ds, ds.ReadAsArray()


# ---------------------------------------------------------------------------------------------------- ArraySource

def test_array_source_interface():
    array = np.random.default_rng(1).random((7, 5, 3)).astype(np.float32)
    array[2, 3, 1] = np.nan
    array[4, 0, 2] = np.inf
    src = ArraySource(array)
    assert src.shape == (7, 5) and src.n_bands == 3
    assert src.band_names == ["band 1", "band 2", "band 3"]
    valid = src.valid_mask()
    assert valid.dtype == bool and valid.shape == (7, 5)
    assert valid.sum() == 33 and not valid[2, 3] and not valid[4, 0]
    assert src.valid_mask() is not None and not src.valid_mask().flags.writeable
    blocks = list(src.iter_blocks(max_pixels=12))
    assert [(r0, r1) for r0, r1, _ in blocks] == [(0, 2), (2, 4), (4, 6), (6, 7)]
    np.testing.assert_array_equal(np.concatenate([b for _, _, b in blocks]), array)
    assert all(b.dtype == np.float32 for _, _, b in blocks)
    pixels = src.read_pixels([0, 6, 3], [4, 0, 2])
    assert pixels.shape == (3, 3) and pixels.dtype == np.float32
    np.testing.assert_array_equal(pixels, array[[0, 6, 3], [4, 0, 2]])


def test_as_source_wraps_arrays_and_keeps_sources():
    src = as_source(np.zeros((3, 4, 2), dtype=np.float64))
    assert isinstance(src, ArraySource) and src.shape == (3, 4) and src.dtype == np.float32
    assert as_source(src) is src
    with pytest.raises(ScdscError, match=r"shape \(H, W, B\).*\(3, 4\)"):
        as_source(np.zeros((3, 4)))
    with pytest.raises(ScdscError, match="X must be"):
        as_source("image.tif")


def test_block_rows_follows_budget():
    assert block_rows(1000, 200, budget_bytes=12 * 1000 * 200 * 10) == 10
    assert block_rows(1000, 200, budget_bytes=1) == 1
    assert block_rows(10, 2) == 256 * 1024 * 1024 // (12 * 10 * 2)


# ---------------------------------------------------------------------------------------------------- parse_bands

@pytest.mark.parametrize("spec, expected", [
    ("1-3,7", [1, 2, 3, 7]),
    (" 2 , 4 - 5 ", [2, 4, 5]),
    ("10", [10]),
    ([3, 1, 2], [3, 1, 2]),
    ((np.int64(4), 5), [4, 5]),
])
def test_parse_bands_accepts(spec, expected):
    assert parse_bands(spec, 10) == expected


@pytest.mark.parametrize("spec, message", [
    ("1-3,a", r"bands '1-3,a': cannot read 'a'"),
    ("1-", r"cannot read '1-'"),
    ("1,,2", r"cannot read ''"),
    ("", r"cannot read ''"),
    ("5-3", r"range '5-3' is descending"),
    ("0-2", r"1-based, got 0"),
    ("1-12", r"band 11, 12 out of range: the raster has 10 bands"),
    ("1-4,3", r"band 3 selected more than once"),
    ([1, 1], r"band 1 selected more than once"),
    ([1, 2.5], r"2\.5 is not a whole band number"),
    ([True, 2], r"True is not a whole band number"),
    ([], r"no band is selected"),
])
def test_parse_bands_rejects(spec, message):
    with pytest.raises(ScdscError, match=message):
        parse_bands(spec, 10)


def test_parse_bands_reports_all_problems_at_once():
    with pytest.raises(ScdscError, match=r"1-based, got 0; band 11 out of range.*; band 2 selected more than once"):
        parse_bands("0,2,2,11", 10)


# ---------------------------------------------------------------------------------------------------- open_raster

def test_open_raster_attributes(make_raster):
    data = cube()
    path = make_raster(data, nodata=-9999)
    ds = gdal.Open(path, gdal.GA_Update)
    for i in range(4):
        ds.GetRasterBand(i + 1).SetMetadataItem("wavelength", str(400 + 10 * i))
    ds.GetRasterBand(2).SetDescription("red edge")
    ds = None
    src = open_raster(path)
    assert isinstance(src, RasterSource)
    assert src.shape == (6, 5) and src.n_bands == 4 and src.band_indices == [1, 2, 3, 4]
    assert src.band_names == ["band 1", "red edge", "band 3", "band 4"]
    assert src.wavelengths == [400.0, 410.0, 420.0, 430.0]
    assert src.geotransform == GT
    assert "32633" in src.crs_wkt
    assert src.nodata == [-9999.0] * 4
    assert src.dtype == np.float32
    assert src.n_valid == 30 and src.valid_mask().all()
    assert src.source_band_count == 4
    sub = open_raster(path, "2,4")
    assert sub.band_indices == [2, 4] and sub.band_names == ["red edge", "band 4"]
    assert sub.wavelengths == [410.0, 430.0]
    np.testing.assert_array_equal(next(sub.iter_blocks())[2], data[[1, 3]].transpose(1, 2, 0))
    assert open_raster(path, [4, 1]).band_indices == [4, 1]


def test_open_raster_without_crs_or_wavelengths(make_raster):
    src = open_raster(make_raster(cube(), epsg=None, geotransform=None))
    assert src.crs_wkt == "" and src.geotransform is None and src.wavelengths is None


def test_blockwise_reading_equals_whole_array(make_raster):
    data = cube(bands=3, rows=17, cols=9)
    src = open_raster(make_raster(data), budget_bytes=12 * 9 * 3 * 4)  # 4 rows a block
    expected = data.transpose(1, 2, 0)
    blocks = list(src.iter_blocks())
    assert [(r0, r1) for r0, r1, _ in blocks] == [(0, 4), (4, 8), (8, 12), (12, 16), (16, 17)]
    np.testing.assert_array_equal(np.concatenate([b for _, _, b in blocks]), expected)
    assert [(r0, r1) for r0, r1, _ in src.iter_blocks(max_pixels=18)] == [(i, min(17, i + 2)) for i in range(0, 17, 2)]
    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, 17, 200), rng.integers(0, 9, 200)
    pixels = src.read_pixels(rows, cols)
    assert pixels.dtype == np.float32
    np.testing.assert_array_equal(pixels, expected[rows, cols])
    assert src.read_pixels([], []).shape == (0, 3)
    with pytest.raises(IndexError):
        src.read_pixels([17], [0])


@pytest.mark.parametrize("block_rows_budget", [5, 40])
def test_tiled_raster_blocks_follow_tile_rows_and_gdal_cache_stays_at_one_tile_row(make_raster, monkeypatch, request,
                                                                                    block_rows_budget):
    # GDAL keeps every decoded tile up to a process-wide limit (5 % of RAM): without dropping the tiles a pass
    # has left behind, the cache held the whole scene and the peak memory grew with it.
    request.addfinalizer(lambda limit=gdal.GetCacheMax(): gdal.SetCacheMax(limit))
    data = (cube(bands=6, rows=100, cols=40, seed=2) * 1000).astype(np.int16)
    path = make_raster(data, "tiled.tif", options=["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16",
                                                   "COMPRESS=DEFLATE", "INTERLEAVE=BAND"])
    budget = 12 * 40 * 6 * block_rows_budget
    src = open_raster(path, budget_bytes=budget)
    expected = data.transpose(1, 2, 0).astype(np.float32)
    tile_row_bytes = 16 * 48 * 6 * 2  # 3 tiles of 16 x 16 across, 6 bands of int16

    def pass_over(source):
        gdal.SetCacheMax(64 << 20)  # room for the whole file: only the dropping keeps the cache small
        base, peak, blocks = gdal.GetCacheUsed(), 0, []
        for r0, r1, block in source.iter_blocks():
            peak = max(peak, gdal.GetCacheUsed() - base)
            blocks.append((r0, r1, block))
        return peak, blocks

    peak, blocks = pass_over(src)
    np.testing.assert_array_equal(np.concatenate([b for _, _, b in blocks]), expected)
    for r0, r1, _ in blocks:  # never straddles two tile rows, or spans whole tile rows
        assert r0 // 16 == (r1 - 1) // 16 or (r0 % 16 == 0 and (r1 % 16 == 0 or r1 == 100))
    tile_rows_per_block = -(-max(r1 - r0 for r0, r1, _ in blocks) // 16)
    assert peak <= 1.5 * tile_rows_per_block * tile_row_bytes  # GDAL's per-block bookkeeping on top
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, 100, 500), rng.integers(0, 40, 500)
    np.testing.assert_array_equal(src.read_pixels(rows, cols), expected[rows, cols])
    # the same pass without the dropping fills the cache with the whole file
    monkeypatch.setattr(RasterSource, "_drop_passed_tiles", lambda self, dataset, row0: None)
    peak_kept, _ = pass_over(open_raster(path, budget_bytes=budget))
    assert peak_kept >= 5 * tile_row_bytes


def test_integer_raster_read_as_raw_float32(make_raster):
    data = np.arange(2 * 3 * 4, dtype=np.int16).reshape(2, 3, 4) - 5
    src = open_raster(make_raster(data))
    assert src.dtype == np.int16
    block = next(src.iter_blocks())[2]
    assert block.dtype == np.float32
    np.testing.assert_array_equal(block, data.transpose(1, 2, 0).astype(np.float32))


def test_validity_nodata_nan_and_zero(make_raster):
    data = cube(bands=3, rows=4, cols=4)
    data[0, 0, 0] = -9999        # nodata in one band only
    data[2, 1, 1] = np.nan       # NaN in one band
    data[:, 2, 2] = 0.0          # all-zero spectrum
    path = make_raster(data, nodata=-9999)
    valid = open_raster(path).valid_mask()
    assert valid.sum() == 14 and not valid[0, 0] and not valid[1, 1] and valid[2, 2]
    valid0 = open_raster(path, zero_is_nodata=True).valid_mask()
    assert valid0.sum() == 13 and not valid0[2, 2]


def test_bbl_zero_bands_are_dropped_by_default(make_raster, caplog):
    path = make_raster(cube(bands=4))
    ds = gdal.Open(path, gdal.GA_Update)
    ds.GetRasterBand(2).SetMetadataItem("bbl", "0")
    ds.GetRasterBand(3).SetMetadataItem("bbl", "1")
    ds = None
    with caplog.at_level("INFO", logger="scdsc_core.raster"):
        src = open_raster(path)
    assert src.band_indices == [1, 3, 4] and src.dropped_bands == [2]
    assert "1 of 4 bands are flagged bad (bbl=0)" in caplog.text
    assert open_raster(path, "1-4").band_indices == [1, 2, 3, 4]


def test_band_invalid_everywhere_dropped_with_warning_by_default(make_raster, caplog):
    data = cube(bands=4)
    data[1] = -9999
    path = make_raster(data, nodata=-9999)
    with pytest.warns(ScdscWarning, match=r"1 bands are nodata or NaN in every pixel.*2 \(band 2\)"):
        src = open_raster(path)
    assert src.band_indices == [1, 3, 4] and src.dropped_bands == [2]
    assert src.n_valid == 30
    assert "nodata or NaN in every pixel" in caplog.text
    np.testing.assert_array_equal(src.read_pixels([0], [0]), data[[0, 2, 3], 0, 0][None])


def test_band_invalid_everywhere_given_explicitly_is_an_error(make_raster):
    data = cube(bands=4)
    data[2] = np.nan
    with pytest.raises(ScdscError, match=r"bands '1-3' of .*: band 3 \(band 3\) are nodata or NaN in every pixel"):
        open_raster(make_raster(data), "1-3")


def test_no_valid_pixel(make_raster):
    data = cube(bands=3)
    data[0, :3] = np.nan
    data[1, 3:] = np.nan
    path = make_raster(data)
    with pytest.raises(ScdscError, match=r"no valid pixels in .*input\.tif: every pixel is nodata or NaN in at "
                                         r"least one of the selected bands"):
        open_raster(path)
    all_nan = make_raster(np.full((3, 2, 2), np.nan, np.float32), name="nan.tif")
    with pytest.raises(ScdscError, match="no valid pixels in .*nan.tif"):
        open_raster(all_nan)
    zeros = make_raster(np.zeros((3, 2, 2), np.float32), name="zeros.tif")
    with pytest.raises(ScdscError, match=r"no valid pixels in .*zeros.tif.*zero_is_nodata"):
        open_raster(zeros, zero_is_nodata=True)


@pytest.mark.parametrize("dtype, nodata", [(np.uint8, -32768), (np.uint8, 300), (np.int16, 0.5),
                                           (np.float32, 1e300)])
def test_nodata_that_does_not_fit_the_type_is_ignored(make_raster, dtype, nodata):
    data = (np.arange(3 * 4 * 5) % 7 + 1).reshape(3, 4, 5).astype(dtype)
    src = open_raster(make_raster(data, nodata=nodata))
    assert src.n_valid == 20


def test_open_raster_errors(tmp_path, make_raster):
    with pytest.raises(ScdscError, match=r"input raster .*missing\.tif does not exist"):
        open_raster(tmp_path / "missing.tif")
    text = tmp_path / "notes.txt"
    text.write_text("not a raster")
    with pytest.raises(ScdscError, match=r"input raster .*notes\.txt is not a raster GDAL can open"):
        open_raster(text)
    with pytest.raises(ScdscError, match=r"the default band selection of .*one\.tif leaves 1 usable band\(s\); "
                                         "at least 2"):
        open_raster(make_raster(cube(bands=1), name="one.tif"))
    with pytest.raises(ScdscError, match=r"bands '3' of .* leaves 1 usable band"):
        open_raster(make_raster(cube()), "3")
    with pytest.raises(ScdscError, match=r"bands '1-9'.*out of range: the raster has 4 bands"):
        open_raster(make_raster(cube(), name="b.tif"), "1-9")


def test_open_raster_refuses_complex(tmp_path):
    path = str(tmp_path / "complex.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 3, 3, 2, gdal.GDT_CFloat32)
    ds = None
    with pytest.raises(ScdscError, match=r"complex\.tif: band 1-2 hold complex values \(CFloat32\)"):
        open_raster(path)


def test_open_raster_refuses_a_vector_file(tmp_path):
    from osgeo import ogr
    path = str(tmp_path / "points.gpkg")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    ds.CreateLayer("points", geom_type=ogr.wkbPoint)
    ds = None
    with pytest.raises(ScdscError, match=r"points\.gpkg is not a raster GDAL can open"):
        open_raster(path)


def test_open_raster_reports_progress_and_cancels(make_raster):
    path = make_raster(cube(bands=2, rows=10, cols=3))
    seen = []
    open_raster(path, budget_bytes=12 * 3 * 2 * 3, progress=lambda f, m: seen.append((f, m)))
    assert len(seen) == 4 and seen[-1][0] == pytest.approx(1.0) and seen[0][1] == "checking valid pixels"
    with pytest.raises(ScdscCancelled):
        open_raster(path, cancelled=lambda: True)


def test_enmap_default_bands_give_18432_valid_pixels(shared_data):
    src = open_raster(shared_data / "enmap_potsdam" / "image.tif")
    assert src.dropped_bands == [130, 131, 132, 133, 134, 135]
    assert src.n_bands == 218 and src.n_valid == 18432 and src.source_band_count == 224
    assert src.valid_mask().sum() == 18432
    assert src.wavelengths[0] == pytest.approx(418.24)
    with pytest.raises(ScdscError, match=r"band 130 \(band 130 \(1331\.22 Nanometers\)\).*nodata or NaN in every"):
        open_raster(shared_data / "enmap_potsdam" / "image.tif", "120-140")


# ---------------------------------------------------------------------------------------------------- output paths

def test_check_output_path_accepts_a_new_file(tmp_path):
    assert check_output_path(tmp_path / "out.tif", [None]) == str(tmp_path / "out.tif")
    assert check_output_path(tmp_path / "out.TIF", extensions=(".tif", ".tiff")) == str(tmp_path / "out.TIF")


def test_check_output_path_errors(tmp_path, make_raster, monkeypatch):
    image = make_raster(cube())
    with pytest.raises(ScdscError, match="output path is empty"):
        check_output_path("")
    with pytest.raises(ScdscError, match=r"output .*nowhere.*out\.tif: its folder .*nowhere does not exist"):
        check_output_path(tmp_path / "nowhere" / "out.tif")
    with pytest.raises(ScdscError, match=r"output .* is a folder"):
        check_output_path(tmp_path)
    with pytest.raises(ScdscError, match=r"output .*input\.tif is the same file as the input .*input\.tif"):
        check_output_path(image, [None, image])
    with pytest.raises(ScdscError, match="same file as the input"):
        check_output_path(os.path.join(tmp_path, ".", "input.tif"), [image])
    os.symlink(image, tmp_path / "link.tif")
    with pytest.raises(ScdscError, match=r"output .*link\.tif is the same file as the input"):
        check_output_path(tmp_path / "link.tif", [image])
    with pytest.raises(ScdscError, match="same file as the input"):
        check_output_path(tmp_path / "mask.gpkg", [str(tmp_path / "mask.gpkg") + "|layername=fields"])
    with pytest.raises(ScdscError, match=r"output .*out\.png must end with \.tif or \.tiff"):
        check_output_path(tmp_path / "out.png", extensions=(".tif", ".tiff"))
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    with pytest.raises(ScdscError, match=r"its folder .* is not writable"):
        check_output_path(tmp_path / "out.tif")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to any folder")
def test_check_output_path_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ScdscError, match="is not writable"):
            check_output_path(folder / "out.tif")
    finally:
        folder.chmod(0o700)


# ---------------------------------------------------------------------------------------------------- atomic_output

def test_atomic_output_renames_on_success(tmp_path):
    target = tmp_path / "result.txt"
    with atomic_output(target) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path)
        assert os.path.basename(tmp) == f".result.partial-{os.getpid()}.txt"
        with open(tmp, "w") as handle:
            handle.write("new")
        with open(tmp + ".aux.xml", "w") as handle:
            handle.write("<PAMDataset/>")
        assert not target.exists()
    assert target.read_text() == "new"
    assert (tmp_path / "result.txt.aux.xml").read_text() == "<PAMDataset/>"
    assert sorted(os.listdir(tmp_path)) == ["result.txt", "result.txt.aux.xml"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), ScdscCancelled("cancelled by the user"),
                                   KeyboardInterrupt()])
def test_atomic_output_failure_leaves_nothing(tmp_path, error):
    target = tmp_path / "result.tif"
    with pytest.raises(type(error)):
        with atomic_output(target) as tmp:
            with open(tmp, "w") as handle:
                handle.write("partial")
            with open(tmp + ".aux.xml", "w") as handle:
                handle.write("partial")
            raise error
    assert os.listdir(tmp_path) == []


def test_atomic_output_failure_keeps_existing_target(tmp_path):
    target = tmp_path / "result.tif"
    target.write_text("old")
    (tmp_path / "result.tif.aux.xml").write_text("old aux")
    with pytest.raises(ScdscCancelled):
        with atomic_output(target) as tmp:
            with open(tmp, "w") as handle:
                handle.write("new")
            assert target.read_text() == "old"
            raise ScdscCancelled("cancelled by the user")
    assert target.read_text() == "old"
    assert sorted(os.listdir(tmp_path)) == ["result.tif", "result.tif.aux.xml"]


def test_atomic_output_replaces_target_and_removes_its_stale_sidecar(tmp_path):
    target = tmp_path / "result.tif"
    target.write_text("old")
    (tmp_path / "result.tif.aux.xml").write_text("category names of the old file")
    with atomic_output(target) as tmp:
        with open(tmp, "w") as handle:
            handle.write("new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["result.tif"]


def test_atomic_output_nested_same_target_gets_distinct_temporaries(tmp_path):
    with atomic_output(tmp_path / "a.txt") as first, atomic_output(tmp_path / "a.txt") as second:
        assert first != second
        for tmp in (first, second):
            with open(tmp, "w") as handle:
                handle.write(tmp)
    assert (tmp_path / "a.txt").read_text() == first  # the outer block finishes last
    assert os.listdir(tmp_path) == ["a.txt"]


def test_atomic_output_without_a_written_file_is_a_programming_error(tmp_path):
    with pytest.raises(RuntimeError, match="nothing was written"):
        with atomic_output(tmp_path / "a.txt"):
            pass
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------------------------------- writing

def test_create_raster_blockwise_with_georeferencing(make_raster, tmp_path):
    src = open_raster(make_raster(cube(bands=2, rows=9, cols=7)))
    values = np.random.default_rng(5).random((9, 7, 3)).astype(np.float32)
    values[0, 0, 1] = np.nan
    out = tmp_path / "proba.tif"
    with create_raster(out, src, 3, "float32", nodata=-1.0, band_names=["a", "b", "c"],
                       metadata={"seed": 7}) as writer:
        for row0, row1, _ in src.iter_blocks(max_pixels=14):
            writer.write_block(row0, values[row0:row1])
        assert not out.exists()
    ds, array = read_tif(out)
    expected = values.transpose(2, 0, 1).copy()
    expected[1, 0, 0] = -1.0
    np.testing.assert_array_equal(array, expected)
    assert ds.GetGeoTransform() == GT and "32633" in ds.GetProjection()
    assert ds.GetRasterBand(2).GetNoDataValue() == -1.0
    assert ds.GetRasterBand(3).GetDescription() == "c"
    assert ds.GetMetadataItem("seed") == "7"
    assert ds.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
    assert ds.GetRasterBand(1).GetBlockSize()[0] == 7  # small: stripped, not tiled


def test_create_raster_tiles_large_rasters(tmp_path):
    src = ArraySource(np.zeros((3, 300, 1), dtype=np.float32))
    with create_raster(tmp_path / "wide.tif", src, 1, np.uint8) as writer:
        writer.write_block(0, np.ones((3, 300), dtype=np.uint8))
    ds, array = read_tif(tmp_path / "wide.tif")
    assert ds.GetRasterBand(1).GetBlockSize() == [256, 256]
    assert ds.GetGeoTransform(can_return_null=True) is None and ds.GetProjection() == ""
    assert array.sum() == 900


def test_create_raster_failure_leaves_nothing(tmp_path):
    src = ArraySource(np.zeros((4, 4, 2)))
    target = tmp_path / "conf.tif"
    target.write_bytes(b"previous")
    with pytest.raises(ScdscCancelled):
        with create_raster(target, src, 1, np.float32) as writer:
            writer.write_block(0, np.zeros((2, 4)))
            raise ScdscCancelled("cancelled by the user")
    assert os.listdir(tmp_path) == ["conf.tif"] and target.read_bytes() == b"previous"
    writer = create_raster(tmp_path / "other.tif", src, 1, np.float32)
    with pytest.raises(ValueError, match=r"block must have shape \(h, 4, 1\)"):
        writer.write_block(0, np.zeros((2, 5)))
    with pytest.raises(ValueError, match="outside the raster's 4 rows"):
        writer.write_block(3, np.zeros((2, 4)))
    writer.abort()
    assert os.listdir(tmp_path) == ["conf.tif"]


def test_write_labels_on_disk_format(make_raster, tmp_path):
    src = open_raster(make_raster(cube(bands=2, rows=4, cols=5)))
    labels = np.array([[-1, 0, 1, 2, 2]] * 4, dtype=np.int32)
    out = write_labels(tmp_path / "labels.tif", labels, src, 3, metadata={"seed": "3"})
    assert out == str(tmp_path / "labels.tif")
    ds, array = read_tif(out)
    np.testing.assert_array_equal(array, labels + 1)
    band = ds.GetRasterBand(1)
    assert array.dtype == np.uint8 and band.GetNoDataValue() == 0
    assert ds.GetGeoTransform() == GT and "32633" in ds.GetProjection()
    assert ds.GetMetadataItem("seed") == "3"
    table = band.GetRasterColorTable()
    assert table.GetColorEntry(0)[3] == 0
    assert [table.GetColorEntry(v)[:3] for v in (1, 2, 3)] == style.cluster_colors(3)
    assert band.GetCategoryNames() == ["nodata", "Cluster 1", "Cluster 2", "Cluster 3"]
    qml = (tmp_path / "labels.qml").read_text()
    assert qml.count("<paletteEntry") == 3 and 'label="Cluster 3"' in qml
    assert sorted(os.listdir(tmp_path)) == ["input.tif", "labels.qml", "labels.tif", "labels.tif.aux.xml"]
    array2, nodata, names = read_label_raster(out)
    np.testing.assert_array_equal(array2, labels + 1)
    assert nodata == 0 and names == ["nodata", "Cluster 1", "Cluster 2", "Cluster 3"]


def test_write_labels_inside_an_outer_atomic_output(tmp_path):
    src = ArraySource(np.zeros((3, 4, 2)))
    labels = np.zeros((3, 4), np.int32)
    with atomic_output(tmp_path / "labels.tif") as staged:
        write_labels(staged, labels, src, 2)
        assert not (tmp_path / "labels.tif").exists()
    assert sorted(os.listdir(tmp_path)) == ["labels.qml", "labels.tif", "labels.tif.aux.xml"]
    assert read_label_raster(tmp_path / "labels.tif")[2] == ["nodata", "Cluster 1", "Cluster 2"]
    with pytest.raises(ScdscCancelled):
        with atomic_output(tmp_path / "again.tif") as staged:
            write_labels(staged, labels, src, 2)
            raise ScdscCancelled("cancelled by the user")
    assert sorted(os.listdir(tmp_path)) == ["labels.qml", "labels.tif", "labels.tif.aux.xml"]


def test_write_labels_custom_names_and_many_clusters(tmp_path):
    src = ArraySource(np.zeros((15, 20, 2)))
    labels = (np.arange(300, dtype=np.int32) % 300).reshape(15, 20)
    out = write_labels(tmp_path / "many.tif", labels, src, 300)
    ds, array = read_tif(out)
    assert array.dtype == np.uint16 and array.max() == 300 and array.min() == 1
    assert ds.GetGeoTransform(can_return_null=True) is None
    out = write_labels(tmp_path / "named.tif", np.zeros((15, 20), np.int32), src, 2, class_names=["water", "a&b"])
    assert 'label="a&amp;b"' in (tmp_path / "named.qml").read_text()
    assert read_label_raster(out)[2] == ["nodata", "water", "a&b"]
    with pytest.raises(ValueError, match=r"labels must be in -1\.\.1"):
        write_labels(tmp_path / "bad.tif", np.full((15, 20), 2, np.int32), src, 2)
    with pytest.raises(ValueError, match="labels have shape"):
        write_labels(tmp_path / "bad.tif", np.zeros((3, 3), np.int32), src, 2)


def test_write_float_raster(make_raster, tmp_path):
    src = open_raster(make_raster(cube(bands=2, rows=3, cols=4)))
    confidence = np.full((3, 4), 0.75, dtype=np.float32)
    confidence[1, 2] = np.nan
    out = write_float_raster(tmp_path / "confidence.tif", confidence, src, style="gray")
    ds, array = read_tif(out)
    assert array.dtype == np.float32 and array[1, 2] == -1.0 and array[0, 0] == 0.75
    assert ds.GetRasterBand(1).GetNoDataValue() == -1.0 and ds.GetGeoTransform() == GT
    qml = (tmp_path / "confidence.qml").read_text()
    assert 'type="singlebandgray"' in qml and "<maxValue>1.0</maxValue>" in qml
    proba = np.random.default_rng(0).random((3, 4, 5)).astype(np.float32)
    out = write_float_raster(tmp_path / "proba.tif", proba, src, nodata=-9, band_names=list("abcde"))
    ds, array = read_tif(out)
    np.testing.assert_array_equal(array, proba.transpose(2, 0, 1))
    assert ds.GetRasterBand(5).GetDescription() == "e" and not (tmp_path / "proba.qml").exists()


def test_read_label_raster_reference(shared_data):
    labels, nodata, names = read_label_raster(shared_data / "salinas_a" / "labels.tif")
    assert labels.shape == (83, 86) and labels.dtype == np.int32 and nodata is None
    assert (labels > 0).sum() == 5348 and labels.max() == 6
    assert names[0] == "unlabelled" and names[1] == "Brocoli_green_weeds_1" and len(names) == 7


def test_read_label_raster_float_and_errors(tmp_path, make_raster):
    path = make_raster(np.array([[1.0, 2.0], [np.nan, 0.0]], np.float32), name="ref.tif")
    labels, nodata, names = read_label_raster(path)
    np.testing.assert_array_equal(labels, [[1, 2], [0, 0]])
    assert names is None
    with pytest.raises(ScdscError, match=r"label raster .*frac\.tif holds fractional values"):
        read_label_raster(make_raster(np.array([[1.5]], np.float32), name="frac.tif"))
    with pytest.raises(ScdscError, match=r"label raster .*none\.tif does not exist"):
        read_label_raster(tmp_path / "none.tif")
