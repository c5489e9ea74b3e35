"""Run ``python -m scdsc_core ARGS`` but stop at one chosen point, so that a test can kill it exactly there.

Usage: ``python pause_cli.py POINT OUTPUT -- ARGS...`` with POINT one of

- ``training``: when the clustering stage starts (after pretraining and the k-means start);
- ``inference``: after the first block of pixels was labelled;
- ``writing``: after the first block of the label raster was handed to GDAL (its temporary file exists, unfinished);
- ``renaming``: just before the finished label raster OUTPUT is renamed into place (the other outputs already are).

At the point it writes ``PAUSED <POINT>`` on stderr and waits until it is killed or interrupted (Ctrl+C). The CLI
runs exactly as ``python -m scdsc_core`` does (``runpy``); only the one function named above is wrapped.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import runpy
import signal
import sys
import threading
import time


def pause(point: str, until=None) -> None:
    """Tell the test where we are, then wait for the signal (an Event wait is interruptible by SIGINT), or until
    ``until()`` is true (a signal the code holds back rather than acts on)."""
    sys.stderr.write(f"PAUSED {point}\n")
    sys.stderr.flush()
    if until is None:
        threading.Event().wait()
    while not until():
        time.sleep(0.02)


def install(point: str, output: str) -> None:
    """Wrap the function at which ``point`` pauses."""
    from scdsc_core import model, outputs, raster, train

    if point == "training":
        def train_minibatch(*args, **kwargs):
            pause(point)
        train.train_minibatch = train_minibatch
    elif point == "inference":
        infer_blocks = model.SCDSC._infer_blocks

        def paused_infer_blocks(self, *args, **kwargs):
            for item in infer_blocks(self, *args, **kwargs):
                yield item
                pause(point)
        model.SCDSC._infer_blocks = paused_infer_blocks
    elif point == "writing":
        write_block = raster.RasterWriter.write_block

        def paused_write_block(self, row0, array):
            write_block(self, row0, array)
            pause(point)
        raster.RasterWriter.write_block = paused_write_block
    elif point == "renaming":
        commit = outputs._commit_temp  # every output's rename into place (outputs.atomic_output)
        final = os.path.abspath(output)

        def paused_commit(tmp, path):
            if path == final:  # the commit holds stop signals: go on once one has arrived (SIGKILL just kills)
                pause(point, until=lambda: outputs._pending_signals)
            commit(tmp, path)
        outputs._commit_temp = paused_commit
    else:
        raise SystemExit(f"unknown pause point {point!r}")


if __name__ == "__main__":
    point, output, separator, *cli_args = sys.argv[1:]
    if separator != "--":
        raise SystemExit(__doc__)
    # A shell starts background jobs with SIGINT ignored, and Python keeps an inherited SIG_IGN: then the test's
    # Ctrl+C would never arrive. Take it as an interactive terminal's Python does, whatever the test runner's parent.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    install(point, output)
    sys.argv = ["scdsc_core", *cli_args]
    runpy.run_module("scdsc_core", run_name="__main__", alter_sys=True)
