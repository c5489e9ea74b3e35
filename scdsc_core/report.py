"""Self-contained HTML report of a run: training curves as inline SVG, cluster sizes, evaluation, parameters."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import datetime
import html
import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .style import cluster_colors, cluster_names

# (history key, legend label, colour). The total loss is drawn in black so the four terms of the objective
# (reconstruction, orthogonality, non-local and local self-training terms, §2) stand out against it.
LOSS_SERIES: Tuple[Tuple[str, str, str], ...] = (
    ("loss", "total loss", "#000000"),
    ("loss_rec", "reconstruction", "#1f77b4"),
    ("loss_orth", "orthogonality", "#ff7f0e"),
    ("loss_nonlocal", "non-local", "#2ca02c"),
    ("loss_local", "local", "#d62728"),
)
RATIO_SERIES: Tuple[Tuple[str, str, str], ...] = (("confident_ratio", "confident ratio", "#9467bd"),)

_CHART_WIDTH = 720
_CHART_HEIGHT = 280
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 64, 150, 28, 40

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 960px;
       color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 1.4em; height: 1em; border: 1px solid #555; vertical-align: middle; }
.metrics td { font-size: 1.1em; }
svg { display: block; margin: .5em 0 1.5em; }
svg text { font-size: 11px; font-family: inherit; }
.note { color: #666; font-size: .9em; }
"""


# --------------------------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------------------------

