"""Output files: names checked before any work, and atomic writing (all of a file or none of it).

Every file the core writes goes through :func:`atomic_output`: a temporary name in the destination folder,
renamed on success together with its QGIS style (``.qml``) and GDAL sidecars, removed on failure or cancel.
Temporaries left by a killed process are removed by the next run writing the same output. Several outputs of
one run go through :func:`output_set`: all of them appear, or none (the previous files back in place). No GDAL
here: the raster writers (``raster.py``), the styles (``style.py``), the model file and the report all use it.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from typing import Callable, Iterator, List, Sequence, Tuple

from .errors import ScdscError, ScdscStoppedAfterWriting

log = logging.getLogger("scdsc_core.outputs")

# GDAL keeps these beside a GeoTIFF; they must travel with the file they describe (and never outlive it).
_SIDECAR_SUFFIXES = (".aux.xml", ".ovr", ".msk")

# QGIS looks for the style of ``name.tif`` in ``name.qml`` (the extension replaced, not appended).
_STYLE_SUFFIX = ".qml"


def _strip_uri(path) -> str:
    """A file path from a path or a QGIS-style ``file|layername=x`` uri."""
    return os.fspath(path).split("|", 1)[0]


def _folder_is_writable(folder: str) -> bool:
    """True when a file can be created in ``folder`` (permission bits, then a real probe file)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        handle, probe = tempfile.mkstemp(prefix=".scdsc-write-test-", dir=folder)
    except OSError:
        return False
    os.close(handle)
    os.remove(probe)
    return True


def check_output_path(path, inputs: Sequence = (), *, extensions: Sequence[str] = (), what: str = "") -> str:
    """Check, before any work, that an output file can be written and would not overwrite an input.

    Parameters
    ----------
    path : path
        The output file.
    inputs : sequence of path
        Input files (``None`` entries are skipped; ``file|layername=x`` uris are reduced to the file).
    extensions : sequence of str, optional
        Allowed suffixes such as ``(".tif", ".tiff")`` (case-insensitive); default: any.
    what : str, optional
        What the output is (``"label raster"``), for the messages.

    Returns
    -------
    path : str
        The absolute output path.

    Raises
    ------
    ScdscError
        The path is empty or a folder; its folder does not exist or is not writable; it has a suffix outside
        ``extensions``; the name is too long for the file system; it is the same file as one of ``inputs``.
    """
    if path is None or not os.fspath(path).strip():
        raise ScdscError("output path is empty; give a file name")
    given = os.fspath(path)
    path = os.path.abspath(given)
    folder = os.path.dirname(path)
    if os.path.isdir(path):
        raise ScdscError(f"output {given} is a folder; give a file name inside it")
    if not os.path.isdir(folder):
        raise ScdscError(f"output {given}: its folder {folder} does not exist")
    if not _folder_is_writable(folder):
        raise ScdscError(f"output {given}: its folder {folder} is not writable")
    if extensions:
        allowed = [e.lower() for e in extensions]
        if os.path.splitext(path)[1].lower() not in allowed:
            kind = f"{what} output" if what else "output"
            raise ScdscError(f"{kind} {given} must end with {' or '.join(allowed)}, the format it is written in")
    _check_name_length(given, path)
    real = os.path.realpath(path)
    for item in inputs:
        if item is None:
            continue
        other = os.path.abspath(_strip_uri(item))
        same = os.path.realpath(other) == real
        if not same and os.path.exists(other) and os.path.exists(path):
            try:
                same = os.path.samefile(other, path)
            except OSError:
                same = False
        if same:
            raise ScdscError(f"output {given} is the same file as the input {_strip_uri(item)}; "
                             "choose another output name")
    return path


