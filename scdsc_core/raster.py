"""GDAL raster input/output: pixel sources, validity, blockwise reading, atomic GeoTIFF writing."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np

from .errors import ScdscError

log = logging.getLogger("scdsc_core.raster")


def _block_row_count(width: int, n_bands: int, max_pixels: int) -> int:
    """Rows per block so that a block holds at most ``max_pixels`` pixels (at least one row)."""
    return max(1, int(max_pixels) // max(1, int(width)))


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
    geotransform : None
        In-memory arrays carry no georeferencing.
    crs_wkt : str
        Always ``""``.

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
        if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
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
        self.wavelengths = None
        self.geotransform = None
        self.crs_wkt = ""
        self.path = None
        self.nodata: List[Optional[float]] = [None] * n_bands
        self.dtype = self._array.dtype
        self._valid: Optional[np.ndarray] = None

    @property
    def array(self) -> np.ndarray:
        """The wrapped float32 ``(H, W, B)`` array (read-only view)."""
        view = self._array.view()
        view.flags.writeable = False
        return view

    def valid_mask(self) -> np.ndarray:
        """Bool ``(H, W)``: True where every band is finite (computed once, then cached)."""
        if self._valid is None:
            self._valid = np.isfinite(self._array).all(axis=2)
        return self._valid

    def read_pixels(self, rows, cols) -> np.ndarray:
        """Spectra of the pixels ``(rows[i], cols[i])`` as a float32 ``(n, B)`` array."""
        rows = np.asarray(rows, dtype=np.intp)
        cols = np.asarray(cols, dtype=np.intp)
        return np.array(self._array[rows, cols], dtype=np.float32, copy=True)

    def iter_blocks(self, max_pixels: int = 1 << 20) -> Iterator[Tuple[int, int, np.ndarray]]:
        """Yield ``(row0, row1, block)`` with ``block`` the float32 ``(row1 - row0, W, B)`` rows of the image.

        Each block holds at most ``max_pixels`` pixels (but always at least one full row).
        """
        height, width = self.shape
        step = _block_row_count(width, self.n_bands, max_pixels)
        for row0 in range(0, height, step):
            row1 = min(height, row0 + step)
            yield row0, row1, self._array[row0:row1]


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
    if isinstance(X, np.ndarray) or isinstance(X, (list, tuple)):
        return ArraySource(X)
    raise ScdscError(f"X must be an (H, W, B) array or a raster source, got {type(X).__name__}")
