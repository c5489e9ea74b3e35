"""scdsc_core.blas.matmul gives the same bits in a process that loaded GSL's CBLAS first, as QGIS's executables do."""
# SPDX-License-Identifier: GPL-2.0-or-later
import ctypes.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scdsc_core.blas import matmul, one_blas_thread

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
    with one_blas_thread():  # the child's thread count: OpenBLAS may split the sums by thread (Zen 4 kernels do)
        here = matmul(a, b)
    np.testing.assert_array_equal(np.load(paths[2]), here)          # bit for bit, whatever the host loaded
    np.testing.assert_allclose(np.load(paths[3]), a @ b, rtol=1e-10)  # numpy agrees only to rounding
    assert here.dtype == np.float64 and here.shape == (3000, 103)


TORCH_CHILD = r"""
import sys
import numpy as np
import torch
from scdsc_core.blas import eigh, mm, qr, svd
torch.set_num_threads(1)
a = torch.from_numpy(np.load(sys.argv[1]))
b = a[:40].clone().requires_grad_(True)
out = mm(a, a[:40].T)
(mm(a, b.T).pow(2).sum()).backward()
sym = mm(a.T.double(), a.double())
np.savez(sys.argv[2], mm=out.numpy(), grad=b.grad.numpy(), eigh=eigh(sym)[1].numpy(), qr=qr(a.double())[0].numpy(),
         svd=svd(a[:64])[2].numpy(), plain=(a @ a[:40].T).numpy())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or ctypes.util.find_library("openblas") is None,
                    reason="needs Linux and the system OpenBLAS (what QGIS's executables load first)")
def test_torch_products_do_not_depend_on_the_blas_the_host_loaded(tmp_path):
    # In QGIS the system OpenBLAS takes the global symbol scope before torch loads, and torch's own CPU products
    # then resolve to it: blas.mm/eigh/qr/svd must give the same bits either way (issue 23).
    np.save(tmp_path / "a.npy", np.random.default_rng(1).standard_normal((500, 300)).astype(np.float32))
    results = {}
    for name, preload in (("plain", None), ("preloaded", ctypes.util.find_library("openblas"))):
        env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "OMP_NUM_THREADS": "1",
               "PATH": "/usr/bin:/bin"}
        if preload:
            env["LD_PRELOAD"] = preload
        subprocess.run([sys.executable, "-c", TORCH_CHILD, str(tmp_path / "a.npy"), str(tmp_path / f"{name}.npz")],
                       check=True, cwd=str(tmp_path), env=env)
        results[name] = np.load(tmp_path / f"{name}.npz")
    for key in ("mm", "grad", "eigh", "qr", "svd"):
        np.testing.assert_array_equal(results["preloaded"][key], results["plain"][key], err_msg=key)
    # the products agree with torch's to rounding, so nothing but the library changed
    np.testing.assert_allclose(results["plain"]["mm"], results["plain"]["plain"], rtol=1e-4, atol=1e-3)


def test_matmul_and_mm_match_numpy_for_every_memory_order():
    import torch

    from scdsc_core.blas import mm

    rng = np.random.default_rng(2)
    a = rng.standard_normal((37, 19))
    b = rng.standard_normal((19, 23))
    for x in (a, np.asfortranarray(a), a[:, ::1], rng.standard_normal((19, 37)).T):
        for y in (b, np.asfortranarray(b), rng.standard_normal((23, 19)).T):
            np.testing.assert_allclose(matmul(x, y), x @ y, rtol=1e-12, atol=1e-12)
            assert matmul(x, y).flags.c_contiguous
    assert matmul(a.astype(np.float32), b.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(matmul(a[0], b), a[0] @ b, rtol=1e-12)
    assert matmul(np.zeros((3, 0)), np.zeros((0, 4))).shape == (3, 4)
    with pytest.raises(ValueError, match="do not chain"):
        matmul(a, a)
    ta = torch.from_numpy(a).requires_grad_(True)
    tb = torch.from_numpy(b).requires_grad_(True)
    mm(ta, tb).sum().backward()
    np.testing.assert_allclose(ta.grad.numpy(), np.ones((37, 23)) @ b.T, rtol=1e-12)
    np.testing.assert_allclose(tb.grad.numpy(), a.T @ np.ones((37, 23)), rtol=1e-12)
