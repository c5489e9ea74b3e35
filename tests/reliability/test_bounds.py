"""Issue 23's sizes and names: outputs that would collide or be written in another format than their name says,
names the file system cannot hold, reference ids, band specs and thread counts that would have made a tiny input
allocate gigabytes. Each is refused before any work with one line naming the problem, through the Python API and
the command line, and leaves the output folder as it was. Every case becomes a row of docs/robustness.md."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from .reliability_helpers import FAST, REPO, folder_state, write_small
from scdsc_core import ScdscError, cluster_raster, evaluate_rasters
from scdsc_core.metrics import MAX_CLASS_ID
from scdsc_core.model import MAX_THREADS
from scdsc_core.modelfile import load_model
from tests.conftest import write_raster

SECTION = "Bad input"


def _cli(*args, cwd):
    """Run the CLI; returns (exit code, stderr lines)."""
    done = subprocess.run([sys.executable, "-m", "scdsc_core", "-q", *map(str, args)], cwd=str(cwd),
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    return done.returncode, done.stderr.strip().splitlines()


def _refused_everywhere(robustness, tmp_path, case, api_call, cli_args, match):
    """``api_call`` raises ScdscError matching ``match``; the CLI with ``cli_args`` exits 2 with that one line; the
    folder is unchanged after both."""
    before = folder_state(tmp_path)
    with pytest.raises(ScdscError, match=match) as info:
        api_call()
    assert folder_state(tmp_path) == before
    code, lines = _cli(*cli_args, cwd=tmp_path)
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), lines
    assert re.search(match, lines[0]), lines
    assert folder_state(tmp_path) == before
    robustness.record(SECTION, case, "refused", str(info.value))


@pytest.fixture
def image(tmp_path):
    return write_small(tmp_path / "in.tif")


@pytest.fixture
def labels(tmp_path, image):
    """A label raster on the grid of ``image`` (and its reference of two halves)."""
    lab = np.ones((16, 16), np.uint8)
    lab[:, 8:] = 2
    return write_raster(tmp_path / "labels.tif", lab)


# ----------------------------------------------------------------------------------------------------- outputs

@pytest.mark.parametrize("case, name, extra, match", [
    ("label output named like a style (x.qml)", "x.qml", {}, r"label raster output \S*x\.qml must end with \.tif"),
    ("label output with a .png name (a GeoTIFF would be written)", "x.png", {},
     r"label raster output \S*x\.png must end with \.tif or \.tiff"),
    ("confidence output named like the label raster's style", "lab.tif", {"confidence": "lab.qml"},
     r"confidence raster output \S*lab\.qml must end with \.tif"),
    ("label and confidence outputs whose styles are one file (lab.tif, lab.tiff)", "lab.tif",
     {"confidence": "lab.tiff"}, r"confidence raster's style and the label raster's style would be the same file"),
    ("soft assignments named like the label raster's sidecar", "lab.tif", {"proba": "lab.tif.aux.xml"},
     r"soft-assignment raster output \S*lab\.tif\.aux\.xml must end with \.tif"),
    ("model output with a .tif name", "lab.tif", {"model_out": "model.tif"}, r"model output \S*model\.tif must end "
                                                                             r"with \.npz"),
    ("output name too long for the file system once its temporary is named", "a" * 240 + ".tif", {},
     r"the name is too long for the file system"),
])
def test_output_names_are_checked_before_any_work(tmp_path, robustness, image, case, name, extra, match):
    flags = {"confidence": "--confidence", "proba": "--proba", "model_out": "--model-out"}
    cli = ["cluster", image, name, "-k", 3, "--epochs", 2, "--pretrain-epochs", 2]
    for key, value in extra.items():
        cli += [flags[key], value]
    _refused_everywhere(robustness, tmp_path, case,
                        lambda: cluster_raster(image, tmp_path / name, 3, params=FAST,
                                               **{k: tmp_path / v for k, v in extra.items()}),
                        cli, match)


def test_a_name_that_fits_is_accepted(tmp_path, image):
    """The length check refuses only what the file system cannot hold: a 200-byte name is written."""
    name = "b" * 196 + ".tif"
    cluster_raster(image, tmp_path / name, 3, params=FAST)
    assert (tmp_path / name).is_file() and (tmp_path / ("b" * 196 + ".qml")).is_file()


# -------------------------------------------------------------------------------------------------- references

@pytest.mark.parametrize("case, value, dtype", [
    ("reference with one pixel of 65535 (a nodata value left in)", 65535, np.uint16),
    ("reference with ids up to 4e9", 4_000_000_000, np.uint32),
])
def test_huge_reference_ids_are_refused_before_allocating(tmp_path, robustness, image, labels, case, value, dtype):
    ref = np.ones((16, 16), dtype)
    ref[:, 8:] = 2
    ref[0, 0] = value
    reference = write_raster(tmp_path / "ref.tif", ref)
    match = rf"reference class ids reach {value} \(ids present: 1, 2, {value}\); at most {MAX_CLASS_ID}"
    _refused_everywhere(robustness, tmp_path, f"evaluate: {case}", lambda: evaluate_rasters(labels, reference),
                        ["evaluate", labels, reference], match)
    _refused_everywhere(robustness, tmp_path, f"cluster --reference: {case}",
                        lambda: cluster_raster(image, tmp_path / "o.tif", 3, reference=reference, params=FAST),
                        ["cluster", image, "o.tif", "-k", 3, "--reference", reference, "--epochs", 2,
                         "--pretrain-epochs", 2], match)


def test_largest_allowed_class_id_is_scored(tmp_path, labels):
    ref = np.ones((16, 16), np.uint16)
    ref[:, 8:] = MAX_CLASS_ID
    ev = evaluate_rasters(labels, write_raster(tmp_path / "ref.tif", ref))
    assert ev.oa == 1.0 and ev.confusion.shape == (MAX_CLASS_ID, MAX_CLASS_ID + 1)


@pytest.mark.parametrize("case, kwargs, match", [
    ("reference with two bands", {"array": np.ones((2, 16, 16), np.uint8)}, r"has 2 bands; a label raster"),
    ("reference on a grid shifted by 10 pixels", {"geotransform": (500100.0, 10.0, 0.0, 4000000.0, 0.0, -10.0)},
     r"not on the same grid: origins differ"),
    ("reference with pixels of 20 m instead of 10 m", {"geotransform": (500000.0, 20.0, 0.0, 4000000.0, 0.0,
                                                                         -20.0)},
     r"not on the same grid: pixel sizes differ"),
    ("reference in another coordinate system", {"epsg": 4326}, r"not on the same grid: coordinate systems differ"),
])
def test_reference_on_another_grid_is_refused(tmp_path, robustness, labels, case, kwargs, match):
    kwargs = dict(kwargs)
    array = kwargs.pop("array", np.ones((16, 16), np.uint8))
    reference = write_raster(tmp_path / "ref.tif", array, **kwargs)
    _refused_everywhere(robustness, tmp_path, f"evaluate: {case}", lambda: evaluate_rasters(labels, reference),
                        ["evaluate", labels, reference], match)


# ------------------------------------------------------------------------------------------ bands and threads

@pytest.mark.parametrize("case, spec, match", [
    ("band spec 1-100000000 on a 10-band raster", "1-100000000", r"band 11-100000000 out of range: the raster "
                                                                 r"has 10 bands"),
    ("band spec with a 30-digit number", "1-" + "9" * 30, r"out of range: the raster has 10 bands"),
])
def test_band_specs_are_bounded_by_the_raster(tmp_path, robustness, image, case, spec, match):
    _refused_everywhere(robustness, tmp_path, case,
                        lambda: cluster_raster(image, tmp_path / "o.tif", 3, bands=spec, params=FAST),
                        ["cluster", image, "o.tif", "-k", 3, "--bands", spec], match)


def test_thread_counts_are_bounded_by_the_machine(tmp_path, robustness, image):
    match = rf"n_threads must be None or an integer from 1 to {MAX_THREADS} \(this machine's CPUs\), got 100000"
    _refused_everywhere(robustness, tmp_path, "100000 threads",
                        lambda: cluster_raster(image, tmp_path / "o.tif", 3, params=dict(FAST, n_threads=100000)),
                        ["cluster", image, "o.tif", "-k", 3, "--threads", 100000], match)


# ------------------------------------------------------------------------------------ values, parameters, files

@pytest.mark.parametrize("case, scale", [
    ("float64 scene multiplied by 1e200", 1e200),
    ("float64 scene of +-1e308", None),
])
def test_values_beyond_float32_are_refused(tmp_path, robustness, case, scale):
    from .reliability_helpers import small_values
    values = small_values().astype(np.float64)
    values = values * scale if scale else np.where(values > 0, 1e308, -1e308)
    image = write_raster(tmp_path / "huge.tif", values)
    _refused_everywhere(robustness, tmp_path, case,
                        lambda: cluster_raster(image, tmp_path / "o.tif", 3, params=FAST),
                        ["cluster", image, "o.tif", "-k", 3, "--epochs", 2, "--pretrain-epochs", 2],
                        r"band\(s\) 1, 2, .* beyond the float32 range")


def test_a_5000_digit_parameter_is_refused_in_one_short_line(tmp_path, robustness, image):
    with pytest.raises(ScdscError, match=r"^epochs must be None or an integer >= 1 and at most 2147483647, got an "
                                         r"integer of about 5000 digits$") as info:
        cluster_raster(image, tmp_path / "o.tif", 3, params=dict(FAST, epochs=10 ** 5000))
    assert not (tmp_path / "o.tif").exists()
    robustness.record(SECTION, "a 5000-digit integer parameter", "refused", str(info.value))


@pytest.mark.parametrize("role", ["input", "mask", "model"])
def test_pipes_and_devices_are_refused_not_read(tmp_path, robustness, image, role):
    """A FIFO would block GDAL until a writer comes (the run hung); /dev/zero would be read without end."""
    fifo = tmp_path / "pipe.tif"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.tif"
    zero.symlink_to("/dev/zero")
    for special in (fifo, zero):
        cli = {"input": ["cluster", special, "o.tif", "-k", 3],
               "mask": ["cluster", image, "o.tif", "-k", 3, "--mask", special],
               "model": ["apply", special, image, "o.tif"]}[role]
        what = {"input": "input raster", "mask": "mask", "model": "model file"}[role]
        code, lines = _cli(*cli, cwd=tmp_path)
        assert code == 2 and lines == [f"error: {what} {special} is not a regular file (a pipe, device or socket); "
                                       "give a file"], lines
        assert not (tmp_path / "o.tif").exists()
    robustness.record(SECTION, f"a FIFO or a link to /dev/zero as the {role}", "refused", lines[0][7:])


def _model_with(tmp_path, fitted, name, member, data):
    """A copy of the fitted model with one more member written as given (``data``: bytes or a chunk iterator)."""
    import shutil
    import zipfile
    path = tmp_path / name
    shutil.copy(fitted[1], path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(member, "w", force_zip64=True) as stream:
            for chunk in ([data] if isinstance(data, bytes) else data):
                stream.write(chunk)
    return path


def test_a_model_with_a_huge_member_is_refused_before_it_is_inflated(tmp_path, robustness, fitted):
    from scdsc_core.modelfile import MAX_MODEL_BYTES
    chunk = bytes(64 << 20)
    model = _model_with(tmp_path, fitted, "huge.npz", "net.extra.npy",
                        (chunk for _ in range(MAX_MODEL_BYTES // len(chunk) + 1)))
    assert model.stat().st_size < 16 << 20  # zeros compress: the file is small, its member is not
    _refused_everywhere(robustness, tmp_path, "model with a member of 1 GiB once decompressed",
                        lambda: load_model(model), ["apply", model, fitted[0], "o.tif"],
                        r"its arrays would take 1\.\d GiB once decompressed")


def test_a_model_with_an_unknown_member_is_refused_by_name(tmp_path, robustness, fitted):
    model = _model_with(tmp_path, fitted, "extra.npz", "payload.npy", b"\x93NUMPY")
    _refused_everywhere(robustness, tmp_path, "model with an unknown member",
                        lambda: load_model(model), ["apply", model, fitted[0], "o.tif"],
                        r"unexpected member\(s\) 'payload'")


def test_a_model_with_deeply_nested_metadata_is_refused(tmp_path, robustness, fitted):
    import zipfile
    path = tmp_path / "deep.npz"
    arrays = dict(np.load(fitted[1]))
    arrays["meta"] = np.frombuffer(("[" * 100000 + "]" * 100000).encode(), dtype=np.uint8)
    np.savez_compressed(path, **arrays)
    assert zipfile.is_zipfile(path)
    _refused_everywhere(robustness, tmp_path, "model whose metadata nests 100000 lists",
                        lambda: load_model(path), ["apply", path, fitted[0], "o.tif"],
                        r"the metadata is nested too deeply")


def test_a_model_trained_on_more_threads_than_this_machine_has_loads(tmp_path, fitted):
    from scdsc_core import fit_raster
    out = fit_raster(fitted[0], tmp_path / "m.npz", 3, seed=0, params=FAST).model
    arrays = dict(np.load(out))
    import json as _json
    meta = _json.loads(arrays["meta"].tobytes())
    meta["hyperparameters"]["n_threads"] = MAX_THREADS + 14
    arrays["meta"] = np.frombuffer(_json.dumps(meta).encode(), dtype=np.uint8)
    np.savez_compressed(tmp_path / "m16.npz", **arrays)
    assert load_model(tmp_path / "m16.npz").n_threads is None


# ----------------------------------------------------------------------------------------------- memory budget
# Issue 23, item 2: what a run will hold is estimated from the input's sizes before anything is allocated.

def test_a_raster_too_large_for_this_machine_is_refused_before_it_is_read(robustness, tmp_path):
    from osgeo import gdal
    gdal.UseExceptions()
    huge = str(tmp_path / "huge.vrt")  # 100,000 x 100,000 x 10 bands, no pixel stored (a sparse raster)
    gdal.GetDriverByName("VRT").Create(huge, 100_000, 100_000, 10, gdal.GDT_Float32)
    _refused_everywhere(robustness, tmp_path, "raster of 100,000 x 100,000 pixels (sparse VRT)",
                        lambda: cluster_raster(huge, tmp_path / "o.tif", 3, params=FAST),
                        ["cluster", huge, "o.tif", "-k", 3],
                        r"any run on 100000 x 100000 pixels needs about \d+\.\d GiB \(largest part: PCA image, "
                        r"\d+\.\d GiB\) but the memory budget is \d+\.\d GiB")


def test_a_fit_beyond_the_memory_budget_is_refused_with_the_estimate(robustness, tmp_path, image):
    _refused_everywhere(robustness, tmp_path, "fit with max_memory 0.01 GiB",
                        lambda: cluster_raster(image, tmp_path / "o.tif", 3, params=dict(FAST, max_memory=0.01)),
                        ["cluster", image, "o.tif", "-k", 3, "--max-memory", 0.01],
                        r"fitting 16 x 16 pixels x \d+ bands \(\d+ training pixels\) needs about [\d.]+ [GM]iB "
                        r"\(largest part: .*\) but the memory budget is 10 MiB; lower sample_size")
