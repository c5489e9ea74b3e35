"""Tests of scdsc_core.finch: exact first neighbours and FINCH against a literal dense implementation."""
# SPDX-License-Identifier: GPL-2.0-or-later
import logging
import warnings

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from scdsc_core import finch as finch_module
from scdsc_core.errors import ScdscCancelled, ScdscError, ScdscWarning
from scdsc_core.finch import FinchResult, finch, first_neighbours, select_partition
from scdsc_core.progress import Progress


# ------------------------------------------------------------------------------------------------------------------
# A literal, dense FINCH (v0.2.1 semantics of §2.5), for small n only
# ------------------------------------------------------------------------------------------------------------------

def dense_cosine_distance(X):
    """Float64 1 - cos, rounded to 1e-10 so that ties that are ties on paper stay ties; diagonal = inf."""
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    unit = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    d = np.round(1.0 - unit @ unit.T, 10)
    np.fill_diagonal(d, np.inf)
    return d


def dense_first_neighbours(X):
    return np.argmin(dense_cosine_distance(X), axis=1)  # argmin takes the lowest index among ties


def dense_links(k):
    """Literal link rule and weight: A[i, j] = |{i, k(i)} ∩ {j, k(j)}| if j = k(i), i = k(j) or k(i) = k(j)."""
    n = k.size
    A = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j and (j == k[i] or i == k[j] or k[i] == k[j]):
                A[i, j] = len({i, k[i]} & {j, k[j]})
    return A


def canonical(labels):
    """Relabel by order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=int)
    rank[np.argsort(first)] = np.arange(first.size)
    return rank[inverse.ravel()]


def dense_finch(X):
    """The FINCH package's algorithm with dense matrices: returns (partitions, min_sim)."""
    X = np.asarray(X, dtype=np.float64)
    d = dense_cosine_distance(X)
    A = dense_links(np.argmin(d, axis=1))
    _, labels = connected_components(A > 0, directed=False)
    labels = canonical(labels)
    finite = np.where(np.isfinite(d), d, 0.0)
    min_sim = np.max(A * finite)
    partitions = [labels]
    while True:
        count = labels.max() + 1
        if count == 1:
            break
        means = np.stack([X[labels == c].mean(axis=0) for c in range(count)])
        dm = dense_cosine_distance(means)
        Am = dense_links(np.argmin(dm, axis=1))
        Am[Am * np.where(np.isfinite(dm), dm, 0.0) > min_sim] = 0
        n_comp, merged = connected_components(Am > 0, directed=False)
        if n_comp == 1 or n_comp >= count:
            break
        labels = canonical(merged[labels])
        partitions.append(labels)
    return partitions, min_sim


def blobs(n, dim, centers, spread, seed):
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centers, dim)) * 3
    return (c[rng.integers(0, centers, n)] + spread * rng.standard_normal((n, dim))).astype(np.float32)


def data_sets():
    rng = np.random.default_rng(42)
    lattice = np.array([[a, b] for a in range(1, 6) for b in range(0, 5)], dtype=np.float32)  # collinear: ties
    duplicated = np.repeat(rng.standard_normal((30, 4)).astype(np.float32), [1, 2, 3] * 10, axis=0)
    return {
        "n5": rng.standard_normal((5, 3)).astype(np.float32),
        "n12_2d": rng.standard_normal((12, 2)).astype(np.float32),
        "n80_unnormalised": (rng.standard_normal((80, 6)) * rng.uniform(0.1, 50, (80, 1))).astype(np.float32),
        "n200": rng.standard_normal((200, 10)).astype(np.float32),
        "blobs600": blobs(600, 20, 7, 0.8, seed=1),
        "lattice_ties": lattice,
        "duplicates": duplicated,
        "positive_float64": rng.uniform(0, 1, (150, 5)),
    }


DATA = data_sets()


# ------------------------------------------------------------------------------------------------------------------
# first_neighbours
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DATA))
def test_first_neighbours_equal_dense_argmin(name):
    X = DATA[name]
    expected = dense_first_neighbours(X)
    got = first_neighbours(X)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)
    assert not np.any(got == np.arange(len(X)))


