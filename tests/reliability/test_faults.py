"""Faults injected into running clusterings: a full disk, a vanished output folder, an input deleted, truncated or
unreadable in one block, a memory budget, and a cancel at every stage. Each must end with a clear ScdscError or
ScdscCancelled, no partial output (previous outputs byte-identical) and untouched inputs."""
# SPDX-License-Identifier: GPL-2.0-or-later
import errno
import functools
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from osgeo import gdal

from .reliability_helpers import (FAST, REPO, digest, folder_state, partial_files, read_labels, small_values,
                                  write_small)
from scdsc_core import ScdscCancelled, ScdscError, apply_model, cluster_raster
from scdsc_core import raster as raster_module
from scdsc_core.modelfile import load_model
from tests.conftest import write_raster

gdal.UseExceptions()
SECTION = "Faults during a run"


@pytest.fixture
def workspace(tmp_path):
    """``(input folder, image, output folder)``: a small raster alone in its folder, and an empty output folder."""
    inputs, outputs = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    outputs.mkdir()
    return inputs, write_small(inputs / "image.tif"), outputs


def _all_outputs(folder):
    return dict(output=folder / "labels.tif", confidence=folder / "conf.tif", model_out=folder / "model.npz",
                report=folder / "report.html")


def _stop_when(prefix, action):
    """A progress callback that calls ``action()`` once, at the first message starting with ``prefix``."""
    done = []

    def progress(fraction, message):
        if not done and message.startswith(prefix):
            done.append(message)
            action()
    return progress, done


# ------------------------------------------------------------------------------------------------ full disk

@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs mounted for the test (root only; skipped elsewhere)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the injected ENOSPC test still runs")
    try:
        yield mount_point
    finally:
        # A file still open on it (a defect this test would have found) must not leave the mount behind.
        if subprocess.run(["umount", str(mount_point)]).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=True)
            pytest.fail("the tmpfs was busy after the test: an output file was left open")


def _fill(folder, leave_bytes):
    """Fill ``folder``'s file system but ``leave_bytes``; returns the filler's path."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    filler = folder / "filler"
    with open(filler, "wb") as stream:
        stream.write(b"\0" * max(0, free - leave_bytes))
    return filler


def test_disk_full_on_a_small_tmpfs(workspace, small_disk, robustness):
    """Free space from none up to enough: the run either writes every output completely or refuses cleanly."""
    inputs, image, reference_folder = workspace
    reference = cluster_raster(image, **_all_outputs(reference_folder), n_clusters=3, seed=0, params=FAST)
    expected = read_labels(reference.output)
    before = folder_state(inputs)
    outcomes = {}
    # 0: the first GeoTIFF fails; then a style file, the model, the report; 512 kB: everything fits.
    for leave_kb in (0, 8, 16, 24, 160, 512):
        filler = _fill(small_disk, leave_kb * 1024)
        try:
            result = cluster_raster(image, **_all_outputs(small_disk), n_clusters=3, seed=0, params=FAST)
        except ScdscError as error:
            assert "No space left on device" in str(error) and ".partial-" not in str(error), str(error)
            assert sorted(os.listdir(small_disk)) == ["filler"], "a failed run must leave nothing behind"
            outcomes[leave_kb] = ("refused", str(error))
        else:
            np.testing.assert_array_equal(read_labels(result.output), expected)
            assert load_model(result.model).n_features_in_ == 10
            assert "<svg" in open(result.report, encoding="utf-8").read()
            assert (small_disk / "labels.qml").read_bytes() == (reference_folder / "labels.qml").read_bytes()
            assert not partial_files(small_disk)
            outcomes[leave_kb] = ("accepted", "")
        for name in os.listdir(small_disk):
            os.remove(small_disk / name)
        assert not filler.exists()
    assert folder_state(inputs) == before
    refused = [kb for kb, (kind, _) in outcomes.items() if kind == "refused"]
    assert refused == [0, 8, 16, 24, 160] and outcomes[512][0] == "accepted"
    for kb in refused:
        robustness.record(SECTION, f"disk full while writing ({kb} kB free; the outputs take "
                                   f"{_allocated_kb(reference)} kB)",
                          "refused; nothing left in the output folder; inputs unchanged", outcomes[kb][1])
    robustness.record(SECTION, "disk with just enough room (tmpfs)", "accepted: every output complete")


def test_cli_reports_a_full_disk_in_one_line(workspace, small_disk, robustness):
    """The command line, with room for the rasters but not for the model: one error line, exit code 2, no
    traceback (not even one printed by a clean-up), nothing left on the disk."""
    inputs, image, _ = workspace
    _fill(small_disk, 24 * 1024)
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, "-m", "scdsc_core", "-q", "cluster", image, str(small_disk / "labels.tif"),
                           "-k", "3", "--pretrain-epochs", "2", "--epochs", "2", "--confidence",
                           str(small_disk / "conf.tif"), "--model-out", str(small_disk / "model.npz")],
                          capture_output=True, text=True, cwd=str(REPO), env=env, timeout=600)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "model.npz: No space left on device" in errors[0], done.stderr
    assert sorted(os.listdir(small_disk)) == ["filler"]
    robustness.record(SECTION, "disk full, command line", "exit code 2, one line on stderr, no traceback",
                      errors[0])


def _allocated_kb(result):
    """Disk space the outputs of ``result`` take (allocated blocks, as a file system counts them)."""
    folder = os.path.dirname(result.output)
    return round(sum(os.stat(os.path.join(folder, n)).st_blocks * 512 for n in os.listdir(folder)) / 1024)


def test_disk_full_injected_into_gdal_keeps_the_previous_output(workspace, fitted, monkeypatch, robustness):
    """ENOSPC raised by GDAL's block write (no mount needed): the previous label raster stays as it was."""
    inputs, image, outputs = workspace
    _, model = fitted
    previous = apply_model(model, image, outputs / "labels.tif", confidence=outputs / "conf.tif")
    state = folder_state(outputs)

    def no_space(self, *args, **kwargs):
        raise RuntimeError(f"TIFFAppendToStrip:Write error at scanline 0 ({os.strerror(errno.ENOSPC)})")
    monkeypatch.setattr(gdal.Band, "WriteArray", no_space)
    with pytest.raises(ScdscError, match=r"cannot write .*labels\.tif.*No space left on device") as info:
        apply_model(model, image, previous.output, confidence=previous.confidence)
    assert folder_state(outputs) == state
    robustness.record(SECTION, "disk full (ENOSPC from GDAL's write) with previous outputs in place",
                      "refused; previous outputs byte-identical", str(info.value))


