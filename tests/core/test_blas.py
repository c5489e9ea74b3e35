"""scdsc_core.blas.matmul gives the same bits in a process that loaded GSL's CBLAS first, as QGIS's executables do."""
# SPDX-License-Identifier: GPL-2.0-or-later
import ctypes.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scdsc_core.blas import matmul

CHILD = r"""
import ctypes, sys
ctypes.CDLL("libgslcblas.so.0", mode=ctypes.RTLD_GLOBAL)   # what qgis.bin / qgis_process.bin load first
import numpy as np
from scdsc_core.blas import matmul
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
np.save(sys.argv[3], matmul(a, b))
np.save(sys.argv[4], a @ b)
"""


@pytest.mark.skipif(ctypes.util.find_library("gslcblas") is None, reason="GSL's CBLAS (libgslcblas0) not installed")
def test_matmul_does_not_depend_on_the_cblas_the_host_loaded(tmp_path):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3000, 103)), rng.standard_normal((103, 103))
    np.save(tmp_path / "a.npy", a)
    np.save(tmp_path / "b.npy", b)
    paths = [str(tmp_path / name) for name in ("a.npy", "b.npy", "torch.npy", "numpy.npy")]
    subprocess.run([sys.executable, "-c", CHILD, *paths], check=True, cwd=str(tmp_path.parent),
                   env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]),
                        "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})
    here = matmul(a, b)
    np.testing.assert_array_equal(np.load(paths[2]), here)          # bit for bit, whatever the host loaded
    np.testing.assert_allclose(np.load(paths[3]), a @ b, rtol=1e-10)  # numpy agrees only to rounding
    assert here.dtype == np.float64 and here.shape == (3000, 103)
