"""The SCDSC estimator: validation, the fit pipeline (§2), blockwise inference, presets (§3).

Why about 850 lines: a third of it is the estimator's docstring (every hyperparameter and learned attribute, as
scikit-learn documents its estimators), and the rest is one class whose fit stages share its state. The
hyperparameter rules live in params.py, the losses and loops in train.py; the fit stages are methods of their own.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import contextlib
import logging
import math
import platform
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np

from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

from . import params as _params
from .blas import one_blas_thread
from .errors import ScdscError, warn_adjustment
from .progress import as_progress

log = logging.getLogger("scdsc_core.model")

# Paper-mode hyperparameters of the three published scenes (§3, Table 4 and the reference). K is not part of a
# preset: it is the user's (the CLI's --preset with -k used to pass n_clusters twice).
PRESETS: Dict[str, Dict[str, Any]] = {
    "paviau": {"mode": "paper", "learning_rate": 5e-3, "alpha": 3.0, "beta": 7.0, "window": 7, "pretrain_epochs": 150},
    "trento": {"mode": "paper", "learning_rate": 5e-3, "alpha": 3.0, "beta": 1.0, "window": 7, "pretrain_epochs": 50},
    "houston": {"mode": "paper", "learning_rate": 1e-4, "alpha": 3.0, "beta": 8.0, "window": 3, "pretrain_epochs": 70},
}
# The paper's K of each preset's scene (for benchmarks and examples; never applied by a preset).
PRESET_CLUSTERS = {"paviau": 9, "trento": 6, "houston": 7}

DEFAULT_COMPONENTS, MIN_BANDS = _params.DEFAULT_COMPONENTS, _params.MIN_BANDS


def resolve_components(n_components: Optional[int], n_bands: int) -> int:
    """The pixel PCA width a fit uses: ``n_components``, or min(8, bands) when it is None."""
    return int(n_components) if n_components is not None else min(DEFAULT_COMPONENTS, int(n_bands))


class _PerSample:
    """A default number of epochs derived from a budget of samples: ``clip(ceil(samples / n), low, high)``."""

    def __init__(self, samples: int, low: int, high: int):
        self.samples, self.low, self.high = samples, low, high

    def resolve(self, n: int) -> int:
        return int(min(self.high, max(self.low, math.ceil(self.samples / max(n, 1)))))

    def __repr__(self) -> str:
        return f"about {self.samples:,} samples ({self.low}..{self.high} epochs)"


# Values taken when a hyperparameter is None. "paper" is the reference (§2, §3 with the PaviaU settings);
# "fast" applies the speed levers of §7 (1: mini-batches with refreshed targets, 2: early stop, 3: shorter
# pretraining, 5: k-means with fewer restarts on a sample, 6: training on a sample of whole tiles).
# batch_size 0 = full batch; sample_size 0 = every clustered pixel; patience 0 = no early stop.
_MODE_DEFAULTS: Dict[str, Dict[str, Any]] = {
    "paper": {"learning_rate": 5e-3, "beta": 7.0, "pretrain_epochs": 150, "pretrain_batch_size": 4096, "epochs": 400,
              "batch_size": 0, "refresh_every": 1, "live_targets": False, "patience": 0, "sample_size": 0,
              "kmeans_n_init": 30, "init": "kmeans", "selection": "ratio", "_pretrain_tol": 0.0, "_kmeans_sample": 0},
    "fast": {"learning_rate": 5e-3, "beta": 1.0, "pretrain_epochs": _PerSample(400_000, 5, 200), "pretrain_batch_size": 512,
             "epochs": _PerSample(560_000, 4, 400), "batch_size": 1024, "refresh_every": 25, "live_targets": True,
             "patience": 6, "sample_size": 40_000, "kmeans_n_init": 10, "init": "finch", "selection": "coherence",
             "_pretrain_tol": 0.01,
             "_kmeans_sample": 20_000},
}

# Full-batch training holds about 10 activations of N x 1568 floats (§6.2): refuse clearly above this.
PAPER_MAX_PIXELS = 200_000
# Side of the square tiles drawn when training on a sample (§7 lever 6): whole neighbourhoods for the box filter.
SAMPLE_TILE = 32
# The default sample is not drawn when it would keep at least this share of the clustered pixels: it would save
# under a quarter of the per-pixel work (FINCH, refresh passes) and, on the PaviaU benchmark (42,776 labelled
# pixels, a 40,000-pixel sample), cost 3.3 points of OA over 6 seeds (docs/benchmarks.md, *Live targets*).
SKIP_SAMPLE_SHARE = 0.75
# Pixels per inference block.
INFER_BLOCK = 8192
LATENT_CHANNELS = 32


# The hyperparameters' rules, defaults and help are declared once, in scdsc_core.params.
MAX_THREADS = _params.MAX_THREADS


def _cross_rules(params: Dict[str, Any]) -> List[str]:
    """Rules between hyperparameters, checked only when each one alone is valid."""
    problems = []
    latent = LATENT_CHANNELS * params["patch_size"] ** 2
    if params["n_clusters"] * params["subspace_dim"] > latent:
        problems.append(f"n_clusters * subspace_dim must be <= {latent} (the latent size {LATENT_CHANNELS}x"
                        f"{params['patch_size']}x{params['patch_size']}, for the orthogonality penalty), got "
                        f"{params['n_clusters']} * {params['subspace_dim']} = "
                        f"{params['n_clusters'] * params['subspace_dim']}")
    if params["sample_size"] and params["sample_size"] <= params["n_clusters"]:
        problems.append(f"sample_size must be 0 (every clustered pixel) or larger than n_clusters "
                        f"({params['n_clusters']}), got {params['sample_size']}")
    if params["mode"] == "paper" and params["batch_size"] not in (None, 0):
        problems.append(f"batch_size must be None or 0 in mode 'paper' (the reference trains full-batch), got "
                        f"{params['batch_size']}; use mode='fast' for mini-batches")
    return problems


def resolve_device(name: str):
    """The torch device for ``name``; ``auto`` falls back to the CPU (logged), a missing CUDA is an error."""
    import torch

    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        log.info("device 'auto': no CUDA device available, using the CPU")
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ScdscError(f"device {name!r} was requested but no CUDA device is available; use 'auto' or 'cpu'")
        index = int(name[5:]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise ScdscError(f"device {name!r} was requested but only {torch.cuda.device_count()} CUDA device(s) "
                             "exist")
    return torch.device(name)


class NotFittedError(ScdscError, _SklearnNotFittedError):
    """``predict``/``save`` before ``fit``: scikit-learn's NotFittedError, and a user error (one line) for the CLI
    and QGIS."""


def check_is_fitted(estimator) -> None:
    """Raise :class:`NotFittedError` unless ``fit`` (or ``load``) has run."""
    if getattr(estimator, "network_", None) is None or getattr(estimator, "bases_", None) is None:
        raise NotFittedError("this SCDSC model is not fitted yet: call fit() first or load a saved model")


class SCDSC(ClusterMixin, BaseEstimator):
    """Scalable context-preserving deep subspace clustering of a hyperspectral image.

    Each pixel is represented by its 7x7 patch of an 8-channel PCA image; a convolutional autoencoder maps it
    to a latent z; cluster j owns a d-dimensional subspace D_j and the soft assignment grows with the projection
    energy ``||z^T D_j||^2``. Training combines reconstruction, basis orthogonality, a non-local term (FINCH
    mini-clusters move together) and a local term (agreement with the box-filtered assignment map).

    ``mode="paper"`` reproduces the reference implementation (full-batch training, §2); ``mode="fast"`` (the
    default) optimises the same objective with mini-batches and refreshed targets, early stopping, shorter
    pretraining and training on a sample of whole tiles (§7 levers 1-3, 5, 6), then labels every clustered
    pixel in blocks.

    Parameters
    ----------
    n_clusters : int, default=8
        K, the number of clusters (2 <= K, K * subspace_dim <= 1568, K < number of clustered pixels).
    mode : {"fast", "paper"}, default="fast"
    n_components : int or None, default=None
        Pixel PCA components (network input channels); None = min(8, number of bands). The image needs at least
        3 bands and at least ``n_components``. The width used is ``n_components_``.
    patch_size : int, default=7
        Network patch side (odd).
    subspace_dim : int, default=5
        d, basis vectors per cluster.
    eta : float, default=5.0
        Affinity offset: ``s_ij ∝ ||z_i^T D_j||^2 + eta * d``.
    alpha : float, default=3.0
        Weight of the mini-cluster KL term.
    beta : float or None
        Weight of the smoothing KL term. None: 7 in paper mode (the reference's PaviaU setting, like the paper
        mode's other defaults, §3), 1 in fast mode.
    window : int, default=7
        Box-filter window side w (odd).
    orth_weight : float, default=1e-3
        Weight of each basis-orthogonality norm.
    learning_rate : float or None
        Adam learning rate of the clustering stage. None: 5e-3 (both modes; §3, and §9 checks in fast mode).
    pretrain_epochs : int or None
        Autoencoder pretraining epochs. None: 150 (paper); fast: about 400k samples (5..200 epochs), stopping
        earlier on a plateau.
    pretrain_batch_size : int or None
        None: 4096 (paper), 512 (fast).
    epochs : int or None
        Clustering epochs. None: 400 full-batch steps (paper); fast: passes over the training sample for about
        560k samples (4..400 passes; about 550 steps of 1024), or fewer with early stopping.
    batch_size : int or None
        Clustering mini-batch (fast mode). None: 1024 (fast), full batch (paper; 0 = full batch).
    refresh_every : int or None
        Steps between refreshes of the target bank (fast). None: 25.
    live_targets : bool or None
        Fast mode: after each step the batch's assignments update the bank, and the next batch's targets
        (p and s_bar) are recomputed from it, so that they move every step as in full-batch training. None: True
        (fast); False: the targets change only at refreshes. No effect in paper mode.
    patience : int or None
        Refreshes without a new maximum of the confident ratio before stopping (fast). None: 6 (fast), 0 =
        never (paper).
    sample_size : int or None
        Training on at most this many clustered pixels, drawn as whole 32x32 tiles. None: 40,000 (fast), or
        all when that sample would keep at least 3/4 of them; 0 = all (paper).
    mini_clusters : {"finch", "pixels"}, default="finch"
        What the non-local term holds together: the FINCH partition ``finch_level`` (the method), or every training
        pixel alone ("pixels": the paper's "Baseline (EDESC)" ablation, a per-pixel self-training target; FINCH
        still runs for ``init="finch"``).
    finch_level : int, default=1
        FINCH partition used as mini-clusters (1 = the second level, as the paper).
    finch_patch : int, default=17
        Patch side of the FINCH features.
    finch_components : int, default=300
        PCA size of the FINCH features.
    kmeans_n_init : int or None
        k-means restarts of the initialisation. None: 30 (paper), 10 (fast, on at most 20,000 latents).
    init : {"kmeans", "finch"} or None
        The partition the subspace bases start from (one SVD per group of pretrained latents). "kmeans": k-means
        on the latents (§2.8, the paper). "finch": the FINCH hierarchy already computed for the mini-clusters,
        cut to K groups as FINCH's ``req_clust`` does (no labels involved; see docs/method-notes.md).
        None: "kmeans" in paper mode; "finch" in fast mode, chosen label-free because it was better or equal on
        every real scene tried (docs/method-notes.md, docs/results.md).
    selection : {"ratio", "coherence"} or None
        Which training state is returned, without labels. "ratio": the refresh (fast) or epoch (paper) with the
        highest share of confident pixels (max soft assignment > 0.9; the start is eligible), as the official
        code does (§2.14). "coherence": that state, unless the start partition is clearly more spatially coherent
        on the training pixels than its map (share of 4-neighbour pairs in the same cluster, higher by at least
        ``train.COHERENCE_MARGIN`` = 0.005); then the start is returned: ``labels_`` holds the start partition on the training pixels, and the start state (the
        pretrained network with the start's subspace bases) labels the other clustered pixels and is the model
        that ``predict`` and a saved model use. None: "ratio" in paper mode, "coherence" in fast mode (chosen on
        Salinas-A, the Indian Pines subset and EnMAP Potsdam, its margin also on the demo scene; docs/results.md). ``fit_info_["returned"]`` says
        which was returned.
    bf16 : bool, default=False
        bf16 autocast for the autoencoder (the affinity and the losses stay fp32).
    device : {"auto", "cpu", "cuda", "cuda:N"}, default="auto"
        "auto" uses CUDA when available, else the CPU (logged); a requested but missing CUDA is an error.
    n_threads : int or None
        Torch and BLAS threads during ``fit``/``predict`` (restored afterwards). None leaves them alone.
    max_memory : float or None
        Memory budget of ``fit`` and ``predict`` in GiB; None = three quarters of this machine's RAM. The arrays a
        run will hold are estimated from the input's size before anything is allocated (``scdsc_core.memory``),
        and a run that would not fit is refused with the estimate in the message.
    random_state : int or None
        Seed of every random step (child seeds per step). None draws one, recorded in ``fit_info_["seed"]``.

    Attributes
    ----------
    labels_ : ndarray of int32, shape (H, W)
        Cluster of every clustered pixel of the training image (0..K-1), -1 elsewhere.
    confidence_ : ndarray of float32, shape (H, W)
        The largest soft assignment of every clustered pixel (from the same pass as ``labels_``), NaN elsewhere.
    history_ : list of dict
        Training records: ``stage`` ("pretrain" or "cluster"), ``epoch``, ``step``, ``loss``, ``loss_rec``
        and, for "cluster", ``loss_orth``, ``loss_nonlocal``, ``loss_local``, ``confident_ratio``.
        One record per pretraining epoch, per clustering epoch (paper) or per refresh (fast).
    preprocessor_ : Preprocessor
        Band scaling, PCA and patch statistics.
    network_ : ConvAutoencoder
        The selected snapshot (eval mode, on the CPU).
    bases_ : ndarray of float32, shape (32*patch_size**2, K*subspace_dim)
        The selected subspace bases D.
    n_features_in_ : int
        Bands seen in ``fit``.
    n_components_ : int
        The pixel PCA width used (``n_components``, or min(8, bands)).
    wavelengths_ : list of float or None
        The band centres (nm) of the training image, where its source knew them (a GDAL raster's band metadata);
        ``apply`` compares a new scene's against them.
    band_names_ : list of str
    n_mini_clusters_ : int
        M, the number of FINCH mini-clusters used.
    finch_sizes_ : list of int
        Clusters per FINCH level.
    finch_level_ : int
        The FINCH level used (-1 with ``mini_clusters="pixels"``).
    selected_epoch_ : float
        Epoch of the returned state (see ``selection``) (paper: 0..epochs-1, 0 = the k-means start; fast: passes over the sample).
    selected_ratio_ : float
        Its share of confident pixels (max soft assignment > 0.9).
    init_labels_ : ndarray of int32, shape (H, W)
        The start partition (k-means on the pretrained latents, or FINCH cut to K) of the training pixels (-1
        elsewhere).
    n_iter_ : int
        Optimiser steps of the clustering stage.
    fit_info_ : dict
        Seed, device, versions, timings per stage (seconds), n_valid, n_clustered, n_train, resolved settings.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> image = np.concatenate([rng.normal(0, 1, (16, 8, 10)), rng.normal(3, 1, (16, 8, 10))], axis=1)
    >>> model = SCDSC(2, pretrain_epochs=2, epochs=2, random_state=0, finch_patch=7).fit(image)
    >>> model.labels_.shape
    (16, 16)
    """

    def __init__(self, n_clusters: int = 8, *, mode: str = "fast", n_components: Optional[int] = None,
                 patch_size: int = 7,
                 subspace_dim: int = 5, eta: float = 5.0, alpha: float = 3.0, beta: Optional[float] = None,
                 window: int = 7, orth_weight: float = 1e-3, learning_rate: Optional[float] = None,
                 pretrain_epochs: Optional[int] = None, pretrain_batch_size: Optional[int] = None,
                 epochs: Optional[int] = None, batch_size: Optional[int] = None,
                 refresh_every: Optional[int] = None, live_targets: Optional[bool] = None,
                 patience: Optional[int] = None,
                 sample_size: Optional[int] = None, mini_clusters: str = "finch", finch_level: int = 1,
                 finch_patch: int = 17,
                 finch_components: int = 300, kmeans_n_init: Optional[int] = None, init: Optional[str] = None,
                 selection: Optional[str] = None, bf16: bool = False,
                 device: str = "auto", n_threads: Optional[int] = None, max_memory: Optional[float] = None,
                 random_state: Optional[int] = None):
        self.n_clusters = n_clusters
        self.mode = mode
        self.n_components = n_components
        self.patch_size = patch_size
        self.subspace_dim = subspace_dim
        self.eta = eta
        self.alpha = alpha
        self.beta = beta
        self.window = window
        self.orth_weight = orth_weight
        self.learning_rate = learning_rate
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_batch_size = pretrain_batch_size
        self.epochs = epochs
        self.batch_size = batch_size
        self.refresh_every = refresh_every
        self.live_targets = live_targets
        self.patience = patience
        self.sample_size = sample_size
        self.mini_clusters = mini_clusters
        self.finch_level = finch_level
        self.finch_patch = finch_patch
        self.finch_components = finch_components
        self.kmeans_n_init = kmeans_n_init
        self.init = init
        self.selection = selection
        self.bf16 = bf16
        self.device = device
        self.n_threads = n_threads
        self.max_memory = max_memory
        self.random_state = random_state

    # ----------------------------------------------------------------------------------------------------------
    # scikit-learn conventions
    # ----------------------------------------------------------------------------------------------------------

    # get_params, clone and repr come from BaseEstimator (the hyperparameters as passed to __init__; None = the
    # mode's default); set_params only adds a user-facing error for unknown names (the CLI shows it on one line).

    def set_params(self, **params) -> "SCDSC":
        """Set hyperparameters; unknown names are an error (:class:`ScdscError`)."""
        known = set(self._get_param_names())
        unknown = sorted(set(params) - known)
        if unknown:
            raise ScdscError(f"unknown SCDSC parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return super().set_params(**params)

    # ----------------------------------------------------------------------------------------------------------
    # Validation
    # ----------------------------------------------------------------------------------------------------------

    def _check_params(self) -> List[str]:
        """Every broken hyperparameter rule, as messages (empty when all hold)."""
        params = self.get_params()
        problems = _params.problems(params)
        if not problems:
            problems += _cross_rules(params)
        return problems

    def _resolved(self, name: str, n_train: int = 0):
        """A hyperparameter, or the mode's default when it is None."""
        value = getattr(self, name, None)
        if value is None:
            value = _MODE_DEFAULTS[self.mode][name]
        if isinstance(value, _PerSample):
            value = value.resolve(n_train)
        return value

    def _sample_size(self, n_clustered: int) -> int:
        """Pixels to sample for training, 0 for all: ``sample_size``, or the mode's default unless it keeps nearly
        all; 0 too whenever the sample would hold every clustered pixel, so 0 means "no sample drawn"."""
        sample = self._resolved("sample_size")
        share = SKIP_SAMPLE_SHARE if self.sample_size is None else 1.0
        return 0 if sample >= share * n_clustered else sample

    def _check_data(self, source, mask) -> Tuple[List[str], Optional[np.ndarray]]:
        """Rules on the image and mask; returns the problems and the clustered-pixel mask (valid & mask)."""
        problems = []
        height, width = source.shape
        if source.n_bands < MIN_BANDS:
            problems.append(f"the image needs at least {MIN_BANDS} bands, got {source.n_bands}")
        elif self.n_components is not None and source.n_bands < self.n_components:
            problems.append(f"the pixel PCA (n_components={self.n_components}) needs at least "
                            f"{self.n_components} bands, got {source.n_bands}; leave n_components unset to use "
                            f"min({DEFAULT_COMPONENTS}, bands)")
        for size in sorted({self.finch_patch, self.patch_size}, reverse=True):
            if min(height, width) < size // 2 + 1:
                problems.append(f"scene of {height}x{width} pixels is smaller than the {size}x{size} patch "
                                f"(both sides must be at least {size // 2 + 1} pixels)")
                break
        clustered = None
        if mask is not None:
            mask = np.asarray(mask)
            if mask.shape != (height, width):
                problems.append(f"mask must have the image's shape {(height, width)}, got {mask.shape}")
                mask = None
            elif mask.dtype != bool:
                if not np.issubdtype(mask.dtype, np.number):
                    problems.append(f"mask must be a boolean (H, W) array, got dtype {mask.dtype}")
                    mask = None
                else:
                    mask = mask != 0
        valid = source.valid_mask()
        if not valid.any():
            problems.append("the image has no valid pixel (every pixel is nodata or NaN)")
        else:
            clustered = valid & mask if mask is not None else valid.copy()
            n_clustered = int(clustered.sum())
            if n_clustered == 0:
                problems.append("mask selects no valid pixel: nothing to cluster")
            elif _params.BY_NAME["n_clusters"].check(self.n_clusters) and self.n_clusters >= n_clustered:
                problems.append(f"n_clusters must be smaller than the number of clustered pixels "
                                f"({n_clustered}), got {self.n_clusters}")
            sample = self._sample_size(n_clustered) if self.mode in _MODE_DEFAULTS else 0
            n_train = sample or n_clustered
            if self.mode == "paper" and n_train > PAPER_MAX_PIXELS:
                problems.append(f"mode 'paper' trains full-batch and is limited to {PAPER_MAX_PIXELS:,} training "
                                f"pixels, got {n_train:,}; use mode='fast' (or sample_size)")
            elif not problems and self.mode in _MODE_DEFAULTS:
                problems += self._memory_problems(source, int(valid.sum()), n_train)
        return problems, clustered

    def _memory_problems(self, source, n_valid: int, n_train: int) -> List[str]:
        """The memory-budget refusal of a fit on ``source``, if any (estimated before anything is allocated)."""
        from .memory import budget_bytes, fit_estimate, require

        batch_size = self._resolved("batch_size")
        full_batch = self.mode == "paper" or batch_size == 0
        estimate = fit_estimate(*source.shape, source.n_bands, n_valid, n_train,
                                resolve_components(self.n_components, source.n_bands), self.patch_size,
                                self.finch_patch, self.finch_components, self.n_clusters, full_batch,
                                batch_size=batch_size or n_train)
        try:
            require(estimate, budget_bytes(self.max_memory), "lower sample_size, give a mask or a window of the "
                                                              "scene, or raise max_memory")
        except ScdscError as error:
            return [str(error)]
        return []

    # ----------------------------------------------------------------------------------------------------------
    # Fit
    # ----------------------------------------------------------------------------------------------------------

    def fit(self, X, y=None, *, mask=None, progress=None, cancelled=None, callback=None) -> "SCDSC":
        """Fit SCDSC to an image and label its clustered pixels.

        Parameters
        ----------
        X : ndarray of shape (H, W, B) or a raster source
            The image (bands last) or an ``ArraySource``/``RasterSource``.
        y : None
            Ignored (unsupervised; scikit-learn's signature). An (H, W) mask passed here by position, as the
            pre-0.2 signature ``fit(X, mask)`` took it, is refused rather than ignored.
        mask : ndarray of bool, shape (H, W), optional
            Pixels to cluster (ANDed with validity). The paper protocol uses ``labels > 0``.
        progress : callable, optional
            ``progress(fraction, message)``.
        cancelled : callable, optional
            ``cancelled() -> bool``, checked per block and mini-batch.
        callback : callable, optional
            ``callback(record)`` for every training record (a copy of the one appended to ``history_``). The
            clustering records (one per refresh in fast mode, per epoch in paper mode) also carry
            ``"assignments"``, the argmax cluster of every training pixel (int32, shape (N,)), and ``"pixels"``,
            the ``(rows, cols)`` of those pixels in the image (the same arrays at every record).

        Returns
        -------
        self

        Raises
        ------
        ScdscError
            Invalid hyperparameters or data (every problem in one message).
        ScdscCancelled
            ``cancelled()`` returned True.
        """
        from .source import as_source

        p = as_progress(progress, cancelled)
        problems = self._check_params()
        if y is not None and np.ndim(y) == 2:
            problems.append("y is not used (SCDSC is unsupervised): pass the pixels to cluster as mask=...")
        source = None
        try:
            source = as_source(X)
        except ScdscError as exc:
            problems.append(str(exc))
        clustered = None
        if source is not None and not problems:
            data_problems, clustered = self._check_data(source, mask)
            problems += data_problems
        if problems:
            raise ScdscError("; ".join(problems))
        device = resolve_device(self.device)
        with _thread_limit(self.n_threads):
            self._fit(source, clustered, device, p, callback)
        return self

    def _fit(self, source, clustered: np.ndarray, device, p, callback) -> None:
        """The pipeline of §2 on validated input."""
        import torch

        from . import __version__
        from .preprocess import Preprocessor, pca_image
        from .train import BoxFilter, ClusterData, neighbour_pairs, pretrain, train_full_batch, train_minibatch

        timings: Dict[str, float] = {}
        clock = [time.perf_counter()]

        def lap(name):
            now = time.perf_counter()
            timings[name] = round(now - clock[0], 3)
            clock[0] = now

        seed = self.random_state
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2 ** 32))
        seeds = np.random.SeedSequence(seed).spawn(7)
        rng_sample, rng_pca, rng_finch, rng_kmeans = (np.random.default_rng(s) for s in seeds[:4])
        torch_init, torch_shuffle, torch_svd = (torch.Generator().manual_seed(int(s.generate_state(1)[0]))
                                                for s in seeds[4:7])
        kmeans_seed = int(seeds[3].generate_state(1)[0])
        height, width = source.shape
        valid = source.valid_mask()
        history: List[Dict[str, Any]] = []

        def record(rec, assignments=None):
            history.append(rec)
            if callback is not None:
                out = dict(rec)
                if assignments is not None:
                    out["assignments"] = assignments.cpu().numpy().astype(np.int32)
                    out["pixels"] = (rows, cols)
                callback(out)

        # ---- training set
        rows_all, cols_all = np.nonzero(clustered)
        sample = self._sample_size(rows_all.size)
        train_pick = _tile_sample(rows_all, cols_all, sample, rng_sample) if sample else np.arange(rows_all.size)
        rows, cols = rows_all[train_pick], cols_all[train_pick]
        n_train = rows.size
        settings = self._train_settings(n_train, device)
        full_batch = self.mode == "paper" or settings.batch_size == 0
        stages = _stage_slices(settings, n_train, rows_all.size, full_batch)
        log.info("SCDSC %s mode: K=%d, %d valid pixels, %d clustered, training on %d, device %s, seed %d",
                 self.mode, self.n_clusters, int(valid.sum()), rows_all.size, n_train, device, seed)

        # ---- preprocessing (§2.2, §8): band scaling + PCA on all valid pixels, PCA image blockwise
        stage = p.slice(*stages["preprocess"])
        stage(0.0, "Preprocessing: band scaling and PCA")
        n_components = resolve_components(self.n_components, source.n_bands)
        pre = Preprocessor(n_components, random_state=rng_pca).fit(source)
        X8 = pca_image(source, pre, progress=stage.slice(0.1, 0.8))
        pre.fit_patch_stats(X8, rows, cols, self.patch_size, progress=stage.slice(0.8, 1.0))
        lap("preprocess")

        # ---- FINCH mini-clusters (§2.3, §2.5, §8)
        hierarchy, groups, level_used, init, finch_start = self._mini_clusters(
            X8, rows, cols, rng_finch, p.slice(*stages["finch"]), device)
        n_groups = int(groups.max()) + 1
        lap("finch")

        # ---- network inputs (§2.4), pretraining (§2.7)
        patches = _standard_patches(X8, rows, cols, self.patch_size, pre, p.slice(*stages["pretrain"]).slice(0, 0.05))
        patches_t = torch.from_numpy(patches).to(device)
        del patches
        from .network import ConvAutoencoder
        net = ConvAutoencoder(n_components, LATENT_CHANNELS, generator=torch_init).to(device)
        pretrain_epochs_run = pretrain(net, patches_t, settings, torch_shuffle,
                                       p.slice(*stages["pretrain"]).slice(0.05, 1.0), record)
        last_pretrain = history[-1]["loss_rec"] if history else float("nan")
        lap("pretrain")

        # ---- start partition (k-means, §2.8, or FINCH cut to K) + SVD bases
        start_labels, bases = self._start_partition(net, patches_t, settings, finch_start, kmeans_seed, rng_kmeans,
                                                    torch_svd, p.slice(*stages["kmeans"]), device)
        lap("kmeans")

        # ---- clustering (§2.9-2.14; §7 levers in fast mode)
        stage = p.slice(*stages["cluster"])
        box = BoxFilter(rows, cols, (height, width), self.window, device)
        data = ClusterData.build(patches_t, groups, box, neighbour_pairs(rows, cols, (height, width)), start_labels)
        with one_blas_thread():
            if full_batch:
                settings.chunk_size = 4096
                result = train_full_batch(net, bases, data, settings, stage, record)
            else:
                result = train_minibatch(net, bases, data, settings, torch_shuffle, stage, record, last_pretrain)
        del data, patches_t
        log.info("%s start: confident ratio %.4f; returned the %s state, epoch %s (step %d); best ratio %.4f%s",
                 init, result.start_ratio, result.returned, result.selected_epoch, result.selected_step,
                 result.selected_ratio,
                 " (no confident pixel at any evaluation: last state kept)" if result.fell_back else "")
        lap("cluster")

        # ---- learned state, then the final labels of every clustered pixel with the selected state
        net_cpu = ConvAutoencoder(n_components, LATENT_CHANNELS)
        net_cpu.load_state_dict({k: v.cpu() for k, v in result.network_state.items()})
        net_cpu.eval()
        self.preprocessor_ = pre
        self.network_ = net_cpu
        self.bases_ = result.bases.detach().cpu().numpy().astype(np.float32)
        self.n_features_in_ = int(source.n_bands)
        self.n_components_ = n_components
        self.wavelengths_ = None if source.wavelengths is None else [float(w) for w in source.wavelengths]
        self.band_names_ = list(source.band_names)
        self.history_ = history
        self.n_mini_clusters_ = n_groups
        self.finch_sizes_ = [int(c) for c in hierarchy.n_clusters]
        self.finch_level_ = int(level_used)
        self.selected_epoch_ = result.selected_epoch
        self.selected_ratio_ = float(result.start_ratio if result.returned == "start" else result.selected_ratio)
        self.n_iter_ = int(result.n_iter)
        start_map = np.full((height, width), -1, dtype=np.int32)
        start_map[rows, cols] = start_labels
        self.init_labels_ = start_map
        labels = np.full((height, width), -1, dtype=np.int32)
        confidence = np.full((height, width), np.nan, dtype=np.float32)
        for block_rows, block_cols, block_labels, block_confidence, _ in self._infer_blocks(
                X8, rows_all, cols_all, device, p.slice(*stages["labels"]), want_proba=False):
            labels[block_rows, block_cols] = block_labels
            confidence[block_rows, block_cols] = block_confidence
        if result.returned == "start":
            # The start partition itself on the pixels it covers; the start state (its subspace bases on the
            # pretrained network) labels the rest, as predict() and a saved model do.
            labels[rows, cols] = start_labels
        self.labels_ = labels
        self.confidence_ = confidence
        lap("labels")
        self.fit_info_ = {
            "seed": int(seed), "mode": self.mode, "device": str(device), "n_valid": int(valid.sum()),
            "n_clustered": int(rows_all.size), "n_train": int(n_train), "n_components": n_components, "init": init,
            "shape": [int(height), int(width)],
            "timings": timings, "pretrain_epochs_run": int(pretrain_epochs_run),
            "start_ratio": float(result.start_ratio), "selected_step": int(result.selected_step),
            "selected_fallback": bool(result.fell_back), "finch_level_used": int(level_used),
            "selection": settings.selection, "returned": result.returned,
            "coherence_start": _finite_or_none(result.coherence_start),
            "coherence_selected": _finite_or_none(result.coherence_selected),
            "settings": {k: (str(v) if k == "device" else v) for k, v in vars(settings).items()},
            "versions": _versions(__version__),
        }

    def _train_settings(self, n_train: int, device):
        """The resolved hyperparameters of the training loops (mode defaults filled in for ``n_train`` pixels)."""
        from .train import TrainSettings

        return TrainSettings(
            n_clusters=self.n_clusters, subspace_dim=self.subspace_dim, eta=float(self.eta), alpha=float(self.alpha),
            beta=float(self._resolved("beta")), orth_weight=float(self.orth_weight),
            learning_rate=float(self._resolved("learning_rate")),
            pretrain_epochs=self._resolved("pretrain_epochs", n_train),
            pretrain_batch_size=self._resolved("pretrain_batch_size"),
            pretrain_tol=_MODE_DEFAULTS[self.mode]["_pretrain_tol"] if self.pretrain_epochs is None else 0.0,
            epochs=self._resolved("epochs", n_train), batch_size=self._resolved("batch_size"),
            refresh_every=self._resolved("refresh_every"), live_targets=bool(self._resolved("live_targets")),
            patience=self._resolved("patience"),
            kmeans_n_init=self._resolved("kmeans_n_init"), kmeans_sample=_MODE_DEFAULTS[self.mode]["_kmeans_sample"],
            selection=self._resolved("selection"), bf16=bool(self.bf16), device=device)

    def _mini_clusters(self, X8, rows, cols, rng_finch, stage, device):
        """FINCH on the training pixels' patch features (§2.3, §2.5): ``(hierarchy, groups, level used, init,
        FINCH start or None)``; ``init`` falls back to k-means (warned) when the hierarchy cannot be cut to K."""
        from .finch import cut_to_k, finch, select_partition
        from .preprocess import finch_features

        features = finch_features(X8, rows, cols, patch=self.finch_patch, n_components=self.finch_components,
                                  random_state=rng_finch, progress=stage.slice(0.0, 0.4))
        hierarchy = finch(features, device=str(device), progress=stage.slice(0.4, 1.0))
        init = self._resolved("init")
        finch_start = None
        if init == "finch":
            try:
                finch_start = cut_to_k(hierarchy, features, self.n_clusters)[0]
            except ScdscError as error:
                message = f"init='finch' is not possible here ({error}); starting from k-means instead"
                warn_adjustment(log, message, stacklevel=3)
                init = "kmeans"
        del features
        if self.mini_clusters == "pixels":  # the EDESC ablation: the non-local term becomes per-pixel self-training
            groups, level_used = np.arange(rows.size, dtype=np.int32), -1
        else:
            groups, level_used = select_partition(hierarchy, self.finch_level, self.n_clusters)
        log.info("FINCH: clusters per level %s; using level %d with M=%d mini-clusters (sizes %d..%d)",
                 hierarchy.n_clusters, level_used, int(groups.max()) + 1, int(np.bincount(groups).min()),
                 int(np.bincount(groups).max()))
        return hierarchy, groups, level_used, init, finch_start

    def _start_partition(self, net, patches_t, settings, finch_start, kmeans_seed, rng_kmeans, torch_svd, stage,
                         device):
        """The start partition (k-means on the latents, §2.8, or the FINCH cut) and its SVD bases."""
        from .train import encode_all, kmeans_start, recalibrate_batchnorm, subspace_bases

        stage(0.0, "k-means on the latents" if finch_start is None else "Latents of the FINCH start")
        if self.mode == "fast":
            recalibrate_batchnorm(net, patches_t, stage, settings.bf16, device)
        Z = encode_all(net, patches_t, stage, settings.bf16, device)
        if finch_start is None:
            start_labels = kmeans_start(Z, self.n_clusters, settings.kmeans_n_init, kmeans_seed,
                                        settings.kmeans_sample, rng_kmeans, stage.slice(0.1, 0.8))
        else:
            start_labels = finch_start.astype(np.int64)
        stage(0.8, "Subspace bases")
        return start_labels, subspace_bases(Z, start_labels, self.n_clusters, self.subspace_dim, torch_svd)

    # ----------------------------------------------------------------------------------------------------------
    # Inference
    # ----------------------------------------------------------------------------------------------------------

    def _infer_blocks(self, X8, rows, cols, device, progress, want_proba: bool,
                      block_pixels: int = INFER_BLOCK):
        """Yield ``(rows, cols, labels, confidence, proba or None)`` per block of pixels (no whole patch array)."""
        import torch

        from .network import fold_batchnorm
        from .preprocess import extract_patches
        from .train import soft_assign

        encoder = fold_batchnorm(self.network_).to(device)
        bases = torch.from_numpy(self.bases_).to(device)
        n = len(rows)
        for start in range(0, n, block_pixels):
            progress.check()
            stop = min(n, start + block_pixels)
            patches = self.preprocessor_.standardise_patches(
                extract_patches(X8, rows[start:stop], cols[start:stop], self.patch_size))
            with torch.no_grad(), one_blas_thread():  # per block: the context never spans a yield
                z = encoder(torch.from_numpy(patches).to(device)).flatten(1)
                s = soft_assign(z, bases, self.n_clusters, self.subspace_dim, float(self.eta))
                confidence, labels = s.max(dim=1)
            yield (rows[start:stop], cols[start:stop], labels.cpu().numpy().astype(np.int32),
                   confidence.cpu().numpy(), s.cpu().numpy() if want_proba else None)
            progress(stop / max(n, 1), "Labelling pixels")

    def _prepare_inference(self, X, mask, progress, cancelled):
        """Validate a prediction input; return (source, X8, rows, cols, device, progress)."""
        from .preprocess import pca_image
        from .source import as_source

        check_is_fitted(self)
        p = as_progress(progress, cancelled)
        source = as_source(X)
        if source.n_bands != self.n_features_in_:
            raise ScdscError(f"the image has {source.n_bands} band(s) but the model was trained on "
                             f"{self.n_features_in_} bands")
        height, width = source.shape
        if min(height, width) < self.patch_size // 2 + 1:
            raise ScdscError(f"scene of {height}x{width} pixels is smaller than the {self.patch_size}x"
                             f"{self.patch_size} patch (both sides must be at least {self.patch_size // 2 + 1} "
                             "pixels)")
        clustered = source.valid_mask()
        if mask is not None:
            mask = np.asarray(mask)
            if mask.shape != (height, width):
                raise ScdscError(f"mask must have the image's shape {(height, width)}, got {mask.shape}")
            clustered = clustered & (mask != 0)
        from .memory import budget_bytes, predict_estimate, require
        require(predict_estimate(height, width, self.n_components_, self.n_clusters, proba=False),
                budget_bytes(self.max_memory), "label a window of the scene at a time (apply-many does), or raise "
                                               "max_memory")
        device = resolve_device(self.device)
        X8 = pca_image(source, self.preprocessor_, progress=p.slice(0.0, 0.3))
        rows, cols = np.nonzero(clustered)
        return source, X8, rows, cols, device, p.slice(0.3, 1.0)

    def predict_blocks(self, X, *, mask=None, block_pixels: int = INFER_BLOCK, want_proba: bool = False,
                       progress=None, cancelled=None) -> Iterator[Tuple[np.ndarray, ...]]:
        """Label an image block by block.

        Parameters
        ----------
        X : ndarray of shape (H, W, B) or a raster source
        mask : ndarray of bool, shape (H, W), optional
        block_pixels : int
            Pixels per block.
        want_proba : bool
            Also yield the soft assignments.
        progress, cancelled : callable, optional

        Yields
        ------
        rows, cols : ndarray of int
            The block's pixels.
        labels : ndarray of int32
            Clusters 0..K-1.
        confidence : ndarray of float32
            The largest soft assignment.
        proba : ndarray of float32, shape (n, K), or None
        """
        _, X8, rows, cols, device, p = self._prepare_inference(X, mask, progress, cancelled)
        with _thread_limit(self.n_threads):
            yield from self._infer_blocks(X8, rows, cols, device, p, want_proba, block_pixels)

    def predict(self, X, *, mask=None, progress=None, cancelled=None) -> np.ndarray:
        """Cluster of every valid (and masked-in) pixel: int32 (H, W), -1 elsewhere.

        Raises
        ------
        ScdscError
            Not fitted, or the image's band count differs from the training image's.
        """
        source, X8, rows, cols, device, p = self._prepare_inference(X, mask, progress, cancelled)
        labels = np.full(source.shape, -1, dtype=np.int32)
        with _thread_limit(self.n_threads):
            for r, c, lab, _, _ in self._infer_blocks(X8, rows, cols, device, p, False):
                labels[r, c] = lab
        return labels

    def predict_proba(self, X, *, mask=None, progress=None, cancelled=None) -> np.ndarray:
        """Soft assignments s (§2.9): float32 (H, W, K), NaN outside the clustered pixels."""
        source, X8, rows, cols, device, p = self._prepare_inference(X, mask, progress, cancelled)
        proba = np.full(source.shape + (self.n_clusters,), np.nan, dtype=np.float32)
        with _thread_limit(self.n_threads):
            for r, c, _, _, s in self._infer_blocks(X8, rows, cols, device, p, True):
                proba[r, c] = s
        return proba

    def fit_predict(self, X, y=None, *, mask=None, progress=None, cancelled=None, callback=None) -> np.ndarray:
        """``fit`` then return ``labels_`` (the labels ``predict`` gives on the same image and mask, except on the
        training pixels when the start partition was returned; see ``selection``)."""
        return self.fit(X, y, mask=mask, progress=progress, cancelled=cancelled, callback=callback).labels_

    # Files are the I/O layer's: scdsc_core.modelfile.save_model(estimator, path) and load_model(path).


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------

def _finite_or_none(value: float) -> Optional[float]:
    """``value`` rounded, or None for NaN (JSON has no NaN; the model file's metadata is JSON)."""
    return None if not math.isfinite(value) else round(float(value), 6)


@contextlib.contextmanager
def _thread_limit(n_threads: Optional[int]):
    """Limit torch and BLAS threads to ``n_threads`` for the duration, then restore (None: no change)."""
    if n_threads is None:
        yield
        return
    problem = _params.BY_NAME["n_threads"].problem(n_threads)
    if problem:
        raise ScdscError(problem)
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(int(n_threads))
    try:
        with threadpool_limits(limits=int(n_threads)):
            yield
    finally:
        torch.set_num_threads(before)


def _tile_sample(rows: np.ndarray, cols: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the clustered pixels inside randomly drawn whole ``SAMPLE_TILE`` tiles, about ``size`` of them.

    Whole tiles keep real neighbourhoods for the box filter (§7 lever 6, §8). The caller draws a sample only when
    it is smaller than the clustered set (:meth:`SCDSC._sample_size`); the result is sorted (row-major, §2.1).
    """
    tile_cols = int(cols.max()) // SAMPLE_TILE + 1
    tile = (rows // SAMPLE_TILE) * tile_cols + cols // SAMPLE_TILE
    ids, counts = np.unique(tile, return_counts=True)
    order = rng.permutation(ids.size)
    cumulative = np.cumsum(counts[order])
    n_tiles = int(np.searchsorted(cumulative, size) + 1)
    chosen = ids[order[:n_tiles]]
    return np.flatnonzero(np.isin(tile, chosen))


def _standard_patches(X8, rows, cols, size, pre, progress) -> np.ndarray:
    """Standardised float32 network patches (N, C, p, p) of the training pixels, built in blocks."""
    from .preprocess import extract_patches

    n = len(rows)
    out = np.empty((n, X8.shape[2], size, size), dtype=np.float32)
    for start in range(0, n, INFER_BLOCK):
        progress.check()
        stop = min(n, start + INFER_BLOCK)
        out[start:stop] = pre.standardise_patches(extract_patches(X8, rows[start:stop], cols[start:stop], size))
        progress(stop / max(n, 1), "Network patches")
    return out


def _stage_slices(settings, n_train: int, n_clustered: int, full_batch: bool) -> Dict[str, Tuple[float, float]]:
    """Progress slices per stage, proportional to rough cost estimates in sample-passes (§7 cost model)."""
    pretrain_cost = 3.0 * settings.pretrain_epochs * n_train
    if full_batch:
        cluster_cost = 3.3 * settings.epochs * n_train
    else:
        refreshes = settings.epochs * math.ceil(n_train / max(1, settings.batch_size)) / settings.refresh_every
        cluster_cost = 3.0 * settings.epochs * n_train + 0.7 * refreshes * n_train
    label_cost = 0.7 * n_clustered
    fixed = 0.15 * (pretrain_cost + cluster_cost + label_cost) + 1.0
    costs = {"preprocess": 0.3 * fixed, "finch": 0.5 * fixed, "pretrain": pretrain_cost,
             "kmeans": 0.2 * fixed, "cluster": cluster_cost, "labels": label_cost}
    total = sum(costs.values())
    slices, start = {}, 0.0
    for name, cost in costs.items():
        end = start + cost / total
        slices[name] = (start, min(end, 1.0))
        start = end
    return slices


def _versions(core_version: str) -> Dict[str, str]:
    import sklearn
    import torch
    return {"scdsc_core": core_version, "numpy": np.__version__, "torch": torch.__version__,
            "scikit-learn": sklearn.__version__, "python": platform.python_version()}
