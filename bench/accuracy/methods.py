"""The compared methods: SCDSC (paper and fast modes, the ablations) and the baselines, behind one signature.

Every method is ``run(scene, mask, seed) -> MethodOutput``: it clusters the pixels of ``mask`` (and only those)
into K = ``scene.n_clusters`` groups without seeing ``scene.labels``, and returns an (H, W) int32 label map with
``-1`` outside ``mask``. The baselines cluster the same features SCDSC starts from: the pixel PCA-8 of the
standardised bands, fitted on all valid pixels (§2.2).

A method is named either by a key of :data:`METHODS` or by an SCDSC specification
``"scdsc:mode=fast,alpha=0,learning_rate=0.001"`` (any :class:`scdsc_core.model.SCDSC` hyperparameter), which
the label-free default search uses.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from .scenes import Scene

log = logging.getLogger("bench.accuracy.methods")


@dataclass
class MethodOutput:
    """What a method returns.

    Attributes
    ----------
    labels : ndarray of int32, shape (H, W)
        Clusters ``0..K-1`` at the clustered pixels, ``-1`` elsewhere.
    start_labels : ndarray or None
        SCDSC only: the start partition (``init_labels_``: k-means or FINCH cut to K), same layout.
    info : dict
        Method facts worth keeping (selected epoch, M, parameters, ...), JSON-serialisable.
    history : list of dict
        SCDSC only: the estimator's ``history_``.
    trace : list of dict
        SCDSC only: OA/NMI of the assignments at every refresh (fast) or epoch (paper) with the confident ratio
        (:func:`assignment_trace`).
    """

    labels: np.ndarray
    start_labels: Optional[np.ndarray] = None
    info: Dict[str, Any] = field(default_factory=dict)
    history: List[dict] = field(default_factory=list)
    trace: List[dict] = field(default_factory=list)


@dataclass(frozen=True)
class MethodSpec:
    """A named method: its table label, family and what it runs."""

    name: str
    label: str
    family: str  # "scdsc" or "baseline"
    run: Callable[[Scene, np.ndarray, int], MethodOutput]
    description: str = ""
    params: Optional[Dict[str, Any]] = None  # SCDSC hyperparameters (SCDSC methods only)


# --------------------------------------------------------------------------------------------------------------
# Features and evaluation (the core's own code, so baselines and SCDSC see identical inputs and scores)
# --------------------------------------------------------------------------------------------------------------

def pixel_features(scene: Scene) -> np.ndarray:
    """X8: band standardisation + PCA to 8 components fitted on every valid pixel (§2.2, §8); (H, W, 8) float32.

    The core's own :class:`~scdsc_core.preprocess.Preprocessor` (default settings), so the baselines see the
    pixels exactly as SCDSC does; invalid pixels are 0.
    """
    from scdsc_core.preprocess import Preprocessor, pca_image
    from scdsc_core.raster import ArraySource
    source = ArraySource(scene.cube)
    return pca_image(source, Preprocessor(n_components=8, random_state=0).fit(source))


def patch_features(scene: Scene, mask: np.ndarray, x8: Optional[np.ndarray] = None, *, patch: int = 17,
                   n_components: int = 300) -> np.ndarray:
    """F: the FINCH features of the clustered pixels (§2.3): 17x17 patches of X8, standardised, PCA-300, L2."""
    from scdsc_core.preprocess import finch_features
    if x8 is None:
        x8 = pixel_features(scene)
    rows, cols = np.nonzero(mask)
    return finch_features(x8, rows, cols, patch=patch, n_components=n_components, random_state=0)


def evaluate(labels: np.ndarray, reference: np.ndarray) -> Dict[str, Any]:
    """OA (Hungarian), NMI, kappa and per-class accuracy on the labelled pixels, as plain floats (fractions)."""
    from scdsc_core.metrics import evaluate_labels
    ev = evaluate_labels(labels, reference)
    return {"oa": float(ev.oa), "nmi": float(ev.nmi), "kappa": float(ev.kappa),
            "per_class": [float(v) for v in np.asarray(ev.per_class_accuracy, dtype=float)]}


def _to_map(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Scatter per-pixel labels (row-major order of ``mask``) into an (H, W) map, -1 elsewhere."""
    out = np.full(mask.shape, -1, np.int32)
    out[mask] = values
    return out


