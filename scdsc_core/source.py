"""Pixel sources without GDAL: the protocol the method layer reads images through, and its in-memory source.

A *pixel source* has ``shape`` (H, W), ``n_bands``, ``band_names``, ``valid_mask()``, ``read_pixels(rows, cols)``
and ``iter_blocks(max_pixels, budget_bytes)`` (plus ``band_indices``, ``source_band_count``, ``geotransform``,
``crs_wkt``, ``nodata``, ``dtype``, ``wavelengths`` and ``path``, which the I/O layer records). :class:`ArraySource`
is the in-memory one; ``scdsc_core.raster.RasterSource`` reads a GDAL raster blockwise. The estimator, the
preprocessing and the training take any pixel source, so they never import GDAL (tests/core/test_layers.py).
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .errors import ScdscError

#: Default memory budget of one block read (bytes).
DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024

# A block costs its float32 copy plus the native read buffer (at most 8 bytes a value for float64/int64 input).
_BYTES_PER_VALUE = 12


# --------------------------------------------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------------------------------------------

def block_rows(width: int, n_bands: int, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> int:
    """Number of image rows per block so that reading a block stays within a memory budget.

    Parameters
    ----------
    width : int
        Raster width in pixels.
    n_bands : int
        Bands read per pixel.
    budget_bytes : int, default 256 MB
        Memory a block may use (its float32 values plus the native read buffer).

    Returns
    -------
    rows : int
        At least 1.

    Examples
    --------
    >>> block_rows(1000, 200, budget_bytes=12 * 1000 * 200 * 10)
    10
    """
    per_row = max(1, int(width)) * max(1, int(n_bands)) * _BYTES_PER_VALUE
    return max(1, int(budget_bytes) // per_row)


def _rows_per_block(width: int, n_bands: int, max_pixels: Optional[int], budget_bytes: int) -> int:
    """Rows per block: the budget's, further limited by ``max_pixels`` when given."""
    rows = block_rows(width, n_bands, budget_bytes)
    if max_pixels is not None:
        rows = min(rows, max(1, int(max_pixels) // max(1, int(width))))
    return rows



# --------------------------------------------------------------------------------------------------------------
# The in-memory source
# --------------------------------------------------------------------------------------------------------------

def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view, so that callers cannot corrupt a cached array in place."""
    view = array.view()
    view.flags.writeable = False
    return view


class ArraySource:
    """A pixel source over an in-memory ``(H, W, B)`` array.

    A pixel is valid when every band is finite.

    Parameters
    ----------
    array : ndarray of shape (H, W, B)
        The image, bands last. Converted to float32 (no copy if already float32).
    band_names : list of str, optional
        One name per band; default ``"band 1"``, ``"band 2"``, ...

    Attributes
    ----------
    shape : tuple of int
        ``(H, W)``.
    n_bands : int
    band_names : list of str
    band_indices : list of int
        ``1..B``.
    geotransform : None
        In-memory arrays carry no georeferencing.
    crs_wkt : str
        Always ``""``.
    nodata : list of None
    source_band_count : int
        Same as ``n_bands``.

    Examples
    --------
    >>> import numpy as np
    >>> src = ArraySource(np.zeros((4, 5, 3)))
    >>> src.shape, src.n_bands
    ((4, 5), 3)
    """

    def __init__(self, array, band_names: Optional[Sequence[str]] = None):
        array = np.asarray(array)
        if array.ndim != 3:
            raise ScdscError(f"image array must have shape (H, W, B), got an array with shape {array.shape}")
        if np.iscomplexobj(array) or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
            raise ScdscError(f"image array must be real-valued numeric, got dtype {array.dtype}")
        self._array = np.asarray(array, dtype=np.float32)
        height, width, n_bands = self._array.shape
        if height == 0 or width == 0 or n_bands == 0:
            raise ScdscError(f"image array must not be empty, got shape {array.shape}")
        self.shape: Tuple[int, int] = (height, width)
        self.n_bands: int = n_bands
        if band_names is None:
            band_names = [f"band {i + 1}" for i in range(n_bands)]
        elif len(band_names) != n_bands:
            raise ScdscError(f"band_names must have one name per band ({n_bands}), got {len(band_names)}")
        self.band_names: List[str] = [str(n) for n in band_names]
        self.band_indices: List[int] = list(range(1, n_bands + 1))
        self.source_band_count: int = n_bands
        self.wavelengths = None
        self.fwhm = None
        self.geotransform = None
        self.crs_wkt = ""
        self.path = None
        self.nodata: List[Optional[float]] = [None] * n_bands
        self.dtype = self._array.dtype
        self._valid: Optional[np.ndarray] = None

    @property
    def array(self) -> np.ndarray:
        """The wrapped float32 ``(H, W, B)`` array (read-only view)."""
        return _read_only(self._array)

    def valid_mask(self) -> np.ndarray:
        """Bool ``(H, W)``: True where every band is finite (computed once, then cached; read-only)."""
        if self._valid is None:
            self._valid = np.isfinite(self._array).all(axis=2)
        return _read_only(self._valid)

    def read_pixels(self, rows, cols) -> np.ndarray:
        """Spectra of the pixels ``(rows[i], cols[i])`` as a float32 ``(n, B)`` array."""
        rows = np.asarray(rows, dtype=np.intp).ravel()
        cols = np.asarray(cols, dtype=np.intp).ravel()
        return np.array(self._array[rows, cols], dtype=np.float32, copy=True)

    def iter_blocks(self, max_pixels: Optional[int] = None,
                    budget_bytes: int = DEFAULT_BUDGET_BYTES) -> Iterator[Tuple[int, int, np.ndarray]]:
        """Yield ``(row0, row1, block)`` with ``block`` the float32 ``(row1 - row0, W, B)`` rows of the image.

        A block holds at most ``max_pixels`` pixels (default: as many rows as fit the memory budget), and always
        at least one full row. Blocks are read-only views.
        """
        height, width = self.shape
        step = _rows_per_block(width, self.n_bands, max_pixels, budget_bytes)
        for row0 in range(0, height, step):
            row1 = min(height, row0 + step)
            yield row0, row1, _read_only(self._array[row0:row1])


def as_source(X):
    """Normalise an image argument to a pixel source.

    Parameters
    ----------
    X : ndarray of shape (H, W, B), ArraySource or RasterSource
        An array is wrapped in :class:`ArraySource`; an existing source is returned unchanged.

    Returns
    -------
    source : ArraySource or RasterSource
    """
    if hasattr(X, "valid_mask") and hasattr(X, "iter_blocks") and hasattr(X, "read_pixels"):
        return X
    if isinstance(X, (np.ndarray, list, tuple)):
        return ArraySource(X)
    raise ScdscError(f"X must be an (H, W, B) array or a raster source, got {type(X).__name__}")
