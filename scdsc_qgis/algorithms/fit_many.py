"""``scdsc:fit_many``: train one SCDSC model on a sample drawn across many rasters (Dask or this process)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import (QgsProcessingParameterFileDestination, QgsProcessingParameterMultipleLayers,
                       QgsProcessingParameterNumber, QgsProcessingParameterString)

from .base import DEVICES, INTEGER, MODES, RASTER, TrainingAlgorithm


class FitManyAlgorithm(TrainingAlgorithm):
    """Train SCDSC model on many rasters (``scdsc_core.distributed.fit_many``)."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Trains one SCDSC model for a whole campaign: square windows are drawn over every input "
                       "raster in proportion to its area, read (on a Dask cluster when a scheduler address is "
                       "given), put side by side and clustered as one scene. 'Apply SCDSC model to many rasters' "
                       "then labels every raster with it, so that a cluster number means the same class "
                       "everywhere. Every raster must have the first one's bands.")

    def name(self) -> str:
        """``fit_many`` (frozen)."""
        return "fit_many"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("Train SCDSC model on many rasters")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add(QgsProcessingParameterMultipleLayers("INPUTS", self.tr("Input rasters"), RASTER),
                  self.tr("The rasters of the campaign; each must have the first one's bands."))
        self._add_n_clusters()
        self._add_training()
        self._add_device()
        self._add(QgsProcessingParameterNumber("SAMPLE_WINDOW", self.tr("Sample window (pixels)"), INTEGER, 64,
                                               minValue=17),
                  self.tr("Side of the square windows the sample is drawn in."), advanced=True)
        self._add(QgsProcessingParameterString("SCHEDULER", self.tr("Dask scheduler address"), optional=True),
                  self.tr("A running Dask scheduler (tcp://host:8786). Empty: the windows are read in this "
                          "process."), advanced=True)
        self._add(QgsProcessingParameterFileDestination("OUTPUT_MODEL", self.tr("Trained model"),
                                                        self.tr("SCDSC model (*.npz)")),
                  self.tr("The model file, for 'Apply SCDSC model to many rasters'."))

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """The GDAL paths of the input layers (main thread)."""
        self._prepare_inputs(parameters, context)
        return True

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.distributed.fit_many`` (on a Dask client when an address is given)."""
        self._core_api(feedback)
        from scdsc_core.distributed import fit_many

        params = self._training_params(parameters, context)
        params["device"] = self._enum_value(parameters, "DEVICE", context, DEVICES)
        client = self._dask_client(parameters, context)
        model = self.parameterAsFileOutput(parameters, "OUTPUT_MODEL", context)
        try:
            estimator = self._run_core(
                fit_many, feedback, self._inputs, model, self.parameterAsInt(parameters, "N_CLUSTERS", context),
                window=self.parameterAsInt(parameters, "SAMPLE_WINDOW", context),
                mode=self._enum_value(parameters, "MODE", context, MODES),
                seed=self.parameterAsInt(parameters, "SEED", context), params=params, client=client)
        finally:
            if client is not None:
                client.close()
        campaign = estimator.fit_info_["campaign"]
        feedback.pushInfo(self.tr("Sample: {pixels} pixels in {windows} windows from {rasters} rasters").format(
            pixels=campaign["sample_pixels"], windows=campaign["windows"], rasters=len(campaign["inputs"])))
        return {"OUTPUT_MODEL": model}
