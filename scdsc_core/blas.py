"""Dense linear algebra that gives the same bits in every host process: the CLI, QGIS and ``qgis_process``.

Which BLAS a call reaches depends on the process, not only on the code (issue 23):

- numpy's ``@`` calls the ``cblas_*`` symbols of whichever library the process loaded first. QGIS's executables
  (``qgis.bin``, ``qgis_process.bin``) link GSL's reference CBLAS before OpenBLAS, so inside QGIS numpy's products
  round differently, and are 4-19 times slower (docs/benchmarks.md, *BLAS inside QGIS*).
- torch's CPU products and decompositions call ``sgemm_``/``sgesdd_``/...: in a plain Python process those are the
  copies bundled in torch (MKL on x86), but QGIS's executables load the system OpenBLAS into the global symbol
  scope first (GDAL -> armadillo -> OpenBLAS), and then torch's calls resolve to it. ``LD_PRELOAD`` of the system
  ``libopenblas.so.0`` reproduces the ``qgis_process`` labels in the CLI (tests/reliability/test_blas_host.py).

The Fortran BLAS/LAPACK symbols that scipy and numpy's ``linalg`` call resolve to one library in all of these
processes (the one numpy and scipy were built against; GSL defines only ``cblas_*``). So every product and
decomposition on the method's path goes through here: :func:`matmul` and :func:`mm` call scipy's BLAS wrappers,
:func:`eigh`, :func:`qr` and :func:`svd` numpy's LAPACK, on the CPU. On CUDA they are torch's own calls (cuBLAS
is the same library in every process). The result is bit-identical for the same machine, thread count and
library versions, whatever the host process; thread counts still matter (OpenBLAS splits sums by thread).
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import contextlib

import numpy as np

__all__ = ["matmul", "mm", "eigh", "qr", "svd", "one_blas_thread"]


def _operand(m: np.ndarray):
    """``(array, trans)`` with ``array`` Fortran-ordered and ``op(array) == m``, copying only when m is neither order."""
    if m.flags.f_contiguous:
        return m, 0
    if m.flags.c_contiguous:
        return m.T, 1
    return np.asfortranarray(m), 0


def matmul(a, b) -> np.ndarray:
    """``a @ b`` for 1-D or 2-D numpy arrays through the system BLAS (``?gemm``), C-ordered result.

    float32 when both operands are float32, else float64. The result is computed as ``(b.T @ a.T).T`` so that
    C-ordered operands and the C-ordered result need no copy.

    Examples
    --------
    >>> matmul(np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]])).tolist()
    [[11.0]]
    """
    from scipy.linalg import blas

    a = np.asarray(a)
    b = np.asarray(b)
    if a.ndim == 1:
        return matmul(a[None, :], b)[0]
    if b.ndim == 1:
        return matmul(a, b[:, None])[:, 0]
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not chain")
    dtype = np.float32 if a.dtype == np.float32 and b.dtype == np.float32 else np.float64
    m, n = a.shape[0], b.shape[1]
    if m == 0 or n == 0 or a.shape[1] == 0:
        return np.zeros((m, n), dtype=dtype)
    gemm = blas.sgemm if dtype == np.float32 else blas.dgemm
    x, trans_x = _operand(b.T.astype(dtype, copy=False))
    y, trans_y = _operand(a.T.astype(dtype, copy=False))
    return gemm(1.0, x, y, trans_a=trans_x, trans_b=trans_y).T


def _cpu_mm(a, b):
    import torch

    return torch.from_numpy(matmul(a.detach().numpy(), b.detach().numpy()))


def _gemm_function():
    """The autograd function of :func:`mm` on the CPU (built once, on first use: torch is imported lazily)."""
    global _Gemm
    if _Gemm is None:
        import torch

        class Gemm(torch.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                ctx.save_for_backward(a, b)
                return _cpu_mm(a, b)

            @staticmethod
            def backward(ctx, grad):
                a, b = ctx.saved_tensors
                grad_a = _cpu_mm(grad, b.T) if ctx.needs_input_grad[0] else None
                grad_b = _cpu_mm(a.T, grad) if ctx.needs_input_grad[1] else None
                return grad_a, grad_b

        _Gemm = Gemm
    return _Gemm


_Gemm = None


def mm(a, b):
    """``a @ b`` for 2-D torch tensors, differentiable; the system BLAS on the CPU, torch's own on CUDA.

    Mixed or reduced precisions (bf16 under autocast) are computed in float32; two float64 tensors in float64.
    """
    import torch

    if a.device.type != "cpu" or b.device.type != "cpu":
        return a @ b
    dtype = torch.float64 if a.dtype == torch.float64 and b.dtype == torch.float64 else torch.float32
    a, b = a.to(dtype), b.to(dtype)
    if torch.is_grad_enabled() and (a.requires_grad or b.requires_grad):
        return _gemm_function().apply(a, b)
    return _cpu_mm(a, b)


def _numpy_of(t):
    return t.detach().cpu().numpy()


def eigh(a):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix: numpy's LAPACK for numpy arrays and CPU
    tensors (float64), ``torch.linalg.eigh`` on CUDA."""
    import torch

    if isinstance(a, np.ndarray):
        return np.linalg.eigh(a)
    if a.device.type != "cpu":
        return torch.linalg.eigh(a)
    values, vectors = np.linalg.eigh(_numpy_of(a))
    return torch.from_numpy(values).to(a.dtype), torch.from_numpy(vectors).to(a.dtype)


def qr(a):
    """Reduced QR of a matrix (numpy's LAPACK on the CPU, torch on CUDA); returns ``(q, r)`` like the input."""
    import torch

    if isinstance(a, np.ndarray):
        return np.linalg.qr(a)
    if a.device.type != "cpu":
        return torch.linalg.qr(a)
    q, r = np.linalg.qr(_numpy_of(a))
    return torch.from_numpy(q).to(a.dtype), torch.from_numpy(r).to(a.dtype)


def svd(a):
    """Thin SVD ``(u, s, vt)`` (numpy's LAPACK on the CPU, torch on CUDA)."""
    import torch

    if isinstance(a, np.ndarray):
        return np.linalg.svd(a, full_matrices=False)
    if a.device.type != "cpu":
        return torch.linalg.svd(a, full_matrices=False)
    u, s, vt = np.linalg.svd(_numpy_of(a), full_matrices=False)
    return tuple(torch.from_numpy(v).to(a.dtype) for v in (u, s, vt))


@contextlib.contextmanager
def one_blas_thread():
    """The system BLAS on one thread for the duration (torch's own thread pool is left alone).

    Used around training and labelling, whose products are small (a batch of latents times D): there a second
    thread gains nothing, while OpenBLAS's waiting threads compete with torch's for the cores (about 30 % slower
    training steps on 2 cores, docs/benchmarks.md). One thread also makes those bits independent of the BLAS
    thread count.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
