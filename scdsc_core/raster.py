"""GDAL raster input/output: pixel sources, validity, blockwise reading, atomic GeoTIFF writing.

Why one module of about 950 lines: it is the only place that talks to GDAL for rasters, and its two halves share
the band, nodata and block rules (a writer mirrors its source's grid, dtype and nodata). The GDAL-free parts have
left: the source protocol and ArraySource (source.py), output names and atomic renames (outputs.py). The next
split, if it grows: the writers (RasterWriter, write_labels, write_float_raster) into writers.py.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import contextlib
import errno
import json
import logging
import math
import os
import re
import stat
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
from osgeo import gdal, gdal_array, osr

from . import style as _style
from .errors import ScdscError, warn_adjustment
from .progress import as_progress
from .outputs import _commit_temp, _discard_temp, _reserve_temp, _style_path, atomic_output  # noqa: F401
# The GDAL-free half of the sources (re-exported: the I/O layer's callers find every source here).
from .source import (_BYTES_PER_VALUE, DEFAULT_BUDGET_BYTES, ArraySource, _read_only, _rows_per_block,  # noqa: F401
                     as_source, block_rows)

gdal.UseExceptions()

log = logging.getLogger("scdsc_core.raster")


_BAND_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")

BandSpec = Union[None, str, Sequence[int]]


# --------------------------------------------------------------------------------------------------------------
# Band selection
# --------------------------------------------------------------------------------------------------------------

def parse_bands(spec: Union[str, Sequence[int]], band_count: int) -> List[int]:
    """Parse a 1-based band selection.

    Parameters
    ----------
    spec : str or sequence of int
        ``"1-50,60"`` style text (comma-separated numbers and ascending ranges, spaces allowed), or the band
        numbers themselves.
    band_count : int
        Bands in the raster; every selected number must be in ``1..band_count``.

    Returns
    -------
    bands : list of int
        The selected 1-based band numbers, in the given order.

    Raises
    ------
    ScdscError
        Malformed text, a descending range, 0 or a negative number, a number above ``band_count``, a band
        selected twice, or an empty selection. All problems are reported at once, with the spec.

    Examples
    --------
    >>> parse_bands("1-3, 7", 10)
    [1, 2, 3, 7]
    """
    shown = repr(spec) if isinstance(spec, str) else repr(list(spec) if not isinstance(spec, list) else spec)
    problems: List[str] = []
    numbers: List[int] = []
    if isinstance(spec, str):
        for part in spec.split(","):
            match = _BAND_RANGE.match(part)
            if match is None:
                problems.append(f"cannot read {part.strip()!r} (use 1-based numbers and ranges such as '1-50,60')")
                continue
            first = int(match.group(1))
            last = int(match.group(2)) if match.group(2) is not None else first
            if last < first:
                problems.append(f"range {part.strip()!r} is descending (write '{last}-{first}')")
                continue
            # Bounded by the raster before expanding: '1-100000000' must not build a list of 10^8 numbers.
            numbers.extend(range(first, min(last, band_count) + 1))
            beyond = range(max(first, band_count + 1), last + 1)
            if beyond.stop - beyond.start <= 20:
                numbers.extend(beyond)
            else:
                problems.append(f"band {beyond.start}-{beyond.stop - 1} out of range: the raster has {band_count} "
                                "bands")
    else:
        for value in spec:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                problems.append(f"{value!r} is not a whole band number")
                continue
            numbers.append(int(value))
    if not problems and not numbers:
        problems.append("no band is selected")
    below = sorted({n for n in numbers if n < 1})
    if below:
        problems.append(f"band numbers are 1-based, got {', '.join(map(str, below))}")
    above = sorted({n for n in numbers if n > band_count})
    if above:
        problems.append(f"band {', '.join(map(str, above))} out of range: the raster has {band_count} bands")
    seen, twice = set(), []
    for n in numbers:
        if n in seen and n not in twice:
            twice.append(n)
        seen.add(n)
    if twice:
        problems.append(f"band {', '.join(map(str, twice))} selected more than once")
    if problems:
        raise ScdscError(f"bands {shown}: " + "; ".join(problems))
    return numbers


# --------------------------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------------------------

def check_input_file(path: str, what: str, folders: bool = False) -> None:
    """Raise ScdscError unless ``path`` exists and is a regular file (or, with ``folders``, a folder: some GDAL
    and OGR formats are folders). GDAL and OGR would block on a FIFO until a writer comes and read /dev/zero
    without end, so pipes and devices are refused by name before anything opens them."""
    if not os.path.exists(path):
        raise ScdscError(f"{what} {path} does not exist")
    if folders and os.path.isdir(path):
        return
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise ScdscError(f"{what} {path} is not a regular file (a pipe, device or socket); give a file")


def flagged_bands(dataset) -> List[int]:
    """The 1-based bands whose metadata says ``bbl=0`` (the EnMAP bad-band convention): left out by default."""
    return [index for index in range(1, dataset.RasterCount + 1)
            if (dataset.GetRasterBand(index).GetMetadataItem("bbl") or "").strip() in ("0", "0.0")]


def default_bands(dataset) -> List[int]:
    """The default band selection of a GDAL dataset: every band not flagged ``bbl=0``."""
    bad = set(flagged_bands(dataset))
    return [index for index in range(1, dataset.RasterCount + 1) if index not in bad]


def _open_gdal_raster(path: str, what: str = "input raster"):
    """Open ``path`` read-only as a GDAL raster, or raise ScdscError naming the file."""
    # GDAL also opens virtual paths (/vsizip/...) and driver-prefixed names (NETCDF:"f.nc":var).
    virtual = path.startswith("/vsi") or re.match(r"^[A-Za-z][A-Za-z0-9_]+:", path) is not None
    if not virtual:
        check_input_file(path, what, folders=True)
    try:
        dataset = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_READONLY)
    except RuntimeError as exc:
        raise ScdscError(f"{what} {path} is not a raster GDAL can open ({str(exc).strip()})") from None
    if dataset is None or dataset.RasterCount == 0:
        raise ScdscError(f"{what} {path} is not a raster GDAL can open (it holds no raster band)")
    return dataset


def _comparable_nodata(nodata: Optional[float], dtype: np.dtype) -> Optional[Union[int, float]]:
    """The nodata value as pixels of ``dtype`` would hold it, or None when no pixel can equal it.

    GDAL stores nodata as a double; a value outside the band type's range (e.g. -32768 on a Byte band) or a
    fraction on an integer band matches no pixel, and NaN is already caught by the finiteness test.
    """
    if nodata is None or np.isnan(nodata):
        return None
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        if not float(nodata).is_integer() or not info.min <= nodata <= info.max:
            return None
        return int(nodata)
    if np.isinf(nodata):
        return float(nodata)
    if abs(nodata) > np.finfo(dtype).max:
        return None
    return dtype.type(nodata)  # rounded like the stored pixels (GDAL compares in the band type, too)


class RasterSource:
    """A pixel source over a GDAL raster: selected bands, validity, blockwise reading.

    Use :func:`open_raster` to create one. The constructor reads the whole raster once (block by block) to build
    the valid-pixel mask, so that every user error about the data surfaces before any work starts.

    Validity (§8 of the method): a pixel is valid if every selected band is finite and differs from that band's
    nodata value; with ``zero_is_nodata`` all-zero spectra are invalid, too. Values are returned as stored (raw,
    as float32): GDAL scale/offset are ignored because the bands are standardised later, and invalid pixels keep
    their stored values (use :meth:`valid_mask`).

    Parameters
    ----------
    path : path
    bands : str or sequence of int, optional
        See :func:`open_raster`.
    zero_is_nodata : bool, default False
    budget_bytes : int, default 256 MB
        Memory budget of one block read.
    rows : (int, int), optional
        Only the rows ``rows[0]:rows[1]`` of the raster (a window: a distributed task reads its own); the shape
        and geotransform are the window's. A window may hold no valid pixel, and a band that is nodata in the
        whole window is kept (it may be valid elsewhere); give ``bands`` explicitly.
    progress, cancelled : callable, optional
        Reported/checked once per block of the validity pass.

    Attributes
    ----------
    path : str
    shape : tuple of int
        ``(H, W)``.
    n_bands : int
    band_indices : list of int
        The selected bands, 1-based.
    band_names : list of str
        Band descriptions, or ``"band N"`` when a band has none.
    wavelengths : list of float or None
        Band centres in nanometres, from the ``wavelength`` band metadata (GDAL's ENVI, ENVI-header and
        product drivers write it, with ``wavelength_units``; micrometres are converted) when every selected band
        has it.
    fwhm : list of float or None
        Band widths in nanometres, from the ``fwhm`` band metadata, likewise.
    geotransform : tuple of 6 float or None
    crs_wkt : str
        ``""`` when the raster has no CRS.
    nodata : list of (float or None)
        Per selected band.
    scales, offsets : list of (float or None)
        GDAL scale/offset per selected band (informative only).
    dtype : numpy.dtype
        The stored type of the selected bands.
    n_valid : int
        Number of valid pixels.
    dropped_bands : list of int
        Bands left out of the default selection (``bbl=0``, or nodata in every pixel).
    source_band_count : int
        Bands in the file (selected or not).
    """

    def __init__(self, path, bands: BandSpec = None, *, zero_is_nodata: bool = False,
                 budget_bytes: int = DEFAULT_BUDGET_BYTES, rows: Optional[Tuple[int, int]] = None,
                 progress=None, cancelled=None):
        self.path = os.fspath(path)
        self.zero_is_nodata = bool(zero_is_nodata)
        self._budget = int(budget_bytes)
        dataset = _open_gdal_raster(self.path)
        count = dataset.RasterCount
        self.source_band_count = count
        self.shape = (dataset.RasterYSize, dataset.RasterXSize)
        self.geotransform = dataset.GetGeoTransform(can_return_null=True)
        self.crs_wkt = dataset.GetProjection() or ""
        self._row0 = 0
        if rows is not None:
            row0, row1 = int(rows[0]), int(rows[1])
            if not 0 <= row0 < row1 <= self.shape[0]:
                raise ScdscError(f"rows {row0}:{row1} are not a window of {self.path} ({self.shape[0]} rows)")
            self._row0 = row0
            self.shape = (row1 - row0, self.shape[1])
            self.geotransform = window_geotransform(self.geotransform, row0)
        self.dropped_bands: List[int] = []

        explicit = bands is not None
        if explicit:
            indices = parse_bands(bands, count)
        else:
            self.dropped_bands = flagged_bands(dataset)
            indices = default_bands(dataset)
            if self.dropped_bands:
                log.info("%s: %d of %d bands are flagged bad (bbl=0) and are not used: %s", self.path,
                         len(self.dropped_bands), count, _band_list_text(self.dropped_bands))
        complex_bands = [i for i in indices if gdal.DataTypeIsComplex(dataset.GetRasterBand(i).DataType)]
        if complex_bands:
            names = sorted({gdal.GetDataTypeName(dataset.GetRasterBand(i).DataType) for i in complex_bands})
            raise ScdscError(f"input raster {self.path}: band {_band_list_text(complex_bands)} hold complex values "
                             f"({', '.join(names)}); only real-valued bands can be clustered")
        self._require_two_bands(indices, bands)
        self._set_bands(dataset, indices)
        self._require_one_row_in_budget()
        self._require_scene_in_memory()

        valid, usable = self._scan_validity(dataset, progress, cancelled)
        dead = [index for index, ok in zip(self.band_indices, usable) if not ok] if rows is None else []
        if dead:
            described = ", ".join(f"{i} ({self.band_names[self.band_indices.index(i)]})" for i in dead)
            if explicit:
                raise ScdscError(f"bands {bands!r} of {self.path}: band {described} are nodata or NaN in every "
                                 "pixel; leave them out of the band selection")
            if len(dead) == len(self.band_indices):
                raise ScdscError(self._no_valid_message())
            message = (f"{self.path}: {len(dead)} bands are nodata or NaN in every pixel and are not used: "
                       f"{described}")
            warn_adjustment(log, message, stacklevel=3)
            self.dropped_bands = sorted(self.dropped_bands + dead)
            keep = [i for i in self.band_indices if i not in dead]
            self._require_two_bands(keep, bands)
            self._set_bands(dataset, keep)
            valid, _ = self._scan_validity(dataset, None, cancelled)
        self._valid = valid
        self.n_valid = int(valid.sum())
        if self.n_valid == 0 and rows is None:
            raise ScdscError(self._no_valid_message())
        log.info("%s: %d x %d pixels, %d bands selected, %d valid pixels", self.path, self.shape[1],
                 self.shape[0], self.n_bands, self.n_valid)

    # -- construction helpers ----------------------------------------------------------------------------------

    def _require_two_bands(self, indices: List[int], spec) -> None:
        """ScdscError unless at least two bands are selected (clustering needs a spectrum)."""
        if len(indices) < 2:
            given = f"bands {spec!r}" if spec is not None else "the default band selection"
            raise ScdscError(f"{given} of {self.path} leaves {len(indices)} usable band(s); at least 2 are needed")

    def _require_one_row_in_budget(self) -> None:
        """ScdscError unless one image row of the selected bands fits the memory budget (the smallest block)."""
        row_bytes = self.shape[1] * self.n_bands * _BYTES_PER_VALUE
        if self._budget < row_bytes:
            raise ScdscError(f"memory budget of {self._budget} bytes is too small to read one row of {self.path} "
                             f"({self.shape[1]} pixels x {self.n_bands} bands need {row_bytes} bytes); give at "
                             f"least {row_bytes} bytes")

    def _require_scene_in_memory(self) -> None:
        """ScdscError, before the validity scan, when the whole-scene arrays any run holds (validity mask, PCA
        image, label and confidence maps) cannot fit this machine's default memory budget: a 100,000 x 100,000
        raster is refused in a second instead of after an hour of reading (or an out-of-memory kill)."""
        from .memory import budget_bytes, predict_estimate, require
        height, width = self.shape
        require(predict_estimate(height, width, min(8, self.n_bands), 2, proba=False,
                                 what=f"any run on {height} x {width} pixels"), budget_bytes(None),
                f"cluster a window or a mask of {self.path} (or several windows with apply-many)")

    def _set_bands(self, dataset, indices: List[int]) -> None:
        """Record names, nodata, wavelengths and types of the selected bands."""
        self.band_indices = list(indices)
        self.n_bands = len(indices)
        bands = [dataset.GetRasterBand(i) for i in indices]
        self.band_names = [(b.GetDescription() or "").strip() or f"band {i}" for b, i in zip(bands, indices)]
        self.nodata = [b.GetNoDataValue() for b in bands]
        self._tile_rows = max(1, int(bands[0].GetBlockSize()[1]))
        self._cached_tile_row: Tuple[int, int] = (0, -1)
        self.scales = [b.GetScale() for b in bands]
        self.offsets = [b.GetOffset() for b in bands]
        dtypes = [_band_dtype(b) for b in bands]
        self.dtype = np.result_type(*dtypes)
        # GDAL reads a signed byte as an unsigned one (0..255); read into a wider type and fix the sign in _read.
        self._signed_bytes = [position for position, dtype in enumerate(dtypes) if dtype == np.int8]
        read_dtype = np.result_type(self.dtype, np.int16) if self._signed_bytes else self.dtype
        self._read_type = gdal_array.NumericTypeCodeToGDALTypeCode(read_dtype)
        self._nodata_compare = []
        for index, nodata in zip(indices, self.nodata):
            comparable = _comparable_nodata(nodata, self.dtype)
            if nodata is not None and not np.isnan(nodata) and comparable is None:
                log.warning("%s: band %d has nodata %r, which a %s pixel cannot hold; the nodata value is ignored",
                            self.path, index, nodata, self.dtype)
            self._nodata_compare.append(comparable)
        self.wavelengths = band_wavelengths(dataset, indices)
        self.fwhm = band_wavelengths(dataset, indices, "fwhm") if self.wavelengths is not None else None

    def _no_valid_message(self) -> str:
        return (f"no valid pixels in {self.path}: every pixel is nodata or NaN in at least one of the selected "
                "bands" + (" (or all-zero, zero_is_nodata=True)" if self.zero_is_nodata else ""))

    def _scan_validity(self, dataset, progress, cancelled) -> Tuple[np.ndarray, np.ndarray]:
        """One pass over the raster: (valid-pixel mask, per-band "valid somewhere")."""
        p = as_progress(progress, cancelled)
        height, width = self.shape
        valid = np.zeros((height, width), dtype=bool)
        usable = np.zeros(self.n_bands, dtype=bool)
        step = self._block_rows()
        with_nodata = [i for i, v in enumerate(self._nodata_compare) if v is not None]
        nodata_values = np.array([self._nodata_compare[i] for i in with_nodata], dtype=self.dtype)
        floating = np.issubdtype(self.dtype, np.floating)
        for row0 in range(0, height, step):
            row1 = min(height, row0 + step)
            block = self._read(dataset, row0, row1, native=True)
            good = np.isfinite(block) if floating else np.ones(block.shape, dtype=bool)
            if with_nodata:
                good[:, :, with_nodata] &= block[:, :, with_nodata] != nodata_values
            usable |= good.any(axis=(0, 1))
            block_valid = good.all(axis=2)
            if self.zero_is_nodata:
                block_valid &= (block != 0).any(axis=2)
            valid[row0:row1] = block_valid
            p(row1 / height, "checking valid pixels")
        return valid, usable

    # -- reading -----------------------------------------------------------------------------------------------

    def _dataset(self):
        """A fresh read-only dataset handle (one per operation: handles are not shared between threads)."""
        return _open_gdal_raster(self.path)

    def _block_rows(self, max_pixels: Optional[int] = None, budget_bytes: Optional[int] = None) -> int:
        """Rows per block read: the memory budget's (and ``max_pixels``'), aligned to the file's tile rows.

        Whole multiples of the tile height when a block holds more; otherwise an even share of one tile row
        (256 -> 64 rather than 74), so that a block never straddles two tile rows and every tile is decoded once
        per pass (see :meth:`_drop_passed_tiles`).
        """
        rows = _rows_per_block(self.shape[1], self.n_bands, max_pixels, budget_bytes or self._budget)
        tile = self._tile_rows
        if tile >= self.shape[0]:  # one tile row: nothing is ever dropped, keep the budget's blocks
            return rows
        return (rows // tile) * tile if rows >= tile else max(1, tile // math.ceil(tile / rows))

    def _drop_passed_tiles(self, dataset, row0: int) -> None:
        """Empty GDAL's block cache of ``dataset`` once a pass has moved below the tile row it holds.

        Every pass reads down the raster, so the decoded tiles above the current tile row are never used again;
        GDAL would nevertheless keep them up to its process-wide cache limit (5 % of RAM by default: 1.2 GB
        here), which made the peak memory grow with the scene up to that limit (docs/benchmarks.md, *Scaling*).
        Dropping them bounds the cache to about one tile row of the selected bands.
        """
        tile_row = row0 // self._tile_rows
        if self._cached_tile_row[0] == id(dataset) and tile_row != self._cached_tile_row[1]:
            dataset.FlushCache()
        self._cached_tile_row = (id(dataset), tile_row)

    def _read(self, dataset, row0: int, row1: int, native: bool = False) -> np.ndarray:
        """Rows ``row0:row1`` of the selected bands as ``(h, W, B)`` (float32, or the stored type)."""
        width = self.shape[1]
        self._drop_passed_tiles(dataset, row0)
        # The dataset stays referenced by the caller while GDAL fills the array (GDAL 3.6 segfault pitfall).
        try:
            block = dataset.ReadAsArray(0, row0 + self._row0, width, row1 - row0, band_list=self.band_indices,
                                        interleave="pixel",
                                        buf_type=self._read_type if native else gdal.GDT_Float32)
        except RuntimeError as exc:
            raise ScdscError(f"cannot read rows {row0 + self._row0 + 1}-{row1 + self._row0} of {self.path} ({' '.join(str(exc).split())}): "
                             "the file is damaged, or it was changed or removed during the run") from None
        if block.ndim == 2:  # GDAL drops the band axis for a single band
            block = block[:, :, None]
        if self._signed_bytes:
            unsigned = block[:, :, self._signed_bytes]
            block[:, :, self._signed_bytes] = np.where(unsigned >= 128, unsigned - 256, unsigned)
        return block

    def valid_mask(self) -> np.ndarray:
        """Bool ``(H, W)``: True where the pixel is valid (computed when opened; read-only)."""
        return _read_only(self._valid)

    def read_pixels(self, rows, cols) -> np.ndarray:
        """Spectra of the pixels ``(rows[i], cols[i])`` as a float32 ``(n, B)`` array.

        Only the row spans that contain requested pixels are read, a memory-budgeted block at a time.
        """
        rows = np.asarray(rows, dtype=np.intp).ravel()
        cols = np.asarray(cols, dtype=np.intp).ravel()
        if rows.shape != cols.shape:
            raise ValueError(f"rows and cols must have the same length, got {rows.size} and {cols.size}")
        height, width = self.shape
        if rows.size and (rows.min() < 0 or rows.max() >= height or cols.min() < 0 or cols.max() >= width):
            raise IndexError(f"pixel index outside the raster of {height} x {width} pixels")
        out = np.empty((rows.size, self.n_bands), dtype=np.float32)
        if rows.size == 0:
            return out
        order = np.argsort(rows, kind="stable")
        sorted_rows = rows[order]
        step = self._block_rows()
        dataset = self._dataset()
        start = 0
        while start < rows.size:
            row0 = int(sorted_rows[start])
            # windows on a grid of `step` rows, which the alignment puts on tile boundaries: no tile row is
            # split between two windows and decoded twice
            stop = int(np.searchsorted(sorted_rows, (row0 // step + 1) * step, side="left"))
            row1 = int(sorted_rows[stop - 1]) + 1
            block = self._read(dataset, row0, row1)
            picked = order[start:stop]
            out[picked] = block[rows[picked] - row0, cols[picked]]
            start = stop
        return out

    def iter_blocks(self, max_pixels: Optional[int] = None,
                    budget_bytes: Optional[int] = None) -> Iterator[Tuple[int, int, np.ndarray]]:
        """Yield ``(row0, row1, block)``: the float32 ``(row1 - row0, W, B)`` values of consecutive row blocks.

        A block holds at most ``max_pixels`` pixels when given and stays within the memory budget; it always
        holds at least one full row.
        """
        height = self.shape[0]
        step = self._block_rows(max_pixels, budget_bytes)
        dataset = self._dataset()
        for row0 in range(0, height, step):
            row1 = min(height, row0 + step)
            yield row0, row1, self._read(dataset, row0, row1)

    def __repr__(self) -> str:
        return (f"RasterSource({self.path!r}, shape={self.shape}, n_bands={self.n_bands}, "
                f"n_valid={self.n_valid})")


def window_geotransform(geotransform, row0: int):
    """The geotransform of a window that starts at row ``row0`` (None stays None)."""
    if geotransform is None:
        return None
    x0, dx, rx, y0, ry, dy = geotransform
    return (x0 + row0 * rx, dx, rx, y0 + row0 * dy, ry, dy)


class Grid:
    """Where a raster lies, without its pixels: what the writers need (``shape``, ``geotransform``, ``crs_wkt``)."""

    def __init__(self, shape, geotransform=None, crs_wkt: str = ""):
        self.shape, self.geotransform, self.crs_wkt = tuple(shape), geotransform, crs_wkt


def _band_list_text(indices: Sequence[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    parts, run = [], []
    for index in list(indices) + [None]:
        if run and (index is None or index != run[-1] + 1):
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        if index is not None:
            run.append(index)
    return ", ".join(parts)


def _band_dtype(band) -> np.dtype:
    """The numpy type of a band's stored values.

    GDAL before 3.7 has no Int8 type: a signed byte band is ``Byte`` with ``PIXELTYPE=SIGNEDBYTE``.
    """
    if band.DataType == gdal.GDT_Byte and band.GetMetadataItem("PIXELTYPE", "IMAGE_STRUCTURE") == "SIGNEDBYTE":
        return np.dtype(np.int8)
    return np.dtype(gdal_array.GDALTypeCodeToNumericTypeCode(band.DataType))


#: Wavelength unit names as GDAL drivers and ENVI headers write them -> factor to nanometres.
_UNITS_TO_NM = {"nanometers": 1.0, "nanometres": 1.0, "nanometer": 1.0, "nm": 1.0, "micrometers": 1000.0,
                "micrometres": 1000.0, "micrometer": 1000.0, "microns": 1000.0, "um": 1000.0, "µm": 1000.0,
                "millimeters": 1e6, "mm": 1e6}


def _to_nm(value: float, units: Optional[str]) -> Optional[float]:
    """A wavelength in nanometres: with its unit, or, without one, read as micrometres below 100 (the
    0.4-2.5 µm of an optical sensor) and as nanometres above (400-2500 nm); an unknown unit gives None."""
    if units:
        factor = _UNITS_TO_NM.get(units.strip().lower())
        return None if factor is None else value * factor
    return value * 1000.0 if value < 100.0 else value


def band_wavelengths(dataset, indices: Sequence[int], item: str = "wavelength") -> Optional[List[float]]:
    """Band metadata ``item`` ("wavelength" or "fwhm") of the 1-based bands ``indices`` of a GDAL dataset, in nm
    (see :func:`_band_wavelengths`), else the ENVI header's list (GDAL 3.6 puts ``fwhm`` only there); None when
    a band lacks it."""
    values = _band_wavelengths([dataset.GetRasterBand(i) for i in indices], item,
                               dataset.GetMetadataItem("wavelength_units"))
    if values is None:
        envi = dataset.GetMetadata("ENVI") or {}
        listed = [v.strip() for v in (envi.get(item) or "").strip("{} ").split(",") if v.strip()]
        if len(listed) == dataset.RasterCount:
            try:
                nm = [_to_nm(float(listed[i - 1]), envi.get("wavelength_units")) for i in indices]
            except ValueError:
                return None
            if all(v is not None and np.isfinite(v) and v > 0 for v in nm):
                values = [round(v, 4) for v in nm]
    return values


def _band_wavelengths(bands, item: str, dataset_units: Optional[str] = None) -> Optional[List[float]]:
    """Band metadata ``item`` ("wavelength", "fwhm") of every band in nm, or None when one is missing or
    unreadable. GDAL's IMAGERY domain (CENTRAL_WAVELENGTH_UM / FWHM_UM, GDAL >= 3.10) counts too."""
    values = []
    for band in bands:
        text = band.GetMetadataItem(item)
        units = band.GetMetadataItem("wavelength_units") or dataset_units
        if text is None:
            text = band.GetMetadataItem("CENTRAL_WAVELENGTH_UM" if item == "wavelength" else "FWHM_UM", "IMAGERY")
            units = "um"
        try:
            number = float(text)
        except (TypeError, ValueError):
            return None
        nm = _to_nm(number, units)
        if nm is None or not np.isfinite(nm) or nm <= 0:
            return None
        values.append(round(nm, 4))
    return values


