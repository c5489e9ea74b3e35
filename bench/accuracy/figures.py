"""Side-by-side label maps: the reference and each method, cluster colours matched to classes (Hungarian)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from .methods import method_label
from .runner import Job, map_path
from .scenes import Scene
from .tables import ordered_methods

log = logging.getLogger("bench.accuracy.figures")

#: Colour of pixels that were not clustered (unlabelled under the paper protocol, nodata otherwise).
BACKGROUND = np.array([255, 255, 255], np.uint8)
#: Colour of a cluster that the matching leaves without a class (only when it has more clusters than classes).
UNMATCHED = np.array([120, 120, 120], np.uint8)


def coloured(labels: np.ndarray, reference: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """An (H, W, 3) uint8 picture of a label map in the reference's colours.

    Clusters are renumbered with :func:`scdsc_core.metrics.match_labels` (the Hungarian matching of OA, on the
    labelled pixels), so a cluster matched to class c takes class c's colour; a cluster matched to no class is
    grey and a pixel that was not clustered is white.
    """
    from scdsc_core.metrics import match_labels
    matched = np.asarray(match_labels(labels, reference))
    n_classes = len(colors) - 1
    out = np.empty(labels.shape + (3,), np.uint8)
    out[:] = BACKGROUND
    clustered = matched >= 0
    cls = matched[clustered]
    out[clustered] = np.where((cls < n_classes)[:, None], colors[np.clip(cls + 1, 0, n_classes)], UNMATCHED)
    return out


def reference_picture(scene: Scene) -> np.ndarray:
    """The reference map in its own colours; unlabelled pixels in the background colour."""
    out = np.empty(scene.labels.shape + (3,), np.uint8)
    out[:] = BACKGROUND
    labelled = scene.labels > 0
    out[labelled] = scene.colors[scene.labels[labelled]]
    return out


def median_seed(summary) -> Optional[int]:
    """The seed whose OA is the (lower) median of the method's runs: a typical run, not the best one."""
    if not summary.n:
        return None
    order = np.argsort(summary.oa, kind="stable")
    return int(summary.seeds[order[(summary.n - 1) // 2]])


def scene_figure(scene: Scene, protocol: str, summaries: Dict, maps_dir: Path, out_path: Path,
                 methods: Optional[Sequence[str]] = None, columns: int = 4) -> Optional[Path]:
    """Write one PNG: the reference, then each method's median-OA run under ``protocol``.

    Methods whose label map is missing (e.g. a results file without its maps) are left out; returns None
    when none is left.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    present = [s.method for (sc, pr, _), s in summaries.items() if sc == scene.name and pr == protocol and s.n]
    order = [m for m in ordered_methods(methods if methods is not None else present) if m in present]
    panels = [("reference", reference_picture(scene))]
    for m in order:
        s = summaries[(scene.name, protocol, m)]
        seed = median_seed(s)
        path = map_path(maps_dir, Job(scene.name, protocol, m, seed))
        if not path.is_file():
            log.warning("no label map %s: %s left out of the figure", path, m)
            continue
        labels = np.load(path).astype(np.int32)
        oa = s.oa[s.seeds.index(seed)]
        panels.append((f"{method_label(m)}\nOA {100 * oa:.1f}% (seed {seed})", coloured(labels, scene.labels,
                                                                                        scene.colors)))
    if len(panels) == 1:
        return None
    columns = min(columns, len(panels))
    rows = -(-len(panels) // columns)
    h, w = scene.labels.shape
    panel_w = 3.2
    panel_h = panel_w * h / w + 0.55
    fig, axes = plt.subplots(rows, columns, figsize=(panel_w * columns, panel_h * rows + 0.6), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (title, picture) in zip(axes.ravel(), panels):
        ax.imshow(picture, interpolation="nearest")
        ax.set_title(title, fontsize=8)
    handles = [Patch(color=scene.colors[c] / 255.0, label=f"{c} {name}")
               for c, name in enumerate(scene.class_names, start=1)]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 6), fontsize=7, frameon=False)
    fig.suptitle(f"{scene.name}: {protocol} protocol (white = not clustered)", fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    log.info("wrote %s", out_path)
    return out_path


def all_figures(scenes: Dict[str, Scene], protocols: Sequence[str], summaries: Dict, maps_dir: Path,
                out_dir: Path, methods_by_protocol: Optional[Dict[str, Sequence[str]]] = None,
                prefix: str = "results_") -> List[Path]:
    """One figure per scene and protocol: ``<out_dir>/<prefix><scene>_<protocol>.png``."""
    written = []
    for name, scene in scenes.items():
        for protocol in protocols:
            methods = (methods_by_protocol or {}).get(protocol)
            path = scene_figure(scene, protocol, summaries, Path(maps_dir),
                                Path(out_dir) / f"{prefix}{name}_{protocol}.png", methods)
            if path is not None:
                written.append(path)
    return written
