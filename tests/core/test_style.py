"""Tests of scdsc_core.style: fixed palette, names, colour tables and QGIS styles."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import xml.etree.ElementTree as ET

import pytest
from osgeo import gdal

from scdsc_core import style

gdal.UseExceptions()


def test_palette_is_fixed_and_prefix_stable():
    assert style.cluster_colors(3) == [(31, 119, 180), (255, 127, 14), (44, 160, 44)]
    assert style.cluster_colors(0) == []
    many = style.cluster_colors(313)
    assert style.cluster_colors(313) == many
    assert style.cluster_colors(25) == many[:25]
    assert all(len(c) == 3 and all(isinstance(v, int) and 0 <= v <= 255 for v in c) for c in many)
    with pytest.raises(ValueError, match="k must be >= 0"):
        style.cluster_colors(-1)


def test_palette_colours_are_distinct():
    colors = style.cluster_colors(313)  # K <= 313 (§8)
    assert len(set(colors)) == 313
    first = style.cluster_colors(20)
    # the hand-picked part is far apart: no two colours closer than 50 in RGB distance
    closest = min(sum((a - b) ** 2 for a, b in zip(c1, c2)) ** 0.5
                  for i, c1 in enumerate(first) for c2 in first[i + 1:])
    assert closest > 50


def test_cluster_names():
    assert style.cluster_names(3) == ["Cluster 1", "Cluster 2", "Cluster 3"]
    assert style.cluster_names(0) == []


def test_apply_color_table():
    ds = gdal.GetDriverByName("MEM").Create("", 2, 2, 1, gdal.GDT_Byte)
    band = ds.GetRasterBand(1)
    style.apply_color_table(band, 2, ["water", "forest"])
    table = band.GetRasterColorTable()
    assert table.GetColorEntry(0) == (0, 0, 0, 0)
    assert table.GetColorEntry(1) == (31, 119, 180, 255) and table.GetColorEntry(2) == (255, 127, 14, 255)
    assert band.GetCategoryNames() == ["nodata", "water", "forest"]
    assert band.GetRasterColorInterpretation() == gdal.GCI_PaletteIndex
    with pytest.raises(ValueError, match=r"one name per cluster \(2\), got 1"):
        style.apply_color_table(band, 2, ["water"])


def test_paletted_qml_structure(tmp_path):
    path = style.write_paletted_qml(tmp_path / "labels.qml", 3, names=["a", 'b "<&>"', "c"])
    assert path == str(tmp_path / "labels.qml") and os.listdir(tmp_path) == ["labels.qml"]
    text = (tmp_path / "labels.qml").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE qgis")
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.tag == "qgis" and root.get("version") == "3.22"
    renderer = root.find("pipe/rasterrenderer")
    assert renderer.get("type") == "paletted" and renderer.get("band") == "1"
    entries = renderer.findall("colorPalette/paletteEntry")
    assert [e.get("value") for e in entries] == ["1", "2", "3"]
    assert [e.get("label") for e in entries] == ["a", 'b "<&>"', "c"]
    assert [e.get("color") for e in entries] == ["#1f77b4", "#ff7f0e", "#2ca02c"]
    custom = style.paletted_qml(2, colors=[(1, 2, 3), (255, 0, 16)])
    assert 'color="#010203"' in custom and 'color="#ff0010"' in custom and 'label="Cluster 2"' in custom


def test_gray_qml_structure(tmp_path):
    style.write_gray_qml(tmp_path / "confidence.qml", 0, 1)
    root = ET.fromstring((tmp_path / "confidence.qml").read_text().split("\n", 1)[1])
    renderer = root.find("pipe/rasterrenderer")
    assert renderer.get("type") == "singlebandgray" and renderer.get("grayBand") == "1"
    assert float(renderer.find("contrastEnhancement/minValue").text) == 0.0
    assert float(renderer.find("contrastEnhancement/maxValue").text) == 1.0
    assert renderer.find("contrastEnhancement/algorithm").text == "StretchToMinimumMaximum"