@pytest.mark.parametrize("block_size", [1, 2, 3, 7, 64])
def test_first_neighbours_blockwise_equals_one_block(block_size):
    for name in ("blobs600", "duplicates", "lattice_ties"):
        X = DATA[name] if block_size >= 7 else DATA[name][:60]  # tiny blocks: keep the tile count small
        np.testing.assert_array_equal(first_neighbours(X, block_size=block_size),
                                      first_neighbours(X, block_size=len(X)))


def test_first_neighbours_ties_go_to_lowest_index():
    # Point 0 is at the same cosine distance from 1, 2 and 3; points 1..3 are all collinear with one another.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 2.0], [0.0, 3.0], [1.0, 1e-9]])
    got = first_neighbours(X, block_size=2)
    # 0 -> 4 (nearly the same direction); 1 -> 2 (2 and 3 tie at distance 0, 2 is lower); 2 -> 1; 3 -> 1; 4 -> 0
    assert got.tolist() == [4, 2, 1, 1, 0]


def test_first_neighbours_many_exact_ties_use_float64_fallback():
    # 40 copies of one direction: every point has 39 tied neighbours, more than the candidate list holds.
    X = np.vstack([np.tile([[1.0, 2.0, 3.0]], (40, 1)) * np.arange(1, 41)[:, None], [[3.0, 2.0, 1.0]]])
    got = first_neighbours(X.astype(np.float32), block_size=8)
    assert got[0] == 1
    assert (got[1:40] == 0).all()
    assert got[40] == dense_first_neighbours(X)[40]


def test_first_neighbours_zero_rows_have_cosine_zero_with_everything():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.1], [0.0, 0.0]])
    got = first_neighbours(X)
    np.testing.assert_array_equal(got, dense_first_neighbours(X))
    assert got[0] == 1 and got[3] == 0  # all cosines 0 (distance 1) except to -x: lowest index wins


def test_first_neighbours_checks_cancel_once_per_block():
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(ScdscCancelled):
        first_neighbours(DATA["n200"], block_size=10, progress=Progress(cancelled=cancelled))
    assert len(calls) == 4


def test_first_neighbours_reports_progress():
    seen = []
    first_neighbours(DATA["n200"], block_size=50, progress=Progress(lambda f, m: seen.append((f, m))))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 5
    assert "first neighbours" in seen[0][1]


@pytest.mark.parametrize("F, match", [
    (np.zeros(5), "2-D"),
    (np.zeros((1, 3)), "at least 2 rows"),
    (np.zeros((4, 0)), "at least 1 column"),
    (np.array([[1.0, 0.0], [np.nan, 1.0], [1.0, 1.0]]), r"finite: 1 row\(s\).*row 1"),
    (np.array([["a", "b"], ["c", "d"]]), "real numbers"),
])
def test_first_neighbours_rejects_bad_points(F, match):
    with pytest.raises(ScdscError, match=match):
        first_neighbours(F)


def test_first_neighbours_rejects_bad_parameters():
    X = DATA["n5"]
    with pytest.raises(ScdscError, match="block_size must be an integer >= 1, got 0"):
        first_neighbours(X, block_size=0)
    with pytest.raises(ScdscError, match="method must be 'exact' or 'approx', got 'fast'"):
        first_neighbours(X, method="fast")
    with pytest.raises(ScdscError, match="device must be a torch device.*'gpu0'"):
        first_neighbours(X, device="gpu0")


def test_missing_cuda_is_an_error():
    import torch
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(ScdscError, match="CUDA is not available"):
        first_neighbours(DATA["n5"], device="cuda")


# ------------------------------------------------------------------------------------------------------------------
# Approximate first neighbours
# ------------------------------------------------------------------------------------------------------------------

@pytest.fixture
def always_approximate(monkeypatch):
    """Use the approximate search even for the tiny test sets (it switches to exact below 8192 points)."""
    monkeypatch.setattr(finch_module, "_APPROX_MIN_POINTS", 0)


@pytest.mark.parametrize("reduced_dims", [None, 48])
def test_approximate_first_neighbours_on_clustered_data(always_approximate, monkeypatch, reduced_dims):
    if reduced_dims:  # the 100-value points are projected to fewer dimensions before the list search
        monkeypatch.setattr(finch_module, "_APPROX_DIMS", reduced_dims)
    # Clusters with a decaying variance spectrum, like PCA features of real patches.
    rng = np.random.default_rng(3)
    scales = 1.0 / np.arange(1, 101) ** 0.8
    centres = rng.standard_normal((12, 100)) * scales * 4
    X = (centres[rng.integers(0, 12, 3000)] + rng.standard_normal((3000, 100)) * scales).astype(np.float32)
    exact = first_neighbours(X)
    approx = first_neighbours(X, method="approx", random_state=5)
    assert approx.dtype == np.int64 and approx.shape == (3000,)
    assert not np.any(approx == np.arange(3000)) and approx.min() >= 0 and approx.max() < 3000
    assert np.mean(approx == exact) >= 0.95
    # The re-ranking is exact: an approximate neighbour is never nearer than the exact one.
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    cos_exact = np.einsum("ij,ij->i", unit, unit[exact])
    cos_approx = np.einsum("ij,ij->i", unit, unit[approx])
    assert np.all(cos_approx <= cos_exact + 1e-6)
    np.testing.assert_array_equal(approx, first_neighbours(X, method="approx", random_state=5))


def test_approximate_first_neighbours_tiny_inputs(always_approximate):
    for n in (2, 3, 9):
        X = DATA["n200"][:n]
        got = first_neighbours(X, method="approx")
        assert not np.any(got == np.arange(n)) and got.max() < n


def test_finch_with_approximate_neighbours_runs(always_approximate):
    X = blobs(400, 30, 5, 0.5, seed=2)
    result = finch(X, method="approx")
    assert result.n_clusters[0] < 400 and all(p.shape == (400,) for p in result.partitions)
    exact = finch(X)
    assert result.n_clusters[0] == pytest.approx(exact.n_clusters[0], rel=0.1)


def test_approximate_search_is_exact_for_small_inputs():
    X = DATA["blobs600"]
    np.testing.assert_array_equal(first_neighbours(X, method="approx"), first_neighbours(X))


# ------------------------------------------------------------------------------------------------------------------
# finch
# ------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DATA))
def test_finch_equals_dense_reference(name):
    X = DATA[name]
    expected, min_sim = dense_finch(X)
    result = finch(X, block_size=16)
    assert result.n_levels == len(expected)
    assert result.n_clusters == [int(p.max()) + 1 for p in expected]
    for got, want in zip(result.partitions, expected):
        assert got.dtype == np.int32 and got.shape == (len(X),)
        np.testing.assert_array_equal(got, want)
    assert result.min_sim == pytest.approx(min_sim, abs=1e-9)
    assert all(a > b for a, b in zip(result.n_clusters, result.n_clusters[1:]))


@pytest.mark.parametrize("seed", range(6))
def test_finch_equals_dense_reference_random(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(5, 300))
    X = blobs(n, int(rng.integers(2, 12)), int(rng.integers(1, 9)), float(rng.uniform(0.2, 3)), seed=seed)
    expected, min_sim = dense_finch(X)
    result = finch(X)
    assert len(result.partitions) == len(expected)
    for got, want in zip(result.partitions, expected):
        np.testing.assert_array_equal(got, want)
    assert result.min_sim == pytest.approx(min_sim, abs=1e-9)


def star_with_far_pair(arms=100, dim=110):
    """Tight pairs around e0 + 0.1 e_k (k = 1..arms) and at e0, plus one wide pair elsewhere.

    Level 0: every tight pair is mutual; the wide pair sets a large min_sim. Level 1: the pair means form a star
    whose centre is the first neighbour of 100 means (a "hub"), and the hub links survive the min_sim pruning.
    """
    e = np.eye(dim)
    points = []
    for k in range(1, arms + 1):
        base = e[0] + 0.1 * e[k]
        points += [base, base + 1e-4 * e[k]]
    points += [e[0], e[0] + 1e-4 * e[dim - 1]]
    points += [-e[1] - e[2], -e[1] - 0.2 * e[2]]  # far from the star, 1 - cos ≈ 0.16
    return np.array(points, dtype=np.float32)


