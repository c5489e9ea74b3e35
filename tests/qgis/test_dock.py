"""Tests of the SCDSC dock: fields -> parameters, background run through the task manager, plot, cancel, errors."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import threading
import time

import numpy as np
import pytest
from qgis.core import (Qgis, QgsApplication, QgsFeature, QgsGeometry, QgsPalettedRasterRenderer,
                       QgsProcessingAlgorithm, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingParameterNumber, QgsProcessingProvider, QgsProject, QgsRasterLayer, QgsSettings,
                       QgsSingleBandGrayRenderer, QgsVectorLayer)
from qgis.PyQt.QtCore import QObject, Qt, pyqtSlot
from qgis.PyQt.QtTest import QTest

from scdsc_qgis import dock as dock_module
from scdsc_qgis.dock import ScdscDockWidget, cluster_sizes, default_output_path
from scdsc_qgis.dock_plot import TrainingPlot
from scdsc_qgis.dock_settings import DockSettings
from scdsc_qgis.feedback import TrainingFeedback, push_training_record
from scdsc_qgis.task import AlgorithmRun
from scdsc_core import evaluate_rasters

WAIT_SECONDS = 60  # upper bound of every wait loop; a finished run ends the loop at once


def wait_until(predicate, timeout=WAIT_SECONDS):
    """Process Qt events until ``predicate()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the dock"
        QTest.qWait(20)


# --------------------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------------------
@pytest.fixture
def dock(qgis_iface, qgis_new_project):
    """A dock in the (fake) QGIS main window, with fresh settings; shut down after the test."""
    QgsSettings().remove("scdsc/dock")
    qgis_iface.messageBar().clear_messages()
    widget = ScdscDockWidget(qgis_iface)
    qgis_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, widget)
    widget.show()
    yield widget
    widget.shutdown()
    widget.deleteLater()
    QgsSettings().remove("scdsc/dock")


@pytest.fixture
def planted_layer(planted_raster, qgis_new_project):
    """The planted 4-class raster as a project layer, and its reference layer."""
    image, labels = planted_raster
    layer = QgsRasterLayer(image, "planted")
    reference = QgsRasterLayer(labels, "planted reference")
    assert layer.isValid() and reference.isValid()
    QgsProject.instance().addMapLayers([layer, reference])
    return layer, reference


def fill_quick_run(dock, layer, output, k=4):
    """Fields for a small, quick run."""
    dock.input_combo.setLayer(layer)
    dock.clusters_spin.setValue(k)
    dock.epochs_spin.setValue(3)
    dock.pretrain_epochs_spin.setValue(2)
    dock.sample_size_spin.setValue(300)
    dock.device_combo.setCurrentIndex(dock.device_combo.findData("cpu"))
    dock.output_widget.setFilePath(str(output))


class Outcome(QObject):
    """Collects the dock's runFinished values and the records the feedback emitted."""

    def __init__(self, dock):
        super().__init__()
        self.finished = []
        self.records = []
        dock.runFinished.connect(self.on_finished)
        dock.runStarted.connect(self.on_started)
        self.dock = dock

    @pyqtSlot(dict)
    def on_started(self, _params):
        self.dock.run_handle.trainingRecord.connect(self.on_record)

    @pyqtSlot(dict)
    def on_record(self, record):
        self.records.append(record)

    @pyqtSlot(str)
    def on_finished(self, how):
        self.finished.append(how)


# --------------------------------------------------------------------------------------------------------------
# Building and parameters
# --------------------------------------------------------------------------------------------------------------
def test_dock_builds_with_defaults(dock, qgis_app):
    qgis_app.processEvents()
    assert dock.windowTitle() == "SCDSC clustering"
    assert dock.clusters_spin.value() == DockSettings().n_clusters
    assert dock.mode_combo.currentData() == "fast"
    assert dock.mask_combo.currentLayer() is None and dock.reference_combo.currentLayer() is None
    assert dock.advanced_group.isCollapsed()
    assert dock.run_button.isEnabled() and not dock.cancel_button.isEnabled()
    assert dock.plot.loss_plot is not None and dock.plot.point_count() == 0
    image = dock.grab().toImage()
    assert image.width() > 100 and image.height() > 100


