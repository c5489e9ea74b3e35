"""Pixel preprocessing of SCDSC: band scaling, PCA-8, reflect-padded patches, FINCH features (§2.2-2.4, §8)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from typing import Optional

import numpy as np
import torch

from .blas import eigh, matmul, mm
from .errors import ScdscError
from .progress import as_progress

log = logging.getLogger("scdsc_core.preprocess")

# Working-set budget of one block of patches, in float32 values (64 MB).
_BLOCK_VALUES = 16 * 1024 * 1024


def _rng(random_state) -> np.random.Generator:
    """A numpy Generator from an int, SeedSequence, Generator or None."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)


def _sample_indices(n: int, size: Optional[int], rng: np.random.Generator) -> np.ndarray:
    """All of ``range(n)`` if ``n <= size`` (or size is None), else a sorted random subset of ``size``."""
    if size is None or n <= size:
        return np.arange(n)
    return np.sort(rng.choice(n, size=int(size), replace=False))


def _column_mean_std(blocks) -> tuple:
    """Population mean and std of the columns of a sequence of 2-D float blocks, accumulated in float64.

    Uses per-block shifted sums (shift = first block's mean) to avoid the cancellation of ``E[x^2] - E[x]^2``.
    """
    count = 0
    shift = None
    total = None
    total_sq = None
    for block in blocks:
        block = np.asarray(block, dtype=np.float64)
        if shift is None:
            shift = block.mean(axis=0)
            total = np.zeros_like(shift)
            total_sq = np.zeros_like(shift)
        centred = block - shift
        total += centred.sum(axis=0)
        total_sq += np.einsum("ij,ij->j", centred, centred)
        count += block.shape[0]
    mean_shifted = total / count
    var = np.maximum(total_sq / count - mean_shifted ** 2, 0.0)
    return shift + mean_shifted, np.sqrt(var)


