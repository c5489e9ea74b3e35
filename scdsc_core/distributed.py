"""Apply a saved model to many rasters, window by window: on a Dask cluster, or in this process without one.

The work is one task per window of whole rows. A task gets paths and row numbers only (the client ships no
arrays): it loads the model file, reads its own rows of the raster plus a halo of ``patch_size // 2`` rows above
and below (the network patch's reach), labels them, keeps its own rows and writes them as one tile GeoTIFF,
atomically (``outputs.output_set``). A raster's tiles are then joined in a VRT mosaic with the colour table,
category names and a ``.qml`` style. With the halo, each window's labels are the single-process labels of the same
pixels: the patches, the PCA and the network see the same values (tests/distributed_apply/test_apply_many.py checks the
equality across window seams).

:func:`fit_many` trains one model for a whole campaign: square windows drawn on a jittered grid over every
input (spatially stratified, in proportion to each raster's area) are read by the workers themselves, put side by
side into one sample image, and SCDSC is fitted on it as on one scene; cluster ids then mean the same on every
tile that :func:`apply_many` labels with the model.

``dask`` and ``distributed`` are optional: without a client, the same tasks run one after the other here.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import functools
import glob
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .errors import ScdscError
from .progress import as_progress

#: Rows per window when none is given: about a million pixels a task on a 4,000-pixel-wide scene.
DEFAULT_WINDOW_ROWS = 256
#: Side of the windows a campaign sample is drawn in: large against the network patch (7) and the FINCH patch
#: (17), so that about 2 x 8 / 64 = a quarter of the sample pixels have a patch reaching into a neighbouring
#: window of the sample image, and the rest see only their own scene.
SAMPLE_TILE = 64
#: Windows with less than this share of valid pixels are left out of the sample (sea, nodata borders).
MIN_VALID_SHARE = 0.5
#: Pixels of a campaign sample when ``params`` sets no ``sample_size``: fast mode's own training sample.
CAMPAIGN_SAMPLE = 40_000


@dataclass
class ManyResult:
    """What :func:`apply_many` wrote for one input raster."""

    input: str
    mosaic: str
    tiles: List[str] = field(default_factory=list)
    confidence: Optional[str] = None
    confidence_tiles: List[str] = field(default_factory=list)
    cluster_sizes: List[int] = field(default_factory=list)


def expand_inputs(inputs) -> List[str]:
    """A list of raster paths from a path, a folder (its ``*.tif``/``*.tiff``), a glob pattern or a list of those."""
    items = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    paths: List[str] = []
    for item in items:
        item = os.fspath(item)
        if os.path.isdir(item):
            found = sorted(p for p in glob.glob(os.path.join(item, "*")) if p.lower().endswith((".tif", ".tiff")))
        elif any(ch in item for ch in "*?["):
            found = sorted(glob.glob(item))
        else:
            found = [item]
        if not found:
            raise ScdscError(f"no raster found for {item!r}")
        paths += found
    if len({os.path.abspath(p) for p in paths}) != len(paths):
        raise ScdscError("the same raster is given twice")
    return paths


def windows(height: int, rows: int) -> List[Tuple[int, int]]:
    """``(row0, row1)`` windows of at most ``rows`` rows covering ``height`` rows."""
    rows = max(1, int(rows))
    return [(row0, min(height, row0 + rows)) for row0 in range(0, height, rows)]


def _model_bands(info: Dict[str, Any], path: str) -> Tuple[List[int], int]:
    """The bands of ``path`` the model applies to (as ``apply`` chooses them) and its number of rows, read from
    the header only."""
    from .modelfile import check_wavelengths, recorded_bands
    from .raster import _open_gdal_raster, band_wavelengths, default_bands, parse_bands

    dataset = _open_gdal_raster(path)
    count = dataset.RasterCount
    bands = parse_bands(recorded_bands(info.get("fit_info") or {}, count) or default_bands(dataset), count)
    if len(bands) != info["n_features_in"]:
        raise ScdscError(f"the model was trained on {info['n_features_in']} bands but {path} gives {len(bands)} "
                         "selected bands: choose the same bands as in training")
    check_wavelengths(info.get("wavelengths"), band_wavelengths(dataset, bands), path)
    return bands, int(dataset.RasterYSize)


def dask_distributed():
    """The ``distributed`` package, or an ScdscError saying how to get it (it is optional)."""
    try:
        import distributed
    except ImportError:
        raise ScdscError("a Dask cluster needs the packages dask and distributed (make setup installs them)") \
            from None
    return distributed


def connect(address: str):
    """A ``distributed.Client`` on the scheduler at ``address``, or one ScdscError line within 10 s."""
    distributed = dask_distributed()
    try:
        return distributed.Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ScdscError(f"cannot reach the Dask scheduler {address}: {exc}") from None


@functools.lru_cache(maxsize=4)
def _cached_model(path: str, mtime_ns: int):
    """A worker loads each model file once (keyed by its modification time, so a new file is read again)."""
    from .modelfile import load_model

    estimator = load_model(path)
    estimator.device = "cpu"
    return estimator


def _run_tasks(function, arg_lists: Sequence[tuple], client, progress, what: str):
    """Yield ``(index, result)`` of ``function(*args)`` for every entry of ``arg_lists``, in the order they finish:
    on ``client`` (cancelled there if this generator stops early or fails), or one after the other here.
    ``progress`` counts the finished tasks and is checked for a cancel before each one is taken."""
    total = len(arg_lists)
    if client is None:
        for index, args in enumerate(arg_lists):
            progress.check()
            yield index, function(*args)
            progress((index + 1) / total, f"{what} {index + 1}/{total}")
        return
    from distributed import as_completed

    futures = {client.submit(function, *args, pure=False): i for i, args in enumerate(arg_lists)}
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            progress.check()
            yield futures[future], future.result()
            progress(done / total, f"{what} {done}/{total}")
    except BaseException:
        client.cancel(list(futures))
        raise


def label_window(model: str, path: str, bands: Sequence[int], height: int, row0: int, row1: int, tile: str,
                 confidence_tile: Optional[str] = None, zero_is_nodata: bool = False) -> Dict[str, Any]:
    """One task: label rows ``row0:row1`` of ``path`` (``height`` rows in all) and write them to ``tile`` (and
    ``confidence_tile``).

    Reads its rows plus the halo itself; returns the tile paths and the cluster sizes of its rows.
    """
    from .outputs import output_set
    from .raster import Grid, RasterSource, window_geotransform, write_float_raster, write_labels
    from .style import cluster_names

    estimator = _cached_model(model, os.stat(model).st_mtime_ns)
    halo = estimator.patch_size // 2
    first, last = max(0, row0 - halo), min(height, row1 + halo)
    source = RasterSource(path, list(bands), zero_is_nodata=zero_is_nodata, rows=(first, last))
    labels = np.full(source.shape, -1, dtype=np.int32)
    conf = np.full(source.shape, np.nan, dtype=np.float32)
    if source.n_valid:
        for rows, cols, block_labels, block_conf, _ in estimator.predict_blocks(source):
            labels[rows, cols] = block_labels
            conf[rows, cols] = block_conf
    own = slice(row0 - first, row1 - first)
    grid = Grid((row1 - row0, source.shape[1]), window_geotransform(source.geotransform, row0 - first),
                source.crs_wkt)
    k = int(estimator.n_clusters)
    with output_set() as stage:
        write_labels(stage(tile), labels[own], grid, k, class_names=cluster_names(k))
        if confidence_tile:
            write_float_raster(stage(confidence_tile), np.nan_to_num(conf[own], nan=-1.0), grid, nodata=-1.0,
                               band_names=["confidence"], style="gray")
    kept = labels[own]
    return {"tile": tile, "confidence": confidence_tile,
            "sizes": np.bincount(kept[kept >= 0], minlength=k).astype(int).tolist()}


def apply_many(model, inputs, out_dir, *, confidence: bool = False, client=None, window_rows: Optional[int] = None,
               zero_is_nodata: bool = False, progress=None, cancelled=None) -> List[ManyResult]:
    """Label many rasters with a saved model, window by window; one styled VRT mosaic per raster.

    Parameters
    ----------
    model : path
        A model file (``modelfile.save_model``).
    inputs : path, folder, glob pattern, or a list of them
    out_dir : path
        Gets ``<stem>.vrt`` (+ ``.qml``) and the tiles in ``<stem>.tiles/`` per input (``<stem>_confidence.vrt``
        with ``confidence``).
    client : distributed.Client, optional
        Where the tasks run; None runs them here, one after the other.
    window_rows : int, optional
        Rows per task (default 256).
    progress, cancelled : callable, optional
        Progress over the finished tasks; cancel stops the remaining tasks and removes every tile written.

    Returns
    -------
    list of ManyResult
    """
    from .modelfile import read_model_info

    p = as_progress(progress, cancelled)
    model = os.path.abspath(os.fspath(model))
    info = read_model_info(model)
    paths = [os.path.abspath(path) for path in expand_inputs(inputs)]
    out_dir = os.path.abspath(os.fspath(out_dir))
    os.makedirs(out_dir, exist_ok=True)
    stems = [os.path.splitext(os.path.basename(path))[0] for path in paths]
    if len(set(stems)) != len(stems):
        raise ScdscError("two inputs have the same file name; their mosaics would overwrite each other")
    rows = int(window_rows or DEFAULT_WINDOW_ROWS)
    jobs, results = [], []
    for path, stem in zip(paths, stems):
        bands, height = _model_bands(info, path)  # every input is checked before any task starts
        folder = os.path.join(out_dir, f"{stem}.tiles")
        os.makedirs(folder, exist_ok=True)
        result = ManyResult(path, os.path.join(out_dir, f"{stem}.vrt"),
                            confidence=os.path.join(out_dir, f"{stem}_confidence.vrt") if confidence else None)
        for row0, row1 in windows(height, rows):
            tile = os.path.join(folder, f"{stem}_r{row0:06d}.tif")
            conf_tile = os.path.join(folder, f"{stem}_r{row0:06d}_confidence.tif") if confidence else None
            jobs.append((result, (model, path, bands, height, row0, row1, tile, conf_tile, zero_is_nodata)))
        results.append(result)
    try:
        for index, out in _run_tasks(label_window, [args for _, args in jobs], client, p, "Labelled window"):
            _collect(jobs[index][0], out)
    except BaseException:
        _remove_tiles(jobs)
        raise
    for result in results:
        result.tiles.sort()
        _mosaic(result.mosaic, result.tiles, int(info["hyperparameters"]["n_clusters"]))
        if confidence:
            result.confidence_tiles.sort()
            _mosaic(result.confidence, result.confidence_tiles, None)
    return results


def read_sample_window(path: str, bands: Sequence[int], row0: int, col0: int, size: int,
                       zero_is_nodata: bool = False) -> np.ndarray:
    """One task of :func:`fit_many`: the float32 ``(size, size, B)`` values of a window of ``path`` (NaN where
    the pixel is not valid), read by the worker itself: only the window (an in-memory VRT of it, which keeps the
    bands' nodata), not the whole rows of a wide raster."""
    import uuid

    from osgeo import gdal

    from .raster import RasterSource

    window = f"/vsimem/scdsc-window-{uuid.uuid4().hex}.vrt"
    gdal.Translate(window, path, format="VRT", srcWin=[col0, row0, size, size], bandList=list(bands))
    try:
        # Read as a window (rows=...): a window may hold no valid pixel, which a whole raster may not.
        source = RasterSource(window, list(range(1, len(bands) + 1)), zero_is_nodata=zero_is_nodata, rows=(0, size))
        out = np.full((size, size, source.n_bands), np.nan, dtype=np.float32)
        valid = source.valid_mask()
        for r0, r1, block in source.iter_blocks():
            out[r0:r1][valid[r0:r1]] = block[valid[r0:r1]]
    finally:
        gdal.Unlink(window)
    return out


def _sample_windows(headers: List[Tuple[str, int, int]], n_windows: int, size: int,
                    rng: np.random.Generator) -> List[Tuple[str, int, int]]:
    """``(path, row0, col0)`` of ``n_windows`` windows, shared among the rasters in proportion to their areas
    and placed on a jittered grid over each (one window per grid cell, at a random place inside it)."""
    areas = np.array([h * w for _, h, w in headers], dtype=float)
    counts = np.maximum(1, np.round(n_windows * areas / areas.sum())).astype(int)
    picks = []
    for (path, height, width), count in zip(headers, counts):
        rows_free, cols_free = height - size, width - size
        grid = int(np.ceil(np.sqrt(count)))
        cells = [(i, j) for i in range(grid) for j in range(grid)]
        order = rng.permutation(len(cells))[:count]
        for index in sorted(order):
            i, j = cells[index]
            row0 = int((i + rng.random()) / grid * (rows_free + 1)) if rows_free > 0 else 0
            col0 = int((j + rng.random()) / grid * (cols_free + 1)) if cols_free > 0 else 0
            picks.append((path, min(row0, max(rows_free, 0)), min(col0, max(cols_free, 0))))
    return picks


def fit_many(inputs, model_out, n_clusters: int, *, sample_size: Optional[int] = None, window: int = SAMPLE_TILE,
             mode: str = "fast", seed: int = 0, params: Optional[Dict[str, Any]] = None, client=None,
             zero_is_nodata: bool = False, progress=None, cancelled=None):
    """Fit one SCDSC model on a sample drawn across many rasters and save it (``model_out``); returns the estimator.

    ``sample_size`` (default: ``params["sample_size"]``, else :data:`CAMPAIGN_SAMPLE`) is the sample's pixels.
    Every input must give the first one's bands (count and, where known, wavelengths). About
    ``2 * sample_size / window**2`` windows are drawn (twice what is needed, as some hold little valid data),
    read on the workers (``client``; here without one), those with at least half their pixels valid are put
    side by side into one image, and the estimator is fitted on it with every sample pixel trained on.
    """
    from .model import SCDSC
    from .modelfile import check_wavelengths, save_model
    from .outputs import check_output_path
    from .raster import _open_gdal_raster, band_wavelengths, default_bands
    from .source import ArraySource

    p = as_progress(progress, cancelled)
    settings = dict(params or {})
    from_params = settings.pop("sample_size", None)  # the fit itself trains on every pixel of the sample image
    sample_size = sample_size or from_params or CAMPAIGN_SAMPLE
    paths = [os.path.abspath(path) for path in expand_inputs(inputs)]
    model_out = os.fspath(model_out)
    check_output_path(model_out, inputs=paths, extensions=(".npz",), what="model")
    size = int(window)
    if size < 17:
        raise ScdscError(f"window must be at least 17 pixels (the FINCH patch), got {size}")
    headers, selections = [], []
    for path in paths:
        dataset = _open_gdal_raster(path)
        if min(dataset.RasterYSize, dataset.RasterXSize) < size:
            raise ScdscError(f"{path} ({dataset.RasterYSize} x {dataset.RasterXSize} pixels) is smaller than the "
                             f"{size} x {size} sample window")
        bands = default_bands(dataset)
        if not selections:  # the first raster sets the bands (and wavelengths) of the campaign
            first_count, wavelengths = dataset.RasterCount, band_wavelengths(dataset, bands)
            band_names = [dataset.GetRasterBand(b).GetDescription() or f"band {b}" for b in bands]
        elif len(bands) != len(selections[0]):
            raise ScdscError(f"{path} gives {len(bands)} bands but {paths[0]} gives {len(selections[0])}: one "
                             "model needs the same bands in every raster")
        else:
            check_wavelengths(wavelengths, band_wavelengths(dataset, bands), path)
        headers.append((path, dataset.RasterYSize, dataset.RasterXSize))
        selections.append(bands)
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(1)[0])
    n_windows = max(len(paths), int(np.ceil(2 * sample_size / size ** 2)))
    picks = _sample_windows(headers, n_windows, size, rng)
    by_path = dict(zip(paths, selections))
    jobs = [(path, by_path[path], row0, col0, size, zero_is_nodata) for path, row0, col0 in picks]
    windows_read: List[Optional[np.ndarray]] = [None] * len(jobs)
    for index, values in _run_tasks(read_sample_window, jobs, client, p.slice(0.0, 0.2), "Read sample window"):
        windows_read[index] = values
    kept = [w for w in windows_read if np.isfinite(w[..., 0]).mean() >= MIN_VALID_SHARE]
    kept = kept[:max(1, int(np.ceil(sample_size / size ** 2)))]
    if not kept:
        raise ScdscError(f"no sample window of {size} x {size} pixels is at least half valid in the inputs")
    columns = int(np.ceil(np.sqrt(len(kept))))
    rows = int(np.ceil(len(kept) / columns))
    image = np.full((rows * size, columns * size, len(selections[0])), np.nan, dtype=np.float32)
    for index, values in enumerate(kept):
        r, c = divmod(index, columns)
        image[r * size:(r + 1) * size, c * size:(c + 1) * size] = values
    # Every pixel of the sample image is trained on: the sample was drawn here, across the rasters.
    estimator = SCDSC(int(n_clusters), mode=mode, random_state=int(seed), **dict(settings, sample_size=0))
    estimator.fit(ArraySource(image, band_names=band_names), progress=p.slice(0.2, 0.97))
    estimator.wavelengths_ = wavelengths
    # apply and apply_many choose a raster's bands as the first input's were chosen (modelfile.recorded_bands).
    estimator.fit_info_.update(band_indices=list(selections[0]), source_band_count=int(first_count), campaign={
        "inputs": paths, "windows": len(kept), "window": size,
        "sample_pixels": int(np.isfinite(image[..., 0]).sum())})
    save_model(estimator, model_out)
    p(1.0, "Saved the model")
    return estimator