def test_output_folder_removed_mid_run(workspace, robustness):
    inputs, image, outputs = workspace
    before = folder_state(inputs)
    progress, done = _stop_when("Labelling pixels", lambda: shutil.rmtree(outputs))
    with pytest.raises(ScdscError, match=r"cannot write .*labels\.tif") as info:
        cluster_raster(image, **_all_outputs(outputs), n_clusters=3, params=FAST, progress=progress)
    assert done and not outputs.exists()
    assert folder_state(inputs) == before
    robustness.record(SECTION, "output folder deleted during the run", "refused; inputs unchanged", str(info.value))


# ------------------------------------------------------------------------------------------------ inputs

def test_input_deleted_after_the_run_started(workspace, robustness):
    inputs, image, outputs = workspace
    progress, done = _stop_when("FINCH", lambda: os.remove(image))
    with pytest.raises(ScdscError, match=r"image\.tif") as info:  # the soft assignments read the pixels again
        cluster_raster(image, **_all_outputs(outputs), proba=outputs / "proba.tif", n_clusters=3, params=FAST,
                       progress=progress)
    assert done and os.listdir(outputs) == []
    robustness.record(SECTION, "input deleted during the run (before the soft assignments read it again)",
                      "refused; no output", str(info.value))


def test_input_truncated_after_the_run_started(workspace, robustness):
    inputs, image, outputs = workspace
    size = os.path.getsize(image)
    progress, done = _stop_when("FINCH", lambda: os.truncate(image, size // 2))
    with pytest.raises(ScdscError, match=r"image\.tif") as info:  # the soft assignments read the pixels again
        cluster_raster(image, **_all_outputs(outputs), proba=outputs / "proba.tif", n_clusters=3, params=FAST,
                       progress=progress)
    assert done and os.listdir(outputs) == []
    robustness.record(SECTION, "input truncated to half its size during the run", "refused; no output",
                      str(info.value))


def _corrupt_one_strip(path, row):
    """Overwrite the compressed bytes of row ``row`` of band 1 (one strip per row) with zeros."""
    dataset = gdal.Open(str(path))  # kept referenced while its band is used (GDAL 3.6 segfault pitfall)
    band = dataset.GetRasterBand(1)
    offset = int(band.GetMetadataItem(f"BLOCK_OFFSET_0_{row}", "TIFF"))
    size = int(band.GetMetadataItem(f"BLOCK_SIZE_0_{row}", "TIFF"))
    band = dataset = None
    with open(path, "r+b") as stream:
        stream.seek(offset)
        stream.write(b"\0" * size)


def test_corrupt_block_in_the_input(tmp_path, robustness):
    """A real GDAL read error in one block: a DEFLATE strip overwritten with zeros."""
    ds = gdal.GetDriverByName("GTiff").Create(str(tmp_path / "damaged.tif"), 16, 16, 10, gdal.GDT_Float32,
                                              options=["COMPRESS=DEFLATE", "BLOCKYSIZE=1", "INTERLEAVE=BAND"])
    for i, band in enumerate(small_values()):
        ds.GetRasterBand(i + 1).WriteArray(band)
    ds = None
    _corrupt_one_strip(tmp_path / "damaged.tif", 7)
    before = digest(tmp_path / "damaged.tif")
    with pytest.raises(ScdscError, match=r"damaged\.tif") as info:
        cluster_raster(tmp_path / "damaged.tif", tmp_path / "labels.tif", 3, params=FAST)
    assert not (tmp_path / "labels.tif").exists() and not partial_files(tmp_path)
    assert digest(tmp_path / "damaged.tif") == before
    robustness.record(SECTION, "input with one corrupt compressed block", "refused before any work",
                      str(info.value))


def test_read_error_in_one_block_during_inference(workspace, fitted, monkeypatch, robustness):
    """GDAL fails on one block after the input was opened and checked (monkeypatched read)."""
    inputs, image, outputs = workspace
    _, model = fitted
    before = folder_state(inputs)
    real = gdal.Dataset.ReadAsArray
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first read is the validity check at opening; the second is inference
            raise RuntimeError("TIFFReadEncodedStrip() failed")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(gdal.Dataset, "ReadAsArray", failing)
    with pytest.raises(ScdscError, match=r"cannot read .*image\.tif.*TIFFReadEncodedStrip") as info:
        apply_model(model, image, outputs / "labels.tif", confidence=outputs / "conf.tif")
    assert os.listdir(outputs) == [] and folder_state(inputs) == before
    robustness.record(SECTION, "GDAL read error in one block during inference", "refused; no output",
                      str(info.value))


# ------------------------------------------------------------------------------------------------ memory budget

def test_memory_budget_shrinks_blocks_and_keeps_the_result(workspace, monkeypatch, robustness):
    inputs, image, outputs = workspace
    row_bytes = 16 * 10 * raster_module._BYTES_PER_VALUE
    roomy = raster_module.open_raster(image)
    tight = raster_module.open_raster(image, budget_bytes=row_bytes)
    np.testing.assert_array_equal(tight.valid_mask(), roomy.valid_mask())
    blocks = list(tight.iter_blocks())
    assert len(blocks) == 16 and all(row1 - row0 == 1 for row0, row1, _ in blocks)
    np.testing.assert_array_equal(np.concatenate([b for _, _, b in blocks]), small_values().transpose(1, 2, 0))

    default = cluster_raster(image, outputs / "default.tif", 3, seed=0, params=FAST)
    monkeypatch.setattr(raster_module, "open_raster",
                        functools.partial(raster_module.open_raster, budget_bytes=2 * row_bytes))
    shrunk = cluster_raster(image, outputs / "shrunk.tif", 3, seed=0, params=FAST)
    assert digest(shrunk.output) == digest(default.output)
    robustness.record(SECTION, "memory budget of 2 image rows (blocks shrink to fit)",
                      "accepted: byte-identical label raster")


def test_memory_budget_below_one_row_is_refused(workspace, robustness):
    inputs, image, outputs = workspace
    with pytest.raises(ScdscError, match=r"memory budget of 100 bytes .* one row of .*image\.tif .* 1920 bytes") \
            as info:
        raster_module.open_raster(image, budget_bytes=100)
    robustness.record(SECTION, "memory budget smaller than one image row", "refused before any work",
                      str(info.value))


# ------------------------------------------------------------------------------------------------ cancel

# (stage as the table names it, progress message prefix at which the user presses Cancel)
STAGES = [
    ("FINCH", "FINCH: first neighbours", {}),
    ("pretraining", "Pretraining the autoencoder", {}),
    ("initialisation (FINCH start + SVD)", "Latents of the FINCH start", {}),
    ("initialisation (k-means + SVD)", "k-means on the latents", {"init": "kmeans"}),
    ("clustering", "Clustering: step", {}),
    ("inference", "Labelling pixels", {}),
    ("writing the label raster", "Writing the label raster", {}),
    ("writing the model", "Saving the model", {}),
    ("writing the report", "Writing the report", {}),
]


@pytest.mark.parametrize("stage, prefix, extra", STAGES, ids=[s for s, _, _ in STAGES])
def test_cancel_at_every_stage(workspace, robustness, stage, prefix, extra):
    """Cancel pressed during each stage, with a previous run's outputs in place: they stay byte-identical."""
    inputs, image, outputs = workspace
    params = dict(FAST, **extra)
    cluster_raster(image, **_all_outputs(outputs), n_clusters=3, seed=1, params=params)
    state, before = folder_state(outputs), folder_state(inputs)
    pressed, after_cancel = [], []

    def progress(fraction, message):
        if pressed:
            after_cancel.append(message)
        elif message.startswith(prefix):
            pressed.append(message)

    with pytest.raises(ScdscCancelled) as info:
        cluster_raster(image, **_all_outputs(outputs), n_clusters=3, seed=0, params=params, progress=progress,
                       cancelled=lambda: bool(pressed))
    assert pressed, f"the run never reached {prefix!r}"
    assert all(m.startswith(prefix.split(":")[0]) for m in after_cancel), after_cancel  # stopped in this stage
    assert folder_state(outputs) == state and folder_state(inputs) == before
    robustness.record("Cancel at every stage", f"cancel during {stage}",
                      "stopped in that stage; previous outputs byte-identical; inputs unchanged", str(info.value))