def open_raster(path, bands: BandSpec = None, *, zero_is_nodata: bool = False,
                budget_bytes: int = DEFAULT_BUDGET_BYTES, progress=None, cancelled=None) -> RasterSource:
    """Open a GDAL raster as a pixel source and check that it can be clustered.

    Parameters
    ----------
    path : path
        Any raster GDAL can open.
    bands : str or sequence of int, optional
        1-based band selection (``"1-50,60"`` or ``[1, 2, 5]``, see :func:`parse_bands`). Default: every band
        except those whose metadata says ``bbl=0`` (the EnMAP bad-band convention) and, with a warning, those
        that are nodata or NaN in every pixel.
    zero_is_nodata : bool, default False
        Treat all-zero spectra as nodata.
    budget_bytes : int, default 256 MB
        Memory budget of one block read; blocks shrink to fit it, down to one image row.
    progress, cancelled : callable, optional
        ``progress(fraction, message)`` and ``cancelled() -> bool`` for the validity pass.

    Returns
    -------
    source : RasterSource

    Raises
    ------
    ScdscError
        The path does not exist or is not a raster; a selected band is complex; fewer than 2 bands are selected;
        an explicitly selected band is nodata everywhere; no pixel is valid; one row does not fit
        ``budget_bytes``; a block cannot be read (damaged file).

    Examples
    --------
    >>> src = open_raster("image.tif", "1-50,60")  # doctest: +SKIP
    >>> src.shape, src.n_bands, int(src.valid_mask().sum())  # doctest: +SKIP
    ((192, 160), 51, 18432)
    """
    return RasterSource(path, bands, zero_is_nodata=zero_is_nodata, budget_bytes=budget_bytes,
                        progress=progress, cancelled=cancelled)


