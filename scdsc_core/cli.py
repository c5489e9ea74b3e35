"""Command-line front door: ``python -m scdsc_core {cluster,fit,apply,evaluate,demo}`` (console script ``scdsc``)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
import warnings
from typing import List, Optional

from . import __version__
from .errors import ScdscCancelled, ScdscError, ScdscStoppedAfterWriting, ScdscWarning
from .params import exposed

log = logging.getLogger("scdsc_core.cli")

EXIT_OK, EXIT_USER_ERROR, EXIT_CANCELLED = 0, 2, 130
#: SIGTERM and SIGHUP stop a run as Ctrl+C does (temporaries removed, previous outputs kept); the exit code is
#: the shell's 128 + signal number.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class _Stopped(ScdscCancelled):
    """SIGTERM or SIGHUP, raised where the main thread is, so that every cleanup runs."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def _raise_stopped(signum, frame):
    raise _Stopped(signum)


def _stop_on_signals() -> dict:
    """Let SIGTERM and SIGHUP stop the run like Ctrl+C (main thread only; an ignored signal stays ignored, as
    nohup's SIGHUP). Returns the previous handlers, to restore."""
    import threading

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _STOP_SIGNALS:
            if signal.getsignal(signum) not in (signal.SIG_IGN, None):
                previous[signum] = signal.signal(signum, _raise_stopped)
    return previous



class ProgressBar:
    """A one-line progress bar on stderr; falls back to a log line every 10 % when stderr is not a terminal."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_decile = -1
        self._last_draw = 0.0
        self.start = time.monotonic()

    def __call__(self, fraction: float, message: str) -> None:
        elapsed = time.monotonic() - self.start
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw < 0.1 and fraction < 1.0:
                return
            self._last_draw = now
            filled = int(self.width * fraction)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {100 * fraction:5.1f}% {elapsed:6.0f}s  {message[:60]:<60}")
            self.stream.flush()
        else:
            decile = int(fraction * 10)
            if decile != self._last_decile:
                self._last_decile = decile
                self.stream.write(f"{100 * fraction:5.1f}% {elapsed:6.0f}s  {message}\n")
                self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _grid(text: str):
    """--grid: "finest", "coarsest" or a positive pixel size."""
    from .products import GRIDS
    if text in GRIDS:
        return text
    try:
        size = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected finest, coarsest or a pixel size, got {text!r}") from None
    if not size > 0:
        raise argparse.ArgumentTypeError(f"the pixel size must be positive, got {text!r}")
    return size


def _add_grid_options(parser: argparse.ArgumentParser) -> None:
    """--grid and --resampling: how a product's bands on several grids are put on one (scdsc_core.products)."""
    from .products import DEFAULT_GRID, DEFAULT_RESAMPLING, RESAMPLINGS
    parser.add_argument("--grid", type=_grid, default=DEFAULT_GRID, metavar="finest|coarsest|SIZE",
                        help="grid of a product whose bands come at several pixel sizes: the finest, the coarsest, "
                             "or a pixel size in the CRS's units (default: %(default)s)")
    parser.add_argument("--resampling", choices=list(RESAMPLINGS), default=DEFAULT_RESAMPLING,
                        help="how bands on another grid are resampled onto it (default: %(default)s, which keeps "
                             "measured values)")


