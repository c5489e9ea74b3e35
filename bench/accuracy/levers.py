"""Probes of issue 21's levers on the every-pixel protocol: what a label-free default could choose from.

``python -m bench.accuracy.levers context``   classical methods on X8 and on w x w-averaged X8 (w = 1, 3, 5)
``python -m bench.accuracy.levers starts``    start partitions from the FINCH hierarchy (the cut to K, and
                                              k-means / Ward on the partition-1 mini-cluster means)
``python -m bench.accuracy.levers criteria --seeds 0-2``
                                              SCDSC fast mode (current defaults): its start and returned maps,
                                              with label-free internal criteria beside their OA

Every valid pixel is clustered and the labelled ones are scored (docs/results.md, *All valid pixels*). The
scores are printed as JSON lines; docs/results.md, *Levers tried for issue 21*, quotes them with the command.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import argparse
import json
import sys
from typing import Dict

import numpy as np

from .methods import evaluate, patch_features, pixel_features
from .scenes import SCENE_NAMES, available_scenes, load_scene


def box_mean(x8: np.ndarray, valid: np.ndarray, window: int) -> np.ndarray:
    """Mean of X8 over the valid pixels of each ``window`` x ``window`` neighbourhood (mirrored edges)."""
    from scipy.ndimage import uniform_filter

    weight = valid.astype(np.float32)
    den = np.maximum(uniform_filter(weight, window, mode="mirror"), 1e-6)
    return np.stack([uniform_filter(x8[..., c] * weight, window, mode="mirror") / den
                     for c in range(x8.shape[2])], axis=-1)


def coherence(labels: np.ndarray, valid: np.ndarray) -> float:
    """Share of 4-neighbour pairs of valid pixels that carry the same label."""
    same_h = (labels[:, 1:] == labels[:, :-1])[valid[:, 1:] & valid[:, :-1]]
    same_v = (labels[1:] == labels[:-1])[valid[1:] & valid[:-1]]
    return float(np.concatenate([same_h, same_v]).mean())


def _score(scene, valid, values) -> Dict[str, float]:
    labels = np.full(valid.shape, -1, np.int32)
    labels[valid] = values
    ev = evaluate(labels, scene.labels)
    return {"oa": round(100 * ev["oa"], 2), "nmi": round(ev["nmi"], 3), "coherence": round(coherence(labels, valid), 4)}


def context(scene) -> Dict[str, dict]:
    """k-means (10 inits), GMM, spectral clustering and Ward on X8 averaged over w x w valid neighbours."""
    from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
    from sklearn.mixture import GaussianMixture

    valid, k = scene.valid, scene.n_clusters
    x8 = pixel_features(scene)
    out = {}
    for window in (1, 3, 5):
        feats = x8[valid] if window == 1 else box_mean(x8, valid, window)[valid]
        out[f"k-means w={window}"] = _score(scene, valid, KMeans(k, n_init=10, random_state=0).fit(feats).labels_)
        out[f"GMM w={window}"] = _score(scene, valid, GaussianMixture(k, random_state=0, n_init=3).fit(feats)
                                        .predict(feats))
        out[f"spectral w={window}"] = _score(scene, valid, SpectralClustering(
            k, affinity="nearest_neighbors", n_neighbors=10, random_state=0).fit_predict(feats))
        out[f"Ward w={window}"] = _score(scene, valid, AgglomerativeClustering(k, linkage="ward").fit_predict(feats))
    return out


def starts(scene) -> Dict[str, dict]:
    """The FINCH cut to K (fast mode's start) against k-means / Ward on the partition-1 mini-cluster means."""
    from sklearn.cluster import AgglomerativeClustering, KMeans

    from scdsc_core.finch import cut_to_k, finch

    valid, k = scene.valid, scene.n_clusters
    x8 = pixel_features(scene)
    feats = patch_features(scene, valid, x8)
    hierarchy = finch(feats)
    out = {"FINCH levels": {"clusters": [int(c) for c in hierarchy.n_clusters]},
           "FINCH cut to K": _score(scene, valid, cut_to_k(hierarchy, feats, k)[0])}
    groups = hierarchy.partitions[1]
    size = np.bincount(groups)
    rows, cols = np.nonzero(valid)
    for tag, values in (("F", feats), ("X8", x8[rows, cols])):
        means = np.zeros((size.size, values.shape[1]))
        np.add.at(means, groups, values)
        means /= size[:, None]
        if tag == "F":
            means /= np.linalg.norm(means, axis=1, keepdims=True)
        km = KMeans(k, n_init=10, random_state=0).fit(means, sample_weight=size)
        out[f"weighted k-means on mini-cluster means ({tag})"] = _score(scene, valid, km.labels_[groups])
        ward = AgglomerativeClustering(k, linkage="ward").fit_predict(means)
        out[f"Ward on mini-cluster means ({tag})"] = _score(scene, valid, ward[groups])
    return out


def criteria(scene, seed: int) -> Dict[str, dict]:
    """SCDSC fast mode at its defaults: start and returned maps with CH / silhouette / Davies-Bouldin in X8 and
    spatial coherence."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

    from scdsc_core import SCDSC

    valid = scene.valid
    x8 = pixel_features(scene)[valid]
    model = SCDSC(scene.n_clusters, random_state=seed, n_threads=2).fit(scene.cube)
    sample = np.random.default_rng(0).choice(len(x8), min(4000, len(x8)), replace=False)
    out = {}
    for name, labels in (("start", model.init_labels_), ("returned", model.labels_)):
        values = labels[valid]
        row = _score(scene, valid, values)
        row.update(ch=round(float(calinski_harabasz_score(x8, values)), 1),
                   silhouette=round(float(silhouette_score(x8[sample], values[sample])), 4),
                   davies_bouldin=round(float(davies_bouldin_score(x8, values)), 3))
        out[name] = row
    return out


def _seeds(text: str):
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(v) for v in text.split(",")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy.levers", description=__doc__.splitlines()[0])
    parser.add_argument("probe", choices=["context", "starts", "criteria"])
    parser.add_argument("--scenes", default=",".join(SCENE_NAMES))
    parser.add_argument("--seeds", default="0", help="criteria only: seeds, e.g. 0-2")
    args = parser.parse_args(argv)
    names = [n for n in args.scenes.split(",") if n in available_scenes()]
    if not names:
        print("error: none of the scenes is in ../shared/data", file=sys.stderr)
        return 2
    for name in names:
        scene = load_scene(name)
        if args.probe == "criteria":
            for seed in _seeds(args.seeds):
                print(json.dumps({"scene": name, "seed": seed, **criteria(scene, seed)}), flush=True)
        else:
            print(json.dumps({"scene": name, **(context if args.probe == "context" else starts)(scene)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
