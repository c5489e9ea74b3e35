"""Tests of the SCDSC estimator: both modes on planted scenes, predict/fit_predict/seeds, validation, progress."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
import pytest
import torch

from conftest import planted_cube
from scdsc_core.errors import ScdscCancelled, ScdscError
from scdsc_core.metrics import evaluate_labels
from scdsc_core import model as model_module
from scdsc_core.model import PRESETS, SCDSC
from scdsc_core.train import COHERENCE_MARGIN
from scdsc_core.raster import ArraySource

# Tiny and quick: two wide planted stripes, few epochs, 3x3 network patches (5x cheaper than 7x7; the default
# architecture runs in test_default_architecture). The defaults are for real scenes.
QUICK = dict(pretrain_epochs=3, epochs=6, kmeans_n_init=3, patch_size=3)


def _scene(n_classes=2, size=16, bands=10):
    cube, labels = planted_cube(n_classes=n_classes, size=size, bands=bands)
    return cube.transpose(1, 2, 0).copy(), labels


def _same_partition(a, b):
    """Equal up to a permutation of the cluster ids (and -1 in the same places)."""
    if a.shape != b.shape or not np.array_equal(a < 0, b < 0):
        return False
    pairs = set(zip(a[a >= 0].tolist(), b[b >= 0].tolist()))
    return len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})


@pytest.fixture(scope="module")
def fast_model():
    torch.set_num_threads(1)
    image, labels = _scene()
    records = []
    model = SCDSC(2, random_state=0, **QUICK).fit(image, callback=records.append)
    return model, image, labels, records


def test_fast_mode_separates_planted_classes(fast_model):
    model, image, labels, records = fast_model
    assert model.labels_.shape == (16, 16) and model.labels_.dtype == np.int32
    assert evaluate_labels(model.labels_, labels).oa >= 0.95
    assert set(np.unique(model.labels_)) <= {0, 1}


def test_paper_mode_separates_planted_classes():
    image, labels = _scene()
    records = []
    # eta 0.5: with the small 3x3 latent the default offset keeps every pixel below 0.9 for these few epochs;
    # beta 1: paper mode's beta 7 (PaviaU) smooths so hard that no pixel becomes confident within 6 epochs
    model = SCDSC(2, mode="paper", random_state=0, eta=0.5, beta=1.0, **QUICK).fit(image, callback=records.append)
    assert evaluate_labels(model.labels_, labels).oa >= 0.95
    cluster = [r for r in records if r["stage"] == "cluster"]
    assert [r["epoch"] for r in cluster] == list(range(6))  # one record per full-batch epoch
    assert model.n_iter_ == 6
    ratios = [r["confident_ratio"] for r in cluster]
    assert model.selected_ratio_ == max(ratios) > 0 and model.selected_epoch_ == ratios.index(max(ratios))
    assert model.fit_info_["settings"]["kmeans_n_init"] == 3 and model.fit_info_["settings"]["batch_size"] == 0


def test_finch_start_separates_planted_classes_before_training():
    image, labels = _scene(n_classes=3, size=24)
    # 3x3 FINCH patches (wider ones blur the 8-pixel stripes' borders); a border column may still go astray
    model = SCDSC(3, random_state=0, init="finch", finch_patch=3, **QUICK).fit(image)
    assert model.fit_info_["init"] == "finch"
    # FINCH cut to K on the patch features already finds the planted classes; training keeps them
    assert evaluate_labels(model.init_labels_, labels).oa >= 0.9
    assert evaluate_labels(model.labels_, labels).oa >= 0.9


def test_finch_start_falls_back_to_kmeans_with_a_warning(monkeypatch):
    from scdsc_core.errors import ScdscWarning
    from scdsc_core import finch as finch_module

    def refuse(result, points, k):
        raise ScdscError("FINCH partition 0 has 9999 groups, too many")

    monkeypatch.setattr(finch_module, "cut_to_k", refuse)
    image, labels = _scene()
    with pytest.warns(ScdscWarning, match="init='finch' is not possible here .*9999 groups.* k-means instead"):
        model = SCDSC(2, random_state=0, init="finch", **QUICK).fit(image)
    assert model.fit_info_["init"] == "kmeans"


def test_default_architecture():
    image, labels = _scene()
    model = SCDSC(2, random_state=0, pretrain_epochs=3, epochs=6, kmeans_n_init=3).fit(image)
    assert model.bases_.shape == (1568, 10)
    assert sum(p.numel() for p in model.network_.parameters()) == 28552
    assert evaluate_labels(model.labels_, labels).oa >= 0.9  # 7x7 patches blur the one stripe border a little


def test_learned_state_history_and_callback(fast_model):
    model, image, labels, records = fast_model
    # The callback gets each history record, and the clustering records also carry the argmax map of the
    # training pixels (the public hook the dock's plot and the bench use instead of patching the core).
    assert [{k: v for k, v in r.items() if k not in ("assignments", "pixels")} for r in records] == model.history_
    hooked = [r for r in records if r["stage"] == "cluster"]
    assert hooked and all(r["assignments"].shape == (256,) and r["assignments"].dtype == np.int32 for r in hooked)
    rows, cols = hooked[0]["pixels"]
    assert rows.shape == cols.shape == (256,) and set(np.unique(hooked[0]["assignments"])) <= {0, 1}
    if model.fit_info_["returned"] == "selected":  # the returned state labels them
        returned = next(r for r in hooked if r["step"] == model.fit_info_["selected_step"])
        assert np.array_equal(returned["assignments"], model.labels_[rows, cols])
    else:
        assert np.array_equal(model.init_labels_[rows, cols], model.labels_[rows, cols])
    records = [r for r in records if r["stage"] == "pretrain"] + [
        {k: v for k, v in r.items() if k not in ("assignments", "pixels")} for r in hooked]
    stages = [r["stage"] for r in records]
    assert stages[0] == "pretrain" and stages[-1] == "cluster" and stages.count("pretrain") <= 3
    cluster = [r for r in records if r["stage"] == "cluster"]
    assert set(cluster[0]) == {"stage", "epoch", "step", "loss", "loss_rec", "loss_orth", "loss_nonlocal",
                               "loss_local", "confident_ratio"}
    assert cluster[0]["step"] == 0 and model.n_iter_ == cluster[-1]["step"]
    assert model.bases_.shape == (32 * 3 * 3, 10) and model.bases_.dtype == np.float32
    assert model.n_features_in_ == 10 and model.band_names_[0] == "band 1"
    assert model.n_mini_clusters_ >= 2 and model.finch_sizes_[model.finch_level_] == model.n_mini_clusters_
    assert model.init_labels_.shape == (16, 16) and (model.init_labels_ >= 0).all()
    info = model.fit_info_
    assert info["seed"] == 0 and info["n_valid"] == info["n_clustered"] == info["n_train"] == 256
    assert set(info["timings"]) == {"preprocess", "finch", "pretrain", "kmeans", "cluster", "labels"}
    assert info["versions"]["torch"] == torch.__version__


def test_predict_equals_fit_labels_and_proba_is_consistent(fast_model):
    model, image, labels, _ = fast_model
    predicted = model.predict(image)
    assert np.array_equal(predicted, model.labels_)  # fit_predict == fit + predict
    assert _same_partition(predicted, model.labels_)
    proba = model.predict_proba(image)
    assert proba.shape == (16, 16, 2) and proba.dtype == np.float32
    assert np.allclose(proba.sum(axis=2), 1.0, atol=1e-5)
    assert np.array_equal(proba.argmax(axis=2), predicted)
    blocks = list(model.predict_blocks(image, block_pixels=100, want_proba=True))
    assert [len(b[0]) for b in blocks] == [100, 100, 56]
    for rows, cols, lab, conf, soft in blocks:
        assert np.array_equal(lab, predicted[rows, cols]) and np.allclose(conf, proba[rows, cols].max(1))


def test_predict_with_a_mask_and_invalid_pixels(fast_model):
    model, image, _, _ = fast_model
    holed = image.copy()
    holed[0, 0, 3] = np.nan
    mask = np.zeros((16, 16), bool)
    mask[:, :8] = True
    predicted = model.predict(ArraySource(holed), mask=mask)
    assert (predicted[:, 8:] == -1).all() and predicted[0, 0] == -1
    assert (predicted[1:, :8] >= 0).all()
    proba = model.predict_proba(holed, mask=mask)
    assert np.isnan(proba[:, 8:]).all() and not np.isnan(proba[1:, :8]).any()


def test_predict_errors(fast_model):
    model, image, _, _ = fast_model
    with pytest.raises(ScdscError, match="has 12 band.*trained on 10 bands"):
        model.predict(np.zeros((16, 16, 12), np.float32))
    with pytest.raises(ScdscError, match="not fitted"):
        SCDSC(2).predict(image)
    with pytest.raises(ScdscError, match=r"mask must have the image's shape \(16, 16\)"):
        model.predict(image, mask=np.ones((4, 4), bool))


def test_same_seed_same_labels_and_fit_predict(fast_model):
    model, image, _, _ = fast_model
    again = SCDSC(2, random_state=0, **QUICK)
    labels = again.fit_predict(image)
    assert np.array_equal(labels, model.labels_)
    assert [r["loss"] for r in again.history_] == [r["loss"] for r in model.history_]
    assert np.array_equal(again.bases_, model.bases_)


def test_default_sample_is_skipped_when_it_would_keep_nearly_every_pixel(monkeypatch):
    # Scaled down: a default sample of 110 pixels in 4x4 tiles, on 16x16 = 256 or 12x12 = 144 clustered pixels.
    monkeypatch.setattr(model_module, "SAMPLE_TILE", 4)
    monkeypatch.setitem(model_module._MODE_DEFAULTS["fast"], "sample_size", 110)
    large, _ = _scene(size=16)
    small = large[:12, :12].copy()
    assert SCDSC(2, random_state=1, **QUICK).fit(large).fit_info_["n_train"] == 112  # 110/256 < 3/4: 7 tiles
    assert SCDSC(2, random_state=1, **QUICK).fit(small).fit_info_["n_train"] == 144  # 110/144 >= 3/4: all
    # An explicit sample_size is a request, drawn whatever its share.
    assert SCDSC(2, random_state=1, sample_size=110, **QUICK).fit(small).fit_info_["n_train"] == 112


def test_mask_restricts_the_clustered_set_and_sampling_tiles(monkeypatch):
    monkeypatch.setattr(model_module, "SAMPLE_TILE", 8)  # 8x8 tiles instead of 32x32 to keep the scene tiny
    image, labels = _scene()
    mask = labels > 0
    mask[:, :3] = False
    model = SCDSC(2, random_state=1, sample_size=100, **QUICK).fit(image, mask=mask)
    info = model.fit_info_
    assert info["n_clustered"] == 16 * 13 and 100 <= info["n_train"] < info["n_clustered"]
    assert (model.labels_[:, :3] == -1).all() and (model.labels_[:, 3:] >= 0).all()
    trained = model.init_labels_ >= 0  # the training sample: whole tiles of clustered pixels
    assert trained.sum() == info["n_train"]
    tile_ids = {(r // 8, c // 8) for r, c in zip(*np.nonzero(trained))}
    for tr, tc in tile_ids:
        tile = (slice(tr * 8, tr * 8 + 8), slice(tc * 8, tc * 8 + 8))
        assert np.array_equal(trained[tile], mask[tile])


def test_progress_reaches_one_and_cancel_stops():
    image, _ = _scene()
    seen = []
    SCDSC(2, random_state=0, pretrain_epochs=1, epochs=1, kmeans_n_init=1, patch_size=3).fit(
        image, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[-1] == pytest.approx(1.0) and min(fractions) >= 0.0
    assert all(b >= a - 1e-9 for a, b in zip(fractions, fractions[1:]))
    assert {"Pretraining the autoencoder", "Labelling pixels"} <= {m for _, m in seen}
    calls = []

    def cancel_after_some():
        calls.append(1)
        return len(calls) > 30

    with pytest.raises(ScdscCancelled):
        SCDSC(2, random_state=0, **QUICK).fit(image, cancelled=cancel_after_some)


def test_n_threads_applies_during_fit_and_is_restored():
    image, _ = _scene()
    torch.set_num_threads(2)  # the autouse fixture restores the original count afterwards
    during = []
    SCDSC(2, random_state=0, pretrain_epochs=1, epochs=1, kmeans_n_init=1, patch_size=3, n_threads=1).fit(
        image, callback=lambda record: during.append(torch.get_num_threads()))
    assert set(during) == {1}
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize("params,message", [
    ({"n_clusters": 1}, r"n_clusters must be an integer >= 2, got 1"),
    ({"n_clusters": 2.5}, r"n_clusters must be an integer >= 2, got 2.5"),
    ({"mode": "slow"}, r"mode must be 'fast' or 'paper', got 'slow'"),
    ({"n_clusters": 320}, r"n_clusters \* subspace_dim must be <= 1568 .* got 320 \* 5 = 1600"),
    ({"mode": "paper", "batch_size": 256}, r"batch_size must be None or 0 in mode 'paper'"),
    ({"window": 4}, r"window must be an odd integer >= 1, got 4"),
    ({"sample_size": 2}, r"sample_size must be 0 \(every clustered pixel\) or larger than n_clusters \(2\), got 2"),
    ({"eta": 0}, r"eta must be a number > 0, got 0"),
    ({"learning_rate": -1.0}, r"learning_rate must be None or a number > 0, got -1.0"),
    ({"device": "tpu"}, r"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got 'tpu'"),
    ({"random_state": -3}, r"random_state must be None or an integer >= 0 \(below 2\*\*63\), got -3"),
    ({"bf16": "yes"}, r"bf16 must be True or False"),
    ({"live_targets": "yes"}, r"live_targets must be None, True or False"),
    ({"init": "random"}, r"init must be None, .kmeans. or .finch."),
])
def test_hyperparameter_rules(params, message):
    image, _ = _scene()
    params = {"n_clusters": 2, **params}
    with pytest.raises(ScdscError, match=message):
        SCDSC(**params).fit(image)


def test_all_problems_are_reported_at_once():
    image, _ = _scene()
    with pytest.raises(ScdscError, match=r"n_clusters must be .*; mode must be .*; window must be"):
        SCDSC(1, mode="x", window=2).fit(image)


def test_data_rules():
    image, _ = _scene()
    with pytest.raises(ScdscError, match=r"needs at least 3 bands, got 2"):
        SCDSC(2).fit(image[:, :, :2])
    with pytest.raises(ScdscError, match=r"needs at least 8 bands, got 5"):
        SCDSC(2, n_components=8).fit(image[:, :, :5])
    with pytest.raises(ScdscError, match=r"scene of 5x30 pixels is smaller than the 17x17 patch"):
        SCDSC(2).fit(np.random.default_rng(0).random((5, 30, 9)))
    with pytest.raises(ScdscError, match=r"scene of 3x30 pixels is smaller than the 7x7 patch"):
        SCDSC(2, finch_patch=5).fit(np.random.default_rng(0).random((3, 30, 9)))
    with pytest.raises(ScdscError, match="mask selects no valid pixel"):
        SCDSC(2).fit(image, mask=np.zeros((16, 16), bool))
    with pytest.raises(ScdscError, match=r"mask must have the image's shape \(16, 16\), got \(3, 3\)"):
        SCDSC(2).fit(image, mask=np.ones((3, 3), bool))
    one_pixel = np.zeros((16, 16), bool)
    one_pixel[3, 3] = one_pixel[4, 4] = True
    with pytest.raises(ScdscError, match=r"n_clusters must be smaller than the number of clustered pixels \(2\)"):
        SCDSC(2).fit(image, mask=one_pixel)
    with pytest.raises(ScdscError, match="no valid pixel"):
        SCDSC(2).fit(np.full((16, 16, 9), np.nan))
    with pytest.raises(ScdscError, match=r"X must be an \(H, W, B\) array or a raster source"):
        SCDSC(2).fit("image.tif")


def test_missing_cuda_is_an_error_and_auto_falls_back():
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    image, _ = _scene()
    with pytest.raises(ScdscError, match="device 'cuda' was requested but no CUDA device is available"):
        SCDSC(2, device="cuda").fit(image)


def test_params_presets_and_repr():
    model = SCDSC(3, beta=2.0)
    assert model.get_params()["beta"] == 2.0 and model.get_params()["epochs"] is None
    assert model.set_params(epochs=5) is model and model.epochs == 5
    with pytest.raises(ScdscError, match="unknown SCDSC parameter"):
        model.set_params(epochz=5)
    assert repr(model) == "SCDSC(beta=2.0, epochs=5, n_clusters=3)"  # scikit-learn's repr: changed params, sorted
    assert set(PRESETS) == {"paviau", "trento", "houston"}
    houston = SCDSC(**PRESETS["houston"])
    assert (houston.mode, houston.learning_rate, houston.beta, houston.window) == ("paper", 1e-4, 8.0, 3)
    assert not houston._check_params()


def test_bf16_autocast_runs_and_keeps_losses_finite():
    image, labels = _scene()
    model = SCDSC(2, random_state=0, bf16=True, pretrain_epochs=2, epochs=2, kmeans_n_init=1, patch_size=3).fit(image)
    assert all(np.isfinite(r["loss"]) for r in model.history_)
    assert model.bases_.dtype == np.float32 and (model.labels_ >= 0).all()


def test_paper_mode_defaults_are_the_paviau_preset():
    # Issue 21: paper mode is the official code's PaviaU setting, not PaviaU's learning rate with Trento's beta.
    paper = SCDSC(3, mode="paper")
    for name, value in PRESETS["paviau"].items():
        resolved = paper._resolved(name) if getattr(paper, name) is None else getattr(paper, name)
        assert resolved == value, name
    assert SCDSC(3)._resolved("beta") == 1.0  # fast mode keeps its own
    assert SCDSC(3, beta=2.5)._resolved("beta") == 2.5


def test_the_coherence_rule_returns_the_start_partition_or_the_trained_map_and_says_which():
    image, _ = _scene(n_classes=3, size=24)
    returned = set()
    for seed in range(3):
        model = SCDSC(3, random_state=seed, eta=0.5, **QUICK).fit(image)
        info = model.fit_info_
        assert info["selection"] == "coherence"  # fast mode's default
        train = model.init_labels_ >= 0
        returned.add(info["returned"])
        if info["returned"] == "start":
            assert info["selected_step"] == 0
            assert info["coherence_start"] >= info["coherence_selected"] + COHERENCE_MARGIN - 1e-6
            assert np.array_equal(model.labels_[train], model.init_labels_[train])
            assert model.selected_ratio_ == info["start_ratio"]
        else:
            assert np.array_equal(model.labels_, model.predict(image))
            if info["coherence_start"] is not None:  # None when the best state was the start itself
                assert info["coherence_start"] < info["coherence_selected"] + COHERENCE_MARGIN
        assert np.isfinite(model.confidence_[train]).all() and np.isnan(model.confidence_[~train]).all()
    assert returned <= {"start", "selected"}
    paper = SCDSC(3, mode="paper", random_state=0, eta=0.5, **QUICK).fit(image)
    assert paper.fit_info_["selection"] == "ratio" and paper.fit_info_["returned"] == "selected"
    assert paper.fit_info_["coherence_start"] is None


def test_the_report_says_when_the_start_was_returned():
    from scdsc_core.report import render_report

    common = dict(title="t", params={}, history=[{"stage": "cluster", "step": 0, "loss": 1.0}], cluster_sizes=[3, 4],
                  class_names=[])
    start = render_report(info={"returned": "start", "coherence_start": 0.97, "coherence_selected": 0.95}, **common)
    assert "Training found no state as spatially coherent as its start" in start and "0.9700" in start
    trained = render_report(info={"returned": "selected", "coherence_start": 0.93, "coherence_selected": 0.96},
                            **common)
    assert "no state as spatially coherent" not in trained and "0.9600 against 0.9300" in trained
    assert "spatially coherent" not in render_report(info={"returned": "selected"}, **common)


def test_scikit_learn_conventions():
    from sklearn.base import ClusterMixin, clone
    from sklearn.exceptions import NotFittedError

    model = SCDSC(3, beta=2.0, init="kmeans", random_state=4)
    assert isinstance(model, ClusterMixin)
    twin = clone(model)
    assert twin is not model and twin.get_params() == model.get_params()
    assert twin.set_params(alpha=1.5).alpha == 1.5 and model.alpha == 3.0
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict(np.zeros((16, 16, 10), np.float32))
    image, _ = _scene()
    with pytest.raises(ScdscError, match="y is not used"):  # the old fit(X, mask) signature, by position
        SCDSC(2, **QUICK).fit(image, np.ones((16, 16), bool))


@pytest.mark.parametrize("check", ["check_parameters_default_constructible", "check_get_params_invariance",
                                   "check_set_params", "check_estimators_unfitted",
                                   "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order"])
def test_the_scikit_learn_estimator_checks_that_apply_to_an_image_estimator(check):
    """scikit-learn's own checks of the estimator's API. Its data checks feed (n_samples, n_features) tables and
    do not apply: SCDSC clusters (H, W, B) images, since every pixel needs its neighbours (docs/architecture.md)."""
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("SCDSC", SCDSC(2, random_state=0))
