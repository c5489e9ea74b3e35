"""Benchmark scenes: a hyperspectral cube with its reference labels, loaded whole (the scenes are small)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

log = logging.getLogger("bench.accuracy.scenes")

#: The shared data folder beside the project's own clone (data/README.md); never copied into the repository.
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

#: The scenes with both an image and labels, in the order the tables list them. The defaults of fast mode were
#: chosen on these three (docs/results.md says which scene chose what).
SCENE_NAMES = ("salinas_a", "indian_pines_subset", "enmap_potsdam")


def _generated_specs():
    """The generated scenes that no default was chosen on (issue 21): two layouts of ``gt_only`` filled with real
    classes in mixes that no benchmark scene has (bench/scenes.py), one at 10 m and one at 30 m ground resolution.

    - ``generated_urban_10m``: the HYDICE Urban map (2 m, 98 % labelled), every object as it is, written as 10 m
      pixels: large fields and blocks, as on the two AVIRIS scenes.
    - ``generated_trento_30m``: the Trento map (1 m) decimated by 3 and written as 30 m pixels: objects three times
      smaller in pixels, as on the EnMAP scene.
    """
    from bench.scenes import SceneSpec
    urban = (("enmap_potsdam", 2, 1.0),          # Asphalt road <- Pavement
             ("salinas_a", 3, 1.0),              # Grass <- Lettuce_romaine_4wk
             ("indian_pines_subset", 2, 1.0),    # Tree <- Grass-trees
             ("enmap_potsdam", 1, 1.0))          # Roof
    trento = (("salinas_a", 6, 1.0),             # Apple trees <- Lettuce_romaine_7wk
              ("enmap_potsdam", 1, 1.0),         # Buildings <- Roof
              ("enmap_potsdam", 5, 1.0),         # Ground <- Soil
              ("enmap_potsdam", 4, 1.0),         # Woods <- Tree
              ("indian_pines_subset", 4, 1.0),   # Vineyard <- Soybean-mintill
              ("salinas_a", 2, 1.0))             # Roads <- Corn_senesced_green_weeds
    return {
        "generated_urban_10m": SceneSpec(layout="urban", shape=(96, 96), origin=(100, 100), n_bands=120,
                                         spectra=urban, pixel_size=10.0),
        "generated_trento_30m": SceneSpec(layout="trento", shape=(96, 128), origin=(0, 20), n_bands=120,
                                          spectra=trento, scale=3, pixel_size=30.0),
    }


#: The generated scenes, reported in their own columns (see :func:`_generated_specs`).
GENERATED_NAMES = ("generated_urban_10m", "generated_trento_30m")

#: Fallback palette (matplotlib's tab10) when a label raster carries no colour table.
_TAB10 = np.array([[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
                   [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]], np.uint8)


@dataclass
class Scene:
    """One labelled scene held in memory.

    Attributes
    ----------
    name : str
    cube : ndarray of float32, shape (H, W, B)
        The selected bands; NaN in every band at invalid (nodata) pixels, so that the core's ``ArraySource``
        sees the same validity as ``RasterSource`` would.
    labels : ndarray of int32, shape (H, W)
        Reference classes ``1..K``; 0 = unlabelled.
    class_names : list of str
        Names of classes ``1..K``.
    colors : ndarray of uint8, shape (K + 1, 3)
        The reference's colour per label value (row 0: unlabelled).
    """

    name: str
    cube: np.ndarray
    labels: np.ndarray
    class_names: List[str]
    colors: np.ndarray
    source: str = ""
    band_numbers: List[int] = field(default_factory=list)

    @property
    def n_clusters(self) -> int:
        """K, the number of reference classes (the labels are contiguous 1..K)."""
        return int(self.labels.max())

    @property
    def valid(self) -> np.ndarray:
        """Pixels whose every selected band is finite."""
        return np.all(np.isfinite(self.cube), axis=2)

    @property
    def labelled(self) -> np.ndarray:
        """Pixels with a reference class (``labels > 0``): the paper's clustered set (§5)."""
        return self.labels > 0


