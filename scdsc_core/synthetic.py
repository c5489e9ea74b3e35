"""The bundled demo scene: a generated, georeferenced hyperspectral raster of six land-cover classes with its labels.

Why about 500 lines: most of it is the spectral and spatial model of the scene (class spectra, parcels, mixing,
noise), which the tests and the demo need to be plausible; it is data generation, not code the method uses.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Tuple

import numpy as np
from scipy import ndimage

from .blas import matmul
from .errors import ScdscError

logger = logging.getLogger("scdsc_core.synthetic")

__all__ = ["SyntheticScene", "make_scene", "write_scene", "CLASS_NAMES", "CLASS_COLORS"]

CLASS_NAMES: Tuple[str, ...] = ("Water", "Vegetation", "Dry grass", "Bare soil", "Asphalt", "Red-tile roofs")
# Land-cover colours (not the cluster palette): the reference map should read like a map.
CLASS_COLORS: Tuple[Tuple[int, int, int], ...] = (
    (31, 120, 180), (51, 160, 44), (230, 200, 90), (166, 110, 60), (90, 90, 90), (215, 48, 39))
WATER, VEGETATION, DRY_GRASS, BARE_SOIL, ASPHALT, ROOFS = range(1, 7)

# Georeferencing: UTM zone 33N, 5 m pixels (an airborne sensor's ground sampling), the upper-left corner in Lower
# Austria. The layout is drawn in metres, so objects keep their size on the ground whatever the pixel size.
EPSG = 32633
PIXEL_SIZE = 5.0
ORIGIN = (530_000.0, 5_350_000.0)

# Spectral sampling: 400 nm onwards in steps of 17.5 nm (120 bands reach 2482.5 nm, like an EnMAP/PRISMA range).
FIRST_WAVELENGTH_NM = 400.0
WAVELENGTH_STEP_NM = 17.5

_MIN_SIZE = 32
_MIN_BANDS = 8


@dataclass
class SyntheticScene:
    """A generated scene.

    Attributes
    ----------
    cube : ndarray of float32, shape (B, H, W)
        Surface reflectance in 0..1 (bands first, as GDAL stores it).
    labels : ndarray of uint8, shape (H, W)
        The class of every pixel, 1..K (every pixel is labelled).
    class_names : list of str
        Names of classes 1..K.
    wavelengths_nm : ndarray of float64, shape (B,)
        Band centres in nanometres.
    class_colors : list of (r, g, b)
        Map colours of classes 1..K.
    geotransform : tuple of 6 float
        GDAL geotransform (5 m pixels, north up).
    epsg : int
        EPSG code of the coordinate reference system (32633, UTM 33N).
    """

    cube: np.ndarray
    labels: np.ndarray
    class_names: List[str]
    wavelengths_nm: np.ndarray
    class_colors: List[Tuple[int, int, int]] = field(default_factory=lambda: list(CLASS_COLORS))
    geotransform: Tuple[float, ...] = (ORIGIN[0], PIXEL_SIZE, 0.0, ORIGIN[1], 0.0, -PIXEL_SIZE)
    epsg: int = EPSG


def make_scene(*, width: int = 192, height: int = 168, n_bands: int = 120, seed: int = 0) -> SyntheticScene:
    """Generate the demo scene: six land-cover classes with plausible spectra, shapes, mixing and noise.

    - **Layout.** Drawn in metres at airborne resolution (5 m pixels). Parcels are Voronoi polygons of about 5 ha,
      each a field (vegetation, dry grass or bare soil), a pond, a paved yard or a built-up plot whose halls
      (70-140 m by 44-80 m, red-tile roofs) stand in rows a lane apart; every use gets about the same share of the
      ground. A meandering river (50-80 m wide) crosses the scene and three straight 30 m roads join its borders.
      Objects are larger than SCDSC's 17 x 17-pixel context, as in the airborne scenes it was designed for
      (a 10 m scene with 3-pixel roads and single houses reached OA 0.74 only; docs/benchmarks.md).
    - **Spectra.** Vegetation has a green peak, a red edge and an NIR plateau with water absorption dips near 1450
      and 1940 nm; dry grass a weak red edge and cellulose absorption near 2100 nm; bare soil rises smoothly; water
      is dark and falls to about 0 in the NIR; asphalt is dark and flat; red tiles rise sharply near 590 nm and
      show iron-oxide absorption near 880 nm.
    - **Variation.** Each class's spectrum varies with two spatially correlated parameters (vigour, moisture,
      turbidity, ageing, ... per class; each field also gets its own offset), and brightness varies smoothly.
    - **Mixing and noise.** Class abundances are blurred a little, so border pixels are mixtures; Gaussian sensor
      noise is added, stronger in the atmospheric water-vapour bands.

    The classes are separable: k-means on PCA-reduced standardised pixels recovers them with OA above 0.9.
    The same arguments always give the same arrays.

    Parameters
    ----------
    width, height : int, default=192, 168
        Size in pixels (at least 32 each); the default covers 960 m x 840 m.
    n_bands : int, default=120
        Bands from 400 nm in steps of 17.5 nm (at least 8).
    seed : int, default=0
        Seed of every random choice (layout, variation, noise).

    Returns
    -------
    SyntheticScene

    Raises
    ------
    ScdscError
        If a size is too small or not an integer.

    Examples
    --------
    >>> scene = make_scene(width=48, height=40, n_bands=30)
    >>> scene.cube.shape, scene.labels.shape, int(scene.labels.max())
    ((30, 40, 48), (40, 48), 6)
    """
    for name, value, least in (("width", width, _MIN_SIZE), ("height", height, _MIN_SIZE),
                               ("n_bands", n_bands, _MIN_BANDS)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < least:
            raise ScdscError(f"{name} must be an integer >= {least}, got {value!r}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ScdscError(f"seed must be an integer >= 0, got {seed!r}")
    layout_seed, variation_seed, noise_seed = np.random.SeedSequence(int(seed)).spawn(3)
    labels = _layout(int(height), int(width), np.random.default_rng(layout_seed))
    wavelengths = FIRST_WAVELENGTH_NM + WAVELENGTH_STEP_NM * np.arange(n_bands)
    cube = _render(labels, wavelengths, np.random.default_rng(variation_seed), np.random.default_rng(noise_seed))
    return SyntheticScene(cube=cube, labels=labels, class_names=list(CLASS_NAMES), wavelengths_nm=wavelengths)


def write_scene(folder, **kwargs) -> Tuple[str, str]:
    """Generate the demo scene and write it as two GeoTIFFs, ``image.tif`` and ``labels.tif``, with QGIS styles.

    The image is float32 reflectance, one band per wavelength, each band described as ``"band N (λ nm)"`` with
    ``wavelength`` and ``wavelength_units`` metadata. The labels are a Byte raster (classes 1..K, 0 = nodata)
    with GDAL category names and a colour table. Both are in EPSG:32633 with 5 m pixels. ``labels.qml`` shows
    the classes in their map colours, ``image.qml`` the image in true colour.

    Parameters
    ----------
    folder : path
        Created if missing; existing ``image.tif``/``labels.tif`` are replaced.
    **kwargs
        Passed to :func:`make_scene` (``width``, ``height``, ``n_bands``, ``seed``).

    Returns
    -------
    image_path, labels_path : str

    Raises
    ------
    ScdscError
        If the folder cannot be created, or as :func:`make_scene`.
    """
    from osgeo import gdal, osr

    from .outputs import atomic_output

    gdal.UseExceptions()
    scene = make_scene(**kwargs)
    folder = os.path.abspath(os.fspath(folder))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise ScdscError(f"cannot create the scene folder {folder}: {exc.strerror}") from exc
    image_path = os.path.join(folder, "image.tif")
    labels_path = os.path.join(folder, "labels.tif")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(scene.epsg)
    wkt = srs.ExportToWkt()
    n_bands, height, width = scene.cube.shape
    seed = kwargs.get("seed", 0)

    with atomic_output(image_path) as tmp:
        ds = gdal.GetDriverByName("GTiff").Create(tmp, width, height, n_bands, gdal.GDT_Float32,
                                                  ["INTERLEAVE=PIXEL"])
        ds.SetGeoTransform(scene.geotransform)
        ds.SetProjection(wkt)
        ds.SetMetadata({"DESCRIPTION": f"SCDSC synthetic demo scene (seed {seed}): surface reflectance 0..1",
                        "CLASSES": ", ".join(scene.class_names)})
        for b in range(n_bands):
            band = ds.GetRasterBand(b + 1)
            wavelength = f"{scene.wavelengths_nm[b]:g}"
            band.SetDescription(f"band {b + 1} ({wavelength} nm)")
            band.SetMetadata({"wavelength": wavelength, "wavelength_units": "Nanometers"})
            band.WriteArray(scene.cube[b])
        ds.FlushCache()
        ds = None

    with atomic_output(labels_path) as tmp:
        ds = gdal.GetDriverByName("GTiff").Create(tmp, width, height, 1, gdal.GDT_Byte)
        ds.SetGeoTransform(scene.geotransform)
        ds.SetProjection(wkt)
        ds.SetMetadata({"DESCRIPTION": f"SCDSC synthetic demo scene (seed {seed}): reference land cover"})
        band = ds.GetRasterBand(1)
        band.SetNoDataValue(0)
        band.SetDescription("land cover")
        _apply_color_table(band, scene.class_names, scene.class_colors)
        band.WriteArray(scene.labels)
        ds.FlushCache()
        ds = None
    _write_style(os.path.splitext(labels_path)[0] + ".qml", scene.class_names, scene.class_colors)
    _write_true_colour_style(os.path.splitext(image_path)[0] + ".qml", scene.wavelengths_nm)
    logger.info("wrote the synthetic scene (%d x %d pixels, %d bands, seed %s) to %s", width, height, n_bands,
                seed, folder)
    return image_path, labels_path


def _apply_color_table(band, names, colors) -> None:
    """Category names and colour table of the label band (the shared style helper)."""
    from .style import apply_color_table

    apply_color_table(band, len(names), names, colors)


def _write_style(path: str, names, colors) -> None:
    """The QGIS paletted style beside the labels (the shared style helper)."""
    from .style import write_paletted_qml

    write_paletted_qml(path, len(names), colors, names)


def _true_colour_bands(wavelengths_nm) -> Tuple[int, int, int]:
    """1-based bands nearest to 640, 550 and 470 nm (red, green, blue)."""
    w = np.asarray(wavelengths_nm)
    return tuple(int(np.argmin(np.abs(w - target))) + 1 for target in (640.0, 550.0, 470.0))


def _write_true_colour_style(path: str, wavelengths_nm) -> None:
    """A QGIS 3.22 style showing the image in true colour (QGIS would otherwise show bands 1-3, all blue)."""
    from .outputs import atomic_output

    red, green, blue = _true_colour_bands(wavelengths_nm)

    def enhancement(colour: str, maximum: float) -> str:
        return (f"      <{colour}ContrastEnhancement>\n"
                f"        <minValue>0</minValue>\n        <maxValue>{maximum:g}</maxValue>\n"
                f"        <algorithm>StretchToMinimumMaximum</algorithm>\n"
                f"      </{colour}ContrastEnhancement>\n")

    text = ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            '<qgis version="3.22" styleCategories="AllStyleCategories">\n  <pipe>\n'
            f'    <rasterrenderer type="multibandcolor" redBand="{red}" greenBand="{green}" blueBand="{blue}"'
            ' opacity="1" alphaBand="-1" nodataColor="">\n'
            "      <rasterTransparency/>\n"
            + enhancement("red", 0.35) + enhancement("green", 0.25) + enhancement("blue", 0.2)
            + "    </rasterrenderer>\n"
            '    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>\n'
            '    <rasterresampler maxOversampling="2"/>\n'
            "  </pipe>\n  <blendMode>0</blendMode>\n</qgis>\n")
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)


# --------------------------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------------------------

# Object sizes on the ground, in metres (converted to pixels with PIXEL_SIZE).
PARCEL_AREA_M2 = 50_000.0           # one parcel per ~5 ha
RIVER_WIDTH_M = (50.0, 80.0)        # narrowest and widest
ROAD_HALF_WIDTH_M = 15.0
HALL_HALF_LENGTH_M = (35.0, 70.0)   # farm and warehouse halls on the built-up parcels
HALL_HALF_WIDTH_M = (22.0, 40.0)
MIN_HALL_M2 = 1000.0
LANE_M = 10.0                       # between the halls of a plot
NETWORK_AREA_M2 = 1280.0 * 1120.0   # one river and one road network per ~1.4 km²
# What a parcel is used for; every use gets about the same share of the parcels' area.
PARCEL_USES = (VEGETATION, DRY_GRASS, BARE_SOIL, WATER, ASPHALT, ROOFS)


def _layout(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """The class map: Voronoi parcels (crops, ponds, paved yards, built-up plots), then a river and roads.

    Counts grow with the ground area (the default 960 m x 840 m scene has 16 parcels, one river and three roads),
    so that the class shares stay about the same at any size.
    """
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    area_m2 = height * width * PIXEL_SIZE ** 2
    networks = max(1, int(round(np.sqrt(area_m2 / NETWORK_AREA_M2))))
    owner, use = _parcels(rows, cols, rng, n_parcels=max(6, int(round(area_m2 / PARCEL_AREA_M2))))
    labels = use[owner]
    for i in range(networks):
        labels[_river(rows, cols, rng, (i + 0.5) / networks, 1.0 / networks)] = WATER
    roads = np.zeros(labels.shape, dtype=bool)
    for _ in range(networks):
        roads |= _roads(rows, cols, rng)
    labels[roads] = ASPHALT
    for parcel in np.flatnonzero(use == ROOFS):
        plot = (owner == parcel) & (labels == ROOFS)
        labels[plot] = ASPHALT
        labels[_halls(plot, rng)] = ROOFS
    return labels


def _parcels(rows, cols, rng, n_parcels: int):
    """Voronoi parcels and their uses: the owner parcel of every pixel and the use (class) of every parcel."""
    height, width = rows.shape
    from scipy.spatial import cKDTree

    centres = rng.uniform([0, 0], [height, width], size=(n_parcels, 2))
    owner = cKDTree(centres).query(np.stack([rows.ravel(), cols.ravel()], axis=1))[1].reshape(rows.shape)
    # Largest parcel first, each to the use with the least area so far: the uses get about equal shares.
    areas = np.bincount(owner.ravel(), minlength=n_parcels)
    uses = np.array(PARCEL_USES, dtype=np.uint8)
    use = np.empty(n_parcels, dtype=np.uint8)
    use_area = np.zeros(len(uses))
    rotation = rng.permutation(len(uses))   # which use gets the largest parcel (ties go in this order)
    for parcel in np.argsort(-areas, kind="stable"):
        pick = rotation[np.argmin(use_area[rotation])]
        use[parcel] = uses[pick]
        use_area[pick] += areas[parcel]
    return owner, use


def _river(rows, cols, rng, centre: float, share: float) -> np.ndarray:
    """A meandering river from the top to the bottom edge, 50-80 m wide, around column ``centre·width``
    (``share`` is the fraction of the width it may wander over)."""
    height, width = rows.shape
    t = np.linspace(-0.1, 1.1, 600)
    centre_col = width * (centre + share * rng.uniform(-0.2, 0.2))
    amplitude = width * share * rng.uniform(0.08, 0.14)
    wavelength = height * rng.uniform(0.55, 0.8)
    phase = rng.uniform(0, 2 * np.pi)
    line_rows = t * height
    line_cols = (centre_col + amplitude * np.sin(2 * np.pi * line_rows / wavelength + phase)
                 + 0.3 * amplitude * np.sin(2 * np.pi * line_rows / (0.37 * wavelength) + 2 * phase))
    narrow, wide = (w / PIXEL_SIZE for w in RIVER_WIDTH_M)
    half_width = 0.5 * (narrow + (wide - narrow) * (0.5 + 0.5 * np.sin(2 * np.pi * t * 1.3 + phase)))
    distance, nearest = _distance_to_polyline(rows, cols, line_rows, line_cols, half_width.max())
    return distance <= half_width[np.minimum(nearest, t.size - 1)]


def _roads(rows, cols, rng) -> np.ndarray:
    """Three straight roads, 30 m wide: two crossing the scene and one branch joining the first."""
    height, width = rows.shape
    half_width = ROAD_HALF_WIDTH_M / PIXEL_SIZE
    mask = np.zeros(rows.shape, dtype=bool)
    a = (rng.uniform(0.15, 0.4) * height, -2.0)
    b = (rng.uniform(0.5, 0.85) * height, width + 1.0)
    c = (-2.0, rng.uniform(0.15, 0.45) * width)
    d = (height + 1.0, rng.uniform(0.55, 0.9) * width)
    for (r0, c0), (r1, c1) in ((a, b), (c, d)):
        mask |= _distance_to_segment(rows, cols, r0, c0, r1, c1) <= half_width
    # A branch from a point of the first road to the bottom edge.
    s = rng.uniform(0.2, 0.4)
    start = (a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1]))
    end_col = start[1] + rng.uniform(-0.2, 0.2) * width
    mask |= _distance_to_segment(rows, cols, *start, height + 1.0, end_col) <= half_width
    return mask


def _halls(plot, rng) -> np.ndarray:
    """Rectangular halls in rows inside a built-up plot, separated by lanes, like a farmyard or a depot."""
    roofs = np.zeros(plot.shape, dtype=bool)
    inside_plot = ndimage.binary_erosion(plot, iterations=1)
    if not inside_plot.any():
        return roofs
    rows, cols = np.nonzero(inside_plot)
    (long_low, long_high), (short_low, short_high) = ((lo / PIXEL_SIZE, hi / PIXEL_SIZE) for lo, hi in
                                                      (HALL_HALF_LENGTH_M, HALL_HALF_WIDTH_M))
    lane = LANE_M / PIXEL_SIZE
    # One hall size per plot (a depot's halls are alike); the long side runs along the rows or the columns.
    half = np.array([rng.uniform(short_low, short_high), rng.uniform(long_low, long_high)])
    if rng.uniform() < 0.5:
        half = half[::-1]
    cell = 2 * half + lane
    start = np.array([rows.min(), cols.min()]) - rng.uniform(0, 1, 2) * cell
    for r_cell in np.arange(start[0], rows.max() + 1, cell[0]):
        for c_cell in np.arange(start[1], cols.max() + 1, cell[1]):
            centre = np.array([r_cell, c_cell]) + cell / 2
            r_lo, c_lo = np.maximum(np.ceil(centre - half).astype(int), 0)
            r_hi, c_hi = np.floor(centre + half).astype(int)
            # A hall cut by the plot's edge (or a road through it) keeps its largest inner part, unless a sliver.
            pieces, n_pieces = ndimage.label(inside_plot[r_lo:r_hi + 1, c_lo:c_hi + 1])
            if not n_pieces:
                continue
            footprint = pieces == 1 + np.argmax(np.bincount(pieces.ravel())[1:])
            if footprint.sum() >= MIN_HALL_M2 / PIXEL_SIZE ** 2:
                roofs[r_lo:r_hi + 1, c_lo:c_hi + 1] |= footprint
    return roofs


def _distance_to_polyline(rows, cols, line_rows, line_cols, reach: float):
    """Distance of every pixel to a densely sampled line and the index of the nearest sample; pixels farther
    than ``reach`` get an infinite distance (and the index ``len(line_rows)``)."""
    from scipy.spatial import cKDTree

    tree = cKDTree(np.stack([line_rows, line_cols], axis=1))
    distance, nearest = tree.query(np.stack([rows.ravel(), cols.ravel()], axis=1), distance_upper_bound=reach + 1)
    return distance.reshape(rows.shape), nearest.reshape(rows.shape)


def _distance_to_segment(rows, cols, r0, c0, r1, c1) -> np.ndarray:
    """Distance of every pixel centre to the segment (r0, c0)-(r1, c1)."""
    dr, dc = r1 - r0, c1 - c0
    t = np.clip(((rows - r0) * dr + (cols - c0) * dc) / (dr * dr + dc * dc), 0.0, 1.0)
    return np.hypot(rows - (r0 + t * dr), cols - (c0 + t * dc))


# --------------------------------------------------------------------------------------------------------------
# Spectra
# --------------------------------------------------------------------------------------------------------------

def _sigmoid(x, centre, width):
    return 1.0 / (1.0 + np.exp(-(x - centre) / width))


def _gauss(x, centre, width):
    return np.exp(-0.5 * ((x - centre) / width) ** 2)


def _water(w, p, q):
    """Clear to slightly turbid water (p: turbidity, q: chlorophyll): dark, ~0 beyond 900 nm."""
    visible = 0.032 + 0.022 * (1 + 0.5 * p) * _gauss(w, 560, 55) - 0.004 * (1 + q) * _gauss(w, 440, 25)
    return visible * np.exp(-np.maximum(w - 580, 0) / (115 + 20 * p)) + 0.004 * (1 + q) * _gauss(w, 705, 15)


def _vegetation(w, p, q):
    """Green vegetation (p: vigour/LAI, q: leaf water): green peak, red edge, NIR plateau, water dips."""
    visible = 0.035 + 0.05 * _gauss(w, 550, 35) - 0.015 * _gauss(w, 675, 22) - 0.01 * _gauss(w, 450, 30)
    plateau = (0.46 + 0.06 * p) - 0.20 * _sigmoid(w, 1350, 60) - 0.11 * _sigmoid(w, 2000, 150)
    water = (1 - (0.45 + 0.08 * q) * _gauss(w, 1450, 55) - (0.6 + 0.08 * q) * _gauss(w, 1940, 70)
             - 0.08 * _gauss(w, 1200, 40) - 0.05 * _gauss(w, 970, 30))
    edge = _sigmoid(w, 715 - 5 * p, 14)
    return (visible * (1 - edge) + plateau * edge) * water


def _dry_grass(w, p, q):
    """Senescent grass/stubble (p: dryness, q: soil background): straw-yellow, weak red edge, leaf-water dips
    at 1450/1930 nm, cellulose/lignin absorption at 2100 and 2300 nm."""
    base = (0.06 + (0.12 + 0.02 * p) * _sigmoid(w, 580, 50) + (0.10 - 0.02 * p) * _sigmoid(w, 715, 22)
            + 0.08 * _sigmoid(w, 1150, 150) + 0.02 * q * _sigmoid(w, 900, 300))
    absorption = (1 - (0.3 - 0.05 * p) * _gauss(w, 1450, 60) - (0.45 - 0.06 * p) * _gauss(w, 1930, 70)
                  - 0.15 * _gauss(w, 2100, 45) - 0.1 * _gauss(w, 2300, 40) - 0.3 * _sigmoid(w, 2380, 60))
    return base * absorption


def _bare_soil(w, p, q):
    """Bare soil (p: moisture, q: iron content): rises smoothly, small hydroxyl and clay dips."""
    rise = 0.06 + 0.27 * (1 - np.exp(-(w - 380) / 650)) + 0.02 * q * _sigmoid(w, 560, 40)
    dips = (1 - 0.04 * q * _gauss(w, 900, 80) - (0.06 + 0.08 * max(p, 0)) * _gauss(w, 1420, 50)
            - (0.09 + 0.12 * max(p, 0)) * _gauss(w, 1920, 60) - 0.05 * _gauss(w, 2205, 30))
    return rise * dips * (1 - 0.15 * p)


def _asphalt(w, p, q):
    """Asphalt (p: ageing, q: dust): dark and nearly flat, faint hydrocarbon dips."""
    flat = 0.075 + 0.02 * p + (0.035 + 0.01 * q) * (w - 400) / 2100
    return flat * (1 - 0.06 * _gauss(w, 1730, 30) - 0.08 * _gauss(w, 2310, 35))


def _roofs(w, p, q):
    """Red clay tiles (p: ageing/dirt, q: glaze): dark blue-green, sharp rise near 590 nm, iron-oxide dip near
    880 nm, a dry (no water dips) slowly falling SWIR."""
    base = (0.055 + 0.01 * p + (0.28 - 0.04 * p) * _sigmoid(w, 592, 14) + (0.07 + 0.02 * q) * _sigmoid(w, 760, 60)
            - 0.09 * _sigmoid(w, 1700, 300))
    return base * (1 - 0.14 * _gauss(w, 880, 70) - 0.05 * _gauss(w, 2210, 35))


_SPECTRA: Dict[int, Callable] = {WATER: _water, VEGETATION: _vegetation, DRY_GRASS: _dry_grass,
                                 BARE_SOIL: _bare_soil, ASPHALT: _asphalt, ROOFS: _roofs}


def class_spectra(wavelengths_nm, p: float = 0.0, q: float = 0.0) -> np.ndarray:
    """Reflectance of the six classes at the given wavelengths for variation parameters p and q (about -1..1).

    Returns
    -------
    ndarray of float64, shape (6, B); row 0 is class 1 (water).
    """
    w = np.asarray(wavelengths_nm, dtype=np.float64)
    return np.stack([_SPECTRA[k](w, p, q) for k in range(1, 7)])


def _smooth_field(shape, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Spatially correlated noise with zero mean and unit standard deviation."""
    field_ = ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="reflect")
    return (field_ - field_.mean()) / field_.std()


