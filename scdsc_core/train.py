"""SCDSC objective (§2.9-2.12) and its training loops: pretraining, k-means + SVD start, full-batch and mini-batch
clustering with model selection (§2.7-2.14, §7 levers 1-4).

Why about 800 lines: the loss terms, the two clustering loops that optimise them and the return rule share the
same tensors and settings; splitting the objective from the loops would put one formula's two halves in two
files. The BLAS-independent products are in blas.py, the network in network.py.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import torch
from torch.nn import functional as F

from .blas import eigh, matmul, mm, qr, svd
from .errors import warn_adjustment
from .network import ConvAutoencoder
from .progress import Progress
from .preprocess import reflect_index

log = logging.getLogger("scdsc_core.train")

# Confidence threshold of the label-free model selection (§2.14).
CONFIDENT = 0.9
# Early stop (§7 lever 2): a refresh "sets a new maximum" of the confident ratio only if it beats the best by
# more than this share of pixels, so that a ratio creeping up by a few pixels does not keep training alive.
PATIENCE_GAIN = 0.002
# selection="coherence" returns the start only when its partition is more coherent than the selected state's map
# by at least this share of 4-neighbour pairs. Where the start was the better map (EnMAP Potsdam, 10 seeds) it led
# by 0.008-0.012; where the trained map was better it led by at most 0.0007 (Indian Pines subset) and 0.0002 (the
# demo scene, 10.3 points lost when the start won by that): a tie is no evidence (docs/results.md).
COHERENCE_MARGIN = 0.005
# Samples per chunk of an inference (no-grad) pass.
EVAL_CHUNK = 8192

# ``record(rec, assignments=None)``: one training record, with the argmax cluster of every training pixel
# (a tensor of shape (N,)) at the clustering records.
RecordFn = Callable[..., None]


# --------------------------------------------------------------------------------------------------------------
# The objective
# --------------------------------------------------------------------------------------------------------------

def soft_assign(z: torch.Tensor, bases: torch.Tensor, n_clusters: int, subspace_dim: int,
                eta: float) -> torch.Tensor:
    """Soft subspace assignment (§2.9): ``s_ij ∝ ||z_i^T D_j||^2 + eta * d``, normalised over clusters.

    One matmul for all clusters (§7 exact refactors); the reference's extra division by ``(eta+1)*d`` cancels.

    Parameters
    ----------
    z : Tensor of shape (N, L)
        Flattened latents (channel-major).
    bases : Tensor of shape (L, K*d)
        ``D = [D_1 | ... | D_K]``.
    n_clusters, subspace_dim : int
        K and d.
    eta : float

    Returns
    -------
    Tensor of shape (N, K), rows summing to 1, every entry > 0.
    """
    energy = mm(z, bases).pow(2).view(z.shape[0], n_clusters, subspace_dim).sum(dim=2) + eta * subspace_dim
    return energy / energy.sum(dim=1, keepdim=True)


def group_sums(s: torch.Tensor, groups: torch.Tensor, n_groups: int) -> torch.Tensor:
    """Per-mini-cluster sums of the rows of ``s`` (a scatter-add; replaces torch_scatter, §6.9)."""
    return torch.zeros((n_groups, s.shape[1]), dtype=s.dtype, device=s.device).index_add(0, groups, s)


def sharpen(q: torch.Tensor) -> torch.Tensor:
    """Non-local target (§2.10): ``w_mj = q_mj^2 / sum_m' q_m'j``, then each row normalised; detached.

    The column sum runs over mini-clusters, not weighted by their sizes.
    """
    q = q.detach()
    weight = q.pow(2) / q.sum(dim=0, keepdim=True)
    return weight / weight.sum(dim=1, keepdim=True)


def kl_mean(target: torch.Tensor, prediction: torch.Tensor) -> torch.Tensor:
    """``KL(target || prediction)`` averaged over all elements, i.e. ``kl_div(log pred, target, reduction="mean")``.

    Written out because that reduction is deprecated in PyTorch and will change meaning (§2.12); the reference
    divides the summed KL by N*K (or M*K). ``xlogy`` gives 0 for a zero target, as ``kl_div`` does.
    """
    return (torch.xlogy(target, target) - target * prediction.log()).mean()


def orthogonality_loss(bases: torch.Tensor, subspace_dim: int, weight: float) -> torch.Tensor:
    """Basis penalty L_D (§2.12): ``w*||(D^T D)∘I - I||_F + w*||(D^T D)∘O||_F``, norms not squared.

    ``O`` is all ones except zero ``d x d`` diagonal blocks.
    """
    gram = mm(bases.T, bases)
    size = gram.shape[0]
    eye = torch.eye(size, dtype=gram.dtype, device=gram.device)
    blocks = torch.block_diag(*[torch.ones(subspace_dim, subspace_dim, dtype=gram.dtype, device=gram.device)]
                              * (size // subspace_dim))
    diagonal_term = torch.linalg.matrix_norm(gram * eye - eye)
    off_block_term = torch.linalg.matrix_norm(gram * (1.0 - blocks))
    return weight * diagonal_term + weight * off_block_term


def nonlocal_batch_loss(s: torch.Tensor, idx: torch.Tensor, bank: torch.Tensor, bank_sums: torch.Tensor,
                        p: torch.Tensor, data: "ClusterData") -> torch.Tensor:
    """Mini-batch estimate of the non-local term (§7 lever 1), faithful to the full-batch gradient.

    ``q^_m = (bank sum over C_m - bank rows of B in C_m + live s of B in C_m) / |C_m|`` and
    ``L^_NL = (N/|B|) * 1/(M K) * sum over the mini-clusters m touched by B of KL(p_m || q^_m)``. With a fresh
    bank, q^ equals the full-batch q and the gradient on each batch row is N/|B| times its full-batch gradient,
    so the expected gradient of a uniformly drawn batch is the full-batch one.

    Parameters
    ----------
    s : Tensor (|B|, K), live soft assignments of the batch (with gradient).
    idx : Tensor (|B|,), the batch's rows in the training set.
    bank, bank_sums, p : the refreshed bank (N, K), its per-mini-cluster sums (M, K) and the target (M, K).
    data : ClusterData
    """
    n = bank.shape[0]
    groups = data.groups[idx]
    sums = bank_sums.index_add(0, groups, s - bank[idx])
    touched = torch.unique(groups)
    q_hat = (sums[touched] / data.group_sizes[touched, None]).clamp_min(1e-12)
    p_touched = p[touched]
    kl_sum = (torch.xlogy(p_touched, p_touched) - p_touched * q_hat.log()).sum()
    return (n / s.shape[0]) / (data.n_groups * s.shape[1]) * kl_sum


class BoxFilter:
    """Masked box filter of the local target (§2.11) for any set of pixels, as a gather table.

    ``s_bar_i`` is the mean of ``s`` over the pixels of the set inside the ``w x w`` window centred on pixel
    i, with reflect padding at the image edges (mirrored pixels count, the centre is included). This equals
    ``avg_pool2d(pad(S)) / avg_pool2d(pad(T))`` on the dense maps of §2.11 exactly, but costs O(N w^2 K)
    whatever the image size, so it also serves a training sample of scattered tiles (§7 lever 6).

    Parameters
    ----------
    rows, cols : ndarray of int, shape (N,)
        The pixels of the set (the clustered pixels, or the training sample).
    shape : (H, W)
        Image size, for the reflect padding.
    window : int
        Odd window side w.
    device : torch.device or str
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, shape: Tuple[int, int], window: int, device="cpu"):
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        n = rows.size
        height, width = shape
        index_map = np.full((height, width), n, dtype=np.int64)  # n = "not in the set" -> a zero row
        index_map[rows, cols] = np.arange(n)
        radius = window // 2
        offsets = np.arange(-radius, radius + 1)
        rr = reflect_index(rows[:, None] + offsets, height)  # (N, w)
        cc = reflect_index(cols[:, None] + offsets, width)
        neighbours = index_map[rr[:, :, None], cc[:, None, :]].reshape(n, -1)
        self.n = n
        self.neighbours = torch.from_numpy(neighbours).to(device)
        self.counts = torch.from_numpy((neighbours < n).sum(axis=1).astype(np.float32)).to(device)

    def at(self, s: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        """``s_bar`` of the rows ``idx`` only, shape (len(idx), K), from the assignments ``s`` (N, K); detached."""
        return self._means(_with_zero_row(s), idx)

    def __call__(self, s: torch.Tensor) -> torch.Tensor:
        """``s_bar`` of shape (N, K) for the assignments ``s`` (N, K) of the set, detached."""
        padded = _with_zero_row(s)
        out = torch.empty_like(padded[:-1])
        step = max(1, (1 << 22) // max(1, self.neighbours.shape[1] * s.shape[1]))  # (step, w*w, K) gathered at once
        for start in range(0, self.n, step):
            rows = slice(start, min(self.n, start + step))
            out[rows] = self._means(padded, rows)
        return out

    def _means(self, padded: torch.Tensor, rows) -> torch.Tensor:
        """Window means of ``rows`` over ``padded`` (the assignments plus the zero row that "not in the set" hits)."""
        return padded[self.neighbours[rows]].sum(dim=1) / self.counts[rows, None]


def neighbour_pairs(rows: np.ndarray, cols: np.ndarray, shape: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` of set members that are 4-neighbours in the image, each pair once.

    Sorted linear indices and a binary search rather than an (H, W) index map: the set may be a sample of a
    scene far larger than the set.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    height, width = shape
    linear = rows * width + cols
    order = np.argsort(linear, kind="stable")
    ordered = linear[order]
    first, second = [], []
    for offset, inside in ((1, cols < width - 1), (width, rows < height - 1)):
        members = np.nonzero(inside)[0]
        target = linear[members] + offset
        at = np.minimum(np.searchsorted(ordered, target), max(ordered.size - 1, 0))
        hit = ordered[at] == target if ordered.size else np.zeros(0, dtype=bool)
        first.append(members[hit])
        second.append(order[at[hit]])
    return np.concatenate(first), np.concatenate(second)


def coherence(labels: torch.Tensor, pairs: Tuple[torch.Tensor, torch.Tensor]) -> float:
    """Share of the 4-neighbour pairs of the set whose two pixels have the same label (NaN without pairs)."""
    first, second = pairs
    if first.numel() == 0:
        return float("nan")
    return float((labels[first] == labels[second]).float().mean())


def _with_zero_row(s: torch.Tensor) -> torch.Tensor:
    """``s`` detached, with a row of zeros appended (the gather target of neighbours outside the set)."""
    s = s.detach()
    return torch.cat([s, s.new_zeros((1, s.shape[1]))])


# --------------------------------------------------------------------------------------------------------------
# Settings and results
# --------------------------------------------------------------------------------------------------------------

@dataclass
class TrainSettings:
    """Resolved hyperparameters of one fit (see :class:`scdsc_core.model.SCDSC` for their meaning)."""

    n_clusters: int
    subspace_dim: int = 5
    eta: float = 5.0
    alpha: float = 3.0
    beta: float = 1.0
    orth_weight: float = 1e-3
    learning_rate: float = 5e-3
    pretrain_learning_rate: float = 1e-3
    pretrain_epochs: int = 150
    pretrain_batch_size: int = 4096
    pretrain_tol: float = 0.0
    epochs: int = 400
    batch_size: int = 0
    refresh_every: int = 1
    live_targets: bool = False
    patience: int = 0
    kmeans_n_init: int = 30
    kmeans_sample: int = 0
    selection: str = "ratio"
    bf16: bool = False
    chunk_size: int = 4096
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))


@dataclass
class ClusterData:
    """The training set of the clustering stage, on the training device.

    Attributes
    ----------
    patches : Tensor (N, C, p, p) float32, standardised network inputs.
    groups : Tensor (N,) int64, mini-cluster of each pixel (0..M-1).
    n_groups : int, M.
    group_sizes : Tensor (M,) float32, members per mini-cluster.
    box : BoxFilter over the training pixels.
    pairs : (Tensor, Tensor), the 4-neighbour pairs of training pixels (``neighbour_pairs``), for the coherence
        that ``selection="coherence"`` compares.
    start : Tensor (N,) int64 or None, the start partition of the training pixels, whose coherence stands for the
        start's in that comparison (None: the start state's own argmax map).
    """

    patches: torch.Tensor
    groups: torch.Tensor
    n_groups: int
    group_sizes: torch.Tensor
    box: BoxFilter
    pairs: Tuple[torch.Tensor, torch.Tensor]
    start: Optional[torch.Tensor] = None

    @classmethod
    def build(cls, patches: torch.Tensor, groups: np.ndarray, box: BoxFilter,
              pairs: Tuple[np.ndarray, np.ndarray], start: Optional[np.ndarray] = None) -> "ClusterData":
        """Derive the mini-cluster sizes; ``groups`` must label every pixel with 0..M-1, each used."""
        groups_t = torch.from_numpy(np.asarray(groups, dtype=np.int64)).to(patches.device)
        n_groups = int(groups_t.max()) + 1
        sizes = torch.bincount(groups_t, minlength=n_groups).to(torch.float32)
        pairs_t = tuple(torch.from_numpy(np.asarray(side, dtype=np.int64)).to(patches.device) for side in pairs)
        start_t = None if start is None else torch.from_numpy(np.asarray(start, dtype=np.int64)).to(patches.device)
        return cls(patches, groups_t, n_groups, sizes, box, pairs_t, start_t)


@dataclass
class ClusterResult:
    """What a clustering loop selected (§2.14)."""

    network_state: Dict[str, torch.Tensor]
    bases: torch.Tensor
    selected_epoch: float
    selected_step: int
    selected_ratio: float
    n_iter: int
    start_ratio: float
    fell_back: bool
    returned: str = "selected"
    coherence_start: float = float("nan")
    coherence_selected: float = float("nan")


def _return_rule(snapshot, start, data: ClusterData, settings: TrainSettings):
    """The state to return: ``snapshot`` (the highest confident ratio), or with ``selection="coherence"`` the
    ``start`` when the start partition (``data.start``, else the start state's map) is more spatially coherent
    than the snapshot's map by at least ``COHERENCE_MARGIN`` (docs/results.md, *The return rule as implemented*).
    Both states are tuples whose last item is their argmax map of the training pixels.

    Returns ``(state tuple, returned, coherence of the start, coherence of the selected state)``.
    """
    if settings.selection != "coherence" or start is None or snapshot is start:
        return snapshot, "selected", float("nan"), float("nan")
    start_map = data.start if data.start is not None else start[-1]
    c_start, c_selected = coherence(start_map, data.pairs), coherence(snapshot[-1], data.pairs)
    if c_start >= c_selected + COHERENCE_MARGIN:
        log.info("returning the start: its map is more coherent (%.4f) than the selected state's (%.4f)",
                 c_start, c_selected)
        return start, "start", c_start, c_selected
    return snapshot, "selected", c_start, c_selected


class Adam:
    """Adam (Kingma & Ba) with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay, no amsgrad.

    The same update as ``torch.optim.Adam``'s single-tensor path. It exists because constructing any
    ``torch.optim`` optimiser imports ``torch._dynamo`` (about 3 s of CPU, far more on a loaded machine),
    a fixed cost for every fit in a QGIS session or a CLI run.
    """

    def __init__(self, params, lr: float, betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.params = [p for p in params]
        self.lr, self.betas, self.eps = float(lr), betas, float(eps)
        self.steps = 0
        self.exp_avg = [torch.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        self.steps += 1
        beta1, beta2 = self.betas
        correction1 = 1.0 - beta1 ** self.steps
        correction2_sqrt = math.sqrt(1.0 - beta2 ** self.steps)
        for p, m, v in zip(self.params, self.exp_avg, self.exp_avg_sq):
            if p.grad is None:
                continue
            grad = p.grad
            m.lerp_(grad, 1.0 - beta1)
            v.mul_(beta2).addcmul_(grad, grad, value=1.0 - beta2)
            denominator = (v.sqrt() / correction2_sqrt).add_(self.eps)
            p.addcdiv_(m, denominator, value=-self.lr / correction1)


def _autocast(device: torch.device, enabled: bool):
    """bf16 autocast for the autoencoder only (§7 lever 4); affinity and losses stay fp32."""
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=enabled)


def _state_copy(module: torch.nn.Module) -> Dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


# --------------------------------------------------------------------------------------------------------------
# Pretraining and the k-means + SVD start
# --------------------------------------------------------------------------------------------------------------

def pretrain(net: ConvAutoencoder, patches: torch.Tensor, settings: TrainSettings, generator: torch.Generator,
             progress: Progress, record: RecordFn) -> int:
    """Autoencoder pretraining (§2.7): Adam, MSE (mean over all elements), BN in train mode, reshuffled batches
    with the last partial batch kept.

    With ``settings.pretrain_tol > 0`` (fast mode, §7 lever 3) training stops once the epoch loss has improved by
    less than that fraction over the last three epochs.

    Returns
    -------
    int
        Epochs run.
    """
    n = patches.shape[0]
    epochs = settings.pretrain_epochs
    if epochs <= 0:
        return 0
    batch = max(1, min(settings.pretrain_batch_size, n))
    optimiser = Adam(net.parameters(), lr=settings.pretrain_learning_rate)
    net.train()
    step = 0
    losses: List[float] = []
    for epoch in range(epochs):
        order = torch.randperm(n, generator=generator).to(patches.device)
        total = 0.0
        for start in range(0, n, batch):
            progress.check()
            x = patches[order[start:start + batch]]
            with _autocast(settings.device, settings.bf16):
                _, x_hat = net(x)
            loss = F.mse_loss(x_hat.float(), x)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            step += 1
            total += float(loss.detach()) * x.shape[0]
            progress((epoch + (start + x.shape[0]) / n) / epochs, "Pretraining the autoencoder")
        losses.append(total / n)
        record({"stage": "pretrain", "epoch": epoch + 1, "step": step, "loss": losses[-1], "loss_rec": losses[-1]})
        if settings.pretrain_tol > 0 and len(losses) > 3:
            if losses[-1] > (1.0 - settings.pretrain_tol) * losses[-4]:
                log.info("pretraining stopped on a plateau after %d epochs (loss %.5g)", epoch + 1, losses[-1])
                return epoch + 1
    return epochs


@torch.no_grad()
def encode_all(net: torch.nn.Module, patches: torch.Tensor, progress: Optional[Progress] = None,
               bf16: bool = False, device: Optional[torch.device] = None) -> torch.Tensor:
    """Flattened latents (N, L) of all patches in eval mode (BN running statistics, §2.8), chunk by chunk."""
    net.eval()
    device = device or patches.device
    out = []
    for start in range(0, patches.shape[0], EVAL_CHUNK):
        if progress is not None:
            progress.check()
        with _autocast(device, bf16):
            z = net.encode(patches[start:start + EVAL_CHUNK])
        out.append(z.float().flatten(1))
    return torch.cat(out)


@torch.no_grad()
def recalibrate_batchnorm(net: ConvAutoencoder, patches: torch.Tensor, progress: Optional[Progress] = None,
                          bf16: bool = False, device: Optional[torch.device] = None) -> None:
    """Replace the BN running statistics by averages over the whole training set (fast mode).

    After a pretraining of few steps the momentum-0.1 running statistics still remember their initial values,
    so eval-mode latents (used for k-means and every refresh) would differ from the train-mode ones. One
    train-mode pass without gradients and with a cumulative average (momentum None) fixes that; the reference
    keeps its momentum statistics (§2.8, §6.10), and so does paper mode.
    """
    device = device or patches.device
    norms = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    net.train()
    try:
        for start in range(0, patches.shape[0], EVAL_CHUNK):
            if progress is not None:
                progress.check()
            with _autocast(device, bf16):
                net(patches[start:start + EVAL_CHUNK])
    finally:
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum
        net.eval()


def kmeans_start(Z: torch.Tensor, n_clusters: int, n_init: int, seed: int, sample: int,
                 rng: np.random.Generator, progress: Optional[Progress] = None) -> np.ndarray:
    """k-means labels of the latents (§2.8: k-means++, Lloyd, max_iter 300, tol 1e-4, best of ``n_init`` runs).

    The restarts run one at a time (seeds drawn from ``seed``), keeping the lowest inertia as scikit-learn's
    ``n_init`` does, so that cancel is checked between them. With ``sample > 0`` and more rows than that, k-means
    runs on a random sample and every row then goes to its nearest centre (§7 lever 5).
    """
    from sklearn.cluster import KMeans

    data = Z.detach().cpu().numpy()
    fit_rows = data
    if 0 < sample < len(data):
        fit_rows = data[np.sort(rng.choice(len(data), size=sample, replace=False))]
    run_seeds = np.random.default_rng(seed).integers(0, 2 ** 31 - 1, size=n_init)
    best = None
    for index, run_seed in enumerate(run_seeds):
        if progress is not None:
            progress.check()
        km = KMeans(n_clusters=n_clusters, n_init=1, random_state=int(run_seed)).fit(fit_rows)
        if best is None or km.inertia_ < best.inertia_:
            best = km
        if progress is not None:
            progress((index + 1) / n_init, f"k-means: run {index + 1}/{n_init}")
    if fit_rows is data:
        return best.labels_.astype(np.int64)
    centres = best.cluster_centers_.astype(np.float32)
    # nearest centre = argmin of ||c||^2 - 2 x.c (||x||^2 is the same for every centre); the product goes through
    # the system BLAS (scdsc_core.blas), as torch.cdist's would not
    centre_sq = np.einsum("kd,kd->k", centres, centres)
    labels = np.empty(len(data), dtype=np.int64)
    for start in range(0, len(data), EVAL_CHUNK):
        block = data[start:start + EVAL_CHUNK]
        labels[start:start + EVAL_CHUNK] = np.argmin(centre_sq - 2.0 * matmul(block, centres.T), axis=1)
    return labels


def subspace_bases(Z: torch.Tensor, labels: np.ndarray, n_clusters: int, subspace_dim: int,
                   generator: torch.Generator, n_iter: int = 10) -> torch.Tensor:
    """Initial bases D (§2.8): for each k-means cluster the top d right singular vectors of its (uncentred) rows.

    Small clusters (at most 64 rows) get an exact SVD. Larger ones use a seeded randomized subspace iteration in
    float64 (d + 10 columns, ``n_iter`` power steps ``Q <- qr(Z_j^T Z_j Q)``, then Rayleigh-Ritz), which spans the
    same subspace as the exact SVD whenever the spectrum has a gap; the reference also uses a randomized solver.
    A cluster with fewer than d members (or a rank below d) gets random unit columns orthogonal to all other
    columns, with a warning (§8).

    Returns
    -------
    Tensor of shape (L, K*d), float32, on Z's device.
    """
    latent = Z.shape[1]
    labels_t = torch.from_numpy(np.asarray(labels)).to(Z.device)
    columns: List[torch.Tensor] = []
    short: List[Tuple[int, int]] = []
    for j in range(n_clusters):
        members = Z[labels_t == j].double()
        count = members.shape[0]
        if count == 0:
            basis = torch.zeros((latent, 0), dtype=torch.float64, device=Z.device)
        elif count <= 64:
            _, _, vt = svd(members)
            basis = vt[:subspace_dim].T
        else:
            width = min(latent, count, subspace_dim + 10)
            q = torch.randn((latent, width), generator=generator, dtype=torch.float64).to(Z.device)
            for _ in range(n_iter + 1):
                q, _ = qr(mm(members.T, mm(members, q)))
            projected = mm(members, q)
            values, vectors = eigh(mm(projected.T, projected))
            basis = mm(q, vectors[:, torch.argsort(values, descending=True)[:subspace_dim]])
        # keep only directions the members actually span (a rank-deficient cluster leaves the rest to be filled)
        if count and basis.shape[1]:
            energy = torch.linalg.vector_norm(mm(members, basis), dim=0)
            basis = basis[:, energy > 1e-10 * max(float(energy.max()), 1e-300)]
        if basis.shape[1] < subspace_dim:
            short.append((j, count))
        columns.append(basis)
    filled = _fill_missing_columns(columns, subspace_dim, latent, generator, Z.device)
    if short:
        message = ("k-means cluster(s) " + ", ".join(f"{j + 1} ({c} member(s))" for j, c in short)
                   + f" span fewer than d={subspace_dim} directions: the missing basis columns are random unit "
                   "vectors orthogonal to the others")
        warn_adjustment(log, message)
    return filled.float()


def _fill_missing_columns(columns, subspace_dim, latent, generator, device) -> torch.Tensor:
    """Concatenate the per-cluster bases, completing short ones with random unit vectors orthogonal to all others."""
    fixed = torch.cat([c for c in columns if c.shape[1]], dim=1) if any(c.shape[1] for c in columns) else \
        torch.zeros((latent, 0), dtype=torch.float64, device=device)
    out = []
    for basis in columns:
        missing = subspace_dim - basis.shape[1]
        if missing > 0:
            extra = []
            for _ in range(missing):
                v = torch.randn(latent, generator=generator, dtype=torch.float64).to(device)
                others = torch.cat([fixed] + extra, dim=1) if (fixed.shape[1] or extra) else None
                for _ in range(2):  # Gram-Schmidt twice for numerical orthogonality
                    if others is not None and others.shape[1]:
                        q, _ = qr(others)
                        v = v - mm(q, mm(q.T, v[:, None]))[:, 0]
                extra.append((v / torch.linalg.vector_norm(v)).unsqueeze(1))
            basis = torch.cat([basis] + extra, dim=1)
            fixed = torch.cat([fixed] + extra, dim=1)
        out.append(basis)
    return torch.cat(out, dim=1)


# --------------------------------------------------------------------------------------------------------------
# Clustering: full batch (paper mode) and mini-batch with refreshed targets (fast mode)
# --------------------------------------------------------------------------------------------------------------

def _objective_terms(s, x, x_hat, bases, data: ClusterData, settings: TrainSettings):
    """Full-batch loss terms (§2.12) from one forward pass over the whole training set."""
    q = group_sums(s, data.groups, data.n_groups) / data.group_sizes[:, None]
    p = sharpen(q)
    s_bar = data.box(s)
    loss_rec = F.mse_loss(x_hat.float(), x)
    loss_orth = orthogonality_loss(bases, settings.subspace_dim, settings.orth_weight)
    loss_nonlocal = kl_mean(p, q)
    loss_local = kl_mean(s_bar, s)
    total = loss_rec + loss_orth + settings.alpha * loss_nonlocal + settings.beta * loss_local
    return total, loss_rec, loss_orth, loss_nonlocal, loss_local


def _record(stage, epoch, step, total, rec, orth, nonlocal_, local, ratio) -> Dict[str, Any]:
    values = [float(v.detach()) if torch.is_tensor(v) else float(v) for v in (total, rec, orth, nonlocal_, local)]
    return {"stage": stage, "epoch": epoch, "step": step, "loss": values[0], "loss_rec": values[1],
            "loss_orth": values[2], "loss_nonlocal": values[3], "loss_local": values[4],
            "confident_ratio": float(ratio)}


def train_full_batch(net: ConvAutoencoder, bases: torch.Tensor, data: ClusterData, settings: TrainSettings,
                     progress: Progress, record: RecordFn) -> ClusterResult:
    """The reference's clustering stage (§2.13-2.14), exactly.

    Each epoch is one forward pass over all N pixels with BN in train mode (batch statistics of all N; the
    convolutions are chunked only so that cancel is checked, see ``forward_chunked``), the four loss terms with
    p and s_bar recomputed from that pass, one backward pass and one Adam step. Before the step, the share of
    pixels with ``max_j s_ij > 0.9`` is computed; an epoch whose share beats the best so far (strictly; the best
    starts at 0) is snapshotted: parameters, D, and as BN buffers the exact full-batch statistics that the
    epoch's forward pass used, so that eval-mode inference reproduces that epoch's soft assignments. Epoch 0 (the
    k-means + SVD start) is eligible; the state after the last step is never evaluated. Without any qualifying
    epoch, the last state is kept.
    """
    D = torch.nn.Parameter(bases.clone())
    optimiser = Adam(list(net.parameters()) + [D], lr=settings.learning_rate)
    x = data.patches
    n = x.shape[0]
    best = 0.0
    snapshot = start_state = None
    start_ratio = float("nan")
    step = 0
    for epoch in range(settings.epochs):
        net.train()
        stats: Dict[str, Tuple[torch.Tensor, torch.Tensor]] = {}
        with _autocast(settings.device, settings.bf16):
            z, x_hat = net.forward_chunked(x, settings.chunk_size, check=progress.check, batch_stats=stats)
        s = soft_assign(z.float().flatten(1), D, settings.n_clusters, settings.subspace_dim, settings.eta)
        confident = s.detach().max(dim=1).values > CONFIDENT
        ratio = float(confident.float().mean())
        assignments = s.detach().argmax(dim=1)
        state = None
        if epoch == 0:
            start_ratio = ratio
            if settings.selection == "coherence":
                state = start_state = (epoch, step, _state_copy(net), D.detach().clone(), stats, assignments)
        if ratio > best:
            best = ratio
            snapshot = state or (epoch, step, _state_copy(net), D.detach().clone(), stats, assignments)
        total, rec, orth, nonlocal_, local = _objective_terms(s, x, x_hat, D, data, settings)
        record(_record("cluster", epoch, step, total, rec, orth, nonlocal_, local, ratio), assignments)
        optimiser.zero_grad(set_to_none=True)
        total.backward()
        optimiser.step()
        step += 1
        progress((epoch + 1) / settings.epochs, f"Clustering: epoch {epoch + 1}/{settings.epochs}")
    fell_back = snapshot is None
    returned, c_start, c_selected = "selected", float("nan"), float("nan")
    if fell_back:
        log.warning("no epoch had a confident pixel (max s > %.1f): keeping the last state", CONFIDENT)
        state, bases_out, selected_epoch, selected_step = _state_copy(net), D.detach().clone(), settings.epochs, step
    else:
        chosen, returned, c_start, c_selected = _return_rule(snapshot, start_state, data, settings)
        selected_epoch, selected_step, state, bases_out, stats, _ = chosen
        state = dict(state)
        for name, (mean, var) in stats.items():
            state[f"{name}.running_mean"] = mean.to(state[f"{name}.running_mean"].dtype)
            state[f"{name}.running_var"] = var.to(state[f"{name}.running_var"].dtype)
    return ClusterResult(state, bases_out, selected_epoch, selected_step, best, step, start_ratio, fell_back,
                         returned, c_start, c_selected)


@torch.no_grad()
def _refresh(net, D, data: ClusterData, settings: TrainSettings, progress: Progress):
    """Eval-mode, no-grad pass over the training set: the bank of soft assignments and the targets (§7 lever 1)."""
    z = encode_all(net, data.patches, progress, settings.bf16, settings.device)
    bank = torch.cat([soft_assign(z[i:i + EVAL_CHUNK], D, settings.n_clusters, settings.subspace_dim, settings.eta)
                      for i in range(0, z.shape[0], EVAL_CHUNK)])
    sums = group_sums(bank, data.groups, data.n_groups)
    q = sums / data.group_sizes[:, None]
    p = sharpen(q)
    s_bar = data.box(bank)
    ratio = float((bank.max(dim=1).values > CONFIDENT).float().mean())
    return bank, sums, p, s_bar, ratio, float(kl_mean(p, q)), float(kl_mean(s_bar, bank))


def train_minibatch(net: ConvAutoencoder, bases: torch.Tensor, data: ClusterData, settings: TrainSettings,
                    generator: torch.Generator, progress: Progress, record: RecordFn,
                    last_pretrain_loss: float = float("nan")) -> ClusterResult:
    """Mini-batch clustering with targets refreshed from a bank (§7 levers 1 and 2).

    Every ``refresh_every`` steps (and before the first and after the last step) an eval-mode pass without
    gradients over the training set stores the soft assignments in a bank; p, s_bar, the confident ratio and
    the snapshot come from it. Each step on a batch B minimises

    ``L_R(B) + L_D + alpha * (N/|B|)/(M K) * sum_{m touched} KL(p_m || q^_m) + beta/(|B| K) * sum_{i in B}
    KL(s_bar_i || s_i)``

    where ``q^_m = (bank sum over C_m - bank rows of B in C_m + live s of B in C_m) / |C_m|``: while the bank is
    fresh, its expected gradient is the full-batch gradient of §2.12.

    With ``live_targets`` the targets also move between refreshes, as they do at every full-batch epoch: after
    each step the batch's live assignments replace its rows of the bank (and of the mini-cluster sums), and the
    next batch takes p from those sums and s_bar from the bank around its pixels. Without it, p and s_bar stay
    fixed for ``refresh_every`` steps, the model only has about ``steps / refresh_every`` chances to sharpen
    towards the self-training target, and its assignments stay soft (measured in docs/benchmarks.md, *Live
    targets*). The refreshes still re-synchronise the bank in eval mode and decide selection and early stopping.

    Training stops after ``epochs`` passes over
    the training set, or when the confident ratio has set no new maximum in ``patience`` refreshes. Selection is
    the refresh with the highest ratio (strictly, from 0; the start is eligible), else the last state.

    Records (one per refresh): ``loss_nonlocal`` and ``loss_local`` are the full-objective terms on the bank,
    ``loss_rec`` the mean mini-batch reconstruction since the previous refresh (the last pretraining epoch's for
    the first record).
    """
    D = torch.nn.Parameter(bases.clone())
    optimiser = Adam(list(net.parameters()) + [D], lr=settings.learning_rate)
    x_all = data.patches
    n = x_all.shape[0]
    batch = max(1, min(settings.batch_size, n))
    steps_per_epoch = math.ceil(n / batch)
    total_steps = settings.epochs * steps_per_epoch
    K = settings.n_clusters
    best = 0.0
    snapshot = start_state = None
    start_ratio = float("nan")
    since_best = 0
    step = 0
    rec_sum, rec_count = 0.0, 0
    last_rec = last_pretrain_loss

    def refresh():
        nonlocal best, snapshot, start_state, start_ratio, since_best, rec_sum, rec_count, last_rec
        bank, sums, p, s_bar, ratio, l_nl, l_l = _refresh(net, D, data, settings, progress)
        if rec_count:
            last_rec = rec_sum / rec_count
        rec_sum, rec_count = 0.0, 0
        l_d = float(orthogonality_loss(D.detach(), settings.subspace_dim, settings.orth_weight))
        total = last_rec + l_d + settings.alpha * l_nl + settings.beta * l_l
        epoch = round(step / steps_per_epoch, 4)
        assignments = bank.argmax(dim=1)
        record(_record("cluster", epoch, step, total, last_rec, l_d, l_nl, l_l, ratio), assignments)
        state = None
        if step == 0:
            start_ratio = ratio
            if settings.selection == "coherence":
                state = start_state = (epoch, step, _state_copy(net), D.detach().clone(), assignments)
        # Patience counts refreshes without a gain of more than PATIENCE_GAIN over the best ratio, and starts
        # only once some pixel is confident (the first refreshes are often at 0).
        if best > 0:
            since_best = 0 if ratio > best + PATIENCE_GAIN else since_best + 1
        if ratio > best:
            best = ratio
            snapshot = state or (epoch, step, _state_copy(net), D.detach().clone(), assignments)
        return bank, sums, p, s_bar

    bank, sums, p, s_bar = refresh()
    stopped = False
    while step < total_steps and not stopped:
        order = torch.randperm(n, generator=generator).to(x_all.device)
        for start in range(0, n, batch):
            progress.check()
            idx = order[start:start + batch]
            net.train()
            x = x_all[idx]
            with _autocast(settings.device, settings.bf16):
                z, x_hat = net(x)
            s = soft_assign(z.float().flatten(1), D, K, settings.subspace_dim, settings.eta)
            loss_rec = F.mse_loss(x_hat.float(), x)
            if settings.live_targets:
                p = sharpen(sums / data.group_sizes[:, None])
                s_bar_batch = data.box.at(bank, idx)
            else:
                s_bar_batch = s_bar[idx]
            loss_nonlocal = nonlocal_batch_loss(s, idx, bank, sums, p, data)
            loss_local = kl_mean(s_bar_batch, s)
            loss_orth = orthogonality_loss(D, settings.subspace_dim, settings.orth_weight)
            total = loss_rec + loss_orth + settings.alpha * loss_nonlocal + settings.beta * loss_local
            optimiser.zero_grad(set_to_none=True)
            total.backward()
            optimiser.step()
            if settings.live_targets:
                with torch.no_grad():
                    live = s.detach()
                    sums.index_add_(0, data.groups[idx], live - bank[idx])
                    bank[idx] = live
            step += 1
            rec_sum += float(loss_rec.detach())
            rec_count += 1
            progress(step / total_steps, f"Clustering: step {step}/{total_steps}")
            if step % settings.refresh_every == 0 or step == total_steps:
                bank, sums, p, s_bar = refresh()
                if settings.patience and since_best >= settings.patience:
                    log.info("early stop after %d steps: the confident ratio set no new maximum in %d refreshes",
                             step, settings.patience)
                    stopped = True
                    break
            if step >= total_steps:
                break
    fell_back = snapshot is None
    returned, c_start, c_selected = "selected", float("nan"), float("nan")
    if fell_back:
        # Nothing was selected, so the rule has no candidate to weigh against the start (as in full batch).
        log.warning("no refresh had a confident pixel (max s > %.1f): keeping the last state", CONFIDENT)
        snapshot = (round(step / steps_per_epoch, 4), step, _state_copy(net), D.detach().clone(), None)
    else:
        snapshot, returned, c_start, c_selected = _return_rule(snapshot, start_state, data, settings)
    epoch, sel_step, state, bases_out, _ = snapshot
    return ClusterResult(state, bases_out, epoch, sel_step, best, step, start_ratio, fell_back,
                         returned, c_start, c_selected)
