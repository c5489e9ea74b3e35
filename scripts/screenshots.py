"""Make the README screenshots inside QGIS desktop: the SCDSC dock during training, and the styled result."""
# SPDX-License-Identifier: GPL-2.0-or-later
# Run by `make screenshots`, which starts QGIS under Xvfb with a throwaway profile in which the plugin is enabled:
#   xvfb-run -a -s '-screen 0 1400x900x24' qgis --nologo --profiles-path <tmp> --code scripts/screenshots.py
# QGIS runs this file once its main window is up. Everything below is driven by Qt timers and signals so that the
# event loop keeps running (the training runs in QGIS's task manager, as for a user).
#
# Environment: SCDSC_REPO (the checkout; default: the current folder), SCDSC_SHOTS (output folder; default
# <repo>/docs/images), SCDSC_SHOTS_WORK (scene folder; default <repo>/out/screenshots).
import logging
import os
import sys
import traceback

from qgis.core import (QgsApplication, QgsContrastEnhancement, QgsMultiBandColorRenderer, QgsProject,
                       QgsRasterLayer)
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, plugins

REPO = os.path.abspath(os.environ.get("SCDSC_REPO", os.getcwd()))
SHOTS = os.path.abspath(os.environ.get("SCDSC_SHOTS", os.path.join(REPO, "docs", "images")))
WORK = os.path.abspath(os.environ.get("SCDSC_SHOTS_WORK", os.path.join(REPO, "out", "screenshots")))
WINDOW_SIZE = (1400, 900)
N_CLUSTERS = 6  # the synthetic scene has 6 land-cover classes
#: A smaller cut of the bundled scene and short training, so that the pictures take minutes, not an hour, on a
#: busy 2-core machine. Paper mode records every epoch (fast mode records once per target refresh), so the curves
#: show pretraining, the start of clustering and its progress point by point.
SCENE_SIZE = {"width": 64, "height": 56}
MODE = "paper"
TRAINING = {"pretrain_epochs": 6, "epochs": 60}
#: The dock is photographed once the clustering stage has drawn this many points (the curves then show a trend).
TRAINING_POINTS = 25
TIMEOUT_MS = 15 * 60 * 1000

LOGGER = logging.getLogger("scdsc.screenshots")


