#!/usr/bin/env python3
"""Build the installable plugin zip: scdsc_qgis/ with its icon, compiled translations and scdsc_core bundled."""
# SPDX-License-Identifier: GPL-2.0-or-later
# Layout inside the zip (what "Install from ZIP" unpacks into <profile>/python/plugins/):
#   scdsc_qgis/...                 the plugin (symlinked resources/ and i18n/ are copied as real files)
#   scdsc_qgis/ext/scdsc_core/...  the core library; scdsc_qgis.deps.add_bundled_core_path() puts ext/ first on
#                                  sys.path so the plugin stands alone and always uses its own core.
import argparse
import os
import re
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKIP_DIRS = {"__pycache__", ".pytest_cache"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".ts", ".orig"}


def _files(root: Path):
    """Every file under ``root`` (following symlinked folders), skipping caches and translation sources."""
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and d != "ext")
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix not in SKIP_SUFFIXES:
                yield path


#: metadata.txt keys a release fills in, and the environment variable of each (the tree holds placeholders: the
#: project has no public home yet, and no URL is ever invented here).
RELEASE_KEYS = {"homepage": "SCDSC_HOMEPAGE", "tracker": "SCDSC_TRACKER", "repository": "SCDSC_REPOSITORY",
                "email": "SCDSC_EMAIL"}


def release_values(environ=os.environ) -> dict:
    """The release's homepage, tracker, repository and email from the environment; all four are required."""
    missing = [var for var in RELEASE_KEYS.values() if not environ.get(var, "").strip()]
    if missing:
        raise SystemExit(f"error: a release build needs {', '.join(missing)} (the project's public addresses)")
    return {key: environ[var].strip() for key, var in RELEASE_KEYS.items()}


def filled_metadata(text: str, values: dict) -> str:
    """metadata.txt with the release keys set to ``values``."""
    for key, value in values.items():
        text, count = re.subn(rf"^{key}=.*$", f"{key}={value}", text, flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"error: metadata.txt must hold exactly one '{key}=' line, found {count}")
    return text


def build(output: Path, release: dict = None) -> Path:
    """Write the zip to ``output`` and return it; ``release`` fills the metadata's public addresses."""
    qm = sorted((REPO / "i18n").glob("*.qm"))
    if not qm:
        print("warning: no compiled translations (run 'make i18n' first)", file=sys.stderr)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in _files(REPO / "scdsc_qgis"):
            name = "scdsc_qgis/" + path.relative_to(REPO / "scdsc_qgis").as_posix()
            if release and name == "scdsc_qgis/metadata.txt":
                archive.writestr(name, filled_metadata(path.read_text(encoding="utf-8"), release))
            else:
                archive.write(path, name)
        for path in _files(REPO / "scdsc_core"):
            archive.write(path, "scdsc_qgis/ext/scdsc_core/" + path.relative_to(REPO / "scdsc_core").as_posix())
        # Both are required: the plugin repository refuses a zip without scdsc_qgis/LICENSE.
        for name in ("LICENSE", "README.md"):
            archive.write(REPO / name, f"scdsc_qgis/{name}")
    tmp.replace(output)
    return output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=REPO / "dist" / "scdsc_qgis.zip")
    parser.add_argument("--release", action="store_true",
                        help="fill homepage, tracker, repository and email from " + ", ".join(RELEASE_KEYS.values()))
    args = parser.parse_args(argv)
    print(build(args.output, release_values() if args.release else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
