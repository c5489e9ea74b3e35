"""Dependency check and installer: torch and scikit-learn for QGIS's own Python, without touching its numpy."""
# SPDX-License-Identifier: GPL-2.0-or-later
# Nothing here imports torch or scikit-learn: the provider must load (and explain what is missing) without them.
from __future__ import annotations

import glob
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from typing import Callable, List, Optional, Sequence

log = logging.getLogger("scdsc_qgis.deps")

#: What the plugin installs: torch pinned exactly (a local CPU wheel where one is configured; any other spec may
#: download gigabytes), scikit-learn whatever version fits QGIS's numpy/scipy.
REQUIREMENTS = ("torch==2.13.0", "scikit-learn")

#: import name -> pip requirement, for the messages.
MODULES = {"torch": "torch==2.13.0", "sklearn": "scikit-learn"}

#: Packages that belong to QGIS (GDAL is built against them): pinned to the running versions while installing.
PINNED_FROM_QGIS = ("numpy", "scipy")

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))


def missing_dependencies() -> List[str]:
    """Import names of the required modules that QGIS's Python cannot find (e.g. ``["torch"]``).

    Uses :func:`importlib.util.find_spec`, so nothing heavy is imported.
    """
    missing = []
    for module in MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(module)
    return missing


def missing_message(missing: Sequence[str]) -> str:
    """A one-paragraph explanation of what is missing and the two ways to install it."""
    from .i18n import tr
    requirements = " ".join(MODULES[m] for m in missing)
    return tr("SCDSC needs Python packages that QGIS's Python cannot import: {missing}. Install them with the "
              "plugin (Raster menu > SCDSC > Install SCDSC dependencies, or the button in the message bar), which puts "
              "them into {folder}; or run QGIS from a Python environment that has them, e.g. "
              "'python3 -m pip install -c <pins of your numpy/scipy> {requirements}'.").format(
        missing=", ".join(missing), folder=dependency_dir(), requirements=requirements)


def dependency_dir() -> str:
    """The folder of the active QGIS profile that receives the installed packages (``python/dependencies``)."""
    from qgis.core import QgsApplication
    return os.path.join(QgsApplication.qgisSettingsDirPath(), "python", "dependencies")


def _site_dirs(prefix: str) -> List[str]:
    """The site-packages folders that ``pip install --prefix`` created under ``prefix`` (layout differs by OS and
    distribution: ``lib/python3.X/site-packages``, Debian's ``local/lib/python3.X/dist-packages``, Windows'
    ``Lib/site-packages``)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    patterns = [os.path.join(prefix, "lib", version, "site-packages"),
                os.path.join(prefix, "local", "lib", version, "dist-packages"),
                os.path.join(prefix, "lib", version, "dist-packages"),
                os.path.join(prefix, "Lib", "site-packages")]
    return [p for pattern in patterns for p in glob.glob(pattern) if os.path.isdir(p)]


def _prepend(path: str) -> bool:
    """Put ``path`` first on ``sys.path`` unless it is there already; True if it was added."""
    path = os.path.abspath(path)
    if path in (os.path.abspath(p) for p in sys.path if p):
        return False
    # Prepend, never append: appended, Debian's older sympy would shadow the one torch needs (environment.md,
    # pitfall 5).
    sys.path.insert(0, path)
    importlib.invalidate_caches()
    return True


def add_dependency_path(prefix: Optional[str] = None) -> List[str]:
    """Prepend the site-packages folders of the profile's dependency folder to ``sys.path``.

    Parameters
    ----------
    prefix : str, optional
        The installation prefix; default :func:`dependency_dir`.

    Returns
    -------
    list of str
        The folders that were added (empty when nothing is installed there or all are on the path already).
    """
    prefix = prefix or dependency_dir()
    return [d for d in _site_dirs(prefix) if _prepend(d)]


def add_bundled_core_path(plugin_dir: str = PLUGIN_DIR) -> Optional[str]:
    """Prepend ``<plugin>/ext`` (the copy of ``scdsc_core`` that ``make zip`` bundles) to ``sys.path``.

    The bundled copy wins over any other installed ``scdsc_core`` so that plugin and core always match.
    Returns the folder when it exists, else None.
    """
    ext = os.path.join(plugin_dir, "ext")
    if os.path.isdir(os.path.join(ext, "scdsc_core")):
        _prepend(ext)
        return ext
    return None


def add_dev_checkout_paths(plugin_dir: str = PLUGIN_DIR) -> List[str]:
    """For a development install (the plugin folder is a symlink to a checkout): prepend the checkout
    (for ``scdsc_core``) and its ``.venv`` site-packages (for torch and scikit-learn).

    A desktop QGIS started from a menu does not have the venv's ``bin`` first on PATH (environment.md §3), so
    this is what makes ``make install`` work there. Returns the folders added.
    """
    if not os.path.islink(plugin_dir):
        return []
    checkout = os.path.dirname(os.path.realpath(plugin_dir))
    if not os.path.isdir(os.path.join(checkout, "scdsc_core")):
        return []
    added = []
    venv = os.path.join(checkout, ".venv")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for site in glob.glob(os.path.join(venv, "lib", version, "site-packages")):
        if _prepend(site):
            added.append(site)
    if _prepend(checkout):
        added.append(checkout)
    return added


def python_executable() -> str:
    """The Python interpreter that runs QGIS's Python (``sys.executable`` is QGIS itself on some platforms)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    for candidate in (os.path.join(sys.exec_prefix, "bin", "python3"), os.path.join(sys.exec_prefix, "python.exe"),
                      os.path.join(sys.exec_prefix, "python3.exe")):
        if os.path.isfile(candidate):
            return candidate
    return shutil.which("python3") or shutil.which("python") or exe


