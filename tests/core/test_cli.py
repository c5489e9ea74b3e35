"""Tests of the command-line interface: exit codes, one-line errors, outputs."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import subprocess
import sys

import numpy as np
import pytest
from osgeo import gdal

from scdsc_core.cli import build_parser, main
from tests.conftest import REPO, planted_cube, write_raster

TINY = ["--pretrain-epochs", "4", "--epochs", "4"]


def test_help_explains_every_cluster_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["cluster", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ["--mask", "--bands", "--reference", "--confidence", "--model-out", "--mode", "--seed", "--init",
                   "--device", "--clusters"]:
        assert option in text


def test_cluster_then_evaluate(tmp_path, planted_raster, capsys):
    image, reference = planted_raster
    out = tmp_path / "labels.tif"
    assert main(["-q", "cluster", image, str(out), "-k", "4", "--reference", reference, "--seed", "2"] + TINY) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed
    oa_printed = float(next(line for line in printed.splitlines() if line.startswith("OA")).split()[1])
    assert main(["evaluate", str(out), reference]) == 0
    oa_line = capsys.readouterr().out.splitlines()[0]
    # `evaluate` on the written file agrees with the evaluation done in memory, and the clustering is far from
    # chance (0.25); accuracy itself is tested in test_model.py and measured in bench/.
    assert float(oa_line.split()[1]) == pytest.approx(oa_printed, abs=1e-4)
    assert oa_printed > 0.6


def test_bands_option_selects_bands(tmp_path, planted_raster):
    image, _ = planted_raster
    model = tmp_path / "m.npz"
    assert main(["-q", "fit", image, str(model), "-k", "4", "--bands", "1-10,12", "--init", "kmeans"] + TINY) == 0
    from scdsc_core.modelfile import load_model
    loaded = load_model(model)
    assert loaded.n_features_in_ == 11
    assert loaded.init == "kmeans" and loaded.fit_info_["init"] == "kmeans"  # --init reaches the estimator


def test_bad_input_is_one_line_without_traceback(tmp_path):
    missing = tmp_path / "nope.tif"
    proc = subprocess.run([sys.executable, "-m", "scdsc_core", "cluster", str(missing), str(tmp_path / "o.tif"),
                           "-k", "3"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "nope.tif" in errors[0]
    assert not os.path.exists(tmp_path / "o.tif")


def test_k_too_large_is_a_user_error(tmp_path, capsys):
    image = write_raster(tmp_path / "small.tif", np.random.rand(10, 12, 12).astype(np.float32))
    assert main(["-q", "cluster", image, str(tmp_path / "o.tif"), "-k", "500"] + TINY) == 2
    assert "n_clusters" in capsys.readouterr().err


def test_demo_command_writes_styled_labels_with_oa(tmp_path, capsys, monkeypatch):
    # `make demo` runs the full-size demo with the library defaults; here a smaller cut of the same generator
    # and a short training keep the suite fast while exercising the same command.
    from scdsc_core import api, synthetic
    real_cluster, real_scene = api.cluster_raster, synthetic.write_scene
    monkeypatch.setattr(synthetic, "write_scene", lambda folder, **k: real_scene(folder, width=48, height=40, **k))
    monkeypatch.setattr(api, "cluster_raster",
                        lambda *a, **k: real_cluster(*a, **{**k, "params": {"pretrain_epochs": 4, "epochs": 4}}))
    assert main(["-q", "demo", "--out", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "labels" in out and "OA" in out
    ds = gdal.Open(str(tmp_path / "demo" / "labels.tif"))
    assert ds.GetProjection() and ds.GetRasterBand(1).GetColorTable() is not None
    assert ds.GetRasterBand(1).ReadAsArray().max() <= 6
    assert os.path.exists(tmp_path / "demo" / "labels.qml")


@pytest.mark.parametrize("preset", ["paviau", "trento", "houston"])
def test_every_preset_runs_with_the_users_k(tmp_path, planted_raster, preset):
    # Issue 21: every preset failed with "unknown SCDSC parameter(s) n_clusters" (the preset carried K too).
    from scdsc_core.model import PRESETS
    from scdsc_core.modelfile import load_model

    image, _ = planted_raster
    model = tmp_path / "m.npz"
    assert main(["-q", "fit", image, str(model), "-k", "4", "--preset", preset] + TINY) == 0
    loaded = load_model(model)
    assert loaded.n_clusters == 4
    for name, value in PRESETS[preset].items():
        if name != "pretrain_epochs":  # TINY sets it: an explicit option wins over the preset
            assert getattr(loaded, name) == value, name
    assert loaded.fit_info_["settings"]["beta"] == PRESETS[preset]["beta"]


def test_a_closed_pipe_on_stdout_gives_no_traceback(tmp_path, planted_raster):
    # `scdsc evaluate ... | head -1` printed a BrokenPipeError traceback (issue 23).
    image, reference = planted_raster
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is printed
    try:
        run = subprocess.run([sys.executable, "-m", "scdsc_core", "evaluate", reference, reference],
                             stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, cwd=str(REPO),
                             timeout=300)
    finally:
        os.close(write_end)
    assert "Traceback" not in run.stderr and run.returncode == 1, run.stderr


def test_an_adjustment_is_reported_once(tmp_path):
    """A band that is NaN everywhere is left out with a warning: the CLI prints it once (the core logs it and
    also raises an ScdscWarning, which the CLI does not print again)."""
    from tests.conftest import planted_cube

    cube, _ = planted_cube(n_classes=3, size=16, bands=10)
    cube[3] = np.nan
    image = write_raster(tmp_path / "nan_band.tif", cube)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "scdsc_core", "-q", "cluster", image, str(tmp_path / "o.tif"),
                           "-k", "3", "--epochs", "2", "--pretrain-epochs", "2"], capture_output=True, text=True,
                          env=env, cwd=str(REPO), timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("bands are nodata or NaN in every pixel and are not used: 4 (band 4)") == 1, proc.stderr


def test_a_quality_band_masks_clouds_and_the_masked_pixels_are_nodata(tmp_path, capsys):
    # Issue 27: an SCL-like class band; clouds (8, 9) and shadows (3) are not clustered and are 0 in the output.
    cube, _ = planted_cube()
    image = write_raster(tmp_path / "image.tif", cube)
    scl = np.full(cube.shape[1:], 4, np.uint8)
    scl[:6, :6], scl[-6:, -6:], scl[10:12, :] = 8, 9, 3
    mask = write_raster(tmp_path / "scl.tif", scl)
    out = tmp_path / "labels.tif"
    assert main(["-q", "cluster", image, str(out), "-k", "4", "--mask", mask, "--mask-rule", "drop=3,8-10"]
                + TINY) == 0
    ds = gdal.Open(str(out))
    labels = ds.GetRasterBand(1).ReadAsArray()
    assert ds.GetRasterBand(1).GetNoDataValue() == 0
    assert np.array_equal(labels == 0, np.isin(scl, (3, 8, 9)))
    capsys.readouterr()
    assert main(["-q", "cluster", image, str(tmp_path / "o.tif"), "-k", "4", "--mask-rule", "drop=3"] + TINY) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--mask-rule needs --mask" in err[0]
    assert main(["-q", "cluster", image, str(tmp_path / "o.tif"), "-k", "4", "--mask", mask, "--mask-rule",
                 "bits=99"] + TINY) == 2
    assert "bits go from 0 to 62" in capsys.readouterr().err and not (tmp_path / "o.tif").exists()