# --------------------------------------------------------------------------------------------------------------
# Writing GeoTIFFs
# --------------------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _gdal_writing(path: str):
    """GDAL and OS failures while writing ``path`` (disk full, folder removed, ...) become ScdscError naming it.

    GDAL reports some write failures only as warnings, e.g. an ``.aux.xml`` (category names) it could not save
    when the dataset is flushed; those fail the write too, so that no output is committed without a part.
    """
    failures: List[str] = []

    def collect(error_class, error_number, message):
        message = " ".join(str(message).split())
        if error_class >= gdal.CE_Failure or message.startswith("Unable to save"):
            failures.append(message)
        else:
            log.debug("GDAL while writing %s: %s", path, message)

    gdal.PushErrorHandler(collect)
    try:
        yield
    except (RuntimeError, OSError) as exc:
        raise ScdscError(f"cannot write {path}: {_write_failure_reason(exc, failures)}") from None
    finally:
        gdal.PopErrorHandler()
    if failures:
        raise ScdscError(f"cannot write {path}: {_write_failure_reason(None, failures)}")


def _write_failure_reason(exc: Optional[BaseException], failures: List[str]) -> str:
    """The most telling cause: the operating system's reason (e.g. "No space left on device") when one is named,
    else GDAL's first message (which may name GDAL's own temporary file)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    texts = failures + ([str(exc)] if exc is not None else [])
    for code in (errno.ENOSPC, errno.EDQUOT, errno.ENOENT, errno.EACCES, errno.EROFS, errno.EIO):
        if any(os.strerror(code) in text for text in texts):
            return os.strerror(code)
    return " ".join(texts[0].split())


def _creation_options(height: int, width: int, dtype: np.dtype, n_bands: int) -> List[str]:
    """GeoTIFF options: DEFLATE with the predictor for the type; tiled (and BigTIFF if needed) when large."""
    predictor = 3 if np.issubdtype(dtype, np.floating) else 2
    options = ["COMPRESS=DEFLATE", f"PREDICTOR={predictor}"]
    if n_bands > 1:
        options.append("INTERLEAVE=BAND")
    if max(height, width) > 256:
        options += ["TILED=YES", "BIGTIFF=IF_SAFER"]
    return options


class RasterWriter:
    """A GeoTIFF being written block by block on the grid of a source; see :func:`create_raster`.

    Attributes
    ----------
    path : str
        The final file (it appears only when :meth:`close` succeeds).
    shape : tuple of int
        ``(H, W)``.
    n_bands : int
    dtype : numpy.dtype
    nodata : float or None
    """

    def __init__(self, path, source, n_bands: int, dtype, nodata=None, band_names=None, metadata=None):
        self.path = os.path.abspath(os.fspath(path))
        self.shape = tuple(source.shape)
        self.n_bands = int(n_bands)
        self.dtype = np.dtype(dtype)
        self.nodata = nodata
        if self.n_bands < 1:
            raise ValueError(f"n_bands must be >= 1, got {n_bands}")
        if band_names is not None and len(band_names) != self.n_bands:
            raise ValueError(f"band_names must hold {self.n_bands} names, got {len(band_names)}")
        gdal_type = gdal_array.NumericTypeCodeToGDALTypeCode(self.dtype)
        if gdal_type is None:
            raise ValueError(f"dtype {self.dtype} cannot be written to a GeoTIFF")
        self._tmp = _reserve_temp(self.path)
        self._closed = False
        self._ds = None
        try:
            with _gdal_writing(self.path):
                self._create(source, gdal_type, nodata, band_names, metadata)
        except BaseException:
            self._drop_dataset()
            _discard_temp(self._tmp)
            self._closed = True
            raise

    def _create(self, source, gdal_type, nodata, band_names, metadata) -> None:
        """Create the temporary GeoTIFF with the source's georeferencing, nodata and band names."""
        height, width = self.shape
        driver = gdal.GetDriverByName("GTiff")
        self._ds = driver.Create(self._tmp, width, height, self.n_bands, gdal_type,
                                 options=_creation_options(height, width, self.dtype, self.n_bands))
        geotransform = getattr(source, "geotransform", None)
        if geotransform is not None:
            self._ds.SetGeoTransform(tuple(geotransform))
        crs_wkt = getattr(source, "crs_wkt", "") or ""
        if crs_wkt:
            self._ds.SetProjection(crs_wkt)
        if metadata:
            self._ds.SetMetadata({str(k): str(v) for k, v in metadata.items()})
        for index in range(self.n_bands):
            band = self._ds.GetRasterBand(index + 1)
            if nodata is not None:
                band.SetNoDataValue(float(nodata))
            if band_names is not None:
                band.SetDescription(str(band_names[index]))

    @property
    def dataset(self):
        """The open GDAL dataset (for extra band settings such as a colour table)."""
        return self._ds

    def write_block(self, row0: int, array) -> None:
        """Write rows ``row0 : row0 + h`` of every band.

        Parameters
        ----------
        row0 : int
        array : ndarray of shape (h, W) or (h, W, n_bands)
            Cast to the writer's dtype; for float types with a nodata value, non-finite values are written as
            nodata.
        """
        if self._closed:
            raise RuntimeError(f"writer of {self.path} is closed")
        array = np.asarray(array)
        if array.ndim == 2:
            array = array[:, :, None]
        height, width = self.shape
        if array.ndim != 3 or array.shape[1] != width or array.shape[2] != self.n_bands:
            raise ValueError(f"block must have shape (h, {width}, {self.n_bands}) or (h, {width}), "
                             f"got {array.shape}")
        if row0 < 0 or row0 + array.shape[0] > height:
            raise ValueError(f"rows {row0}:{row0 + array.shape[0]} are outside the raster's {height} rows")
        if np.issubdtype(self.dtype, np.floating) and self.nodata is not None:
            array = np.where(np.isfinite(array), array, self.nodata)
        array = array.astype(self.dtype, copy=False)
        with _gdal_writing(self.path):
            for index in range(self.n_bands):
                self._ds.GetRasterBand(index + 1).WriteArray(np.ascontiguousarray(array[:, :, index]), 0, int(row0))

    def close(self) -> str:
        """Finish the file and move it into place; returns its path."""
        if self._closed:
            return self.path
        self._closed = True
        try:
            with _gdal_writing(self.path):
                self._ds.FlushCache()
                self._close_dataset()
                _commit_temp(self._tmp, self.path)
        except BaseException:
            self._drop_dataset()
            _discard_temp(self._tmp)
            raise
        return self.path

    def abort(self) -> None:
        """Drop the unfinished file (nothing appears at :attr:`path`)."""
        if self._closed:
            return
        self._closed = True
        self._drop_dataset()
        _discard_temp(self._tmp)

    def _close_dataset(self) -> None:
        """Close the dataset now, where a failure is an ordinary exception (a destructor's is only printed, as an
        "Exception ignored" traceback). GDAL >= 3.8 has ``Dataset.Close()``; before, the SWIG destructor closes
        and disowns the object."""
        dataset, self._ds = self._ds, None
        if dataset is None:
            return
        close = getattr(dataset, "Close", None)
        if close is not None:
            close()
        else:
            type(dataset).__swig_destroy__(dataset)

    def _drop_dataset(self) -> None:
        """Close a dataset whose writing failed or was abandoned; its own errors would only repeat the first."""
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            self._close_dataset()
        except RuntimeError:
            pass
        finally:
            gdal.PopErrorHandler()

    def __enter__(self) -> "RasterWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False

    def __del__(self):
        # A writer dropped without close() (e.g. by an exception outside a with block) leaves no temporary file.
        with contextlib.suppress(Exception):
            self.abort()


