"""Tests of the SCDSC objective against naive loops (float64), the k-means + SVD start and the training loops."""
# SPDX-License-Identifier: GPL-2.0-or-later
import warnings

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from scdsc_core.errors import ScdscCancelled, ScdscWarning
from scdsc_core.network import ConvAutoencoder
from scdsc_core.progress import Progress
from scdsc_core import train as train_module
from scdsc_core.train import (COHERENCE_MARGIN, Adam, BoxFilter, ClusterData, TrainSettings, coherence, encode_all,
                              group_sums, kl_mean, kmeans_start, neighbour_pairs, nonlocal_batch_loss,
                              orthogonality_loss, pretrain, sharpen, soft_assign, subspace_bases, train_full_batch,
                              train_minibatch)


def _simplex(rng, n, k):
    s = rng.random((n, k)) + 0.05
    return torch.from_numpy(s / s.sum(1, keepdims=True))


def test_soft_assign_equals_the_naive_loop():
    rng = np.random.default_rng(0)
    N, L, K, d, eta = 6, 12, 3, 2, 5.0
    z = torch.from_numpy(rng.random((N, L)))
    D = torch.from_numpy(rng.normal(size=(L, K * d)))
    s = soft_assign(z, D, K, d, eta)
    expected = np.zeros((N, K))
    for i in range(N):
        for j in range(K):
            proj = z[i].numpy() @ D[:, j * d:(j + 1) * d].numpy()
            expected[i, j] = np.sum(proj ** 2) + eta * d  # squared norm (§2.9)
        expected[i] /= expected[i].sum()
    assert np.allclose(s.numpy(), expected, atol=1e-12)
    assert (s > 0).all()


def test_mini_cluster_mean_and_sharpened_target_equal_naive_loops():
    rng = np.random.default_rng(1)
    s = _simplex(rng, 10, 3)
    groups = torch.tensor([0, 1, 0, 2, 1, 1, 0, 2, 3, 0])
    sizes = torch.bincount(groups).double()
    q = group_sums(s, groups, 4) / sizes[:, None]
    for m in range(4):
        assert np.allclose(q[m].numpy(), s.numpy()[groups.numpy() == m].mean(0), atol=1e-12)
    p = sharpen(q)
    qn = q.numpy()
    w = np.array([[qn[m, j] ** 2 / sum(qn[mm, j] for mm in range(4)) for j in range(3)] for m in range(4)])
    expected = w / w.sum(1, keepdims=True)
    assert np.allclose(p.numpy(), expected, atol=1e-12)
    assert not p.requires_grad


def test_kl_mean_is_the_element_mean_and_matches_torch_kl_div_mean():
    rng = np.random.default_rng(2)
    target, pred = _simplex(rng, 5, 4), _simplex(rng, 5, 4)
    naive = sum(target[i, j] * (np.log(target[i, j]) - np.log(pred[i, j])) for i in range(5) for j in range(4)) / 20
    assert abs(float(kl_mean(target, pred)) - float(naive)) < 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert abs(float(kl_mean(target, pred)) - float(F.kl_div(pred.log(), target, reduction="mean"))) < 1e-12


