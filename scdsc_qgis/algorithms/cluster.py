"""``scdsc:cluster``: cluster a raster with SCDSC in one go and write a styled label raster."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import QgsProcessingParameterFileDestination

from .base import DEVICES, MODES, TrainingAlgorithm


class ClusterAlgorithm(TrainingAlgorithm):
    """SCDSC clustering: train on the raster and label every clustered pixel (``scdsc_core.cluster_raster``)."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Clusters the pixels of a hyperspectral raster into K groups with SCDSC (scalable "
                       "context-preserving deep subspace clustering): a convolutional autoencoder on 7x7 patches of "
                       "the PCA image (8 components, or every band of a raster with fewer), trained so that each cluster is a low-dimensional subspace, "
                       "mini-clusters stay together and neighbouring pixels agree. Writes a label raster (1..K, 0 = "
                       "nodata) styled with one colour per cluster, and optionally a confidence raster, the trained "
                       "model and an HTML report.")

    def name(self) -> str:
        """``cluster`` (frozen)."""
        return "cluster"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("SCDSC clustering")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add_input()
        self._add_n_clusters()
        self._add_training()
        self._add_device()
        self._add_reference()
        self._add_label_outputs()
        self._add(QgsProcessingParameterFileDestination("OUTPUT_MODEL", self.tr("Trained model"),
                                                        self.tr("SCDSC model (*.npz)"), optional=True,
                                                        createByDefault=False),
                  self.tr("Optional model file, to label other rasters with 'Apply SCDSC model'."))
        self._add(QgsProcessingParameterFileDestination("OUTPUT_REPORT", self.tr("Report"),
                                                        self.tr("HTML files (*.html)"), optional=True,
                                                        createByDefault=False),
                  self.tr("Optional HTML report: training curves, cluster sizes and, with reference labels, "
                          "the accuracy figures."))
        self._add_spectra_output()
        self._add_evaluation_outputs()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.api.cluster_raster`` and return the outputs."""
        api = self._core_api(feedback)
        result = self._run_core(
            api.cluster_raster, feedback, self._paths["INPUT"], self._output_path(parameters, "OUTPUT", context),
            self.parameterAsInt(parameters, "N_CLUSTERS", context),
            bands=self._bands(parameters, context), mask=self._paths["MASK"], reference=self._paths["REFERENCE"],
            confidence=self._output_path(parameters, "OUTPUT_CONFIDENCE", context),
            model_out=self._file_output(parameters, "OUTPUT_MODEL", context),
            report=self._file_output(parameters, "OUTPUT_REPORT", context),
            spectra=self._file_output(parameters, "OUTPUT_SPECTRA", context),
            mode=self._enum_value(parameters, "MODE", context, MODES),
            seed=self.parameterAsInt(parameters, "SEED", context),
            device=self._enum_value(parameters, "DEVICE", context, DEVICES),
            params=self._training_params(parameters, context), training=True)
        self._log_result(result, feedback)
        name = self._input_name()
        self._style_on_load(context, result.output, self.tr("{name} clusters").format(name=name))
        self._style_on_load(context, result.confidence, self.tr("{name} confidence").format(name=name), grey=True)
        return {"OUTPUT": result.output, "OUTPUT_CONFIDENCE": result.confidence, "OUTPUT_MODEL": result.model,
                "OUTPUT_REPORT": result.report, "OUTPUT_SPECTRA": result.spectra, **self._evaluation_results(result.evaluation)}