def create_raster(path, source, n_bands: int, dtype, nodata=None, band_names=None,
                  metadata: Optional[Dict[str, str]] = None) -> RasterWriter:
    """Start writing a GeoTIFF on the grid of ``source``, block by block and atomically.

    Parameters
    ----------
    path : path
        The final file; it appears (with ``os.replace``) only when the writer is closed without error.
    source : ArraySource or RasterSource
        Gives the size, geotransform and CRS (an ArraySource has none).
    n_bands : int
    dtype : numpy dtype or str
    nodata : float, optional
        Set on every band.
    band_names : list of str, optional
        Band descriptions.
    metadata : dict, optional
        Dataset metadata items (keys and values are converted to str).

    Returns
    -------
    writer : RasterWriter
        Use as a context manager, or call ``close()`` (``abort()`` on failure).

    Examples
    --------
    >>> with create_raster("conf.tif", src, 1, "float32", nodata=-1) as out:  # doctest: +SKIP
    ...     for row0, row1, block in src.iter_blocks():
    ...         out.write_block(row0, confidence_of(block))
    """
    return RasterWriter(path, source, n_bands, dtype, nodata=nodata, band_names=band_names, metadata=metadata)


def write_labels(path, labels, source, n_clusters: int, *, class_names: Optional[Sequence[str]] = None,
                 metadata: Optional[Dict[str, str]] = None) -> str:
    """Write a label map as a styled GeoTIFF (1..K, 0 = nodata) with a QGIS ``.qml`` beside it.

    Parameters
    ----------
    path : path
        The GeoTIFF; ``<path without extension>.qml`` is written too. Both are written atomically.
    labels : int array of shape (H, W)
        ``-1`` = not clustered, ``0..K-1`` = clusters (the in-memory convention).
    source : ArraySource or RasterSource
        Its grid and georeferencing are used.
    n_clusters : int
        K. The file is uint8 when K <= 254, uint16 otherwise.
    class_names : list of str, optional
        Names of clusters 1..K; default ``"Cluster 1"``, ... They become GDAL category names (index 0 is
        ``"nodata"``), the band metadata item ``class_names`` (JSON, index = value) and the QGIS legend.
    metadata : dict, optional
        Dataset metadata items (seed, versions, ...).

    Returns
    -------
    path : str
    """
    labels = np.asarray(labels)
    k = int(n_clusters)
    if labels.shape != tuple(source.shape):
        raise ValueError(f"labels have shape {labels.shape}, the source grid is {tuple(source.shape)}")
    if k < 1 or k > 65534:
        raise ValueError(f"n_clusters must be in 1..65534, got {n_clusters}")
    if labels.size and (labels.min() < -1 or labels.max() >= k):
        raise ValueError(f"labels must be in -1..{k - 1}, got {labels.min()}..{labels.max()}")
    names = list(class_names) if class_names is not None else _style.cluster_names(k)
    if len(names) != k:
        raise ValueError(f"class_names must hold {k} names, got {len(names)}")
    dtype = np.uint8 if k <= 254 else np.uint16
    on_disk = np.where(labels >= 0, labels + 1, 0).astype(dtype)
    with create_raster(path, source, 1, dtype, nodata=0, band_names=["cluster (0 = nodata)"],
                       metadata=metadata) as writer:
        band = writer.dataset.GetRasterBand(1)
        _style.apply_color_table(band, k, names)
        band.SetMetadataItem("class_names", json.dumps(["nodata"] + [str(n) for n in names]))
        writer.write_block(0, on_disk)
    _style.write_paletted_qml(_style_path(writer.path), k, names=names)
    return writer.path


