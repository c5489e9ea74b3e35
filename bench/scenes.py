"""Semi-synthetic benchmark scenes: real ground-truth layouts filled with real class spectra, at any size."""
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Why semi-synthetic: the images of the paper's scenes (PaviaU, Trento, Houston) are not available, only their
# reference maps (../shared/data/gt_only). The spatial layout of a benchmark scene therefore comes from such a map
# (tiled by mirroring to any size), and its spectra from the labelled classes of the three real scenes that do
# have images (salinas_a, indian_pines_subset, enmap_potsdam; see ../shared/data/README.md). Each layout class is
# mapped to one real class ("spectral library" below). A pixel's value is
#
#     x = brightness(r, c) * sum_k a_k(r, c) * s_k(r, c) + sensor noise
#
# - a_k: the abundances, a Gaussian blur of the layout's one-hot map, so class borders hold mixed pixels;
# - s_k: the pure spectrum of class k at that pixel: the class mean, plus (a shrunken copy of) the deviation of a
#   randomly drawn real labelled pixel of that class, plus a spatially correlated deviation along the class's
#   leading principal axes driven by smooth random fields (within-class variation that varies smoothly in space);
# - unlabelled layout pixels (0) get a "background": a spatially smooth mixture of the layout's class spectra
#   (softmax of smooth fields), so the scene is complete and looks like an urban/rural mosaic;
# - noise: signal-dependent (shot) plus band-dependent read noise, larger at both ends of the spectrum.
#
# The scene is produced and written tile by tile (256 x 256 pixels by default), so a 10-million-pixel, 200-band
# scene (8 GB as float32) never exists in memory; every random draw is keyed by the seed and the tile's position, so
# the file is identical for the same arguments whatever the machine.
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
from scipy import ndimage

log = logging.getLogger("bench.scenes")

#: Bumped whenever the generator's output changes, so cached scenes are regenerated.
GENERATOR_VERSION = 1

REPO = Path(__file__).resolve().parents[1]
#: The shared data folder (override with the environment variable SCDSC_SHARED_DATA).
SHARED_DATA = Path(os.environ.get("SCDSC_SHARED_DATA", REPO.parent / "shared" / "data"))
#: Where generated scenes are cached (gitignored; override with SCDSC_BENCH_DATA).
CACHE = Path(os.environ.get("SCDSC_BENCH_DATA", REPO / ".bench-data"))

#: The real scenes whose labelled pixels provide class spectra.
SPECTRAL_SOURCES = ("enmap_potsdam", "salinas_a", "indian_pines_subset")

# AVIRIS channels removed from the distributed "corrected" cubes (1-based, see ../shared/data/README.md); the
# channel centres are approximated as evenly spaced over 400-2500 nm, which is good to ~10 nm.
_AVIRIS = {
    "salinas_a": (224, [*range(108, 113), *range(154, 168), 224]),
    "indian_pines_subset": (220, [*range(104, 109), *range(150, 164), 220]),
}

#: Layout class -> (source scene, class id in that scene, brightness factor). Chosen so that the benchmark keeps
#: the kind of confusions the real scene has: asphalt/gravel (pavement/roof, which are not separable at 30 m),
#: bitumen/bricks (corn-notill/soybean-notill, the classic hard pair of Indian Pines), and dark shadows.
LAYOUT_SPECTRA: Dict[str, List[Tuple[str, int, float]]] = {
    "pavia_university": [
        ("enmap_potsdam", 2, 1.0),        # 1 Asphalt <- Pavement
        ("enmap_potsdam", 3, 1.0),        # 2 Meadows <- Low vegetation
        ("enmap_potsdam", 1, 1.0),        # 3 Gravel <- Roof (spectrally ~ pavement)
        ("enmap_potsdam", 4, 1.0),        # 4 Trees <- Tree
        ("salinas_a", 2, 1.0),            # 5 Painted metal sheets <- Corn_senesced_green_weeds
        ("enmap_potsdam", 5, 1.0),        # 6 Bare soil <- Soil
        ("indian_pines_subset", 1, 1.0),  # 7 Bitumen <- Corn-notill
        ("indian_pines_subset", 3, 1.0),  # 8 Self-blocking bricks <- Soybean-notill (hard pair with 7)
        ("enmap_potsdam", 2, 0.3),        # 9 Shadows <- Pavement in shadow
    ],
    "pavia_centre": [
        ("enmap_potsdam", 6, 1.0),        # 1 Water
        ("enmap_potsdam", 4, 1.0),        # 2 Trees
        ("enmap_potsdam", 2, 1.0),        # 3 Asphalt <- Pavement
        ("indian_pines_subset", 3, 1.0),  # 4 Self-blocking bricks <- Soybean-notill
        ("indian_pines_subset", 1, 1.0),  # 5 Bitumen <- Corn-notill
        ("enmap_potsdam", 1, 1.0),        # 6 Tiles <- Roof
        ("enmap_potsdam", 2, 0.3),        # 7 Shadows <- Pavement in shadow
        ("enmap_potsdam", 3, 1.0),        # 8 Meadows <- Low vegetation
        ("enmap_potsdam", 5, 1.0),        # 9 Bare soil <- Soil
    ],
}