def test_run_sends_the_fields_as_parameters(dock, planted_layer, tmp_path, monkeypatch):
    """Deepness-style click test: fill the fields, click Run, inspect what would reach the algorithm."""
    sent = []

    class RecordingRun(QObject):
        from qgis.PyQt.QtCore import pyqtSignal
        progressChanged = pyqtSignal(float)
        stageChanged = pyqtSignal(str)
        trainingRecord = pyqtSignal(dict)
        succeeded = pyqtSignal(dict)
        failed = pyqtSignal(str)
        cancelled = pyqtSignal()

        def __init__(self, algorithm_id, parameters, description=""):
            super().__init__()
            sent.append((algorithm_id, parameters))

        def start(self):
            return True

        def is_running(self):
            return False

    monkeypatch.setattr(dock_module, "AlgorithmRun", RecordingRun)
    layer, reference = planted_layer
    mask = QgsVectorLayer("Polygon?crs=EPSG:32633", "aoi", "memory")
    QgsProject.instance().addMapLayer(mask)
    dock.input_combo.setLayer(layer)
    dock.bands_edit.setText("1-10, 15")
    dock.mask_combo.setLayer(mask)
    dock.clusters_spin.setValue(5)
    dock.mode_combo.setCurrentIndex(dock.mode_combo.findData("paper"))
    dock.reference_combo.setLayer(reference)
    dock.output_widget.setFilePath(str(tmp_path / "out.tif"))
    dock.confidence_check.setChecked(True)
    dock.sample_size_spin.setValue(5000)
    dock.epochs_spin.setValue(12)
    dock.pretrain_epochs_spin.setValue(3)
    dock.learning_rate_spin.setValue(0.005)
    dock.alpha_spin.setValue(2.5)
    dock.beta_spin.setValue(0.0)  # 0 switches the term off: it must be sent, not dropped as "default"
    dock.seed_spin.setValue(42)
    dock.device_combo.setCurrentIndex(dock.device_combo.findData("cpu"))

    QTest.mouseClick(dock.run_button, Qt.MouseButton.LeftButton)

    assert len(sent) == 1
    algorithm_id, params = sent[0]
    assert algorithm_id == "scdsc:cluster"
    assert params == {
        "INPUT": layer.source(), "BANDS": list(range(1, 11)) + [15], "MASK": mask.id(), "N_CLUSTERS": 5,
        "MODE": 1, "REFERENCE": reference.source(), "OUTPUT": str(tmp_path / "out.tif"),
        "OUTPUT_CONFIDENCE": str(tmp_path / "out_confidence.tif"), "SAMPLE_SIZE": 5000, "EPOCHS": 12,
        "PRETRAIN_EPOCHS": 3, "LEARNING_RATE": 0.005, "ALPHA": 2.5, "BETA": 0.0, "SEED": 42, "DEVICE": 1,
    }
    assert dock.last_parameters == params


def test_the_algorithm_accepts_the_parameters(dock, planted_layer, provider, tmp_path):
    """Every id the dock sends exists in scdsc:cluster, and a fully filled dock passes its checks."""
    layer, reference = planted_layer
    fill_quick_run(dock, layer, tmp_path / "labels.tif")
    dock.bands_edit.setText("1-12")
    dock.reference_combo.setLayer(reference)
    dock.confidence_check.setChecked(True)
    dock.alpha_spin.setValue(3.0)
    dock.beta_spin.setValue(1.0)
    dock.window_spin.setValue(5)
    dock.components_spin.setValue(6)
    # A raster mask read as a quality band (issue 27): the reference raster's classes, class 4 dropped.
    dock.mask_combo.setLayer(reference)
    dock.mask_rule_edit.setText("drop=4")
    params = dock.parameters()
    assert params["MASK_RULE"] == "drop=4" and params["PCA_COMPONENTS"] == 6
    algorithm = QgsApplication.processingRegistry().algorithmById("scdsc:cluster")
    assert set(params) <= {definition.name() for definition in algorithm.parameterDefinitions()}
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    assert algorithm.checkParameterValues(params, context) == (True, "")


