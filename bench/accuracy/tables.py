"""Markdown tables from run records: mean ± std over seeds of OA, NMI, kappa, per-class accuracy and run time."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .methods import METHODS, method_label

#: Standard deviations are sample standard deviations over seeds (ddof = 1); one seed has none.
DDOF = 1

PROTOCOL_TITLES = {
    "labelled": "labelled pixels only (paper protocol, §5)",
    "all": "all valid pixels clustered, scored on the labelled ones (what a QGIS user gets, §8)",
}


@dataclass
class Summary:
    """The statistics of one (scene, protocol, method) over its seeds."""

    scene: str
    protocol: str
    method: str
    seeds: List[int] = field(default_factory=list)
    oa: List[float] = field(default_factory=list)
    nmi: List[float] = field(default_factory=list)
    kappa: List[float] = field(default_factory=list)
    time_s: List[float] = field(default_factory=list)
    per_class: List[List[float]] = field(default_factory=list)
    start_oa: List[float] = field(default_factory=list)
    start_nmi: List[float] = field(default_factory=list)
    start_kappa: List[float] = field(default_factory=list)
    failures: int = 0
    class_names: List[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Successful seeds."""
        return len(self.oa)


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample std (ddof=1) of the values; the std is NaN for fewer than two values."""
    arr = np.asarray(list(values), dtype=float)
    if arr.size == 0:
        return math.nan, math.nan
    std = float(arr.std(ddof=DDOF)) if arr.size > DDOF else math.nan
    return float(arr.mean()), std


def fmt_mean_std(values: Sequence[float], *, scale: float = 1.0, digits: int = 2) -> str:
    """``"80.31 ± 4.40"``: mean ± sample std of ``values * scale`` with ``digits`` decimals.

    One value is shown alone; no value gives ``"–"``.

    Examples
    --------
    >>> fmt_mean_std([0.8, 0.9], scale=100)
    '85.00 ± 7.07'
    >>> fmt_mean_std([0.5], digits=3)
    '0.500'
    """
    mean, std = mean_std(values)
    if math.isnan(mean):
        return "–"
    text = f"{mean * scale:.{digits}f}"
    if not math.isnan(std):
        text += f" ± {std * scale:.{digits}f}"
    return text


def fmt_seconds(values: Sequence[float]) -> str:
    """Mean run time with a precision that suits its size (``"0.42"``, ``"12.3"``, ``"214"``)."""
    mean, _ = mean_std(values)
    if math.isnan(mean):
        return "–"
    if mean < 10:
        return f"{mean:.2f}"
    if mean < 100:
        return f"{mean:.1f}"
    return f"{mean:.0f}"


def summarise(records: Iterable[dict]) -> Dict[Tuple[str, str, str], Summary]:
    """Group records by (scene, protocol, method); a seed recorded twice counts once (its last record)."""
    latest: Dict[Tuple[str, str, str, int], dict] = {}
    for r in records:
        latest[(r["scene"], r["protocol"], r["method"], int(r["seed"]))] = r
    out: Dict[Tuple[str, str, str], Summary] = {}
    for (scene, protocol, method, seed), r in sorted(latest.items(), key=lambda kv: kv[0]):
        s = out.setdefault((scene, protocol, method), Summary(scene, protocol, method))
        if "error" in r:
            s.failures += 1
            continue
        s.seeds.append(seed)
        s.oa.append(r["oa"])
        s.nmi.append(r["nmi"])
        s.kappa.append(r["kappa"])
        s.time_s.append(r["time_s"])
        s.per_class.append(list(r.get("per_class", [])))
        if r.get("class_names"):
            s.class_names = list(r["class_names"])
        start = r.get("start")
        if start:
            s.start_oa.append(start["oa"])
            s.start_nmi.append(start["nmi"])
            s.start_kappa.append(start["kappa"])
    return out


def ordered_methods(names: Iterable[str]) -> List[str]:
    """Registered methods in registry order, then ``scdsc:...`` specifications in the order met."""
    names = list(dict.fromkeys(names))
    known = [m for m in METHODS if m in names]
    return known + [m for m in names if m not in METHODS]


def scene_table(summaries: Dict[Tuple[str, str, str], Summary], scene: str, protocol: str,
                methods: Optional[Sequence[str]] = None) -> str:
    """One scene under one protocol: a row per method with OA (%), NMI, kappa, the start partition and time."""
    rows = [s for (sc, pr, _), s in summaries.items() if sc == scene and pr == protocol]
    by_method = {s.method: s for s in rows}
    order = ordered_methods(methods if methods is not None else by_method)
    lines = ["| method | OA (%) | NMI | κ | its start partition: OA (%) | time (s) | seeds |",
             "|---|---|---|---|---|---|---|"]
    for m in order:
        s = by_method.get(m)
        if s is None:
            continue
        start = fmt_mean_std(s.start_oa, scale=100) if s.start_oa else ""
        seeds = f"{s.n}" + (f" ({s.failures} failed)" if s.failures else "")
        lines.append(f"| {method_label(m)} | {fmt_mean_std(s.oa, scale=100)} | {fmt_mean_std(s.nmi, digits=3)} | "
                     f"{fmt_mean_std(s.kappa, digits=3)} | {start} | {fmt_seconds(s.time_s)} | {seeds} |")
    return "\n".join(lines)


def per_class_table(summaries: Dict[Tuple[str, str, str], Summary], scene: str, protocol: str,
                    methods: Optional[Sequence[str]] = None) -> str:
    """Per-class accuracy (%) of each method (mean over seeds): a row per reference class, a column per method."""
    by_method = {s.method: s for (sc, pr, _), s in summaries.items() if sc == scene and pr == protocol and s.n}
    order = [m for m in ordered_methods(methods if methods is not None else by_method) if m in by_method]
    if not order:
        return ""
    n_classes = max(len(pc) for m in order for pc in by_method[m].per_class)
    names = next((by_method[m].class_names for m in order if by_method[m].class_names), [])
    lines = ["| class | " + " | ".join(method_label(m) for m in order) + " |",
             "|---" * (len(order) + 1) + "|"]
    for c in range(n_classes):
        name = f"{c + 1} {names[c]}" if c < len(names) else str(c + 1)
        cells = []
        for m in order:
            values = [pc[c] for pc in by_method[m].per_class if c < len(pc)]
            mean, _ = mean_std(values)
            cells.append("–" if math.isnan(mean) else f"{100 * mean:.1f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def overview_table(summaries: Dict[Tuple[str, str, str], Summary], scenes: Sequence[str], protocol: str,
                   methods: Optional[Sequence[str]] = None, metric: str = "oa") -> str:
    """A row per method, a column per scene: mean ± std of one metric (OA in %)."""
    present = {s.method for (sc, pr, _), s in summaries.items() if pr == protocol and sc in scenes}
    order = [m for m in ordered_methods(methods if methods is not None else present) if m in present]
    scale, digits = (100, 2) if metric == "oa" else (1, 3)
    lines = ["| method | " + " | ".join(scenes) + " |", "|---" * (len(scenes) + 1) + "|"]
    for m in order:
        cells = []
        for sc in scenes:
            s = summaries.get((sc, protocol, m))
            cells.append(fmt_mean_std(getattr(s, metric), scale=scale, digits=digits) if s and s.n else "–")
        lines.append(f"| {method_label(m)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# Generated blocks inside a hand-written document
# --------------------------------------------------------------------------------------------------------------

_BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (?P<name>[\w.-]+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)",
                    re.S)


def begin_marker(name: str) -> str:
    """The line that opens a generated block."""
    return f"<!-- BEGIN GENERATED: {name} -->"


def end_marker(name: str) -> str:
    """The line that closes a generated block."""
    return f"<!-- END GENERATED: {name} -->"


def replace_blocks(text: str, blocks: Dict[str, str]) -> Tuple[str, List[str]]:
    """Replace the body of every generated block of ``text`` that ``blocks`` names.

    Returns the new text and the names of ``blocks`` that had no marker in ``text`` (they are not inserted:
    the prose around a table is hand-written).
    """
    seen = []

    def swap(match):
        name = match.group("name")
        if name not in blocks:
            return match.group(0)
        seen.append(name)
        return match.group(1) + blocks[name].rstrip("\n") + "\n" + match.group(4)

    new = _BLOCK.sub(swap, text)
    return new, [n for n in blocks if n not in seen]


def update_document(path: Path, blocks: Dict[str, str]) -> List[str]:
    """Rewrite the generated blocks of a Markdown file in place; returns the block names it lacks."""
    path = Path(path)
    new, missing = replace_blocks(path.read_text(encoding="utf-8"), blocks)
    path.write_text(new, encoding="utf-8")
    return missing


def standalone_document(blocks: Dict[str, str], title: str, preface: str = "") -> str:
    """Every block in order under its own heading: the quick run's self-contained report."""
    parts = [f"# {title}", ""]
    if preface:
        parts += [preface, ""]
    for name, body in blocks.items():
        parts += [f"## {name}", "", begin_marker(name), body.rstrip("\n"), end_marker(name), ""]
    return "\n".join(parts)