# Correlation lengths (Gaussian sigma, metres) of the two spectral parameters and of brightness.
VARIATION_LENGTH_M = (60.0, 90.0, 120.0)


def _render(labels, wavelengths, rng: np.random.Generator, noise_rng: np.random.Generator) -> np.ndarray:
    """The (B, H, W) reflectance cube: per-pixel mixtures of varied class spectra, plus sensor noise."""
    height, width = labels.shape
    n_classes = len(CLASS_NAMES)
    # Each class spectrum is linearised in its two parameters: s(p, q) ≈ s0 + p·(s(1, 0) - s0) + q·(s(0, 1) - s0).
    base = class_spectra(wavelengths)
    d_p = class_spectra(wavelengths, 1.0, 0.0) - base
    d_q = class_spectra(wavelengths, 0.0, 1.0) - base
    # Spatially correlated parameters; fields also get a per-polygon offset (a crop's stage differs per field).
    p = 0.35 * _smooth_field(labels.shape, VARIATION_LENGTH_M[0] / PIXEL_SIZE, rng)
    q = 0.35 * _smooth_field(labels.shape, VARIATION_LENGTH_M[1] / PIXEL_SIZE, rng)
    _, parcel = np.unique(ndimage.label(np.isin(labels, (VEGETATION, DRY_GRASS, BARE_SOIL)))[0],
                          return_inverse=True)
    p = p + rng.normal(0.0, 0.15, parcel.max() + 1)[parcel.reshape(labels.shape)]
    brightness = 1.0 + 0.06 * _smooth_field(labels.shape, VARIATION_LENGTH_M[2] / PIXEL_SIZE, rng)
    # Mixed pixels at borders: blurred class abundances (sum to 1).
    abundance = np.stack([ndimage.gaussian_filter((labels == k).astype(np.float64), 0.6, mode="nearest")
                          for k in range(1, n_classes + 1)])
    abundance /= abundance.sum(axis=0, keepdims=True)
    a = abundance.reshape(n_classes, -1).T                       # (N, K)
    pf, qf = p.reshape(-1, 1), q.reshape(-1, 1)
    weights = np.concatenate([a, a * pf, a * qf], axis=1) * brightness.reshape(-1, 1)   # (N, 3K)
    spectra = np.concatenate([base, d_p, d_q], axis=0)         # (3K, B)
    # Bands first from the start: (3K, B)^T @ (N, 3K)^T gives (B, N) without a transposed copy.
    cube = matmul(spectra.T.astype(np.float32), weights.T.astype(np.float32))
    # Sensor noise: a floor plus a signal-dependent part, larger where the atmosphere absorbs (1400/1900 nm).
    atmosphere = _gauss(wavelengths, 1400, 40) + _gauss(wavelengths, 1880, 50) + 0.5 * _sigmoid(wavelengths, 2400, 40)
    sigma = (0.003 + 0.008 * atmosphere).astype(np.float32)[:, None]
    noise = noise_rng.standard_normal(cube.shape, dtype=np.float32)
    cube += noise * (sigma + np.float32(0.01) * cube)
    np.clip(cube, 0.0, 1.0, out=cube)
    return cube.reshape(len(wavelengths), height, width)
