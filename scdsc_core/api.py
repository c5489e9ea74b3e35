"""Public entry points: read a raster, fit SCDSC, infer every clustered pixel, write georeferenced outputs."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from .errors import ScdscError
from .products import DEFAULT_GRID, DEFAULT_RESAMPLING

log = logging.getLogger("scdsc_core.api")

PathLike = Union[str, "os.PathLike[str]"]
BandSpec = Union[None, str, Sequence[int]]


@dataclass
class ClusterResult:
    """What a clustering, fitting or applying run produced.

    Attributes
    ----------
    output : str or None
        The label GeoTIFF (1..K, 0 = nodata) with its ``.qml`` style beside it.
    confidence, proba, model, report, spectra : str or None
        The optional outputs that were asked for.
    n_clusters : int
    cluster_sizes : list of int
        Pixels per cluster; index 0 is cluster 1.
    class_names : list of str
        Names of clusters 1..K ("Cluster 1", ...).
    evaluation : Evaluation or None
        OA/NMI/kappa/per-class accuracy against ``reference`` when one was given.
    history : list of dict
        The estimator's ``history_`` (one record per recorded training step).
    info : dict
        Run facts: mode, seed, device, n_valid, n_clustered, n_mini_clusters, selected_epoch, selected_ratio,
        timings per stage (seconds), software versions.
    """

    output: Optional[str] = None
    confidence: Optional[str] = None
    proba: Optional[str] = None
    model: Optional[str] = None
    report: Optional[str] = None
    spectra: Optional[str] = None
    n_clusters: int = 0
    cluster_sizes: List[int] = field(default_factory=list)
    class_names: List[str] = field(default_factory=list)
    evaluation: Any = None
    history: List[Dict[str, Any]] = field(default_factory=list)
    info: Dict[str, Any] = field(default_factory=dict)


def cluster_raster(input: PathLike, output: PathLike, n_clusters: int, *, bands: BandSpec = None,
                   mask: Optional[PathLike] = None, reference: Optional[PathLike] = None,
                   confidence: Optional[PathLike] = None, proba: Optional[PathLike] = None,
                   model_out: Optional[PathLike] = None, report: Optional[PathLike] = None,
                   spectra: Optional[PathLike] = None, mode: str = "fast", seed: int = 0, device: str = "auto",
                   params: Optional[Dict[str, Any]] = None, zero_is_nodata: bool = False,
                   grid: Union[str, float] = DEFAULT_GRID, resampling: str = DEFAULT_RESAMPLING,
                   progress: Optional[Callable[[float, str], None]] = None,
                   cancelled: Optional[Callable[[], bool]] = None,
                   callback: Optional[Callable[[dict], None]] = None) -> ClusterResult:
    """Cluster a raster with SCDSC and write a styled label GeoTIFF.

    Parameters
    ----------
    input : path
        Any GDAL raster with at least 3 bands (and at least ``n_components`` when it is set), a GDAL subdataset
        name, or a product read through its metadata (``scdsc_core.products``): a Landsat Collection 2 Level-2
        ``*_MTL.txt``, an EnMAP L2A ``*-METADATA.XML``, or their folders, or a folder of single-band rasters. A
        product becomes a VRT for the run (no pixels copied) and its quality band masks it.
    output : path
        The label GeoTIFF to write (1..K, 0 = nodata), with a ``.qml`` beside it. Must differ from every input.
    n_clusters : int
        K, the number of clusters (2 <= K < number of clustered pixels).
    bands : str or sequence of int, optional
        1-based band subset, e.g. ``"1-50,60"``; default all bands except those flagged ``bbl=0``.
    mask : path, optional
        Polygon vector (any OGR source, reprojected) or raster (non-zero = keep) restricting the clustered pixels.
    reference : path, optional
        Reference label raster (0 = unlabelled) on the same grid; the result is evaluated against it. In
        ``paper`` mode without ``mask``, only its labelled pixels are clustered (the paper's protocol).
    confidence, proba, model_out, report : path, optional
        Also write the max soft assignment, the K soft assignments, the trained model, an HTML report (with the
        clusters' mean spectra drawn in nm where the raster records wavelengths).
    spectra : path, optional
        A CSV table of each cluster's mean and standard deviation per band (``.csv``).
    mode : {"fast", "paper"}, default "fast"
    seed : int, default 0
    device : {"auto", "cpu", "cuda"}, default "auto"
    params : dict, optional
        Further :class:`~scdsc_core.model.SCDSC` hyperparameters (``epochs``, ``learning_rate``, ``alpha``,
        ``beta``, ``window``, ``sample_size``, ``pretrain_epochs``, ...).
    zero_is_nodata : bool, default False
        Treat all-zero spectra as nodata.
    grid : {"finest", "coarsest"} or float, default "finest"
        The grid of a product whose bands come at several pixel sizes (or a pixel size in CRS units).
    resampling : {"nearest", "bilinear", "cubic", "average"}, default "nearest"
        How bands on other grids are put on it (nearest keeps measured values).
    progress, cancelled, callback : callable, optional
        ``progress(fraction, message)``, ``cancelled() -> bool`` (checked at least every second),
        ``callback(record)`` once per recorded training step.

    Returns
    -------
    ClusterResult

    Raises
    ------
    ScdscError
        Bad input or parameters; nothing is written.
    ScdscCancelled
        ``cancelled()`` returned True; nothing is written.

    Examples
    --------
    >>> from scdsc_core import cluster_raster
    >>> result = cluster_raster("scene.tif", "labels.tif", 6, seed=1)   # doctest: +SKIP
    >>> result.cluster_sizes                                            # doctest: +SKIP
    """
    return _fit_and_write(input, output, n_clusters, bands=bands, mask=mask, reference=reference,
                          confidence=confidence, proba=proba, model_out=model_out, report=report,
                          spectra=spectra, mode=mode,
                          seed=seed, device=device, params=params, zero_is_nodata=zero_is_nodata, grid=grid,
                          resampling=resampling,
                          progress=progress, cancelled=cancelled, callback=callback)


def fit_raster(input: PathLike, model_out: PathLike, n_clusters: int, *, output: Optional[PathLike] = None,
               **kwargs) -> ClusterResult:
    """Train SCDSC on a raster and save the model; optionally also write the labels.

    Takes the same keywords as :func:`cluster_raster`; ``output`` is optional here.
    """
    return _fit_and_write(input, output, n_clusters, model_out=model_out, **kwargs)


def apply_model(model: PathLike, input: PathLike, output: PathLike, *, bands: BandSpec = None,
                mask: Optional[PathLike] = None, reference: Optional[PathLike] = None,
                confidence: Optional[PathLike] = None, proba: Optional[PathLike] = None,
                spectra: Optional[PathLike] = None, device: str = "auto", zero_is_nodata: bool = False,
                grid: Union[str, float] = DEFAULT_GRID, resampling: str = DEFAULT_RESAMPLING,
                progress=None, cancelled=None) -> ClusterResult:
    """Label a raster with a saved model, blockwise (``spectra``, ``grid``, ``resampling``: as in
    :func:`cluster_raster`).

    ``bands`` defaults to the band selection recorded in the model when the raster has as many bands as the
    training raster had, else to every band; the selected band count must equal the model's.
    """
    from .modelfile import load_model
    from .progress import as_progress

    p = as_progress(progress, cancelled)
    inputs = [model, input, mask, reference]
    targets = _check_outputs(inputs, output=output, confidence=confidence, proba=proba, spectra=spectra)
    with _opened_input(input, grid, resampling) as (raster, quality):
        estimator = load_model(model)
        estimator.device = device
        source = _open_for_model(raster, bands, estimator.n_features_in_, estimator.fit_info_, zero_is_nodata,
                                 estimator.wavelengths_)
        cluster_mask = _load_mask(mask, source, quality)
        ref = _read_reference(reference, source)
        p(0.02, "Labelling pixels")
        labels, conf, soft = _infer(estimator, source, cluster_mask, p.slice(0.02, 0.9),
                                    confidence=bool(confidence), proba=bool(proba))
        result = ClusterResult(n_clusters=estimator.n_clusters, info={"mode": "apply", "model": str(model)})
        _finish(result, estimator, source, labels, conf, soft, ref, targets, p.slice(0.9, 1.0))
        return result


def stack_product(product: PathLike, output: PathLike, *, grid: Union[str, float] = DEFAULT_GRID,
                  resampling: str = DEFAULT_RESAMPLING) -> Tuple[str, Optional[str]]:
    """Write a product (see :func:`cluster_raster`'s ``input``) as a VRT at ``output``, to open in QGIS or to
    cluster later; returns ``(output, quality mask or None)``: the mask text (``qa.tif|bits=0-4``) to pass as
    ``mask``. No pixel is copied: the VRT refers to the product's files."""
    from .outputs import atomic_output, check_output_path
    from .products import read_product, write_vrt

    output = os.fspath(output)
    check_output_path(output, inputs=[os.fspath(product)], extensions=(".vrt",), what="stack")
    stack = read_product(product)
    with atomic_output(output) as temporary:
        write_vrt(stack, temporary, grid, resampling)
    return output, stack.quality


def evaluate_rasters(labels: PathLike, reference: PathLike):
    """Compare a label raster (0 = nodata) with a reference raster (0 = unlabelled).

    Returns
    -------
    Evaluation
        ``oa``, ``nmi``, ``kappa``, ``per_class_accuracy``, ``confusion``, ``mapping``, ``as_dict()``,
        ``summary()``.
    """
    from .metrics import evaluate_labels
    from .raster import grid_difference, raster_grid, read_label_raster

    pred, _, _ = read_label_raster(labels)
    ref, _, names = read_label_raster(reference)
    if pred.shape != ref.shape:
        raise ScdscError(f"labels {labels} are {pred.shape[1]}x{pred.shape[0]} pixels but reference {reference} "
                         f"is {ref.shape[1]}x{ref.shape[0]}: they must cover the same grid")
    difference = grid_difference(raster_grid(labels), raster_grid(reference))
    if difference:
        raise ScdscError(f"labels {labels} and reference {reference} are not on the same grid: {difference}")
    pred = np.where(pred > 0, pred, -1)
    return evaluate_labels(pred, ref, class_names=_class_names_without_zero(names))


def run_demo(out: PathLike = "out/demo", *, seed: int = 0, mode: str = "fast", progress=None,
             cancelled=None) -> ClusterResult:
    """Write the bundled synthetic scene into ``out`` and cluster it (K = its number of classes).

    Writes ``scene/image.tif`` + ``scene/labels.tif``, then ``labels.tif`` (+ ``.qml``), ``confidence.tif``,
    ``model.npz`` and ``report.html``; the result is evaluated against the scene's reference.
    """
    from .progress import as_progress
    from .synthetic import write_scene

    p = as_progress(progress, cancelled)
    out = os.fspath(out)
    os.makedirs(os.path.join(out, "scene"), exist_ok=True)
    p(0.0, "Writing the synthetic scene")
    image, reference = write_scene(os.path.join(out, "scene"), seed=seed)
    from .raster import read_label_raster
    n_classes = int(read_label_raster(reference)[0].max())
    return cluster_raster(image, os.path.join(out, "labels.tif"), n_classes, reference=reference,
                          confidence=os.path.join(out, "confidence.tif"), model_out=os.path.join(out, "model.npz"),
                          report=os.path.join(out, "report.html"), mode=mode, seed=seed,
                          progress=p.slice(0.03, 1.0))


# --------------------------------------------------------------------------------------------------------------
# Private helpers: they assume validated arguments.

def _fit_and_write(input, output, n_clusters, *, bands=None, mask=None, reference=None, confidence=None,
                   proba=None, model_out=None, report=None, spectra=None, mode="fast", seed=0, device="auto",
                   params=None, zero_is_nodata=False, grid=DEFAULT_GRID, resampling=DEFAULT_RESAMPLING, progress=None,
                   cancelled=None, callback=None) -> ClusterResult:
    from .progress import as_progress
    from .raster import open_raster

    p = as_progress(progress, cancelled)
    started = time.perf_counter()
    targets = _check_outputs([input, mask, reference], output=output, confidence=confidence, proba=proba,
                             model=model_out, report=report, spectra=spectra)
    with _opened_input(input, grid, resampling) as (raster, quality):
        p(0.0, "Reading the raster")
        source = open_raster(raster, bands, zero_is_nodata=zero_is_nodata)
        cluster_mask = _load_mask(mask, source, quality)
        ref = _read_reference(reference, source)
        protocol = "all valid pixels" if mask is None else "valid pixels inside the mask"
        if mode == "paper" and ref is not None and mask is None:
            # The paper clusters only the labelled pixels (§2.1); its scores hold only under that protocol (§5).
            cluster_mask = ref > 0
            protocol = "labelled pixels of the reference (paper protocol)"
        estimator = _make_estimator(n_clusters, mode=mode, seed=seed, device=device, params=params)
        read_seconds = time.perf_counter() - started
        estimator.fit(source, mask=cluster_mask, progress=p.slice(0.01, 0.85), callback=callback)
        estimator.fit_info_.setdefault("band_indices", list(getattr(source, "band_indices", []) or []))
        estimator.fit_info_.setdefault("source_band_count", int(getattr(source, "source_band_count", 0) or 0))
        # The fit's own labelling pass gave the labels and the confidence; only soft assignments need another pass.
        labels, conf, soft = estimator.labels_, (estimator.confidence_ if confidence else None), None
        if proba:
            p(0.85, "Computing soft assignments")
            _, _, soft = _infer(estimator, source, cluster_mask, p.slice(0.85, 0.93), confidence=False, proba=True)
        result = ClusterResult(n_clusters=int(n_clusters), history=list(estimator.history_),
                               info=_run_info(estimator, mode, seed, protocol, read_seconds))
        _finish(result, estimator, source, labels, conf, soft, ref, targets, p.slice(0.93, 1.0))
        return result


#: Each output: the name a message gives it, the suffixes of the one format it is written in, and whether a QGIS
#: style (``<stem>.qml``) is written beside it.
_OUTPUTS = {
    "output": ("label raster", (".tif", ".tiff"), True),
    "confidence": ("confidence raster", (".tif", ".tiff"), True),
    "proba": ("soft-assignment raster", (".tif", ".tiff"), False),
    "model": ("model", (".npz",), False),
    "report": ("report", (".html", ".htm"), False),
    "spectra": ("spectra table", (".csv",), False),
}


def _check_outputs(inputs, **outputs) -> Dict[str, str]:
    """Check every requested output before any work: writable, the suffix of the format that will be written, a
    name the file system can hold, not an input, and no file (styles and GDAL sidecars included) claimed twice."""
    from .outputs import check_output_path, claimed_files

    targets = {name: os.fspath(path) for name, path in outputs.items() if path}
    input_paths = [os.fspath(path) for path in inputs if path]
    owner: Dict[str, Tuple[str, str]] = {}
    for name, path in targets.items():
        what, suffixes, styled = _OUTPUTS[name]
        check_output_path(path, inputs=input_paths, extensions=suffixes, what=what)
        for index, claimed in enumerate(claimed_files(path, styled)):
            role = what if index == 0 else f"{what}'s {'style' if claimed.endswith('.qml') else 'sidecar'}"
            if claimed in owner:
                raise ScdscError(f"the {role} and the {owner[claimed][0]} would be the same file ({claimed}): "
                                 "give each output its own name")
            owner[claimed] = (role, path)
    return targets


def _load_mask(mask, source, quality=None):
    """The user's mask AND the product's quality mask (either may be None; None when both are)."""
    from .mask import load_mask
    masks = [load_mask(os.fspath(m), source) for m in (mask, quality) if m is not None]
    if not masks:
        return None
    return masks[0] if len(masks) == 1 else masks[0] & masks[1]


@contextlib.contextmanager
def _opened_input(input, grid, resampling):
    """``(raster, quality mask)`` of an input: a product (a Landsat MTL file, an EnMAP METADATA.XML, a folder of
    single-band rasters) as a VRT in a temporary folder for the run, with its quality band; any other input as
    it is."""
    from .products import product_kind, read_product, write_vrt
    if product_kind(os.fspath(input)) is None:
        yield os.fspath(input), None
        return
    stack = read_product(input)
    log.info("%s product %s: %d bands; %s", stack.kind, stack.source, len(stack.bands), "; ".join(stack.notes))
    with tempfile.TemporaryDirectory(prefix="scdsc-stack-") as workdir:
        yield write_vrt(stack, os.path.join(workdir, "stack.vrt"), grid, resampling), stack.quality


def _read_reference(reference, source):
    if reference is None:
        return None
    from .metrics import check_reference_ids
    from .raster import grid_difference, raster_grid, read_label_raster
    ref, _, _ = read_label_raster(os.fspath(reference))
    if tuple(ref.shape) != tuple(source.shape):
        raise ScdscError(f"reference {reference} is {ref.shape[1]}x{ref.shape[0]} pixels but the input is "
                         f"{source.shape[1]}x{source.shape[0]}: the reference must cover the input's grid")
    difference = grid_difference(raster_grid(reference), (getattr(source, "geotransform", None),
                                                          getattr(source, "crs_wkt", "")))
    if difference:
        raise ScdscError(f"reference {reference} is not on the input's grid: {difference}")
    if not np.any(ref > 0):
        raise ScdscError(f"reference {reference} has no labelled pixel (every value is 0 = unlabelled)")
    check_reference_ids(ref)
    return ref


def _make_estimator(n_clusters, *, mode, seed, device, params):
    import inspect

    from .model import SCDSC

    params = dict(params or {})
    known = set(inspect.signature(SCDSC.__init__).parameters) - {"self", "n_clusters"}
    reserved = {"mode", "random_state", "device"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ScdscError(f"unknown SCDSC parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    clashing = sorted(set(params) & reserved)
    if clashing:
        raise ScdscError(f"set {', '.join(clashing)} through the function's own arguments, not params")
    return SCDSC(n_clusters, mode=mode, random_state=seed, device=device, **params)


def check_model_input(model: PathLike, input: PathLike, bands: BandSpec = None, zero_is_nodata: bool = False) -> None:
    """Raise ScdscError unless ``input`` (with ``bands``) gives the band count (and, where both know them, the
    wavelengths) ``model`` was trained on.

    Reads only the model's metadata and the raster's header, so front ends can check before a run.
    """
    from .modelfile import read_model_info

    info = read_model_info(model)
    with _opened_input(input, DEFAULT_GRID, DEFAULT_RESAMPLING) as (raster, _):
        _open_for_model(raster, bands, info["n_features_in"], info["fit_info"], zero_is_nodata,
                        info.get("wavelengths"))


def _open_for_model(input, bands, n_features_in: int, fit_info: Dict[str, Any], zero_is_nodata,
                    wavelengths: Optional[List[float]] = None):
    """The raster opened with the model's band selection (``fit_info``: the training raster's bands), refused
    when its bands' wavelengths are not the model's."""
    from .modelfile import check_wavelengths, recorded_bands
    from .raster import _open_gdal_raster, open_raster

    if bands is None:  # the file's band count from its header: the raster is read (and scanned) once, below
        bands = recorded_bands(fit_info, _open_gdal_raster(input).RasterCount)
    source = open_raster(input, bands, zero_is_nodata=zero_is_nodata)
    if source.n_bands != n_features_in:
        raise ScdscError(f"the model was trained on {n_features_in} bands but {input} gives "
                         f"{source.n_bands} selected bands: choose the same bands as in training")
    check_wavelengths(wavelengths, source.wavelengths, str(input))
    return source


def _infer(estimator, source, cluster_mask, progress, *, confidence: bool, proba: bool):
    """Labels of every clustered pixel, with their confidence and soft assignments when asked, from one blockwise
    inference pass (None for what was not asked)."""
    if proba:  # the K soft-assignment maps are the one whole-scene array the estimator's own check leaves out
        from .memory import budget_bytes, predict_estimate, require
        require(predict_estimate(*source.shape, estimator.n_components_, estimator.n_clusters, proba=True),
                budget_bytes(estimator.max_memory), "leave out the soft assignments (proba), or raise max_memory")
    labels = np.full(source.shape, -1, dtype=np.int32)
    conf = np.full(source.shape, np.nan, dtype=np.float32) if confidence else None
    soft = np.full(source.shape + (estimator.n_clusters,), np.nan, dtype=np.float32) if proba else None
    for rows, cols, block_labels, block_conf, block_soft in estimator.predict_blocks(
            source, mask=cluster_mask, want_proba=proba, progress=progress):
        labels[rows, cols] = block_labels
        if conf is not None:
            conf[rows, cols] = block_conf
        if soft is not None:
            soft[rows, cols] = block_soft
    return labels, conf, soft


def _run_info(estimator, mode, seed, protocol, read_seconds) -> Dict[str, Any]:
    info = dict(getattr(estimator, "fit_info_", {}) or {})
    timings = dict(info.get("timings", {}))
    timings["read"] = round(read_seconds, 3)
    info.update({
        "mode": mode, "seed": seed, "protocol": protocol, "timings": timings,
        "n_mini_clusters": getattr(estimator, "n_mini_clusters_", None),
        "finch_sizes": list(getattr(estimator, "finch_sizes_", []) or []),
        "selected_epoch": getattr(estimator, "selected_epoch_", None),
        "selected_ratio": getattr(estimator, "selected_ratio_", None),
    })
    wavelengths = getattr(estimator, "wavelengths_", None)
    info["wavelengths_nm"] = (f"{wavelengths[0]:g}-{wavelengths[-1]:g} nm ({len(wavelengths)} bands)"
                              if wavelengths else "not recorded in the input")
    return info


def _finish(result, estimator, source, labels, conf, soft, ref, targets, progress) -> None:
    """Evaluate, then write every requested output under temporary names; rename all only when all succeeded."""
    from .metrics import evaluate_labels
    from .modelfile import save_model
    from .outputs import output_set
    from .raster import write_float_raster, write_labels
    from .style import cluster_names

    k = int(estimator.n_clusters)
    clustered = labels >= 0
    result.cluster_sizes = np.bincount(labels[clustered], minlength=k).astype(int).tolist()
    result.class_names = cluster_names(k)
    result.info["n_clustered_output"] = int(clustered.sum())
    if ref is not None:
        result.evaluation = evaluate_labels(labels, ref)
    metadata = _label_metadata(estimator, result)
    spectra = None
    if "spectra" in targets or "report" in targets:
        from .spectra import cluster_spectra
        progress(0.05, "Cluster spectra")
        spectra = cluster_spectra(source, labels, k, progress=progress.slice(0.0, 0.1))
    started = time.perf_counter()
    with output_set() as stage_path:  # every output or none, signals held during the renames
        def stage(name):
            return stage_path(targets[name])

        if "output" in targets:
            progress(0.1, "Writing the label raster")
            write_labels(stage("output"), labels, source, k, class_names=result.class_names, metadata=metadata)
            result.output = targets["output"]
        if "confidence" in targets:
            progress(0.4, "Writing the confidence raster")
            write_float_raster(stage("confidence"), np.nan_to_num(conf, nan=-1.0), source, nodata=-1.0,
                               band_names=["confidence"], style="gray")
            result.confidence = targets["confidence"]
        if "proba" in targets:
            progress(0.5, "Writing the soft assignments")
            write_float_raster(stage("proba"), np.nan_to_num(soft, nan=-1.0), source, nodata=-1.0,
                               band_names=[f"cluster {j + 1}" for j in range(k)])
            result.proba = targets["proba"]
        if "model" in targets:
            progress(0.7, "Saving the model")
            save_model(estimator, stage("model"))
            result.model = targets["model"]
        if "spectra" in targets:
            from .spectra import write_spectra_csv
            write_spectra_csv(stage("spectra"), spectra, result.class_names)
            result.spectra = targets["spectra"]
        if "report" in targets:
            progress(0.8, "Writing the report")
            _write_report(stage("report"), estimator, result, spectra)
            result.report = targets["report"]
        progress.check()  # last chance to cancel: nothing has been renamed into place yet
    result.info.setdefault("timings", {})["write"] = round(time.perf_counter() - started, 3)
    progress(1.0, "Done")
    log.info("wrote %s", ", ".join(targets.values()) or "nothing")


def _label_metadata(estimator, result) -> Dict[str, str]:
    from . import __version__
    info = result.info
    items = {
        "SCDSC_VERSION": __version__, "SCDSC_MODE": str(info.get("mode")), "SCDSC_SEED": str(info.get("seed")),
        "SCDSC_N_CLUSTERS": str(estimator.n_clusters),
        "SCDSC_N_COMPONENTS": str(getattr(estimator, "n_components_", estimator.n_components)),
        "SCDSC_N_MINI_CLUSTERS": str(info.get("n_mini_clusters")),
        "SCDSC_SELECTED_EPOCH": str(info.get("selected_epoch")),
        "SCDSC_SELECTED_RATIO": str(info.get("selected_ratio")),
    }
    wavelengths = getattr(estimator, "wavelengths_", None)
    if wavelengths:
        items["SCDSC_WAVELENGTHS_NM"] = ",".join(f"{w:g}" for w in wavelengths)
    try:
        items["SCDSC_PARAMS"] = json.dumps(estimator.get_params(), default=str, sort_keys=True)
    except AttributeError:
        pass
    return items


def _write_report(path, estimator, result, spectra=None) -> None:
    from .report import write_report
    try:
        params = estimator.get_params()
    except AttributeError:
        params = {}
    evaluation = result.evaluation.as_dict() if result.evaluation is not None else None
    drawn = None if spectra is None else {"mean": spectra.mean.tolist(), "std": spectra.std.tolist(),
                                          "wavelengths": spectra.wavelengths, "scaled": spectra.scaled}
    write_report(path, title="SCDSC clustering report", params=params, info=result.info, history=result.history,
                 cluster_sizes=result.cluster_sizes, class_names=result.class_names, evaluation=evaluation,
                 spectra=drawn)


def _class_names_without_zero(names):
    if not names:
        return None
    return list(names[1:]) if len(names) > 1 else None
