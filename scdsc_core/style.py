"""Fixed cluster colours and names, GDAL colour tables and QGIS ``.qml`` styles for the outputs."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import colorsys
from typing import List, Optional, Sequence, Tuple
from xml.sax.saxutils import quoteattr

from .outputs import atomic_output

RGB = Tuple[int, int, int]

# Hand-picked qualitative palette: matplotlib's tab10 (well known, the colours of the benchmark scenes' label
# styles), then ten colours of Sasha Trubetskoy's "20 distinct colours" that stay apart from tab10 (no two of the 20
# closer than 50 in RGB). Fixed so that cluster k has the same colour in every run, map and report (colours are
# never random, see docs/style.md).
_PALETTE: Tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#ffe119", "#000075", "#bfef45", "#800000", "#469990",
    "#f032e6", "#aaffc3", "#fabed4", "#dcbeff", "#808000",
)

_GOLDEN_RATIO_CONJUGATE = 0.618033988749895

# The header QGIS 3.22 writes; QGIS ignores elements it does not know and fills in defaults for missing ones.
_QML_HEADER = ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
               '<qgis version="3.22" styleCategories="AllStyleCategories">\n')

_MIN_MAX_ORIGIN = """      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
"""


def _hex_to_rgb(code: str) -> RGB:
    """``"#rrggbb"`` -> ``(r, g, b)``."""
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)


def _rgb_to_hex(rgb: Sequence[int]) -> str:
    """``(r, g, b)`` -> ``"#rrggbb"``."""
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb[:3]))


def _extended_color(index: int) -> RGB:
    """Colour number ``index`` (>= len(_PALETTE)): golden-ratio hue steps over four saturation/value rings.

    Consecutive indices land far apart on the hue circle; the rings keep colours apart once hues get dense.
    """
    hue = (index * _GOLDEN_RATIO_CONJUGATE) % 1.0
    ring = (index // 7) % 4
    saturation = (0.85, 0.55, 0.95, 0.40)[ring]
    value = (0.95, 0.80, 0.60, 0.90)[ring]
    r, g, b = colorsys.hsv_to_rgb(hue, saturation, value)
    return int(round(r * 255)), int(round(g * 255)), int(round(b * 255))


def cluster_colors(k: int) -> List[RGB]:
    """The fixed colours of clusters 1..k.

    Parameters
    ----------
    k : int
        Number of clusters (>= 0).

    Returns
    -------
    colors : list of (int, int, int)
        ``colors[i]`` is the RGB colour of cluster ``i + 1``. The first 20 are a hand-picked qualitative palette;
        further colours follow a deterministic golden-ratio hue sequence. The same ``k`` always gives the same
        list, and ``cluster_colors(k)`` is a prefix of ``cluster_colors(k + 1)``.

    Examples
    --------
    >>> cluster_colors(2)
    [(31, 119, 180), (255, 127, 14)]
    """
    k = int(k)
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    colors = [_hex_to_rgb(c) for c in _PALETTE[:k]]
    colors.extend(_extended_color(i) for i in range(len(_PALETTE), k))
    return colors


def cluster_names(k: int) -> List[str]:
    """Default names of clusters 1..k: ``["Cluster 1", ..., "Cluster k"]``.

    Examples
    --------
    >>> cluster_names(2)
    ['Cluster 1', 'Cluster 2']
    """
    return [f"Cluster {i}" for i in range(1, int(k) + 1)]


def _checked_names(k: int, names: Optional[Sequence[str]]) -> List[str]:
    """``names`` as a list of k strings (default names when None)."""
    if names is None:
        return cluster_names(k)
    names = [str(n) for n in names]
    if len(names) != k:
        raise ValueError(f"names must hold one name per cluster ({k}), got {len(names)}")
    return names


def _checked_colors(k: int, colors: Optional[Sequence[Sequence[int]]]) -> List[RGB]:
    """``colors`` as a list of k RGB tuples (the fixed palette when None)."""
    if colors is None:
        return cluster_colors(k)
    colors = [tuple(int(c) for c in rgb[:3]) for rgb in colors]
    if len(colors) != k:
        raise ValueError(f"colors must hold one colour per cluster ({k}), got {len(colors)}")
    return colors


def apply_color_table(gdal_band, k: int, names: Optional[Sequence[str]] = None,
                      colors: Optional[Sequence[Sequence[int]]] = None) -> None:
    """Give a label band (0 = nodata, clusters 1..k) its colour table and category names.

    Parameters
    ----------
    gdal_band : osgeo.gdal.Band
        A writable band of a Byte or UInt16 raster.
    k : int
        Number of clusters.
    names : list of str, optional
        Names of clusters 1..k; default :func:`cluster_names`. Category 0 is named ``"nodata"``.
    colors : list of (r, g, b), optional
        Default :func:`cluster_colors`.
    """
    from osgeo import gdal

    names = _checked_names(k, names)
    colors = _checked_colors(k, colors)
    table = gdal.ColorTable()
    table.SetColorEntry(0, (0, 0, 0, 0))  # nodata: transparent
    for value, (r, g, b) in enumerate(colors, start=1):
        table.SetColorEntry(value, (r, g, b, 255))
    gdal_band.SetRasterColorTable(table)
    gdal_band.SetRasterColorInterpretation(gdal.GCI_PaletteIndex)
    gdal_band.SetCategoryNames(["nodata"] + names)


def paletted_qml(k: int, colors: Optional[Sequence[Sequence[int]]] = None,
                 names: Optional[Sequence[str]] = None, band: int = 1) -> str:
    """The text of a QGIS paletted-renderer style for values 1..k (see :func:`write_paletted_qml`)."""
    names = _checked_names(k, names)
    colors = _checked_colors(k, colors)
    entries = "".join(
        f"        <paletteEntry value=\"{value}\" label={quoteattr(name)} alpha=\"255\" "
        f"color=\"{_rgb_to_hex(rgb)}\"/>\n"
        for value, (name, rgb) in enumerate(zip(names, colors), start=1))
    return (_QML_HEADER
            + "  <pipe>\n"
            + f'    <rasterrenderer type="paletted" band="{int(band)}" opacity="1" alphaBand="-1" nodataColor="">\n'
            + _MIN_MAX_ORIGIN
            + "      <colorPalette>\n" + entries + "      </colorPalette>\n"
            + "    </rasterrenderer>\n"
            + "  </pipe>\n"
            + "</qgis>\n")


def gray_qml(minimum: float = 0.0, maximum: float = 1.0, band: int = 1) -> str:
    """The text of a QGIS single-band grey style stretched from ``minimum`` to ``maximum``."""
    return (_QML_HEADER
            + "  <pipe>\n"
            + f'    <rasterrenderer type="singlebandgray" grayBand="{int(band)}" gradient="BlackToWhite" '
              'opacity="1" alphaBand="-1" nodataColor="">\n'
            + _MIN_MAX_ORIGIN
            + "      <contrastEnhancement>\n"
            + f"        <minValue>{float(minimum)!r}</minValue>\n"
            + f"        <maxValue>{float(maximum)!r}</maxValue>\n"
            + "        <algorithm>StretchToMinimumMaximum</algorithm>\n"
            + "      </contrastEnhancement>\n"
            + "    </rasterrenderer>\n"
            + "  </pipe>\n"
            + "</qgis>\n")


def _write_text_atomic(path, text: str) -> str:
    """Write ``text`` to ``path`` (UTF-8) through :func:`outputs.atomic_output`; returns the path."""

    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
    return str(path)


def write_paletted_qml(path, k: int, colors: Optional[Sequence[Sequence[int]]] = None,
                       names: Optional[Sequence[str]] = None) -> str:
    """Write a QGIS 3.22 style (``.qml``) that shows a label raster with one colour per cluster.

    QGIS loads ``<raster name without extension>.qml`` automatically when the raster is added.

    Parameters
    ----------
    path : path
        The ``.qml`` file to write (atomically).
    k : int
        Number of clusters: one ``paletteEntry`` for each value 1..k (0 is nodata and is not listed).
    colors : list of (r, g, b), optional
        Default :func:`cluster_colors`.
    names : list of str, optional
        Legend labels; default :func:`cluster_names`.

    Returns
    -------
    path : str
    """
    return _write_text_atomic(path, paletted_qml(k, colors, names))


def write_gray_qml(path, minimum: float = 0.0, maximum: float = 1.0) -> str:
    """Write a QGIS 3.22 style (``.qml``) showing band 1 in grey, stretched from ``minimum`` to ``maximum``.

    Used for the confidence raster (0..1).

    Returns
    -------
    path : str
    """
    return _write_text_atomic(path, gray_qml(minimum, maximum))
