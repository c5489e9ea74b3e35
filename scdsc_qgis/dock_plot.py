"""Live training curves for the dock: the SCDSC loss terms and the confident ratio, one point per record."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import math
from typing import Dict, List, Mapping, Tuple

from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

__all__ = ["TrainingPlot", "LOSS_TERMS", "RATIO_TERM"]

#: Loss curves drawn on the upper plot: the total and its four terms (method doc §1: reconstruction,
#: basis orthogonality, mini-cluster KL, smoothing KL).
LOSS_TERMS = ("loss", "loss_rec", "loss_orth", "loss_nonlocal", "loss_local")
#: Drawn on the lower plot (0..1): share of confident pixels, the label-free model-selection signal (§2.14).
RATIO_TERM = "confident_ratio"

_LABELS = {
    "loss": "total", "loss_rec": "reconstruction", "loss_orth": "orthogonality",
    "loss_nonlocal": "non-local KL", "loss_local": "local KL", RATIO_TERM: "confident ratio",
}
_COLORS = {
    "loss": "#000000", "loss_rec": "#1f77b4", "loss_orth": "#ff7f0e",
    "loss_nonlocal": "#2ca02c", "loss_local": "#d62728", RATIO_TERM: "#9467bd",
}
#: Redraw at most this often (ms): fast mode records every mini-batch, and redrawing per record would cost the
#: GUI thread more than the records are worth.
_REDRAW_INTERVAL_MS = 200
#: Same width for both left axes, so that the two plots' x axes line up.
_AXIS_WIDTH = 60


class TrainingPlot(QWidget):
    """Two linked pyqtgraph plots fed with SCDSC training records.

    The x axis is the record's position in the run (one point per recorded step, pretraining first); a dashed
    line marks where clustering starts. A missing term (pretraining has only ``loss`` and ``loss_rec``) is a gap.
    Without pyqtgraph the widget says so and still keeps the series.

    Parameters
    ----------
    parent : QWidget, optional
    log_scale : bool, default True
        Initial state of the "log scale" check box.

    Examples
    --------
    >>> plot = TrainingPlot()                                           # doctest: +SKIP
    >>> plot.add_record({"stage": "cluster", "loss": 1.2, "confident_ratio": 0.4})  # doctest: +SKIP
    >>> plot.point_count()                                              # doctest: +SKIP
    1
    """

    def __init__(self, parent=None, *, log_scale: bool = True):
        super().__init__(parent)
        self._series: Dict[str, List[float]] = {name: [] for name in LOSS_TERMS + (RATIO_TERM,)}
        self._cluster_start = None
        self._curves = {}
        self._stage_line = None
        self.loss_plot = None
        self.ratio_plot = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.log_check = QCheckBox(self.tr("Log scale"))
        self.log_check.setChecked(log_scale)
        self.log_check.toggled.connect(self._apply_log_scale)
        header = QHBoxLayout()
        self.title_label = QLabel(self.tr("Training"))
        header.addWidget(self.title_label)
        header.addStretch(1)
        header.addWidget(self.log_check)
        layout.addLayout(header)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(_REDRAW_INTERVAL_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self._build_plots(layout)

    def _build_plots(self, layout) -> None:
        """Create the pyqtgraph widgets, or a note when pyqtgraph is missing from QGIS's Python."""
        try:
            import pyqtgraph as pg
        except ImportError:
            self.unavailable_label = QLabel(self.tr("Install pyqtgraph to see the training curves."))
            self.unavailable_label.setWordWrap(True)
            layout.addWidget(self.unavailable_label)
            return
        self.loss_plot = pg.PlotWidget(background="w")
        self.loss_plot.setMinimumHeight(160)
        item = self.loss_plot.getPlotItem()
        item.addLegend(offset=(-5, 5), labelTextSize="7pt", brush=(255, 255, 255, 210))
        item.setLabel("left", self.tr("loss"))
        item.showGrid(x=True, y=True, alpha=0.2)
        item.getAxis("bottom").setStyle(showValues=False)  # the ratio plot below carries the shared x axis
        item.getAxis("left").setWidth(_AXIS_WIDTH)
        for name in LOSS_TERMS:
            pen = pg.mkPen(QColor(_COLORS[name]), width=2 if name == "loss" else 1)
            self._curves[name] = item.plot([], [], pen=pen, name=self.tr(_LABELS[name]), connect="finite")
        self._stage_line = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen("#888888", style=Qt.PenStyle.DashLine))
        self._stage_line.setVisible(False)
        item.addItem(self._stage_line, ignoreBounds=True)

        self.ratio_plot = pg.PlotWidget(background="w")
        self.ratio_plot.setMinimumHeight(110)
        self.ratio_plot.setMaximumHeight(150)
        ratio_item = self.ratio_plot.getPlotItem()
        ratio_item.setLabel("left", self.tr("confident"))
        ratio_item.setLabel("bottom", self.tr("recorded step"))
        ratio_item.getAxis("left").setWidth(_AXIS_WIDTH)
        ratio_item.getAxis("left").setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]])
        ratio_item.getAxis("left").setStyle(hideOverlappingLabels=False)
        ratio_item.setYRange(0.0, 1.0, padding=0.1)
        ratio_item.setMouseEnabled(x=True, y=False)
        ratio_item.showGrid(x=True, y=True, alpha=0.2)
        ratio_item.setXLink(item)
        self._curves[RATIO_TERM] = ratio_item.plot([], [], pen=pg.mkPen(QColor(_COLORS[RATIO_TERM]), width=2),
                                                   connect="finite")
        layout.addWidget(self.loss_plot, 3)
        layout.addWidget(self.ratio_plot, 1)
        self._apply_log_scale(self.log_check.isChecked())

    # -- data -----------------------------------------------------------------------------------------------
    def add_record(self, record: Mapping) -> None:
        """Append one training record (a missing or non-numeric term becomes a gap) and schedule a redraw."""
        index = self.point_count()
        if self._cluster_start is None and record.get("stage", "cluster") != "pretrain":
            self._cluster_start = index
        for name, values in self._series.items():
            values.append(_as_float(record.get(name)))
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def clear(self) -> None:
        """Forget every point (a new run starts)."""
        for values in self._series.values():
            values.clear()
        self._cluster_start = None
        self.redraw()

    def point_count(self) -> int:
        """Number of records received (= points per curve)."""
        return len(self._series["loss"])

    def cluster_point_count(self) -> int:
        """Number of records since the clustering stage started (0 during pretraining)."""
        return 0 if self._cluster_start is None else self.point_count() - self._cluster_start

    def series(self, name: str) -> Tuple[List[float], List[float]]:
        """``(x, y)`` of curve ``name`` as stored (NaN = gap)."""
        values = self._series[name]
        return list(range(len(values))), list(values)

    def drawn_point_count(self, name: str = "loss") -> int:
        """Number of points currently drawn on curve ``name`` (0 without pyqtgraph)."""
        curve = self._curves.get(name)
        if curve is None:
            return 0
        x, _ = curve.getOriginalDataset()
        return 0 if x is None else len(x)

    # -- drawing --------------------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Push the stored series to the curves now (also called by the throttling timer)."""
        self._redraw_timer.stop()
        if not self._curves:
            return
        import numpy as np
        x = np.arange(self.point_count(), dtype=float)
        for name, curve in self._curves.items():
            y = np.asarray(self._series[name], dtype=float)
            if name != RATIO_TERM and self.log_check.isChecked():
                y = np.where(y > 0, y, np.nan)  # log10 of 0 or of a negative term is a gap, not -inf
            curve.setData(x, y, connect="finite")
        if self._stage_line is not None:
            visible = self._cluster_start is not None and self._cluster_start > 0
            self._stage_line.setVisible(visible)
            if visible:
                self._stage_line.setValue(self._cluster_start - 0.5)

    def _apply_log_scale(self, enabled: bool) -> None:
        """Switch the loss axis between linear and log10."""
        if self.loss_plot is not None:
            self.loss_plot.getPlotItem().setLogMode(x=False, y=bool(enabled))
            self.redraw()


def _as_float(value) -> float:
    """``value`` as float, NaN when absent or not a finite number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan

