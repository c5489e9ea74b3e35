"""Paths of the files shipped beside the code (icon, translations)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import os

PLUGIN_DIR = os.path.dirname(os.path.abspath(__file__))


def resource_path(name: str) -> str:
    """Path of ``resources/<name>`` inside the plugin folder."""
    return os.path.join(PLUGIN_DIR, "resources", name)


def plugin_icon():
    """The plugin's icon as a ``QIcon``."""
    from qgis.PyQt.QtGui import QIcon
    return QIcon(resource_path("icon.svg"))
