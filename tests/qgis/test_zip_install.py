"""The zip from ``make zip`` installs into a fresh profile and runs from there with its bundled core."""
# SPDX-License-Identifier: GPL-2.0-or-later
import subprocess
import zipfile

import numpy as np
import pytest
from osgeo import gdal

from qgis_process_helpers import REPO, make_profile, qgis_env, run_json
from tests.conftest import planted_cube, write_raster

gdal.UseExceptions()


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    """``make zip`` into a temporary folder."""
    path = tmp_path_factory.mktemp("dist") / "scdsc_qgis.zip"
    subprocess.run(["make", "-s", "zip", f"ZIP={path}"], cwd=REPO, check=True, capture_output=True, timeout=120)
    return path


def test_zip_layout(plugin_zip):
    names = set(zipfile.ZipFile(plugin_zip).namelist())
    for required in ("scdsc_qgis/__init__.py", "scdsc_qgis/metadata.txt", "scdsc_qgis/resources/icon.svg",
                     "scdsc_qgis/algorithms/cluster.py", "scdsc_qgis/ext/scdsc_core/api.py",
                     "scdsc_qgis/i18n/scdsc_de.qm", "scdsc_qgis/i18n/scdsc_fr.qm"):
        assert required in names
    assert all(name.startswith("scdsc_qgis/") for name in names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)


def test_installed_zip_runs_with_its_bundled_core(plugin_zip, tmp_path):
    profile = tmp_path / "profile"
    plugins = profile / "profiles" / "default" / "python" / "plugins"
    plugins.mkdir(parents=True)
    zipfile.ZipFile(plugin_zip).extractall(plugins)  # what "Install from ZIP" does
    make_profile(profile, plugins / "scdsc_qgis")  # only enables it: the plugin is already in place
    assert (plugins / "scdsc_qgis").is_dir() and not (plugins / "scdsc_qgis").is_symlink()
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o700)
    env = qgis_env(profile, scratch)
    image = write_raster(tmp_path / "small.tif", planted_cube(n_classes=3, size=16, bands=10)[0])
    out = tmp_path / "labels.tif"
    rc, result, stdout, stderr = run_json(["run", "scdsc:cluster", "--", f"INPUT={image}", "N_CLUSTERS=3",
                                           f"OUTPUT={out}", "PRETRAIN_EPOCHS=2", "EPOCHS=2"], env, scratch)
    assert rc == 0, stdout + stderr
    assert set(np.unique(gdal.Open(str(out)).ReadAsArray())) == {1, 2, 3}
    assert f"from {plugins / 'scdsc_qgis' / 'ext' / 'scdsc_core'}" in stdout + stderr