def _add_dask_options(parser: argparse.ArgumentParser) -> None:
    """--workers or --scheduler: where the tasks of fit-many and apply-many run (see _on_dask)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="start a local Dask cluster of N worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS", help="use a running Dask scheduler (tcp://host:8786)")


def _add_common_outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mask", metavar="PATH",
                        help="polygon vector (any OGR source; reprojected and rasterized onto the raster grid) or "
                             "raster (non-zero = keep) restricting which pixels are clustered")
    parser.add_argument("--mask-rule", metavar="RULE",
                        help="read the --mask raster as a quality band: 'drop=3,8-10' or 'keep=4,5' (class values), "
                             "'bits=0-4' (drop pixels with any of these bits set), 'band=N' (default 1); combine "
                             "with '|', e.g. 'band=2|bits=0,3,4'")
    _add_grid_options(parser)
    parser.add_argument("--bands", metavar="LIST",
                        help="1-based band subset such as '1-50,60' (default: every band not flagged bbl=0)")
    parser.add_argument("--reference", metavar="PATH",
                        help="reference label raster (0 = unlabelled, classes 1..K): print OA, NMI and kappa")
    parser.add_argument("--confidence", metavar="PATH",
                        help="also write the confidence raster (max soft assignment, 0..1)")
    parser.add_argument("--proba", metavar="PATH", help="also write the K soft assignments as a K-band raster")
    parser.add_argument("--spectra", metavar="PATH",
                        help="also write each cluster's mean and standard deviation per band as a CSV table")
    parser.add_argument("--zero-is-nodata", action="store_true",
                        help="treat all-zero spectra as nodata (for scenes whose background is 0)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="torch device; 'cuda' fails if no GPU is available, 'auto' falls back to the CPU "
                             "(default: %(default)s)")


def _add_training_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-k", "--clusters", type=int, required=True, metavar="K",
                        help="number of clusters K (2 <= K, far below the number of clustered pixels)")
    parser.add_argument("--mode", choices=["fast", "paper"], default="fast",
                        help="'fast' (default): mini-batches with refreshed targets, early stopping, training on a "
                             "sample, clusters every valid pixel. 'paper': the authors' full-batch pipeline; with "
                             "--reference and no --mask it clusters the labelled pixels only, as in the paper")
    parser.add_argument("--preset", choices=["paviau", "trento", "houston"],
                        help="paper mode with the paper's hyperparameters for one of its scenes (learning rate, "
                             "alpha, beta, window, pretraining epochs; K stays -k's)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed, machine and thread "
                                                            "count give the same labels (default: %(default)s)")
    parser.add_argument("--model-out", metavar="PATH", help="also save the trained model (a .npz data file)")
    parser.add_argument("--report", metavar="PATH", help="also write an HTML report with the training curves")
    _add_tuning_group(parser)


def _add_tuning_group(parser: argparse.ArgumentParser) -> None:
    tuning = parser.add_argument_group("tuning (default: the mode's own values)")
    for param in exposed("cli"):  # declared in scdsc_core.params, as are their rules
        kind = {"int": int, "float": float}.get(param.kind)
        extra = {"choices": list(param.choices)} if param.kind == "choice" else {"type": kind}
        rule = "" if param.choices else f"; must be {param.rule().replace('None or ', '')}"
        tuning.add_argument(param.cli, dest=_dest(param), metavar=None if param.choices else param.name.upper(),
                            help=param.help + rule, **extra)


def _dest(param) -> str:
    """The argparse attribute of a tuning option."""
    return "tuning_" + param.name


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scdsc_core",
        description="SCDSC: unsupervised clustering of hyperspectral and multispectral rasters "
                    "(Li et al., Scalable Context-Preserving Model-Aware Deep Clustering for Hyperspectral Images).",
        epilog="Exit codes: 0 success, 2 bad input or parameters (one-line message), 130 cancelled (Ctrl+C), "
               "143 stopped by SIGTERM, 129 by SIGHUP; a stop leaves every output or none.")
    parser.add_argument("--version", action="version", version=f"scdsc_core {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, warnings only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("cluster", help="train on a raster and write its label raster",
                       description="Cluster a raster and write a styled label GeoTIFF (1..K, 0 = nodata).")
    p.add_argument("input", help="input raster (any GDAL format, at least 3 bands)")
    p.add_argument("output", help="output label GeoTIFF; a .qml style is written beside it")
    _add_training_options(p)
    _add_common_outputs(p)

    p = sub.add_parser("fit", help="train on a raster and save the model",
                       description="Train SCDSC on a raster and save the model (optionally the labels too).")
    p.add_argument("input", help="input raster")
    p.add_argument("model", help="model file to write (.npz data, no code)")
    p.add_argument("--output", metavar="PATH", help="also write the label raster")
    _add_training_options(p)
    _add_common_outputs(p)

    p = sub.add_parser("apply", help="label a raster with a saved model",
                       description="Label a raster with a trained model; the raster must have the model's bands.")
    p.add_argument("model", help="model file written by 'fit' or 'cluster --model-out'")
    p.add_argument("input", help="input raster")
    p.add_argument("output", help="output label GeoTIFF")
    _add_common_outputs(p)

    p = sub.add_parser("fit-many", help="train one model on a sample drawn across many rasters (Dask)",
                       description="Draw square windows on a jittered grid over every input (in proportion to "
                                   "their areas; read by the workers), put them side by side and fit SCDSC on that "
                                   "sample: one model for a campaign, so that apply-many gives each class the same "
                                   "cluster id on every raster. --sample-size sets the sample's pixels (default "
                                   "40000).")
    p.add_argument("model", help="the model file to write (.npz)")
    p.add_argument("inputs", nargs="+", help="input rasters, folders (their .tif files) or glob patterns")
    p.add_argument("-k", "--clusters", type=int, required=True, metavar="K", help="number of clusters K")
    p.add_argument("--mode", choices=["fast", "paper"], default="fast", help="SCDSC mode (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the sample and the fit (default: %(default)s)")
    p.add_argument("--sample-window", type=int, default=64, metavar="N",
                   help="side of the sample windows in pixels (default: %(default)s)")
    _add_dask_options(p)
    _add_tuning_group(p)

    p = sub.add_parser("apply-many", help="label many rasters with a saved model, window by window (Dask)",
                       description="Label many rasters with a trained model, one task per window of rows, on a "
                                   "Dask cluster or in this process; writes <stem>.vrt (+ .qml) and its tiles "
                                   "per input.")
    p.add_argument("model", help="model file written by 'fit' or 'cluster --model-out'")
    p.add_argument("out_dir", help="output folder")
    p.add_argument("inputs", nargs="+", help="input rasters, folders (their .tif files) or glob patterns")
    p.add_argument("--confidence", action="store_true", help="also write <stem>_confidence.vrt")
    p.add_argument("--window-rows", type=int, metavar="N", help="rows per task (default 256)")
    _add_dask_options(p)

    p = sub.add_parser("stack", help="write a multi-file product as one VRT (no pixels copied)",
                       description="Stack a Landsat Collection 2 Level-2 product (its *_MTL.txt or folder), an "
                                   "EnMAP L2A product (*-METADATA.XML) or a folder of single-band rasters into a "
                                   "VRT with wavelengths, scale and offset; print the quality mask to pass as "
                                   "--mask. cluster, fit and apply also take a product directly.")
    p.add_argument("product", help="product metadata file or folder")
    p.add_argument("output", help="the VRT to write (.vrt)")
    _add_grid_options(p)

    p = sub.add_parser("evaluate", help="compare a label raster with a reference map",
                       description="Print OA (Hungarian matching), NMI, Cohen's kappa and per-class accuracy.")
    p.add_argument("labels", help="label raster (0 = nodata)")
    p.add_argument("reference", help="reference raster (0 = unlabelled, classes 1..K)")
    p.add_argument("--json", action="store_true", help="print the full evaluation as JSON")

    p = sub.add_parser("demo", help="generate the bundled synthetic scene and cluster it",
                       description="Write the synthetic demo scene (6 land-cover classes, 120 bands, EPSG:32633), "
                                   "cluster it with K=6 and print OA against its reference.")
    p.add_argument("--out", default="out/demo", help="output folder (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    p.add_argument("--mode", choices=["fast", "paper"], default="fast", help="SCDSC mode (default: %(default)s)")
    return parser


def _tuning_params(args: argparse.Namespace) -> dict:
    """The estimator's hyperparameters from a preset and the tuning options (the options win); the preset's mode
    is the run's mode, passed apart."""
    from .model import PRESETS
    params = dict(PRESETS[args.preset]) if getattr(args, "preset", None) else {}
    params.pop("mode", None)
    for param in exposed("cli"):
        value = getattr(args, _dest(param), None)
        if value is not None:
            params[param.name] = value
    return params