# Every other layout takes the pooled real classes in this order (then again, darker).
_POOL_ORDER = ([("enmap_potsdam", k, 1.0) for k in range(1, 7)] + [("salinas_a", k, 1.0) for k in range(1, 7)]
               + [("indian_pines_subset", k, 1.0) for k in range(1, 5)])

#: Generation constants (part of the scene's definition: changing one requires a GENERATOR_VERSION bump).
FIELD_SPACING = 24        # pixels between the nodes of the smooth random fields (correlation length ~ 2x this)
N_VARIATION_AXES = 3      # leading principal axes of a class that vary smoothly in space
SAMPLED_SHRINK = 0.7      # weight of a drawn real pixel's deviation from its class mean
SMOOTH_WEIGHT = 0.7       # std of the smooth variation, in units of the class's own std along each axis
MIXING_SIGMA = 0.7        # Gaussian blur (pixels) of the one-hot layout: mixed pixels at class borders
BACKGROUND_SHARPNESS = 2.5  # softmax temperature of the background mixture fields
BRIGHTNESS_STD = 0.04     # smooth multiplicative illumination variation
SHOT_GAIN = 0.25          # noise variance per unit of signal (DN)
READ_NOISE = 8.0          # read-noise std (DN) in mid-spectrum; x4 at both spectral ends
WAVELENGTHS_NM = (420.0, 2440.0)


# --------------------------------------------------------------------------------------------------------------
# Spectral library
# --------------------------------------------------------------------------------------------------------------

@dataclass
class ClassSpectra:
    """The real labelled pixels of one class, resampled to the scene's bands, with their leading axes."""

    name: str
    pixels: np.ndarray          # (n, B) float32
    mean: np.ndarray            # (B,)
    axes: np.ndarray            # (N_VARIATION_AXES, B) unit vectors
    axis_std: np.ndarray        # (N_VARIATION_AXES,)


def target_wavelengths(n_bands: int) -> np.ndarray:
    """Band centres (nm) of a generated scene with ``n_bands`` bands, evenly spaced over 420-2440 nm."""
    return np.linspace(WAVELENGTHS_NM[0], WAVELENGTHS_NM[1], int(n_bands))


def _source_wavelengths(scene: str, ds) -> Tuple[np.ndarray, np.ndarray]:
    """(1-based band numbers to read, their centre wavelengths in nm) of a real scene."""
    if scene in _AVIRIS:
        n_channels, removed = _AVIRIS[scene]
        kept = [ch for ch in range(1, n_channels + 1) if ch not in set(removed)]
        if len(kept) != ds.RasterCount:
            raise ValueError(f"{scene}: expected {len(kept)} bands after removing the water channels, "
                             f"found {ds.RasterCount}")
        centres = np.linspace(400.0, 2500.0, n_channels)[np.array(kept) - 1]
        return np.arange(1, ds.RasterCount + 1), centres
    bands, centres = [], []
    for i in range(1, ds.RasterCount + 1):
        meta = ds.GetRasterBand(i).GetMetadata()
        if meta.get("bbl", "1") == "0":
            continue  # water-vapour bands are nodata everywhere (README: Nodata)
        bands.append(i)
        centres.append(float(meta["wavelength"]))
    return np.array(bands), np.array(centres)


def _resampling_matrix(source_nm: np.ndarray, target_nm: np.ndarray) -> np.ndarray:
    """(B_src, B_target) linear-interpolation weights; gaps (removed bands) are bridged linearly."""
    order = np.argsort(source_nm)
    eye = np.eye(len(source_nm))[order]
    return np.stack([np.interp(target_nm, source_nm[order], eye[:, k]) for k in range(len(source_nm))])