# --------------------------------------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------------------------------------

def run_kmeans(scene: Scene, mask: np.ndarray, seed: int) -> MethodOutput:
    """k-means (k-means++, 10 restarts) on the X8 pixels."""
    from sklearn.cluster import KMeans
    x = pixel_features(scene)[mask]
    km = KMeans(scene.n_clusters, n_init=10, random_state=seed).fit(x)
    return MethodOutput(_to_map(mask, km.labels_), info={"features": "X8", "n_init": 10,
                                                         "inertia": float(km.inertia_)})


def run_gmm(scene: Scene, mask: np.ndarray, seed: int) -> MethodOutput:
    """Gaussian mixture, full covariances, k-means initialisation, on the X8 pixels."""
    from sklearn.mixture import GaussianMixture
    x = pixel_features(scene)[mask].astype(np.float64)
    gm = GaussianMixture(scene.n_clusters, covariance_type="full", n_init=1, reg_covar=1e-6,
                         random_state=seed).fit(x)
    return MethodOutput(_to_map(mask, gm.predict(x)), info={"features": "X8", "covariance": "full",
                                                           "converged": bool(gm.converged_)})


def run_spectral(scene: Scene, mask: np.ndarray, seed: int) -> MethodOutput:
    """Spectral clustering on a 10-nearest-neighbour graph of the X8 pixels (sparse: fits at these sizes)."""
    from sklearn.cluster import SpectralClustering
    x = pixel_features(scene)[mask]
    sc = SpectralClustering(scene.n_clusters, affinity="nearest_neighbors", n_neighbors=10,
                            assign_labels="kmeans", random_state=seed, n_jobs=1).fit(x)
    return MethodOutput(_to_map(mask, sc.labels_), info={"features": "X8", "affinity": "10-NN graph"})


def run_finch_pixels(scene: Scene, mask: np.ndarray, seed: int) -> MethodOutput:
    """FINCH on the X8 pixels (cosine), cut to exactly K clusters (deterministic: the seed is unused)."""
    x = pixel_features(scene)[mask]
    labels, info = finch_k(x, scene.n_clusters)
    info["features"] = "X8"
    return MethodOutput(_to_map(mask, labels), info=info)


def run_finch_patches(scene: Scene, mask: np.ndarray, seed: int) -> MethodOutput:
    """FINCH on SCDSC's own mini-cluster features F (17x17 patches, PCA-300, §2.3), cut to exactly K clusters."""
    labels, info = finch_k(patch_features(scene, mask), scene.n_clusters)
    info["features"] = "F (17x17 patch PCA-300)"
    return MethodOutput(_to_map(mask, labels), info=info)


def finch_k(points: np.ndarray, k: int):
    """FINCH with ``req_clust = k``, as the FINCH package v0.2.1 does it (:func:`scdsc_core.finch.cut_to_k`).

    Returns
    -------
    labels : ndarray of int32, shape (n,)
    info : dict
        The hierarchy's cluster counts, the partition used and the number of merges.
    """
    from scdsc_core.finch import cut_to_k, finch
    result = finch(points)
    labels, level = cut_to_k(result, points, k)
    counts = list(result.n_clusters)
    return labels, {"finch_levels": counts, "finch_level_used": level, "finch_merges": int(counts[level] - k)}


# --------------------------------------------------------------------------------------------------------------
# SCDSC
# --------------------------------------------------------------------------------------------------------------

