"""The SCDSC dock: fields -> ``scdsc:cluster`` parameters, a background run with live curves, styled results."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import os
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from qgis.core import (Qgis, QgsContrastEnhancement, QgsMapLayer, QgsMapLayerProxyModel, QgsPalettedRasterRenderer,
                       QgsProcessingUtils, QgsProject, QgsProviderRegistry, QgsRasterLayer,
                       QgsSingleBandGrayRenderer)
from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, pyqtSignal, pyqtSlot
from qgis.PyQt.QtGui import QColor, QIcon, QPixmap
from qgis.PyQt.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout,
                                 QHBoxLayout, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton,
                                 QScrollArea, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .dock_plot import TrainingPlot
from .dock_settings import DEVICES, MODES, DockSettings
from .task import AlgorithmRun

__all__ = ["ScdscDockWidget", "ALGORITHM_ID", "default_output_path"]

LOGGER = logging.getLogger("scdsc_qgis.dock")

#: The dock runs the same algorithm as the Toolbox, batch mode and the modeler (docs/style.md, "Dock").
ALGORITHM_ID = "scdsc:cluster"
_ERROR_STYLE = "color: #a40000;"


class _FieldError(Exception):
    """A dock field holds something the run cannot use; the message names the field."""


class ScdscDockWidget(QgsDockWidget):
    """Dock widget that runs ``scdsc:cluster`` in the background and shows its training live.

    The widget turns its fields into the algorithm's parameters (:meth:`parameters`) and runs the *same*
    Processing algorithm through ``QgsProcessingAlgRunnerTask`` in QGIS's task manager (:class:`AlgorithmRun`).
    Progress, the stage text and the training records arrive by Qt signals; on success the label raster (and
    the confidence raster when asked) is added to the project with its style, and the cluster sizes (and
    OA/NMI/kappa against a reference) are shown.

    Parameters
    ----------
    iface : QgisInterface
        Used for the message bar.
    parent : QWidget, optional

    Signals
    -------
    runStarted(dict)
        The parameters handed to the algorithm, when a run starts.
    runFinished(str)
        ``"succeeded"``, ``"failed"`` or ``"cancelled"``.

    Examples
    --------
    >>> dock = ScdscDockWidget(iface)                                   # doctest: +SKIP
    >>> iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)  # doctest: +SKIP
    """

    runStarted = pyqtSignal(dict)
    runFinished = pyqtSignal(str)

    #: The Processing algorithm the dock runs.
    algorithm_id = ALGORITHM_ID

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.setObjectName("ScdscDockWidget")
        self.setWindowTitle(self.tr("SCDSC clustering"))
        self.run_handle: Optional[AlgorithmRun] = None
        self.last_parameters: Dict[str, Any] = {}
        self.last_results: Dict[str, Any] = {}
        self.result_layers: List[QgsRasterLayer] = []
        self._run_context: Dict[str, Any] = {}
        self._build_ui()
        self.apply_settings(DockSettings.load())
        self._update_band_info()
        self._set_running(False)

    # ------------------------------------------------------------------------------------------------------
    # UI
    # ------------------------------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.input_combo = QgsMapLayerComboBox()
        self.input_combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        # Only GDAL rasters: the core reads the file itself (web and mesh layers have no file to read).
        others = [p for p in QgsProviderRegistry.instance().providerList() if p != "gdal"]
        self.input_combo.setExcludedProviders(others + ["wms", "wcs", "arcgismapserver", "postgresraster"])
        self.input_combo.setToolTip(self.tr("Raster to cluster (any GDAL raster with at least 3 bands)."))
        form.addRow(self.tr("Input raster"), self.input_combo)

        self.bands_edit = QLineEdit()
        self.bands_edit.setPlaceholderText(self.tr("all bands (e.g. 1-50,60)"))
        self.bands_edit.setToolTip(self.tr("1-based bands and ranges, e.g. 1-50,60. Empty: all bands except "
                                           "those flagged bad (bbl=0)."))
        self.bands_info_label = QLabel()
        self.bands_info_label.setWordWrap(True)
        bands_box = QVBoxLayout()
        bands_box.setContentsMargins(0, 0, 0, 0)
        bands_box.addWidget(self.bands_edit)
        bands_box.addWidget(self.bands_info_label)
        form.addRow(self.tr("Bands"), bands_box)

        self.mask_combo = QgsMapLayerComboBox()
        self.mask_combo.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer
                                   | QgsMapLayerProxyModel.Filter.RasterLayer)
        self.mask_combo.setAllowEmptyLayer(True)
        self.mask_combo.setLayer(None)
        self.mask_combo.setToolTip(self.tr("Optional polygons (the pixels inside are clustered) or a raster (its "
                                           "non-zero pixels, or those its rule keeps)."))
        form.addRow(self.tr("Mask (optional)"), self.mask_combo)
        self.mask_rule_edit = QLineEdit()
        self.mask_rule_edit.setPlaceholderText(self.tr("e.g. drop=3,8-10 or bits=0-4"))
        self.mask_rule_edit.setToolTip(self.tr("For a raster mask read as a quality band: drop=3,8-10 or keep=4,5 "
                                               "(class values, e.g. the Sentinel-2 SCL), bits=0-4 (Landsat "
                                               "QA_PIXEL), band=N; combine with |."))
        form.addRow(self.tr("Mask rule"), self.mask_rule_edit)

        self.clusters_spin = QSpinBox()
        self.clusters_spin.setRange(2, 255)  # labels are stored as bytes, 0 = nodata
        form.addRow(self.tr("Clusters"), self.clusters_spin)

        self.mode_combo = QComboBox()
        self.mode_combo.addItem(self.tr("Fast"), "fast")
        self.mode_combo.setItemData(0, self.tr("Mini-batches on a sample of pixels; for large scenes."),
                                    Qt.ItemDataRole.ToolTipRole)
        self.mode_combo.addItem(self.tr("Paper"), "paper")
        self.mode_combo.setItemData(1, self.tr("Full batch, as published; for small scenes."),
                                    Qt.ItemDataRole.ToolTipRole)
        form.addRow(self.tr("Mode"), self.mode_combo)

        self.reference_combo = QgsMapLayerComboBox()
        self.reference_combo.setFilters(QgsMapLayerProxyModel.Filter.RasterLayer)
        self.reference_combo.setAllowEmptyLayer(True)
        self.reference_combo.setLayer(None)
        self.reference_combo.setToolTip(self.tr("Optional reference labels (0 = unlabelled): the result is "
                                                "scored with OA, NMI and kappa."))
        form.addRow(self.tr("Reference (optional)"), self.reference_combo)

        self.output_widget = QgsFileWidget()
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output_widget.setFilter(self.tr("GeoTIFF (*.tif *.tiff)"))
        self.output_widget.setConfirmOverwrite(True)
        self.output_widget.lineEdit().setPlaceholderText(self.tr("automatic"))
        self.output_widget.setToolTip(self.tr("Label GeoTIFF to write. Empty: a new file next to the saved project, "
                                              "or in QGIS's temporary folder."))
        form.addRow(self.tr("Output labels"), self.output_widget)

        self.confidence_check = QCheckBox(self.tr("Also write it"))
        self.confidence_check.setToolTip(self.tr("Write each pixel's largest soft assignment (0..1) beside the "
                                                 "labels, and add it as a grey layer."))
        form.addRow(self.tr("Confidence raster"), self.confidence_check)
        for combo in (self.input_combo, self.mask_combo, self.reference_combo):
            # Long layer names must not widen the dock; the full name is in the drop-down.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        layout.addLayout(form)

        self.advanced_group = QgsCollapsibleGroupBox(self.tr("Advanced"))
        self.advanced_group.setCollapsed(True)
        advanced = QFormLayout(self.advanced_group)
        # One meaning per value (scdsc_core.params): where 0 is a real value (every pixel, no pretraining), the
        # "mode default" sits below it, at -1; where 0 is not a valid value, 0 shows as the mode default.
        self.sample_size_spin = _spin(-1, 100_000_000, self.tr("mode default"), step=1000)
        self.sample_size_spin.setToolTip(self.tr("Pixels used for training; 0 = every clustered pixel."))
        advanced.addRow(self.tr("Sample size"), self.sample_size_spin)
        self.epochs_spin = _spin(0, 100_000, self.tr("mode default"))
        advanced.addRow(self.tr("Clustering epochs"), self.epochs_spin)
        self.pretrain_epochs_spin = _spin(-1, 100_000, self.tr("mode default"))
        self.pretrain_epochs_spin.setToolTip(self.tr("0 = no pretraining."))
        advanced.addRow(self.tr("Pretraining epochs"), self.pretrain_epochs_spin)
        self.learning_rate_spin = _double_spin(0.0, 1.0, 6, 1e-4, self.tr("mode default"))
        advanced.addRow(self.tr("Learning rate"), self.learning_rate_spin)
        # Weights: 0 switches a term off, so "default" sits below 0 (any negative value means default).
        self.alpha_spin = _double_spin(-1.0, 1000.0, 2, 0.5, self.tr("default"))
        self.alpha_spin.setToolTip(self.tr("Weight of the mini-cluster (non-local) term."))
        advanced.addRow(self.tr("Alpha (non-local)"), self.alpha_spin)
        self.beta_spin = _double_spin(-1.0, 1000.0, 2, 0.5, self.tr("default"))
        self.beta_spin.setToolTip(self.tr("Weight of the smoothing (local) term."))
        advanced.addRow(self.tr("Beta (local)"), self.beta_spin)
        self.window_spin = _spin(0, 99, self.tr("default"))
        self.window_spin.setToolTip(self.tr("Side of the smoothing window, in pixels (odd)."))
        advanced.addRow(self.tr("Smoothing window"), self.window_spin)
        self.components_spin = _spin(0, 1000, self.tr("auto: min(8, bands)"))
        self.components_spin.setToolTip(self.tr("Pixel PCA components (network input channels); at most the "
                                                "number of bands."))
        advanced.addRow(self.tr("PCA components"), self.components_spin)
        self.seed_spin = _spin(0, 2_147_483_647)
        advanced.addRow(self.tr("Seed"), self.seed_spin)
        self.device_combo = QComboBox()
        for device, label in zip(DEVICES, (self.tr("Automatic"), self.tr("CPU"), self.tr("CUDA GPU"))):
            self.device_combo.addItem(label, device)
        advanced.addRow(self.tr("Device"), self.device_combo)
        layout.addWidget(self.advanced_group)

        buttons = QHBoxLayout()
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        self.stage_label = QLabel()
        self.stage_label.setWordWrap(True)
        layout.addWidget(self.stage_label)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        layout.addWidget(self.progress_bar)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)

        self.plot = TrainingPlot()
        self.plot.setMinimumHeight(260)
        layout.addWidget(self.plot)

        self.result_group = QgsCollapsibleGroupBox(self.tr("Result"))
        result_layout = QVBoxLayout(self.result_group)
        self.metrics_label = QLabel()
        self.metrics_label.setWordWrap(True)
        result_layout.addWidget(self.metrics_label)
        self.sizes_table = QTableWidget(0, 3)
        self.sizes_table.setHorizontalHeaderLabels([self.tr("Cluster"), self.tr("Pixels"), self.tr("Share")])
        self.sizes_table.verticalHeader().setVisible(False)
        self.sizes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sizes_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sizes_table.setMinimumHeight(120)
        result_layout.addWidget(self.sizes_table)
        layout.addWidget(self.result_group)
        layout.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)
        self.setWidget(self.scroll_area)

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.input_combo.layerChanged.connect(self._update_band_info)
        self.bands_edit.textChanged.connect(self._update_band_info)

    # ------------------------------------------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------------------------------------------
    def current_settings(self) -> DockSettings:
        """The remembered part of the fields, as :class:`DockSettings`."""
        return DockSettings(
            n_clusters=self.clusters_spin.value(), mode=self.mode_combo.currentData(),
            confidence=self.confidence_check.isChecked(), sample_size=self.sample_size_spin.value(),
            epochs=self.epochs_spin.value(), pretrain_epochs=self.pretrain_epochs_spin.value(),
            learning_rate=self.learning_rate_spin.value(),
            alpha=self.alpha_spin.value(), beta=self.beta_spin.value(), window=self.window_spin.value(),
            n_components=self.components_spin.value(), seed=self.seed_spin.value(), device=self.device_combo.currentData(),
            log_scale=self.plot.log_check.isChecked())

    def apply_settings(self, settings: DockSettings) -> None:
        """Set the fields from ``settings``."""
        self.clusters_spin.setValue(settings.n_clusters)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(settings.mode)))
        self.confidence_check.setChecked(settings.confidence)
        self.sample_size_spin.setValue(settings.sample_size)
        self.epochs_spin.setValue(settings.epochs)
        self.pretrain_epochs_spin.setValue(settings.pretrain_epochs)
        self.learning_rate_spin.setValue(settings.learning_rate)
        self.alpha_spin.setValue(settings.alpha)
        self.beta_spin.setValue(settings.beta)
        self.window_spin.setValue(settings.window)
        self.components_spin.setValue(settings.n_components)
        self.seed_spin.setValue(settings.seed)
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(settings.device)))
        self.plot.log_check.setChecked(settings.log_scale)

    # ------------------------------------------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------------------------------------------
    def parameters(self) -> Dict[str, Any]:
        """The ``scdsc:cluster`` parameters the fields describe.

        Layers are passed by file source when they are GDAL/OGR layers (the worker thread then never touches a
        project layer), otherwise by layer id. Optional inputs and outputs that are not set are left out, so the
        algorithm's defaults apply.

        Returns
        -------
        dict

        Raises
        ------
        _FieldError
            No input layer, or a band text that does not select bands of the input (``1-50,60``).
        """
        layer = self.input_combo.currentLayer()
        if layer is None:
            raise _FieldError(self.tr("Input raster: choose a raster layer of the project (none is selected)."))
        settings = self.current_settings()
        params: Dict[str, Any] = {
            "INPUT": _layer_source(layer),
            "N_CLUSTERS": settings.n_clusters,
            "MODE": MODES.index(settings.mode),
            "SEED": settings.seed,
            "DEVICE": DEVICES.index(settings.device),
        }
        # Left out = the core's default (the algorithm's tuning parameters are optional without a default): each
        # knob's spin box shows "mode default" at its minimum, below the knob's first valid value.
        for name, spin in self._tuning_spins().items():
            if spin.value() > spin.minimum():
                params[name] = spin.value()
        bands = self.bands_edit.text().strip()
        if bands:
            params["BANDS"] = self._selected_bands(bands, layer.bandCount())
        mask = self.mask_combo.currentLayer()
        if mask is not None:
            params["MASK"] = _layer_source(mask)
        rule = self.mask_rule_edit.text().strip()
        if rule:
            params["MASK_RULE"] = rule
        reference = self.reference_combo.currentLayer()
        if reference is not None:
            params["REFERENCE"] = _layer_source(reference)
        output = self.output_widget.filePath().strip() or default_output_path(layer.name())
        params["OUTPUT"] = output
        if settings.confidence:
            params["OUTPUT_CONFIDENCE"] = _sibling_path(output, "_confidence")
        return params

    # ------------------------------------------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------------------------------------------
    def is_running(self) -> bool:
        """True while a run started by this dock has not finished."""
        return self.run_handle is not None and self.run_handle.is_running()

    @pyqtSlot()
    def run(self) -> None:
        """Start ``scdsc:cluster`` in the background with the fields' parameters (no-op while running)."""
        if self.is_running():
            return
        self._clear_outcome()
        try:
            params = self.parameters()
        except _FieldError as error:
            self._show_failure(str(error))
            return
        self.current_settings().save()
        input_layer = self.input_combo.currentLayer()
        self._run_context = {"input_name": input_layer.name(), "reference": params.get("REFERENCE")}
        self.last_parameters = dict(params)
        self.plot.clear()
        self.run_handle = AlgorithmRun(self.algorithm_id, params,
                                       description=self.tr("SCDSC clustering of {}").format(input_layer.name()))
        self.run_handle.progressChanged.connect(self._on_progress)
        self.run_handle.stageChanged.connect(self._on_stage)
        self.run_handle.trainingRecord.connect(self.plot.add_record)
        self.run_handle.succeeded.connect(self._on_succeeded)
        self.run_handle.failed.connect(self._on_failed)
        self.run_handle.cancelled.connect(self._on_cancelled)
        self._set_running(True)
        self.stage_label.setText(self.tr("Starting…"))
        self.runStarted.emit(dict(params))
        try:
            self.run_handle.start()
        except Exception as error:  # a broken algorithm must not leave the dock stuck in "running"
            LOGGER.exception("starting %s failed", self.algorithm_id)
            self.run_handle = None
            self._on_failed(self.tr("Could not start the clustering: {}").format(error))

    @pyqtSlot()
    def cancel(self) -> None:
        """Ask the running algorithm to stop; it writes nothing."""
        if self.is_running():
            self.stage_label.setText(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)
            self.run_handle.cancel()

    def shutdown(self) -> None:
        """Cancel a running task and detach from it (plugin unload, QGIS exit).

        Waits a few seconds for the worker to stop, so that QGIS does not unload the plugin's code under a
        running algorithm; the run object itself outlives the dock until its task has finished.
        """
        if self.run_handle is None:
            return
        handle, self.run_handle = self.run_handle, None
        handle.blockSignals(True)  # the dock may be gone when the task reports back
        if handle.is_running():
            handle.cancel()
            handle.wait(5000)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """Closing the dock cancels a running task (issue 5)."""
        self.cancel()
        super().closeEvent(event)

    def _set_running(self, running: bool) -> None:
        for widget in (self.run_button, self.input_combo, self.bands_edit, self.mask_combo, self.mask_rule_edit,
                       self.clusters_spin, self.mode_combo, self.reference_combo, self.output_widget,
                       self.confidence_check, self.advanced_group):
            widget.setEnabled(not running)
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress_bar.setValue(0)

    def _clear_outcome(self) -> None:
        self.message_label.clear()
        self.message_label.setStyleSheet("")
        self.metrics_label.clear()
        self.sizes_table.setRowCount(0)
        self.last_results = {}
        self.result_layers = []

    @pyqtSlot(float)
    def _on_progress(self, value: float) -> None:
        self.progress_bar.setValue(int(round(value)))

    @pyqtSlot(str)
    def _on_stage(self, text: str) -> None:
        self.stage_label.setText(text)

    @pyqtSlot(dict)
    def _on_succeeded(self, results: dict) -> None:
        self.plot.redraw()
        self._set_running(False)
        self.progress_bar.setValue(100)
        self.last_results = dict(results)
        try:
            self._show_results(results)
        except Exception as error:  # a result that cannot be displayed must not look like a failed run
            LOGGER.exception("showing the SCDSC result failed")
            self.message_label.setText(self.tr("The clustering finished, but its result could not be shown: "
                                               "{}").format(error))
        self.runFinished.emit("succeeded")

    @pyqtSlot(str)
    def _on_failed(self, message: str) -> None:
        self.plot.redraw()
        self._set_running(False)
        self.progress_bar.setValue(0)
        self._show_failure(message)
        self.runFinished.emit("failed")

    @pyqtSlot()
    def _on_cancelled(self) -> None:
        self.plot.redraw()
        self._set_running(False)
        self.progress_bar.setValue(0)
        self.stage_label.setText(self.tr("Cancelled: nothing was written."))
        self.runFinished.emit("cancelled")

    def _show_failure(self, message: str) -> None:
        """Show ``message`` in the dock and in QGIS's message bar; the fields keep their values."""
        self.stage_label.setText(self.tr("Failed."))
        self.message_label.setStyleSheet(_ERROR_STYLE)
        self.message_label.setText(message)
        bar = self._message_bar()
        if bar is not None:
            bar.pushMessage(self.tr("SCDSC clustering"), message, level=Qgis.MessageLevel.Critical, duration=0)

    def _message_bar(self):
        try:
            return self.iface.messageBar() if self.iface is not None else None
        except AttributeError:
            return None

    # ------------------------------------------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------------------------------------------
    def _show_results(self, results: dict) -> None:
        """Add the styled outputs to the project and fill the sizes table and the metrics line."""
        output = results.get("OUTPUT")
        if not output or not os.path.exists(str(output)):
            raise RuntimeError(self.tr("the algorithm returned no label raster"))
        output = str(output)
        input_name = self._run_context.get("input_name", "")
        project = QgsProject.instance()
        confidence = results.get("OUTPUT_CONFIDENCE")
        if confidence and os.path.exists(str(confidence)):
            conf_layer = load_confidence_layer(str(confidence),
                                               self.tr("{} – SCDSC confidence").format(input_name))
            project.addMapLayer(conf_layer)
            self.result_layers.append(conf_layer)
        k = int(self.last_parameters.get("N_CLUSTERS", 0))
        label_layer = load_label_layer(output, self.tr("{} – SCDSC clusters").format(input_name), k)
        project.addMapLayer(label_layer)  # added last: drawn above the confidence and the input
        self.result_layers.append(label_layer)

        classes = _palette_of(label_layer)
        # Counted from the written raster (the algorithm returns file outputs and OA/NMI/KAPPA, not the sizes).
        sizes = cluster_sizes(output, len(classes) or k)
        self._fill_sizes_table(classes, sizes)
        metrics = self._metrics(results)
        self.metrics_label.setText(metrics)
        self.stage_label.setText(self.tr("Done: {} clusters in {}").format(len(sizes), output))
        bar = self._message_bar()
        if bar is not None:
            bar.pushMessage(self.tr("SCDSC clustering"), self.tr("Added {}.").format(label_layer.name()),
                            level=Qgis.MessageLevel.Success, duration=5)

    def _fill_sizes_table(self, classes: Sequence[Tuple[int, QColor, str]], sizes: Sequence[int]) -> None:
        total = float(sum(sizes)) or 1.0
        self.sizes_table.setRowCount(len(sizes))
        for row, size in enumerate(sizes):
            value = row + 1
            color, name = next(((c, n) for v, c, n in classes if v == value), (QColor("#808080"),
                                                                               self.tr("Cluster {}").format(value)))
            swatch = QPixmap(14, 14)
            swatch.fill(color)
            name_item = QTableWidgetItem(QIcon(swatch), name)
            name_item.setData(Qt.ItemDataRole.UserRole, color.name())
            size_item = QTableWidgetItem(f"{int(size):,}")
            size_item.setData(Qt.ItemDataRole.UserRole, int(size))
            size_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            share_item = QTableWidgetItem(f"{100.0 * size / total:.1f} %")
            share_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.sizes_table.setItem(row, 0, name_item)
            self.sizes_table.setItem(row, 1, size_item)
            self.sizes_table.setItem(row, 2, share_item)

    def _metrics(self, results: dict) -> str:
        """The OA/NMI/kappa line, from the algorithm's OA, NMI and KAPPA outputs (set when REFERENCE is)."""
        if not self._run_context.get("reference"):
            return ""
        values = [results.get(key) for key in ("OA", "NMI", "KAPPA")]
        if any(value is None for value in values):
            return self.tr("No evaluation against the reference was returned.")
        return self.tr("Against the reference: OA {:.3f} · NMI {:.3f} · kappa {:.3f}").format(
            *(float(value) for value in values))

    def _tuning_spins(self) -> Dict[str, Any]:
        """The Processing id of each tuning knob -> its spin box."""
        return {"SAMPLE_SIZE": self.sample_size_spin, "PRETRAIN_EPOCHS": self.pretrain_epochs_spin,
                "EPOCHS": self.epochs_spin, "LEARNING_RATE": self.learning_rate_spin, "ALPHA": self.alpha_spin,
                "BETA": self.beta_spin, "WINDOW": self.window_spin, "PCA_COMPONENTS": self.components_spin}

    def _selected_bands(self, text: str, band_count: int) -> List[int]:
        """The band numbers of ``text`` ("1-50,60") for a raster of ``band_count`` bands."""
        from scdsc_core.errors import ScdscError
        from scdsc_core.raster import parse_bands
        try:
            return [int(b) for b in parse_bands(text, band_count)]
        except ScdscError as error:
            raise _FieldError(self.tr("Bands: {}").format(error)) from None

    @pyqtSlot()
    def _update_band_info(self, *_args) -> None:
        """Show how many bands the input has and how many the band text selects (or what is wrong with it)."""
        layer = self.input_combo.currentLayer()
        text = self.bands_edit.text().strip()
        self.bands_info_label.setStyleSheet("")
        if layer is None:
            self.bands_info_label.setText("")
            return
        if not text:
            self.bands_info_label.setText(self.tr("all {} bands").format(layer.bandCount()))
            return
        try:
            selected = self._selected_bands(text, layer.bandCount())
        except _FieldError as error:
            self.bands_info_label.setStyleSheet(_ERROR_STYLE)
            self.bands_info_label.setText(str(error))
            return
        self.bands_info_label.setText(self.tr("{} of {} bands").format(len(selected), layer.bandCount()))


