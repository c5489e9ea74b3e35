"""SCDSC QGIS plugin: a Processing provider and a dock over the headless ``scdsc_core`` library."""
# SPDX-License-Identifier: GPL-2.0-or-later


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """QGIS entry point (desktop and ``qgis_process``, which passes ``iface=None``).

    Before anything else, the paths that make ``scdsc_core``, torch and scikit-learn importable are put first on
    ``sys.path``: the core bundled in the plugin zip, a development checkout's ``.venv`` (only when the plugin
    folder is a symlink to a checkout), and the dependency folder of the QGIS profile.
    """
    from . import deps
    deps.add_dependency_path()
    deps.add_dev_checkout_paths()
    deps.add_bundled_core_path()
    from .plugin import ScdscPlugin
    return ScdscPlugin(iface)