def _check_name_length(given: str, path: str) -> None:
    """Refuse a name whose hidden temporary (``.<name>.partial-<pid>-<n>.aux.xml``) the file system cannot hold,
    before any work rather than when the outputs are written."""
    folder, name = os.path.split(path)
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
        path_max = os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        name_max, path_max = 255, 4096
    longest = len(os.fsencode(f".{name}.partial-{2 ** 22}-99")) + max(len(s) for s in _SIDECAR_SUFFIXES)
    if longest > name_max or len(os.fsencode(path)) + longest - len(os.fsencode(name)) >= path_max:
        raise ScdscError(f"output {given}: the name is too long for the file system (its temporary and sidecar "
                         f"names need {longest} bytes, at most {name_max} fit); choose a shorter name")


def claimed_files(path, styled: bool) -> List[str]:
    """Every file an output at ``path`` may create: itself, its GDAL sidecars and, if ``styled``, its QGIS style
    (``labels.tif`` -> ``labels.qml``), as absolute, case-normalised paths (for collision checks)."""
    path = os.path.abspath(os.fspath(path))
    names = [path] + [path + suffix for suffix in _SIDECAR_SUFFIXES]
    if styled:
        names.append(_style_path(path))
    return [os.path.normcase(name) for name in names]


# Temporary names handed out and not yet committed or discarded (QGIS may run two tasks in one process).
_RESERVED_TEMPS: set = set()
_RESERVED_LOCK = threading.Lock()


def _reserve_temp(path: str) -> str:
    """A free hidden temporary name beside ``path``: ``.<stem>.partial-<pid><suffix>``.

    Temporaries of the same output left by a process that no longer runs (killed, e.g. by the OOM killer, before
    it could remove them) are removed first.
    """
    folder, name = os.path.split(path)
    stem, suffix = os.path.splitext(name)
    _remove_stale_temps(folder, stem)
    with _RESERVED_LOCK:
        candidate = os.path.join(folder, f".{stem}.partial-{os.getpid()}{suffix}")
        counter = 1
        while candidate in _RESERVED_TEMPS or os.path.lexists(candidate):
            candidate = os.path.join(folder, f".{stem}.partial-{os.getpid()}-{counter}{suffix}")
            counter += 1
        _RESERVED_TEMPS.add(candidate)
    return candidate


def _remove_stale_temps(folder: str, stem: str) -> None:
    """Remove ``.<stem>.partial-<pid>...`` files (and nested ``..<stem>.partial-<pid>...`` ones) of dead pids.

    Only on POSIX, where ``os.kill(pid, 0)`` tells whether a process exists (on Windows it would end it).
    """
    if os.name != "posix":
        return
    pattern = re.compile(r"^\.+" + re.escape(stem) + r"\.partial-(\d+)")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    stale = [entry for entry in entries
             if (match := pattern.match(entry)) and _process_is_gone(int(match.group(1)))]
    for entry in stale:
        with contextlib.suppress(OSError):
            os.remove(os.path.join(folder, entry))
    if stale:
        log.info("removed %d temporary file(s) left in %s by a run that was killed: %s", len(stale), folder,
                 ", ".join(sorted(stale)))


