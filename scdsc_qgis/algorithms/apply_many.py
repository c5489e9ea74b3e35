"""``scdsc:apply_many``: label many rasters with a saved SCDSC model, window by window (Dask or this process)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import (QgsProcessingOutputMultipleLayers, QgsProcessingParameterBoolean,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterMultipleLayers,
                       QgsProcessingParameterNumber, QgsProcessingParameterString)

from .base import INTEGER, RASTER, ScdscAlgorithm


class ApplyManyAlgorithm(ScdscAlgorithm):
    """Apply SCDSC model to many rasters (``scdsc_core.distributed.apply_many``)."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Labels many rasters with one saved model, a window of rows at a time, so that the cluster "
                       "numbers mean the same class on every raster. Each raster gets a styled mosaic (VRT) and its "
                       "tiles in the output folder. With a Dask scheduler address the windows run on that cluster; "
                       "empty runs them here.")

    def name(self) -> str:
        """``apply_many`` (frozen)."""
        return "apply_many"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("Apply SCDSC model to many rasters")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add_model()
        self._add(QgsProcessingParameterMultipleLayers("INPUTS", self.tr("Input rasters"), RASTER),
                  self.tr("The rasters to label; each must have the bands the model was trained on."))
        self._add(QgsProcessingParameterBoolean("CONFIDENCE", self.tr("Also write confidence mosaics"), False),
                  self.tr("One confidence mosaic per raster (largest soft assignment, 0..1)."))
        self._add(QgsProcessingParameterNumber("WINDOW_ROWS", self.tr("Rows per task"), INTEGER, None,
                                               optional=True, minValue=1),
                  self.tr("Rows of one window, the unit of work. Empty: 256."), advanced=True)
        self._add(QgsProcessingParameterString("SCHEDULER", self.tr("Dask scheduler address"), optional=True),
                  self.tr("A running Dask scheduler (tcp://host:8786). Empty: the windows run in this process."),
                  advanced=True)
        self._add(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Output folder")),
                  self.tr("Gets one mosaic (.vrt with a .qml style) and a folder of tiles per input raster."))
        self.addOutput(QgsProcessingOutputMultipleLayers("MOSAICS", self.tr("Mosaics")))

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """The GDAL paths of the input layers (main thread)."""
        self._prepare_inputs(parameters, context)
        return True

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.distributed.apply_many`` (on a Dask client when an address is given)."""
        self._core_api(feedback)
        from scdsc_core.distributed import apply_many

        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        window_rows = self.parameterAsInt(parameters, "WINDOW_ROWS", context) if self._is_set(
            parameters, "WINDOW_ROWS") else None
        kwargs = dict(confidence=self.parameterAsBool(parameters, "CONFIDENCE", context), window_rows=window_rows)
        client = self._dask_client(parameters, context)
        try:
            results = self._run_core(apply_many, feedback, self.parameterAsFile(parameters, "MODEL", context),
                                     self._inputs, folder, client=client, **kwargs)
        finally:
            if client is not None:
                client.close()
        mosaics = [r.mosaic for r in results]
        for result in results:
            feedback.pushInfo(self.tr("{mosaic}: {tiles} tiles").format(mosaic=result.mosaic,
                                                                         tiles=len(result.tiles)))
        return {"OUTPUT_FOLDER": folder, "MOSAICS": mosaics}