# ----------------------------------------------------------------------------------------------------------
# Helpers (public ones are used by the screenshot script and the tests)
# ----------------------------------------------------------------------------------------------------------
def default_output_path(layer_name: str, folder: Optional[str] = None) -> str:
    """A new label-raster path: ``<folder>/<layer>_scdsc.tif``, numbered if it exists.

    Parameters
    ----------
    layer_name : str
        Name of the input layer (made file-name safe).
    folder : str, optional
        Default: the project's folder when the project is saved there and writable, else QGIS's Processing
        temporary folder.

    Returns
    -------
    str
    """
    if folder is None:
        project_dir = QgsProject.instance().absolutePath()
        folder = project_dir if project_dir and os.access(project_dir, os.W_OK) else QgsProcessingUtils.tempFolder()
    stem = re.sub(r"[^\w.-]+", "_", layer_name).strip("._") or "raster"
    candidate = os.path.join(folder, f"{stem}_scdsc.tif")
    number = 2
    while os.path.exists(candidate) or os.path.exists(os.path.splitext(candidate)[0] + ".qml"):
        candidate = os.path.join(folder, f"{stem}_scdsc_{number}.tif")
        number += 1
    return candidate


def load_label_layer(path: str, name: str, n_clusters: int = 0) -> QgsRasterLayer:
    """The label raster as a paletted layer: its ``.qml`` sidecar (written by the core), else the fixed palette.

    Raises
    ------
    RuntimeError
        The file is not a readable raster.
    """
    layer = QgsRasterLayer(path, name, "gdal")
    if not layer.isValid():
        raise RuntimeError(f"cannot open the label raster {path}")
    qml = os.path.splitext(path)[0] + ".qml"
    if os.path.exists(qml):
        layer.loadNamedStyle(qml)
    if not isinstance(layer.renderer(), QgsPalettedRasterRenderer):
        from scdsc_core.style import cluster_colors, cluster_names
        k = n_clusters or int(layer.dataProvider().bandStatistics(1).maximumValue)
        classes = [QgsPalettedRasterRenderer.Class(i + 1, QColor(*rgb), name)
                   for i, (rgb, name) in enumerate(zip(cluster_colors(k), cluster_names(k)))]
        layer.setRenderer(QgsPalettedRasterRenderer(layer.dataProvider(), 1, classes))
    layer.triggerRepaint()
    return layer


