"""QGIS loads the styles written beside label and confidence rasters."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
from qgis.core import QgsRasterLayer

from scdsc_core.raster import ArraySource, write_float_raster, write_labels
from scdsc_core.style import cluster_colors


def test_label_raster_opens_paletted_with_cluster_colours(qgis_app, tmp_path):
    source = ArraySource(np.zeros((6, 7, 2), dtype=np.float32))
    labels = (np.arange(42, dtype=np.int32) % 5).reshape(6, 7) - 1  # -1 (nodata) and clusters 0..3
    path = write_labels(tmp_path / "labels.tif", labels, source, 4, class_names=["water", "soil", "trees", "roof"])
    layer = QgsRasterLayer(path, "labels")
    assert layer.isValid()
    renderer = layer.renderer()
    assert renderer.type() == "paletted"
    classes = renderer.classes()
    assert [c.value for c in classes] == [1, 2, 3, 4]
    assert [c.label for c in classes] == ["water", "soil", "trees", "roof"]
    assert [(c.color.red(), c.color.green(), c.color.blue()) for c in classes] == cluster_colors(4)
    assert layer.dataProvider().sourceNoDataValue(1) == 0


def test_confidence_raster_opens_grey_stretched_0_to_1(qgis_app, tmp_path):
    source = ArraySource(np.zeros((4, 4, 2), dtype=np.float32))
    confidence = np.linspace(0.2, 0.9, 16, dtype=np.float32).reshape(4, 4)
    path = write_float_raster(tmp_path / "confidence.tif", confidence, source, style="gray")
    layer = QgsRasterLayer(path, "confidence")
    assert layer.isValid()
    renderer = layer.renderer()
    assert renderer.type() == "singlebandgray"
    enhancement = renderer.contrastEnhancement()
    assert enhancement.minimumValue() == 0.0 and enhancement.maximumValue() == 1.0
