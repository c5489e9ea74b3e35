"""The method layer (estimator, training, FINCH, network, preprocessing, sources) runs without GDAL or QGIS."""
# SPDX-License-Identifier: GPL-2.0-or-later
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import sys
    for name in ("osgeo", "qgis", "PyQt5"):   # importing any of them now fails
        sys.modules[name] = None
    import numpy as np
    from scdsc_core.model import SCDSC
    rng = np.random.default_rng(0)
    image = np.concatenate([rng.normal(0, 1, (16, 8, 10)), rng.normal(3, 1, (16, 8, 10))], axis=1)
    model = SCDSC(2, pretrain_epochs=2, epochs=2, kmeans_n_init=2, patch_size=3, finch_patch=5,
                  random_state=0).fit(image)
    assert (model.predict(image) >= 0).all()
    loaded = [m for m in sys.modules if m.split(".")[0] in ("osgeo", "qgis", "PyQt5") and sys.modules[m]]
    method = sorted(m for m in sys.modules if m.startswith("scdsc_core"))
    print(loaded, method)
""")


def test_fit_and_predict_on_an_array_import_no_gdal_and_no_qgis():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, cwd=str(REPO),
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    loaded, method = done.stdout.strip().split("] [")
    assert loaded == "["
    for io_module in ("raster", "mask", "style", "modelfile", "api", "cli", "synthetic"):
        assert f"'scdsc_core.{io_module}'" not in method, method
