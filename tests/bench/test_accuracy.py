"""Tests of the accuracy harness: one method on a tiny generated scene writes a record; tables format it."""
# SPDX-License-Identifier: GPL-2.0-or-later
import json

import numpy as np
import pytest

from bench.accuracy import methods as M
from bench.accuracy.plans import PLANS, parse_seeds
from bench.accuracy.runner import Job, clustered_mask, read_records, run_jobs
from bench.accuracy.scenes import planted_scene
from bench.accuracy.tables import (fmt_mean_std, fmt_seconds, mean_std, per_class_table, replace_blocks,
                                   scene_table, summarise)


def _record(method, seed, oa, nmi=0.5, kappa=0.4, time_s=1.0, per_class=(1.0, 0.5), start=None, **extra):
    r = {"scene": "s", "protocol": "labelled", "method": method, "seed": seed, "oa": oa, "nmi": nmi,
         "kappa": kappa, "time_s": time_s, "per_class": list(per_class), "class_names": ["wheat", "rye"]}
    if start is not None:
        r["start"] = {"oa": start, "nmi": 0.1, "kappa": 0.1, "per_class": [0.0, 0.0]}
    r.update(extra)
    return r


# ----------------------------------------------------------------------------------------------------------------
# The harness
# ----------------------------------------------------------------------------------------------------------------

def test_kmeans_on_a_planted_scene_writes_a_complete_record(tmp_path):
    scene = planted_scene(n_classes=3, size=15, bands=12)
    results = tmp_path / "r.jsonl"
    written = run_jobs([Job("planted", "labelled", "kmeans", 0)], {"planted": scene}, results,
                       maps_dir=tmp_path / "maps", threads=1)
    assert len(written) == 1
    (record,) = read_records(results)
    assert record["method"] == "kmeans" and record["seed"] == 0 and "error" not in record
    assert record["oa"] == pytest.approx(1.0)  # the stripes are trivially separable
    assert record["kappa"] == pytest.approx(1.0)
    assert record["per_class"] == [1.0, 1.0, 1.0]
    labelled = int((scene.labels > 0).sum())
    assert record["n_clustered"] == labelled and record["n_scored"] == labelled
    assert sum(record["cluster_sizes"]) == labelled
    assert record["time_s"] >= 0 and record["run_env"]["threads"] == 1
    saved = np.load(tmp_path / "maps" / "planted__labelled__kmeans__s0.npy")
    assert (saved >= 0).sum() == labelled and np.all(saved[scene.labels == 0] == -1)


def test_all_pixels_protocol_clusters_unlabelled_pixels_but_scores_labelled_ones(tmp_path):
    scene = planted_scene(n_classes=3, size=15, bands=12)
    run_jobs([Job("planted", "all", "gmm", 1)], {"planted": scene}, tmp_path / "r.jsonl", threads=1)
    (record,) = read_records(tmp_path / "r.jsonl")
    assert record["n_clustered"] == scene.labels.size
    assert record["n_scored"] == int((scene.labels > 0).sum())
    assert clustered_mask(scene, "all").sum() > clustered_mask(scene, "labelled").sum()


def test_resume_skips_finished_jobs_and_a_failure_is_recorded_not_raised(tmp_path, monkeypatch):
    scene = planted_scene(n_classes=3, size=15, bands=12)
    results = tmp_path / "r.jsonl"
    jobs = [Job("planted", "labelled", "kmeans", 0)]
    run_jobs(jobs, {"planted": scene}, results, threads=1)
    assert run_jobs(jobs, {"planted": scene}, results, threads=1) == []  # already done

    def broken(scene, mask, seed):
        raise RuntimeError("boom")

    monkeypatch.setitem(M.METHODS, "gmm", M.MethodSpec("gmm", "GMM", "baseline", broken))
    (failed,) = run_jobs([Job("planted", "labelled", "gmm", 0)], {"planted": scene}, results, threads=1)
    assert failed["error"] == "RuntimeError: boom"
    assert [r["method"] for r in read_records(results)] == ["kmeans", "gmm"]


