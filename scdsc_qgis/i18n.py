"""Translations: one Qt context for every string of the plugin, and the translator for the user's locale."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import os
from typing import Optional

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

#: The single translation context of the plugin (``i18n/scdsc_<lang>.ts`` uses it for every message).
CONTEXT = "scdsc"

I18N_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n")

_translator: Optional[QTranslator] = None


def tr(text: str) -> str:
    """Translate ``text`` in the plugin's context (``QCoreApplication.translate``)."""
    return QCoreApplication.translate(CONTEXT, text)


def user_language() -> str:
    """The two-letter language QGIS runs in (its own locale setting, else the system's)."""
    from qgis.core import QgsApplication
    return (QgsApplication.locale() or QLocale().name())[:2]


def install_translator(language: Optional[str] = None) -> Optional[str]:
    """Load ``i18n/scdsc_<language>.qm`` and install it; returns the file loaded, or None (English).

    Calling it again replaces the previous translator.
    """
    global _translator
    remove_translator()
    language = language or user_language()
    path = os.path.join(I18N_DIR, f"scdsc_{language}.qm")
    if not os.path.isfile(path):
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return path


def remove_translator() -> None:
    """Uninstall the translator installed by :func:`install_translator` (plugin unload)."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