def test_finch_with_a_big_hub_equals_dense_reference():
    X = star_with_far_pair()
    expected, min_sim = dense_finch(X)
    result = finch(X)
    assert result.n_clusters == [102, 2]  # 100 arm pairs, the centre pair and the wide pair; then the star merges
    for got, want in zip(result.partitions, expected):
        np.testing.assert_array_equal(got, want)
    assert result.min_sim == pytest.approx(min_sim, abs=1e-9)


def test_finch_hub_pairs_tile_by_tile_equal_enumeration(monkeypatch):
    # Force every shared-neighbour group through the tiled path with tiny tiles.
    monkeypatch.setattr(finch_module, "_SMALL_HUB", 1)
    monkeypatch.setattr(finch_module, "_HUB_TILE", 3)
    for X in (star_with_far_pair(), DATA["blobs600"], DATA["duplicates"]):
        expected, min_sim = dense_finch(X)
        result = finch(X)
        assert len(result.partitions) == len(expected)
        for got, want in zip(result.partitions, expected):
            np.testing.assert_array_equal(got, want)
        assert result.min_sim == pytest.approx(min_sim, abs=1e-9)


def test_finch_two_clear_groups_hand_example():
    X = np.array([[1.0, 0.0], [0.99, 0.1], [0.97, 0.2], [0.0, 1.0], [0.1, 0.99], [0.2, 0.97]])
    result = finch(X)
    assert result.n_clusters == [2]
    assert result.partitions[0].tolist() == [0, 0, 0, 1, 1, 1]
    # Level-0 links: 0-1 mutual (weight 2), 2->1 (weight 1), 0-2 share neighbour 1 (weight 1): the largest
    # weighted distance is 2 * dist(0, 1) or dist(0, 2), whichever is larger.
    d = dense_cosine_distance(X)
    assert result.min_sim == pytest.approx(max(2 * d[0, 1], d[0, 2], d[1, 2], 2 * d[3, 4], d[3, 5], d[4, 5]))


def test_finch_max_levels_keeps_the_first_partitions():
    X = DATA["blobs600"]
    full = finch(X)
    assert full.n_levels >= 3
    two = finch(X, max_levels=2)
    assert two.n_clusters == full.n_clusters[:2]
    for a, b in zip(two.partitions, full.partitions):
        np.testing.assert_array_equal(a, b)
    assert finch(X, max_levels=1).n_levels == 1


def test_finch_partitions_nest():
    result = finch(DATA["blobs600"])
    for fine, coarse in zip(result.partitions, result.partitions[1:]):
        # every fine cluster lies inside one coarse cluster
        pairs = np.unique(np.stack([fine, coarse]), axis=1)
        assert pairs.shape[1] == fine.max() + 1