def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(value: Any) -> Optional[float]:
    """A finite float, or None for missing/non-numeric/NaN/inf values."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _format_value(value: Any) -> str:
    """A parameter or info value as escaped HTML (nested dicts become nested tables)."""
    if isinstance(value, dict):
        return _key_value_table(value)
    if isinstance(value, float):
        return _esc(f"{value:.6g}")
    if isinstance(value, (list, tuple)):
        items = [f"{v:.6g}" if isinstance(v, float) else str(v) for v in value]
        if len(items) > 60:
            items = items[:60] + [f"… ({len(value)} values)"]
        return _esc(", ".join(items))
    if value is None:
        return "<span class=\"note\">–</span>"
    return _esc(value)


def _key_value_table(items: Dict[str, Any]) -> str:
    if not items:
        return "<p class=\"note\">(none)</p>"
    rows = "".join(f"<tr><th>{_esc(key)}</th><td>{_format_value(value)}</td></tr>\n"
                   for key, value in items.items())
    return f"<table>\n{rows}</table>\n"


# --------------------------------------------------------------------------------------------------------------
# SVG charts
# --------------------------------------------------------------------------------------------------------------

def _nice_linear_ticks(low: float, high: float, count: int = 5) -> List[float]:
    """About ``count`` round tick values covering [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    first = math.ceil(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _series_points(history: Sequence[dict], key: str, log_y: bool) -> List[Tuple[int, float]]:
    """(record index, value) of every record that has a plottable value for ``key``."""
    points = []
    for index, record in enumerate(history):
        value = _number(record.get(key)) if isinstance(record, dict) else None
        if value is None or (log_y and value <= 0):
            continue
        points.append((index, value))
    return points


def _stage_starts(history: Sequence[dict]) -> List[Tuple[int, str]]:
    """(record index, stage name) where a new stage begins."""
    starts, previous = [], object()
    for index, record in enumerate(history):
        stage = record.get("stage") if isinstance(record, dict) else None
        if stage != previous:
            starts.append((index, "" if stage is None else str(stage)))
            previous = stage
    return starts


def _line_chart(history: Sequence[dict], series: Sequence[Tuple[str, str, str]], *, title: str, log_y: bool,
                y_range: Optional[Tuple[float, float]] = None) -> str:
    """An inline SVG line chart of history keys against the record index (one polyline point per record)."""
    drawn = [(key, label, color, _series_points(history, key, log_y)) for key, label, color in series]
    drawn = [item for item in drawn if item[3]]
    if not drawn:
        return f"<p class=\"note\">{_esc(title)}: no values were recorded.</p>\n"

    width, height = _CHART_WIDTH, _CHART_HEIGHT
    left, right = _MARGIN_LEFT, width - _MARGIN_RIGHT
    top, bottom = _MARGIN_TOP, height - _MARGIN_BOTTOM
    n_records = max(len(history), 1)
    x_max = max(n_records - 1, 1)

    values = [v for *_, points in drawn for _, v in points]
    if y_range is not None:
        low, high = y_range
    elif log_y:
        low, high = math.log10(min(values)), math.log10(max(values))
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        pad = 0.04 * (high - low)  # keep the extreme values off the frame
        low, high = low - pad, high + pad
    else:
        low, high = min(values), max(values)
        if high - low < 1e-12:
            low, high = low - 0.5, high + 0.5

    def sx(index: float) -> float:
        return left + (right - left) * index / x_max

    def sy(value: float) -> float:
        position = math.log10(value) if log_y else value
        return bottom - (bottom - top) * (position - low) / (high - low)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">',
             f'<title>{_esc(title)}</title>',
             f'<text x="{left}" y="16" font-weight="bold">{_esc(title)}</text>',
             f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" '
             'stroke="#888"/>']

    # y ticks: decades on a log axis, round numbers on a linear one.
    if log_y:
        ticks = [10.0 ** e for e in range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1)]
        if len(ticks) < 2:
            ticks = [10.0 ** low, 10.0 ** high]
        tick_labels = [f"{t:.3g}" for t in ticks]
    else:
        ticks = _nice_linear_ticks(low, high)
        tick_labels = [f"{t:.3g}" for t in ticks]
    for tick, text in zip(ticks, tick_labels):
        y = sy(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_esc(text)}</text>')
    if log_y:
        parts.append(f'<text x="14" y="{(top + bottom) / 2:.0f}" transform="rotate(-90 14 {(top + bottom) / 2:.0f})" '
                     'text-anchor="middle">log scale</text>')

    # x ticks: record numbers.
    for tick in _nice_linear_ticks(0, x_max):
        if float(tick).is_integer():
            x = sx(tick)
            parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{int(tick)}</text>')
    parts.append(f'<text x="{(left + right) / 2:.0f}" y="{height - 6}" text-anchor="middle">recorded step</text>')

    # Stage boundaries (pretraining, clustering, ...).
    for index, stage in _stage_starts(history):
        x = sx(index)
        if index > 0:
            parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#999" '
                         'stroke-dasharray="4 3"/>')
        if stage:
            parts.append(f'<text x="{x + 3:.1f}" y="{top + 12}" fill="#666">{_esc(stage)}</text>')

    for slot, (key, label, color, points) in enumerate(drawn):
        coordinates = " ".join(f"{sx(i):.1f},{sy(v):.1f}" for i, v in points)
        parts.append(f'<polyline class="series" data-series="{_esc(key)}" fill="none" stroke="{color}" '
                     f'stroke-width="1.6" points="{coordinates}"/>')
        if len(points) == 1:
            parts.append(f'<circle cx="{sx(points[0][0]):.1f}" cy="{sy(points[0][1]):.1f}" r="3" fill="{color}"/>')
        legend_y = top + 6 + 16 * slot
        parts.append(f'<line x1="{right + 12}" y1="{legend_y}" x2="{right + 32}" y2="{legend_y}" '
                     f'stroke="{color}" stroke-width="2"/>')
        parts.append(f'<text x="{right + 38}" y="{legend_y + 4}">{_esc(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------------------

def _returned_note(info: Dict[str, Any]) -> str:
    """One sentence on which training state the map comes from, when the return rule compared two."""
    start, selected = _number(info.get("coherence_start")), _number(info.get("coherence_selected"))
    if start is None or selected is None:
        return ""
    if info.get("returned") == "start":
        return (f"<p><strong>Training found no state as spatially coherent as its start</strong> (share of "
                f"neighbouring pixels in the same cluster: start {start:.4f}, best trained state {selected:.4f}): "
                "the map is the start partition.</p>\n")
    return (f"<p>The map comes from the trained state with the most confident pixels; the start was not clearly "
            f"more spatially coherent (share of neighbouring pixels in the same cluster {selected:.4f} against "
            f"{start:.4f} for the start).</p>\n")


def _training_section(history: Sequence[dict], info: Dict[str, Any]) -> str:
    if not history:
        return "<h2>Training</h2>\n<p class=\"note\">No training history was recorded.</p>\n"
    final = history[-1] if isinstance(history[-1], dict) else {}
    summary = ", ".join(f"{label} {value:.4g}" for key, label, _ in LOSS_SERIES + RATIO_SERIES
                        if (value := _number(final.get(key))) is not None)
    return ("<h2>Training</h2>\n"
            f"<p>{len(history)} recorded steps. Last record: {_esc(summary) or '–'}.</p>\n"
            + _returned_note(info)
            + _line_chart(history, LOSS_SERIES, title="Loss terms", log_y=True)
            + _line_chart(history, RATIO_SERIES, title="Share of confident pixels", log_y=False,
                          y_range=(0.0, 1.0)))


def _cluster_section(cluster_sizes: Sequence[int], class_names: Sequence[str]) -> str:
    k = len(cluster_sizes)
    names = list(class_names) if class_names is not None and len(class_names) == k else cluster_names(k)
    total = sum(int(s) for s in cluster_sizes)
    rows = []
    for value, (size, name, rgb) in enumerate(zip(cluster_sizes, names, cluster_colors(k)), start=1):
        share = 100.0 * int(size) / total if total else 0.0
        hex_color = "#{:02x}{:02x}{:02x}".format(*rgb)
        rows.append(f'<tr><td class="num">{value}</td><td><span class="swatch" style="background:{hex_color}">'
                    f'</span></td><td>{_esc(name)}</td><td class="num">{int(size)}</td>'
                    f'<td class="num">{share:.2f} %</td></tr>')
    return ("<h2>Clusters</h2>\n"
            f"<p>{k} clusters, {total} clustered pixels. Value = pixel value in the label raster "
            "(0 = nodata).</p>\n"
            '<table class="clusters"><tr><th class="num">value</th><th>colour</th><th>name</th>'
            '<th class="num">pixels</th><th class="num">share</th></tr>\n' + "\n".join(rows) + "\n</table>\n")


def _spectra_section(spectra: Optional[Dict[str, Any]], class_names: Sequence[str]) -> str:
    """Mean spectrum of each cluster (± one standard deviation, shaded) against wavelength in nm, or against band
    number where the raster records no wavelengths. ``spectra``: ``mean``, ``std`` (K x B lists), ``wavelengths``
    (list or None), ``scaled`` (bool)."""
    if not spectra:
        return ""
    mean, std = np.asarray(spectra["mean"], dtype=float), np.asarray(spectra["std"], dtype=float)
    k, b = mean.shape
    x_values = np.asarray(spectra.get("wavelengths") or np.arange(1, b + 1), dtype=float)
    x_label = "wavelength (nm)" if spectra.get("wavelengths") else "band number (no wavelengths in the input)"
    finite = np.isfinite(mean)
    if not finite.any():
        return ""
    low, high = float(np.nanmin(mean - std)), float(np.nanmax(mean + std))
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    x_low, x_high = float(x_values.min()), float(x_values.max())
    if x_high - x_low < 1e-12:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    width, height = _CHART_WIDTH, _CHART_HEIGHT + 60
    left, right, top, bottom = _MARGIN_LEFT, width - _MARGIN_RIGHT, _MARGIN_TOP, height - _MARGIN_BOTTOM

    def sx(x: float) -> float:
        return left + (right - left) * (x - x_low) / (x_high - x_low)

    def sy(v: float) -> float:
        return bottom - (bottom - top) * (v - low) / (high - low)

    names = list(class_names) if class_names is not None and len(class_names) == k else cluster_names(k)
    title = "Mean spectrum per cluster (± 1 std)"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">', f'<title>{_esc(title)}</title>',
             f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#888"/>']
    for tick in _nice_linear_ticks(low, high):
        parts.append(f'<line x1="{left}" y1="{sy(tick):.1f}" x2="{right}" y2="{sy(tick):.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end">{tick:.3g}</text>')
    for tick in _nice_linear_ticks(x_low, x_high):
        parts.append(f'<text x="{sx(tick):.1f}" y="{bottom + 16}" text-anchor="middle">{tick:.4g}</text>')
    parts.append(f'<text x="{(left + right) / 2:.0f}" y="{height - 6}" text-anchor="middle">{_esc(x_label)}</text>')
    for j, rgb in enumerate(cluster_colors(k)):
        if not finite[j].any():
            continue
        color = "#{:02x}{:02x}{:02x}".format(*rgb)
        ok = finite[j]
        upper = [f"{sx(x):.1f},{sy(v):.1f}" for x, v in zip(x_values[ok], (mean[j] + std[j])[ok])]
        lower = [f"{sx(x):.1f},{sy(v):.1f}" for x, v in zip(x_values[ok][::-1], (mean[j] - std[j])[ok][::-1])]
        parts.append(f'<polygon fill="{color}" fill-opacity="0.15" stroke="none" points="{" ".join(upper + lower)}"/>')
        line = " ".join(f"{sx(x):.1f},{sy(v):.1f}" for x, v in zip(x_values[ok], mean[j][ok]))
        parts.append(f'<polyline class="spectrum" fill="none" stroke="{color}" stroke-width="1.6" points="{line}"/>')
        legend_y = top + 6 + 16 * j
        parts.append(f'<line x1="{right + 12}" y1="{legend_y}" x2="{right + 32}" y2="{legend_y}" stroke="{color}" '
                     'stroke-width="2"/>')
        parts.append(f'<text x="{right + 38}" y="{legend_y + 4}">{_esc(names[j])}</text>')
    parts.append("</svg>")
    unit = "values with the raster's scale and offset applied" if spectra.get("scaled") else "stored values"
    return ("<h2>Cluster spectra</h2>\n"
            f"<p>Mean of every band over each cluster's pixels, shaded ± one standard deviation ({unit}).</p>\n"
            + "\n".join(parts) + "\n")


def _evaluation_section(evaluation: Optional[Dict[str, Any]]) -> str:
    if not evaluation:
        return ""
    parts = ["<h2>Evaluation against the reference</h2>\n", '<table class="metrics">']
    for key, label in (("oa", "Overall accuracy (OA)"), ("nmi", "Normalised mutual information (NMI)"),
                       ("kappa", "Cohen's kappa")):
        value = _number(evaluation.get(key))
        shown = "–" if value is None else (f"{value:.4f} ({100 * value:.2f} %)" if key == "oa" else f"{value:.4f}")
        parts.append(f"<tr><th>{label}</th><td class=\"num\">{shown}</td></tr>")
    parts.append("</table>\n")

    per_class = list(evaluation.get("per_class_accuracy") or [])
    names = evaluation.get("class_names") or None
    if per_class:
        if not names or len(names) != len(per_class):
            names = [f"Class {i}" for i in range(1, len(per_class) + 1)]
        rows = "\n".join(
            f"<tr><td class=\"num\">{i}</td><td>{_esc(name)}</td><td class=\"num\">"
            f"{'–' if (v := _number(acc)) is None else f'{v:.4f}'}</td></tr>"
            for i, (name, acc) in enumerate(zip(names, per_class), start=1))
        parts.append("<h3>Accuracy per reference class</h3>\n"
                     '<table class="per-class"><tr><th class="num">class</th><th>name</th>'
                     f'<th class="num">accuracy</th></tr>\n{rows}\n</table>\n')

    confusion = evaluation.get("confusion")
    if confusion:
        n_rows, n_columns = len(confusion), max(len(row) for row in confusion)
        row_names = names if names and len(names) == n_rows else [str(i + 1) for i in range(n_rows)]
        # metrics.Evaluation: columns are the matched classes, plus a last "no class" column.
        column_names = [row_names[j] if j < n_rows else "no class" for j in range(n_columns)]
        header = "".join(f'<th class="num">{_esc(name)}</th>' for name in column_names)
        body = "\n".join(
            f"<tr><th>{_esc(name)}</th>" + "".join(f'<td class="num">{_esc(cell)}</td>' for cell in row) + "</tr>"
            for name, row in zip(row_names, confusion))
        parts.append("<h3>Confusion matrix</h3>\n<p class=\"note\">Rows: reference classes. Columns: the class "
                     "that each pixel's cluster was matched to (one-to-one, maximising agreement); "
                     "\u201cno class\u201d counts pixels not clustered or in a cluster matched to no class.</p>\n"
                     f'<table class="confusion"><tr><th>reference \\ matched</th>{header}</tr>\n{body}\n</table>\n')
    counts = [(key, label) for key, label in (("n_scored", "labelled pixels scored"),
                                               ("n_unclustered", "labelled pixels not clustered (count as wrong)"))
              if _number(evaluation.get(key)) is not None]
    if counts:
        parts.append("<p>" + "; ".join(f"{_esc(label)}: {int(evaluation[key])}" for key, label in counts)
                     + ".</p>\n")
    return "".join(parts)


# --------------------------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------------------------

def render_report(*, title: str, params: Dict[str, Any], info: Dict[str, Any], history: Sequence[dict],
                  cluster_sizes: Sequence[int], class_names: Sequence[str],
                  evaluation: Optional[Dict[str, Any]] = None, spectra: Optional[Dict[str, Any]] = None) -> str:
    """The HTML text of :func:`write_report` (same arguments, without ``path``)."""
    from . import __version__

    created = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    body = [f"<h1>{_esc(title)}</h1>\n",
            f"<p class=\"note\">Written by scdsc_core {_esc(__version__)} on {_esc(created)}.</p>\n",
            _cluster_section(list(cluster_sizes), list(class_names or [])),
            _spectra_section(spectra, list(class_names or [])),
            _evaluation_section(evaluation),
            _training_section(list(history or []), dict(info or {})),
            "<h2>Parameters</h2>\n", _key_value_table(dict(params or {})),
            "<h2>Run information</h2>\n", _key_value_table(dict(info or {}))]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "".join(body) + "</body>\n</html>\n")


