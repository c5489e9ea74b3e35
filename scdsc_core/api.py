"""Public entry points: read a raster, fit SCDSC, infer every clustered pixel, write georeferenced outputs."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

PathLike = Union[str, "os.PathLike[str]"]
BandSpec = Union[None, str, Sequence[int]]


@dataclass
class ClusterResult:
    """What a clustering, fitting or applying run produced.

    Attributes
    ----------
    output : str or None
        The label GeoTIFF (1..K, 0 = nodata) with its ``.qml`` style beside it.
    confidence, proba, model, report : str or None
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
                   mode: str = "fast", seed: int = 0, device: str = "auto",
                   params: Optional[Dict[str, Any]] = None, zero_is_nodata: bool = False,
                   progress: Optional[Callable[[float, str], None]] = None,
                   cancelled: Optional[Callable[[], bool]] = None,
                   callback: Optional[Callable[[dict], None]] = None) -> ClusterResult:
    """Cluster a raster with SCDSC and write a styled label GeoTIFF.

    Parameters
    ----------
    input : path
        Any GDAL raster with at least ``n_components`` (8) bands.
    output : path
        The label GeoTIFF to write (1..K, 0 = nodata), with a ``.qml`` beside it. Must differ from every input.
    n_clusters : int
        K, the number of clusters (2 <= K < number of clustered pixels).
    bands : str or sequence of int, optional
        1-based band subset, e.g. ``"1-50,60"``; default all bands except those flagged ``bbl=0``.
    mask : path, optional
        Polygon vector (any OGR source, reprojected) or raster (non-zero = keep) restricting the clustered pixels.
    reference : path, optional
        Reference label raster (0 = unlabelled); the result is evaluated against it.
    confidence, proba, model_out, report : path, optional
        Also write the max soft assignment, the K soft assignments, the trained model, an HTML report.
    mode : {"fast", "paper"}
    seed : int
    device : {"auto", "cpu", "cuda"}
    params : dict, optional
        Further :class:`SCDSC` hyperparameters (``epochs``, ``learning_rate``, ``alpha``, ``beta``, ``window``,
        ``sample_size``, ``pretrain_epochs``, ...).
    zero_is_nodata : bool
        Treat all-zero spectra as nodata.
    progress, cancelled, callback : callable, optional
        ``progress(fraction, message)``, ``cancelled() -> bool`` (checked at least every second),
        ``callback(record)`` per recorded training step.

    Returns
    -------
    ClusterResult

    Raises
    ------
    ScdscError
        Bad input or parameters; nothing is written.
    ScdscCancelled
        ``cancelled()`` returned True; nothing is written.
    """
    raise NotImplementedError("being implemented")


def fit_raster(input: PathLike, model_out: PathLike, n_clusters: int, *, output: Optional[PathLike] = None,
               **kwargs) -> ClusterResult:
    """Train SCDSC on a raster and save the model (optionally also the labels); same keywords as
    :func:`cluster_raster`."""
    raise NotImplementedError("being implemented")


def apply_model(model: PathLike, input: PathLike, output: PathLike, *, bands: BandSpec = None,
                mask: Optional[PathLike] = None, reference: Optional[PathLike] = None,
                confidence: Optional[PathLike] = None, proba: Optional[PathLike] = None,
                device: str = "auto", zero_is_nodata: bool = False,
                progress=None, cancelled=None) -> ClusterResult:
    """Label a raster with a saved model. ``bands`` defaults to the band selection recorded in the model."""
    raise NotImplementedError("being implemented")


def evaluate_rasters(labels: PathLike, reference: PathLike):
    """Compare a label raster (0 = nodata) with a reference raster (0 = unlabelled): returns an Evaluation
    (``oa``, ``nmi``, ``kappa``, ``per_class_accuracy``, ``confusion``, ``mapping``, ``as_dict()``)."""
    raise NotImplementedError("being implemented")