class ScreenshotSession:
    """Loads the scene, runs the dock, grabs the two pictures, then quits QGIS (exit code 0 only if both exist)."""

    def __init__(self):
        self.dock = None
        self.training_shot = os.path.join(SHOTS, "dock_training.png")
        self.result_shot = os.path.join(SHOTS, "qgis_result.png")
        self.poll = QTimer()
        self.poll.setInterval(250)
        self.poll.timeout.connect(self.check_training)
        self.training_taken = False

    # -- steps ------------------------------------------------------------------------------------------------
    def start(self):
        """Scene -> project layers -> dock fields -> Run."""
        os.makedirs(SHOTS, exist_ok=True)
        os.makedirs(WORK, exist_ok=True)
        for path in (self.training_shot, self.result_shot):
            if os.path.exists(path):
                os.remove(path)
        from scdsc_core.synthetic import write_scene
        image_path, labels_path = write_scene(os.path.join(WORK, "scene"), **SCENE_SIZE)
        main_window = iface.mainWindow()
        main_window.resize(*WINDOW_SIZE)
        main_window.showMaximized()
        browser = main_window.findChild(QDockWidget, "Browser")
        if browser is not None:
            browser.hide()  # more room for the map and the layer tree

        image = QgsRasterLayer(image_path, "synthetic scene")
        reference = QgsRasterLayer(labels_path, "reference labels")
        if not (image.isValid() and reference.isValid()):
            raise RuntimeError(f"cannot load {image_path} / {labels_path}")
        false_colour(image)
        project = QgsProject.instance()
        project.addMapLayer(image)
        project.addMapLayer(reference)
        project.layerTreeRoot().findLayer(reference.id()).setItemVisibilityChecked(False)
        iface.setActiveLayer(image)
        iface.mapCanvas().setExtent(image.extent())

        plugin = plugins.get("scdsc_qgis")
        if plugin is None:
            raise RuntimeError("the scdsc_qgis plugin is not loaded in this profile")
        plugin.show_dock()  # what the toolbar button does
        self.dock = plugin.dock
        self.dock.setMinimumWidth(430)
        self.dock.input_combo.setLayer(image)
        self.dock.bands_edit.clear()
        self.dock.mask_combo.setLayer(None)
        self.dock.clusters_spin.setValue(N_CLUSTERS)
        self.dock.mode_combo.setCurrentIndex(self.dock.mode_combo.findData(MODE))
        self.dock.reference_combo.setLayer(reference)
        self.dock.confidence_check.setChecked(False)
        self.dock.seed_spin.setValue(0)
        self.dock.sample_size_spin.setValue(0)
        self.dock.pretrain_epochs_spin.setValue(TRAINING["pretrain_epochs"])
        self.dock.epochs_spin.setValue(TRAINING["epochs"])
        self.dock.output_widget.setFilePath(fresh_path(os.path.join(WORK, "clusters.tif")))
        self.dock.runFinished.connect(self.finished)
        self.dock.run_button.click()
        self.poll.start()

    def check_training(self):
        """Grab the dock once the clustering stage has enough points on the plot."""
        if self.training_taken or self.dock is None:
            return
        plot = self.dock.plot
        if plot.cluster_point_count() < TRAINING_POINTS:
            return
        plot.redraw()
        QgsApplication.processEvents()
        # The scroll area's content, whole: fields, progress and plot in one picture, whatever the screen height.
        self.dock.scroll_area.widget().grab().save(self.training_shot)
        self.training_taken = True
        LOGGER.info("wrote %s", self.training_shot)

    def finished(self, how):
        """After the run: show the result over the input and grab the main window."""
        self.poll.stop()
        if how != "succeeded":
            fail(f"the clustering {how}: {self.dock.message_label.text()}")
            return
        if not self.training_taken:
            fail(f"the run ended before {TRAINING_POINTS} clustering points were plotted; raise the epochs")
            return
        labels = self.dock.result_layers[-1]
        labels.setOpacity(0.85)
        canvas = iface.mapCanvas()
        canvas.setExtent(labels.extent())
        canvas.refreshAllLayers()
        self.dock.scroll_area.ensureWidgetVisible(self.dock.result_group)
        canvas.mapCanvasRefreshed.connect(self.grab_result)
        QTimer.singleShot(20000, self.grab_result)  # in case the refresh signal came before the connection

    def grab_result(self):
        if os.path.exists(self.result_shot):
            return
        iface.messageBar().clearWidgets()  # QGIS's "Task complete" banner would hide the top of the map
        QgsApplication.processEvents()
        iface.mainWindow().grab().save(self.result_shot)
        LOGGER.info("wrote %s", self.result_shot)
        quit_qgis(0)


def false_colour(layer):
    """Show three spread-out bands of a hyperspectral layer as RGB, stretched to their min/max."""
    count = layer.bandCount()
    red, green, blue = (max(1, round(count * f)) for f in (0.75, 0.45, 0.15))
    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), red, green, blue)
    for band, setter in ((red, renderer.setRedContrastEnhancement), (green, renderer.setGreenContrastEnhancement),
                         (blue, renderer.setBlueContrastEnhancement)):
        stats = layer.dataProvider().bandStatistics(band)
        enhancement = QgsContrastEnhancement(layer.dataProvider().dataType(band))
        enhancement.setContrastEnhancementAlgorithm(
            QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
        enhancement.setMinimumValue(stats.minimumValue)
        enhancement.setMaximumValue(stats.maximumValue)
        setter(enhancement)
    layer.setRenderer(renderer)


def fresh_path(path):
    """Remove an earlier run's output (and its sidecars) so the dock writes a new one under the same name."""
    stem = os.path.splitext(path)[0]
    for suffix in (".tif", ".qml", ".tif.aux.xml"):
        if os.path.exists(stem + suffix):
            os.remove(stem + suffix)
    return path


def fail(message):
    sys.stderr.write(f"screenshots: {message}\n")
    quit_qgis(1)


def quit_qgis(code):
    """Leave QGIS with ``code``, after emptying the project.

    QGIS 3.22 crashes (SIGSEGV in QgisApp::setMapStyleDockLayer) when it removes the layers of a project with
    a current layer while its main window is already being destroyed; removing them first avoids that.
    """
    def leave():
        QgsProject.instance().clear()
        QTimer.singleShot(200, lambda: QgsApplication.exit(code))
    QTimer.singleShot(0, leave)


def _start():
    try:
        SESSION.start()
    except Exception:  # report and leave: a hanging QGIS under Xvfb helps nobody
        traceback.print_exc()
        quit_qgis(1)


logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
SESSION = ScreenshotSession()
QTimer.singleShot(TIMEOUT_MS, lambda: fail("timed out"))
QTimer.singleShot(1500, _start)  # let QGIS finish loading plugins and showing the window
