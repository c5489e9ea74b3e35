"""Matrix products that do not depend on the host process's BLAS."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import numpy as np

__all__ = ["matmul"]


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for numpy arrays, computed by torch's own BLAS.

    numpy's matmul calls whichever ``cblas_*`` symbols the process loaded first. QGIS's executables (``qgis.bin``,
    ``qgis_process.bin``) link GSL's reference CBLAS before OpenBLAS, so inside QGIS numpy's products are 4-19 times
    slower and round differently from the same code in a plain Python process (docs/benchmarks.md, *BLAS inside
    QGIS*); the last bits then differ between the CLI and the plugin. Torch links its BLAS privately, so the
    result is the same in every host process.
    """
    import torch

    return (torch.from_numpy(np.ascontiguousarray(a)) @ torch.from_numpy(np.ascontiguousarray(b))).numpy()
