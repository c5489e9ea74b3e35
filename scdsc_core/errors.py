"""Exception and warning types shared by every layer of SCDSC."""
# SPDX-License-Identifier: GPL-2.0-or-later
import warnings


class ScdscError(Exception):
    """A user mistake or an unusable input: the message is meant for the user.

    The message names the parameter or file, the rule that was broken and the
    value seen, e.g. ``"n_clusters must be >= 2, got 1"``. Callers show it as
    one line (CLI) or as a ``QgsProcessingException`` (QGIS), never with a
    traceback.
    """


class ScdscCancelled(Exception):
    """The caller asked to stop (``cancelled()`` returned True, or a signal).

    Not a subclass of :class:`ScdscError`: a cancel is not a failure of the
    input, and callers usually report it differently. Nothing was written
    (``outputs_complete`` is False) unless it is :class:`ScdscStoppedAfterWriting`.
    """

    outputs_complete = False
    #: The signal that stopped the run (SIGTERM, ...), or None for a cancel from the caller.
    signum = None


class ScdscStoppedAfterWriting(ScdscCancelled):
    """A stop signal (SIGINT, SIGTERM, SIGHUP) arrived while the outputs were
    being renamed into place: it was held until every output was there, so
    all of them are complete."""

    outputs_complete = True


class ScdscWarning(UserWarning):
    """Something was adjusted and the user should know (e.g. a FINCH level
    was missing and a finer one was used)."""


def warn_adjustment(logger, message: str, stacklevel: int = 2) -> None:
    """Report an adjustment the user should know of: logged on ``logger`` and warned as :class:`ScdscWarning`
    (``stacklevel`` counted from the caller, as for ``warnings.warn``). The CLI shows the log line only."""
    logger.warning(message)
    warnings.warn(message, ScdscWarning, stacklevel=stacklevel + 1)