def test_orthogonality_loss_equals_the_naive_formula_with_unsquared_norms():
    rng = np.random.default_rng(3)
    L, K, d = 7, 3, 2
    D = rng.normal(size=(L, K * d))
    G = D.T @ D
    diag_part = np.sqrt(sum((G[a, a] - 1) ** 2 for a in range(K * d)))
    off_part = np.sqrt(sum(G[a, b] ** 2 for a in range(K * d) for b in range(K * d) if a // d != b // d))
    value = orthogonality_loss(torch.from_numpy(D), d, 1e-3)
    assert abs(float(value) - 1e-3 * (diag_part + off_part)) < 1e-12


def _naive_box(s, rows, cols, shape, window):
    H, W = shape
    index = {(r, c): i for i, (r, c) in enumerate(zip(rows, cols))}
    radius = window // 2

    def reflect(v, n):
        return -v if v < 0 else (2 * (n - 1) - v if v >= n else v)

    out = np.zeros_like(s)
    for i, (r, c) in enumerate(zip(rows, cols)):
        total, count = np.zeros(s.shape[1]), 0
        for dr in range(-radius, radius + 1):
            for dc in range(-radius, radius + 1):
                j = index.get((reflect(r + dr, H), reflect(c + dc, W)))
                if j is not None:
                    total += s[j]
                    count += 1
        out[i] = total / count
    return out


def _dense_box(s, rows, cols, shape, window):
    """§2.11 literally: scatter into S and T, reflect-pad, avg_pool2d both, divide, gather."""
    H, W = shape
    K = s.shape[1]
    S = torch.zeros((1, K, H, W), dtype=torch.float64)
    T = torch.zeros((1, 1, H, W), dtype=torch.float64)
    S[0, :, rows, cols] = torch.from_numpy(s).T
    T[0, 0, rows, cols] = 1.0
    r = window // 2
    avg = F.avg_pool2d(F.pad(S, (r, r, r, r), mode="reflect"), window, stride=1)
    cnt = F.avg_pool2d(F.pad(T, (r, r, r, r), mode="reflect"), window, stride=1)
    return (avg / cnt)[0, :, rows, cols].T.numpy()


@pytest.mark.parametrize("window,fraction", [(3, 1.0), (7, 0.6), (5, 0.3)])
def test_masked_box_filter_equals_naive_loop_and_dense_avg_pool(window, fraction):
    rng = np.random.default_rng(4)
    shape = (9, 8)
    mask = rng.random(shape) < fraction
    mask[4, 4] = True
    rows, cols = np.nonzero(mask)
    s = rng.random((rows.size, 3))
    box = BoxFilter(rows, cols, shape, window)
    result = box(torch.from_numpy(s)).numpy()
    assert np.allclose(result, _naive_box(s, rows, cols, shape, window), atol=1e-12)
    assert np.allclose(result, _dense_box(s, rows, cols, shape, window), atol=1e-12)


def _recorder(records):
    """A training loop's ``record(rec, assignments=None)`` that keeps the records."""
    return lambda rec, assignments=None: records.append(rec)


def _data(rng, n=12, groups=(0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3, 0)):
    rows, cols = np.divmod(np.arange(n), 4)
    patches = torch.zeros((n, 1, 1, 1))
    return ClusterData.build(patches, np.array(groups), BoxFilter(rows, cols, (3, 4), 3),
                             neighbour_pairs(rows, cols, (3, 4)))


def test_nonlocal_batch_loss_with_fresh_bank_is_exact_on_the_full_batch_and_scales_gradients():
    rng = np.random.default_rng(5)
    data = _data(rng)
    n, K = 12, 3
    s_full = _simplex(rng, n, K).requires_grad_(True)
    q = group_sums(s_full, data.groups, data.n_groups) / data.group_sizes.double()[:, None]
    p = sharpen(q)
    full = kl_mean(p, q)
    full_grad, = torch.autograd.grad(full, s_full)
    bank = s_full.detach()
    sums = group_sums(bank, data.groups, data.n_groups)
    # the whole set as one batch: the estimate is the full term
    everything = torch.arange(n)
    live = bank.clone().requires_grad_(True)
    estimate = nonlocal_batch_loss(live, everything, bank, sums, p, data)
    assert abs(float(estimate.detach()) - float(full.detach())) < 1e-12
    # a batch: each batch row's gradient is N/|B| times its full-batch gradient
    idx = torch.tensor([1, 4, 8, 9])
    live = bank[idx].clone().requires_grad_(True)
    grad, = torch.autograd.grad(nonlocal_batch_loss(live, idx, bank, sums, p, data), live)
    assert torch.allclose(grad, full_grad[idx] * n / len(idx), atol=1e-12)


def _clustered_latents(rng, sizes, L=20, d=2):
    """Rows drawn from K random d-dimensional subspaces (uncentred)."""
    blocks, labels, bases = [], [], []
    for j, size in enumerate(sizes):
        basis = np.linalg.qr(rng.normal(size=(L, d)))[0]
        blocks.append(rng.normal(size=(size, d)) @ basis.T * 3 + 0.01 * rng.normal(size=(size, L)))
        labels += [j] * size
        bases.append(basis)
    return torch.from_numpy(np.concatenate(blocks)).float(), np.array(labels), bases


def test_subspace_bases_span_each_clusters_top_singular_vectors():
    rng = np.random.default_rng(6)
    Z, labels, _ = _clustered_latents(rng, [40, 30, 25])
    D = subspace_bases(Z, labels, 3, 2, torch.Generator().manual_seed(0)).double()
    assert D.shape == (20, 6) and D.dtype == torch.float64
    for j in range(3):
        _, _, vt = np.linalg.svd(Z.numpy()[labels == j].astype(np.float64), full_matrices=False)
        exact = vt[:2].T
        ours = D[:, 2 * j:2 * j + 2].numpy()
        # same subspace: the projector onto one equals the projector onto the other
        assert np.allclose(ours @ ours.T, exact @ exact.T, atol=1e-4)


def test_small_clusters_get_random_orthogonal_unit_columns_and_a_warning():
    rng = np.random.default_rng(7)
    Z, labels, _ = _clustered_latents(rng, [40, 1, 30], d=3)
    with pytest.warns(ScdscWarning, match=r"cluster\(s\) 2 \(1 member\(s\)\)"):
        D = subspace_bases(Z, labels, 3, 3, torch.Generator().manual_seed(0)).double()
    assert D.shape == (20, 9)
    assert torch.allclose(torch.linalg.vector_norm(D, dim=0), torch.ones(9, dtype=torch.float64), atol=1e-5)
    added = D[:, 4:6]  # cluster 2 keeps its one direction (column 3) and gets two random ones
    others = torch.cat([D[:, :4], D[:, 6:]], dim=1)
    assert (others.T @ added).abs().max() < 1e-5
    assert abs(float(added[:, 0] @ added[:, 1])) < 1e-5


def test_kmeans_start_is_seeded_and_finds_separated_groups():
    rng = np.random.default_rng(8)
    Z = torch.from_numpy(np.concatenate([rng.normal(0, 0.1, (30, 5)), rng.normal(3, 0.1, (30, 5))])).float()
    a = kmeans_start(Z, 2, 3, seed=1, sample=0, rng=np.random.default_rng(0))
    b = kmeans_start(Z, 2, 3, seed=1, sample=20, rng=np.random.default_rng(0))
    assert len(set(a[:30])) == 1 and len(set(a[30:])) == 1 and a[0] != a[30]
    assert np.array_equal(a == a[0], b == b[0])


def _tiny_problem(seed=0, n_side=8):
    g = torch.Generator().manual_seed(seed)
    rows, cols = np.divmod(np.arange(n_side * n_side), n_side)
    patches = torch.randn((n_side * n_side, 4, 3, 3), generator=g)
    patches[cols >= n_side // 2] += 1.5
    groups = (rows // 2) * (n_side // 2) + cols // 2
    data = ClusterData.build(patches, groups, BoxFilter(rows, cols, (n_side, n_side), 3),
                             neighbour_pairs(rows, cols, (n_side, n_side)))
    net = ConvAutoencoder(4, 8, generator=torch.Generator().manual_seed(seed))
    return net, data


def _settings(**kw):
    base = dict(n_clusters=2, subspace_dim=2, eta=0.05, learning_rate=1e-2, pretrain_epochs=2,
                pretrain_batch_size=16, epochs=4, batch_size=16, refresh_every=2, patience=0, chunk_size=10)
    base.update(kw)
    return TrainSettings(**base)


def test_pretraining_records_one_entry_per_epoch_and_reduces_the_loss():
    net, data = _tiny_problem()
    records = []
    run = pretrain(net, data.patches, _settings(pretrain_epochs=6, pretrain_learning_rate=1e-2),
                   torch.Generator().manual_seed(0), Progress(), _recorder(records))
    assert run == 6 and [r["epoch"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[-1]["step"] == 6 * 4 and set(records[0]) == {"stage", "epoch", "step", "loss", "loss_rec"}
    assert records[-1]["loss"] < records[0]["loss"]


def test_full_batch_selects_the_most_confident_epoch_and_its_state_reproduces_it():
    net, data = _tiny_problem()
    settings = _settings(epochs=5)
    Z = encode_all(net, data.patches)
    bases = subspace_bases(Z, (np.arange(64) % 8 >= 4).astype(int), 2, 2, torch.Generator().manual_seed(0))
    records = []
    result = train_full_batch(net, bases, data, settings, Progress(), _recorder(records))
    ratios = [r["confident_ratio"] for r in records]
    assert [r["epoch"] for r in records] == [0, 1, 2, 3, 4] and result.n_iter == 5
    assert result.selected_ratio == max(ratios) > 0
    assert result.selected_epoch == ratios.index(max(ratios))  # the first epoch reaching the maximum
    assert result.start_ratio == ratios[0]
    # eval-mode inference with the snapshot (BN buffers = that epoch's full-batch statistics) reproduces it
    replay = ConvAutoencoder(4, 8)
    replay.load_state_dict(result.network_state)
    s = soft_assign(encode_all(replay, data.patches), result.bases, 2, 2, settings.eta)
    assert abs(float((s.max(1).values > 0.9).float().mean()) - result.selected_ratio) <= 1 / 64


def test_minibatch_records_per_refresh_and_early_stops(monkeypatch):
    net, data = _tiny_problem()
    Z = encode_all(net, data.patches)
    bases = subspace_bases(Z, (np.arange(64) % 8 >= 4).astype(int), 2, 2, torch.Generator().manual_seed(0))
    records = []
    result = train_minibatch(net, bases, data, _settings(epochs=3), torch.Generator().manual_seed(0), Progress(),
                             _recorder(records), last_pretrain_loss=0.5)
    # 64 pixels / batch 16 = 4 steps per epoch, 12 steps, refresh every 2 steps and before the first step
    assert [r["step"] for r in records] == [0, 2, 4, 6, 8, 10, 12] and result.n_iter == 12
    assert records[0]["loss_rec"] == 0.5 and records[0]["epoch"] == 0
    assert result.selected_ratio == max(r["confident_ratio"] for r in records)
    net, data = _tiny_problem()
    records = []
    # a frozen model (tiny learning rate) whose ratio never changes: no new maximum after the first refresh
    monkeypatch.setattr(train_module, "CONFIDENT", 0.5)  # with K = 2 every pixel is "confident"
    result = train_minibatch(net, bases, data, _settings(epochs=50, learning_rate=1e-12, patience=2),
                             torch.Generator().manual_seed(0), Progress(), _recorder(records))
    assert records[0]["confident_ratio"] == 1.0
    assert result.n_iter == 4 and len(records) == 3 and result.selected_step == 0


def _captured_targets(monkeypatch, live_targets):
    """Run 8 mini-batch steps without a refresh between them and keep what each step's non-local term saw."""
    seen = []
    original = train_module.nonlocal_batch_loss

    def spy(s, idx, bank, bank_sums, p, data):
        seen.append((bank.clone(), bank_sums.clone(), p.clone(), idx.clone()))
        return original(s, idx, bank, bank_sums, p, data)

    monkeypatch.setattr(train_module, "nonlocal_batch_loss", spy)
    net, data = _tiny_problem()
    bases = subspace_bases(encode_all(net, data.patches), (np.arange(64) % 8 >= 4).astype(int), 2, 2,
                           torch.Generator().manual_seed(0))
    train_minibatch(net, bases, data, _settings(epochs=2, refresh_every=100, live_targets=live_targets),
                    torch.Generator().manual_seed(0), Progress(), lambda r, a=None: None)
    return seen, data


def test_live_targets_follow_the_bank_that_each_step_updates(monkeypatch):
    seen, data = _captured_targets(monkeypatch, live_targets=True)
    assert len(seen) == 8
    for (bank, sums, p, _), (next_bank, _, next_p, _) in zip(seen, seen[1:]):
        # the mini-cluster sums stay those of the bank, and p is always the sharpened mean of that bank
        assert torch.allclose(sums, group_sums(bank, data.groups, data.n_groups), atol=1e-5)
        assert torch.allclose(p, sharpen(sums / data.group_sizes[:, None]), atol=1e-6)
        assert not torch.equal(p, next_p)
    # a step rewrites exactly its batch's rows of the bank
    bank, _, _, idx = seen[0]
    changed = (seen[1][0] != bank).any(dim=1).nonzero().flatten()
    assert set(changed.tolist()) <= set(idx.tolist()) and changed.numel() > 0


def test_without_live_targets_the_targets_wait_for_the_refresh(monkeypatch):
    seen, _ = _captured_targets(monkeypatch, live_targets=False)
    assert len(seen) == 8
    assert all(torch.equal(p, seen[0][2]) and torch.equal(bank, seen[0][0]) for bank, _, p, _ in seen)


def test_box_filter_of_some_rows_equals_the_rows_of_the_whole_filter():
    rows, cols = np.divmod(np.arange(48), 8)
    keep = np.arange(48) % 5 != 0
    box = BoxFilter(rows[keep], cols[keep], (6, 8), 3)
    s = torch.softmax(torch.randn((int(keep.sum()), 4), generator=torch.Generator().manual_seed(3)), dim=1)
    idx = torch.tensor([0, 7, 3, 20, 35])
    assert torch.allclose(box.at(s, idx), box(s)[idx], atol=1e-6)


def test_adam_matches_the_textbook_update():
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    opt = Adam([p], lr=0.1)
    grads = [np.array([0.5, -1.0]), np.array([0.2, 0.3]), np.array([-0.4, 0.1])]
    x, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(grads, start=1):
        p.grad = torch.from_numpy(g.copy())
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        x = x - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        assert np.allclose(p.detach().numpy(), x, atol=1e-12)
    opt.zero_grad()
    assert p.grad is None


def test_training_loops_honour_cancel():
    net, data = _tiny_problem()
    Z = encode_all(net, data.patches)
    bases = subspace_bases(Z, (np.arange(64) % 2).astype(int), 2, 2, torch.Generator().manual_seed(0))
    with pytest.raises(ScdscCancelled):
        train_full_batch(net, bases, data, _settings(), Progress(cancelled=lambda: True), lambda r, a=None: None)
    with pytest.raises(ScdscCancelled):
        train_minibatch(net, bases, data, _settings(), torch.Generator(), Progress(cancelled=lambda: True),
                        lambda r, a=None: None)
    with pytest.raises(ScdscCancelled):
        pretrain(net, data.patches, _settings(), torch.Generator(), Progress(cancelled=lambda: True), lambda r, a=None: None)


def test_kmeans_start_checks_cancel_between_restarts():
    Z = torch.from_numpy(np.random.default_rng(9).normal(size=(40, 4))).float()
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ScdscCancelled):
        kmeans_start(Z, 2, 5, seed=0, sample=0, rng=np.random.default_rng(0), progress=Progress(cancelled=cancelled))
    assert len(calls) == 3


def test_neighbour_pairs_are_the_4_neighbours_inside_the_set_each_once():
    shape = (5, 6)
    rng = np.random.default_rng(3)
    keep = rng.random(shape) < 0.6
    rows, cols = np.nonzero(keep)
    order = rng.permutation(rows.size)  # the set's order must not matter
    rows, cols = rows[order], cols[order]
    first, second = neighbour_pairs(rows, cols, shape)
    found = {frozenset(((rows[i], cols[i]), (rows[j], cols[j]))) for i, j in zip(first, second)}
    expected = {frozenset(((r, c), (r + dr, c + dc))) for r, c in zip(rows, cols) for dr, dc in ((0, 1), (1, 0))
                if r + dr < shape[0] and c + dc < shape[1] and keep[r + dr, c + dc]}
    assert found == expected and len(found) == first.size
    assert neighbour_pairs(np.array([0]), np.array([0]), (1, 1))[0].size == 0


def test_coherence_is_the_share_of_neighbour_pairs_with_one_label():
    rows, cols = np.divmod(np.arange(16), 4)
    pairs = tuple(torch.from_numpy(side) for side in neighbour_pairs(rows, cols, (4, 4)))
    halves = torch.from_numpy((cols >= 2).astype(np.int64))
    checker = torch.from_numpy(((rows + cols) % 2).astype(np.int64))
    assert coherence(halves, pairs) == pytest.approx(20 / 24)  # 24 pairs, the 4 across the middle differ
    assert coherence(checker, pairs) == 0.0
    assert np.isnan(coherence(torch.zeros(1, dtype=torch.int64), (torch.zeros(0, dtype=torch.int64),) * 2))


@pytest.mark.parametrize("loop", ["minibatch", "full_batch"])
def test_coherence_selection_returns_the_start_exactly_when_its_map_is_clearly_more_coherent(loop):
    for seed in range(3):
        net, data = _tiny_problem(seed)
        Z = encode_all(net, data.patches)
        bases = subspace_bases(Z, (np.arange(64) % 8 >= 4).astype(int), 2, 2, torch.Generator().manual_seed(0))
        maps, ratios = {}, {}

        def record(rec, assignments=None):
            maps[rec["step"]], ratios[rec["step"]] = assignments.clone(), rec["confident_ratio"]

        settings = _settings(epochs=5, selection="coherence")
        if loop == "minibatch":
            result = train_minibatch(net, bases, data, settings, torch.Generator().manual_seed(seed), Progress(),
                                     record)
        else:
            result = train_full_batch(net, bases, data, settings, Progress(), record)
        best = max(ratios, key=lambda step: (ratios[step], -step))  # the first step with the highest ratio
        if best == 0:  # the start has the best ratio: nothing to compare
            assert result.returned == "selected" and result.selected_step == 0
            continue
        c_start, c_best = coherence(maps[0], data.pairs), coherence(maps[best], data.pairs)
        assert (result.coherence_start, result.coherence_selected) == pytest.approx((c_start, c_best))
        wins = c_start >= c_best + COHERENCE_MARGIN  # the start must be clearly more coherent
        assert result.returned == ("start" if wins else "selected")
        assert result.selected_step == (0 if wins else best)
