"""Memory budget: what a fit or a prediction will hold, estimated from the input's sizes before anything is
allocated, against a budget (a share of this machine's RAM by default). Work that cannot fit is refused up front
with the estimate in the message, instead of dying in the middle of a run (or taking the machine with it).

The estimates count the arrays the code allocates (``model.py``, ``train.py``, ``preprocess.py``, ``api.py``),
in bytes, stage by stage: the whole-scene arrays held from start to end, plus the largest array set of any one
stage. They are upper bounds within a few tens of megabytes of interpreter and library overhead, which
``OVERHEAD`` adds. numpy only.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, Optional

from .errors import ScdscError

#: Share of the machine's RAM a run may plan to use when no budget is given: the rest is left to the OS, QGIS and
#: the page cache that GDAL reads through.
DEFAULT_SHARE = 0.75
#: Interpreter, torch, scikit-learn and GDAL themselves (measured: 311 MiB resident after importing them, on the
#: 2-core Intel host of docs/benchmarks.md), with room for the allocators' caches.
OVERHEAD = 512 * 2 ** 20
#: On top of the counted arrays: temporaries the count does not name (measured: a fast-mode fit of EnMAP Potsdam
#: peaked at 892 MiB resident against 889 MiB counted; docs/benchmarks.md, *Memory estimate*).
MARGIN = 1.15
_GIB = 2 ** 30


def machine_memory() -> Optional[int]:
    """Physical RAM in bytes (POSIX sysconf; psutil elsewhere), or None when it cannot be read."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        pass
    try:
        import psutil
        return int(psutil.virtual_memory().total)
    except Exception:  # noqa: BLE001 - any failure means "unknown"
        return None


def budget_bytes(max_memory_gib: Optional[float]) -> Optional[int]:
    """The budget in bytes: ``max_memory_gib``, or :data:`DEFAULT_SHARE` of the RAM (None when unknown)."""
    if max_memory_gib is not None:
        return int(float(max_memory_gib) * _GIB)
    total = machine_memory()
    return None if total is None else int(DEFAULT_SHARE * total)


@dataclass
class Estimate:
    """Bytes held from start to end (``resident``) and by each stage on top of them."""

    what: str
    resident: Dict[str, int]
    stages: Dict[str, int]

    @property
    def peak(self) -> int:
        return int(MARGIN * (OVERHEAD + sum(self.resident.values()) + max(self.stages.values(), default=0)))

    def largest(self) -> str:
        items = {**self.resident, **self.stages}
        name = max(items, key=items.get)
        return f"{name}, {_gib(items[name])}"


def _gib(n: int) -> str:
    return f"{n / _GIB:.1f} GiB" if n >= 0.1 * _GIB else f"{n / 2 ** 20:.0f} MiB"


def fit_estimate(height: int, width: int, n_bands: int, n_valid: int, n_train: int, n_components: int,
                 patch_size: int, finch_patch: int, finch_components: int, n_clusters: int, full_batch: bool,
                 batch_size: int = 1024, pca_sample: int = 200_000) -> Estimate:
    """What ``SCDSC.fit`` holds for an (H, W, B) scene of which ``n_train`` pixels are trained on."""
    pixels = int(height) * int(width)
    latent = 32 * patch_size ** 2  # LATENT_CHANNELS x p x p
    resident = {
        "PCA image": pixels * n_components * 4,
        "masks and label maps": pixels * (1 + 1 + 4 + 4 + 4),
        "network patches": n_train * n_components * patch_size ** 2 * 4,
    }
    sample = min(pca_sample, n_valid)
    finch_width = min(finch_components, finch_patch ** 2 * n_components)
    stages = {
        "band statistics and PCA": sample * n_bands * 8 * 2,
        "FINCH features and neighbours": n_train * (finch_width * 4 * 2 + 64),
        # The latents of every training pixel (start partition, refreshes) and one mini-batch's activations and
        # gradients (about 20 maps of the latent's size per sample through the encoder and decoder).
        "clustering: latents and one mini-batch": n_train * latent * 4 * 2 + batch_size * latent * 4 * 20
        + n_train * n_clusters * 4 * 6,
    }
    if full_batch:  # about 10 activations of N x latent floats live during a full-batch step (method doc §6.2)
        stages["full-batch training"] = n_train * latent * 4 * 10
    return Estimate(f"fitting {height} x {width} pixels x {n_bands} bands ({n_train:,} training pixels)",
                    resident, stages)


def predict_estimate(height: int, width: int, n_components: int, n_clusters: int, proba: bool,
                     what: Optional[str] = None) -> Estimate:
    """What a blockwise prediction holds: the PCA image, the label (and confidence, and soft-assignment) maps."""
    pixels = int(height) * int(width)
    resident = {"PCA image": pixels * n_components * 4, "masks and label maps": pixels * (1 + 4 + 4)}
    if proba:
        resident["soft assignments"] = pixels * n_clusters * 4
    return Estimate(what or f"labelling {height} x {width} pixels", resident, {"one block": 64 * 2 ** 20})


def require(estimate: Estimate, budget: Optional[int], hint: str) -> None:
    """ScdscError when ``estimate`` exceeds ``budget`` (nothing is checked when the budget is unknown)."""
    if budget is None or estimate.peak <= budget:
        return
    raise ScdscError(f"{estimate.what} needs about {_gib(estimate.peak)} (largest part: {estimate.largest()}) but "
                     f"the memory budget is {_gib(budget)}; {hint}")