def _process_is_gone(pid: int) -> bool:
    """True when no process ``pid`` exists (POSIX)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. PermissionError: it exists, as another user's process
        return False
    return False


def _sidecars(path: str) -> List[str]:
    """Suffixes (e.g. ``".aux.xml"``) of the files GDAL wrote beside ``path``."""
    folder, name = os.path.split(path)
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    return [entry[len(name):] for entry in entries if entry.startswith(name) and len(entry) > len(name)]


def _style_path(path: str) -> str:
    """``labels.tif`` -> ``labels.qml`` (the name QGIS loads automatically)."""
    return os.path.splitext(path)[0] + _STYLE_SUFFIX


def _discard_temp(tmp: str) -> None:
    """Remove a temporary output, its sidecars and its style (missing files are fine)."""
    names = [tmp + suffix for suffix in [""] + _sidecars(tmp)]
    if _style_path(tmp) != tmp:
        names.append(_style_path(tmp))
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
    _RESERVED_TEMPS.discard(tmp)


def _commit_temp(tmp: str, path: str) -> None:
    """Move a finished temporary output (and its sidecars) into place; stale sidecars of the old file go."""
    if not os.path.lexists(tmp):
        raise RuntimeError(f"nothing was written to the temporary output {tmp} of {path}")
    new_sidecars = _sidecars(tmp)
    for suffix in _SIDECAR_SUFFIXES:
        if suffix not in new_sidecars:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)  # e.g. category names of a previous run would describe the new file
    os.replace(tmp, path)
    for suffix in new_sidecars:
        os.replace(tmp + suffix, path + suffix)
    # A style written beside the temporary file (write_labels inside an outer atomic_output) moves along.
    if _style_path(tmp) != tmp and os.path.exists(_style_path(tmp)):
        os.replace(_style_path(tmp), _style_path(path))
    _RESERVED_TEMPS.discard(tmp)


@contextlib.contextmanager
def atomic_output(path):
    """Write a file under a temporary name and move it into place only when the writing succeeded.

    Yields a hidden temporary path in the destination folder (``.<stem>.partial-<pid><suffix>``). On success
    the temporary file, its GDAL sidecars (``.aux.xml``, ...) and a QGIS style written beside it
    (``.<stem>.partial-<pid>.qml``) are renamed into place with ``os.replace``; stale GDAL sidecars of the old
    file are removed.
    On any exception (including :class:`ScdscCancelled` and ``KeyboardInterrupt``) they are removed and the
    exception propagates; an ``OSError`` (disk full, folder removed, ...) becomes a :class:`ScdscError` naming
    ``path``. A previous file at ``path`` stays untouched until the final rename.

    Parameters
    ----------
    path : path
        The final file.

    Yields
    ------
    tmp : str
        Where to write. Close every handle on it before leaving the ``with`` block.

    Examples
    --------
    >>> with atomic_output("out.txt") as tmp:  # doctest: +SKIP
    ...     with open(tmp, "w") as handle:
    ...         handle.write("done")
    """
    path = os.path.abspath(os.fspath(path))
    tmp = _reserve_temp(path)
    try:
        yield tmp
    except BaseException as exc:
        _discard_temp(tmp)
        _raise_naming_the_output(exc, tmp, path)
        raise
    try:
        _commit_temp(tmp, path)
    except BaseException as exc:
        _discard_temp(tmp)
        _raise_naming_the_output(exc, tmp, path)
        raise


def _raise_naming_the_output(exc: BaseException, tmp: str, path: str) -> None:
    """Re-raise a write failure as ScdscError about ``path``, never about its hidden temporary name."""
    if isinstance(exc, OSError):
        raise ScdscError(f"cannot write {path}: {exc.strerror or exc}") from None
    message = str(exc)
    if isinstance(exc, ScdscError) and (tmp in message or _style_path(tmp) in message):
        raise ScdscError(message.replace(_style_path(tmp), _style_path(path)).replace(tmp, path)) from None


# ---- a run's outputs, all or none

#: Signals a commit holds back until every output is in place: acted on half-way, they would leave some outputs
#: new and others old.
_HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
#: The signals received during the commit now running (tests/reliability/pause_cli.py waits on it).
_pending_signals: List[int] = []


@contextlib.contextmanager
def _signals_held() -> Iterator[List[int]]:
    """Record SIGINT, SIGTERM and SIGHUP instead of acting on them; yields the list they are recorded in.

    Only the main thread can set handlers (and receives signals); elsewhere (a QGIS task) nothing is held, and
    cancel goes through ``progress`` before the commit. A signal the process ignores stays ignored, and one whose
    handler Python did not install is not touched.
    """
    del _pending_signals[:]
    if threading.current_thread() is not threading.main_thread():
        yield _pending_signals
        return
    previous = {}

    def hold(signum, frame):
        _pending_signals.append(signum)

    try:
        for signum in _HELD_SIGNALS:
            current = signal.getsignal(signum)
            # None: a handler installed outside Python (a host such as qgis_process), which could not be put
            # back; leave it, and an ignored signal, alone.
            if current is not None and current is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, hold)
        yield _pending_signals
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _files_of(path: str, styled: bool) -> List[str]:
    """The files that make up the output at ``path`` now: the file, its GDAL sidecars and, for an output that
    comes with a QGIS style, its style."""
    names = [path] + [path + suffix for suffix in _SIDECAR_SUFFIXES]
    if styled and _style_path(path) != path:
        names.append(_style_path(path))
    return [name for name in names if os.path.lexists(name)]


def _set_aside(path: str, styled: bool) -> List[Tuple[str, str]]:
    """Keep a second name for the previous output at ``path`` (its sidecars, its style when ``styled``), so that
    a failed commit can put it back; returns the ``(aside, original)`` pairs.

    A hard link (a copy where the file system has none): the previous file stays at its name until the atomic
    ``os.replace`` of the new one, so even a SIGKILL half-way leaves every output whole, old or new. The second
    names follow the temporaries' pattern: a killed run's are removed by the next run (the data stays).
    """
    moved = []
    for name in _files_of(path, styled):
        aside = _reserve_temp(name + ".previous")
        try:
            os.link(name, aside)
        except OSError:
            shutil.copy2(name, aside)
        moved.append((aside, name))
    return moved


def _commit_all(staged: Sequence[Tuple[str, str]]) -> None:
    """Rename every ``(tmp, path)`` into place, or none: on a failure the new files go and the old come back,
    and the error names the output whose rename failed."""
    aside: List[Tuple[str, str]] = []
    placed: List[Tuple[str, bool]] = []
    tmp = path = ""
    try:
        for tmp, path in staged:
            styled = _style_path(tmp) != tmp and os.path.exists(_style_path(tmp))
            aside += _set_aside(path, styled)
            _commit_temp(tmp, path)
            placed.append((path, styled))
    except BaseException as exc:
        for done, styled in placed:
            for name in _files_of(done, styled):
                with contextlib.suppress(OSError):
                    os.remove(name)
        for moved, original in aside:
            with contextlib.suppress(OSError):
                if os.path.lexists(original) and os.path.samefile(moved, original):
                    os.remove(moved)  # never replaced: rename() between two links of one file does nothing
                else:
                    os.replace(moved, original)
            _RESERVED_TEMPS.discard(moved)
        for staged_tmp, staged_path in staged:
            if staged_path not in {done for done, _ in placed}:
                _discard_temp(staged_tmp)
        _raise_naming_the_output(exc, tmp, path)
        raise
    for moved, _ in aside:
        with contextlib.suppress(OSError):
            os.remove(moved)
        _RESERVED_TEMPS.discard(moved)


@contextlib.contextmanager
def output_set() -> Iterator[Callable[[str], str]]:
    """Write several outputs under temporary names; rename them into place together when the block succeeds.

    Yields ``stage(path) -> tmp``: the temporary name to write ``path`` to. On an exception in the block every
    temporary is removed and the previous files stay as they were. On success all temporaries are renamed into
    place with SIGINT, SIGTERM and SIGHUP held back; a failure half-way (a rename refused) puts the previous
    files back. A signal held during the renames is raised afterwards as :class:`ScdscStoppedAfterWriting`: the
    run stops, and every output is complete.

    Examples
    --------
    >>> with output_set() as stage:  # doctest: +SKIP
    ...     write_labels(stage("labels.tif"), ...)
    ...     save_model(model, stage("model.npz"))
    """
    staged: List[Tuple[str, str]] = []

    def stage(path) -> str:
        path = os.path.abspath(os.fspath(path))
        tmp = _reserve_temp(path)
        staged.append((tmp, path))
        return tmp

    try:
        yield stage
    except BaseException as exc:
        for tmp, _ in staged:
            _discard_temp(tmp)
        if staged:
            _raise_naming_the_output(exc, *staged[-1])  # the output being written when it failed
        raise
    with _signals_held() as received:
        _commit_all(staged)
    if received:
        names = ", ".join(signal.Signals(signum).name for signum in dict.fromkeys(received))
        stopped = ScdscStoppedAfterWriting(f"stopped by {names} after every output was written: the outputs are "
                                           "complete")
        stopped.signum = received[0]  # the first one decides the exit code
        raise stopped
