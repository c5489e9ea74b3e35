"""Saving and loading fitted SCDSC models as one ``.npz`` of plain arrays plus JSON metadata (never pickle)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import io
import json
import math
import os
import zipfile
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .errors import ScdscError
from .outputs import atomic_output
from .raster import check_input_file

FORMAT_NAME = "scdsc-model"
FORMAT_VERSION = 1
META_KEY = "meta"
_NET_PREFIX = "net."
_PRE_PREFIX = "pre."
# Preprocessing arrays: name in the file -> (attribute of Preprocessor, dtype, shape given B, k, C, p).
_PRE_ARRAYS = {
    "mean": ("mean_", np.float64, lambda B, k, p: (B,)),
    "scale": ("scale_", np.float64, lambda B, k, p: (B,)),
    "components": ("components_", np.float64, lambda B, k, p: (k, B)),
    "pca_mean": ("pca_mean_", np.float64, lambda B, k, p: (B,)),
    "explained_variance": ("explained_variance_", np.float64, lambda B, k, p: (k,)),
    "patch_mean": ("patch_mean_", np.float64, lambda B, k, p: (k, p, p)),
    "patch_scale": ("patch_scale_", np.float64, lambda B, k, p: (k, p, p)),
}
# JSON fields: name -> accepted Python types.
_META_FIELDS = {
    "format": str, "format_version": int, "software_version": str, "hyperparameters": dict,
    "n_features_in": int, "band_names": list, "n_mini_clusters": int, "finch_sizes": list, "finch_level": int,
    "selected_epoch": (int, float), "selected_ratio": (int, float), "n_iter": int, "seed": int,
    "history": list, "fit_info": dict,
}


def _jsonable(value: Any) -> Any:
    """Plain JSON types for metadata (numpy scalars and arrays become numbers and lists)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)


def save_model(estimator, path) -> None:
    """Write a fitted :class:`~scdsc_core.model.SCDSC` to ``path`` (one compressed ``.npz``).

    The file holds the network's state (parameters and BN buffers), the bases D, the preprocessing arrays and
    one JSON document (stored as a uint8 array): format version, software version, hyperparameters, band count
    and names, FINCH sizes, M, the selected epoch and ratio, the seed, the training history and ``fit_info_``.
    It is written to a temporary file in the destination folder and renamed (``outputs.atomic_output``), so a
    failure leaves no partial file.

    Parameters
    ----------
    estimator : SCDSC
        Fitted.
    path : str or path-like

    Raises
    ------
    ScdscError
        The estimator is not fitted, or the file cannot be written.

    Examples
    --------
    >>> save_model(model, "model.npz")  # doctest: +SKIP
    """
    from . import __version__
    from .model import check_is_fitted

    check_is_fitted(estimator)
    path = os.fspath(path)
    pre = estimator.preprocessor_
    arrays: Dict[str, np.ndarray] = {}
    for key, tensor in estimator.network_.state_dict().items():
        arrays[_NET_PREFIX + key] = tensor.detach().cpu().numpy()
    arrays["bases"] = np.asarray(estimator.bases_, dtype=np.float32)
    for name, (attribute, dtype, _) in _PRE_ARRAYS.items():
        arrays[_PRE_PREFIX + name] = np.asarray(getattr(pre, attribute), dtype=dtype)
    info = dict(getattr(estimator, "fit_info_", {}) or {})
    meta = {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION, "software_version": __version__,
        "hyperparameters": estimator.get_params(), "n_features_in": int(estimator.n_features_in_),
        "band_names": list(estimator.band_names_), "n_mini_clusters": int(estimator.n_mini_clusters_),
        "finch_sizes": list(estimator.finch_sizes_), "finch_level": int(getattr(estimator, "finch_level_", 1)),
        "selected_epoch": estimator.selected_epoch_, "selected_ratio": float(estimator.selected_ratio_),
        "n_iter": int(estimator.n_iter_), "seed": int(info.get("seed", -1)),
        "history": list(getattr(estimator, "history_", []) or []), "fit_info": info,
        "wavelengths": getattr(estimator, "wavelengths_", None),
    }
    text = json.dumps(_jsonable(meta), sort_keys=True)
    arrays[META_KEY] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ScdscError(f"cannot write model file {path}: folder {folder} does not exist")
    # The archive is built in memory (a model is a few MB at most): numpy leaves its ZipFile unclosed when a write
    # fails (disk full), and that object's clean-up later prints an "Exception ignored" traceback.
    archive = io.BytesIO()
    np.savez_compressed(archive, **arrays)
    # The hidden temporary of every other output (.<name>.partial-<pid>.npz): a run killed while saving leaves
    # nothing at ``path``, and the next save of the same file removes what it left.
    with atomic_output(path) as temporary:
        try:
            with open(temporary, "wb") as stream:
                stream.write(archive.getbuffer())
        except OSError as exc:
            raise ScdscError(f"cannot write model file {path}: {exc.strerror or exc}") from None


