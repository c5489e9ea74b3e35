"""The dock's remembered settings: one typed QgsSettings key per field, each with its default."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Optional

from qgis.core import QgsSettings

__all__ = ["DockSettings", "SETTINGS_GROUP", "MODES", "DEVICES"]

#: Group of every key written by the dock (``QgsSettings`` section "plugins").
SETTINGS_GROUP = "scdsc/dock"
#: Enum values of the algorithm's MODE and DEVICE parameters, in their enum order.
MODES = ("fast", "paper")
DEVICES = ("auto", "cpu", "cuda")


@dataclass
class DockSettings:
    """What the dock remembers between sessions (layers and output paths are per project, so they are not kept).

    Each field is stored under ``scdsc/dock/<field>`` with the field's type; a missing or unreadable key gives the
    default below. The "use the default" values mirror the ``scdsc:cluster`` algorithm, so the dock never
    copies the core's defaults (they can change without the dock knowing).

    Parameters
    ----------
    n_clusters : int, default 8
    mode : {"fast", "paper"}, default "fast"
    confidence : bool, default False
        Also write the confidence raster.
    sample_size, pretrain_epochs : int, default -1
        Negative = the mode's default; 0 = every clustered pixel / no pretraining (the core's meaning).
    epochs : int, default 0
        0 = the mode's default (0 epochs is not a valid value).
    learning_rate : float, default 0.0
        0 = the mode's default (0 is not a valid rate).
    alpha : float, default -1.0
        Weight of the mini-cluster (non-local) KL term (method doc §1, Table 4 "β1"); negative = the core's
        default (the algorithm's ALPHA is then left empty, since 0 is a valid weight).
    beta : float, default -1.0
        Weight of the smoothing (local) KL term (Table 4 "β2"); negative = the core's default.
    window : int, default 0
        Side of the box filter of the local term (Table 4); 0 = the core's default.
    n_components : int, default 0
        Pixel PCA components; 0 = min(8, bands), the core's default (0 components is not a valid value).
    seed : int, default 0
    device : {"auto", "cpu", "cuda"}, default "auto"
    log_scale : bool, default True
        Loss plot on a log axis.

    Examples
    --------
    >>> DockSettings(n_clusters=6).save()                               # doctest: +SKIP
    >>> DockSettings.load().n_clusters                                  # doctest: +SKIP
    6
    """

    n_clusters: int = 8
    mode: str = "fast"
    confidence: bool = False
    sample_size: int = -1
    epochs: int = 0
    pretrain_epochs: int = -1
    learning_rate: float = 0.0
    alpha: float = -1.0
    beta: float = -1.0
    window: int = 0
    n_components: int = 0
    seed: int = 0
    device: str = "auto"
    log_scale: bool = True

    @staticmethod
    def key(name: str) -> str:
        """The QgsSettings key of field ``name``."""
        return f"{SETTINGS_GROUP}/{name}"

    @classmethod
    def load(cls, settings: Optional[QgsSettings] = None) -> "DockSettings":
        """Read every field from ``settings`` (default: the user's QgsSettings), falling back to its default."""
        settings = settings or QgsSettings()
        defaults = cls()
        values = {}
        for f in fields(cls):
            default = getattr(defaults, f.name)
            kind = type(default)
            try:
                value = settings.value(cls.key(f.name), default, type=kind)
            except (TypeError, ValueError):  # a hand-edited ini holding text where a number belongs
                value = default
            values[f.name] = kind(value)
        loaded = cls(**values)
        loaded._repair_choices(defaults)
        return loaded

    def save(self, settings: Optional[QgsSettings] = None) -> None:
        """Write every field to ``settings`` (default: the user's QgsSettings)."""
        settings = settings or QgsSettings()
        for f in fields(self):
            settings.setValue(self.key(f.name), getattr(self, f.name))

    def _repair_choices(self, defaults: "DockSettings") -> None:
        """Replace stored enum texts that are not known choices (an older or edited profile) by the default."""
        if self.mode not in MODES:
            self.mode = defaults.mode
        if self.device not in DEVICES:
            self.device = defaults.device
        if self.n_clusters < 2:
            self.n_clusters = defaults.n_clusters