def _print_result(result, stream=None) -> None:
    stream = stream or sys.stdout  # resolved per call: tests and callers may swap sys.stdout
    for label, path in (("labels", result.output), ("confidence", result.confidence), ("proba", result.proba),
                        ("spectra", result.spectra), ("model", result.model), ("report", result.report)):
        if path:
            print(f"{label:<11} {os.path.abspath(path)}", file=stream)
    if result.cluster_sizes:
        sizes = ", ".join(f"{i + 1}: {n}" for i, n in enumerate(result.cluster_sizes))
        print(f"clusters    {sizes}", file=stream)
    if result.evaluation is not None:
        print(result.evaluation.summary(), file=stream)


def _written(bar: Optional[ProgressBar], written: list) -> None:
    """The outputs are in place: a stop from now on is too late to undo them (main() says so), and the bar ends."""
    written.append(True)
    if bar is not None:
        bar.close()


def _run_command(args: argparse.Namespace, bar: Optional[ProgressBar], written: list) -> int:
    from . import api
    progress = bar if bar is not None else None
    common = dict(bands=args.bands if hasattr(args, "bands") else None)
    if args.command == "evaluate":
        evaluation = api.evaluate_rasters(args.labels, args.reference)
        if args.json:
            print(json.dumps(evaluation.as_dict(), indent=2))
        else:
            print(evaluation.summary())
        return EXIT_OK
    if args.command == "stack":
        vrt, quality = api.stack_product(args.product, args.output, grid=args.grid, resampling=args.resampling)
        _written(bar, written)
        print(f"stack       {os.path.abspath(vrt)}")
        if quality:
            print(f"mask        {quality}")
        return EXIT_OK
    if args.command == "fit-many":
        estimator = _fit_many(args, progress)
        _written(bar, written)
        campaign = estimator.fit_info_["campaign"]
        print(f"model       {os.path.abspath(args.model)}")
        print(f"sample      {campaign['sample_pixels']} pixels in {campaign['windows']} windows of "
              f"{campaign['window']} x {campaign['window']} from {len(campaign['inputs'])} rasters")
        return EXIT_OK
    if args.command == "apply-many":
        results = _apply_many(args, progress)
        _written(bar, written)
        for result in results:
            print(f"mosaic      {result.mosaic} ({len(result.tiles)} tiles)")
        return EXIT_OK
    if args.command == "demo":
        result = api.run_demo(args.out, seed=args.seed, mode=args.mode, progress=progress)
        _written(bar, written)
        _print_result(result)
        return EXIT_OK
    mask = args.mask
    if args.mask_rule:
        if mask is None:
            raise ScdscError("--mask-rule needs --mask (the quality raster it reads)")
        mask = f"{mask}|{args.mask_rule}"
    io = dict(mask=mask, reference=args.reference, confidence=args.confidence, proba=args.proba,
              spectra=args.spectra, grid=args.grid, resampling=args.resampling,
              device=args.device, zero_is_nodata=args.zero_is_nodata, progress=progress, **common)
    if args.command == "apply":
        result = api.apply_model(args.model, args.input, args.output, **io)
    else:
        from .model import PRESETS
        mode = PRESETS[args.preset]["mode"] if getattr(args, "preset", None) else args.mode
        training = dict(mode=mode, seed=args.seed, params=_tuning_params(args), report=args.report)
        if args.command == "cluster":
            result = api.cluster_raster(args.input, args.output, args.clusters, model_out=args.model_out,
                                        **training, **io)
        else:  # fit
            result = api.fit_raster(args.input, args.model, args.clusters, output=args.output, **training, **io)
    _written(bar, written)
    _print_result(result)
    return EXIT_OK