def test_defaults_leave_optional_parameters_out(dock, planted_layer):
    layer, _ = planted_layer
    dock.input_combo.setLayer(layer)
    params = dock.parameters()
    for name in ("BANDS", "MASK", "MASK_RULE", "REFERENCE", "OUTPUT_CONFIDENCE", "ALPHA", "BETA", "WINDOW",
                 "SAMPLE_SIZE", "EPOCHS", "PRETRAIN_EPOCHS", "LEARNING_RATE", "PCA_COMPONENTS"):
        assert name not in params
    assert params["OUTPUT"].endswith("planted_scdsc.tif")
    dock.sample_size_spin.setValue(0)  # 0 is every clustered pixel here too, not "the default"
    dock.pretrain_epochs_spin.setValue(0)
    params = dock.parameters()
    assert (params["SAMPLE_SIZE"], params["PRETRAIN_EPOCHS"]) == (0, 0)


def test_bad_band_text_is_reported_in_the_dock(dock, planted_layer, qgis_iface):
    layer, _ = planted_layer
    dock.input_combo.setLayer(layer)
    dock.bands_edit.setText("1-5,99")
    assert "99" in dock.bands_info_label.text()
    dock.run()
    assert dock.run_handle is None
    assert "Bands" in dock.message_label.text() and "99" in dock.message_label.text()
    assert dock.bands_edit.text() == "1-5,99"  # the input is left as typed
    critical = qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert any("99" in message for message in critical)


def test_no_input_layer_is_reported(dock):
    dock.input_combo.setLayer(None)
    dock.run()
    assert "Input raster" in dock.message_label.text()


def test_default_output_path_is_new_and_numbered(tmp_path):
    first = default_output_path("my scene/1", folder=str(tmp_path))
    assert first == str(tmp_path / "my_scene_1_scdsc.tif")
    open(first, "w").close()
    assert default_output_path("my scene/1", folder=str(tmp_path)) == str(tmp_path / "my_scene_1_scdsc_2.tif")


# --------------------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------------------
def test_settings_round_trip(qgis_app):
    QgsSettings().remove("scdsc/dock")
    try:
        assert DockSettings.load() == DockSettings()
        custom = DockSettings(n_clusters=6, mode="paper", confidence=True, sample_size=1234, epochs=7,
                              pretrain_epochs=3, learning_rate=0.002, alpha=1.5, beta=0.0, window=5, seed=9,
                              device="cpu", log_scale=False)
        custom.save()
        assert DockSettings.load() == custom
        assert isinstance(QgsSettings().value("scdsc/dock/n_clusters", 0, type=int), int)
        QgsSettings().setValue("scdsc/dock/mode", "turbo")
        QgsSettings().setValue("scdsc/dock/epochs", "many")
        loaded = DockSettings.load()
        assert loaded.mode == "fast" and loaded.epochs == 0
    finally:
        QgsSettings().remove("scdsc/dock")


def test_dock_remembers_its_fields(qgis_iface, qgis_new_project, planted_layer, monkeypatch):
    monkeypatch.setattr(dock_module.AlgorithmRun, "start", lambda self: True)
    QgsSettings().remove("scdsc/dock")
    first = ScdscDockWidget(qgis_iface)
    try:
        first.input_combo.setLayer(planted_layer[0])
        first.clusters_spin.setValue(11)
        first.mode_combo.setCurrentIndex(1)
        first.window_spin.setValue(5)
        first.plot.log_check.setChecked(False)
        first.run()  # a run saves the fields
        second = ScdscDockWidget(qgis_iface)
        assert second.current_settings() == first.current_settings()
        assert (second.clusters_spin.value(), second.mode_combo.currentData(), second.window_spin.value()) == \
            (11, "paper", 5)
        assert not second.plot.log_check.isChecked()
    finally:
        first.run_handle = None
        QgsSettings().remove("scdsc/dock")