def load_scene(name: str, data_dir: Optional[os.PathLike] = None) -> Scene:
    """Read ``<data_dir>/<name>/image.tif`` and ``labels.tif``.

    Bands flagged ``bbl=0`` are dropped (as the core's default band selection does), and pixels equal to a band's
    nodata value in any remaining band become NaN in every band.

    Parameters
    ----------
    name : str
        A folder of the data directory, e.g. ``"salinas_a"``.
    data_dir : path, optional
        Default: ``../shared/data`` beside the repository.

    Returns
    -------
    Scene
    """
    from osgeo import gdal
    gdal.UseExceptions()

    if name in GENERATED_NAMES:
        from bench.scenes import get_scene
        folder = Path(get_scene(_generated_specs()[name], data_dir=data_dir).image).parent
    else:
        folder = Path(data_dir or SHARED_DATA) / name
    image_path, labels_path = folder / "image.tif", folder / "labels.tif"
    if not image_path.is_file() or not labels_path.is_file():
        raise FileNotFoundError(f"scene {name!r} needs {image_path} and {labels_path}")
    ds = gdal.Open(str(image_path))
    total_bands = ds.RasterCount
    keep = [b for b in range(1, ds.RasterCount + 1)
            if (ds.GetRasterBand(b).GetMetadataItem("bbl") or "1").strip() not in ("0", "0.0")]
    cube = np.empty((ds.RasterYSize, ds.RasterXSize, len(keep)), np.float32)
    invalid = np.zeros((ds.RasterYSize, ds.RasterXSize), bool)
    for i, b in enumerate(keep):
        band = ds.GetRasterBand(b)
        values = band.ReadAsArray()
        nodata = band.GetNoDataValue()
        if nodata is not None:
            invalid |= values == nodata
        cube[..., i] = values
    invalid |= ~np.all(np.isfinite(cube), axis=2)
    cube[invalid] = np.nan
    ds = None

    lab = gdal.Open(str(labels_path))
    lab.GetGeoTransform()  # GDAL 3.6 loads the .aux.xml (category names) only after this (data/README.md)
    band = lab.GetRasterBand(1)
    labels = band.ReadAsArray().astype(np.int32)
    k = int(labels.max())
    names = list(band.GetCategoryNames() or [])
    class_names = names[1:k + 1] if len(names) > k else [f"class {c}" for c in range(1, k + 1)]
    colors = _colour_table(band, k)
    lab = None
    if labels.shape != cube.shape[:2]:
        raise ValueError(f"scene {name!r}: labels {labels.shape} and image {cube.shape[:2]} differ in size")
    log.info("scene %s: %dx%d px, %d bands kept of %d, %d valid, %d labelled, K=%d", name, cube.shape[1],
             cube.shape[0], len(keep), total_bands, int((~invalid).sum()), int((labels > 0).sum()), k)
    return Scene(name, cube, labels, class_names, colors, source=str(folder), band_numbers=keep)


def _colour_table(band, k: int) -> np.ndarray:
    """The label raster's colours for values 0..k, else black + tab10."""
    table = band.GetRasterColorTable()
    if table is not None and table.GetCount() > k:
        return np.array([table.GetColorEntry(v)[:3] for v in range(k + 1)], np.uint8)
    return default_colors(k)


def default_colors(k: int) -> np.ndarray:
    """Black for label 0, then tab10 (repeated) for classes 1..k."""
    return np.vstack([[0, 0, 0], _TAB10[np.arange(k) % len(_TAB10)]]).astype(np.uint8)


def load_scenes(names: Sequence[str] = SCENE_NAMES, data_dir: Optional[os.PathLike] = None) -> List[Scene]:
    """Load several scenes by name (see :func:`load_scene`)."""
    return [load_scene(n, data_dir) for n in names]


def available_scenes(data_dir: Optional[os.PathLike] = None) -> Tuple[str, ...]:
    """The scene folders of the data directory that hold both ``image.tif`` and ``labels.tif``, and the generated
    scenes whose layout and spectral sources are there."""
    root = Path(data_dir or SHARED_DATA)
    if not root.is_dir():
        return ()
    real = tuple(sorted(p.name for p in root.iterdir()
                        if (p / "image.tif").is_file() and (p / "labels.tif").is_file()))
    sources = {s for spec in _generated_specs().values() for s, _, _ in spec.spectra}
    generated = tuple(name for name, spec in _generated_specs().items()
                      if (root / "gt_only" / f"{spec.layout}_labels.tif").is_file() and sources <= set(real))
    return real + generated


def planted_scene(n_classes: int = 3, size: int = 16, bands: int = 12, noise: float = 0.02, seed: int = 0,
                  unlabelled_border: int = 2) -> Scene:
    """A tiny generated scene: vertical stripes of distinct smooth spectra, the border left unlabelled.

    For tests of the harness: any sane clustering separates the stripes.
    """
    rng = np.random.default_rng(seed)
    wl = np.linspace(0.0, 1.0, bands)
    spectra = np.stack([0.3 + 0.25 * np.sin(2 * np.pi * (wl * (1 + c) + c / n_classes)) for c in range(n_classes)])
    truth = np.zeros((size, size), np.int32)
    for c in range(n_classes):
        truth[:, c * size // n_classes:(c + 1) * size // n_classes] = c + 1
    cube = spectra[truth - 1] + noise * rng.standard_normal((size, size, bands))
    labels = truth.copy()
    if unlabelled_border:
        b = unlabelled_border
        labels[:b, :] = 0
        labels[-b:, :] = 0
    return Scene("planted", cube.astype(np.float32), labels, [f"stripe {c + 1}" for c in range(n_classes)],
                 default_colors(n_classes), source="generated")
