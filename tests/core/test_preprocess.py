"""Tests of the pixel preprocessing: band scaling, PCA, reflect patches, FINCH features, patch statistics."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
import pytest

from scdsc_core.errors import ScdscCancelled, ScdscError
from scdsc_core.preprocess import Preprocessor, extract_patches, finch_features, pca_image
from scdsc_core.raster import ArraySource


def _cube(h=9, w=11, b=12, seed=0):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(4, b))
    cube = rng.normal(size=(h, w, 4)) @ mixing + 0.1 * rng.normal(size=(h, w, b)) + rng.uniform(5, 50, b)
    return cube.astype(np.float32)


def test_band_statistics_are_population_and_constant_bands_stay_unscaled():
    cube = _cube()
    cube[..., 3] = 7.0
    pre = Preprocessor(n_components=4).fit(ArraySource(cube))
    flat = cube.reshape(-1, cube.shape[2]).astype(np.float64)
    assert np.allclose(pre.mean_, flat.mean(0), rtol=1e-10)
    expected_scale = flat.std(0)  # population std (ddof=0)
    expected_scale[3] = 1.0
    assert np.allclose(pre.scale_, expected_scale, rtol=1e-6)


def test_pca_matches_an_exact_pca_of_the_standardised_pixels_up_to_sign():
    cube = _cube()
    pre = Preprocessor(n_components=4).fit(ArraySource(cube))
    flat = cube.reshape(-1, cube.shape[2]).astype(np.float64)
    standard = (flat - flat.mean(0)) / flat.std(0)
    centred = standard - standard.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    for k in range(4):
        assert abs(abs(pre.components_[k] @ vt[k]) - 1) < 1e-8
        assert pre.components_[k][np.argmax(np.abs(pre.components_[k]))] > 0  # deterministic sign
    projected = pre.transform_pixels(flat.astype(np.float32))
    expected = centred @ pre.components_.T
    assert projected.dtype == np.float32 and projected.shape == (flat.shape[0], 4)
    assert np.allclose(projected, expected, atol=1e-4)
    # not whitened: the variance of component k is its eigenvalue
    assert np.allclose(projected.var(0), pre.explained_variance_, rtol=1e-4)


def test_fit_uses_only_valid_pixels_and_samples_big_images():
    cube = _cube(12, 12)
    clean = Preprocessor(n_components=3).fit(ArraySource(cube))
    holed = cube.copy()
    holed[0, :, 2] = np.nan
    pre = Preprocessor(n_components=3).fit(ArraySource(holed))
    flat = cube[1:].reshape(-1, cube.shape[2])
    assert np.allclose(pre.mean_, flat.mean(0, dtype=np.float64), rtol=1e-8)
    assert not np.allclose(pre.mean_, clean.mean_, rtol=1e-8)
    a = Preprocessor(n_components=3, sample_size=50, random_state=1).fit(ArraySource(cube))
    b = Preprocessor(n_components=3, sample_size=50, random_state=1).fit(ArraySource(cube))
    assert a.n_samples_fit_ == 50
    assert np.array_equal(a.mean_, b.mean_)
    assert not np.allclose(a.mean_, clean.mean_, rtol=1e-8)


def test_fit_errors_name_the_rule():
    with pytest.raises(ScdscError, match="needs at least 8 bands, got 2"):
        Preprocessor().fit(ArraySource(np.zeros((4, 4, 2))))
    with pytest.raises(ScdscError, match="no valid pixel"):
        Preprocessor(n_components=2).fit(ArraySource(np.full((3, 3, 4), np.nan)))
    pre = Preprocessor(n_components=3).fit(ArraySource(_cube()))
    with pytest.raises(ScdscError, match=r"pixels must have shape \(n, 12\)"):
        pre.transform_pixels(np.zeros((2, 5)))


def test_pca_image_is_blockwise_exact_and_zero_on_invalid_pixels():
    cube = _cube(10, 7)
    cube[4, 3, 0] = np.nan
    source = ArraySource(cube)
    pre = Preprocessor(n_components=5).fit(source)
    reports = []
    image = pca_image(source, pre, block_pixels=7 * 3, progress=lambda f, m: reports.append(f))
    assert image.shape == (10, 7, 5) and image.dtype == np.float32
    expected = pre.transform_pixels(np.nan_to_num(cube).reshape(-1, 12)).reshape(10, 7, 5)
    expected[4, 3] = 0.0
    assert np.allclose(image, expected, atol=1e-5)
    assert len(reports) == 4 and reports[-1] == 1.0
    with pytest.raises(ScdscCancelled):
        pca_image(source, pre, cancelled=lambda: True)
    with pytest.raises(ScdscError, match="has 4 bands but the preprocessing was fitted on 12"):
        pca_image(ArraySource(np.zeros((3, 3, 4))), pre)


@pytest.mark.parametrize("shape,size", [((9, 6, 3), 7), ((5, 8, 2), 3), ((3, 4, 1), 7), ((1, 5, 2), 3)])
def test_extract_patches_equals_numpy_reflect_padding(shape, size):
    rng = np.random.default_rng(0)
    X = rng.normal(size=shape).astype(np.float32)
    r = size // 2
    padded = np.pad(X, ((r, r), (r, r), (0, 0)), mode="reflect")
    rows, cols = np.nonzero(rng.random(shape[:2]) < 0.7)
    rows, cols = rows[::-1], cols[::-1]  # any order
    patches = extract_patches(X, rows, cols, size)
    assert patches.shape == (len(rows), shape[2], size, size) and patches.dtype == np.float32
    for i, (y, x) in enumerate(zip(rows, cols)):
        assert np.array_equal(patches[i], padded[y:y + size, x:x + size].transpose(2, 0, 1))


def _naive_finch_features(X, patch, k):
    r = patch // 2
    padded = np.pad(X, ((r, r), (r, r), (0, 0)), mode="reflect").astype(np.float64)
    h, w = X.shape[:2]
    rows = np.array([padded[y:y + patch, x:x + patch].transpose(2, 0, 1).ravel()
                     for y in range(h) for x in range(w)])
    std = rows.std(0)
    std[std == 0] = 1.0
    standard = (rows - rows.mean(0)) / std
    centred = standard - standard.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[:k].T
    return reduced / np.linalg.norm(reduced, axis=1, keepdims=True)


@pytest.mark.parametrize("shape,patch,k", [((5, 6, 2), 5, 8), ((12, 13, 2), 3, 6)])
def test_finch_features_equal_a_whole_array_reference(shape, patch, k):
    # first case: fewer pixels (30) than features (50) -> SVD branch; second: 156 pixels > 18 features -> covariance
    rng = np.random.default_rng(1)
    X = rng.normal(size=shape).astype(np.float32)
    rows, cols = np.nonzero(np.ones(shape[:2], bool))
    F = finch_features(X, rows, cols, patch=patch, n_components=k)
    expected = _naive_finch_features(X, patch, k)
    assert F.shape == (len(rows), k) and F.dtype == np.float32
    assert np.allclose(np.linalg.norm(F, axis=1), 1.0, atol=1e-5)
    # component signs are arbitrary: compare sign-invariant inner products, and each column up to sign
    assert np.allclose(F @ F.T, expected @ expected.T, atol=1e-4)
    for j in range(k):
        assert min(np.abs(F[:, j] - expected[:, j]).max(), np.abs(F[:, j] + expected[:, j]).max()) < 1e-4


def test_finch_features_use_fewer_components_for_few_pixels_and_a_fit_sample():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(10, 10, 3)).astype(np.float32)
    rows, cols = np.nonzero(rng.random((10, 10)) < 0.2)
    # at most the rank of the centred sample (n - 1)
    assert finch_features(X, rows, cols, patch=3, n_components=300).shape == (len(rows), len(rows) - 1)
    rows, cols = np.nonzero(np.ones((10, 10), bool))
    a = finch_features(X, rows, cols, patch=3, n_components=5, fit_sample=40, random_state=3)
    b = finch_features(X, rows, cols, patch=3, n_components=5, fit_sample=40, random_state=3)
    full = finch_features(X, rows, cols, patch=3, n_components=5)
    assert np.array_equal(a, b) and a.shape == (100, 5)
    assert not np.allclose(np.abs(a), np.abs(full), atol=1e-3)


def test_patch_statistics_match_the_naive_computation_and_standardise():
    rng = np.random.default_rng(3)
    X = (rng.normal(size=(8, 9, 3)) * [1, 2, 3] + [0, 1, -1]).astype(np.float32)
    X[..., 1] = 4.0  # a constant channel keeps scale 1
    rows, cols = np.nonzero(rng.random((8, 9)) < 0.6)
    pre = Preprocessor(n_components=3)
    pre.fit_patch_stats(X, rows, cols, 5)
    patches = extract_patches(X, rows, cols, 5).astype(np.float64)
    assert np.allclose(pre.patch_mean_, patches.mean(0), atol=1e-6)
    std = patches.std(0)
    std[1] = 1.0
    assert np.allclose(pre.patch_scale_, std, atol=1e-6)
    standard = pre.standardise_patches(patches.astype(np.float32))
    assert standard.dtype == np.float32
    assert np.allclose(standard[:, [0, 2]].mean(0), 0, atol=1e-5)
    assert np.allclose(standard[:, [0, 2]].std(0), 1, atol=1e-4)