def assignment_trace(labels: np.ndarray):
    """A ``callback`` for :meth:`SCDSC.fit` that scores the assignments along training, and the list it fills.

    The estimator's clustering records (one per refresh in fast mode, per epoch in paper mode; the first is the
    start as the network sees it) carry the argmax cluster of every training pixel and those pixels' positions
    (the public hook of ``fit``); each becomes one ``{"step", "ratio", "oa", "nmi"}`` point, scored against
    ``labels`` (the reference map, 0 = unlabelled, not scored). The training never sees the labels.
    """
    labels = np.asarray(labels)
    points: List[dict] = []

    def callback(record: dict) -> None:
        if "assignments" not in record:
            return
        rows, cols = record["pixels"]
        scores = evaluate(record["assignments"].astype(np.int64), labels[rows, cols])
        points.append({"step": int(record["step"]), "ratio": round(float(record["confident_ratio"]), 5),
                       "oa": round(scores["oa"], 5), "nmi": round(scores["nmi"], 5)})

    return callback, points


def scdsc_runner(**params) -> Callable[[Scene, np.ndarray, int], MethodOutput]:
    """A method that fits :class:`scdsc_core.model.SCDSC` with ``params`` (``mode`` included) on the scene."""
    if params.get("mini_clusters", "finch") not in ("finch", "pixels"):
        raise ValueError(f"mini_clusters must be 'finch' or 'pixels', got {params['mini_clusters']!r}")

    def run(scene: Scene, mask: np.ndarray, seed: int) -> MethodOutput:
        from scdsc_core.model import SCDSC

        est = SCDSC(scene.n_clusters, random_state=int(seed), device="cpu", **params)
        callback, trace = assignment_trace(scene.labels)
        est.fit(scene.cube, mask=mask, callback=callback)
        labels = _as_label_map(est.labels_, mask)
        start = _as_label_map(getattr(est, "init_labels_", None), mask)
        info = {"params": {k: v for k, v in est.get_params().items() if _plain(v)},
                "mini_clusters": est.mini_clusters,
                "selected_epoch": getattr(est, "selected_epoch_", None),
                "selected_ratio": getattr(est, "selected_ratio_", None),
                "n_mini_clusters": getattr(est, "n_mini_clusters_", None),
                "n_iter": getattr(est, "n_iter_", None),
                "finch_sizes": list(getattr(est, "finch_sizes_", []) or [])}
        fit_info = dict(getattr(est, "fit_info_", {}) or {})
        for key in ("timings", "pretrain_epochs_run", "start_ratio", "selected_step", "selected_fallback",
                    "finch_level_used", "n_train", "init"):
            if key in fit_info:
                info[key] = fit_info[key]
        settings = fit_info.get("settings", {})
        info["resolved"] = {k: v for k, v in settings.items() if _plain(v) and k != "device"}
        return MethodOutput(labels, start_labels=start, info=info, history=list(est.history_),
                            trace=trace)
    return run


def _as_label_map(values, mask: np.ndarray) -> Optional[np.ndarray]:
    """An estimator label array as an (H, W) map with -1 outside the mask (accepts (H, W) or per-pixel arrays)."""
    if values is None:
        return None
    values = np.asarray(values)
    if values.shape == mask.shape:
        out = values.astype(np.int32).copy()
        out[~mask] = -1
        return out
    if values.ndim == 1 and values.size == int(mask.sum()):
        return _to_map(mask, values.astype(np.int32))
    raise ValueError(f"cannot read a label array of shape {values.shape} for a mask of shape {mask.shape}")


