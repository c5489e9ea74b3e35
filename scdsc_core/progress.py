"""Progress reporting and cooperative cancellation, split into stage slices."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from typing import Callable, Optional

from .errors import ScdscCancelled

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


class Progress:
    """Adapter for the ``progress(fraction, message)`` / ``cancelled()`` contract.

    Each pipeline stage owns a slice ``[start, end]`` of the overall bar
    (remotior_sensus-style progress ranges): ``stage = progress.slice(0.2, 0.5)``
    maps the stage's own 0..1 onto 0.2..0.5 of the caller's bar.

    Parameters
    ----------
    progress : callable or None
        ``progress(fraction, message)`` with fraction in [0, 1].
    cancelled : callable or None
        Returns True when the caller wants the work to stop.
    """

    def __init__(self, progress: Optional[ProgressFn] = None,
                 cancelled: Optional[CancelFn] = None,
                 start: float = 0.0, end: float = 1.0, prefix: str = ""):
        self._progress = progress
        self._cancelled = cancelled
        self.start = start
        self.end = end
        self.prefix = prefix
        self._last_message = ""

    def slice(self, start: float, end: float, prefix: str = "") -> "Progress":
        """A child covering ``[start, end]`` of this object's own 0..1 range."""
        span = self.end - self.start
        return Progress(self._progress, self._cancelled,
                        self.start + span * start, self.start + span * end,
                        prefix or self.prefix)

    def __call__(self, fraction: float, message: str = "") -> None:
        """Report ``fraction`` (0..1) of this slice done; also checks cancel."""
        self.check()
        if self._progress is not None:
            fraction = min(max(float(fraction), 0.0), 1.0)
            if message:
                self._last_message = message
            self._progress(self.start + (self.end - self.start) * fraction,
                           self._last_message)

    def check(self) -> None:
        """Raise :class:`ScdscCancelled` if the caller asked to stop."""
        if self._cancelled is not None and self._cancelled():
            raise ScdscCancelled("cancelled by the user")


def as_progress(progress=None, cancelled=None) -> Progress:
    """Normalise the public ``progress``/``cancelled`` arguments to a Progress."""
    if isinstance(progress, Progress):
        return progress
    return Progress(progress, cancelled)
