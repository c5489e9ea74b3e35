"""The benchmark code runs: scene generator (deterministic, layout labels, tiled GeoTIFF written blockwise),
runner (a tiny case end to end, one complete record) and report regeneration. No timing is asserted."""
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import cases, report, runner, scenes  # noqa: E402
from bench.worker import normalise_stages  # noqa: E402

gdal = pytest.importorskip("osgeo.gdal")

# A 40 x 40 window of the PaviaU layout with four classes in it, 12 bands, 16 x 16 tiles (9 tiles, some partial).
TINY = dict(layout="pavia_university", shape=(40, 40), origin=(300, 150), n_bands=12, seed=3, tile=16)


@pytest.fixture
def tiny_spec(shared_data):
    return scenes.SceneSpec(**TINY)


def _read(path):
    ds = gdal.Open(str(path))
    return ds, ds.ReadAsArray()


def test_scene_is_deterministic_and_seed_dependent(tiny_spec, tmp_path):
    first = scenes.write_scene(tiny_spec, tmp_path / "a")
    second = scenes.write_scene(tiny_spec, tmp_path / "b")
    other = scenes.write_scene(scenes.SceneSpec(**{**TINY, "seed": 4}), tmp_path / "c")
    _, a = _read(first.image)
    _, b = _read(second.image)
    _, c = _read(other.image)
    assert a.shape == (12, 40, 40) and a.dtype == np.int16
    np.testing.assert_array_equal(a, b)
    assert np.mean(a != c) > 0.5  # another seed draws other within-class variation and noise
    np.testing.assert_array_equal(_read(first.labels)[1], _read(other.labels)[1])  # same layout


def test_scene_labels_are_the_mirrored_layout(shared_data, tmp_path):
    # A window hanging over the layout's bottom-right corner: rows 600..619 and columns 330..349 of the plane,
    # i.e. mirrored back at row 610 and column 340 (edge pixel repeated).
    spec = scenes.SceneSpec(layout="pavia_university", shape=(20, 20), origin=(600, 330), n_bands=8, seed=0,
                            tile=16)
    scene = scenes.write_scene(spec, tmp_path / "m")
    layout = gdal.Open(str(shared_data / "gt_only" / "pavia_university_labels.tif")).ReadAsArray()
    rows = np.array([r if r < 610 else 2 * 610 - 1 - r for r in range(600, 620)])
    cols = np.array([c if c < 340 else 2 * 340 - 1 - c for c in range(330, 350)])
    _, labels = _read(scene.labels)
    np.testing.assert_array_equal(labels, layout[np.ix_(rows, cols)])
    assert scene.n_classes == 9 and scene.class_names[0] == "Asphalt"


def test_scene_file_is_tiled_compressed_and_written_blockwise(tiny_spec, tmp_path):
    scene = scenes.write_scene(tiny_spec, tmp_path / "t")
    ds, cube = _read(scene.image)
    assert ds.GetRasterBand(1).GetBlockSize() == [16, 16]
    assert ds.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
    assert ds.GetSpatialRef() is not None
    generator = scenes.SceneGenerator(tiny_spec)
    rebuilt = np.zeros_like(cube)
    blocks = list(generator.iter_blocks())
    assert len(blocks) == 9  # one block per 16 x 16 tile: the scene never exists whole in memory
    for row0, col0, block in blocks:
        assert block.shape[0] <= 16 and block.shape[1] <= 16 and block.shape[2] == 12
        rebuilt[:, row0:row0 + block.shape[0], col0:col0 + block.shape[1]] = block.transpose(2, 0, 1)
    np.testing.assert_array_equal(rebuilt, cube)


def test_scene_spectra_follow_the_classes(tiny_spec, tmp_path):
    scene = scenes.write_scene(tiny_spec, tmp_path / "s")
    _, cube = _read(scene.image)
    _, labels = _read(scene.labels)
    present = [k for k in np.unique(labels) if k > 0]
    assert len(present) >= 3
    means = np.stack([cube[:, labels == k].mean(axis=1) for k in present])
    # Each class's mean spectrum is nearest to its own real source class (the spectral library's mapping).
    library = scenes.layout_spectra("pavia_university", 9)
    sources = np.stack([scenes.load_class_spectra(*library[k - 1][:2], 12, library[k - 1][2]).mean for k in present])
    distance = np.linalg.norm(means[:, None, :] - sources[None, :, :], axis=2)
    np.testing.assert_array_equal(np.argmin(distance, axis=1), np.arange(len(present)))


def test_scene_cache_reuses_a_generated_scene(tiny_spec, tmp_path):
    first = scenes.get_scene(tiny_spec, cache=tmp_path)
    mtime = Path(first.image).stat().st_mtime_ns
    again = scenes.get_scene(tiny_spec, cache=tmp_path)
    assert again.image == first.image and Path(again.image).stat().st_mtime_ns == mtime
    info = json.loads((Path(first.image).parent / "scene.json").read_text())
    assert info["labelled_pixels"] == int((_read(first.labels)[1] > 0).sum())


def test_stage_names_are_normalised():
    stages = normalise_stages({"preprocess": 1.0, "finch": 2.0, "pretrain": 3.0, "kmeans": 4.0, "cluster": 5.0,
                               "labels": 6.0, "read": 0.5, "write": 0.25, "custom": 9.0, "note": "x"})
    assert stages == {"preprocessing": 1.0, "finch": 2.0, "pretraining": 3.0, "initialisation": 4.0,
                      "clustering": 5.0, "inference": 6.0, "read": 0.5, "write": 0.25, "custom": 9.0}


