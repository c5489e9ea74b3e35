"""Processing feedback that also carries SCDSC training records, stage text and errors as Qt signals."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from qgis.core import QgsProcessingFeedback
from qgis.PyQt.QtCore import pyqtSignal

__all__ = ["TrainingFeedback", "push_training_record"]


class TrainingFeedback(QgsProcessingFeedback):
    """A :class:`QgsProcessingFeedback` whose reports reach the GUI thread as signals.

    The algorithm runs in a worker thread (``QgsProcessingAlgRunnerTask``) and calls the usual feedback methods
    there. Each call emits a signal; a receiver living in the GUI thread (the dock) gets it through a queued
    connection, so the worker never touches a widget (issue 5).

    Signals
    -------
    trainingRecord(dict)
        One SCDSC training record (``stage``, ``epoch``, ``step``, ``loss``, ``loss_rec``, ``loss_orth``,
        ``loss_nonlocal``, ``loss_local``, ``confident_ratio``; pretraining records hold only ``loss`` and
        ``loss_rec``), sent by :func:`push_training_record`.
    progressTextChanged(str)
        The current stage text (``setProgressText``).
    errorReported(str)
        An error message (``reportError``); ``QgsProcessingAlgRunnerTask`` reports the text of a
        ``QgsProcessingException`` here.

    Progress itself uses the inherited ``progressChanged(float)`` signal (0..100).

    Examples
    --------
    >>> feedback = TrainingFeedback()                                   # doctest: +SKIP
    >>> feedback.trainingRecord.connect(plot.add_record)                # doctest: +SKIP
    """

    trainingRecord = pyqtSignal(dict)
    progressTextChanged = pyqtSignal(str)
    errorReported = pyqtSignal(str)

    def __init__(self, log_feedback: bool = True):
        super().__init__(log_feedback)

    def pushTrainingRecord(self, record: Mapping[str, Any]) -> None:  # noqa: N802 (Qt naming, called by duck type)
        """Emit ``trainingRecord`` with a plain copy of ``record`` (numbers as Python floats/ints)."""
        self.trainingRecord.emit(_plain_record(record))

    def setProgressText(self, text: str) -> None:  # noqa: N802 (overrides the Qt method)
        """Set the stage text and emit ``progressTextChanged``."""
        super().setProgressText(text)
        self.progressTextChanged.emit(str(text))

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802,N803 (Qt signature)
        """Log the error as QGIS does and emit ``errorReported``."""
        super().reportError(error, fatalError)
        self.errorReported.emit(str(error))


def push_training_record(feedback, record: Mapping[str, Any]) -> None:
    """Hand one training record to ``feedback`` if it can show it (a :class:`TrainingFeedback`).

    This is the channel between the ``scdsc:cluster`` algorithm and the dock: the algorithm passes
    ``lambda record: push_training_record(feedback, record)`` as the core's ``callback``. Any other feedback
    (the Processing dialog's, a model's multi-step feedback, ``None``) ignores the record.

    Parameters
    ----------
    feedback : QgsProcessingFeedback or None
        The feedback of the running algorithm.
    record : mapping
        One entry of the estimator's ``history_``.

    Examples
    --------
    >>> push_training_record(None, {"loss": 1.0})     # ignored: nothing to show it
    """
    push = getattr(feedback, "pushTrainingRecord", None)
    if push is not None:
        push(record)


def _plain_record(record: Mapping[str, Any]) -> dict:
    """Copy the scalar items of ``record``, numpy scalars turned into Python numbers (they cross a queued
    connection). The per-pixel arrays of the clustering records (``assignments``, ``pixels``) stay behind: the
    plot draws losses and ratios, and a queued copy of every assignment map would cost memory for nothing."""
    plain = {}
    for key, value in record.items():
        if isinstance(value, np.ndarray) and value.ndim == 0 or isinstance(value, np.generic):
            value = value.item()
        elif not isinstance(value, (bool, int, float, str, type(None))):
            continue
        plain[str(key)] = value
    return plain