#: How far a scene's band centre may lie from the model's (nm) and still count as the same band: the centres of
#: one sensor move by about a nanometre between scenes (EnMAP's and PRISMA's per-scene calibration); a different
#: sensor's or a resampled product's bands lie tens of nanometres apart.
WAVELENGTH_TOLERANCE_NM = 3.0


def check_wavelengths(model_nm: Optional[List[float]], scene_nm: Optional[List[float]], scene: str) -> None:
    """Refuse a scene whose band centres differ from the model's by more than :data:`WAVELENGTH_TOLERANCE_NM`,
    naming the first bands that differ; nothing is checked where either side does not know its wavelengths."""
    if model_nm is None or scene_nm is None or len(model_nm) != len(scene_nm):
        return
    far = [i for i, (a, b) in enumerate(zip(model_nm, scene_nm)) if abs(a - b) > WAVELENGTH_TOLERANCE_NM]
    if far:
        shown = ", ".join(f"band {i + 1}: {scene_nm[i]:g} nm, model {model_nm[i]:g} nm" for i in far[:3])
        more = f" and {len(far) - 3} more" if len(far) > 3 else ""
        raise ScdscError(f"{scene} has other wavelengths than the model was trained on ({shown}{more}; tolerance "
                         f"{WAVELENGTH_TOLERANCE_NM:g} nm): a model applies to the bands it was trained on")


def recorded_bands(fit_info: Dict[str, Any], band_count: int) -> Optional[List[int]]:
    """The training raster's band selection, when a raster of ``band_count`` bands is laid out like it (same
    number of bands in the file); else None (then the raster's own default selection applies)."""
    recorded = fit_info.get("band_indices") or None
    if recorded and fit_info.get("source_band_count") == band_count:
        return [int(b) for b in recorded]
    return None


def load_model(path):
    """Read a model written by :func:`save_model` and return a fitted :class:`~scdsc_core.model.SCDSC`.

    The file is opened with ``allow_pickle=False``; its format version, JSON metadata, hyperparameters and every
    array (name, shape, dtype, finite values) are checked. Nothing in it is executed.

    The training image's ``labels_`` and ``init_labels_`` are not stored. The runtime settings ``device`` and
    ``n_threads`` are not taken from the file: the loaded model has ``device="auto"`` and ``n_threads=None``.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    SCDSC

    Raises
    ------
    ScdscError
        The file is missing, not an SCDSC model, written by a newer format, truncated or corrupt, or has a missing
        or malformed array or metadata field; the message names the file and the problem.

    Examples
    --------
    >>> model = load_model("model.npz")  # doctest: +SKIP
    """
    path = os.fspath(path)
    check_input_file(path, "model file")
    arrays = _read_arrays(path)
    meta = _read_meta(path, arrays)
    return _build(path, meta, arrays)


def read_model_info(path) -> Dict[str, Any]:
    """The checked JSON metadata of a model file, without reading its weights (for quick checks before a run).

    Holds ``n_features_in``, ``band_names``, ``hyperparameters`` (``n_clusters`` among them), ``software_version``
    and ``fit_info`` (``band_indices`` and ``source_band_count`` of the training raster). Nothing is executed.

    Raises
    ------
    ScdscError
        As :func:`load_model` for a missing file, a damaged archive or bad metadata.
    """
    path = os.fspath(path)
    check_input_file(path, "model file")
    return _read_meta(path, _read_arrays(path, only=(META_KEY,)))