def test_worker_results_lose_this_machines_repository_path():
    inside = str(runner.REPO / ".bench-data" / "finch" / "features-50k.npy")
    result = {"features": inside, "shape": [3, 2], "nested": [{"image": inside}], "other": "/usr/lib/x.so"}
    assert runner.repo_relative_paths(result) == {
        "features": ".bench-data/finch/features-50k.npy", "shape": [3, 2],
        "nested": [{"image": ".bench-data/finch/features-50k.npy"}], "other": "/usr/lib/x.so"}


def test_runner_runs_the_smoke_case_end_to_end(shared_data, tmp_path, monkeypatch):
    from bench.__main__ import main

    cache = tmp_path / "cache"
    monkeypatch.setenv("SCDSC_BENCH_DATA", str(cache))  # the child processes' cache
    monkeypatch.setattr(scenes, "CACHE", cache)
    monkeypatch.setattr(runner, "LOGS", cache / "logs")
    results, doc = tmp_path / "results", tmp_path / "benchmarks.md"
    assert main(["smoke", "--results", str(results), "--doc", str(doc)]) == 0

    (record,) = [json.loads(line) for line in (results / "smoke.jsonl").read_text().splitlines()]
    assert set(runner.RECORD_FIELDS) <= set(record)
    assert record["status"] == "ok" and record["error"] is None
    assert set(runner.STAGES) <= set(record["stages"])
    assert all(record["stages"][s] >= 0 for s in runner.STAGES)
    assert record["peak_rss_mb"] > 50  # the child's own peak (torch alone is more than this)
    # The stages' rises of the high-water mark (VmHWM) during the fit: non-negative, some stage allocated
    # beyond the imports, and together never more than the process's own peak (what follows the fit, such as
    # the evaluation, may raise that peak further).
    rises, before = record["extra"]["stage_peak_rise_mb"], record["extra"]["peak_rss_before_mb"]
    assert set(rises) <= set(runner.STAGES) and all(v >= 0 for v in rises.values())
    assert sum(rises.values()) > 0
    assert before + sum(rises.values()) <= record["peak_rss_mb"] + 1
    assert 0.0 <= record["accuracy"]["oa"] <= 1.0 and set(record["accuracy"]) == {"oa", "nmi", "kappa"}
    (labels_file,) = cache.glob("*/labels.tif")
    assert record["n_pixels"] == 1600 and record["n_clustered"] == int((_read(labels_file)[1] > 0).sum())
    assert record["machine"]["cores"] >= 1 and record["machine"]["torch"]
    assert len(record["commit"]["sha"]) == 40 and len(record["load_before"]) == 3
    assert record["job_command"] == "python -m bench smoke --variant fast --seeds 0"
    # The scene was generated first, in its own measured child, and recorded.
    (scene_record,) = [json.loads(line) for line in (results / "scenes.jsonl").read_text().splitlines()]
    assert scene_record["kind"] == "scene" and scene_record["status"] == "ok"
    # The document was (re)built with the case's table.
    text = doc.read_text()
    assert "<!-- bench:begin case:smoke -->\n| variant |" in text and "`fast`" in text


def test_runner_records_a_failing_job(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "LOGS", tmp_path / "logs")
    job = {"case": "broken", "variant": "x", "seed": 0, "kind": "no-such-kind", "threads": 1}
    record = runner.run_job(job, timeout=120)
    assert record["status"] == "failed"
    assert record["error"] == "KeyError: 'no-such-kind'"
    assert record["peak_rss_mb"] > 0


def test_report_replaces_only_generated_blocks(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nHand-written verdict.\n\n<!-- bench:begin case:paviau-full -->\nold table\n"
                   "<!-- bench:end case:paviau-full -->\n\n## Core timings\n\nThe lead's figures.\n")
    results = tmp_path / "results"
    record = {name: None for name in runner.RECORD_FIELDS}
    record.update({"case": "paviau-full", "variant": "fast", "seed": 0, "kind": "cluster", "status": "ok",
                   "stages": {"read": 1.0, "finch": 12.0}, "peak_rss_mb": 1500.0, "n_clustered": 207400,
                   "accuracy": {"oa": 0.8, "nmi": 0.7, "kappa": 0.75}, "extra": {"end_to_end_s": 150.0},
                   "load_before": [1.0, 1.0, 1.0], "load_after": [2.0, 1.0, 1.0],
                   "commit": {"short": "abc1234", "dirty": False}, "started": "2026-01-01T00:00:00"})
    runner.append_record({**record, "status": "failed"}, results)  # a failed run is not reported
    runner.append_record(record, results)
    report.regenerate(doc, results)
    text = doc.read_text()
    assert "Hand-written verdict." in text and "The lead's figures." in text and "old table" not in text
    assert "| `fast` | 0 | 207,400 | 2 min 30 s | – |" in text and "| 80.00 |" in text and "1.46 GB" in text


def test_cases_list_their_jobs():
    quick = [job for case in cases.CASES.values() if case.in_quick for job in case.jobs(quick=True)]
    assert {job["case"] for job in quick} >= {"paviau-labelled", "paviau-full", "scaling", "inference", "finch",
                                              "levers"}
    full_scaling = cases.get_case("scaling").jobs(quick=False)
    assert [j["scene"]["n_pixels"] for j in full_scaling] == [200_000, 1_000_000, 4_000_000, 10_000_000]
    assert cases.get_case("paviau-labelled").jobs(variants=["paper"], seeds=[1, 2])[1]["seed"] == 2
    with pytest.raises(KeyError, match="unknown case 'nope'"):
        cases.get_case("nope")
    with pytest.raises(ValueError, match="has no variant turbo"):
        cases.get_case("levers").jobs(variants=["turbo"])