def qgis_pins() -> List[str]:
    """``name==version`` for QGIS's numpy/scipy as the running Python sees them (for ``pip -c``)."""
    from importlib import metadata
    pins = []
    for name in PINNED_FROM_QGIS:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return pins


def pip_install_command(prefix: str, constraints_file: str, python: Optional[str] = None,
                        requirements: Sequence[str] = REQUIREMENTS) -> List[str]:
    """The pip command line that installs ``requirements`` under ``prefix``.

    ``--prefix`` (not ``--target``): pip then keeps every requirement that QGIS's Python already satisfies, so
    numpy and scipy stay QGIS's own; ``-c`` pins them so nothing asks for another version. ``--prefix`` is also
    allowed on distributions that mark their Python as externally managed (PEP 668).
    """
    return [python or python_executable(), "-m", "pip", "install", "--prefix", prefix, "-c", constraints_file,
            "--no-warn-script-location", "--disable-pip-version-check", *requirements]


def install_dependencies(prefix: Optional[str] = None, *, run: Callable = subprocess.run,
                         python: Optional[str] = None) -> str:
    """Install torch and scikit-learn into the QGIS profile (or ``prefix``) and put them on ``sys.path``.

    Parameters
    ----------
    prefix : str, optional
        Installation prefix; default :func:`dependency_dir`.
    run : callable
        ``subprocess.run``-compatible runner (tests pass a fake one).
    python : str, optional
        The interpreter whose pip is used; default :func:`python_executable`.

    Returns
    -------
    str
        pip's combined output.

    Raises
    ------
    RuntimeError
        pip failed; the message holds the end of its output.
    """
    prefix = prefix or dependency_dir()
    os.makedirs(prefix, exist_ok=True)
    handle, constraints = tempfile.mkstemp(prefix="scdsc-pins-", suffix=".txt")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write("\n".join(qgis_pins()) + "\n")
        command = pip_install_command(prefix, constraints, python=python)
        log.info("installing SCDSC dependencies: %s", " ".join(command))
        done = run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        os.remove(constraints)
    output = done.stdout or ""
    if done.returncode != 0:
        raise RuntimeError(f"pip failed (exit code {done.returncode}):\n{output[-2000:]}")
    add_dependency_path(prefix)
    return output