def load_confidence_layer(path: str, name: str) -> QgsRasterLayer:
    """The confidence raster (0..1) as a grey layer: its ``.qml`` sidecar if any, else a 0..1 grey stretch."""
    layer = QgsRasterLayer(path, name, "gdal")
    if not layer.isValid():
        raise RuntimeError(f"cannot open the confidence raster {path}")
    qml = os.path.splitext(path)[0] + ".qml"
    if os.path.exists(qml):
        layer.loadNamedStyle(qml)
    if not isinstance(layer.renderer(), QgsSingleBandGrayRenderer):
        renderer = QgsSingleBandGrayRenderer(layer.dataProvider(), 1)
        stretch = QgsContrastEnhancement(layer.dataProvider().dataType(1))
        stretch.setContrastEnhancementAlgorithm(
            QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
        stretch.setMinimumValue(0.0)
        stretch.setMaximumValue(1.0)
        renderer.setContrastEnhancement(stretch)
        layer.setRenderer(renderer)
    return layer


def cluster_sizes(path: str, n_clusters: int) -> List[int]:
    """Pixels per cluster 1..K of a label raster (0 = nodata), read block by block."""
    import numpy as np
    from osgeo import gdal
    dataset = gdal.OpenEx(path, gdal.OF_RASTER)
    if dataset is None:
        raise RuntimeError(f"cannot open the label raster {path}")
    band = dataset.GetRasterBand(1)
    counts = np.zeros(max(int(n_clusters), 0) + 1, dtype=np.int64)
    rows_per_block = max(1, (1 << 22) // max(1, dataset.RasterXSize))
    for row in range(0, dataset.RasterYSize, rows_per_block):
        height = min(rows_per_block, dataset.RasterYSize - row)
        block = band.ReadAsArray(0, row, dataset.RasterXSize, height)
        found = np.bincount(block.ravel().astype(np.int64), minlength=counts.size)
        if found.size > counts.size:
            counts = np.pad(counts, (0, found.size - counts.size))
        counts += found
    del band, dataset
    return counts[1:].astype(int).tolist()


def _palette_of(layer: QgsRasterLayer) -> List[Tuple[int, QColor, str]]:
    """``(value, colour, name)`` of each class of a paletted layer (empty for other renderers)."""
    renderer = layer.renderer()
    if not isinstance(renderer, QgsPalettedRasterRenderer):
        return []
    return [(int(c.value), QColor(c.color), c.label) for c in renderer.classes()]


def _layer_source(layer: QgsMapLayer) -> str:
    """A parameter value for ``layer``: its file source for GDAL/OGR layers, else its id in the project."""
    if layer.providerType() in ("gdal", "ogr"):
        return layer.source()
    return layer.id()


def _sibling_path(path: str, suffix: str) -> str:
    """``/a/b.tif`` + ``_confidence`` -> ``/a/b_confidence.tif``."""
    stem, ext = os.path.splitext(path)
    return f"{stem}{suffix}{ext or '.tif'}"


def _spin(minimum: int, maximum: int, special: str = "", step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    if special:
        spin.setSpecialValueText(special)  # shown for the minimum (0 = the mode's default)
    return spin


def _double_spin(minimum: float, maximum: float, decimals: int, step: float, special: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(decimals)
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    if special:
        spin.setSpecialValueText(special)
    return spin