def write_float_raster(path, array, source, *, nodata: float = -1.0, band_names: Optional[Sequence[str]] = None,
                       style: Optional[str] = None) -> str:
    """Write an ``(H, W)`` or ``(H, W, C)`` float array as a float32 GeoTIFF on the grid of ``source``.

    Parameters
    ----------
    path : path
        Written atomically.
    array : float array of shape (H, W) or (H, W, C)
        Non-finite values (e.g. NaN outside the clustered set) are written as ``nodata``.
    source : ArraySource or RasterSource
    nodata : float, default -1.0
    band_names : list of str, optional
    style : {None, "gray"}
        ``"gray"`` also writes a grey ``.qml`` stretched over 0..1 (used for the confidence raster).

    Returns
    -------
    path : str
    """
    array = np.asarray(array, dtype=np.float32)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[:2] != tuple(source.shape):
        raise ValueError(f"array must have shape {tuple(source.shape)} or {tuple(source.shape)} + (C,), "
                         f"got {array.shape}")
    if style not in (None, "gray"):
        raise ValueError(f"style must be None or 'gray', got {style!r}")
    with create_raster(path, source, array.shape[2], np.float32, nodata=nodata, band_names=band_names) as writer:
        writer.write_block(0, array)
    if style == "gray":
        _style.write_gray_qml(_style_path(writer.path), 0.0, 1.0)
    return writer.path