# --------------------------------------------------------------------------------------------------------------
# Plot and feedback
# --------------------------------------------------------------------------------------------------------------
def test_plot_has_one_point_per_record_and_gaps_for_missing_terms(qgis_app):
    plot = TrainingPlot(log_scale=False)
    plot.add_record({"stage": "pretrain", "epoch": 0, "loss": 2.0, "loss_rec": 2.0})
    plot.add_record({"stage": "pretrain", "epoch": 1, "loss": 1.0, "loss_rec": 1.0})
    for step in range(3):
        plot.add_record({"stage": "cluster", "epoch": step, "loss": 0.5, "loss_rec": 0.3, "loss_orth": 0.0,
                         "loss_nonlocal": 0.1, "loss_local": 0.1, "confident_ratio": 0.2 * step})
    plot.redraw()
    assert plot.point_count() == 5
    assert plot.drawn_point_count("loss") == 5 and plot.drawn_point_count("confident_ratio") == 5
    _, orth = plot.series("loss_orth")
    assert np.isnan(orth[:2]).all() and orth[2:] == [0.0, 0.0, 0.0]
    assert plot.series("confident_ratio")[1][2:] == [0.0, 0.2, 0.4]
    assert plot._stage_line.isVisible() and plot._stage_line.value() == 1.5
    plot.log_check.setChecked(True)  # log scale: the zero orthogonality loss becomes a gap, not -inf
    assert plot.loss_plot.getPlotItem().ctrl.logYCheck.isChecked()
    _, drawn = plot._curves["loss_orth"].getOriginalDataset()
    assert np.isnan(drawn).all()
    plot.clear()
    assert plot.point_count() == 0 and plot.drawn_point_count() == 0


def test_push_training_record_ignores_other_feedback():
    push_training_record(None, {"loss": 1.0})
    push_training_record(object(), {"loss": 1.0})  # nothing to call: no error


def test_feedback_records_from_a_worker_thread_arrive_in_the_gui_thread(qgis_app):
    feedback = TrainingFeedback()
    received = []

    class Receiver(QObject):
        @pyqtSlot(dict)
        def take(self, record):
            received.append((record, threading.current_thread() is threading.main_thread()))

    receiver = Receiver()
    feedback.trainingRecord.connect(receiver.take)
    worker = threading.Thread(target=push_training_record, args=(feedback, {"loss": np.float32(0.5), "epoch": 1}))
    worker.start()
    worker.join()
    wait_until(lambda: received)
    record, in_gui_thread = received[0]
    assert in_gui_thread
    assert record == {"loss": 0.5, "epoch": 1} and type(record["loss"]) is float


# --------------------------------------------------------------------------------------------------------------
# Runs through the task manager
# --------------------------------------------------------------------------------------------------------------
def test_run_adds_styled_layers_sizes_and_plot(dock, planted_layer, provider, tmp_path, qgis_iface):
    layer, reference = planted_layer
    outcome = Outcome(dock)
    fill_quick_run(dock, layer, tmp_path / "labels.tif")
    dock.confidence_check.setChecked(True)
    dock.reference_combo.setLayer(reference)
    before = set(QgsProject.instance().mapLayers())

    QTest.mouseClick(dock.run_button, Qt.MouseButton.LeftButton)
    assert dock.is_running() and not dock.run_button.isEnabled() and dock.cancel_button.isEnabled()
    wait_until(lambda: outcome.finished)

    assert outcome.finished == ["succeeded"], dock.message_label.text()
    assert dock.run_button.isEnabled() and not dock.cancel_button.isEnabled()
    assert dock.progress_bar.value() == 100
    added = [QgsProject.instance().mapLayer(i) for i in set(QgsProject.instance().mapLayers()) - before]
    labels = [lyr for lyr in added if isinstance(lyr.renderer(), QgsPalettedRasterRenderer)]
    assert len(labels) == 1 and labels[0].source() == str(tmp_path / "labels.tif")
    classes = labels[0].renderer().classes()
    assert [c.value for c in classes] == [1, 2, 3, 4]
    assert len({c.color.name() for c in classes}) == 4
    assert labels[0].name() == "planted – SCDSC clusters"
    grey = [lyr for lyr in added if isinstance(lyr.renderer(), QgsSingleBandGrayRenderer)]
    assert len(grey) == 1 and grey[0].source() == str(tmp_path / "labels_confidence.tif")

    assert outcome.records and dock.plot.point_count() == len(outcome.records)
    assert dock.plot.drawn_point_count("loss") == len(outcome.records)

    sizes = [dock.sizes_table.item(row, 1).data(Qt.ItemDataRole.UserRole)
             for row in range(dock.sizes_table.rowCount())]
    assert sizes == cluster_sizes(str(tmp_path / "labels.tif"), 4)
    assert sum(sizes) == layer.width() * layer.height()
    swatches = [dock.sizes_table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(4)]
    assert swatches == [c.color.name() for c in classes]
    evaluation = evaluate_rasters(str(tmp_path / "labels.tif"), reference.source())
    assert dock.metrics_label.text() == "Against the reference: OA {:.3f} · NMI {:.3f} · kappa {:.3f}".format(
        evaluation.oa, evaluation.nmi, evaluation.kappa)
    assert not qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)


