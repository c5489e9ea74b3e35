"""``scdsc:apply``: label a raster with a saved SCDSC model."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from .base import DEVICES, ScdscAlgorithm


class ApplyAlgorithm(ScdscAlgorithm):
    """Apply SCDSC model (``scdsc_core.apply_model``)."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Labels a raster with a model saved by 'Train SCDSC model' or 'SCDSC clustering'. The raster "
                       "must have the bands the model was trained on (by default the model's own band selection is "
                       "used).")

    def name(self) -> str:
        """``apply`` (frozen)."""
        return "apply"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("Apply SCDSC model")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add_model()
        self._add_input()
        self._add_device()
        self._add_reference()
        self._add_label_outputs()
        self._add_spectra_output()
        self._add_evaluation_outputs()

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        """Cheap check before running: the model file is readable and INPUT gives the model's band count (only
        the model's metadata and the raster's header are read)."""
        message = self._check_model_bands(parameters, context)
        if message:
            return False, message
        return super().checkParameterValues(parameters, context)

    def _check_model_bands(self, parameters, context):
        """The core's message when the model cannot be read or the bands do not match, else None."""
        model = self.parameterAsFile(parameters, "MODEL", context)
        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if not model or layer is None or layer.providerType() != "gdal":
            return None  # missing values are reported by QGIS; non-GDAL layers by prepareAlgorithm
        try:
            from scdsc_core.api import check_model_input
            from scdsc_core.errors import ScdscError
        except ImportError:
            return None  # a missing dependency is reported with its remedy when the algorithm runs
        try:
            check_model_input(model, layer.source(), self._bands(parameters, context))
        except ScdscError as error:
            return str(error)
        return None

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.api.apply_model`` and return the outputs."""
        api = self._core_api(feedback)
        result = self._run_core(
            api.apply_model, feedback, self.parameterAsFile(parameters, "MODEL", context), self._paths["INPUT"],
            self._output_path(parameters, "OUTPUT", context),
            bands=self._bands(parameters, context), mask=self._paths["MASK"], reference=self._paths["REFERENCE"],
            confidence=self._output_path(parameters, "OUTPUT_CONFIDENCE", context),
            spectra=self._file_output(parameters, "OUTPUT_SPECTRA", context),
            device=self._enum_value(parameters, "DEVICE", context, DEVICES))
        self._log_result(result, feedback)
        name = self._input_name()
        self._style_on_load(context, result.output, self.tr("{name} clusters").format(name=name))
        self._style_on_load(context, result.confidence, self.tr("{name} confidence").format(name=name), grey=True)
        return {"OUTPUT": result.output, "OUTPUT_CONFIDENCE": result.confidence, "OUTPUT_SPECTRA": result.spectra,
                **self._evaluation_results(result.evaluation)}