def read_label_raster(path) -> Tuple[np.ndarray, Optional[Union[int, float]], Optional[List[str]]]:
    """Read band 1 of a label raster, e.g. a reference map (0 = unlabelled, classes 1..K).

    Parameters
    ----------
    path : path

    Returns
    -------
    labels : int32 or int64 array of shape (H, W)
        Float rasters must hold whole numbers; their non-finite pixels become 0 (unlabelled).
    nodata : int, float or None
        The band's nodata value.
    class_names : list of str or None
        GDAL category names indexed by value (``class_names[0]`` names value 0, e.g. ``"unlabelled"``), or
        None when the raster has none.

    Raises
    ------
    ScdscError
        Missing file, not a raster, complex values, or fractional class values.
    """
    path = os.fspath(path)
    dataset = _open_gdal_raster(path, what="label raster")
    # GDAL 3.6 loads the .aux.xml sidecar (category names) only after something like GetGeoTransform().
    dataset.GetGeoTransform()
    if dataset.RasterCount != 1:
        raise ScdscError(f"label raster {path} has {dataset.RasterCount} bands; a label raster (e.g. a reference "
                         "map) has exactly one")
    band = dataset.GetRasterBand(1)
    if gdal.DataTypeIsComplex(band.DataType):
        raise ScdscError(f"label raster {path} holds complex values; class values must be whole numbers")
    names = band.GetCategoryNames()
    nodata = band.GetNoDataValue()
    values = band.ReadAsArray()
    if np.issubdtype(values.dtype, np.floating):
        finite = np.isfinite(values)
        if not np.all(values[finite] == np.round(values[finite])):
            raise ScdscError(f"label raster {path} holds fractional values; class values must be whole numbers")
        values = np.where(finite, values, 0)
        labels = values.astype(np.int64)
    elif values.dtype.itemsize <= 2 or values.dtype == np.int32:
        labels = values.astype(np.int32)
    else:
        labels = values.astype(np.int64)
    if nodata is not None and float(nodata).is_integer():
        nodata = int(nodata)
    return labels, nodata, (list(names) if names else None)


