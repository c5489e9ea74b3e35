"""Tests of scdsc_core.report: the self-contained HTML report."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import re
import xml.etree.ElementTree as ET

import pytest

from scdsc_core.errors import ScdscCancelled
from scdsc_core.report import write_report

SVG_NS = "{http://www.w3.org/2000/svg}"


def history():
    records = [{"stage": "pretrain", "epoch": e, "step": e, "loss": 1.0 / (e + 1), "loss_rec": 1.0 / (e + 1)}
               for e in range(4)]
    records += [{"stage": "cluster", "epoch": e, "step": 4 + e, "loss": 2.0 - 0.1 * e, "loss_rec": 0.5,
                 "loss_orth": 1e-3 * (e + 1), "loss_nonlocal": 0.2, "loss_local": 0.3 + 0.01 * e,
                 "confident_ratio": 0.5 + 0.05 * e} for e in range(6)]
    return records


def svgs(text):
    """The inline SVG elements of the report, parsed."""
    return [ET.fromstring(block) for block in re.findall(r"<svg .*?</svg>", text, flags=re.S)]


def polyline_points(svg, key):
    for line in svg.iter(SVG_NS + "polyline"):
        if line.get("data-series") == key:
            return [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    return None


def write(tmp_path, **overrides):
    arguments = dict(title="SCDSC <test> report", params={"n_clusters": 3, "learning_rate": 0.0001,
                                                          "mode": "fast"},
                     info={"seed": 7, "timings": {"fit": 12.5}, "finch_sizes": [120, 30, 8]},
                     history=history(), cluster_sizes=[50, 30, 20],
                     class_names=["Cluster 1", "Cluster 2", "Cluster 3"], evaluation=None)
    arguments.update(overrides)
    path = write_report(tmp_path / "report.html", **arguments)
    assert path == str(tmp_path / "report.html")
    return (tmp_path / "report.html").read_text(encoding="utf-8")


def test_report_is_self_contained_html(tmp_path):
    text = write(tmp_path)
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "<title>SCDSC &lt;test&gt; report</title>" in text
    assert not re.search(r'(src|href)="(http|//)', text) and "<script" not in text
    assert os.listdir(tmp_path) == ["report.html"]


def test_training_curves_have_one_point_per_record(tmp_path):
    text = write(tmp_path)
    loss_chart, ratio_chart = svgs(text)
    assert len(polyline_points(loss_chart, "loss")) == 10
    assert len(polyline_points(loss_chart, "loss_rec")) == 10
    for key in ("loss_orth", "loss_nonlocal", "loss_local"):
        assert len(polyline_points(loss_chart, key)) == 6
    ratio = polyline_points(ratio_chart, "confident_ratio")
    assert len(ratio) == 6
    # x follows the record index: the clustering records are the last six, evenly spaced
    xs = [x for x, _ in polyline_points(loss_chart, "loss")]
    steps = [b - a for a, b in zip(xs, xs[1:])]
    assert min(steps) > 0 and max(steps) - min(steps) < 0.2
    assert [x for x, _ in ratio] == xs[4:]
    # the ratio rises, so its y (SVG, downwards) falls
    assert [y for _, y in ratio] == sorted([y for _, y in ratio], reverse=True)
    # log axis: orthogonality 1e-3..6e-3 lies far below the total loss of ~2
    orth_y = [y for _, y in polyline_points(loss_chart, "loss_orth")]
    total_y = [y for _, y in polyline_points(loss_chart, "loss")][4:]
    assert min(orth_y) > max(total_y)
    assert "pretrain" in text and "cluster" in text and "log scale" in text


def test_missing_and_non_positive_values_are_skipped(tmp_path):
    records = [{"stage": "cluster", "loss": 1.0, "loss_orth": 0.0, "confident_ratio": None},
               {"stage": "cluster", "loss": float("nan"), "loss_orth": 0.1, "confident_ratio": 0.4},
               {"stage": "cluster", "loss": 0.5}]
    loss_chart, ratio_chart = svgs(write(tmp_path, history=records))
    assert len(polyline_points(loss_chart, "loss")) == 2
    assert len(polyline_points(loss_chart, "loss_orth")) == 1
    assert polyline_points(loss_chart, "loss_local") is None
    assert len(polyline_points(ratio_chart, "confident_ratio")) == 1


def test_empty_history(tmp_path):
    text = write(tmp_path, history=[])
    assert "No training history was recorded" in text and "<svg" not in text


def test_cluster_table_with_colour_swatches(tmp_path):
    text = write(tmp_path, class_names=["water", "soil & rock", "trees"])
    assert re.search(r'background:#1f77b4"></span></td><td>water</td><td class="num">50</td>'
                     r'<td class="num">50\.00 %</td>', text)
    assert re.search(r'background:#ff7f0e"></span></td><td>soil &amp; rock</td><td class="num">30</td>', text)
    assert re.search(r'background:#2ca02c"></span></td><td>trees</td><td class="num">20</td>'
                     r'<td class="num">20\.00 %</td>', text)
    assert "3 clusters, 100 clustered pixels" in text


def test_parameters_and_run_info(tmp_path):
    text = write(tmp_path)
    assert "<th>n_clusters</th><td>3</td>" in text
    assert "<th>learning_rate</th><td>0.0001</td>" in text
    assert "<th>seed</th><td>7</td>" in text
    assert "<th>fit</th><td>12.5</td>" in text  # nested dict -> nested table
    assert "<th>finch_sizes</th><td>120, 30, 8</td>" in text


def test_evaluation_section(tmp_path):
    evaluation = {"oa": 0.91234, "nmi": 0.8123, "kappa": 0.7777, "per_class_accuracy": [0.95, 0.5],
                  "class_names": ["Roof", "Tree"], "confusion": [[19, 1, 0], [5, 5, 2]], "n_scored": 32,
                  "n_unclustered": 2, "mapping": {"0": 1, "1": 2}}
    text = write(tmp_path, evaluation=evaluation)
    assert "0.9123 (91.23 %)" in text and "0.8123" in text and "0.7777" in text
    assert re.search(r'<td class="num">1</td><td>Roof</td><td class="num">0\.9500</td>', text)
    assert re.search(r'<td class="num">2</td><td>Tree</td><td class="num">0\.5000</td>', text)
    assert re.search(r'<th class="num">Roof</th><th class="num">Tree</th><th class="num">no class</th></tr>', text)
    assert re.search(r'<tr><th>Roof</th><td class="num">19</td><td class="num">1</td><td class="num">0</td></tr>',
                     text)
    assert re.search(r'<tr><th>Tree</th><td class="num">5</td><td class="num">5</td><td class="num">2</td></tr>',
                     text)
    assert "labelled pixels scored: 32; labelled pixels not clustered (count as wrong): 2." in text
    unnamed = write(tmp_path, evaluation=dict(evaluation, class_names=None))
    assert "<td>Class 2</td>" in unnamed and '<tr><th>Class 2</th><td class="num">5</td>' in unnamed
    assert "Evaluation against the reference" not in write(tmp_path, evaluation=None)


def test_report_is_atomic(tmp_path, monkeypatch):
    (tmp_path / "report.html").write_text("old report")
    import scdsc_core.report as report

    def cancelled_render(**kwargs):
        raise ScdscCancelled("cancelled by the user")

    monkeypatch.setattr(report, "render_report", cancelled_render)
    with pytest.raises(ScdscCancelled):
        report.write_report(tmp_path / "report.html", title="t", params={}, info={}, history=[],
                            cluster_sizes=[1, 2], class_names=["a", "b"], evaluation=None)
    assert (tmp_path / "report.html").read_text() == "old report" and os.listdir(tmp_path) == ["report.html"]