def write_report(path, *, title: str, params: Dict[str, Any], info: Dict[str, Any], history: Sequence[dict],
                 cluster_sizes: Sequence[int], class_names: Sequence[str],
                 evaluation: Optional[Dict[str, Any]] = None, spectra: Optional[Dict[str, Any]] = None) -> str:
    """Write a self-contained HTML report of a clustering run (no external files, scripts or fonts).

    Parameters
    ----------
    path : path
        The ``.html`` file, written atomically.
    title : str
    params : dict
        Hyperparameters, shown as a table.
    info : dict
        Run facts (mode, seed, timings, versions, ...); nested dicts become nested tables.
    history : list of dict
        Training records with keys ``stage``, ``epoch``, ``step``, ``loss``, ``loss_rec``, ``loss_orth``,
        ``loss_nonlocal``, ``loss_local``, ``confident_ratio`` (any may be missing). Drawn as inline SVG: the loss
        and its four terms on a log axis, and the confident ratio on 0..1; one polyline point per record that
        has the value.
    cluster_sizes : list of int
        Pixels of clusters 1..K, shown with the clusters' colours (:func:`style.cluster_colors`).
    class_names : list of str
        Names of clusters 1..K.
    evaluation : dict, optional
        ``oa``, ``nmi``, ``kappa``, ``per_class_accuracy`` (list, reference classes 1..C), ``class_names``
        (list or None), ``confusion`` (list of lists: rows = reference classes, columns = matched classes plus
        a last "no class" column, as ``metrics.Evaluation.as_dict()`` gives), optionally ``n_scored`` and
        ``n_unclustered``.
    spectra : dict, optional
        Per-cluster ``mean`` and ``std`` (K x B), ``wavelengths`` (nm, or None: drawn against band number) and
        ``scaled``; drawn as one line per cluster with a shaded ± std band.

    Returns
    -------
    path : str

    Examples
    --------
    >>> write_report("report.html", title="SCDSC", params={"n_clusters": 2}, info={}, history=[],
    ...              cluster_sizes=[10, 5], class_names=["Cluster 1", "Cluster 2"])  # doctest: +SKIP
    'report.html'
    """
    from .outputs import atomic_output

    text = render_report(title=title, params=params, info=info, history=history, cluster_sizes=cluster_sizes,
                         class_names=class_names, evaluation=evaluation, spectra=spectra)
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
    return os.fspath(path)


__all__ = ["write_report", "render_report", "LOSS_SERIES", "RATIO_SERIES"]
