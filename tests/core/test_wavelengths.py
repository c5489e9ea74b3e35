"""Wavelengths (issue 27, item 4): read from GDAL band metadata in any unit, carried into the model file, the label
raster's metadata and the report, and compared by apply and apply-many."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
import pytest
from osgeo import gdal

from scdsc_core import api
from scdsc_core.cli import main
from scdsc_core.errors import ScdscError
from scdsc_core.modelfile import META_KEY, WAVELENGTH_TOLERANCE_NM, load_model
from scdsc_core.raster import open_raster
from tests.conftest import planted_cube, write_raster

FAST = {"pretrain_epochs": 2, "epochs": 2}
NM = 450.0 + 20.0 * np.arange(20)


def with_wavelengths(path, values, units="Nanometers", fwhm=None):
    """Write ``wavelength`` (and ``fwhm``) band metadata, as GDAL's ENVI and product drivers do."""
    ds = gdal.Open(str(path), gdal.GA_Update)
    for i, value in enumerate(values):
        band = ds.GetRasterBand(i + 1)
        band.SetMetadataItem("wavelength", f"{value:g}")
        if units:
            band.SetMetadataItem("wavelength_units", units)
        if fwhm is not None:
            band.SetMetadataItem("fwhm", f"{fwhm[i]:g}")
    ds = None
    return str(path)


def test_an_envi_header_in_micrometres_gives_nanometres(tmp_path):
    ds = gdal.GetDriverByName("ENVI").Create(str(tmp_path / "cube.img"), 5, 4, 3, gdal.GDT_Float32)
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(np.full((4, 5), b + 1.0, np.float32))
    ds = None
    with open(tmp_path / "cube.hdr", "a") as header:
        header.write("wavelength units = Micrometers\nwavelength = {0.45, 0.55, 0.65}\nfwhm = {0.01, 0.012, 0.01}\n")
    source = open_raster(tmp_path / "cube.img")
    assert source.wavelengths == [450.0, 550.0, 650.0]
    assert source.fwhm == [10.0, 12.0, 10.0]


@pytest.mark.parametrize("units, values, expected", [
    (None, [0.45, 0.55, 0.65], [450.0, 550.0, 650.0]),      # no unit, optical range in µm
    (None, [450, 550, 650], [450.0, 550.0, 650.0]),          # no unit, in nm
    ("um", [0.45, 0.55, 0.65], [450.0, 550.0, 650.0]),
    ("furlongs", [1, 2, 3], None),                           # an unknown unit: no wavelengths
])
def test_units(tmp_path, units, values, expected):
    path = write_raster(tmp_path / "x.tif", np.ones((3, 4, 4), np.float32))
    assert open_raster(with_wavelengths(path, values, units)).wavelengths == expected


def test_wavelengths_reach_the_model_file_labels_and_report(tmp_path):
    cube, _ = planted_cube(bands=20)
    image = with_wavelengths(write_raster(tmp_path / "image.tif", cube), NM)
    out, model, report = tmp_path / "labels.tif", tmp_path / "m.npz", tmp_path / "r.html"
    api.cluster_raster(image, out, 4, seed=0, params=FAST, model_out=model, report=report)
    assert load_model(model).wavelengths_ == list(NM)
    metadata = gdal.Open(str(out)).GetMetadataItem("SCDSC_WAVELENGTHS_NM")
    assert [float(v) for v in metadata.split(",")] == list(NM)
    assert "450-830 nm (20 bands)" in report.read_text()