def test_cancel_during_training_leaves_no_output(dock, planted_layer, provider, tmp_path):
    layer, _ = planted_layer
    outcome = Outcome(dock)
    fill_quick_run(dock, layer, tmp_path / "labels.tif")
    dock.epochs_spin.setValue(100000)  # would run for a long time: only Cancel ends it
    before = set(QgsProject.instance().mapLayers())
    dock.run()
    wait_until(lambda: outcome.records)
    QTest.mouseClick(dock.cancel_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: outcome.finished)
    assert outcome.finished == ["cancelled"]
    assert "Cancelled" in dock.stage_label.text()
    assert not os.path.exists(tmp_path / "labels.tif")
    assert not [p for p in os.listdir(tmp_path) if p.startswith("labels")]
    assert set(QgsProject.instance().mapLayers()) == before
    assert dock.run_button.isEnabled()


def test_failing_input_shows_the_message_in_the_dock(dock, make_raster, provider, tmp_path, qgis_iface,
                                                     qgis_new_project):
    one_band = QgsRasterLayer(make_raster(np.ones((1, 6, 6), np.float32), name="one_band.tif"), "one band")
    QgsProject.instance().addMapLayer(one_band)
    outcome = Outcome(dock)
    fill_quick_run(dock, one_band, tmp_path / "labels.tif", k=3)
    dock.run()
    wait_until(lambda: outcome.finished)
    assert outcome.finished == ["failed"]
    assert "at least 3 bands" in dock.message_label.text() and "Traceback" not in dock.message_label.text()
    assert any("at least 3 bands" in m for m in qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical))
    assert dock.input_combo.currentLayer() is one_band and dock.clusters_spin.value() == 3
    assert not os.path.exists(tmp_path / "labels.tif")


def test_error_inside_the_task_shows_the_message_in_the_dock(dock, planted_layer, provider, tmp_path,
                                                            qgis_iface):
    """A mask that covers no pixel passes the cheap checks; the core refuses it while the task runs."""
    layer, _ = planted_layer
    far_away = QgsVectorLayer("Polygon?crs=EPSG:32633", "far away", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))"))
    far_away.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayer(far_away)
    outcome = Outcome(dock)
    fill_quick_run(dock, layer, tmp_path / "labels.tif")
    dock.mask_combo.setLayer(far_away)
    dock.run()
    wait_until(lambda: outcome.finished)
    assert outcome.finished == ["failed"]
    message = dock.message_label.text()
    assert "mask" in message.lower() and "Traceback" not in message
    assert any(message in m for m in qgis_iface.messageBar().get_messages(Qgis.MessageLevel.Critical))
    assert dock.mask_combo.currentLayer() is far_away
    assert not [p for p in os.listdir(tmp_path) if p.startswith("labels")]


