"""Apply a saved model to many rasters, window by window: on a Dask cluster, or in this process without one.

The work is one task per window of whole rows. A task gets paths and row numbers only (the client ships no
arrays): it loads the model file, reads its own rows of the raster plus a halo of ``patch_size // 2`` rows above
and below (the network patch's reach), labels them, keeps its own rows and writes them as one tile GeoTIFF,
atomically (``outputs.output_set``). A raster's tiles are then joined in a VRT mosaic with the colour table,
category names and a ``.qml`` style. With the halo, each window's labels are the single-process labels of the same
pixels: the patches, the PCA and the network see the same values (tests/distributed_apply/test_apply_many.py checks the
equality across window seams).

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
    from .raster import _open_gdal_raster, band_wavelengths, flagged_bands, parse_bands

    dataset = _open_gdal_raster(path)
    count = dataset.RasterCount
    bands = recorded_bands(info.get("fit_info") or {}, count)
    if bands is None:
        bad = set(flagged_bands(dataset))
        bands = [i for i in range(1, count + 1) if i not in bad]
    bands = parse_bands(bands, count)
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
    done = 0
    try:
        if client is None:
            for result, args in jobs:
                p.check()
                _collect(result, label_window(*args))
                done += 1
                p(done / len(jobs), f"Labelled window {done}/{len(jobs)}")
        else:
            from distributed import as_completed

            futures = {client.submit(label_window, *args, pure=False): result for result, args in jobs}
            try:
                for future in as_completed(futures):
                    p.check()
                    _collect(futures[future], future.result())
                    done += 1
                    p(done / len(jobs), f"Labelled window {done}/{len(jobs)}")
            except BaseException:
                client.cancel(list(futures))
                raise
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