def _collect(result: ManyResult, out: Dict[str, Any]) -> None:
    result.tiles.append(out["tile"])
    if out["confidence"]:
        result.confidence_tiles.append(out["confidence"])
    sizes = out["sizes"]
    result.cluster_sizes = [a + b for a, b in zip(result.cluster_sizes, sizes)] if result.cluster_sizes else sizes


def _remove_tiles(jobs) -> None:
    """A cancelled or failed run leaves no tile (finished tasks' tiles included) and no empty tile folder."""
    from .outputs import claimed_files

    tiles = [(args[6], args[7]) for _, args in jobs]
    for name in (name for pair in tiles for name in pair if name):
        for path in claimed_files(name, styled=True):  # the tile, its style and its GDAL sidecars
            if os.path.exists(path):
                os.remove(path)
    for folder in {os.path.dirname(tile) for tile, _ in tiles}:
        if os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)


def _mosaic(path: str, tiles: Sequence[str], k: Optional[int]) -> None:
    """A VRT over ``tiles``; label mosaics (``k`` given) get the colour table, category names and a ``.qml``."""
    from osgeo import gdal

    from .outputs import output_set
    from .style import apply_color_table, cluster_names, write_gray_qml, write_paletted_qml

    with output_set() as stage:
        tmp = stage(path)
        # The VRT names its tiles relative to itself: the final and the temporary name are in the same folder.
        dataset = gdal.BuildVRT(tmp, list(tiles), options=gdal.BuildVRTOptions(resolution="highest"))
        if dataset is None:
            raise ScdscError(f"cannot build the mosaic {path}")
        band = dataset.GetRasterBand(1)
        band.SetNoDataValue(0 if k is not None else -1.0)
        if k is not None:
            apply_color_table(band, k, cluster_names(k))
        dataset.FlushCache()
        dataset = None
        if k is not None:
            write_paletted_qml(os.path.splitext(tmp)[0] + ".qml", k, names=cluster_names(k))
        else:
            write_gray_qml(os.path.splitext(tmp)[0] + ".qml", 0.0, 1.0)