def _fail(path: str, problem: str) -> ScdscError:
    return ScdscError(f"model file {path} is not a valid SCDSC model: {problem}")


def _read_arrays(path: str, only: Optional[Tuple[str, ...]] = None) -> Dict[str, np.ndarray]:
    """Every array of the file (or those named in ``only``), read eagerly so that a corrupt member fails here."""
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise _fail(path, "it is a single .npy array, not an .npz archive")
        with archive:
            _check_members(path, archive.zip.infolist())
            return {name: archive[name] for name in archive.files if only is None or name in only}
    except ScdscError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError, TypeError) as exc:
        raise _fail(path, f"the archive cannot be read ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # zlib.error and other decoder failures of a damaged file
        raise _fail(path, f"the archive cannot be read ({type(exc).__name__}: {exc})") from None


#: The most a model file's arrays may hold once decompressed. A model is a few MB (the network, B x 8 PCA axes,
#: the bases of at most 1,568 x 1,568 values); the bound is checked on the archive's directory, before any array
#: is read, so that an added 3 GB member is refused rather than inflated.
MAX_MODEL_BYTES = 1 << 30


def _check_members(path: str, members) -> None:
    """Names and declared sizes of the archive's members, checked before anything is decompressed."""
    names = [m.filename[:-4] if m.filename.endswith(".npy") else m.filename for m in members]
    unknown = sorted(n for n in names if n not in (META_KEY, "bases") and not n.startswith((_NET_PREFIX, _PRE_PREFIX)))
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        raise _fail(path, f"unexpected member(s) {shown}")
    total = sum(m.file_size for m in members)
    if total > MAX_MODEL_BYTES:
        raise _fail(path, f"its arrays would take {total / 2 ** 30:.1f} GiB once decompressed; a model holds a few "
                          f"MB (at most {MAX_MODEL_BYTES / 2 ** 30:.0f} GiB is read)")


def _read_meta(path: str, arrays: Dict[str, np.ndarray]) -> Dict[str, Any]:
    """The JSON document, with its format version and field types checked."""
    raw = arrays.get(META_KEY)
    if raw is None:
        raise _fail(path, f"the metadata array {META_KEY!r} is missing")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise _fail(path, f"the metadata array must be 1-D uint8, got {raw.dtype} with shape {raw.shape}")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(path, f"the metadata is not valid JSON ({exc})") from None
    except RecursionError:
        raise _fail(path, "the metadata is nested too deeply to be an SCDSC model's") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise _fail(path, f"the metadata does not declare format {FORMAT_NAME!r}")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, f"format_version must be an integer >= 1, got {version!r}")
    if version > FORMAT_VERSION:
        raise ScdscError(f"model file {path} was written by a newer format (v{version}) than this software reads "
                         f"(v{FORMAT_VERSION}); update scdsc_core")
    for name, kind in _META_FIELDS.items():
        if name not in meta:
            raise _fail(path, f"metadata field {name!r} is missing")
        value = meta[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _fail(path, f"metadata field {name!r} has the wrong type ({type(value).__name__})")
    return meta


def _check_array(path, arrays, name, shape, dtype) -> np.ndarray:
    if name not in arrays:
        raise _fail(path, f"array {name!r} is missing")
    value = arrays[name]
    if value.shape != tuple(shape) or value.dtype != np.dtype(dtype):
        raise _fail(path, f"array {name!r} must have shape {tuple(shape)} and dtype {np.dtype(dtype)}, got "
                          f"{value.shape} {value.dtype}")
    if np.issubdtype(value.dtype, np.floating) and not np.isfinite(value).all():
        raise _fail(path, f"array {name!r} holds NaN or infinite values")
    return value


def _build(path: str, meta: Dict[str, Any], arrays: Dict[str, np.ndarray]):
    """An SCDSC estimator from checked metadata and arrays (each array's shape and dtype checked here)."""
    import torch

    from .model import LATENT_CHANNELS, SCDSC, resolve_components
    from .network import ConvAutoencoder
    from .preprocess import Preprocessor

    params = meta["hyperparameters"]
    known = set(SCDSC._get_param_names())
    unknown = sorted(set(params) - known)
    if unknown:
        raise _fail(path, f"unknown hyperparameter(s) {', '.join(unknown)}")
    estimator = SCDSC(**params)
    # Where, on how many threads and in how much memory to run belongs to the loading machine, not to the file: a model trained on a
    # GPU must load on a CPU, one trained on 16 threads on a 2-core laptop, and an edited n_threads of 10**6 would
    # abort the process in OpenMP. So they are reset before the rules (n_threads <= this machine's CPUs) apply.
    estimator.set_params(device="auto", n_threads=None, max_memory=None)
    problems = estimator._check_params()
    if problems:
        raise _fail(path, "invalid hyperparameters: " + "; ".join(problems))
    n_bands = meta["n_features_in"]
    k, p = resolve_components(estimator.n_components, n_bands), estimator.patch_size
    if n_bands < k:
        raise _fail(path, f"n_features_in ({n_bands}) is below n_components ({k})")
    if len(meta["band_names"]) != n_bands or not all(isinstance(b, str) for b in meta["band_names"]):
        raise _fail(path, f"band_names must hold {n_bands} names")
    # Optional (files written before wavelengths were carried have none): None, or n_bands positive numbers (nm).
    wavelengths = meta.get("wavelengths")
    if wavelengths is not None and not (
            isinstance(wavelengths, list) and len(wavelengths) == n_bands
            and all(isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 for w in wavelengths)):
        raise _fail(path, f"wavelengths must be null or {n_bands} positive numbers (nm)")
    if not all(isinstance(c, int) and c > 0 for c in meta["finch_sizes"]) or meta["n_mini_clusters"] < 1:
        raise _fail(path, "finch_sizes and n_mini_clusters must be positive integers")

    reference = ConvAutoencoder(k, LATENT_CHANNELS).state_dict()
    expected = {_NET_PREFIX + key: (tuple(t.shape), t.numpy().dtype) for key, t in reference.items()}
    expected["bases"] = ((LATENT_CHANNELS * p * p, estimator.n_clusters * estimator.subspace_dim), np.float32)
    for name, (_, dtype, shape) in _PRE_ARRAYS.items():
        expected[_PRE_PREFIX + name] = (shape(n_bands, k, p), dtype)
    extra = sorted(set(arrays) - set(expected) - {META_KEY})
    if extra:
        raise _fail(path, f"unexpected array(s) {', '.join(extra)}")
    checked = {name: _check_array(path, arrays, name, shape, dtype) for name, (shape, dtype) in expected.items()}

    network = ConvAutoencoder(k, LATENT_CHANNELS)
    network.load_state_dict({key[len(_NET_PREFIX):]: torch.from_numpy(np.array(value))
                             for key, value in checked.items() if key.startswith(_NET_PREFIX)})
    network.eval()
    pre = Preprocessor(k)
    for name, (attribute, _, _) in _PRE_ARRAYS.items():
        setattr(pre, attribute, np.array(checked[_PRE_PREFIX + name]))
    if (pre.scale_ <= 0).any() or (pre.patch_scale_ <= 0).any():
        raise _fail(path, "preprocessing scales must be positive")
    pre.n_features_in_ = n_bands
    pre.patch_size_ = p
    pre.n_samples_fit_ = int(meta["fit_info"].get("n_valid", 0) or 0)

    estimator.preprocessor_ = pre
    estimator.network_ = network
    estimator.bases_ = np.array(checked["bases"])
    estimator.n_features_in_ = n_bands
    estimator.n_components_ = k
    estimator.band_names_ = list(meta["band_names"])
    estimator.wavelengths_ = None if wavelengths is None else [float(w) for w in wavelengths]
    estimator.n_mini_clusters_ = meta["n_mini_clusters"]
    estimator.finch_sizes_ = list(meta["finch_sizes"])
    estimator.finch_level_ = meta["finch_level"]
    estimator.selected_epoch_ = meta["selected_epoch"]
    estimator.selected_ratio_ = float(meta["selected_ratio"])
    if not math.isfinite(estimator.selected_ratio_):
        raise _fail(path, "selected_ratio must be a finite number")
    estimator.n_iter_ = meta["n_iter"]
    estimator.history_ = list(meta["history"])
    estimator.fit_info_ = dict(meta["fit_info"])
    estimator.fit_info_.setdefault("seed", meta["seed"])
    return estimator