def load_class_spectra(scene: str, class_id: int, n_bands: int, brightness: float = 1.0,
                       data_dir: Union[str, Path, None] = None) -> ClassSpectra:
    """Labelled pixels of one class of a real scene, resampled to ``n_bands`` bands.

    Parameters
    ----------
    scene : str
        One of :data:`SPECTRAL_SOURCES`.
    class_id : int
        The class value in that scene's ``labels.tif`` (1..K).
    n_bands : int
        Bands of the generated scene (evenly spaced over 420-2440 nm).
    brightness : float, default 1.0
        Factor applied to the spectra (e.g. 0.3 for a shadowed surface).
    data_dir : path, optional
        The shared data folder; default :data:`SHARED_DATA`.

    Returns
    -------
    ClassSpectra
    """
    cube, labels, centres, names = _read_source(scene, Path(data_dir or SHARED_DATA))
    if not 1 <= class_id <= int(labels.max()):
        raise ValueError(f"{scene} has classes 1..{int(labels.max())}, not {class_id}")
    resample = _resampling_matrix(centres, target_wavelengths(n_bands)).astype(np.float32)
    pixels = (cube[labels == class_id] @ resample) * np.float32(brightness)
    mean = pixels.mean(axis=0)
    # Leading within-class axes: the smooth spatial variation follows the directions the real class varies in.
    _, singular, vt = np.linalg.svd(pixels - mean, full_matrices=False)
    k = min(N_VARIATION_AXES, len(singular))
    axis_std = singular[:k] / math.sqrt(max(1, len(pixels) - 1))
    name = f"{scene}:{names[class_id] if class_id < len(names) else class_id}"
    if brightness != 1.0:
        name += f" x{brightness:g}"
    return ClassSpectra(name, pixels.astype(np.float32), mean.astype(np.float32), vt[:k].astype(np.float32),
                        axis_std.astype(np.float32))


_SOURCE_CACHE: Dict[Tuple[str, str], tuple] = {}


def _read_source(scene: str, data_dir: Path):
    """(cube (n_pixels, B) of the labelled pixels' rows, labels (n_pixels,), band centres, class names)."""
    key = (scene, str(data_dir))
    if key not in _SOURCE_CACHE:
        from osgeo import gdal
        gdal.UseExceptions()
        image_path, labels_path = data_dir / scene / "image.tif", data_dir / scene / "labels.tif"
        if not image_path.is_file():
            raise FileNotFoundError(f"spectral source {image_path} is missing: the benchmark scenes take their "
                                    f"spectra from ../shared/data (set SCDSC_SHARED_DATA to its location)")
        ds = gdal.Open(str(image_path))
        bands, centres = _source_wavelengths(scene, ds)
        cube = np.stack([ds.GetRasterBand(int(b)).ReadAsArray().astype(np.float32) for b in bands], axis=-1)
        lds = gdal.Open(str(labels_path))
        lds.GetGeoTransform()  # GDAL 3.6 loads the category names only after this (README: Class names)
        names = lds.GetRasterBand(1).GetCategoryNames() or []
        labels = lds.ReadAsArray()
        keep = labels > 0
        _SOURCE_CACHE[key] = (cube[keep], labels[keep], centres, list(names))
    return _SOURCE_CACHE[key]


