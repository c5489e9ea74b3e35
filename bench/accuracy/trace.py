"""Diagnosis: the accuracy of SCDSC's assignments at every target refresh (fast) or epoch (paper), beside the
label-free confident ratio that selects the returned state (§2.14).

§9 reports that training can move away from a good k-means start. To see when and why, the fit's public
``callback`` hook hands over the argmax assignments of the training pixels at every clustering record, and this
module scores them against the reference. The training itself is unchanged and never sees the labels; the scores
are computed outside it, for any training set (a sample included: the hook gives the pixels' positions).
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np

from .methods import METHODS, evaluate, method_spec
from .scenes import Scene

log = logging.getLogger("bench.accuracy.trace")


@dataclass
class Trace:
    """One fit's trajectory.

    Attributes
    ----------
    points : list of dict
        ``{"step", "ratio", "oa", "nmi"}`` per refresh (fast) or epoch (paper), in order; the first is the
        k-means + SVD start as the network sees it.
    kmeans : dict
        OA/NMI of ``init_labels_`` (the k-means partition itself).
    final : dict
        OA/NMI of the returned ``labels_`` (the selected state, labelled in eval mode).
    selected_step : int
    history : list of dict
        The estimator's ``history_`` (losses per record).
    """

    scene: str
    method: str
    seed: int
    params: Dict[str, Any]
    points: List[dict] = field(default_factory=list)
    kmeans: Dict[str, float] = field(default_factory=dict)
    final: Dict[str, float] = field(default_factory=dict)
    selected_step: Optional[int] = None
    history: List[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-serialisable copy."""
        return {"scene": self.scene, "method": self.method, "seed": self.seed, "params": self.params,
                "points": self.points, "kmeans": self.kmeans, "final": self.final,
                "selected_step": self.selected_step, "history": self.history}


def trace_fit(scene: Scene, mask: np.ndarray, seed: int, method: str = "scdsc-fast") -> Trace:
    """Fit one SCDSC method as the harness does and return its trajectory (see the module docstring)."""
    spec = method_spec(method)
    if spec.params is None:
        raise ValueError(f"only SCDSC methods can be traced, got {method!r}")
    out = spec.run(scene, mask, int(seed))
    if not out.trace:
        raise ValueError(f"{method} on {scene.name} recorded no clustering step to trace")
    trace = Trace(scene.name, method, int(seed), dict(spec.params), points=out.trace,
                  history=[h for h in out.history if h.get("stage") == "cluster"])
    trace.kmeans = {k: round(v, 5) for k, v in evaluate(out.start_labels, scene.labels).items() if k in ("oa", "nmi")}
    trace.final = {k: round(v, 5) for k, v in evaluate(out.labels, scene.labels).items() if k in ("oa", "nmi")}
    trace.selected_step = out.info.get("selected_step")
    return trace


def save_trace(trace: Trace, folder: Path) -> Path:
    """Write ``<folder>/<scene>__<method>__s<seed>.json``."""
    safe = "".join(ch if ch.isalnum() or ch in "-_.=" else "_" for ch in trace.method)
    path = Path(folder) / f"{trace.scene}__{safe}__s{trace.seed}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(trace.as_dict()), encoding="utf-8")
    return path


def load_trace(path: Path) -> dict:
    """A saved trace as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def plot_traces(traces: List[dict], out_path: Path, title: str = "") -> Path:
    """OA (solid) and confident ratio (dashed) against clustering steps, one panel per trace.

    A dotted line marks the k-means partition's OA; a marker, the selected state.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(3, len(traces))
    rows = -(-len(traces) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, t in zip(axes.ravel(), traces):
        ax.axis("on")
        steps = [p["step"] for p in t["points"]]
        ax.plot(steps, [100 * p["oa"] for p in t["points"]], color="tab:blue", label="OA of argmax s (%)")
        ax.plot(steps, [100 * p["ratio"] for p in t["points"]], color="tab:orange", ls="--",
                label="confident ratio (%)")
        ax.axhline(100 * t["kmeans"]["oa"], color="gray", ls=":", label="start partition OA (%)")
        sel = [p for p in t["points"] if p["step"] == t["selected_step"]]
        if sel:
            ax.plot([sel[0]["step"]], [100 * sel[0]["oa"]], "o", color="tab:red", label="selected state")
        ax.set_title(f"{t['scene']} · {METHODS[t['method']].label if t['method'] in METHODS else t['method']}"
                     f" · seed {t['seed']}\nreturned OA {100 * t['final']['oa']:.1f}%", fontsize=8)
        ax.set_xlabel("clustering optimiser steps", fontsize=8)
        ax.set_ylim(0, 100)
        ax.tick_params(labelsize=7)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=7, frameon=False)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, 0.95 if title else 1))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    return out_path


def trajectory_figure(records: List[dict], maps_dir: Path, scenes: List[str], protocol: str, out_path: Path,
                      methods: Optional[List[str]] = None, seed: int = 0) -> Optional[Path]:
    """One panel per scene: OA (solid) and confident ratio (dashed) along training for each SCDSC method's run
    with ``seed``, the start partition as a dotted line and the selected state as a dot.

    Reads the ``*.trace.json`` files the runner saved beside the label maps; returns None if there is none.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .runner import Job, map_path
    from .tables import ordered_methods

    chosen = {}
    for r in records:
        if "error" in r or "trace" not in r or r["protocol"] != protocol or int(r["seed"]) != seed:
            continue
        if methods is not None and r["method"] not in methods:
            continue
        path = map_path(maps_dir, Job(r["scene"], protocol, r["method"], seed)).with_suffix(".trace.json")
        if path.is_file():
            chosen[(r["scene"], r["method"])] = (r, json.loads(path.read_text(encoding="utf-8")))
    panels = [s for s in scenes if any(k[0] == s for k in chosen)]
    if not panels:
        return None
    order = ordered_methods(m for _, m in chosen)
    colours = {m: plt.get_cmap("tab10")(i % 10) for i, m in enumerate(order)}
    fig, axes = plt.subplots(1, len(panels), figsize=(max(9.0, 4.6 * len(panels)), 3.8), squeeze=False)
    for ax, scene in zip(axes[0], panels):
        start = None
        for m in order:
            if (scene, m) not in chosen:
                continue
            r, points = chosen[(scene, m)]
            steps = [p["step"] for p in points]
            ax.plot(steps, [100 * p["oa"] for p in points], color=colours[m], lw=1.5,
                    label=METHODS[m].label if m in METHODS else m)
            ax.plot(steps, [100 * p["ratio"] for p in points], color=colours[m], lw=0.8, ls="--")
            sel = [p for p in points if p["step"] == r.get("info", {}).get("selected_step")]
            if sel:
                ax.plot([sel[0]["step"]], [100 * sel[0]["oa"]], "o", color=colours[m], ms=4)
            start = r["start"]["oa"]
        if start is not None:
            ax.axhline(100 * start, color="gray", ls=":", lw=1)
        ax.set_title(f"{scene} ({protocol} protocol, seed {seed})", fontsize=9)
        ax.set_xlabel("clustering optimiser steps", fontsize=8)
        ax.set_ylabel("OA of argmax s (solid), confident ratio (dashed), %", fontsize=7)
        ax.set_ylim(0, 100)
        ax.tick_params(labelsize=7)
    handles, labels = [], []
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", ncol=min(3, len(labels)), fontsize=7, frameon=False)
    fig.suptitle("SCDSC along training — solid: OA; dashed: confident ratio; dotted: start partition; "
                 "dot: selected state", fontsize=9)
    fig.tight_layout(rect=(0, 0.12, 1, 0.93))
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    return out_path
