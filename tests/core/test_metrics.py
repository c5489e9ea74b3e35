"""Tests of scdsc_core.metrics: hand-computed answers and equality with scikit-learn and brute force."""
# SPDX-License-Identifier: GPL-2.0-or-later
import itertools
import json
import math

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, normalized_mutual_info_score

from scdsc_core.errors import ScdscError
from scdsc_core.metrics import Evaluation, evaluate_labels, match_labels


def brute_force_oa(pred, ref):
    """Best one-to-one cluster->class agreement by trying every injective assignment (unclustered = wrong)."""
    clusters = sorted(set(pred[(ref > 0) & (pred >= 0)].tolist()))
    classes = list(range(1, ref.max() + 1))
    scored = ref > 0
    best = 0
    slots = classes + [None] * len(clusters)  # a cluster may stay unmatched
    for assignment in itertools.permutations(slots, len(clusters)):
        if len([a for a in assignment if a is not None]) != len(set(a for a in assignment if a is not None)):
            continue
        mapping = dict(zip(clusters, assignment))
        hits = sum(1 for p, r in zip(pred[scored], ref[scored]) if p >= 0 and mapping.get(p) == r)
        best = max(best, hits)
    return best / scored.sum()


def matched_labels(pred, ref, mapping):
    scored = ref > 0
    return np.array([mapping.get(p) or 0 if p >= 0 else 0 for p in pred[scored]])


def test_permuted_perfect_clustering_scores_one():
    ref = np.array([1, 1, 2, 2, 2, 3, 3, 0, 0])
    pred = np.array([7, 7, 2, 2, 2, 4, 4, 9, -1])  # the unlabelled pixels may hold anything
    ev = evaluate_labels(pred, ref)
    assert ev.oa == 1.0 and ev.kappa == pytest.approx(1.0) and ev.nmi == pytest.approx(1.0)
    assert ev.mapping == {2: 2, 4: 3, 7: 1, 9: None}
    np.testing.assert_array_equal(ev.per_class_accuracy, [1.0, 1.0, 1.0])
    assert ev.n_scored == 7 and ev.n_unclustered == 0


def test_hand_computed_three_by_three():
    ref = np.array([1, 1, 1, 1, 2, 2, 2, 3, 3, 3])
    pred = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 0])
    ev = evaluate_labels(pred, ref)
    # Contingency (cluster x class): 0 -> [3, 0, 1], 1 -> [1, 2, 0], 2 -> [0, 1, 2]; best matching 0-1, 1-2, 2-3.
    assert ev.mapping == {0: 1, 1: 2, 2: 3}
    assert ev.oa == pytest.approx(0.7)
    # po = 0.7, pe = (4*4 + 3*3 + 3*3) / 100 = 0.34, kappa = 0.36 / 0.66 = 6 / 11
    assert ev.kappa == pytest.approx(6 / 11)
    np.testing.assert_allclose(ev.per_class_accuracy, [3 / 4, 2 / 3, 2 / 3])
    np.testing.assert_array_equal(ev.confusion, [[3, 1, 0, 0], [0, 2, 1, 0], [1, 0, 2, 0]])


@pytest.mark.parametrize("seed", range(12))
def test_random_cases_equal_sklearn_and_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_classes = int(rng.integers(1, 5))
    n_clusters = int(rng.integers(1, 6))
    ref = rng.integers(0, n_classes + 1, 40)
    ref[0] = n_classes  # at least one labelled pixel of the largest class
    pred = rng.integers(-1 if seed % 3 == 0 else 0, n_clusters, 40) * (1 + seed % 2)  # sparse ids for odd seeds
    ev = evaluate_labels(pred, ref)
    scored = ref > 0
    assert ev.oa == pytest.approx(brute_force_oa(pred, ref))
    matched = matched_labels(pred, ref, ev.mapping)
    assert ev.oa == pytest.approx(np.mean(matched == ref[scored]))
    if len(set(ref[scored]) | set(matched)) > 1:
        assert ev.kappa == pytest.approx(cohen_kappa_score(ref[scored], matched))
    assert ev.nmi == pytest.approx(normalized_mutual_info_score(ref[scored], pred[scored]))
    assert ev.n_unclustered == int(np.sum(pred[scored] < 0))
    assert ev.confusion.sum() == scored.sum()
    for k in range(1, n_classes + 1):
        if np.any(ref == k):
            assert ev.per_class_accuracy[k - 1] == pytest.approx(np.mean(matched[ref[scored] == k] == k))


def test_more_clusters_than_classes():
    ref = np.array([1, 1, 1, 2, 2, 2])
    pred = np.array([0, 0, 3, 1, 1, 2])
    ev = evaluate_labels(pred, ref)
    assert ev.mapping == {0: 1, 1: 2, 2: None, 3: None}
    assert ev.oa == pytest.approx(4 / 6)
    np.testing.assert_array_equal(ev.confusion, [[2, 0, 1], [0, 2, 1]])  # last column: no class


def test_fewer_clusters_than_classes():
    ref = np.array([1, 1, 2, 2, 3, 3, 3])
    pred = np.array([5, 5, 5, 5, 6, 6, 6])
    ev = evaluate_labels(pred, ref)
    assert ev.oa == pytest.approx(5 / 7)
    assert sorted(v for v in ev.mapping.values()) == [1, 3] or sorted(ev.mapping.values()) == [2, 3]
    assert ev.per_class_accuracy.tolist().count(0.0) == 1


