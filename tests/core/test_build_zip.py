"""scripts/build_zip.py: the release build fills the metadata's public addresses in the zip, and only there."""
# SPDX-License-Identifier: GPL-2.0-or-later
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_zip  # noqa: E402

RELEASE = {"SCDSC_HOMEPAGE": "https://home.page.test/scdsc", "SCDSC_TRACKER": "https://home.page.test/issues",
           "SCDSC_REPOSITORY": "https://home.page.test/git", "SCDSC_EMAIL": "team@home.page.test"}


def test_a_release_needs_all_four_addresses():
    with pytest.raises(SystemExit, match="SCDSC_EMAIL"):
        build_zip.release_values({k: v for k, v in RELEASE.items() if k != "SCDSC_EMAIL"})
    assert build_zip.release_values(RELEASE)["tracker"] == "https://home.page.test/issues"


def test_the_release_zip_carries_the_addresses_and_the_tree_keeps_its_placeholders(tmp_path):
    tree = (REPO / "scdsc_qgis" / "metadata.txt").read_text(encoding="utf-8")
    out = build_zip.build(tmp_path / "release.zip", build_zip.release_values(RELEASE))
    with zipfile.ZipFile(out) as archive:
        zipped = archive.read("scdsc_qgis/metadata.txt").decode("utf-8")
        assert "scdsc_qgis/ext/scdsc_core/params.py" in archive.namelist()
    for key, var in build_zip.RELEASE_KEYS.items():
        assert f"\n{key}={RELEASE[var]}\n" in zipped
    assert "invalid.example" not in zipped
    assert (REPO / "scdsc_qgis" / "metadata.txt").read_text(encoding="utf-8") == tree  # the tree is unchanged
    assert zipped.replace("\r", "").count("\n") == tree.count("\n")