def test_a_torn_last_line_is_ignored(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(_record("kmeans", 0, 0.5)) + "\n{\"scene\": \"s\", \"oa", encoding="utf-8")
    assert len(read_records(path)) == 1


def test_scdsc_specification_is_parsed_into_estimator_parameters():
    assert M.parse_scdsc_spec("scdsc:mode=paper,alpha=0,learning_rate=1e-3,bf16=true") == {
        "mode": "paper", "alpha": 0, "learning_rate": 0.001, "bf16": True}
    assert M.parse_scdsc_spec("scdsc:beta=2.5") == {"beta": 2.5, "mode": "fast"}
    with pytest.raises(ValueError, match="expected key=value"):
        M.parse_scdsc_spec("scdsc:alpha")
    with pytest.raises(ValueError, match="unknown method 'kmean'"):
        M.method_spec("kmean")


def test_plans_name_only_known_methods_and_the_quick_plan_is_a_subset_of_the_full_one():
    for plan in PLANS.values():
        assert plan.jobs()  # make_jobs validates every method name
    full = {(j.scene, j.protocol, j.method) for j in PLANS["full"].jobs()}
    assert {(j.scene, j.protocol, j.method) for j in PLANS["quick"].jobs()} <= full
    assert parse_seeds("0-2,7") == [0, 1, 2, 7]


# ----------------------------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------------------------