def layout_spectra(layout_name: str, n_classes: int) -> List[Tuple[str, int, float]]:
    """The (scene, class id, brightness) that fills each class 1..K of a layout."""
    if layout_name in LAYOUT_SPECTRA and len(LAYOUT_SPECTRA[layout_name]) == n_classes:
        return list(LAYOUT_SPECTRA[layout_name])
    pool = _POOL_ORDER
    return [(s, c, b * (0.5 ** (i // len(pool)))) for i, (s, c, b) in
            ((i, pool[i % len(pool)]) for i in range(n_classes))]


# --------------------------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------------------------

def load_layout(layout: Union[str, Path, np.ndarray]) -> Tuple[str, np.ndarray, List[str]]:
    """(name, labels (h, w) uint8, class names) of a ground-truth map: a name in ``gt_only``, a path, or an array."""
    if isinstance(layout, np.ndarray):
        return "array", np.asarray(layout, dtype=np.uint8), []
    path = Path(layout)
    if not path.suffix:
        path = SHARED_DATA / "gt_only" / f"{layout}_labels.tif"
    if not path.is_file():
        raise FileNotFoundError(f"layout {layout!r}: {path} does not exist (names are the maps in "
                                f"{SHARED_DATA / 'gt_only'}, e.g. pavia_university)")
    from osgeo import gdal
    gdal.UseExceptions()
    ds = gdal.Open(str(path))
    ds.GetGeoTransform()
    names = ds.GetRasterBand(1).GetCategoryNames() or []
    name = path.name[:-len("_labels.tif")] if path.name.endswith("_labels.tif") else path.stem
    return name, ds.ReadAsArray().astype(np.uint8), list(names)


def mirror_index(index: np.ndarray, size: int) -> np.ndarray:
    """Map any integer coordinates onto ``0..size-1`` by mirroring (edge repeated: period ``2 * size``)."""
    index = np.mod(index, 2 * size)
    return np.where(index < size, index, 2 * size - 1 - index)


def tiled_layout(layout: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The layout mirrored and tiled over the whole plane, read at ``rows`` x ``cols`` (an open grid)."""
    h, w = layout.shape
    return layout[np.ix_(mirror_index(rows, h), mirror_index(cols, w))]


def scene_shape(layout_shape: Tuple[int, int], n_pixels: Optional[int]) -> Tuple[int, int]:
    """(rows, cols) of a scene with about ``n_pixels`` pixels and the layout's aspect ratio (None: the layout's)."""
    h, w = layout_shape
    if n_pixels is None:
        return int(h), int(w)
    factor = math.sqrt(float(n_pixels) / (h * w))
    rows = max(1, int(round(h * factor)))
    cols = max(1, int(round(n_pixels / rows)))
    return rows, cols


# --------------------------------------------------------------------------------------------------------------
# Smooth random fields
# --------------------------------------------------------------------------------------------------------------

class SmoothFields:
    """Stationary smooth random fields over a (rows, cols) grid, evaluated on any window.

    Cubic B-spline surfaces whose control points (every :data:`FIELD_SPACING` pixels) are i.i.d. normal; scaled to
    a standard deviation of about 1. A window is ``W_r @ C @ W_c^T`` with sparse spline weights, so evaluating a
    tile costs two small matrix products and the result does not depend on how the grid is split into tiles.
    """

    # Std of an approximating cubic B-spline surface over unit-variance control points: 0.5 per axis at the nodes
    # and 0.46 half-way (nearly stationary); 2.1 brings it to ~1.
    _SCALE = 2.1

    def __init__(self, shape: Tuple[int, int], n_fields: int, seed_sequence: np.random.SeedSequence,
                 spacing: int = FIELD_SPACING):
        self.spacing = int(spacing)
        rows = shape[0] // self.spacing + 4
        cols = shape[1] // self.spacing + 4
        rng = np.random.default_rng(seed_sequence)
        self.control = (self._SCALE * rng.standard_normal((n_fields, rows, cols))).astype(np.float32)

    def _weights(self, start: int, stop: int) -> Tuple[np.ndarray, int]:
        """Spline weights (stop-start, n_nodes) for pixel coordinates start..stop-1 and the first node used."""
        u = np.arange(start, stop) / self.spacing + 1.0   # node 1 sits at pixel 0
        base = np.floor(u).astype(int)
        t = (u - base)[:, None]
        basis = np.concatenate([(1 - t) ** 3, 3 * t ** 3 - 6 * t ** 2 + 4, -3 * t ** 3 + 3 * t ** 2 + 3 * t + 1,
                                t ** 3], axis=1) / 6.0
        first = int(base[0]) - 1
        n_nodes = int(base[-1]) + 3 - first
        weights = np.zeros((stop - start, n_nodes), dtype=np.float32)
        offsets = base - 1 - first
        for j in range(4):
            weights[np.arange(stop - start), offsets + j] = basis[:, j]
        return weights, first

    def window(self, row0: int, row1: int, col0: int, col1: int,
               fields: Optional[Sequence[int]] = None) -> np.ndarray:
        """The fields on rows row0..row1-1 and columns col0..col1-1: (n_fields, h, w) float32."""
        wr, r = self._weights(row0, row1)
        wc, c = self._weights(col0, col1)
        control = self.control if fields is None else self.control[list(fields)]
        block = control[:, r:r + wr.shape[1], c:c + wc.shape[1]]
        return np.einsum("hi,fij,wj->fhw", wr, block, wc, optimize=True).astype(np.float32)


# --------------------------------------------------------------------------------------------------------------
# The scene
# --------------------------------------------------------------------------------------------------------------

@dataclass
class SceneSpec:
    """Everything that defines a generated scene (the file is a pure function of this).

    Parameters
    ----------
    layout : str
        A ground-truth map of ``../shared/data/gt_only`` (``pavia_university``, ``pavia_centre``, ...).
    n_pixels : int, optional
        Target size; the scene keeps the layout's aspect ratio and mirrors/tiles it. Default: the layout's size.
    shape : (rows, cols), optional
        Explicit size (overrides ``n_pixels``).
    origin : (row, col), default (0, 0)
        Where the scene's top-left pixel falls in the mirrored layout (to cut a small window for tests).
    n_bands : int, default 200
    seed : int, default 0
    dtype : {"int16", "float32"}, default "int16"
        ``int16`` stores digital numbers like the AVIRIS scenes (reflectance x 10,000 scale); half the size.
    tile : int, default 256
        GeoTIFF tile and generation block size (part of the definition: the random draws are keyed by tile).
    scale : int, default 1
        Layout pixels per scene pixel along each axis: 3 makes every object three times smaller in pixels (a
        1-10 m layout seen at a three times coarser ground resolution). Mixing at borders stays per scene pixel.
    spectra : tuple of (scene, class id, brightness), optional
        The real class that fills each layout class 1..K (default: :data:`LAYOUT_SPECTRA` or the pool order).
    pixel_size : float, default 1.3
        Ground resolution written into the geotransform, in metres.
    """

    layout: str = "pavia_university"
    n_pixels: Optional[int] = None
    shape: Optional[Tuple[int, int]] = None
    origin: Tuple[int, int] = (0, 0)
    n_bands: int = 200
    seed: int = 0
    dtype: str = "int16"
    tile: int = 256
    scale: int = 1
    spectra: Optional[Tuple[Tuple[str, int, float], ...]] = None
    pixel_size: float = 1.3

    def key(self) -> str:
        """A short stable hash of the spec and the generator version (the cache folder's suffix). The fields added
        after the first version count only when set, so the scenes generated before them keep their folders."""
        fields = asdict(self)
        for name, default in _LATER_FIELDS.items():
            if fields[name] == default:
                del fields[name]
        text = json.dumps({**fields, "version": GENERATOR_VERSION}, sort_keys=True, default=list)
        return hashlib.sha1(text.encode()).hexdigest()[:10]

    def folder_name(self) -> str:
        rows, cols = self.resolved_shape()
        return f"{self.layout}-{rows}x{cols}x{self.n_bands}-{self.dtype}-s{self.seed}-{self.key()}"

    def resolved_shape(self) -> Tuple[int, int]:
        if self.shape is not None:
            return int(self.shape[0]), int(self.shape[1])
        _, layout, _ = load_layout(self.layout)
        return scene_shape(layout.shape, self.n_pixels)


#: SceneSpec fields added after GENERATOR_VERSION 1, with the defaults that leave a scene as it was.
_LATER_FIELDS = {"scale": 1, "spectra": None, "pixel_size": 1.3}


@dataclass
class Scene:
    """A generated scene on disk."""

    image: str
    labels: str
    spec: SceneSpec
    shape: Tuple[int, int]
    n_classes: int
    class_names: List[str]
    info: Dict = field(default_factory=dict)

    @property
    def n_pixels(self) -> int:
        return int(self.shape[0] * self.shape[1])


class SceneGenerator:
    """Produces a scene tile by tile (see the module docstring for the model).

    Parameters
    ----------
    spec : SceneSpec
    data_dir : path, optional
        Shared data folder (layouts and spectral sources).
    """

    def __init__(self, spec: SceneSpec, data_dir: Union[str, Path, None] = None):
        if spec.dtype not in ("int16", "float32"):
            raise ValueError(f"dtype must be 'int16' or 'float32', not {spec.dtype!r}")
        if spec.n_bands < 8:
            raise ValueError(f"n_bands must be >= 8 (the method's PCA needs 8 bands), not {spec.n_bands}")
        self.spec = spec
        data_dir = Path(data_dir or SHARED_DATA)
        layout_path = spec.layout if Path(spec.layout).suffix else data_dir / "gt_only" / f"{spec.layout}_labels.tif"
        self.layout_name, self.layout, names = load_layout(layout_path)
        self.n_classes = int(self.layout.max())
        if self.n_classes < 1:
            raise ValueError(f"layout {spec.layout!r} has no labelled pixel")
        self.class_names = names[1:self.n_classes + 1] if len(names) > self.n_classes else \
            [f"class {k}" for k in range(1, self.n_classes + 1)]
        self.shape = spec.resolved_shape() if spec.shape is None else (int(spec.shape[0]), int(spec.shape[1]))
        if spec.spectra is not None and len(spec.spectra) != self.n_classes:
            raise ValueError(f"spectra names {len(spec.spectra)} classes, layout {spec.layout!r} has {self.n_classes}")
        self.sources = ([tuple(s) for s in spec.spectra] if spec.spectra is not None
                        else layout_spectra(self.layout_name, self.n_classes))
        self.classes = [load_class_spectra(s, c, spec.n_bands, b, data_dir) for s, c, b in self.sources]
        self.means = np.stack([c.mean for c in self.classes])   # (K, B)
        root = np.random.SeedSequence(int(spec.seed))
        variation_seq, background_seq, brightness_seq = root.spawn(3)
        self._tile_root = root
        self.variation = SmoothFields(self.shape, self.n_classes * N_VARIATION_AXES, variation_seq)
        self.background = SmoothFields(self.shape, self.n_classes, background_seq)
        self.brightness = SmoothFields(self.shape, 1, brightness_seq, spacing=4 * FIELD_SPACING)
        edge = np.abs(np.linspace(-1.0, 1.0, spec.n_bands)) ** 4
        self.read_noise = (READ_NOISE * (1.0 + 3.0 * edge)).astype(np.float32)

    # -- blocks ------------------------------------------------------------------------------------------------

    def windows(self) -> Iterator[Tuple[int, int, int, int]]:
        """(row0, row1, col0, col1) of every tile, row-major."""
        rows, cols = self.shape
        t = self.spec.tile
        for r0 in range(0, rows, t):
            for c0 in range(0, cols, t):
                yield r0, min(rows, r0 + t), c0, min(cols, c0 + t)

    def labels_block(self, row0: int, row1: int, col0: int, col1: int) -> np.ndarray:
        """The layout's labels on a window (uint8, 0 = unlabelled)."""
        oy, ox = self.spec.origin
        step = int(self.spec.scale)
        return tiled_layout(self.layout, (np.arange(row0, row1) + oy) * step, (np.arange(col0, col1) + ox) * step)

    def _abundances(self, row0, row1, col0, col1) -> np.ndarray:
        """(K+1, h, w) class abundances (index 0 = background) summing to 1: the blurred one-hot layout."""
        halo = int(math.ceil(4 * MIXING_SIGMA))
        labels = self.labels_block(row0 - halo, row1 + halo, col0 - halo, col1 + halo)
        onehot = np.stack([(labels == k).astype(np.float32) for k in range(self.n_classes + 1)])
        blurred = ndimage.gaussian_filter(onehot, sigma=(0, MIXING_SIGMA, MIXING_SIGMA), mode="nearest",
                                          truncate=4.0)[:, halo:-halo, halo:-halo]
        blurred[blurred < 1e-3] = 0.0  # a pixel mixes at most a few classes: keep the work sparse
        return blurred / blurred.sum(axis=0, keepdims=True)

    def block(self, row0: int, row1: int, col0: int, col1: int) -> np.ndarray:
        """The image on one tile window, (h, w, B) float32 (before conversion to the file's dtype)."""
        h, w = row1 - row0, col1 - col0
        t = self.spec.tile
        # Random draws keyed by the tile's position: the same tile gets the same values in any run.
        rng = np.random.default_rng(np.random.SeedSequence(int(self.spec.seed),
                                                           spawn_key=(7, row0 // t, col0 // t)))
        abundance = self._abundances(row0, row1, col0, col1).reshape(self.n_classes + 1, -1)
        out = np.zeros((h * w, self.spec.n_bands), dtype=np.float32)
        for k in range(1, self.n_classes + 1):
            where = np.flatnonzero(abundance[k])
            if where.size == 0:
                continue
            out[where] += abundance[k, where, None] * self._pure(k - 1, where, rng, (row0, row1, col0, col1))
        where = np.flatnonzero(abundance[0])
        if where.size:
            out[where] += abundance[0, where, None] * self._background(where, rng, (row0, row1, col0, col1))
        bright = 1.0 + BRIGHTNESS_STD * self.brightness.window(row0, row1, col0, col1)[0].reshape(-1, 1)
        out *= bright
        sigma = np.sqrt(SHOT_GAIN * np.maximum(out, 0.0) + self.read_noise ** 2)
        out += sigma * rng.standard_normal(out.shape, dtype=np.float32)
        return out.reshape(h, w, self.spec.n_bands)

    def _pure(self, k: int, where: np.ndarray, rng, window) -> np.ndarray:
        """Pure spectra of class k (0-based) at the flat pixel indices ``where`` of a window."""
        spectra = self.classes[k]
        drawn = spectra.pixels[rng.integers(0, len(spectra.pixels), where.size)]
        pure = spectra.mean + SAMPLED_SHRINK * (drawn - spectra.mean)
        axes = range(k * N_VARIATION_AXES, k * N_VARIATION_AXES + len(spectra.axis_std))
        fields = self.variation.window(*window, fields=list(axes)).reshape(len(spectra.axis_std), -1)[:, where]
        pure += (fields.T * (SMOOTH_WEIGHT * spectra.axis_std)) @ spectra.axes
        return pure

    def _background(self, where: np.ndarray, rng, window) -> np.ndarray:
        """Background spectra: smooth mixtures of the class means plus a drawn real pixel's deviation."""
        logits = BACKGROUND_SHARPNESS * self.background.window(*window).reshape(self.n_classes, -1)[:, where]
        logits -= logits.max(axis=0, keepdims=True)
        weights = np.exp(logits)
        weights /= weights.sum(axis=0, keepdims=True)
        mixed = weights.T @ self.means
        dominant = np.argmax(weights, axis=0)
        for k in np.unique(dominant):
            rows = np.flatnonzero(dominant == k)
            spectra = self.classes[k]
            drawn = spectra.pixels[rng.integers(0, len(spectra.pixels), rows.size)]
            mixed[rows] += SAMPLED_SHRINK * (drawn - spectra.mean)
        return mixed

    def to_dtype(self, block: np.ndarray) -> np.ndarray:
        """Round and clip to int16 (digital numbers) or keep float32."""
        if self.spec.dtype == "int16":
            return np.clip(np.rint(block), -32767, 32767).astype(np.int16)
        return block.astype(np.float32)

    def iter_blocks(self) -> Iterator[Tuple[int, int, np.ndarray]]:
        """Yield ``(row0, col0, block (h, w, B))`` in the file's dtype, one tile at a time."""
        for r0, r1, c0, c1 in self.windows():
            yield r0, c0, self.to_dtype(self.block(r0, r1, c0, c1))


# --------------------------------------------------------------------------------------------------------------
# Writing and caching
# --------------------------------------------------------------------------------------------------------------

#: Pavia's UTM zone and the ROSIS pixel size, so the scene has a real CRS (any would do).
_GEOTRANSFORM = (500000.0, 1.3, 0.0, 5000000.0, 0.0, -1.3)
_EPSG = 32632


def _create(path: str, shape, n_bands: int, gdal_type: int, tile: int, predictor: int, nodata=None,
            pixel_size: float = _GEOTRANSFORM[1]):
    from osgeo import gdal, osr
    gdal.UseExceptions()
    rows, cols = shape
    options = ["TILED=YES", f"BLOCKXSIZE={tile}", f"BLOCKYSIZE={tile}", "COMPRESS=DEFLATE", f"PREDICTOR={predictor}",
               "ZLEVEL=1", "INTERLEAVE=BAND", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"]
    ds = gdal.GetDriverByName("GTiff").Create(path, cols, rows, n_bands, gdal_type, options=options)
    ds.SetGeoTransform((_GEOTRANSFORM[0], pixel_size, 0.0, _GEOTRANSFORM[3], 0.0, -pixel_size))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(_EPSG)
    ds.SetProjection(srs.ExportToWkt())
    return ds


def write_scene(spec: SceneSpec, folder: Union[str, Path], *, data_dir: Union[str, Path, None] = None,
                progress=None) -> Scene:
    """Generate a scene into ``folder`` (``image.tif``, ``labels.tif``, ``scene.json``), tile by tile.

    Files are written under temporary names and renamed when complete, so an interrupted run leaves no scene that
    looks finished.

    Parameters
    ----------
    spec : SceneSpec
    folder : path
    data_dir : path, optional
    progress : callable, optional
        ``progress(fraction)`` after each tile.

    Returns
    -------
    Scene
    """
    from osgeo import gdal
    gdal.UseExceptions()
    started = time.perf_counter()
    generator = SceneGenerator(spec, data_dir)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    image_path, labels_path = folder / "image.tif", folder / "labels.tif"
    tmp_image, tmp_labels = folder / "image.partial.tif", folder / "labels.partial.tif"
    gdal_type = gdal.GDT_Int16 if spec.dtype == "int16" else gdal.GDT_Float32
    old_cache = gdal.GetCacheMax()
    gdal.SetCacheMax(256 * 1024 * 1024)  # a tile row of 200 bands; keeps the writer's memory bounded
    try:
        image = _create(str(tmp_image), generator.shape, spec.n_bands, gdal_type, spec.tile,
                        2 if spec.dtype == "int16" else 3, pixel_size=spec.pixel_size)
        wavelengths = target_wavelengths(spec.n_bands)
        for b in range(spec.n_bands):
            band = image.GetRasterBand(b + 1)
            band.SetDescription(f"band {b + 1} ({wavelengths[b]:.1f} Nanometers)")
            band.SetMetadata({"wavelength": f"{wavelengths[b]:.2f}", "wavelength_units": "Nanometers"})
        labels = _create(str(tmp_labels), generator.shape, 1, gdal.GDT_Byte, spec.tile, 2,
                         pixel_size=spec.pixel_size)
        labels.GetRasterBand(1).SetCategoryNames(["unlabelled", *generator.class_names])
        windows = list(generator.windows())
        for i, (r0, r1, c0, c1) in enumerate(windows):
            block = generator.to_dtype(generator.block(r0, r1, c0, c1))
            image.WriteRaster(c0, r0, c1 - c0, r1 - r0, np.ascontiguousarray(block.transpose(2, 0, 1)).tobytes(),
                              band_list=list(range(1, spec.n_bands + 1)))
            labels.GetRasterBand(1).WriteArray(generator.labels_block(r0, r1, c0, c1), c0, r0)
            if progress is not None:
                progress((i + 1) / len(windows))
        image.FlushCache()
        labels.FlushCache()
        image = labels = None
    finally:
        gdal.SetCacheMax(old_cache)
    for tmp, final in ((tmp_image, image_path), (tmp_labels, labels_path)):
        os.replace(tmp, final)
        if Path(str(tmp) + ".aux.xml").exists():
            os.replace(str(tmp) + ".aux.xml", str(final) + ".aux.xml")
    info = {
        "spec": asdict(spec), "generator_version": GENERATOR_VERSION, "shape": list(generator.shape),
        "n_classes": generator.n_classes, "class_names": generator.class_names,
        "class_spectra": [c.name for c in generator.classes],
        "labelled_pixels": None, "seconds": round(time.perf_counter() - started, 2),
        "image_bytes": image_path.stat().st_size, "labels_bytes": labels_path.stat().st_size,
    }
    info["labelled_pixels"] = _count_labelled(str(labels_path))
    (folder / "scene.json").write_text(json.dumps(info, indent=1, default=list))
    log.info("scene %s: %dx%d x %d bands in %.1f s", folder, generator.shape[0], generator.shape[1], spec.n_bands,
             info["seconds"])
    return Scene(str(image_path), str(labels_path), spec, tuple(generator.shape), generator.n_classes,
                 generator.class_names, info)


def _count_labelled(path: str) -> int:
    from osgeo import gdal
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    total = 0
    bx, by = band.GetBlockSize()
    for r0 in range(0, ds.RasterYSize, by):
        rows = min(by, ds.RasterYSize - r0)
        total += int(np.count_nonzero(band.ReadAsArray(0, r0, ds.RasterXSize, rows)))
    return total


def get_scene(spec: SceneSpec, *, cache: Union[str, Path, None] = None, data_dir: Union[str, Path, None] = None,
              progress=None) -> Scene:
    """The scene of ``spec`` from the cache folder, generated first if missing.

    Parameters
    ----------
    spec : SceneSpec
    cache : path, optional
        Default :data:`CACHE` (``.bench-data/`` in the repository, gitignored).
    data_dir : path, optional
    progress : callable, optional

    Returns
    -------
    Scene
    """
    folder = Path(cache or CACHE) / spec.folder_name()
    meta = folder / "scene.json"
    if meta.is_file() and (folder / "image.tif").is_file() and (folder / "labels.tif").is_file():
        info = json.loads(meta.read_text())
        return Scene(str(folder / "image.tif"), str(folder / "labels.tif"), spec, tuple(info["shape"]),
                     int(info["n_classes"]), list(info["class_names"]), info)
    return write_scene(spec, folder, data_dir=data_dir, progress=progress)
