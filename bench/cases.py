"""The benchmark cases of issue 6: their jobs, their targets and the tables that report them."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from .runner import STAGES
from .scenes import CACHE

#: The PaviaU layout at its own size (610 x 340 = 207,400 pixels) with PaviaU's 103 bands.
PAVIAU = {"layout": "pavia_university", "n_bands": 103, "seed": 0}
PAVIAU_K = 9
#: The PaviaU settings of the paper's Table 4 that differ from the estimator's defaults (alpha 3 and window 7 are
#: the defaults; the paper mode's own defaults give lr 5e-3 and 150 pretraining epochs).
PAVIAU_PARAMS = {"beta": 7.0}


def scaled_scene(n_pixels: int) -> Dict[str, Any]:
    """The PaviaU layout mirrored to about ``n_pixels`` pixels, 200 bands (the issue's scaling scenes)."""
    return {"layout": "pavia_university", "n_pixels": int(n_pixels), "n_bands": 200, "seed": 0}


def _job(case: str, variant: str, seed: int, kind: str, timeout: float, **kwargs) -> Dict[str, Any]:
    return {"case": case, "variant": variant, "seed": int(seed), "kind": kind, "timeout": float(timeout),
            "threads": 2, **kwargs}


@dataclass
class Case:
    """One benchmark case.

    Attributes
    ----------
    name : str
        Command-line name (``python -m bench NAME``) and results file (``bench/results/NAME.jsonl``).
    title, target : str
        What it measures and the issue's target, for the report.
    build : callable
        ``build(quick: bool) -> list of job dicts`` (see :mod:`bench.worker` for the kinds).
    table : callable
        ``table(records) -> markdown`` for ``docs/benchmarks.md``.
    in_quick : bool
        Part of ``make bench-quick`` (with ``build(quick=True)``).
    """

    name: str
    title: str
    target: str
    build: Callable[[bool], List[Dict[str, Any]]]
    table: Callable[[List[Dict[str, Any]]], str]
    in_quick: bool = True
    notes: List[str] = field(default_factory=list)

    def jobs(self, quick: bool = False, variants: Optional[Sequence[str]] = None,
             seeds: Optional[Sequence[int]] = None) -> List[Dict[str, Any]]:
        """The case's jobs, optionally restricted to some variants and replaced seeds."""
        jobs = self.build(quick)
        if variants:
            unknown = sorted(set(variants) - {j["variant"] for j in jobs} - {j["variant"] for j in self.build(False)})
            if unknown:
                raise ValueError(f"case {self.name} has no variant {', '.join(unknown)}; it has "
                                 f"{', '.join(sorted({j['variant'] for j in self.build(False)}))}")
            full = self.build(False)
            jobs = [j for j in (jobs + [f for f in full if f not in jobs]) if j["variant"] in variants]
            jobs = _unique(jobs)
        if seeds is not None:
            by_variant: Dict[str, Dict[str, Any]] = {}
            for j in jobs:
                by_variant.setdefault(j["variant"], j)
            jobs = [{**template, "seed": int(s)} for template in by_variant.values() for s in seeds]
        return jobs


def _unique(jobs):
    seen, out = set(), []
    for j in jobs:
        key = (j["variant"], j["seed"])
        if key not in seen:
            seen.add(key)
            out.append(j)
    return out


# --------------------------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------------------------

def fmt_seconds(value: Optional[float]) -> str:
    """``41.2 s``, ``2 min 41 s``, ``1 h 02 min``; a dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value < 10:
        return f"{value:.2f} s"
    if value < 120:
        return f"{value:.1f} s"
    if value < 3600:
        return f"{int(value // 60)} min {int(round(value % 60)):02d} s"
    return f"{int(value // 3600)} h {int(round(value % 3600 / 60)):02d} min"


def mean_std(values: Sequence[float]) -> tuple:
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else None)


def fmt_mean(values: Sequence[float], fmt: Callable[[float], str], spread: bool = True) -> str:
    mean, std = mean_std(values)
    if mean is None:
        return "–"
    if std is None or not spread:
        return fmt(mean)
    return f"{fmt(mean)} ± {fmt(std)}"


def _pct(x):
    return f"{100 * x:.2f}"


def _num4(x):
    return f"{x:.4f}"


def _mb(x):
    if x is None:
        return "–"
    return f"{x / 1024:.2f} GB" if x >= 1024 else f"{x:.0f} MB"


def _load(records) -> str:
    before = [r["load_before"][0] for r in records if r.get("load_before")]
    after = [r["load_after"][0] for r in records if r.get("load_after")]
    if not before:
        return "–"
    return f"{max(before):.1f} / {max(after):.1f}"


def _end_to_end(record) -> Optional[float]:
    return (record.get("extra") or {}).get("end_to_end_s") or record.get("wall_s")


def _group(records, key="variant") -> Dict[str, List[Dict[str, Any]]]:
    groups: Dict[str, List[Dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(record[key], []).append(record)
    return groups


def _commits(records) -> str:
    shas = sorted({(r.get("commit") or {}).get("short") or "?" for r in records})
    dirty = any((r.get("commit") or {}).get("dirty") for r in records)
    return ", ".join(shas) + ("+" if dirty else "")


def _markdown(header: List[str], rows: List[List[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def cluster_table(records: List[Dict[str, Any]], order: Optional[Sequence[str]] = None,
                  label: str = "variant") -> str:
    """Mean (± std over seeds) of end-to-end time, every stage, peak memory and accuracy per variant."""
    if not records:
        return "_No measurement recorded yet._"
    groups = _group(records)
    names = [v for v in (order or []) if v in groups] + [v for v in groups if v not in (order or [])]
    header = [label, "seeds", "pixels clustered", "end to end", "CPU time (process)", *STAGES, "peak RSS", "OA %",
              "NMI", "κ", "load 1-min before/after", "commit"]
    rows = []
    for name in names:
        group = groups[name]
        seeds = ",".join(str(r["seed"]) for r in sorted(group, key=lambda r: r["seed"]))
        stage_cells = [fmt_mean([(r.get("stages") or {}).get(s) for r in group], fmt_seconds, spread=False)
                       for s in STAGES]
        clustered = group[0].get("n_clustered")
        rows.append([f"`{name}`", seeds, f"{clustered:,}" if clustered else "–",
                     fmt_mean([_end_to_end(r) for r in group], fmt_seconds),
                     fmt_mean([r.get("cpu_s") for r in group], fmt_seconds, spread=False), *stage_cells,
                     fmt_mean([r.get("peak_rss_mb") for r in group], _mb, spread=False),
                     fmt_mean([(r.get("accuracy") or {}).get("oa") for r in group], _pct),
                     fmt_mean([(r.get("accuracy") or {}).get("nmi") for r in group], _num4),
                     fmt_mean([(r.get("accuracy") or {}).get("kappa") for r in group], _num4),
                     _load(group), _commits(group)])
    return _markdown(header, rows) + stage_cpu_table(records, names)


def stage_cpu_table(records: List[Dict[str, Any]], order: Optional[Sequence[str]] = None) -> str:
    """CPU seconds of the job's process per stage (all threads), mean over seeds: robust to a shared machine."""
    groups = _group([r for r in records if (r.get("extra") or {}).get("stage_cpu_s")])
    if not groups:
        return ""
    names = [v for v in (order or []) if v in groups] + [v for v in groups if v not in (order or [])]
    rows = []
    for name in names:
        group = groups[name]
        cells = [fmt_mean([r["extra"]["stage_cpu_s"].get(s) for r in group], fmt_seconds, spread=False)
                 for s in STAGES]
        total = fmt_mean([sum(r["extra"]["stage_cpu_s"].values()) for r in group], fmt_seconds, spread=False)
        rows.append([f"`{name}`", ",".join(str(r["seed"]) for r in group), total, *cells])
    return ("\n\nCPU time per stage (user + system seconds of all the process's threads, charged to the stage the "
            "core reports through its progress messages):\n\n"
            + _markdown(["variant", "seeds", "CPU total", *STAGES], rows))


# --------------------------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------------------------

def _paviau_labelled(quick: bool) -> List[Dict[str, Any]]:
    fast = [_job("paviau-labelled", "fast", s, "cluster", 1800, scene=PAVIAU, k=PAVIAU_K, mode="fast",
                 protocol="labelled", params=PAVIAU_PARAMS) for s in ((0,) if quick else (0, 1, 2))]
    if quick:
        return fast
    # One complete faithful run takes ~1-2 h on 2 cores (§7): seeds 1 and 2 are run with --seeds when time allows.
    paper = [_job("paviau-labelled", "paper", 0, "cluster", 4 * 3600, scene=PAVIAU, k=PAVIAU_K, mode="paper",
                  protocol="labelled", params=PAVIAU_PARAMS)]
    return fast + paper


def _paper_epoch_cost(quick: bool) -> List[Dict[str, Any]]:
    params = {**PAVIAU_PARAMS, "epochs": 3, "pretrain_epochs": 2}
    return [_job("paper-epoch-cost", "paper-short", 0, "cluster", 3600, scene=PAVIAU, k=PAVIAU_K, mode="paper",
                 protocol="labelled", params=params)]


def paper_epoch_table(records):
    """Per-epoch costs of the faithful mode and the round time they imply (150 pretraining + 400 epochs)."""
    if not records:
        return "_No measurement recorded yet._"
    rows = []
    for r in records:
        params = r.get("params") or {}
        stages = r.get("stages") or {}
        pre_ep, clu_ep = params.get("pretrain_epochs"), params.get("epochs")
        per_pre = stages.get("pretraining") / pre_ep if stages.get("pretraining") and pre_ep else None
        per_clu = stages.get("clustering") / clu_ep if stages.get("clustering") and clu_ep else None
        fixed = sum(stages.get(s) or 0.0 for s in ("read", "preprocessing", "finch", "initialisation",
                                                   "inference", "write"))
        implied = fixed + (per_pre or 0) * 150 + (per_clu or 0) * 400 if per_pre and per_clu else None
        rows.append([f"`{r['variant']}`", str(r["seed"]), f"{pre_ep} + {clu_ep}", fmt_seconds(per_pre),
                     fmt_seconds(per_clu), fmt_seconds(fixed), fmt_seconds(implied), _mb(r["peak_rss_mb"]),
                     _load([r]), _commits([r])])
    return _markdown(["variant", "seed", "epochs run (pretrain + clustering)", "s / pretraining epoch",
                      "s / clustering epoch (full batch)", "other stages", "implied full round (150 + 400)",
                      "peak RSS", "load before/after", "commit"], rows)


def _paviau_full(quick: bool) -> List[Dict[str, Any]]:
    return [_job("paviau-full", "fast", s, "cluster", 1800, scene=PAVIAU, k=PAVIAU_K, mode="fast", protocol="all",
                 params=PAVIAU_PARAMS) for s in ((0,) if quick else (0, 1, 2))]


SCALING_SIZES = {"0.2M": 200_000, "1M": 1_000_000, "4M": 4_000_000, "10M": 10_000_000}


def _scaling(quick: bool) -> List[Dict[str, Any]]:
    sizes = ["0.2M"] if quick else list(SCALING_SIZES)
    timeouts = {"0.2M": 1800, "1M": 3600, "4M": 2 * 3600, "10M": 3 * 3600}
    return [_job("scaling", name, 0, "cluster", timeouts[name], scene=scaled_scene(SCALING_SIZES[name]),
                 k=PAVIAU_K, mode="fast", protocol="all", params=PAVIAU_PARAMS) for name in sizes]


def scaling_table(records):
    """Time and memory against size, with seconds per million pixels (flat = linear)."""
    if not records:
        return "_No measurement recorded yet._"
    rows = []
    for r in sorted(records, key=lambda r: r.get("n_pixels") or 0):
        total = _end_to_end(r)
        n = r.get("n_pixels") or 0
        stages = r.get("stages") or {}
        rows.append([f"`{r['variant']}`", f"{n:,}", str(r.get("n_bands")), fmt_seconds(total),
                     fmt_seconds(r.get("cpu_s")), fmt_seconds(total / n * 1e6) if n else "–",
                     *[fmt_seconds(stages.get(s)) for s in STAGES], _mb(r["peak_rss_mb"]),
                     _pct(r["accuracy"]["oa"]) if (r.get("accuracy") or {}).get("oa") is not None else "–",
                     _load([r]), _commits([r])])
    text = _markdown(["size", "pixels", "bands", "end to end", "CPU time", "per million px", *STAGES, "peak RSS",
                      "OA % (labelled px)", "load before/after", "commit"], rows)
    rises = [r for r in sorted(records, key=lambda r: r.get("n_pixels") or 0)
             if (r.get("extra") or {}).get("stage_peak_rise_mb")]
    if rises:
        text += ("\n\nWhere the peak is set: how much each stage raised the process's high-water mark of resident "
                 "memory (after the imports and the scene's metadata, first column):\n\n")
        text += _markdown(["size", "before the fit", *STAGES, "peak RSS", "commit"],
                          [[f"`{r['variant']}`", _mb(r["extra"].get("peak_rss_before_mb")),
                            *[_mb(r["extra"]["stage_peak_rise_mb"].get(s)) for s in STAGES],
                            _mb(r["peak_rss_mb"]), _commits([r])] for r in rises])
    return text


MODELS = CACHE / "models"


def _inference(quick: bool) -> List[Dict[str, Any]]:
    model = str(MODELS / "inference-paviau-fast-s0.npz")
    jobs = [
        _job("inference", "matmul", 0, "matmul", 600, k=PAVIAU_K),
        _job("inference", "fit", 0, "cluster", 1800, scene=PAVIAU, k=PAVIAU_K, mode="fast", protocol="labelled",
             params=PAVIAU_PARAMS, model_out=model),
        _job("inference", "apply-2-threads", 0, "apply", 1800, scene=PAVIAU, model=model),
        _job("inference", "apply-1-thread", 0, "apply", 1800, scene=PAVIAU, model=model, threads=1),
    ]
    return jobs[:3] if quick else jobs


def inference_table(records):
    """Measured inference throughput next to the limit implied by FLOPs per pixel and the measured GEMM rate."""
    if not records:
        return "_No measurement recorded yet._"
    groups = _group(records)
    lines = []
    mm = groups.get("matmul", [None])[-1]
    if mm:
        e = mm["extra"]
        lines.append(f"FLOPs per pixel (counted on the network): encoder {e['mflop_encoder']} MFLOP + affinity "
                     f"{e['mflop_affinity']} MFLOP = **{e['mflop_inference']} MFLOP** for inference (the decoder, "
                     f"{e['mflop_decoder']} MFLOP, is not needed to label a pixel). Measured float32 GEMM rate on "
                     f"{mm['threads']} threads: {e['gflops_square']} GFLOP/s (2048² square), "
                     f"{e['gflops_conv_gemm']} GFLOP/s (the 3×3 convolutions' im2col shape, 200,704 × 288 × 32)"
                     + (f"; at 512², bf16 {e['gflops_bf16_512']} GFLOP/s against fp32 {e['gflops_fp32_512']} GFLOP/s"
                        if e.get("gflops_bf16_512") else "") + ".")
        lines.append("")
    rows = []
    for name, group in groups.items():
        if name == "matmul" or name == "fit":
            continue
        r = group[-1]
        e = r.get("extra") or {}
        threads = r.get("threads")
        limit = limit_conv = None
        if mm:
            scale = threads / mm["threads"] if mm["threads"] else 1.0  # the rate scales ~linearly with cores
            limit = mm["extra"]["gflops_square"] * scale * 1e9 / (mm["extra"]["mflop_inference"] * 1e6)
            limit_conv = mm["extra"]["gflops_conv_gemm"] * scale * 1e9 / (mm["extra"]["mflop_inference"] * 1e6)
        pps = e.get("pixels_per_s")
        rows.append([f"`{name}`", str(threads), f"{r.get('n_clustered') or 0:,}",
                     fmt_seconds((r.get("stages") or {}).get("inference")),
                     f"{pps:,.0f}" if pps else "–",
                     f"{limit:,.0f}" if limit else "–", f"{limit_conv:,.0f}" if limit_conv else "–",
                     f"{100 * pps / limit:.0f} %" if pps and limit else "–",
                     fmt_seconds(_end_to_end(r)), _mb(r["peak_rss_mb"]), _load([r]), _commits([r])])
    fit = groups.get("fit")
    lines.append(_markdown(["run", "threads", "pixels labelled", "inference", "pixels/s",
                            "limit at peak GEMM rate", "limit at conv-GEMM rate", "share of peak limit",
                            "apply end to end", "peak RSS", "load before/after", "commit"], rows))
    if fit:
        lines += ["", "The model applied was trained by:", "", cluster_table(fit)]
    return "\n".join(lines)


FINCH_SIZES = {"50k": 50_000, "200k": 200_000, "1M": 1_000_000}


def _finch(quick: bool) -> List[Dict[str, Any]]:
    jobs = []
    sizes = ["50k"] if quick else list(FINCH_SIZES)
    exact_timeout = {"50k": 1800, "200k": 3 * 3600, "1M": 8 * 3600}
    for name in sizes:
        n = FINCH_SIZES[name]
        features = str(CACHE / "finch" / f"features-{name}.npy")
        jobs += [
            _job("finch", f"{name}-features", 0, "features", 3600, scene=scaled_scene(1_000_000), n=n,
                 features=features),
            _job("finch", f"{name}-exact", 0, "finch", exact_timeout[name], features=features, method="exact"),
            _job("finch", f"{name}-approx", 0, "finch", 3600, features=features, method="approx"),
        ]
    return jobs


def finch_table(records):
    """Exact blockwise vs approximate FINCH: time, memory, partition sizes and ARI against exact."""
    if not records:
        return "_No measurement recorded yet._"
    rows = []
    for r in records:
        e = r.get("extra") or {}
        if r["kind"] != "finch":
            continue
        exact = e.get("method") == "exact"
        rows.append([f"{e.get('n_points', 0):,}", str(e.get("dims")), e.get("method", "?"),
                     fmt_seconds((r.get("stages") or {}).get("finch")), _mb(r["peak_rss_mb"]),
                     " / ".join(f"{c:,}" for c in e.get("n_clusters", [])),
                     "1" if exact else f"{e['recall_at_1']:.3f}" if "recall_at_1" in e else "–",
                     str(e.get("ari_level0", "1" if exact else "–")),
                     str(e.get("ari_level1", "1" if exact else "–")),
                     _load([r]), _commits([r])])
    features = [r for r in records if r["kind"] == "features"]
    table = _markdown(["points", "dims", "method", "time (2 levels)", "peak RSS", "clusters level 0 / 1",
                       "recall@1 of the first neighbours (2,000 sampled points)", "ARI level 0 vs exact", "ARI level 1 (mini-clusters) vs exact", "load before/after",
                       "commit"], rows)
    if features:
        table += "\n\nFeature extraction (17×17×8 patches → PCA 300, §2.3) for these points: " + ", ".join(
            f"{r['n_pixels']:,} px {fmt_seconds((r.get('stages') or {}).get('features'))}" for r in features) + "."
    return table


#: The speed levers of §7, each switched against the `fast` baseline: (variant, lever, setting, job overrides).
LEVERS = [
    ("fast", "baseline", "every `fast` default", {}),
    ("no-minibatch", "1 mini-batch + refreshed targets", "off: full batch, 40 steps", {"batch_size": 0, "epochs": 40}),
    ("refresh-only-targets", "1 mini-batch: live targets", "off: targets change only at refreshes",
     {"live_targets": False}),
    ("no-early-stop", "2 early stop", "off: patience 0", {"patience": 0}),
    ("full-pretraining", "3 shorter pretraining", "off: 150 epochs at batch 4096 (paper)",
     {"pretrain_epochs": 150, "pretrain_batch_size": 4096}),
    ("bf16", "4 bf16 autocast", "on", {"bf16": True}),
    ("kmeans-30", "5 cheaper k-means", "off: n_init 30", {"kmeans_n_init": 30}),
    ("nhwc", "NHWC (channels-last) convolutions", "on (opt-in, `SCDSC_CHANNELS_LAST=1`)",
     {"env": {"SCDSC_CHANNELS_LAST": "1"}}),
    ("threads-1", "thread settings", "1 thread", {"threads": 1}),
    ("threads-4", "thread settings", "4 threads on 2 cores (oversubscribed)", {"threads": 4}),
    ("threads-2-active", "thread settings", "2 threads, OpenMP's default active (spinning) wait",
     {"omp_wait_policy": None}),
]
#: Lever 6 (training on a sample) only matters when the clustered set is much bigger than the sample: measured on
#: every pixel of the PaviaU layout.
SAMPLING_LEVERS = [
    ("all-pixels-sample", "6 train on a sample", "on: 40,000 px (default)", {}),
    ("all-pixels-no-sample", "6 train on a sample", "off: every pixel (207,400)", {"sample_size": 0}),
]


#: Without native bf16 (AVX512-BF16 or AMX) the CPU kernels emulate bf16 and a training step is ~9x slower than
#: fp32 (measured here): a full bf16 run would take hours, so such CPUs compare 2 pretraining epochs + 1 clustering
#: pass with and without bf16 instead (the cost per sample is what the lever changes).
SHORT_RUN = {"pretrain_epochs": 2, "epochs": 1, "patience": 0}
BF16_SHORT_LEVERS = [
    ("fp32-short", "4 bf16 autocast", "off, short run (2 + 1 epochs)", dict(SHORT_RUN)),
    ("bf16-short", "4 bf16 autocast", "on, short run (2 + 1 epochs)", {**SHORT_RUN, "bf16": True}),
]


def native_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX)."""
    from .runner import machine_info
    return bool({"avx512_bf16", "amx_bf16"} & set(machine_info()["cpu_flags"]))


def _levers(quick: bool) -> List[Dict[str, Any]]:
    jobs = []
    seeds = (0,) if quick else (0, 1, 2)
    levers = LEVERS if native_bf16() else [lv for lv in LEVERS if lv[0] != "bf16"] + BF16_SHORT_LEVERS
    chosen = [lv for lv in levers if lv[0] in ("fp32-short", "bf16-short")] if quick else levers
    for variant, _, _, overrides in chosen:
        overrides = dict(overrides)
        process = {key: overrides.pop(key) for key in ("threads", "omp_wait_policy", "env") if key in overrides}
        for s in seeds:
            jobs.append(_job("levers", variant, s, "cluster", 3600, scene=PAVIAU, k=PAVIAU_K, mode="fast",
                             protocol="labelled", params={**PAVIAU_PARAMS, **overrides}, **process))
    if not quick:
        for variant, _, _, overrides in SAMPLING_LEVERS:
            jobs.append(_job("levers", variant, 0, "cluster", 3600, scene=PAVIAU, k=PAVIAU_K, mode="fast",
                             protocol="all", params={**PAVIAU_PARAMS, **overrides}))
    jobs.append(_job("levers", "bn-fold", 0, "fold", 1800, model=str(MODELS / "inference-paviau-fast-s0.npz")))
    return jobs


def levers_table(records):
    """Each lever on/off against the fast baseline: time, stages, memory, accuracy."""
    if not records:
        return "_No measurement recorded yet._"
    every = LEVERS + BF16_SHORT_LEVERS + SAMPLING_LEVERS
    names = {v: (lever, setting) for v, lever, setting, _ in every}
    groups = _group(records)
    rows = []
    for variant in [v for v, *_ in every if v in groups]:
        group = groups[variant]
        lever, setting = names[variant]
        rows.append([lever, setting, f"`{variant}`", ",".join(str(r["seed"]) for r in group),
                     fmt_mean([_end_to_end(r) for r in group], fmt_seconds),
                     fmt_mean([r.get("cpu_s") for r in group], fmt_seconds, spread=False),
                     *[fmt_mean([(r.get("stages") or {}).get(s) for r in group], fmt_seconds, spread=False)
                       for s in ("finch", "pretraining", "initialisation", "clustering", "inference")],
                     fmt_mean([r.get("peak_rss_mb") for r in group], _mb, spread=False),
                     fmt_mean([(r.get("accuracy") or {}).get("oa") for r in group], _pct),
                     fmt_mean([(r.get("accuracy") or {}).get("nmi") for r in group], _num4),
                     _load(group), _commits(group)])
    text = _markdown(["lever (§7)", "setting", "variant", "seeds", "end to end", "CPU time", "FINCH", "pretraining",
                      "initialisation", "clustering", "inference", "peak RSS", "OA %", "NMI",
                      "load before/after", "commit"], rows)
    text += stage_cpu_table(records, [v for v, *_ in every])
    fold = groups.get("bn-fold")
    if fold:
        e = fold[-1]["extra"]
        text += (f"\n\nBatch-norm folding (lever of blockwise inference), {e['pixels']:,} pixels in blocks of 16,384 "
                 f"on {e['threads']} threads: eval-mode encoder {e['unfolded_px_per_s']:,.0f} px/s, folded "
                 f"{e['folded_px_per_s']:,.0f} px/s (×{e['speed_up']:.2f}); largest latent difference "
                 f"{e['max_abs_latent_difference']:.2g}.")
    return text


SMOKE_SCENE = {"layout": "pavia_university", "shape": [40, 40], "origin": [300, 150], "n_bands": 12, "seed": 0}
SMOKE_PARAMS = {"pretrain_epochs": 1, "epochs": 1, "sample_size": 0, "finch_patch": 5, "finch_components": 16,
                "kmeans_n_init": 1, "batch_size": 256}


def _smoke(quick: bool) -> List[Dict[str, Any]]:
    """A seconds-long case (a 40 x 40 window, 12 bands) that exercises the whole runner: used by the tests."""
    return [_job("smoke", "fast", 0, "cluster", 600, scene=SMOKE_SCENE, k=4, mode="fast", protocol="labelled",
                 params=SMOKE_PARAMS, threads=1)]


def scenes_table(records):
    """The generated scenes: size, file size, generation time."""
    if not records:
        return "_No scene generated yet._"
    rows = []
    for r in sorted(records, key=lambda r: r.get("n_pixels") or 0):
        e = r.get("extra") or {}
        rows.append([f"`{r['variant']}`", f"{r.get('n_pixels') or 0:,}", str(r.get("n_bands")),
                     f"{(e.get('labelled_pixels') or 0):,}", _mb((e.get("image_bytes") or 0) / 2 ** 20),
                     fmt_seconds((r.get("stages") or {}).get("generate")), _mb(r["peak_rss_mb"])])
    return _markdown(["scene (cache folder)", "pixels", "bands", "labelled pixels", "image file", "generation",
                      "peak RSS of the generator"], rows)


CASES: Dict[str, Case] = {}


def _register(case: Case) -> Case:
    CASES[case.name] = case
    return case


_register(Case("paviau-labelled", "PaviaU layout, labelled pixels only (the paper's protocol, §2.1), K = 9",
               "`fast` ≤ 3 min per run end to end, OA within 1 point of `paper` (mean of 3 seeds each)",
               _paviau_labelled, lambda rs: cluster_table(rs, ["paper", "fast"])))
_register(Case("paper-epoch-cost", "Per-epoch cost of the faithful full-batch mode on the PaviaU labelled pixels",
               "(yardstick: the cost of one complete `paper` round)", _paper_epoch_cost, paper_epoch_table))
_register(Case("paviau-full", "PaviaU layout, every pixel (207,400), read to styled GeoTIFF, K = 9",
               "≤ 5 min end to end, peak memory ≤ 2 GB", _paviau_full, cluster_table))
_register(Case("scaling", "Scaling: the PaviaU layout mirrored to 0.2, 1, 4 and 10 million pixels × 200 bands",
               "time linear in pixels, peak memory flat (≤ 4 GB at 10 M), 10 M pixels ≤ 60 min end to end",
               _scaling, scaling_table))
_register(Case("inference", "Inference throughput against its physical limit",
               "pixels per second next to (GEMM rate ÷ FLOPs per pixel)", _inference, inference_table))
_register(Case("finch", "FINCH: exact blockwise vs approximate first neighbours",
               "time and partition agreement (ARI) with exact at 50k, 200k and 1M points", _finch, finch_table))


_register(Case("levers", "Speed levers (§7), each measured on/off against the `fast` baseline",
               "a lever that costs accuracy is off by default", _levers, levers_table))
_register(Case("smoke", "Smoke test of the runner (a 40 × 40 window, 12 bands)", "runs in seconds",
               _smoke, cluster_table, in_quick=False))


def get_case(name: str) -> Case:
    """The case called ``name``; raises ``KeyError`` naming the known cases."""
    if name not in CASES:
        raise KeyError(f"unknown case {name!r}; known: {', '.join(CASES)}")
    return CASES[name]
