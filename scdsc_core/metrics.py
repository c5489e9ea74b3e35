"""Clustering accuracy against a reference map (§5): Hungarian-matched OA, kappa, NMI and per-class accuracy."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import cohen_kappa_score, normalized_mutual_info_score

from .errors import ScdscError

__all__ = ["Evaluation", "evaluate_labels", "match_labels"]


@dataclass
class Evaluation:
    """Scores of a clustering against reference classes, on the labelled pixels only.

    Attributes
    ----------
    oa : float
        Overall accuracy after the one-to-one cluster-to-class matching that maximises agreement (Hungarian).
    nmi : float
        Normalised mutual information ``2 I / (H(G) + H(Ĝ))`` on the raw cluster ids (not clustered = one more id).
    kappa : float
        Unweighted Cohen's kappa of the matched labels; NaN when undefined (a single class, predicted perfectly).
    per_class_accuracy : ndarray of float, shape (K,)
        Share of each reference class whose matched label is right; index 0 is class 1; NaN for an absent class.
    confusion : ndarray of int64, shape (K, K + 1)
        Pixels per reference class (rows, class 1 first) and matched class (columns, class 1 first); the last
        column counts the pixels left without a class (not clustered, or in a cluster matched to no class).
    mapping : dict of int to int or None
        Every cluster id of ``pred`` to its matched reference class (1..K), or None if it has none.
    n_scored : int
        Labelled pixels (reference > 0), the denominator of ``oa``.
    n_unclustered : int
        Labelled pixels that were not clustered (pred < 0); they count as wrong.
    class_names : list of str
        Names of classes 1..K.
    """

    oa: float
    nmi: float
    kappa: float
    per_class_accuracy: np.ndarray
    confusion: np.ndarray
    mapping: Dict[int, Optional[int]]
    n_scored: int
    n_unclustered: int
    class_names: List[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """A JSON-serialisable copy (lists, floats, ints; NaN becomes None; mapping keys become strings)."""
        return {
            "oa": _json_float(self.oa),
            "nmi": _json_float(self.nmi),
            "kappa": _json_float(self.kappa),
            "per_class_accuracy": [_json_float(v) for v in self.per_class_accuracy],
            "confusion": self.confusion.astype(int).tolist(),
            "mapping": {str(k): (None if v is None else int(v)) for k, v in self.mapping.items()},
            "n_scored": int(self.n_scored),
            "n_unclustered": int(self.n_unclustered),
            "class_names": list(self.class_names),
        }

    def summary(self) -> str:
        """Several lines: the three scores, then the accuracy and size of every class."""
        lines = [f"OA {self.oa:.4f}  NMI {self.nmi:.4f}  kappa {self.kappa:.4f}",
                 f"{self.n_scored} labelled pixels scored"
                 + (f", {self.n_unclustered} of them not clustered" if self.n_unclustered else "")]
        width = max([len(name) for name in self.class_names] + [5])
        counts = self.confusion.sum(axis=1)
        for k, (name, acc) in enumerate(zip(self.class_names, self.per_class_accuracy), start=1):
            value = "   n/a" if math.isnan(acc) else f"{acc:.4f}"
            clusters = [str(c) for c, cls in self.mapping.items() if cls == k]
            lines.append(f"  {k:>3} {name:<{width}}  {value}  ({int(counts[k - 1])} px; cluster "
                         f"{', '.join(clusters) if clusters else 'none'})")
        return "\n".join(lines)


def evaluate_labels(pred, reference, *, class_names: Optional[Sequence[str]] = None) -> Evaluation:
    """Score cluster labels against reference classes on the labelled pixels (§5).

    Parameters
    ----------
    pred : array-like of int
        Cluster ids, any integers; values < 0 mean "not clustered" (a labelled pixel there counts as wrong).
    reference : array-like of int, same shape as ``pred``
        0 = unlabelled (not scored), classes 1..K.
    class_names : sequence of str, optional
        Names of classes 1..K; default ``"class 1"``, ``"class 2"``, ... K is the largest reference value, or the
        number of names if that is larger (classes absent from the reference then score NaN).

    Returns
    -------
    Evaluation

    Raises
    ------
    ScdscError
        If the shapes differ, the arrays are not integer-valued, the reference has negative values or no labelled
        pixel, or ``class_names`` has fewer names than the largest reference class.

    Examples
    --------
    >>> ev = evaluate_labels([5, 5, 7, 7, -1], [1, 1, 2, 2, 2])
    >>> round(ev.oa, 2), ev.mapping, ev.n_unclustered
    (0.8, {5: 1, 7: 2}, 1)
    """
    pred = _as_int_array(pred, "pred")
    reference = _as_int_array(reference, "reference")
    if pred.shape != reference.shape:
        raise ScdscError(f"pred and reference must have the same shape, got {pred.shape} and {reference.shape}")
    pred, reference = pred.ravel(), reference.ravel()
    if reference.size and reference.min() < 0:
        raise ScdscError(f"reference must hold 0 (unlabelled) or class ids >= 1, got {int(reference.min())}")
    scored = reference > 0
    if not scored.any():
        raise ScdscError(f"reference has no labelled pixel (all {reference.size} values are 0): nothing to score")
    check_reference_ids(reference)
    n_classes, names = _classes(class_names, int(reference.max()))

    ref = reference[scored]
    got = pred[scored]
    clustered = got >= 0
    cluster_ids, cluster_index = np.unique(got[clustered], return_inverse=True)
    table = _count_pairs(cluster_index.ravel(), ref[clustered] - 1, (cluster_ids.size, n_classes))
    rows, cols = linear_sum_assignment(table, maximize=True)  # rectangular = zero-padded to a square

    mapping: Dict[int, Optional[int]] = {int(c): None for c in np.unique(pred[pred >= 0])}
    class_of_cluster = np.zeros(cluster_ids.size, dtype=np.int64)  # 0 = no class
    for r, c in zip(rows, cols):
        mapping[int(cluster_ids[r])] = int(c) + 1
        class_of_cluster[r] = c + 1
    matched = np.zeros(ref.size, dtype=np.int64)
    matched[clustered] = class_of_cluster[cluster_index.ravel()]

    confusion = _count_pairs(ref - 1, np.where(matched > 0, matched - 1, n_classes), (n_classes, n_classes + 1))
    n_scored = int(ref.size)
    correct = np.trace(confusion[:, :n_classes])
    class_sizes = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.diag(confusion[:, :n_classes]) / class_sizes
    # Raw ids for NMI: every "not clustered" pixel shares one extra id.
    raw = np.where(clustered, got, int(got[clustered].min(initial=0)) - 1)
    return Evaluation(oa=float(correct / n_scored), nmi=float(normalized_mutual_info_score(ref, raw)),
                      kappa=_kappa(ref, matched, n_classes),
                      per_class_accuracy=per_class.astype(np.float64), confusion=confusion, mapping=mapping,
                      n_scored=n_scored, n_unclustered=int((~clustered).sum()), class_names=names)


def match_labels(pred, reference) -> np.ndarray:
    """Renumber clusters so that each one matched to reference class c gets id ``c - 1`` (for consistent colours).

    Clusters matched to no class get ids K, K+1, ... in increasing order of their original id; values < 0 stay -1.

    Parameters
    ----------
    pred : array-like of int
        Cluster ids (``-1`` = not clustered), any shape.
    reference : array-like of int, same shape
        0 = unlabelled, classes 1..K.

    Returns
    -------
    ndarray of int32, same shape as ``pred``

    Raises
    ------
    ScdscError
        As :func:`evaluate_labels`.

    Examples
    --------
    >>> match_labels([4, 4, 9, 2, -1], [2, 2, 1, 0, 0]).tolist()
    [1, 1, 0, 2, -1]
    """
    evaluation = evaluate_labels(pred, reference)
    pred = _as_int_array(pred, "pred")
    n_classes = evaluation.confusion.shape[0]
    ids = np.array(sorted(evaluation.mapping), dtype=np.int64)
    new = np.empty(ids.size, dtype=np.int32)
    spare = n_classes
    for i, cluster in enumerate(ids):
        cls = evaluation.mapping[int(cluster)]
        if cls is None:
            new[i] = spare
            spare += 1
        else:
            new[i] = cls - 1
    out = np.full(pred.shape, -1, dtype=np.int32)
    inside = pred >= 0
    out[inside] = new[np.searchsorted(ids, pred[inside])]
    return out


def _kappa(ref: np.ndarray, matched: np.ndarray, n_classes: int) -> float:
    """Unweighted Cohen's kappa of the matched labels (0 = no class); NaN where it is undefined (one class,
    predicted perfectly). scikit-learn's, which gives the numbers the hand-written version gave (tests)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its warning for the undefined case; NaN says it
        return float(cohen_kappa_score(ref, matched, labels=np.arange(n_classes + 1), replace_undefined_by=np.nan))