def test_mean_and_sample_std_are_formatted_with_the_requested_scale_and_digits():
    assert fmt_mean_std([0.8, 0.9], scale=100) == "85.00 ± 7.07"  # sample std: 0.0707
    assert fmt_mean_std([0.5, 0.5, 0.5], digits=3) == "0.500 ± 0.000"
    assert fmt_mean_std([0.123456], digits=3) == "0.123"  # one seed: no std
    assert fmt_mean_std([]) == "–"
    mean, std = mean_std([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and std == pytest.approx(1.2909944)
    assert [fmt_seconds([0.4]), fmt_seconds([12.34]), fmt_seconds([214.4])] == ["0.40", "12.3", "214"]


def test_scene_table_rows_from_hand_made_records():
    records = [_record("kmeans", 0, 0.70, time_s=2.0), _record("kmeans", 1, 0.80, time_s=4.0),
               _record("scdsc-fast", 0, 0.90, nmi=0.8, kappa=0.85, start=0.60),
               _record("scdsc-fast", 1, 0.94, nmi=0.9, kappa=0.95, start=0.70),
               {"scene": "s", "protocol": "labelled", "method": "scdsc-fast", "seed": 2, "error": "X: y"}]
    table = scene_table(summarise(records), "s", "labelled").splitlines()
    assert table[0].startswith("| method | OA (%) | NMI | κ |")
    scdsc, kmeans = table[2], table[3]  # registry order: SCDSC rows before the baselines
    assert scdsc == ("| SCDSC fast mode (MC&L) | 92.00 ± 2.83 | 0.850 ± 0.071 | 0.900 ± 0.071 | 65.00 ± 7.07 | "
                     "1.00 | 2 (1 failed) |")
    assert kmeans == "| k-means (X8) | 75.00 ± 7.07 | 0.500 ± 0.000 | 0.400 ± 0.000 |  | 3.00 | 2 |"


def test_a_seed_recorded_twice_counts_once_and_per_class_means_are_in_percent():
    records = [_record("kmeans", 0, 0.1, per_class=(0.0, 0.0)), _record("kmeans", 0, 0.7, per_class=(1.0, 0.4)),
               _record("kmeans", 1, 0.9, per_class=(0.5, 0.8))]
    summaries = summarise(records)
    assert summaries[("s", "labelled", "kmeans")].oa == [0.7, 0.9]
    lines = per_class_table(summaries, "s", "labelled").splitlines()
    assert lines[2] == "| 1 wheat | 75.0 |" and lines[3] == "| 2 rye | 60.0 |"


def test_generated_blocks_are_replaced_and_prose_is_kept():
    text = ("intro\n<!-- BEGIN GENERATED: t1 -->\nold\n<!-- END GENERATED: t1 -->\nmiddle\n"
            "<!-- BEGIN GENERATED: t2 -->\nkeep\n<!-- END GENERATED: t2 -->\n")
    new, missing = replace_blocks(text, {"t1": "| a |\n", "t3": "x"})
    assert new == text.replace("old", "| a |")
    assert missing == ["t3"]


def test_an_scdsc_run_records_its_kmeans_start_and_a_trace_whose_selected_state_is_the_returned_one(tmp_path):
    scene = planted_scene(n_classes=3, size=15, bands=12)
    method = "scdsc:pretrain_epochs=2,epochs=3,refresh_every=1,finch_patch=5,kmeans_n_init=2"
    (record,) = run_jobs([Job("planted", "labelled", method, 0)], {"planted": scene}, tmp_path / "r.jsonl",
                         maps_dir=tmp_path / "maps", threads=1)
    assert "error" not in record, record.get("traceback")
    assert set(record["start"]) == {"oa", "nmi", "kappa", "per_class"}
    trace = record["trace"]
    assert trace["first"]["step"] == 0 and trace["n_points"] >= 2
    assert trace["last"]["step"] == record["info"]["n_iter"]
    # fast mode labels every pixel with the selected snapshot in eval mode, as the refresh that selected it did
    assert trace["selected"]["step"] == record["info"]["selected_step"]
    assert trace["selected"]["oa"] == pytest.approx(record["oa"], abs=2 / record["n_scored"])
    saved = json.loads((tmp_path / "maps" / f"planted__labelled__{method.replace(':', '_').replace(',', '_')}__s0"
                                             ".trace.json").read_text())
    assert [p["step"] for p in saved] == sorted(p["step"] for p in saved)


def test_a_job_claimed_by_a_live_worker_is_skipped_and_a_stale_claim_is_taken_over(tmp_path):
    import os
    from bench.accuracy.runner import _claim_path

    scene = planted_scene(n_classes=3, size=15, bands=12)
    results = tmp_path / "r.jsonl"
    busy, stale = Job("planted", "labelled", "kmeans", 0), Job("planted", "labelled", "kmeans", 1)
    claims = results.with_name(results.name + ".claims")
    for job, pid in ((busy, os.getppid()), (stale, 2 ** 22 + 12345)):  # a live process; a pid that cannot exist
        path = _claim_path(claims, job)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(pid))
    written = run_jobs([busy, stale], {"planted": scene}, results, threads=1)
    assert [r["seed"] for r in written] == [1]
    assert not _claim_path(claims, stale).exists() and _claim_path(claims, busy).exists()


def test_trajectory_table_counts_runs_that_end_below_their_kmeans_start():
    from bench.accuracy.report import trajectory_table

    def run(seed, start, first, best, chosen, final):
        return _record("scdsc-fast", seed, final, start=start,
                       trace={"first": {"oa": first}, "best": {"oa": best}, "selected": {"oa": chosen},
                              "last": {"oa": final}, "n_points": 3})

    records = [run(0, 0.80, 0.79, 0.90, 0.85, 0.85), run(1, 0.80, 0.80, 0.82, 0.70, 0.70), _record("kmeans", 0, 0.5)]
    lines = trajectory_table(records, ["s"], "labelled").splitlines()
    assert len(lines) == 3  # header, rule, one SCDSC row; k-means has no trace
    assert lines[2] == ("| SCDSC fast mode (MC&L) | s | 80.0 ± 0.0 | 79.5 ± 0.7 | 86.0 ± 5.7 | 77.5 ± 10.6 | "
                        "77.5 ± 10.6 | 1 of 2 |")


def test_singleton_mini_clusters_give_one_mini_cluster_per_pixel(tmp_path):
    scene = planted_scene(n_classes=3, size=15, bands=12)
    method = "scdsc:pretrain_epochs=1,epochs=2,finch_patch=5,kmeans_n_init=2,beta=0,mini_clusters=pixels"
    (record,) = run_jobs([Job("planted", "labelled", method, 0)], {"planted": scene}, tmp_path / "r.jsonl",
                         threads=1)
    assert "error" not in record, record.get("traceback")
    assert record["info"]["n_mini_clusters"] == record["n_clustered"]
    assert record["info"]["mini_clusters"] == "pixels"
    with pytest.raises(ValueError, match="mini_clusters must be 'finch' or 'pixels'"):
        M.method_spec("scdsc:mini_clusters=levels")


def test_finch_start_is_recorded_with_its_own_score(tmp_path):
    scene = planted_scene(n_classes=3, size=15, bands=12)
    method = "scdsc:pretrain_epochs=1,epochs=2,finch_patch=5,init=finch"
    (record,) = run_jobs([Job("planted", "labelled", method, 0)], {"planted": scene}, tmp_path / "r.jsonl",
                         threads=1)
    assert "error" not in record, record.get("traceback")
    assert record["info"]["init"] == "finch"
    # the start partition is FINCH (req_clust = K) on SCDSC's own patch features, as the baseline computes it
    mask = scene.labels > 0
    expected, _ = M.finch_k(M.patch_features(scene, mask, patch=5), 3)
    assert record["start"]["oa"] == pytest.approx(M.evaluate(M._to_map(mask, expected), scene.labels)["oa"])


def test_fast_gap_records_start_final_and_a_trace_that_ends_at_the_last_step():
    from bench.fast_gap import run_variant

    scene = planted_scene(n_classes=3, size=15, bands=12)
    params = dict(pretrain_epochs=2, epochs=3, refresh_every=2, finch_patch=5, kmeans_n_init=2, sample_size=0)
    record = run_variant(scene, params, seed=0)
    assert record["params"] == params and record["n_iter"] >= 2
    assert 0 < record["start_oa"] <= 1 and 0 < record["oa"] <= 1
    steps = [step for step, _, _ in record["trace"]]
    assert steps[0] == 0 and steps[-1] == record["n_iter"] and steps == sorted(steps)
    assert all(0 <= oa <= 1 and 0 <= ratio <= 1 for _, oa, ratio in record["trace"])


def test_maps_command_restores_the_median_seed_map_and_drops_a_rerun_that_differs(tmp_path, monkeypatch, caplog):
    import bench.accuracy.__main__ as cli
    scene = planted_scene(n_classes=3, size=15, bands=12)
    results, maps = tmp_path / "r.jsonl", tmp_path / "maps"
    run_jobs([Job("planted", "labelled", "kmeans", s) for s in (0, 1, 2)], {"planted": scene}, results,
             maps_dir=maps, threads=1)
    originals = {p.name: np.load(p) for p in maps.glob("*.npy")}
    for path in maps.glob("*.npy"):
        path.unlink()
    # a record whose OA the rerun cannot reproduce (as if the code had changed since)
    records = read_records(results)
    records[1]["oa"] = 0.5
    results.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    monkeypatch.setattr(cli, "load_scene", lambda name: scene)
    args = ["maps", "--methods", "kmeans", "--seeds", "0-2", "--scenes", "planted", "--results", str(results),
            "--maps", str(maps), "--threads", "1"]
    with caplog.at_level("INFO", logger="bench.accuracy"):
        assert cli.main(args) == 0
    # only the median-OA seed is rerun (seed 1, now recorded at 0.5, is the lowest, so the median is another)
    restored = sorted(p.name for p in maps.glob("*.npy"))
    assert len(restored) == 1 and restored[0] != "planted__labelled__kmeans__s1.npy"
    assert np.array_equal(np.load(maps / restored[0]), originals[restored[0]])
    assert "1 map(s) written" in caplog.text and "0 rerun(s) differed" in caplog.text
    assert cli.main(args) == 0  # nothing missing any more: nothing rerun
    assert len(list(maps.glob("*.npy"))) == 1
    # every record now claims an OA the reruns cannot reproduce: the reruns' maps are not kept
    for path in maps.glob("*.npy"):
        path.unlink()
    for r in records:
        r["oa"] = 0.5
    results.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    caplog.clear()
    with caplog.at_level("INFO", logger="bench.accuracy"):
        assert cli.main(args) == 0
    assert "differs from the record: map not kept" in caplog.text and "1 rerun(s) differed" in caplog.text
    assert list(maps.glob("*.npy")) == []