def test_finch_two_points():
    result = finch(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert result.n_clusters == [1] and result.partitions[0].tolist() == [0, 0]


def test_finch_logs_cluster_counts(caplog):
    with caplog.at_level(logging.INFO, logger="scdsc_core.finch"):
        result = finch(DATA["blobs600"], max_levels=2)
    text = caplog.text
    assert f"FINCH partition 0: M = {result.n_clusters[0]} clusters" in text
    assert f"FINCH partition 1: M = {result.n_clusters[1]} clusters" in text
    assert "sizes" in text


def test_finch_cancel():
    with pytest.raises(ScdscCancelled):
        finch(DATA["blobs600"], block_size=50, progress=Progress(cancelled=lambda: True))


def test_finch_rejects_bad_parameters():
    with pytest.raises(ScdscError, match="max_levels must be None or an integer >= 1, got 0"):
        finch(DATA["n5"], max_levels=0)
    with pytest.raises(ScdscError, match="at least 2 rows"):
        finch(np.ones((1, 4)))
    with pytest.raises(ScdscError, match="method must be"):
        finch(DATA["n5"], method="hnsw")


# ------------------------------------------------------------------------------------------------------------------
# select_partition
# ------------------------------------------------------------------------------------------------------------------

def toy_result():
    n_clusters = [50, 12, 4, 2]
    return FinchResult([np.arange(60, dtype=np.int32) % c for c in n_clusters], n_clusters, 0.5)


def test_select_partition_requested_level():
    result = toy_result()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        labels, used = select_partition(result, level=1, min_clusters=5)
    assert used == 1 and labels is result.partitions[1]


@pytest.mark.parametrize("level, min_clusters, expected, message", [
    (2, 5, 1, "level 2 has 4 group"),
    (3, 3, 2, "level 3 has 2 group"),
    (7, 3, 2, "only 4 level"),
    (4, 2, 3, "only 4 level"),
])
def test_select_partition_falls_back_to_coarsest_usable_level(level, min_clusters, expected, message, caplog):
    with caplog.at_level(logging.WARNING, logger="scdsc_core.finch"):
        with pytest.warns(ScdscWarning, match=message):
            labels, used = select_partition(toy_result(), level=level, min_clusters=min_clusters)
    assert used == expected and labels.max() + 1 == toy_result().n_clusters[expected]
    assert f"using level {expected}" in caplog.text


def test_select_partition_uses_partition_0_when_nothing_has_enough_groups():
    with pytest.warns(ScdscWarning, match="even partition 0 has only 50 group"):
        _, used = select_partition(toy_result(), level=1, min_clusters=60)
    assert used == 0


def test_select_partition_rejects_bad_level():
    with pytest.raises(ScdscError, match="level must be an integer >= 0, got -1"):
        select_partition(toy_result(), level=-1)
    with pytest.raises(ScdscError, match="min_clusters must be an integer >= 1, got 0"):
        select_partition(toy_result(), min_clusters=0)


# ------------------------------------------------------------------------------------------------------------------
# cut_to_k: FINCH's req_clust
# ------------------------------------------------------------------------------------------------------------------

def naive_cut(X, labels, k):
    """Literal req_clust merging: recompute every group mean, merge the closest pair (cosine), repeat."""
    labels = np.asarray(labels).copy()
    while len(np.unique(labels)) > k:
        ids = np.unique(labels)
        means = np.stack([X[labels == g].mean(axis=0) for g in ids])
        d = dense_cosine_distance(means)
        a, b = sorted(np.unravel_index(np.argmin(d), d.shape))
        labels[labels == ids[b]] = ids[a]
    return canonical(labels)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_cut_to_k_equals_naive_merging(seed, k):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(c, 0.4, (30, 6)) for c in rng.normal(0, 2, (7, 6))]) + 5
    result = finch(X)
    labels, level = finch_module.cut_to_k(result, X, k)
    assert len(np.unique(labels)) == k and labels.dtype == np.int32 and set(np.unique(labels)) == set(range(k))
    assert level == max(lv for lv, c in enumerate(result.n_clusters) if c >= k)
    np.testing.assert_array_equal(canonical(labels), naive_cut(X, result.partitions[level], k))


def test_finch_cut_to_k_merges_the_closest_pair_of_means():
    # Four tight groups on the unit circle: angles 0, 10, 90, 180 degrees. K=3 must merge the 0/10 pair.
    rng = np.random.default_rng(0)
    angles = np.repeat(np.deg2rad([0.0, 10.0, 90.0, 180.0]), 30) + 0.002 * rng.standard_normal(120)
    points = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    start = np.repeat(np.arange(4), 30)
    merged = finch_module._merge_closest_means(points, start, 3)
    assert len(np.unique(merged)) == 3
    assert len(np.unique(merged[:60])) == 1
    assert len({merged[60], merged[90], merged[0]}) == 3


def test_cut_to_k_refuses_a_k_above_the_finest_partition():
    X = np.random.default_rng(0).normal(size=(12, 3))
    result = finch(X)
    with pytest.raises(ScdscError, match="fewer than K=12"):
        finch_module.cut_to_k(result, X, 12)