def _as_int_array(values, name: str) -> np.ndarray:
    """values as an int64 array; floats must be whole numbers."""
    array = np.asarray(values)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ScdscError(f"{name} must hold integer labels, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64, copy=False)
    whole = np.isfinite(array) & (array == np.round(array))
    if not whole.all():
        bad = array[~whole].ravel()[0]
        raise ScdscError(f"{name} must hold integer labels, got {int((~whole).sum())} non-integer value(s) "
                         f"such as {bad!r}")
    return array.astype(np.int64)


def _count_pairs(a: np.ndarray, b: np.ndarray, shape) -> np.ndarray:
    """Contingency counts of index pairs (a, b) as an int64 array of the given shape."""
    flat = np.bincount(a.astype(np.int64) * shape[1] + b, minlength=shape[0] * shape[1])
    return flat.reshape(shape).astype(np.int64)


#: The largest class id scored: the per-class arrays and the confusion matrix are K x (K + 1), and ids above this
#: are almost always codes (or a nodata value such as 65535) rather than K classes; 4096 takes 134 MB.
MAX_CLASS_ID = 4096


def check_reference_ids(reference: np.ndarray) -> None:
    """Refuse, before allocating (and before training, where a run is to be scored), a reference whose largest
    class id would make the K x (K + 1) tables huge."""
    largest = int(reference.max())
    if largest > MAX_CLASS_ID:
        present = np.unique(reference[reference > 0])
        shown = ", ".join(str(int(v)) for v in present[:5]) + (", ..." if present.size > 5 else "")
        raise ScdscError(f"reference class ids reach {largest} (ids present: {shown}); at most {MAX_CLASS_ID} can "
                         f"be scored, since classes are 1..K with K the largest id: renumber the classes 1..K, or "
                         f"set a nodata value such as {largest} to 0 (unlabelled)")


def _classes(class_names, largest: int):
    """K and the class names: K is the largest reference id, or more if more names are given."""
    if class_names is None:
        return largest, [f"class {k}" for k in range(1, largest + 1)]
    names = [str(name) for name in class_names]
    if len(names) < largest:
        raise ScdscError(f"class_names must name every reference class 1..{largest}, got {len(names)} name(s)")
    return len(names), names


def _json_float(value) -> Optional[float]:
    value = float(value)
    return None if math.isnan(value) else value
