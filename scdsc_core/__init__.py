"""SCDSC: scalable context-preserving deep subspace clustering of hyperspectral rasters (headless core)."""
# SPDX-License-Identifier: GPL-2.0-or-later
# Heavy modules (torch, GDAL) are imported lazily so that `import scdsc_core` stays cheap and the QGIS plugin can
# report missing dependencies instead of failing at load time.
__version__ = "0.1.0"

__all__ = ["SCDSC", "PRESETS", "cluster_raster", "fit_raster", "apply_model", "evaluate_rasters",
           "stack_product", "evaluate_labels", "ClusterResult", "ScdscError", "ScdscCancelled", "ScdscWarning", "__version__"]

from .errors import ScdscCancelled, ScdscError, ScdscWarning  # noqa: E402

_LAZY = {
    "SCDSC": "model", "PRESETS": "model",
    "cluster_raster": "api", "fit_raster": "api", "apply_model": "api", "evaluate_rasters": "api",
    "stack_product": "api",
    "ClusterResult": "api", "evaluate_labels": "metrics",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'scdsc_core' has no attribute {name!r}")