def _plain(value) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def parse_scdsc_spec(spec: str) -> Dict[str, Any]:
    """``"scdsc:mode=fast,alpha=0,learning_rate=1e-3"`` -> ``{"mode": "fast", "alpha": 0, "learning_rate": 0.001}``.

    Values are read as int, then float, then ``true``/``false``/``none``, else kept as text.
    """
    if not spec.startswith("scdsc:"):
        raise ValueError(f"an SCDSC specification starts with 'scdsc:', got {spec!r}")
    params: Dict[str, Any] = {}
    body = spec[len("scdsc:"):].strip()
    for item in filter(None, (p.strip() for p in body.split(","))):
        if "=" not in item:
            raise ValueError(f"{spec!r}: expected key=value, got {item!r}")
        key, value = (s.strip() for s in item.split("=", 1))
        params[key] = _parse_value(value)
    params.setdefault("mode", "fast")
    return params


def _parse_value(text: str):
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


# --------------------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------------------

def _scdsc(name, label, description, **params):
    return MethodSpec(name, label, "scdsc", scdsc_runner(**params), description, dict(params))


#: Named methods, in the order the tables list them.
METHODS: Dict[str, MethodSpec] = {m.name: m for m in [
    _scdsc("scdsc-paper", "SCDSC paper mode", "faithful reference: full batch, 400 epochs (§2)", mode="paper"),
    _scdsc("scdsc-paper-none", "paper, no context terms (α=β=0)", "alpha=0, beta=0", mode="paper", alpha=0.0,
           beta=0.0),
    _scdsc("scdsc-paper-local", "paper, local only (α=0)", "alpha=0", mode="paper", alpha=0.0),
    _scdsc("scdsc-paper-mc", "paper, mini-cluster only (β=0)", "beta=0", mode="paper", beta=0.0),
    _scdsc("scdsc-fast", "SCDSC fast mode (MC&L)", "the estimator's default", mode="fast"),
    _scdsc("scdsc-fast-kmeans", "fast, k-means start (as the paper)", "init=kmeans", mode="fast", init="kmeans"),
    _scdsc("scdsc-fast-none", "fast, no context terms (α=β=0)", "alpha=0, beta=0", mode="fast", alpha=0.0, beta=0.0),
    _scdsc("scdsc-fast-local", "fast, local only (α=0)", "alpha=0", mode="fast", alpha=0.0),
    _scdsc("scdsc-fast-mc", "fast, mini-cluster only (β=0)", "beta=0", mode="fast", beta=0.0),
    _scdsc("scdsc-fast-edesc", "fast, singleton mini-clusters, β=0 (EDESC, §4)",
           "per-pixel self-training target, no smoothing", mode="fast", beta=0.0, mini_clusters="pixels"),
    _scdsc("scdsc-fast-edesc-local", "fast, singleton mini-clusters + local",
           "per-pixel self-training target and smoothing", mode="fast", mini_clusters="pixels"),
    MethodSpec("kmeans", "k-means (X8)", "baseline", run_kmeans, "k-means++, n_init=10, on X8"),
    MethodSpec("finch", "FINCH, K clusters (X8)", "baseline", run_finch_pixels, "req_clust=K on X8, cosine"),
    MethodSpec("finch-patch", "FINCH, K clusters (F)", "baseline", run_finch_patches,
               "req_clust=K on SCDSC's FINCH features"),
    MethodSpec("gmm", "Gaussian mixture (X8)", "baseline", run_gmm, "full covariances"),
    MethodSpec("spectral", "spectral clustering (X8)", "baseline", run_spectral, "10-NN graph"),
]}


def method_spec(name: str) -> MethodSpec:
    """The :class:`MethodSpec` of a registered name or of an ``scdsc:...`` specification."""
    if name in METHODS:
        return METHODS[name]
    if name.startswith("scdsc:"):
        params = parse_scdsc_spec(name)
        return MethodSpec(name, name, "scdsc", scdsc_runner(**params), "custom SCDSC configuration", params)
    raise ValueError(f"unknown method {name!r}; known: {', '.join(METHODS)} or 'scdsc:key=value,...'")


def method_label(name: str) -> str:
    """The label a table shows for a method."""
    return METHODS[name].label if name in METHODS else name