def raster_grid(path) -> Tuple[Optional[Tuple[float, ...]], str]:
    """The geotransform (None when the raster has none) and CRS WKT ("" when none) of a raster file."""
    dataset = _open_gdal_raster(os.fspath(path), what="raster")
    return dataset.GetGeoTransform(can_return_null=True), dataset.GetProjection() or ""


def grid_difference(first: Tuple[Optional[Sequence[float]], str], second: Tuple[Optional[Sequence[float]], str]
                    ) -> Optional[str]:
    """How two ``(geotransform, crs_wkt)`` grids of the same pixel size differ, or None when they agree.

    A missing geotransform or CRS on either side is not a difference (an array or a bare raster has none). The
    origins may differ by up to 1 % of a pixel and the pixel sizes by a relative 1e-6, which absorbs the
    rounding of formats that store them as text.
    """
    (gt_a, wkt_a), (gt_b, wkt_b) = first, second
    if gt_a is not None and gt_b is not None:
        size = max(abs(gt_a[1]), abs(gt_a[5]), 1e-12)
        if any(abs(a - b) > 1e-6 * size for a, b in zip(gt_a[1:3] + gt_a[4:6], gt_b[1:3] + gt_b[4:6])):
            return f"pixel sizes differ ({gt_a[1]:g} x {gt_a[5]:g} against {gt_b[1]:g} x {gt_b[5]:g})"
        if abs(gt_a[0] - gt_b[0]) > 0.01 * abs(gt_a[1]) or abs(gt_a[3] - gt_b[3]) > 0.01 * abs(gt_a[5]):
            return f"origins differ (({gt_a[0]:.6g}, {gt_a[3]:.6g}) against ({gt_b[0]:.6g}, {gt_b[3]:.6g}))"
    if wkt_a and wkt_b:
        a, b = osr.SpatialReference(), osr.SpatialReference()
        a.ImportFromWkt(wkt_a)
        b.ImportFromWkt(wkt_b)
        if not a.IsSame(b):
            return f"coordinate systems differ ({a.GetName()} against {b.GetName()})"
    return None
