"""The SCDSC Processing provider: id ``scdsc``, the clustering algorithms."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import QgsProcessingProvider

from .i18n import tr
from .resources_paths import plugin_icon


class ScdscProvider(QgsProcessingProvider):
    """Processing provider ``scdsc`` ("SCDSC").

    Loading it imports only the algorithm classes (Qt and QGIS); torch and the core's heavy modules are imported
    when an algorithm runs, so the provider is listed even where they are missing.
    """

    def id(self) -> str:  # noqa: A003 (QGIS API name)
        """``scdsc``: the prefix of every algorithm id, frozen."""
        return "scdsc"

    def name(self) -> str:
        """The display name."""
        return "SCDSC"

    def longName(self) -> str:  # noqa: N802 (QGIS API name)
        """Name and what it does."""
        return tr("SCDSC deep subspace clustering")

    def icon(self):
        """The plugin's icon."""
        return plugin_icon()

    def svgIconPath(self) -> str:  # noqa: N802 (QGIS API name)
        """Path of the SVG icon."""
        from .resources_paths import resource_path
        return resource_path("icon.svg")

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS API name)
        """Add one instance of each algorithm."""
        from .algorithms import ALGORITHMS
        for algorithm_class in ALGORITHMS:
            self.addAlgorithm(algorithm_class())