def test_unclustered_labelled_pixels_count_as_wrong():
    ref = np.array([1, 1, 2, 2])
    ev = evaluate_labels(np.array([0, -1, 1, -5]), ref)
    assert ev.oa == 0.5 and ev.n_unclustered == 2
    np.testing.assert_array_equal(ev.confusion, [[1, 0, 1], [0, 1, 1]])
    all_out = evaluate_labels(np.full(4, -1), ref)
    assert all_out.oa == 0.0 and all_out.kappa == 0.0 and all_out.mapping == {}


def test_two_dimensional_maps_and_float_labels():
    ref = np.array([[1, 2], [0, 2]], dtype=np.uint8)
    pred = np.array([[3.0, 1.0], [np.nan, 1.0]])  # NaN only where unlabelled would still be rejected
    with pytest.raises(ScdscError, match="pred must hold integer labels, got 1 non-integer value"):
        evaluate_labels(pred, ref)
    ev = evaluate_labels(np.array([[3.0, 1.0], [-1.0, 1.0]]), ref)
    assert ev.oa == 1.0


def test_absent_class_scores_nan_and_kappa_undefined_for_one_perfect_class():
    ev = evaluate_labels([0, 0, 1], [1, 1, 0], class_names=["water", "soil"])
    assert ev.per_class_accuracy[0] == 1.0 and math.isnan(ev.per_class_accuracy[1])
    assert math.isnan(ev.kappa)
    d = ev.as_dict()
    assert d["kappa"] is None and d["per_class_accuracy"] == [1.0, None]


def test_as_dict_is_json_and_summary_format():
    ev = evaluate_labels([0, 0, 1, 1, 2, 2], [1, 1, 2, 2, 3, 1], class_names=["Water", "Trees", "Roofs"])
    d = json.loads(json.dumps(ev.as_dict(), allow_nan=False))
    assert d["oa"] == pytest.approx(5 / 6) and d["mapping"] == {"0": 1, "1": 2, "2": 3}
    assert d["confusion"] == ev.confusion.tolist() and d["class_names"] == ["Water", "Trees", "Roofs"]
    assert set(d) == {f for f in Evaluation.__dataclass_fields__}
    lines = ev.summary().splitlines()
    assert lines[0] == f"OA {ev.oa:.4f}  NMI {ev.nmi:.4f}  kappa {ev.kappa:.4f}"
    assert len(lines) == 2 + 3
    assert "Water" in lines[2] and "0.6667" in lines[2] and "(3 px; cluster 0)" in lines[2]
    assert "Roofs" in lines[4] and "1.0000" in lines[4]


def test_match_labels_renumbers_clusters_by_matched_class():
    ref = np.array([[2, 2, 1], [0, 3, 0]])
    pred = np.array([[4, 4, 9], [2, 7, -1]])
    out = match_labels(pred, ref)
    # 4 -> class 2 -> id 1, 9 -> class 1 -> id 0, 7 -> class 3 -> id 2; 2 has no labelled pixel -> id 3 (K + 0)
    np.testing.assert_array_equal(out, [[1, 1, 0], [3, 2, -1]])
    assert out.dtype == np.int32


@pytest.mark.parametrize("pred, ref, kwargs, match", [
    (np.zeros(4), np.zeros(5), {}, r"same shape, got \(4,\) and \(5,\)"),
    (np.zeros(4), np.zeros(4), {}, "no labelled pixel"),
    (np.zeros(3), np.array([1, -2, 0]), {}, "0 \\(unlabelled\\) or class ids >= 1, got -2"),
    (np.zeros(3), np.array([1.5, 1, 0]), {}, "reference must hold integer labels.*1.5"),
    (np.array([True, False]), np.array([1, 1]), {}, "pred must hold integer labels, got dtype bool"),
    (np.zeros(3), np.array([1, 3, 0]), {"class_names": ["a", "b"]}, "every reference class 1..3, got 2 name"),
])
def test_user_errors(pred, ref, kwargs, match):
    with pytest.raises(ScdscError, match=match):
        evaluate_labels(pred, ref, **kwargs)


def test_nmi_and_kappa_equal_their_textbook_formulas():
    # evaluate_labels takes NMI and kappa from scikit-learn (issue 22); they must equal the formulas: NMI with the
    # arithmetic mean of the entropies, kappa (p_o - p_e) / (1 - p_e) of the matched labels, "no class" included.
    rng = np.random.default_rng(3)
    for _ in range(50):
        k = int(rng.integers(2, 6))
        ref = rng.integers(1, k + 1, 400)
        pred = np.where(rng.random(400) < 0.7, ref + 10, rng.integers(10, 10 + k + 1, 400))
        pred[rng.random(400) < 0.05] = -1
        ev = evaluate_labels(pred, ref)
        # NMI on the raw ids, the unclustered pixels as one more id
        raw = np.where(pred >= 0, pred, -1)
        joint = np.zeros((k + 1, 64))
        np.add.at(joint, (ref, raw + 1), 1)
        joint = joint[joint.sum(1) > 0][:, joint.sum(0) > 0] / raw.size
        pt, pp = joint.sum(1), joint.sum(0)
        nz = joint > 0
        mi = np.sum(joint[nz] * np.log(joint[nz] / np.outer(pt, pp)[nz]))
        h = (-np.sum(pt * np.log(pt)) - np.sum(pp * np.log(pp))) / 2
        assert ev.nmi == pytest.approx(mi / h, abs=1e-12)
        square = np.zeros((k + 1, k + 1))
        square[:k] = ev.confusion
        observed = np.trace(square) / square.sum()
        expected = np.sum(square.sum(0) * square.sum(1)) / square.sum() ** 2
        assert ev.kappa == pytest.approx((observed - expected) / (1 - expected), abs=1e-12)
