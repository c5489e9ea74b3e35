"""``python -m bench.finch_sweep``: settings of FINCH's approximate first-neighbour search against the exact one.

Needs the 50k-point FINCH features of the finch case (``python -m bench finch --variant 50k-features``). For each
setting (reduced dimensions, probed lists, candidates kept per list, candidates re-ranked) it prints the search
time, recall@1 against the exact first neighbours, and the ARI of FINCH's first two partitions against exact
FINCH. In-process, on the current thread settings.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

import scdsc_core.finch as finch_module

from .scenes import CACHE

#: The module constants a setting assigns, in the order of SETTINGS' tuples.
KNOBS = ("_APPROX_DIMS", "_APPROX_PROBES", "_APPROX_PER_LIST", "_APPROX_CANDIDATES")
SETTINGS = [(64, 12, 4, 16), (128, 12, 4, 16), (64, 32, 4, 32), (64, 12, 16, 48), (128, 32, 8, 64),
            (128, 12, 16, 48), (300, 12, 16, 48), (300, 24, 16, 64)]


def main() -> None:
    X = np.load(CACHE / "finch" / "features-50k.npy")
    exact_nn = finch_module.first_neighbours(X)
    exact = finch_module.finch(X, max_levels=2).partitions
    defaults = tuple(getattr(finch_module, name) for name in KNOBS)
    print("| reduced dims | probes | per list | candidates | search time | recall@1 | ARI level 0 | ARI level 1 |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        for setting in SETTINGS:
            _apply(setting)
            dims, probes, per_list, candidates = setting
            started = time.perf_counter()
            nn = finch_module.first_neighbours(X, method="approx")
            seconds = time.perf_counter() - started
            approx = finch_module.finch(X, max_levels=2, method="approx").partitions
            print(f"| {dims if dims < X.shape[1] else f'{X.shape[1]} (none)'} | {probes} | {per_list} | "
                  f"{candidates} | {seconds:.1f} s | {np.mean(nn == exact_nn):.3f} | "
                  f"{adjusted_rand_score(exact[0], approx[0]):.3f} | {adjusted_rand_score(exact[1], approx[1]):.3f} |")
    finally:
        _apply(defaults)


def _apply(setting) -> None:
    for name, value in zip(KNOBS, setting):
        setattr(finch_module, name, value)


if __name__ == "__main__":
    main()
