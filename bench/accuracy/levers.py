"""Probes of issue 21's levers on the every-pixel protocol: what a label-free default could choose from.

``python -m bench.accuracy.levers context``   classical methods on X8 and on w x w-averaged X8 (w = 1, 3, 5)
``python -m bench.accuracy.levers starts``    start partitions from the FINCH hierarchy (the cut to K, and
                                              k-means / Ward on the partition-1 mini-cluster means)
``python -m bench.accuracy.levers criteria --seeds 0-2``
                                              SCDSC fast mode (current defaults): its start and returned maps,
                                              with label-free internal criteria beside their OA
``python -m bench.accuracy.levers finch-patch`` the FINCH cut to K with FINCH features of patch side 1, 3, 5, 9, 17
``python -m bench.accuracy.levers consensus``  co-association consensus of candidate partitions (FINCH cut,
                                              k-means restarts, weighted k-means on mini-cluster means)
``python -m bench.accuracy.levers latent-head --seeds 0-9``
                                              a Euclidean head: k-means (10 inits) on the latents of the state
                                              the default returns, against the returned map

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
from .scenes import GENERATED_NAMES, SCENE_NAMES, available_scenes, load_scene


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


def finch_patch(scene) -> Dict[str, dict]:
    """The FINCH cut to K when the FINCH features use patches of side 1, 3, 5, 9 and 17 (the default)."""
    from scdsc_core.finch import cut_to_k, finch

    valid, k = scene.valid, scene.n_clusters
    x8 = pixel_features(scene)
    out = {}
    for patch in (1, 3, 5, 9, 17):
        feats = patch_features(scene, valid, x8, patch=patch, n_components=min(300, 8 * patch * patch))
        hierarchy = finch(feats)
        out[f"patch {patch}"] = {"levels": [int(c) for c in hierarchy.n_clusters],
                                 **_score(scene, valid, cut_to_k(hierarchy, feats, k)[0])}
    return out


def _consensus(parts, k):
    """Average-linkage clustering of the distinct label tuples under co-association distance."""
    from sklearn.cluster import AgglomerativeClustering

    stacked = np.stack(parts, 1)
    tuples, inverse = np.unique(stacked, axis=0, return_inverse=True)
    together = sum((tuples[:, j][:, None] == tuples[:, j][None, :]) for j in range(len(parts))) / len(parts)
    labels = AgglomerativeClustering(k, metric="precomputed", linkage="average").fit_predict(1.0 - together)
    return labels[inverse.ravel()]


def consensus(scene) -> Dict[str, dict]:
    """Candidate partitions (FINCH cut, 3 single-init k-means, weighted k-means on mini-cluster means in F and X8)
    and the consensus of three sets of them."""
    from sklearn.cluster import KMeans

    from scdsc_core.finch import cut_to_k, finch

    valid, k = scene.valid, scene.n_clusters
    x8 = pixel_features(scene)
    rows, cols = np.nonzero(valid)
    X = x8[rows, cols]
    feats = patch_features(scene, valid, x8)
    hierarchy = finch(feats)
    cands = {"FINCH cut": cut_to_k(hierarchy, feats, k)[0]}
    for seed in range(3):
        cands[f"k-means init {seed}"] = KMeans(k, n_init=1, random_state=seed).fit_predict(X)
    groups = hierarchy.partitions[1]
    size = np.bincount(groups)
    for tag, values in (("F", feats), ("X8", X)):
        means = np.zeros((size.size, values.shape[1]))
        np.add.at(means, groups, values)
        means /= size[:, None]
        cands[f"weighted k-means ({tag})"] = KMeans(k, n_init=10, random_state=0).fit(
            means, sample_weight=size).labels_[groups]
    out = {name: _score(scene, valid, labels) for name, labels in cands.items()}
    names = list(cands)
    for combo in (names[:4], [names[0], names[1], names[4], names[5]], names):
        out["consensus of " + " + ".join(combo)] = _score(scene, valid, _consensus([cands[c] for c in combo], k))
    return out


def latent_head(scene, seed: int) -> Dict[str, dict]:
    """The default fit; its returned map and start; k-means (10 inits) on the latents of every valid pixel under
    the returned state's network, raw and L2-normalised; k-means on X8 started from the returned map."""
    import torch
    from sklearn.cluster import KMeans

    from scdsc_core import SCDSC
    from scdsc_core.model import _standard_patches
    from scdsc_core.preprocess import pca_image
    from scdsc_core.progress import Progress
    from scdsc_core.source import ArraySource
    from scdsc_core.train import encode_all

    valid, k = scene.valid, scene.n_clusters
    model = SCDSC(k, random_state=seed, n_threads=2).fit(scene.cube)
    rows, cols = np.nonzero(valid)
    x8 = pca_image(ArraySource(scene.cube), model.preprocessor_)
    patches = torch.from_numpy(_standard_patches(x8, rows, cols, model.patch_size, model.preprocessor_,
                                                 Progress()))
    Z = encode_all(model.network_, patches).numpy()
    returned = model.labels_[rows, cols]
    out = {"returned": {**_score(scene, valid, returned), "state": model.fit_info_["returned"]},
           "start": _score(scene, valid, model.init_labels_[rows, cols]),
           "k-means on latents": _score(scene, valid, KMeans(k, n_init=10, random_state=seed).fit_predict(Z)),
           "k-means on unit latents": _score(scene, valid, KMeans(k, n_init=10, random_state=seed).fit_predict(
               Z / np.linalg.norm(Z, axis=1, keepdims=True)))}
    X = x8[rows, cols]
    centres = np.stack([X[returned == j].mean(0) if (returned == j).any() else X[0] for j in range(k)])
    out["k-means on X8 from the returned map"] = _score(scene, valid, KMeans(k, init=centres, n_init=1)
                                                        .fit_predict(X))
    return out


def _seeds(text: str):
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(v) for v in text.split(",")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy.levers", description=__doc__.splitlines()[0])
    parser.add_argument("probe", choices=["context", "starts", "criteria", "finch-patch", "consensus",
                                          "latent-head"])
    parser.add_argument("--scenes", default=",".join(SCENE_NAMES + GENERATED_NAMES))
    parser.add_argument("--seeds", default="0", help="criteria and latent-head: seeds, e.g. 0-2")
    args = parser.parse_args(argv)
    names = [n for n in args.scenes.split(",") if n in available_scenes()]
    if not names:
        print("error: none of the scenes is in ../shared/data", file=sys.stderr)
        return 2
    for name in names:
        scene = load_scene(name)
        if args.probe in ("criteria", "latent-head"):
            probe = criteria if args.probe == "criteria" else latent_head
            for seed in _seeds(args.seeds):
                print(json.dumps({"scene": name, "seed": seed, **probe(scene, seed)}), flush=True)
        else:
            probe = {"context": context, "starts": starts, "finch-patch": finch_patch, "consensus": consensus}
            print(json.dumps({"scene": name, **probe[args.probe](scene)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