def _check_float32_range(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` (n, B) as float32; a finite value beyond float32's range (a float64 scene scaled by 1e200, say)
    is refused with the bands it is in, rather than becoming inf and then a failed eigendecomposition."""
    values = pixels.astype(np.float32, copy=False)
    if not np.isfinite(values).all():
        bad = np.flatnonzero(~np.isfinite(values).all(axis=0))
        raise ScdscError(f"band(s) {', '.join(str(b + 1) for b in bad[:10])}{', ...' if bad.size > 10 else ''} "
                         f"hold infinite values or values beyond the float32 range (magnitude above "
                         f"{np.finfo(np.float32).max:.3g}) that SCDSC computes in: rescale the raster or mark "
                         "them as nodata")
    return values


def _safe_scale(mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``std``, with constant columns (std zero up to float32 resolution) left unscaled (scale 1, §2.2)."""
    constant = std <= 1e-7 * np.maximum(np.abs(mean), 1e-30)
    return np.where(constant | (std == 0), 1.0, std)


def _top_eigenvectors(cov: np.ndarray, k: int) -> np.ndarray:
    """Top ``k`` eigenvectors of a symmetric matrix as rows, descending, with a deterministic sign.

    The sign makes the largest-magnitude entry of each vector positive (signs are irrelevant to SCDSC, §2.2,
    but a fixed convention makes saved models and tests reproducible).
    """
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1][:k]
    return _fix_signs(vectors[:, order].T)


def _fix_signs(components: np.ndarray) -> np.ndarray:
    """Flip each row so that its largest-magnitude entry is positive."""
    pivots = np.argmax(np.abs(components), axis=1)
    signs = np.sign(components[np.arange(len(components)), pivots])
    signs[signs == 0] = 1.0
    return components * signs[:, None]


class Preprocessor:
    """Band standardisation and PCA of pixel spectra, fitted on valid pixels (§2.2, §8).

    Also stores the standardisation statistics of the network's input patches (§2.4), so that a saved
    model applies them identically to any later raster.

    Parameters
    ----------
    n_components : int, default=8
        PCA components kept (the channels of the network input).
    sample_size : int, default=200000
        Valid pixels used for fitting: all of them if there are at most this many, else a random sample.
    random_state : int, numpy Generator or None
        Draws the fitting sample.

    Attributes
    ----------
    mean_ : ndarray of shape (B,)
        Band means (float64).
    scale_ : ndarray of shape (B,)
        Band population standard deviations; 1 for constant bands.
    components_ : ndarray of shape (n_components, B)
        Principal axes of the standardised spectra, descending variance.
    pca_mean_ : ndarray of shape (B,)
        Mean of the standardised fitting sample (centring of the PCA; ~0).
    explained_variance_ : ndarray of shape (n_components,)
    n_features_in_ : int
        B, the number of bands seen in ``fit``.
    n_samples_fit_ : int
        Pixels used for fitting.
    patch_size_ : int or None
        Side of the network patches whose statistics are stored (set by :meth:`fit_patch_stats`).
    patch_mean_, patch_scale_ : ndarray of shape (n_components, patch_size, patch_size) or None
        Per-feature mean and population std (1 where constant) of the network input patches.

    Examples
    --------
    >>> import numpy as np
    >>> from scdsc_core.raster import ArraySource
    >>> rng = np.random.default_rng(0)
    >>> pre = Preprocessor(n_components=3, random_state=0).fit(ArraySource(rng.random((6, 5, 4))))
    >>> pre.transform_pixels(rng.random((2, 4))).shape
    (2, 3)
    """

    def __init__(self, n_components: int = 8, sample_size: int = 200_000, random_state=None):
        self.n_components = n_components
        self.sample_size = sample_size
        self.random_state = random_state
        self.patch_size_ = None
        self.patch_mean_ = None
        self.patch_scale_ = None

    def fit(self, source, valid: Optional[np.ndarray] = None) -> "Preprocessor":
        """Fit band statistics and the PCA on the valid pixels of ``source``.

        Parameters
        ----------
        source : ArraySource or RasterSource
            Anything with ``n_bands``, ``valid_mask()`` and ``read_pixels(rows, cols)``.
        valid : ndarray of bool, shape (H, W), optional
            The pixels to fit on; default ``source.valid_mask()``.

        Returns
        -------
        self

        Raises
        ------
        ScdscError
            Fewer bands than ``n_components``, or no valid pixel.
        """
        n_bands = int(source.n_bands)
        if n_bands < self.n_components:
            raise ScdscError(f"the pixel PCA needs at least {self.n_components} bands, got {n_bands}")
        if valid is None:
            valid = source.valid_mask()
        rows, cols = np.nonzero(valid)
        if rows.size == 0:
            raise ScdscError("the image has no valid pixel (every pixel is nodata, NaN or masked)")
        pick = _sample_indices(rows.size, self.sample_size, _rng(self.random_state))
        pixels = _check_float32_range(source.read_pixels(rows[pick], cols[pick]))
        step = max(1, _BLOCK_VALUES // max(1, n_bands))
        mean, std = _column_mean_std(pixels[i:i + step] for i in range(0, len(pixels), step))
        scale = _safe_scale(mean, std)
        # Covariance of the standardised sample in float64: B x B is small and this is the exact PCA (§2.2).
        pca_mean = np.zeros(n_bands)
        cov = np.zeros((n_bands, n_bands))
        for i in range(0, len(pixels), step):
            standardised = (pixels[i:i + step].astype(np.float64) - mean) / scale
            pca_mean += standardised.sum(axis=0)
            cov += matmul(standardised.T, standardised)
        n = len(pixels)
        pca_mean /= n
        cov = cov / n - np.outer(pca_mean, pca_mean)
        self.components_ = _top_eigenvectors(cov, self.n_components)
        self.explained_variance_ = np.einsum("kb,bc,kc->k", self.components_, cov, self.components_)
        self.mean_ = mean
        self.scale_ = scale
        self.pca_mean_ = pca_mean
        self.n_features_in_ = n_bands
        self.n_samples_fit_ = int(n)
        log.info("pixel PCA fitted on %d of %d valid pixels: %d bands -> %d components (%.1f%% of variance)",
                 n, rows.size, n_bands, self.n_components,
                 100.0 * self.explained_variance_.sum() / max(np.trace(cov), 1e-30))
        return self

    def transform_pixels(self, pixels: np.ndarray) -> np.ndarray:
        """Project spectra ``(n, B)`` to float32 ``(n, n_components)``: standardise, centre, rotate."""
        given = np.asarray(pixels)
        if given.ndim != 2 or given.shape[1] != self.n_features_in_:
            raise ScdscError(f"pixels must have shape (n, {self.n_features_in_}), got {given.shape}")
        pixels = given.astype(np.float32, copy=False)
        mean = self.mean_.astype(np.float32)
        scale = self.scale_.astype(np.float32)
        # (pixels - mean) / scale - pca_mean, in place on one temporary: the blocks of a scene are hundreds of MB
        standardised = pixels - mean
        standardised /= scale
        standardised -= self.pca_mean_.astype(np.float32)
        out = matmul(standardised, self.components_.T.astype(np.float32))
        # Checked on the (n, k) result, not the (n, B) input: one pass over k columns per block of the scene; only
        # a failure looks at the bands, to name them.
        if not np.isfinite(out).all():
            _check_float32_range(given)
        return out

    def fit_patch_stats(self, X8: np.ndarray, rows: np.ndarray, cols: np.ndarray, patch_size: int,
                        progress=None) -> "Preprocessor":
        """Store the per-feature mean and std of the ``patch_size`` patches of the given pixels (§2.4).

        Computed blockwise in float64; constant features keep scale 1.
        """
        blocks = _patch_blocks(X8, rows, cols, patch_size, as_progress(progress), "network patch statistics")
        mean, std = _column_mean_std(b.reshape(len(b), -1) for b in blocks)
        shape = (X8.shape[2], patch_size, patch_size)
        self.patch_size_ = int(patch_size)
        self.patch_mean_ = mean.reshape(shape)
        self.patch_scale_ = _safe_scale(mean, std).reshape(shape)
        return self

    def standardise_patches(self, patches: np.ndarray) -> np.ndarray:
        """Standardise ``(n, C, p, p)`` patches with the stored statistics, as float32."""
        if self.patch_mean_ is None:
            raise RuntimeError("fit_patch_stats has not been called")
        mean = self.patch_mean_.astype(np.float32)
        scale = self.patch_scale_.astype(np.float32)
        return ((patches - mean) / scale).astype(np.float32, copy=False)


def pca_image(source, preprocessor: Preprocessor, *, progress=None, cancelled=None,
              block_pixels: int = 1 << 18) -> np.ndarray:
    """The float32 ``(H, W, n_components)`` PCA image, built block by block.

    Invalid pixels are 0, i.e. the valid mean in the standardised PCA space (§8), so that they act as
    neutral context inside the patches of valid pixels. The source cube is never held whole.

    Parameters
    ----------
    source : ArraySource or RasterSource
    preprocessor : Preprocessor
        Fitted.
    progress, cancelled : callable, optional
        ``progress(fraction, message)`` and ``cancelled() -> bool``; checked per block.
    block_pixels : int
        Pixels per block read from the source.

    Returns
    -------
    ndarray of shape (H, W, n_components), float32
    """
    p = as_progress(progress, cancelled)
    height, width = source.shape
    if source.n_bands != preprocessor.n_features_in_:
        raise ScdscError(f"the raster has {source.n_bands} bands but the preprocessing was fitted on "
                         f"{preprocessor.n_features_in_} bands")
    valid = source.valid_mask()
    out = np.zeros((height, width, preprocessor.n_components), dtype=np.float32)
    for row0, row1, block in source.iter_blocks(block_pixels):
        p.check()
        keep = valid[row0:row1]
        if keep.all():  # a view instead of a copy of the block
            out[row0:row1] = preprocessor.transform_pixels(block.reshape(-1, block.shape[2])).reshape(
                row1 - row0, width, -1)
        elif keep.any():
            out[row0:row1][keep] = preprocessor.transform_pixels(block[keep])
        p(row1 / height, "pixel PCA")
    return out


def reflect_index(index: np.ndarray, n: int) -> np.ndarray:
    """Map indices outside ``[0, n)`` by mirroring without repeating the edge (numpy/torch "reflect")."""
    if n == 1:
        return np.zeros_like(index)
    period = 2 * (n - 1)
    index = np.mod(index, period)
    return np.where(index >= n, period - index, index)


def extract_patches(X8: np.ndarray, rows: np.ndarray, cols: np.ndarray, size: int) -> np.ndarray:
    """Channels-first square patches centred on the given pixels, with reflect padding at the image edges.

    Equivalent to ``np.pad(X8, r, mode="reflect")`` followed by slicing (r = size // 2), without padding
    the image: only the requested patches are gathered, so callers can work in blocks (§6.7).

    Parameters
    ----------
    X8 : ndarray of shape (H, W, C)
    rows, cols : ndarray of int, shape (n,)
        Centre pixels, any set and order.
    size : int
        Odd patch side.

    Returns
    -------
    ndarray of shape (n, C, size, size), float32

    Examples
    --------
    >>> X = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    >>> extract_patches(X, np.array([0]), np.array([0]), 3)[0, 0]
    array([[5., 4., 5.],
           [1., 0., 1.],
           [5., 4., 5.]], dtype=float32)
    """
    if size % 2 != 1:
        raise ValueError(f"patch size must be odd, got {size}")
    radius = size // 2
    height, width = X8.shape[:2]
    offsets = np.arange(-radius, radius + 1)
    rr = reflect_index(np.asarray(rows)[:, None] + offsets, height)
    cc = reflect_index(np.asarray(cols)[:, None] + offsets, width)
    patches = X8[rr[:, :, None], cc[:, None, :]]  # (n, size, size, C)
    return np.ascontiguousarray(patches.transpose(0, 3, 1, 2), dtype=np.float32)


def _patch_blocks(X8, rows, cols, size, progress, message, block_pixels=None):
    """Yield the patches of consecutive blocks of pixels, reporting progress per block."""
    n = len(rows)
    if block_pixels is None:
        block_pixels = max(1, _BLOCK_VALUES // (X8.shape[2] * size * size))
    for start in range(0, n, block_pixels):
        progress.check()
        stop = min(n, start + block_pixels)
        yield extract_patches(X8, rows[start:stop], cols[start:stop], size)
        progress(stop / max(n, 1), message)


def finch_features(X8: np.ndarray, rows: np.ndarray, cols: np.ndarray, *, patch: int = 17,
                   n_components: int = 300, fit_sample: int = 50_000, random_state=None,
                   progress=None, cancelled=None) -> np.ndarray:
    """Spatial-spectral features for FINCH (§2.3): patch, standardise, PCA, L2-normalise.

    1. ``patch x patch x C`` reflect-padded patches of the given pixels (2312 values for 17x17x8).
    2. Each column standardised over all the given pixels (population std, constant columns unscaled).
    3. PCA to ``n_components``, fitted exactly (eigen-decomposition of the covariance) on at most
       ``fit_sample`` patches (§8) and applied blockwise. The reference uses a randomized solver on all
       pixels; both span the same leading subspace.
    4. Each row L2-normalised (a zero row stays zero).

    Parameters
    ----------
    X8 : ndarray of shape (H, W, C), float32
    rows, cols : ndarray of int, shape (n,)
    patch : int, default=17
    n_components : int, default=300
        Reduced to ``min(n_components, n, patch*patch*C)`` when there are fewer pixels or features, and to the
        rank of the fitting sample.
    fit_sample : int, default=50000
    random_state : int, numpy Generator or None
        Draws the fitting sample when ``n > fit_sample``.
    progress, cancelled : callable, optional

    Returns
    -------
    F : ndarray of shape (n, n_components), float32, rows of unit norm
    """
    p = as_progress(progress, cancelled)
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    n = len(rows)
    n_features = X8.shape[2] * patch * patch
    block = max(1, _BLOCK_VALUES // n_features)
    stats_p, fit_p, apply_p = p.slice(0.0, 0.3), p.slice(0.3, 0.7), p.slice(0.7, 1.0)

    mean, std = _column_mean_std(b.reshape(len(b), -1) for b in
                                 _patch_blocks(X8, rows, cols, patch, stats_p, "FINCH features: statistics", block))
    scale = _safe_scale(mean, std).astype(np.float32)
    mean32 = mean.astype(np.float32)

    def standardised(start, stop):
        patches = extract_patches(X8, rows[start:stop], cols[start:stop], patch).reshape(stop - start, -1)
        return torch.from_numpy((patches - mean32) / scale)

    pick = _sample_indices(n, fit_sample, _rng(random_state))
    k = int(min(n_components, len(pick), n_features))
    if len(pick) <= n_features:
        # Few patches: the eigenvectors of the small n x n Gram matrix of the centred sample give the right
        # singular vectors, far cheaper than a 2312 x 2312 covariance. Directions beyond the sample's rank are
        # meaningless and dropped.
        fit_rows = np.concatenate([extract_patches(X8, rows[pick[i:i + block]], cols[pick[i:i + block]], patch)
                                   .reshape(-1, n_features) for i in range(0, len(pick), block)])
        sample = torch.from_numpy((fit_rows - mean32) / scale).double()
        centre = sample.mean(0)
        centred = sample - centre
        values, vectors = eigh(mm(centred, centred.T))
        order = torch.argsort(values, descending=True)
        values, vectors = values[order], vectors[:, order]
        rank = int((values > 1e-10 * max(float(values[0]), 1e-300)).sum())
        k = max(1, min(k, rank))
        components = _fix_signs((mm(centred.T, vectors[:, :k].contiguous()) / values[:k].clamp_min(1e-300).sqrt()).T.numpy())
        centre = centre.numpy()
        fit_p(1.0, "FINCH features: PCA")
    else:
        gram = torch.zeros((n_features, n_features), dtype=torch.float64)
        total = torch.zeros(n_features, dtype=torch.float64)
        for i in range(0, len(pick), block):
            fit_p.check()
            idx = pick[i:i + block]
            patches = extract_patches(X8, rows[idx], cols[idx], patch).reshape(len(idx), -1)
            chunk = torch.from_numpy((patches - mean32) / scale)
            gram += mm(chunk.T, chunk).double()
            total += chunk.sum(0).double()
            fit_p(0.8 * min(1.0, (i + block) / len(pick)), "FINCH features: PCA")
        centre = (total / len(pick)).numpy()
        cov = gram.numpy() / len(pick) - np.outer(centre, centre)
        components = _top_eigenvectors(cov, k)
        fit_p(1.0, "FINCH features: PCA")
    log.info("FINCH features: %d pixels, %d-value patches -> %d components (PCA fitted on %d patches)",
             n, n_features, k, len(pick))

    projection = torch.from_numpy(components.T.astype(np.float32))
    offset = torch.from_numpy(matmul(centre.astype(np.float32), components.T.astype(np.float32)))
    out = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        apply_p.check()
        stop = min(n, start + block)
        reduced = mm(standardised(start, stop), projection) - offset
        norms = torch.linalg.vector_norm(reduced, dim=1, keepdim=True)
        out[start:stop] = (reduced / torch.where(norms > 0, norms, torch.ones_like(norms))).numpy()
        apply_p(stop / n, "FINCH features: projection")
    return out
