"""The plugin object: Processing provider, toolbar button and Raster menu entry for the dock, dependency offer."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from typing import Optional

from qgis.core import Qgis, QgsApplication, QgsTask
from qgis.PyQt.QtWidgets import QMessageBox, QPushButton

try:  # Qt 6 moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:
    from qgis.PyQt.QtWidgets import QAction

from . import deps, i18n
from .i18n import tr
from .provider import ScdscProvider
from .resources_paths import plugin_icon

log = logging.getLogger("scdsc_qgis.plugin")

MENU = "&SCDSC"


class ScdscPlugin:
    """What QGIS loads: registers the provider (also in ``qgis_process``), and in the desktop a toolbar button
    and a Raster menu entry that open the SCDSC dock.

    Parameters
    ----------
    iface : QgisInterface or None
        ``None`` in ``qgis_process``, which calls only :meth:`initProcessing`.
    """

    def __init__(self, iface):
        self.iface = iface
        self.provider: Optional[ScdscProvider] = None
        self.dock = None
        self.actions = []
        self._install_task: Optional[QgsTask] = None
        self._message_item = None
        i18n.install_translator()

    # -- Processing (desktop and qgis_process) ---------------------------------------------------------------
    def initProcessing(self):  # noqa: N802 (QGIS API name)
        """Register the provider; keep it referenced (a collected provider makes its algorithms vanish)."""
        if self.provider is None:
            self.provider = ScdscProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    # -- desktop ---------------------------------------------------------------------------------------------
    def initGui(self):  # noqa: N802 (QGIS API name)
        """Provider, toolbar button, Raster menu entries, and the dependency offer when torch/sklearn miss."""
        self.initProcessing()
        open_action = QAction(plugin_icon(), tr("SCDSC clustering"), self.iface.mainWindow())
        open_action.setObjectName("scdscOpenDock")
        open_action.setToolTip(tr("Open the SCDSC clustering panel"))
        open_action.triggered.connect(self.show_dock)
        self.iface.addToolBarIcon(open_action)
        self.iface.addPluginToRasterMenu(MENU, open_action)
        install_action = QAction(tr("Install SCDSC dependencies (torch, scikit-learn)…"), self.iface.mainWindow())
        install_action.setObjectName("scdscInstallDependencies")
        install_action.triggered.connect(self.confirm_install)
        self.iface.addPluginToRasterMenu(MENU, install_action)
        self.actions = [open_action, install_action]
        if deps.missing_dependencies():
            self.offer_install()

    def show_dock(self):
        """Create the dock on first use (imported here so that loading the plugin stays light) and show it."""
        if self.dock is None:
            from qgis.PyQt.QtCore import Qt
            from .dock import ScdscDockWidget
            self.dock = ScdscDockWidget(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.show()
        self.dock.raise_()

    def unload(self):
        """Remove everything :meth:`initGui`/:meth:`initProcessing` added; stop a running dock task."""
        for action in self.actions:
            self.iface.removePluginRasterMenu(MENU, action)
            if action.objectName() == "scdscOpenDock":
                self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.dock is not None:
            shutdown = getattr(self.dock, "shutdown", None)
            if callable(shutdown):
                shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self._message_item is not None and self.iface is not None:
            try:
                self.iface.messageBar().popWidget(self._message_item)
            except RuntimeError:  # already closed by the user
                pass
            self._message_item = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        i18n.remove_translator()

    # -- dependencies ----------------------------------------------------------------------------------------
    def offer_install(self):
        """A message-bar warning with an Install button (which asks for confirmation first)."""
        bar = self.iface.messageBar()
        item = bar.createMessage(tr("SCDSC"), deps.missing_message(deps.missing_dependencies()))
        button = QPushButton(tr("Install…"), item)
        button.clicked.connect(self.confirm_install)
        item.layout().addWidget(button)
        self._message_item = bar.pushWidget(item, Qgis.MessageLevel.Warning)

    def confirm_install(self):
        """Ask, then install torch and scikit-learn into the profile in a background task."""
        missing = deps.missing_dependencies()
        if not missing:
            self.iface.messageBar().pushSuccess(tr("SCDSC"), tr("torch and scikit-learn are already available."))
            return
        answer = QMessageBox.question(
            self.iface.mainWindow(), tr("Install SCDSC dependencies"),
            tr("Install {packages} into {folder}? This downloads about 200 MB to 1 GB and takes a few minutes; "
               "QGIS's own numpy and scipy are kept.").format(
                packages=", ".join(deps.MODULES[m] for m in missing), folder=deps.dependency_dir()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self._install_task is not None:
            return
        self._install_task = QgsTask.fromFunction(tr("Installing SCDSC dependencies"), _install_in_task,
                                                  on_finished=self._install_finished)
        QgsApplication.taskManager().addTask(self._install_task)
        self.iface.messageBar().pushInfo(tr("SCDSC"), tr("Installing torch and scikit-learn in the background…"))

    def _install_finished(self, exception, output=None):
        """Report the outcome of the installation task (main thread)."""
        self._install_task = None
        if exception is not None:
            self.iface.messageBar().pushCritical(tr("SCDSC"), tr("Installing the dependencies failed: {error}")
                                                 .format(error=exception))
            return
        deps.add_dependency_path()
        still_missing = deps.missing_dependencies()
        if still_missing:
            self.iface.messageBar().pushCritical(tr("SCDSC"), deps.missing_message(still_missing))
        else:
            self.iface.messageBar().pushSuccess(tr("SCDSC"), tr("torch and scikit-learn are installed."))


def _install_in_task(task):
    """Body of the installation task (worker thread): pip only, no widgets."""
    return deps.install_dependencies()
