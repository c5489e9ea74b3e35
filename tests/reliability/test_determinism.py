"""The same seed on the same machine gives byte-identical label rasters from the CLI, from ``processing.run`` and
from ``qgis_process`` (every run on one torch/OpenMP thread, as the test suite runs)."""
# SPDX-License-Identifier: GPL-2.0-or-later
import ctypes.util
import os
import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from tests.conftest import planted_cube, write_raster
from tests.qgis.qgis_process_helpers import QGIS_PROCESS, make_profile, qgis_env

from .reliability_helpers import REPO, digest, read_labels

#: Subprocesses that import torch and QGIS: long, still part of `make test`.
pytestmark = pytest.mark.slow
SECTION = "Determinism"
SEED, K = 5, 3
# Only the knobs all three front ends share; everything else stays at the defaults, as a user would run it.
CLI_TUNING = ["--pretrain-epochs", "2", "--epochs", "2"]
ALG_TUNING = {"PRETRAIN_EPOCHS": 2, "EPOCHS": 2}


def _folder(root, name):
    folder = root / name
    folder.mkdir()
    return folder


def test_same_seed_same_bytes_from_cli_processing_and_qgis_process(provider, tmp_path, robustness):
    import processing

    cube, _ = planted_cube(n_classes=3, size=16, bands=10)
    image = write_raster(tmp_path / "scene.tif", cube)
    cli, algorithm, shell = (_folder(tmp_path, n) for n in ("cli", "processing", "qgis_process"))

    # The two subprocesses run while this process runs processing.run (the machine has few cores to spare).
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    cli_run = subprocess.Popen([sys.executable, "-m", "scdsc_core", "-q", "cluster", image, str(cli / "labels.tif"),
                                "-k", str(K), "--seed", str(SEED), *CLI_TUNING], cwd=str(REPO), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    scratch = _folder(tmp_path, "scratch")
    profile = make_profile(tmp_path / "profile")
    shell_run = subprocess.Popen([QGIS_PROCESS, "run", "scdsc:cluster", "--", f"INPUT={image}", f"N_CLUSTERS={K}",
                                  f"SEED={SEED}", f"OUTPUT={shell / 'labels.tif'}",
                                  *(f"{k}={v}" for k, v in ALG_TUNING.items())],
                                 cwd=str(scratch), env=qgis_env(profile, scratch), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    # Byte identity holds for the same seed, machine *and thread counts*: scikit-learn's k-means sums its
    # per-thread partial centres, so 1 and 2 OpenMP threads give different bits. The subprocesses run with
    # OMP_NUM_THREADS=1; this process limits torch to one thread (conftest) and BLAS/OpenMP here.
    with threadpool_limits(limits=1):
        processing.run("scdsc:cluster", {"INPUT": image, "N_CLUSTERS": K, "SEED": SEED,
                                         "OUTPUT": str(algorithm / "labels.tif"), **ALG_TUNING})
    for name, run in (("CLI", cli_run), ("qgis_process", shell_run)):
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, f"{name} failed:\n{stdout}\n{stderr}"

    labels = {folder.name: read_labels(folder / "labels.tif") for folder in (cli, algorithm, shell)}
    assert len({tuple(np.unique(v)) for v in labels.values()}) == 1
    for name, values in labels.items():
        np.testing.assert_array_equal(values, labels["cli"], err_msg=name)
    for output in ("labels.tif", "labels.qml", "labels.tif.aux.xml"):
        digests = {folder.name: digest(folder / output) for folder in (cli, algorithm, shell)}
        assert len(set(digests.values())) == 1, f"{output} differs between front ends: {digests}"
    robustness.record(SECTION, f"seed {SEED}: CLI, processing.run and qgis_process",
                      "byte-identical label GeoTIFF, .aux.xml and .qml")


def _host_blas_libraries():
    """The BLAS libraries QGIS's executables load into the global symbol scope before Python starts (Debian:
    GSL's CBLAS, then the system OpenBLAS through GDAL -> armadillo), as ``ldd qgis_process.bin`` lists them."""
    found = [ctypes.util.find_library(name) for name in ("gslcblas", "openblas")]
    return [name for name in found if name]


@pytest.mark.skipif(not sys.platform.startswith("linux") or len(_host_blas_libraries()) < 2,
                    reason="needs Linux with GSL's CBLAS and the system OpenBLAS (what QGIS loads there)")
def test_same_labels_when_the_host_process_preloads_its_blas(tmp_path, robustness):
    # The mechanism behind a qgis_process/CLI difference (issue 23): libraries loaded before Python take the
    # global symbol scope, so numpy's cblas_* and torch's sgemm_/LAPACK calls reach other implementations. The
    # CLI run with those libraries preloaded must write the same bytes as a plain CLI run.
    image = write_raster(tmp_path / "scene.tif", planted_cube(n_classes=3, size=16, bands=10)[0])
    outputs = {}
    for name, preload in (("plain", None), ("preloaded", " ".join(_host_blas_libraries()))):
        env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
        env.pop("LD_PRELOAD", None)
        if preload:
            env["LD_PRELOAD"] = preload
        outputs[name] = tmp_path / f"{name}.tif"
        run = subprocess.run([sys.executable, "-m", "scdsc_core", "-q", "cluster", image, str(outputs[name]),
                              "-k", str(K), "--seed", str(SEED), *CLI_TUNING], cwd=str(REPO), env=env,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"{name} failed:\n{run.stdout}\n{run.stderr}"
    np.testing.assert_array_equal(read_labels(outputs["preloaded"]), read_labels(outputs["plain"]))
    assert digest(outputs["preloaded"]) == digest(outputs["plain"])
    robustness.record(SECTION, f"seed {SEED}: CLI with QGIS's BLAS libraries preloaded ({preload})",
                      "byte-identical label GeoTIFF to a plain CLI run")