def _on_dask(args: argparse.Namespace, run):
    """``run(client)`` in this process (client None), on a LocalCluster of ``--workers`` processes, or on
    ``--scheduler``; the dashboard address is printed."""
    from .distributed import connect, dask_distributed

    if not args.workers and not args.scheduler:
        return run(None)
    if args.scheduler:
        with connect(args.scheduler) as client:
            print(f"dashboard   {client.dashboard_link}", file=sys.stderr)
            return run(client)
    if args.workers < 1:
        raise ScdscError(f"--workers must be at least 1, got {args.workers}")
    distributed = dask_distributed()
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                  silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as client:
        print(f"dashboard   {client.dashboard_link}", file=sys.stderr)
        return run(client)


def _apply_many(args: argparse.Namespace, progress):
    """``apply-many``: see :func:`_on_dask`."""
    from .distributed import apply_many

    return _on_dask(args, lambda client: apply_many(args.model, args.inputs, args.out_dir, client=client,
                                                    confidence=args.confidence, window_rows=args.window_rows,
                                                    progress=progress))


def _fit_many(args: argparse.Namespace, progress):
    """``fit-many``: see :func:`_on_dask`."""
    from .distributed import fit_many

    return _on_dask(args, lambda client: fit_many(args.inputs, args.model, args.clusters, window=args.sample_window,
                                                  mode=args.mode, seed=args.seed, params=_tuning_params(args),
                                                  client=client, progress=progress))


def main(argv: Optional[List[str]] = None) -> int:
    """Run the CLI; returns the exit code (0 success, 2 user error, 130 cancelled by Ctrl+C, 143 by SIGTERM, 129
    by SIGHUP)."""
    args = build_parser().parse_args(argv)
    level = logging.WARNING if args.quiet else (logging.INFO if args.verbose == 1 else
                                                logging.DEBUG if args.verbose > 1 else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)
    # The core logs every ScdscWarning it raises (errors.warn_adjustment): print it once, as that log line.
    warnings.filterwarnings("ignore", category=ScdscWarning)
    bar = None if args.quiet or args.command in ("evaluate", "stack") else ProgressBar()
    previous = _stop_on_signals()
    written = []  # set once every output is in place: a later Ctrl+C must not claim that nothing was written
    try:
        return _run_command(args, bar, written)
    except ScdscError as exc:
        if bar is not None and bar.tty:
            bar.close()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except (ScdscCancelled, KeyboardInterrupt) as exc:
        if bar is not None and bar.tty:
            bar.close()
        if isinstance(exc, ScdscStoppedAfterWriting):
            print(f"cancelled: {exc}", file=sys.stderr)
        elif written:
            print("cancelled after every output was written: the outputs are complete", file=sys.stderr)
        else:
            print("cancelled: no output was written", file=sys.stderr)
        signum = getattr(exc, "signum", None)  # KeyboardInterrupt has none: Ctrl+C
        return 128 + signum if signum else EXIT_CANCELLED
    except BrokenPipeError:
        # The reader of stdout went away (``... | head``): every output was already written, only the summary is
        # cut short. Point stdout at /dev/null so that Python's exit flush raises no second error (Python docs,
        # "Note on SIGPIPE"), and exit 1 without a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
