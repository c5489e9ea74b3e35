"""Helpers for the tests that run ``qgis_process.bin`` with a fresh, throwaway QGIS profile."""
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # not the wrapper: it passes desktop options (environment.md, pitfall 1)


def make_profile(root: Path, plugin_dir: Path = REPO / "scdsc_qgis") -> Path:
    """A fresh profile under ``root`` with the plugin findable (symlinked) and enabled."""
    subprocess.run(["bash", str(REPO / "scripts" / "qgis_profile.sh"), str(root), str(plugin_dir)], check=True,
                   capture_output=True)
    return root


def qgis_env(profile: Path, scratch: Path) -> dict:
    """Environment for qgis_process: the profile, offscreen Qt, the venv's bin first on PATH (torch), and all of
    QGIS's other writes kept in ``scratch``."""
    env = dict(os.environ)
    env.update(QGIS_CUSTOM_CONFIG_PATH=str(profile), QT_QPA_PLATFORM="offscreen",
               PATH=f"{REPO / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               XDG_RUNTIME_DIR=str(scratch), XDG_CACHE_HOME=str(scratch / "cache"),
               XDG_CONFIG_HOME=str(scratch / "config"), PYTHONWARNINGS="ignore::DeprecationWarning",
               OMP_NUM_THREADS="1")  # one torch thread, as in-process tests (the machine is shared)
    env.pop("PYTHONPATH", None)
    return env


def run_json(args, env, cwd) -> tuple:
    """Run ``qgis_process.bin --json ARGS``; returns ``(returncode, parsed JSON or None, stdout, stderr)``."""
    done = subprocess.run([QGIS_PROCESS, "--json", *args], capture_output=True, text=True, env=env, cwd=str(cwd),
                          timeout=300)
    try:
        parsed = json.loads(done.stdout)
    except ValueError:
        parsed = None
    return done.returncode, parsed, done.stdout, done.stderr
