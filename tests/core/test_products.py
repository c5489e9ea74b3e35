"""Multi-file products (issue 27, item 2): miniature Landsat Collection 2 Level-2 and EnMAP L2A products and folders
of single-band rasters, generated here with the real layouts and metadata files at a few pixels per band."""
# SPDX-License-Identifier: GPL-2.0-or-later
import csv
import os

import numpy as np
import pytest
from osgeo import gdal

from scdsc_core import api
from scdsc_core.cli import main
from scdsc_core.errors import ScdscError
from scdsc_core.modelfile import load_model
from scdsc_core.products import product_kind, read_product
from scdsc_core.raster import open_raster
from tests.conftest import write_raster

SIZE = 24
FAST = {"pretrain_epochs": 2, "epochs": 2}
TINY = ["--pretrain-epochs", "2", "--epochs", "2"]


def stripes(n_bands, seed=0):
    """(B, H, W) reflectance of 4 vertical stripes with distinct spectra, and the (H, W) class map 1..4."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.repeat(np.arange(4)[None], SIZE // 4, axis=1), SIZE, axis=0) + 1
    spectra = 0.05 + 0.4 * rng.random((4, n_bands))
    cube = spectra[labels - 1].transpose(2, 0, 1) + 0.005 * rng.standard_normal((n_bands, SIZE, SIZE))
    return cube, labels


# ---------------------------------------------------------------------------------------------------- Landsat

SCALE, OFFSET = 2.75e-05, -0.2
STEM = "LC09_L2SP_193023_20230601_20230603_02_T1"


def landsat_product(folder, *, drop_band=None, bad_line=False):
    """A Landsat 9 C2 L2 product: SR_B1..SR_B7 (uint16 DN), QA_PIXEL with a cloud block (bit 3), the MTL text."""
    os.makedirs(folder, exist_ok=True)
    reflectance, labels = stripes(7)
    files = {}
    for b in range(1, 8):
        name = f"{STEM}_SR_B{b}.TIF"
        dn = np.round((reflectance[b - 1] - OFFSET) / SCALE).astype(np.uint16)
        if b != drop_band:
            write_raster(folder / name, dn, geotransform=(400000.0, 30.0, 0.0, 5800000.0, 0.0, -30.0), nodata=0)
        files[b] = name
    qa = np.full((SIZE, SIZE), 1 << 6, np.uint16)  # clear
    qa[2:6, 2:10] = (1 << 3) | (1 << 1)            # cloud + dilated cloud
    write_raster(folder / f"{STEM}_QA_PIXEL.TIF", qa, geotransform=(400000.0, 30.0, 0.0, 5800000.0, 0.0, -30.0))
    lines = ["GROUP = LANDSAT_METADATA_FILE", "  GROUP = PRODUCT_CONTENTS", '    PROCESSING_LEVEL = "L2SP"']
    lines += [f'    FILE_NAME_BAND_{b} = "{files[b]}"' for b in range(1, 8)]
    lines += [f'    FILE_NAME_QUALITY_L1_PIXEL = "{STEM}_QA_PIXEL.TIF"', "  END_GROUP = PRODUCT_CONTENTS",
              "  GROUP = IMAGE_ATTRIBUTES", '    SPACECRAFT_ID = "LANDSAT_9"', "  END_GROUP = IMAGE_ATTRIBUTES",
              "  GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS"]
    for b in range(1, 8):
        lines += [f"    REFLECTANCE_MULT_BAND_{b} = {SCALE:.2E}", f"    REFLECTANCE_ADD_BAND_{b} = {OFFSET}"]
    lines += ["  END_GROUP = LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", "END_GROUP = LANDSAT_METADATA_FILE", "END"]
    if bad_line:
        lines.insert(3, "    THIS LINE HAS NO EQUALS SIGN")
    (folder / f"{STEM}_MTL.txt").write_text("\n".join(lines) + "\n")
    return folder / f"{STEM}_MTL.txt", reflectance, labels, qa


def test_landsat_product_clusters_with_scale_wavelengths_and_qa_mask(tmp_path, capsys):
    mtl, reflectance, labels, qa = landsat_product(tmp_path / "LC09")
    assert product_kind(mtl) == "landsat" and product_kind(tmp_path / "LC09") == "landsat"
    out, model, table = tmp_path / "labels.tif", tmp_path / "m.npz", tmp_path / "spectra.csv"
    # The folder works as well as the MTL file.
    assert main(["-q", "cluster", str(tmp_path / "LC09"), str(out), "-k", "4", "--model-out", str(model),
                 "--spectra", str(table)] + TINY) == 0
    out_ds = gdal.Open(str(out))
    result = out_ds.GetRasterBand(1).ReadAsArray()
    cloudy = (qa & 0b11111) != 0
    assert np.array_equal(result == 0, cloudy)  # QA_PIXEL bits 0-4 masked, nodata in the output
    fitted = load_model(model)
    assert fitted.wavelengths_ == [443.0, 482.0, 561.5, 654.5, 865.0, 1608.5, 2200.5]
    assert fitted.band_names_[0] == "SR_B1 (coastal aerosol)"
    # Spectra in reflectance (the MTL's scale and offset), not in DN.
    rows = list(csv.DictReader(open(table, encoding="utf-8")))
    for row in rows:
        pixels = reflectance[int(row["band"]) - 1][result == int(row["cluster"])]
        assert float(row["mean"]) == pytest.approx(pixels.mean(), abs=2 * SCALE)


def test_landsat_stack_command_writes_a_vrt_and_names_the_mask(tmp_path, capsys):
    mtl, reflectance, _, _ = landsat_product(tmp_path / "LC09")
    vrt = tmp_path / "stack.vrt"
    assert main(["stack", str(mtl), str(vrt)]) == 0
    printed = capsys.readouterr().out
    assert "QA_PIXEL.TIF|bits=0-4" in printed
    ds = gdal.Open(str(vrt))
    assert ds.RasterCount == 7 and os.path.getsize(vrt) < 20_000  # references, not pixels
    band = ds.GetRasterBand(4)
    assert band.GetScale() == pytest.approx(SCALE) and band.GetOffset() == pytest.approx(OFFSET)
    assert band.ReadAsArray()[0, 0] * SCALE + OFFSET == pytest.approx(reflectance[3, 0, 0], abs=SCALE)
    assert open_raster(vrt).wavelengths[3] == 654.5


@pytest.mark.parametrize("damage, message", [
    ({"drop_band": 5}, "band 5 file"),
    ({"bad_line": True}, "is not 'KEY = VALUE'"),
])
def test_a_damaged_landsat_product_is_one_line_naming_the_file(tmp_path, capsys, damage, message):
    mtl, *_ = landsat_product(tmp_path / "LC09", **damage)
    assert main(["-q", "cluster", str(mtl), str(tmp_path / "o.tif"), "-k", "4"] + TINY) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and STEM in err[0]
    assert not (tmp_path / "o.tif").exists()


# ---------------------------------------------------------------------------------------------------- EnMAP

ENMAP = "ENMAP01-____L2A-DT0000001867_20220724T104526Z_008_V010302_20230628T165614Z-"


def enmap_product(folder, *, n_bands=12, bad=(6,), xml_text=None):
    """An EnMAP L2A product: SPECTRAL_IMAGE.TIF (int16) and METADATA.XML with bandCharacterisation and the
    detectors' expected-channel lists (the bands in ``bad`` listed by neither)."""
    os.makedirs(folder, exist_ok=True)
    reflectance, labels = stripes(n_bands, seed=1)
    gain = 1e-4
    write_raster(folder / f"{ENMAP}SPECTRAL_IMAGE.TIF", np.round(reflectance / gain).astype(np.int16),
                 geotransform=(360000.0, 30.0, 0.0, 5810000.0, 0.0, -30.0), nodata=-32768)
    wavelengths = np.linspace(420.0, 2400.0, n_bands)
    entries = "".join(f'<bandID number="{b + 1}"><wavelengthCenterOfBand>{wavelengths[b]:.3f}'
                      f"</wavelengthCenterOfBand><FWHMOfBand>{6.5 + b * 0.1:.2f}</FWHMOfBand><GainOfBand>{gain}"
                      "</GainOfBand><OffsetOfBand>0</OffsetOfBand></bandID>" for b in range(n_bands))
    good = [b for b in range(1, n_bands + 1) if b not in bad]
    vnir, swir = good[: len(good) // 2], good[len(good) // 2:]
    text = xml_text or (
        '<?xml version="1.0" encoding="UTF-8"?><level_X><specific><bandCharacterisation>' + entries
        + "</bandCharacterisation><vnirProductQuality><expectedChannelsList>" + ",".join(map(str, vnir))
        + "</expectedChannelsList></vnirProductQuality><swirProductQuality><expectedChannelsList>"
        + ",".join(map(str, swir)) + "</expectedChannelsList></swirProductQuality></specific></level_X>")
    (folder / f"{ENMAP}METADATA.XML").write_text(text)
    return folder / f"{ENMAP}METADATA.XML", wavelengths, reflectance, labels


def test_enmap_product_takes_wavelengths_gains_and_drops_bad_bands(tmp_path):
    metadata, wavelengths, reflectance, labels = enmap_product(tmp_path / "enmap")
    assert product_kind(tmp_path / "enmap") == "enmap"
    stack = read_product(metadata)
    assert [b.bad for b in stack.bands].count(True) == 1 and stack.bands[5].bad
    model = tmp_path / "m.npz"
    result = api.fit_raster(tmp_path / "enmap", model, 4, seed=0, params=FAST, output=tmp_path / "labels.tif")
    fitted = load_model(model)
    assert fitted.n_features_in_ == 11  # band 6, in neither expected-channel list, left out
    assert fitted.wavelengths_ == pytest.approx([w for i, w in enumerate(wavelengths) if i != 5], abs=1e-3)
    assert sum(result.cluster_sizes) == SIZE * SIZE
    # apply takes the product too, and finds the same bands and wavelengths.
    again = api.apply_model(model, metadata, tmp_path / "again.tif")
    assert again.cluster_sizes == result.cluster_sizes


@pytest.mark.parametrize("xml_text, message", [
    ("<level_X><specific>", "does not parse as XML"),
    ("<level_X><specific/></level_X>", "no specific/bandCharacterisation/bandID"),
])
def test_a_bad_enmap_metadata_file_is_named(tmp_path, capsys, xml_text, message):
    metadata, *_ = enmap_product(tmp_path / "enmap", xml_text=xml_text)
    assert main(["-q", "cluster", str(metadata), str(tmp_path / "o.tif"), "-k", "4"] + TINY) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and "METADATA.XML" in err[0]


def test_enmap_metadata_and_image_disagreeing_on_bands(tmp_path):
    metadata, *_ = enmap_product(tmp_path / "enmap")
    write_raster(tmp_path / "enmap" / f"{ENMAP}SPECTRAL_IMAGE.TIF", np.ones((5, SIZE, SIZE), np.int16))
    with pytest.raises(ScdscError, match="describes 12 bands but .* has 5"):
        read_product(metadata)


# ---------------------------------------------------------------------------------------------------- folders

def band_folder(folder, *, coarse=(), other_crs=()):
    """Single-band rasters B1..B6 at 10 m (those in ``coarse`` at 20 m, block-averaged; those in ``other_crs``
    in another UTM zone)."""
    os.makedirs(folder, exist_ok=True)
    reflectance, labels = stripes(6, seed=2)
    for b in range(1, 7):
        values = reflectance[b - 1].astype(np.float32)
        gt = (500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0)
        if b in coarse:
            values = values.reshape(SIZE // 2, 2, SIZE // 2, 2).mean(axis=(1, 3))
            gt = (500000.0, 20.0, 0.0, 4000000.0, 0.0, -20.0)
        write_raster(folder / f"T33_B{b}.tif", values, geotransform=gt, epsg=32634 if b in other_crs else 32633)
    return reflectance, labels


def test_a_folder_stacks_in_natural_order_on_the_chosen_grid(tmp_path):
    band_folder(tmp_path / "bands", coarse=(5, 6))
    # Natural order: B2 before B10 even though "B10" < "B2" as text.
    write_raster(tmp_path / "bands" / "T33_B10.tif", np.zeros((SIZE, SIZE), np.float32))
    stack = read_product(tmp_path / "bands")
    assert [os.path.basename(b.path) for b in stack.bands][-2:] == ["T33_B6.tif", "T33_B10.tif"]
    os.remove(tmp_path / "bands" / "T33_B10.tif")
    fine, coarse = tmp_path / "fine.vrt", tmp_path / "coarse.vrt"
    api.stack_product(tmp_path / "bands", fine)
    api.stack_product(tmp_path / "bands", coarse, grid="coarsest", resampling="average")
    assert open_raster(fine).shape == (SIZE, SIZE) and open_raster(coarse).shape == (SIZE // 2, SIZE // 2)
    # The finest grid with nearest resampling repeats each 20 m value over its four 10 m pixels.
    fine_ds = gdal.Open(str(fine))
    band5 = fine_ds.GetRasterBand(5).ReadAsArray()
    assert np.array_equal(band5[0::2, 0::2], band5[1::2, 1::2])
    result = api.cluster_raster(tmp_path / "bands", tmp_path / "labels.tif", 4, seed=0, params=FAST)
    assert sum(result.cluster_sizes) == SIZE * SIZE


def test_bands_that_cannot_share_a_grid_are_refused(tmp_path, capsys):
    band_folder(tmp_path / "bands", other_crs=(3,))
    assert main(["-q", "cluster", str(tmp_path / "bands"), str(tmp_path / "o.tif"), "-k", "4"] + TINY) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be stacked on one grid" in err[0] and "bands" in err[0]


def test_a_gdal_subdataset_name_is_an_input(tmp_path):
    # GDAL's own view of multi-part files (a two-page GeoTIFF here; SENTINEL2_L2A:..., HDF5:... and NETCDF:...
    # names likewise): the name is opened as it is.
    reflectance, _ = stripes(8, seed=3)
    mem = gdal.GetDriverByName("MEM").Create("", SIZE, SIZE, 8, gdal.GDT_Float32)
    mem.SetGeoTransform((500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0))
    for b in range(8):
        mem.GetRasterBand(b + 1).WriteArray(reflectance[b].astype(np.float32))
    path = str(tmp_path / "pages.tif")
    gdal.Translate(path, mem, format="GTiff")
    gdal.Translate(path, mem, format="GTiff", creationOptions=["APPEND_SUBDATASET=YES"])
    names = [name for name, _ in gdal.Open(path).GetSubDatasets()]
    assert len(names) == 2 and names[1].startswith("GTIFF_DIR:")
    result = api.cluster_raster(names[1], tmp_path / "labels.tif", 4, seed=0, params=FAST)
    assert sum(result.cluster_sizes) == SIZE * SIZE
