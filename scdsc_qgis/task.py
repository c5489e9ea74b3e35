"""Run a Processing algorithm in QGIS's task manager and relay its reports to the GUI thread as signals."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Set

from qgis.core import (QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext, QgsProject,
                       QgsTask)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QObject, pyqtSignal, pyqtSlot

from .feedback import TrainingFeedback

__all__ = ["AlgorithmRun"]

LOGGER = logging.getLogger("scdsc_qgis.task")

#: Runs whose task has not finished yet. The task keeps raw pointers to the run's context and feedback, so a run
#: must outlive its task even when the dock that started it is closed (issue 5: closing cancels cleanly).
_UNFINISHED: Set["AlgorithmRun"] = set()


class AlgorithmRun(QObject):
    """One background run of a Processing algorithm through ``QgsProcessingAlgRunnerTask``.

    The algorithm runs in a worker thread of ``QgsApplication.taskManager()``. Its feedback is a
    :class:`~scdsc_qgis.feedback.TrainingFeedback`; every report is re-emitted by this object, which lives in
    the GUI thread, so receivers are called there (queued connections) and never from the worker.

    Parameters
    ----------
    algorithm_id : str
        E.g. ``"scdsc:cluster"``.
    parameters : dict
        The algorithm's parameter values.
    description : str, optional
        Task name shown in QGIS's task manager.

    Signals
    -------
    progressChanged(float)
        0..100.
    stageChanged(str)
        Current stage text.
    trainingRecord(dict)
        One training record (see :class:`~scdsc_qgis.feedback.TrainingFeedback`).
    succeeded(dict)
        The algorithm's results (output paths by output id).
    failed(str)
        A message for the user: the algorithm's error text.
    cancelled()
        The run was cancelled; the algorithm wrote nothing.

    Exactly one of ``succeeded``, ``failed`` and ``cancelled`` is emitted, once.

    Examples
    --------
    >>> run = AlgorithmRun("scdsc:cluster", {"INPUT": "in.tif", "N_CLUSTERS": 4, "OUTPUT": "out.tif"})
    ...                                                                 # doctest: +SKIP
    >>> run.succeeded.connect(print); run.start()                       # doctest: +SKIP
    """

    progressChanged = pyqtSignal(float)
    stageChanged = pyqtSignal(str)
    trainingRecord = pyqtSignal(dict)
    succeeded = pyqtSignal(dict)
    failed = pyqtSignal(str)
    cancelled = pyqtSignal()

    def __init__(self, algorithm_id: str, parameters: Dict[str, Any], description: str = ""):
        super().__init__(None)  # never a child of a widget: it must survive the dock (see _UNFINISHED)
        self.algorithm_id = algorithm_id
        self.parameters = dict(parameters)
        self.description = description or algorithm_id
        self.feedback = TrainingFeedback()
        self.context = QgsProcessingContext()
        # Layer ids in the parameters resolve against the current project, as in the Processing dialog.
        self.context.setProject(QgsProject.instance())
        self.task: Optional[QgsProcessingAlgRunnerTask] = None
        self._errors = []
        self._done = False
        self._cancel_requested = False
        self.feedback.progressChanged.connect(self.progressChanged)
        self.feedback.progressTextChanged.connect(self.stageChanged)
        self.feedback.trainingRecord.connect(self.trainingRecord)
        self.feedback.errorReported.connect(self._remember_error)

    def start(self) -> bool:
        """Check the parameters and hand the task to QGIS's task manager.

        Returns
        -------
        bool
            True when the task was queued; False when it could not start (``failed`` has been emitted, with
            the reason: unknown algorithm, a parameter check or the algorithm's preparation failed).
        """
        algorithm = QgsApplication.processingRegistry().algorithmById(self.algorithm_id)
        if algorithm is None:
            self._finish_failed(self.tr("The Processing algorithm {} is not available: is the SCDSC plugin "
                                        "enabled?").format(self.algorithm_id))
            return False
        ok, message = algorithm.checkParameterValues(self.parameters, self.context)
        if not ok:
            self._finish_failed(message or self.tr("Invalid parameters for {}.").format(self.algorithm_id))
            return False
        task = QgsProcessingAlgRunnerTask(algorithm, self.parameters, self.context, self.feedback)
        if task.isCanceled():
            # The constructor runs prepareAlgorithm() (GUI thread) and cancels the task when it fails; the task
            # manager would never finish such a task, so report the failure here.
            self._finish_failed(self._errors[-1] if self._errors else self.tr(
                "{} could not prepare its inputs.").format(self.algorithm_id))
            return False
        self.task = task
        self.task.setDescription(self.description)
        self.task.executed.connect(self._on_executed)
        _UNFINISHED.add(self)
        QgsApplication.taskManager().addTask(self.task)
        return True

    def is_running(self) -> bool:
        """True from :meth:`start` until one of the final signals has been emitted."""
        return self.task is not None and not self._done

    def cancel(self) -> None:
        """Ask the algorithm to stop; it checks the feedback at least once a second and then writes nothing."""
        self._cancel_requested = True
        self.feedback.cancel()
        if self.task is not None and not sip.isdeleted(self.task):
            self.task.cancel()

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the worker has stopped (after :meth:`cancel`) or ``timeout_ms`` passed; True if stopped.

        Only a running task is waited for: a task that has not started yet is cancelled by the task manager
        without ever running.
        """
        if self.task is None or sip.isdeleted(self.task) or self._done:
            return True
        if self.task.status() != QgsTask.TaskStatus.Running:
            return True
        return bool(self.task.waitForFinished(timeout_ms))

    @pyqtSlot(str)
    def _remember_error(self, message: str) -> None:
        self._errors.append(message)

    @pyqtSlot(bool, "QVariantMap")
    def _on_executed(self, successful: bool, results: dict) -> None:
        """Turn the task's end into exactly one of succeeded / cancelled / failed (GUI thread)."""
        if self._done:
            return
        if successful and not self.feedback.isCanceled():
            self._done = True
            _UNFINISHED.discard(self)
            self.succeeded.emit(dict(results))
        elif self._cancel_requested:
            # Only a cancel asked for here counts as one: the runner task also cancels its feedback itself
            # when prepareAlgorithm() fails, and that is a failure with a message.
            self._done = True
            _UNFINISHED.discard(self)
            self.cancelled.emit()
        else:
            message = self._errors[-1] if self._errors else self.tr(
                "{} failed; the Processing log (View > Panels > Log Messages) has the details.").format(
                self.algorithm_id)
            self._finish_failed(message)

    def _finish_failed(self, message: str) -> None:
        self._done = True
        _UNFINISHED.discard(self)
        LOGGER.info("%s failed: %s", self.algorithm_id, message)
        self.failed.emit(_plain_message(message))


def _plain_message(message: str) -> str:
    """The user-facing part of an error: QGIS prefixes Python errors with a traceback we do not show."""
    text = str(message).strip()
    marker = "Traceback (most recent call last)"
    if marker in text:
        text = text.split(marker)[0].strip() or text.strip().splitlines()[-1]
    return text
