"""``scdsc:evaluate``: compare a label raster with reference labels (OA, NMI, kappa, per-class accuracy)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import QgsProcessingParameterRasterLayer

from .base import ScdscAlgorithm, evaluation_text


class EvaluateAlgorithm(ScdscAlgorithm):
    """Evaluate clustering against reference (``scdsc_core.evaluate_rasters``)."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Compares a label raster (0 = nodata) with reference labels (0 = unlabelled) on the same "
                       "grid. Clusters are matched to reference classes one-to-one (Hungarian method) before the "
                       "overall accuracy, kappa and per-class accuracy are computed; NMI needs no matching.")

    def name(self) -> str:
        """``evaluate`` (frozen)."""
        return "evaluate"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("Evaluate clustering against reference")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add(QgsProcessingParameterRasterLayer("INPUT", self.tr("Clusters")),
                  self.tr("Label raster to evaluate (1..K, 0 = nodata), e.g. the output of 'SCDSC clustering'."))
        self._add(QgsProcessingParameterRasterLayer("REFERENCE", self.tr("Reference labels")),
                  self.tr("Reference label raster on the same grid (0 = unlabelled)."))
        self._add_evaluation_outputs()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.api.evaluate_rasters`` and return the figures."""
        api = self._core_api(feedback)
        from scdsc_core.errors import ScdscError
        try:
            evaluation = api.evaluate_rasters(self._paths["INPUT"], self._paths["REFERENCE"])
        except ScdscError as error:
            from qgis.core import QgsProcessingException
            raise QgsProcessingException(str(error))
        feedback.pushInfo(evaluation_text(evaluation))
        return self._evaluation_results(evaluation)
