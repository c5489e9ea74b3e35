"""``scdsc:fit``: train SCDSC on a raster and save the model (optionally also the labels)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import QgsProcessingParameterFileDestination, QgsProcessingParameterRasterDestination

from .base import DEVICES, MODES, TrainingAlgorithm


class FitAlgorithm(TrainingAlgorithm):
    """Train SCDSC model (``scdsc_core.fit_raster``)."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Trains SCDSC on a raster and saves the model, to label this or other rasters with the same "
                       "bands later with 'Apply SCDSC model'. The same seed gives the same labels as 'SCDSC "
                       "clustering'.")

    def name(self) -> str:
        """``fit`` (frozen)."""
        return "fit"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("Train SCDSC model")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add_input()
        self._add_n_clusters()
        self._add_training()
        self._add_device()
        self._add(QgsProcessingParameterFileDestination("OUTPUT_MODEL", self.tr("Trained model"),
                                                        self.tr("SCDSC model (*.npz)")),
                  self.tr("The model file (weights and metadata, no executable code)."))
        self._add(QgsProcessingParameterRasterDestination("OUTPUT", self.tr("Clusters"), optional=True,
                                                          createByDefault=False),
                  self.tr("Optional label raster of the training raster (1..K, 0 = nodata)."))
        self._add(QgsProcessingParameterFileDestination("OUTPUT_REPORT", self.tr("Report"),
                                                        self.tr("HTML files (*.html)"), optional=True,
                                                        createByDefault=False),
                  self.tr("Optional HTML report: training curves and cluster sizes."))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.api.fit_raster`` and return the outputs."""
        api = self._core_api(feedback)
        result = self._run_core(
            api.fit_raster, feedback, self._paths["INPUT"], self._file_output(parameters, "OUTPUT_MODEL", context),
            self.parameterAsInt(parameters, "N_CLUSTERS", context),
            output=self._output_path(parameters, "OUTPUT", context),
            bands=self._bands(parameters, context), mask=self._paths["MASK"],
            report=self._file_output(parameters, "OUTPUT_REPORT", context),
            mode=self._enum_value(parameters, "MODE", context, MODES),
            seed=self.parameterAsInt(parameters, "SEED", context),
            device=self._enum_value(parameters, "DEVICE", context, DEVICES),
            params=self._training_params(parameters, context), training=True)
        self._log_result(result, feedback)
        self._style_on_load(context, result.output, self.tr("{name} clusters").format(name=self._input_name()))
        return {"OUTPUT_MODEL": result.model, "OUTPUT": result.output, "OUTPUT_REPORT": result.report}