class PrepareFailsAlgorithm(QgsProcessingAlgorithm):
    """Fails in prepareAlgorithm(), which QgsProcessingAlgRunnerTask runs in its constructor."""

    def name(self):
        return "preparefails"

    def displayName(self):
        return "prepare fails"

    def createInstance(self):
        return PrepareFailsAlgorithm()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterNumber("VALUE", "value", defaultValue=1))

    def prepareAlgorithm(self, parameters, context, feedback):
        raise QgsProcessingException("VALUE: the layer behind it cannot be read")

    def processAlgorithm(self, parameters, context, feedback):
        return {}


class PrepareFailsProvider(QgsProcessingProvider):
    def id(self):
        return "scdscdocktest"

    def name(self):
        return "dock test"

    def loadAlgorithms(self):
        self.addAlgorithm(PrepareFailsAlgorithm())


def test_a_failing_prepare_is_a_failure_not_a_cancel(qgis_processing):
    """The runner task cancels itself when prepareAlgorithm() fails (and the task manager would never finish
    it): the run reports "failed" with the algorithm's message at once."""
    test_provider = PrepareFailsProvider()
    QgsApplication.processingRegistry().addProvider(test_provider)
    try:
        outcome = []
        run = AlgorithmRun("scdscdocktest:preparefails", {"VALUE": 2})
        run.failed.connect(lambda message: outcome.append(("failed", message)))
        run.cancelled.connect(lambda: outcome.append(("cancelled", "")))
        assert not run.start()
        assert outcome == [("failed", "VALUE: the layer behind it cannot be read")]
        assert not run.is_running() and run.task is None
    finally:
        QgsApplication.processingRegistry().removeProvider(test_provider)


def test_shutdown_cancels_a_running_task(dock, planted_layer, provider, tmp_path):
    layer, _ = planted_layer
    outcome = Outcome(dock)
    fill_quick_run(dock, layer, tmp_path / "labels.tif")
    dock.epochs_spin.setValue(100000)
    dock.run()
    wait_until(lambda: dock.stage_label.text() not in ("", "Starting…"))  # the worker has begun
    handle = dock.run_handle
    dock.shutdown()
    assert dock.run_handle is None
    wait_until(lambda: not handle.is_running())
    assert handle.feedback.isCanceled()
    assert not os.path.exists(tmp_path / "labels.tif")
    assert outcome.finished == []  # the detached dock is not told anything any more


def test_closing_the_dock_cancels_the_run(dock, planted_layer, provider, tmp_path):
    layer, _ = planted_layer
    outcome = Outcome(dock)
    fill_quick_run(dock, layer, tmp_path / "labels.tif")
    dock.epochs_spin.setValue(100000)
    dock.run()
    wait_until(lambda: dock.stage_label.text() not in ("", "Starting…"))
    dock.close()
    wait_until(lambda: outcome.finished)
    assert outcome.finished == ["cancelled"]
    assert not [p for p in os.listdir(tmp_path) if p.startswith("labels")]


def test_the_dock_knobs_are_rows_of_the_core_spec_and_read_empty_below_their_first_value(dock, planted_layer):
    from scdsc_core.params import BY_NAME, exposed
    ids = {p.processing: p for p in exposed("processing")}
    spins = dock._tuning_spins()
    assert set(spins) <= set(ids)
    dock.input_combo.setLayer(planted_layer[0])
    for name, spin in spins.items():
        param = ids[name]
        spin.setValue(spin.minimum())
        assert name not in dock.parameters()
        first = param.minimum if param.minimum is not None else 0
        lowest_valid = first + (1 if param.strict or param.legacy_zero else 0) if param.kind == "int" else (
            first + 0.5 if param.strict or param.legacy_zero else first)
        if param.odd and lowest_valid % 2 == 0:
            lowest_valid += 1
        spin.setValue(lowest_valid)
        sent = dock.parameters()[name]
        assert BY_NAME[param.name].check(int(sent) if param.kind == "int" else float(sent)), (name, sent)
        spin.setValue(spin.minimum())