def test_apply_refuses_other_wavelengths_and_names_the_bands(tmp_path, capsys):
    cube, _ = planted_cube(bands=20)
    image = with_wavelengths(write_raster(tmp_path / "image.tif", cube), NM)
    model = tmp_path / "m.npz"
    assert main(["-q", "fit", image, str(model), "-k", "4", "--pretrain-epochs", "2", "--epochs", "2"]) == 0
    # Within the tolerance (one sensor, another scene's calibration): applied.
    near = with_wavelengths(write_raster(tmp_path / "near.tif", cube), NM + WAVELENGTH_TOLERANCE_NM / 2)
    assert main(["-q", "apply", str(model), near, str(tmp_path / "near_labels.tif")]) == 0
    # Another sensor's bands: refused in one line naming the first bands, nothing written.
    other = with_wavelengths(write_raster(tmp_path / "other.tif", cube), NM + 15.0)
    capsys.readouterr()
    assert main(["-q", "apply", str(model), other, str(tmp_path / "o.tif")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "band 1: 465 nm, model 450 nm" in err[0] and "and 17 more" in err[0]
    assert not (tmp_path / "o.tif").exists()
    # A scene without wavelengths cannot be compared: applied (band count still checked).
    bare = write_raster(tmp_path / "bare.tif", cube)
    assert main(["-q", "apply", str(model), bare, str(tmp_path / "bare_labels.tif")]) == 0
    # apply-many checks each input's header before any task starts.
    with pytest.raises(ScdscError, match="other wavelengths than the model"):
        from scdsc_core.distributed import apply_many
        apply_many(model, [near, other], tmp_path / "many")


def test_a_model_file_without_wavelengths_still_loads(tmp_path):
    # Files written before wavelengths were carried have no "wavelengths" key.
    import json
    import zipfile
    cube, _ = planted_cube(bands=20)
    image = write_raster(tmp_path / "image.tif", cube)
    model = tmp_path / "m.npz"
    api.fit_raster(image, model, 4, seed=0, params=FAST)
    with np.load(model, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays[META_KEY].tobytes().decode())
    assert "wavelengths" in meta
    meta.pop("wavelengths")
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    old = tmp_path / "old.npz"
    np.savez_compressed(old, **arrays)
    assert zipfile.is_zipfile(old)
    assert load_model(old).wavelengths_ is None


def test_cluster_spectra_table_and_report_plot(tmp_path):
    # Issue 25 (what users expect) and 27 (spectra in nm): the mean spectrum of each cluster, as a CSV table and
    # as the report's plot against wavelength.
    import csv
    cube, reference = planted_cube(bands=20)
    image = with_wavelengths(write_raster(tmp_path / "image.tif", cube), NM)
    out, table, report = tmp_path / "labels.tif", tmp_path / "spectra.csv", tmp_path / "r.html"
    result = api.cluster_raster(image, out, 4, seed=0, params=FAST, spectra=table, report=report)
    assert result.spectra == str(table)
    out_ds = gdal.Open(str(out))  # held while its band is read
    labels = out_ds.GetRasterBand(1).ReadAsArray().astype(int)
    rows = list(csv.DictReader(open(table, encoding="utf-8")))
    assert len(rows) == 4 * 20
    for row in rows[:40]:
        cluster, band = int(row["cluster"]), int(row["band"])
        pixels = cube[band - 1][labels == cluster]
        assert int(row["pixels"]) == pixels.size
        assert float(row["mean"]) == pytest.approx(pixels.mean(), rel=1e-5)
        assert float(row["std"]) == pytest.approx(pixels.std(), rel=1e-4, abs=1e-6)
        assert float(row["wavelength_nm"]) == NM[band - 1]
    html = report.read_text()
    assert "Cluster spectra" in html and "wavelength (nm)" in html and html.count('class="spectrum"') == 4


def test_spectra_use_the_gdal_scale_and_fall_back_to_band_numbers(tmp_path):
    cube, _ = planted_cube(bands=20)
    stored = (cube * 10000).astype(np.int16)
    path = write_raster(tmp_path / "scaled.tif", stored)
    ds = gdal.Open(path, gdal.GA_Update)
    for b in range(20):
        ds.GetRasterBand(b + 1).SetScale(0.0001)
    ds = None
    table, report = tmp_path / "s.csv", tmp_path / "r.html"
    api.cluster_raster(path, tmp_path / "l.tif", 4, seed=0, params=FAST, spectra=table, report=report)
    import csv
    means = [float(r["mean"]) for r in csv.DictReader(open(table, encoding="utf-8"))]
    assert 0.0 < min(means) and max(means) < 1.0  # reflectance, not the stored DN
    html = report.read_text()
    assert "band number (no wavelengths in the input)" in html and "scale and offset applied" in html
