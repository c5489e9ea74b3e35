"""FINCH mini-clusters (§2.5): exact blockwise cosine first neighbours and the FINCH partition hierarchy.

Why about 800 lines: the exact first-neighbour search (blockwise, memory-bounded, CPU and CUDA), the FINCH
recursion, the cut to K clusters and the level selection are one algorithm with one set of tests
(tests/core/test_finch.py); the estimator and the benchmarks use it only through its public functions.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .blas import eigh, matmul, mm
from .errors import ScdscError, ScdscWarning, warn_adjustment
from .params import is_int
from .progress import Progress, as_progress

logger = logging.getLogger("scdsc_core.finch")

__all__ = ["FinchResult", "finch", "first_neighbours", "select_partition"]

# Candidates kept per query row during the float32 search; rows with more near-ties than this are redone in float64.
_TOP_K = 8
# Unit round-offs. Cosines of unit vectors in D dimensions computed by a dot product are off by at most about
# (D + 2)·u (D products and sums plus the normalisation); two such values are compared, hence the factor 4.
_U32 = float(np.finfo(np.float32).eps) / 2
_U64 = float(np.finfo(np.float64).eps) / 2
# Groups of points sharing a first neighbour up to this size get their pairs enumerated at once; bigger "hubs" are
# handled tile by tile so that a point that is everybody's neighbour never builds a dense matrix.
_SMALL_HUB = 64
_HUB_TILE = 2048
# Rows or pairs handled at once in float64 work arrays (8192 x 300 float64 = 20 MB).
_CHUNK = 8192
# Approximate search (method="approx"): reduced dimension, lists probed per point, k-means iterations, sample size.
# Measured on 50k FINCH features (300 dims; docs/benchmarks.md): a PCA-64 reduction with 4 candidates per list
# found the true first neighbour for 67 % of the points (level-0 ARI 0.20); searching the 300 dims themselves with
# 16 per list, 99.5 % (ARI 0.98) at 40 % of the exact search's time. Only wider points are reduced.
_APPROX_DIMS = 512
_APPROX_PROBES = 12
_APPROX_CANDIDATES = 48
_APPROX_PER_LIST = 16
_APPROX_KMEANS_ITER = 10
_APPROX_SAMPLE = 50_000
# Below this many points the exact search is about as fast, so "approx" uses it (FINCH's upper levels are small).
_APPROX_MIN_POINTS = 8192


@dataclass
class FinchResult:
    """The FINCH partition hierarchy of a point set.

    Attributes
    ----------
    partitions : list of ndarray of int32, shape (n,)
        One label array per kept level, partition 0 (the finest) first. Labels run ``0..c-1``; cluster 0 is the one
        holding point 0, cluster 1 the one holding the lowest point not in cluster 0, and so on.
    n_clusters : list of int
        The number of clusters of each partition (strictly decreasing).
    min_sim : float
        The early-exit threshold: the largest ``a_ij * dist(i, j)`` over the level-0 links (§2.5). Links between
        cluster means with a larger weighted distance are deleted at every later level.
    """

    partitions: List[np.ndarray] = field(default_factory=list)
    n_clusters: List[int] = field(default_factory=list)
    min_sim: float = float("nan")

    @property
    def n_levels(self) -> int:
        """The number of kept partitions."""
        return len(self.partitions)


# --------------------------------------------------------------------------------------------------------------
# First neighbours
# --------------------------------------------------------------------------------------------------------------

def first_neighbours(F, *, block_size: int = 4096, device: str = "cpu", progress: Optional[Progress] = None,
                     method: str = "exact", random_state: int = 0) -> np.ndarray:
    """The nearest other point of every row under cosine distance (FINCH's first neighbour, §2.5).

    The rows need not have unit norm: a normalised copy is searched, so ``dist(i, j) = 1 - cos(F_i, F_j)``. An
    all-zero row has cosine 0 with every point (as in scikit-learn's ``cosine_distances``).

    ``method="exact"`` (the default) is exact and never builds an n x n matrix: query blocks are multiplied with
    column tiles of ``block_size x block_size`` in float32 with torch, keeping the best few candidates per row.
    Every candidate within the float32 rounding bound of the best is then re-ranked in float64, and rows whose
    candidate list may be incomplete (many near-ties, e.g. duplicated points) are redone wholly in float64. The
    result is therefore the argmin of the float64 cosine distance, ties (equal up to float64 rounding) going to the
    lowest index, whatever ``block_size`` and ``device`` are.

    ``method="approx"`` is an approximate search for big point sets (§7, speed lever 7, §8): an inverted-file
    index in a PCA-64 space (spherical k-means on a sample gives about ``4·sqrt(n)`` lists; every point is compared
    with the members of the 12 lists nearest to it), followed by the same exact float64 re-ranking of the candidates
    found. It returns a near, not always the nearest, neighbour (never the point itself); it is deterministic for a
    given ``random_state`` on one machine. Up to 8192 points the exact search is used instead (as fast there).

    Parameters
    ----------
    F : array-like of shape (n, D)
        Points as rows, n >= 2. Must be finite.
    block_size : int, default=4096
        Rows per query block and columns per tile; memory is about ``4 * block_size**2`` bytes per tile.
    device : str, default="cpu"
        torch device for the float32 search (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ...).
    progress : Progress or None
        Checked once per query block, so a cancel stops the search within one block.
    method : {"exact", "approx"}, default="exact"
    random_state : int, default=0
        Seed of the approximate index (sampling, k-means); unused by the exact method.

    Returns
    -------
    ndarray of int64, shape (n,)
        ``k[i]``, the index of the first neighbour of point i (never i itself).

    Raises
    ------
    ScdscError
        If F is not a finite 2-D array with at least 2 rows, or a parameter is out of range.
    ScdscCancelled
        If ``progress`` reports a cancel.

    Examples
    --------
    >>> import numpy as np
    >>> first_neighbours(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])).tolist()
    [1, 0, 1]
    """
    X = _check_points(F, "F")
    _check_block_size(block_size)
    _check_method(method)
    return _first_neighbours(X, block_size, _torch_device(device), as_progress(progress), method, random_state)


def _first_neighbours(X: np.ndarray, block_size: int, device, p: Progress, method: str,
                      random_state: int) -> np.ndarray:
    """Dispatch to the exact or approximate search; arguments already checked."""
    if method == "approx" and X.shape[0] > _APPROX_MIN_POINTS:
        return _approximate_first_neighbours(X, block_size, device, p, random_state)
    return _exact_first_neighbours(X, block_size, device, p)


def _exact_first_neighbours(X: np.ndarray, block_size: int, device, p: Progress) -> np.ndarray:
    """Exact 1-NN (float32 tiles + float64 re-ranking); X is a finite (n >= 2, D) array."""
    import torch

    n, dim = X.shape
    norms = _row_norms(X)
    unit32 = _unit_rows_float32(X, norms, device)
    tol32 = 4.0 * (dim + 2) * _U32
    k = min(_TOP_K, n - 1)
    result = np.empty(n, dtype=np.int64)
    n_fallback = 0
    n_blocks = -(-n // block_size)
    for b, start in enumerate(range(0, n, block_size)):
        p(b / n_blocks, "FINCH: first neighbours")
        stop = min(start + block_size, n)
        best_vals = torch.full((stop - start, k), -np.inf, device=device)
        best_idx = torch.full((stop - start, k), -1, dtype=torch.int64, device=device)
        query = unit32[start:stop]
        for col in range(0, n, block_size):
            p.check()  # a query block against all columns takes seconds when n is large
            col_stop = min(col + block_size, n)
            sims = mm(query, unit32[col:col_stop].T)
            lo, hi = max(start, col), min(stop, col_stop)
            if lo < hi:  # this tile holds the query rows themselves: a point is not its own neighbour
                diag = torch.arange(lo, hi, device=device)
                sims[diag - start, diag - col] = -np.inf
            vals, idx = torch.topk(sims, min(k, col_stop - col), dim=1)
            merged_vals = torch.cat([best_vals, vals], dim=1)
            merged_idx = torch.cat([best_idx, idx + col], dim=1)
            best_vals, order = torch.topk(merged_vals, k, dim=1)
            best_idx = torch.gather(merged_idx, 1, order)
        best_vals = best_vals.cpu().numpy().astype(np.float64)
        best_idx = best_idx.cpu().numpy()
        near = best_vals >= best_vals[:, :1] - tol32
        # If even the k-th candidate is a near-tie and points were left out, the near-ties may not all be listed.
        incomplete = near[:, -1] & (n - 1 > k)
        complete = ~incomplete
        if complete.any():
            cand = np.where(near[complete], best_idx[complete], -1)
            result[start:stop][complete] = _rerank_candidates(X, norms, np.arange(start, stop)[complete], cand)
        if incomplete.any():
            fallback_rows = np.arange(start, stop)[incomplete]
            n_fallback += fallback_rows.size
            result[fallback_rows] = _float64_first_neighbours(X, norms, fallback_rows, block_size)
    p(1.0, "FINCH: first neighbours")
    if n_fallback:
        logger.debug("first neighbours: %d of %d rows had more than %d near-ties and were searched in float64",
                     n_fallback, n, k)
    return result


def _rerank_candidates(X: np.ndarray, norms: np.ndarray, rows: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Best candidate per row by float64 cosine, ties to the lowest index; cand is (m, c), -1 = no candidate."""
    dim = X.shape[1]
    tol64 = 4.0 * (dim + 2) * _U64
    out = np.empty(rows.size, dtype=np.int64)
    step = max(1, _CHUNK // max(cand.shape[1], 1))
    for a in range(0, rows.size, step):
        r = rows[a:a + step]
        c = cand[a:a + step]
        valid = c >= 0
        safe = np.where(valid, c, 0)
        q = _unit_rows_float64(X, norms, r)                                  # (m, D)
        v = _unit_rows_float64(X, norms, safe.ravel()).reshape(c.shape + (dim,))  # (m, c, D)
        sims = np.einsum("md,mcd->mc", q, v)
        sims[~valid] = -np.inf
        top = sims.max(axis=1, keepdims=True)
        ties = valid & (sims >= top - tol64)
        out[a:a + step] = np.where(ties, c, np.iinfo(np.int64).max).min(axis=1)
    return out


def _float64_first_neighbours(X: np.ndarray, norms: np.ndarray, rows: np.ndarray, block_size: int) -> np.ndarray:
    """Exact 1-NN of the given rows against all points in float64, ties (within rounding) to the lowest index."""
    n, dim = X.shape
    tol64 = 4.0 * (dim + 2) * _U64
    out = np.empty(rows.size, dtype=np.int64)
    for a in range(0, rows.size, block_size):
        r = rows[a:a + block_size]
        q = _unit_rows_float64(X, norms, r)
        top = np.full(r.size, -np.inf)
        for col in range(0, n, block_size):  # pass 1: the best cosine
            sims = _float64_tile(X, norms, q, r, col, min(col + block_size, n))
            top = np.maximum(top, sims.max(axis=1))
        best = np.full(r.size, -1, dtype=np.int64)
        for col in range(0, n, block_size):  # pass 2: the lowest index within rounding of it
            sims = _float64_tile(X, norms, q, r, col, min(col + block_size, n))
            hit = sims >= (top - tol64)[:, None]
            first = np.where(hit.any(axis=1), hit.argmax(axis=1) + col, -1)
            todo = (best < 0) & (first >= 0)
            best[todo] = first[todo]
        out[a:a + block_size] = best
    return out


def _float64_tile(X, norms, q, rows, col, col_stop):
    """Float64 cosines of the query rows with points col..col_stop-1, the rows themselves at -inf."""
    sims = matmul(q, _unit_rows_float64(X, norms, np.arange(col, col_stop)).T)
    own = (rows >= col) & (rows < col_stop)
    sims[np.flatnonzero(own), rows[own] - col] = -np.inf
    return sims


def _approximate_first_neighbours(X: np.ndarray, block_size: int, device, p: Progress,
                                  random_state: int) -> np.ndarray:
    """Inverted-file approximate 1-NN in a PCA-reduced space, candidates re-ranked exactly in float64.

    1. Rows wider than ``_APPROX_DIMS`` are projected on their top ``_APPROX_DIMS`` uncentred principal directions
       (fitted on a sample): inner products of unit vectors are best kept by the uncentred subspace. FINCH's
       300-value features are searched as they are (a PCA-64 reduction lost a third of the first neighbours).
    2. Spherical k-means (``_APPROX_KMEANS_ITER`` iterations, on a sample) gives ``about 4·sqrt(n)`` lists; each
       point is stored in the list of its nearest centroid.
    3. Each point is compared with the members of the ``_APPROX_PROBES`` lists nearest to it, keeping the
       ``_APPROX_PER_LIST`` best of each list and then the ``_APPROX_CANDIDATES`` best overall (reduced space);
       these are re-ranked by the exact float64 cosine.
    The cost is about ``n·(n_lists + probes·n/n_lists)·dims`` instead of ``n²·D``.
    """
    import torch

    n, dim = X.shape
    seeds = np.random.SeedSequence(random_state).spawn(3)
    norms = _row_norms(X)
    unit = _unit_rows_float32(X, norms, device)
    # 1. reduction: top eigenvectors of the sample's (uncentred) Gram matrix, accumulated in float64
    sample = np.sort(np.random.default_rng(seeds[0]).choice(n, size=min(n, _APPROX_SAMPLE), replace=False))
    sample_t = torch.from_numpy(sample).to(device)
    if dim > _APPROX_DIMS:
        gram = torch.zeros((dim, dim), dtype=torch.float64, device=device)
        for a in range(0, sample.size, _CHUNK):
            part = unit[sample_t[a:a + _CHUNK]].double()
            gram += mm(part.T, part)
        _, vectors = eigh(gram)  # ascending eigenvalues
        basis = vectors[:, -_APPROX_DIMS:].flip(1).float()
        reduced = torch.cat([mm(unit[a:a + _CHUNK], basis) for a in range(0, n, _CHUNK)])
    else:
        reduced = unit
    del unit
    # 2. coarse quantiser
    n_lists = int(min(max(1, round(4 * np.sqrt(n))), max(1, n // 8)))
    gen = torch.Generator(device="cpu").manual_seed(int(seeds[1].generate_state(1)[0]))
    train = reduced[sample_t]
    centroids = train[torch.randperm(train.shape[0], generator=gen)[:n_lists].to(device)].clone()
    for _ in range(_APPROX_KMEANS_ITER):
        p.check()
        assign = _blockwise_argmax(train, centroids, block_size)
        sums = torch.zeros_like(centroids).index_add_(0, assign, train)
        empty = torch.linalg.norm(sums, dim=1) == 0  # an empty list keeps its old centroid
        sums[empty] = centroids[empty]
        centroids = sums / torch.linalg.norm(sums, dim=1, keepdim=True).clamp_min(1e-30)
    probes = min(_APPROX_PROBES, n_lists)
    probe_lists = torch.empty((n, probes), dtype=torch.int64, device=device)
    for a in range(0, n, block_size):
        probe_lists[a:a + block_size] = torch.topk(mm(reduced[a:a + block_size], centroids.T), probes, dim=1).indices
    # 3. every point is stored in the list of its nearest centroid; each list is searched by the points that probe
    # it with one product, and its best few candidates land in that point's slot for this probe.
    home = probe_lists[:, 0]
    members_order = torch.argsort(home, stable=True)
    member_bounds = torch.searchsorted(home[members_order], torch.arange(n_lists + 1, device=device)).tolist()
    flat = probe_lists.reshape(-1)                          # entry q * probes + slot
    query_order = torch.argsort(flat, stable=True)
    query_bounds = torch.searchsorted(flat[query_order], torch.arange(n_lists + 1, device=device)).tolist()
    per_list = min(_APPROX_PER_LIST, n - 1)
    found_vals = torch.full((n * probes, per_list), -np.inf, device=device)
    found_idx = torch.full((n * probes, per_list), -1, dtype=torch.int32, device=device)  # int32: half the memory
    for lst in range(n_lists):
        if lst % 64 == 0:
            p(lst / n_lists, "FINCH: approximate first neighbours")
        members = members_order[member_bounds[lst]:member_bounds[lst + 1]]
        entries = query_order[query_bounds[lst]:query_bounds[lst + 1]]
        if members.numel() == 0 or entries.numel() == 0:
            continue
        member_vectors = reduced[members].T
        for a in range(0, entries.numel(), block_size):
            entry = entries[a:a + block_size]
            q = entry // probes
            sims = mm(reduced[q], member_vectors)
            sims[q[:, None] == members[None, :]] = -np.inf
            vals, top = torch.topk(sims, min(per_list, members.numel()), dim=1)
            found_vals[entry, :vals.shape[1]] = vals
            found_idx[entry, :vals.shape[1]] = members[top].int()
    k = min(_APPROX_CANDIDATES, probes * per_list)
    cand = np.empty((n, k), dtype=np.int64)
    for a in range(0, n, _CHUNK):
        rows = slice(a * probes, min(a + _CHUNK, n) * probes)
        vals = found_vals[rows].reshape(-1, probes * per_list)
        idx = found_idx[rows].reshape(-1, probes * per_list)
        top_vals, top = torch.topk(vals, k, dim=1)
        best = torch.gather(idx, 1, top).long()
        best[~torch.isfinite(top_vals)] = -1
        cand[a:a + best.shape[0]] = best.cpu().numpy()
    p(1.0, "FINCH: approximate first neighbours")
    lonely = cand[:, 0] < 0  # alone in every probed list (tiny lists): give it some other point to compare with
    if lonely.any():
        rows = np.flatnonzero(lonely)
        cand[rows, 0] = np.where(rows == 0, 1, 0)
    return _rerank_candidates(X, norms, np.arange(n), cand)


def _blockwise_argmax(points, centroids, block_size: int):
    """Index of the centroid with the largest inner product, per point, blockwise."""
    import torch

    return torch.cat([torch.argmax(mm(points[a:a + block_size], centroids.T), dim=1)
                      for a in range(0, points.shape[0], block_size)])


def _row_norms(X: np.ndarray) -> np.ndarray:
    """Float64 Euclidean norm of every row, computed in chunks."""
    norms = np.empty(X.shape[0], dtype=np.float64)
    for a in range(0, X.shape[0], _CHUNK):
        chunk = X[a:a + _CHUNK].astype(np.float64)
        norms[a:a + _CHUNK] = np.sqrt(np.einsum("ij,ij->i", chunk, chunk))
    return norms


def _unit_rows_float64(X: np.ndarray, norms: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The given rows scaled to unit norm in float64 (all-zero rows stay zero)."""
    scale = np.divide(1.0, norms[rows], out=np.zeros(rows.size), where=norms[rows] > 0)
    return X[rows].astype(np.float64) * scale[:, None]


def _unit_rows_float32(X: np.ndarray, norms: np.ndarray, device):
    """A float32 torch copy of X with unit rows, on ``device``."""
    import torch

    unit = torch.empty(X.shape, dtype=torch.float32, device=device)
    for a in range(0, X.shape[0], _CHUNK):
        rows = np.arange(a, min(a + _CHUNK, X.shape[0]))
        unit[a:a + rows.size] = torch.from_numpy(_unit_rows_float64(X, norms, rows).astype(np.float32)).to(device)
    return unit


def _pair_cosine_distance(X: np.ndarray, norms: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Float64 ``1 - cos(X_i, X_j)`` for index pairs, in chunks."""
    out = np.empty(i.size, dtype=np.float64)
    for a in range(0, i.size, _CHUNK):
        u = _unit_rows_float64(X, norms, i[a:a + _CHUNK])
        v = _unit_rows_float64(X, norms, j[a:a + _CHUNK])
        out[a:a + _CHUNK] = 1.0 - np.einsum("ij,ij->i", u, v)
    return out


# --------------------------------------------------------------------------------------------------------------
# FINCH
# --------------------------------------------------------------------------------------------------------------

def finch(F, *, max_levels: Optional[int] = None, block_size: int = 4096, device: str = "cpu",
          progress: Optional[Progress] = None, method: str = "exact", random_state: int = 0) -> FinchResult:
    """FINCH clustering with the semantics of the FINCH package v0.2.1 and its defaults (§2.5).

    - **Level 0.** Every point is linked to its first neighbour ``k(i)`` (cosine distance, :func:`first_neighbours`),
      and two points sharing a first neighbour are linked: i ~ j iff ``j = k(i)``, ``i = k(j)`` or
      ``k(i) = k(j)``. Partition 0 is the connected components.
    - **Early exit.** ``min_sim`` is the largest ``a_ij * dist(i, j)`` over the level-0 links, where
      ``a_ij = |{i, k(i)} ∩ {j, k(j)}|`` (2 for a mutual pair, else 1), computed once.
    - **Level l >= 1.** Each cluster is replaced by the mean of its members' rows (not renormalised); the means are
      linked by the same rule, links with ``a_ij * dist > min_sim`` are deleted, and the components merge the
      clusters of the previous level.
    - **Stop** when a level yields one cluster or no fewer clusters than the previous level; that level is
      discarded.

    Unlike the package it never builds an n x n matrix: first neighbours are found blockwise and the links are a
    sparse graph (the ``k(i) = k(j)`` links of a point that many points share are enumerated tile by tile).

    Parameters
    ----------
    F : array-like of shape (n, D)
        Points as rows (for SCDSC the L2-normalised FINCH features, §2.3), n >= 2, finite.
    max_levels : int or None, default=None
        Compute at most this many partitions (partition 0 included); None computes all of them. SCDSC needs 2.
    block_size, device, method, random_state
        Passed to :func:`first_neighbours` at every level.
    progress : Progress or None
        Progress slice for the whole hierarchy; checked once per block.

    Returns
    -------
    FinchResult

    Raises
    ------
    ScdscError
        If F is not a finite 2-D array with at least 2 rows, or a parameter is out of range.
    ScdscCancelled
        If ``progress`` reports a cancel.

    Examples
    --------
    >>> import numpy as np
    >>> pts = np.array([[1.0, 0.0], [0.99, 0.1], [0.97, 0.2], [0.0, 1.0], [0.1, 0.99], [0.2, 0.97]])
    >>> finch(pts).n_clusters
    [2]
    """
    X = _check_points(F, "F")
    _check_block_size(block_size)
    if max_levels is not None and (not is_int(max_levels) or max_levels < 1):
        raise ScdscError(f"max_levels must be None or an integer >= 1, got {max_levels!r}")
    _check_method(method)
    torch_device = _torch_device(device)
    p = as_progress(progress)
    n = X.shape[0]

    def neighbours(points, stage):
        return _first_neighbours(points, block_size, torch_device, stage, method, random_state)

    # Level 0 (the neighbour search on all n points dominates the cost: give it most of the bar).
    nn = neighbours(X, p.slice(0.0, 0.8))
    norms = _row_norms(X)
    direct_i, direct_j, direct_w = _direct_links(nn)
    direct_d = _pair_cosine_distance(X, norms, direct_i, direct_j)
    hub_max = _hub_links(X, norms, nn, threshold=None, progress=p)
    min_sim = float(max(np.max(direct_w * direct_d), hub_max))
    # Without pruning the k(i) = k(j) links add no connectivity: both points are already linked to k(i).
    labels = _components(n, direct_i, direct_j)
    partitions = [labels]
    sizes = [int(labels.max()) + 1]
    _log_partition(0, labels, sizes[0])
    logger.info("FINCH early-exit threshold min_sim = %.6g", min_sim)

    level = 1
    while max_levels is None or len(partitions) < max_levels:
        previous = sizes[-1]
        if previous == 1:  # the next level could only give one cluster again, which is discarded
            break
        stage = p.slice(0.8, 1.0).slice(1.0 - 0.5 ** (level - 1), 1.0 - 0.5 ** level)
        stage(0.0, f"FINCH: level {level}")
        means = _cluster_means(X, labels, previous)
        mean_nn = neighbours(means, stage)
        merged = _pruned_components(means, mean_nn, min_sim, p)
        count = int(merged.max()) + 1
        if count == 1 or count >= previous:
            logger.info("FINCH level %d gives %d clusters (previous level %d): stop, level discarded",
                        level, count, previous)
            break
        labels = _canonical(merged[labels])
        partitions.append(labels)
        sizes.append(count)
        _log_partition(level, labels, count)
        level += 1
    p(1.0, "FINCH: done")
    return FinchResult(partitions=partitions, n_clusters=sizes, min_sim=min_sim)


def _direct_links(nn: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links i ~ k(i) (each pair once) and their weights a_ij: 2 for a mutual pair, else 1."""
    i = np.arange(nn.size, dtype=np.int64)
    mutual = nn[nn] == i
    keep = ~mutual | (i < nn)  # a mutual pair is listed from both ends: keep one
    i, j = i[keep], nn[keep]
    return i, j, np.where(mutual[keep], 2.0, 1.0)


def _hub_links(X, norms, nn, threshold, progress: Progress):
    """The links between points sharing a first neighbour (weight 1 each).

    With ``threshold=None`` returns the largest distance over those pairs (-inf if none); otherwise returns
    ``(i, j)`` edge arrays whose connected components equal those of the pairs with distance <= threshold (big
    groups contribute a spanning forest of each tile, not every pair).
    """
    order = np.argsort(nn, kind="stable")
    group_of = nn[order]
    starts = np.flatnonzero(np.r_[True, group_of[1:] != group_of[:-1]])
    counts = np.diff(np.r_[starts, nn.size])
    want_max = threshold is None
    best = -np.inf
    edges_i: List[np.ndarray] = []
    edges_j: List[np.ndarray] = []

    small = (counts >= 2) & (counts <= _SMALL_HUB)
    if small.any():
        # Within a sorted group, positions t and t + o belong to the same group iff their group keys agree.
        in_small = np.repeat(small, counts)
        for offset in range(1, int(counts[small].max())):
            t = np.flatnonzero(in_small[:-offset] & (group_of[:-offset] == group_of[offset:]))
            if t.size == 0:
                break
            i, j = order[t], order[t + offset]
            d = _pair_cosine_distance(X, norms, i, j)
            if want_max:
                best = max(best, float(d.max()))
            else:
                ok = d <= threshold
                edges_i.append(i[ok])
                edges_j.append(j[ok])
    for g in np.flatnonzero(counts > _SMALL_HUB):
        progress.check()
        members = np.sort(order[starts[g]:starts[g] + counts[g]])
        result = _big_hub(X, norms, members, threshold)
        if want_max:
            best = max(best, result)
        else:
            edges_i.append(result[0])
            edges_j.append(result[1])
    if want_max:
        return best
    if not edges_i:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(edges_i), np.concatenate(edges_j)


def _big_hub(X, norms, members, threshold):
    """Pairs within one big group, tile by tile: the max distance, or a forest of the pairs within threshold."""
    tile = _HUB_TILE
    best = -np.inf
    edges_i, edges_j = [], []
    for a in range(0, members.size, tile):
        left = members[a:a + tile]
        u = _unit_rows_float64(X, norms, left)
        for b in range(a, members.size, tile):
            right = members[b:b + tile]
            d = 1.0 - matmul(u, _unit_rows_float64(X, norms, right).T)
            if a == b:  # each unordered pair once, no self pairs
                d[np.tril_indices(left.size)] = -np.inf if threshold is None else np.inf
            if threshold is None:
                best = max(best, float(d.max()))
                continue
            li, rj = np.nonzero(d <= threshold)
            if li.size == 0:
                continue
            # Keep a spanning forest of this tile's passing pairs: same components, at most one edge per node.
            nodes = np.unique(np.r_[left[li], right[rj]])
            local = sparse.coo_matrix((np.ones(li.size), (np.searchsorted(nodes, left[li]),
                                                          np.searchsorted(nodes, right[rj]))),
                                      shape=(nodes.size, nodes.size))
            _, comp = connected_components(local, directed=False)
            root = np.full(comp.max() + 1, -1)
            root[comp[::-1]] = np.arange(nodes.size)[::-1]  # first node of every component
            edges_i.append(nodes)
            edges_j.append(nodes[root[comp]])
    if threshold is None:
        return best
    if not edges_i:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(edges_i), np.concatenate(edges_j)


def _pruned_components(means: np.ndarray, nn: np.ndarray, min_sim: float, p: Progress) -> np.ndarray:
    """Components of the FINCH links between cluster means, links with a_ij * dist > min_sim deleted."""
    norms = _row_norms(means)
    i, j, w = _direct_links(nn)
    keep = w * _pair_cosine_distance(means, norms, i, j) <= min_sim
    hub_i, hub_j = _hub_links(means, norms, nn, threshold=min_sim, progress=p)
    return _components(means.shape[0], np.r_[i[keep], hub_i], np.r_[j[keep], hub_j])


def _components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Canonical connected-component labels (int32) of an undirected graph on n nodes given by its edges."""
    graph = sparse.coo_matrix((np.ones(i.size, dtype=np.float32), (i, j)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    return _canonical(labels)


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..c-1 in order of first appearance (the cluster of point 0 is 0), as int32."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int32)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size, dtype=np.int32)
    return rank[inverse.ravel()]


def _cluster_means(X: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Float64 mean of the rows of every cluster (sums accumulated in float64, chunk by chunk)."""
    sums = np.zeros((count, X.shape[1]), dtype=np.float64)
    for a in range(0, X.shape[0], _CHUNK):
        chunk = X[a:a + _CHUNK].astype(np.float64)
        lab = labels[a:a + _CHUNK]
        onehot = sparse.csr_matrix((np.ones(lab.size), (lab, np.arange(lab.size))), shape=(count, lab.size))
        sums += onehot @ chunk
    return sums / np.bincount(labels, minlength=count)[:, None]


def _log_partition(level: int, labels: np.ndarray, count: int) -> None:
    """Log M and the cluster sizes of one partition (§2.5: the reference never logged M)."""
    sizes = np.bincount(labels, minlength=count)
    if count <= 20:
        detail = "sizes " + ", ".join(str(s) for s in sorted(sizes.tolist(), reverse=True))
    else:
        detail = (f"sizes min {sizes.min()}, median {int(np.median(sizes))}, max {sizes.max()}; "
                  f"{int((sizes == 1).sum())} singletons")
    logger.info("FINCH partition %d: M = %d clusters; %s", level, count, detail)
    logger.debug("FINCH partition %d sizes: %s", level, sizes.tolist())


# --------------------------------------------------------------------------------------------------------------
# Choosing a partition
# --------------------------------------------------------------------------------------------------------------

def select_partition(result: FinchResult, level: int = 1, min_clusters: int = 2) -> Tuple[np.ndarray, int]:
    """The labels of one FINCH level, or of the nearest usable one (§8).

    Parameters
    ----------
    result : FinchResult
    level : int, default=1
        The requested level; SCDSC uses partition 1, "after the second iteration" (§2.5).
    min_clusters : int, default=2
        The fewest groups the partition may have (SCDSC passes K).

    Returns
    -------
    labels : ndarray of int32, shape (n,)
    level_used : int

    Warns
    -----
    ScdscWarning
        If the requested level is missing or has fewer than ``min_clusters`` groups. The coarsest level that still
        has at least ``min_clusters`` groups is used instead (the finest levels come first, so this is the one
        closest to the request); if even partition 0 has fewer, partition 0 is used.

    Raises
    ------
    ScdscError
        If ``level`` is negative or ``min_clusters`` is below 1.

    Examples
    --------
    >>> r = FinchResult([np.array([0, 1, 2, 3]), np.array([0, 0, 1, 1])], [4, 2], 0.1)
    >>> select_partition(r, level=1)[1]
    1
    """
    if not is_int(level) or level < 0:
        raise ScdscError(f"FINCH partition level must be an integer >= 0, got {level!r}")
    if not is_int(min_clusters) or min_clusters < 1:
        raise ScdscError(f"min_clusters must be an integer >= 1, got {min_clusters!r}")
    if not result.partitions:
        raise ValueError("FinchResult holds no partition")
    if level < result.n_levels and result.n_clusters[level] >= min_clusters:
        return result.partitions[level], int(level)
    usable = [lv for lv, c in enumerate(result.n_clusters) if c >= min_clusters]
    used = max(usable) if usable else 0
    if level >= result.n_levels:
        why = f"FINCH gave only {result.n_levels} level(s) (cluster counts {result.n_clusters})"
    else:
        why = f"FINCH level {level} has {result.n_clusters[level]} group(s), fewer than {min_clusters}"
    if usable:
        message = f"{why}: using level {used} with {result.n_clusters[used]} groups instead of level {level}"
    else:
        message = (f"{why}: even partition 0 has only {result.n_clusters[0]} group(s), fewer than {min_clusters}; "
                   f"using partition 0")
    warn_adjustment(logger, message)
    return result.partitions[used], int(used)


#: Above this many groups the pairwise merge of :func:`cut_to_k` would hold a large dense matrix; it refuses.
CUT_MAX_GROUPS = 4096


def cut_to_k(result: FinchResult, points, k: int) -> Tuple[np.ndarray, int]:
    """A partition of exactly ``k`` groups from a FINCH hierarchy, as FINCH's ``req_clust`` does it.

    Takes the coarsest partition that still has at least ``k`` groups; while it has more, merges the globally
    closest pair of group means (cosine distance on ``points``, the features FINCH ran on) and recomputes the
    merged mean. This is the FINCH package's (v0.2.1) way of reaching a requested cluster count.

    Parameters
    ----------
    result : FinchResult
        The hierarchy of :func:`finch` on ``points``.
    points : array of shape (n, d)
    k : int

    Returns
    -------
    labels : ndarray of int32, shape (n,), values 0..k-1
    level : int
        The partition the merges started from.

    Raises
    ------
    ScdscError
        If even the finest partition has fewer than ``k`` groups, or the starting partition has more than
        :data:`CUT_MAX_GROUPS` groups (the merge is quadratic in the number of groups).
    """
    counts = list(result.n_clusters)
    usable = [lv for lv, c in enumerate(counts) if c >= k]
    if not usable:
        raise ScdscError(f"FINCH's finest partition has {counts[0]} groups, fewer than K={k}")
    level = max(usable)
    labels = np.asarray(result.partitions[level], dtype=np.int64)
    if counts[level] > CUT_MAX_GROUPS:
        raise ScdscError(f"FINCH partition {level} has {counts[level]} groups, too many to merge down to K={k} "
                         f"(limit {CUT_MAX_GROUPS})")
    if counts[level] > k:
        labels = _merge_closest_means(np.asarray(points, dtype=np.float64), labels, k)
    return labels.astype(np.int32), int(level)


def _merge_closest_means(x: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Merge the globally closest pair of group means (cosine) until k groups remain; labels 0..k-1."""
    n_groups = int(labels.max()) + 1
    sums = np.zeros((n_groups, x.shape[1]))
    np.add.at(sums, labels, x)
    sizes = np.bincount(labels, minlength=n_groups).astype(np.float64)
    alive = np.ones(n_groups, bool)
    parent = np.arange(n_groups)

    def unit(v):
        norm = np.linalg.norm(v, axis=-1, keepdims=True)
        return v / np.where(norm > 0, norm, 1.0)

    u = unit(sums / sizes[:, None])
    dist = 1.0 - matmul(u, u.T)
    np.fill_diagonal(dist, np.inf)
    for _ in range(n_groups - k):
        a, b = sorted(np.unravel_index(np.argmin(dist), dist.shape))
        sums[a] += sums[b]
        sizes[a] += sizes[b]
        alive[b] = False
        parent[parent == b] = a
        dist[b, :] = np.inf
        dist[:, b] = np.inf
        u[a] = unit(sums[a] / sizes[a])
        row = 1.0 - matmul(u, u[a])
        row[~alive] = np.inf
        row[a] = np.inf
        dist[a, :] = row
        dist[:, a] = row
    return np.unique(parent[labels], return_inverse=True)[1]


# --------------------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------------------

def _check_points(F, name: str) -> np.ndarray:
    """F as a finite 2-D numeric array with at least 2 rows (float32/float64 kept, others cast to float32)."""
    X = np.asarray(F)
    if X.ndim != 2:
        raise ScdscError(f"{name} must be a 2-D array (points x features), got shape {X.shape}")
    if X.shape[0] < 2:
        raise ScdscError(f"{name} must have at least 2 rows (points) for a first neighbour, got {X.shape[0]}")
    if X.shape[1] < 1:
        raise ScdscError(f"{name} must have at least 1 column (feature), got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
        raise ScdscError(f"{name} must hold real numbers, got dtype {X.dtype}")
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float32)
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        raise ScdscError(f"{name} must be finite: {int(bad.sum())} row(s) hold NaN or infinity "
                         f"(first: row {int(np.flatnonzero(bad)[0])})")
    return X


def _check_method(method) -> None:
    if method not in ("exact", "approx"):
        raise ScdscError(f"method must be 'exact' or 'approx', got {method!r}")


def _check_block_size(block_size) -> None:
    if not is_int(block_size) or block_size < 1:
        raise ScdscError(f"block_size must be an integer >= 1, got {block_size!r}")


def _torch_device(device):
    """The torch device for ``device``; a CUDA device that is not available is a user error."""
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ScdscError(f"device must be a torch device such as 'cpu' or 'cuda', got {device!r}") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ScdscError(f"device {device!r} was requested but CUDA is not available; use device='cpu'")
    return dev
