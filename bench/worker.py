"""One benchmark job, run in a fresh process: ``python -m bench.worker JOB.json RESULT.json``.

The parent (:mod:`bench.runner`) measures the process's wall time and peak memory; this module measures the
stages inside it and writes a small JSON result. Job kinds:

``scene``      generate (or find in the cache) a semi-synthetic scene.
``cluster``    :func:`scdsc_core.cluster_raster` end to end: read -> fit -> infer -> styled label GeoTIFF.
``apply``      :func:`scdsc_core.apply_model`: blockwise inference of a saved model over a scene.
``matmul``     the machine's float32 matrix-multiply rate (the physical limit of inference throughput).
``features``   FINCH features (§2.3) of n pixels of a scene, saved for ``finch`` jobs.
``finch``      :func:`scdsc_core.finch.finch` exact or approximate on saved features, agreement with exact.
``fold``       inference of a saved model's encoder with and without batch norm folded into the convolutions.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np

log = logging.getLogger("bench.worker")

# The core's timing keys -> the benchmark's stage names (runner.STAGES); unknown keys are kept as they are.
_STAGE_ALIASES = {
    "read": "read", "reading": "read",
    "preprocess": "preprocessing", "preprocessing": "preprocessing", "pca": "preprocessing",
    "features": "preprocessing", "patches": "preprocessing",
    "finch": "finch", "mini_clusters": "finch",
    "pretrain": "pretraining", "pretraining": "pretraining",
    "init": "initialisation", "initialisation": "initialisation", "initialization": "initialisation",
    "kmeans": "initialisation",
    "train": "clustering", "training": "clustering", "clustering": "clustering", "cluster": "clustering",
    "predict": "inference", "inference": "inference", "infer": "inference", "labels": "inference",
    "write": "write", "writing": "write",
}


def normalise_stages(timings: Dict[str, Any]) -> Dict[str, float]:
    """Map the core's per-stage timings onto the benchmark's stage names (summing keys that map together)."""
    out: Dict[str, float] = {}
    for key, value in (timings or {}).items():
        if not isinstance(value, (int, float)):
            continue
        name = _STAGE_ALIASES.get(str(key).lower(), str(key))
        out[name] = round(out.get(name, 0.0) + float(value), 3)
    return out


def _vmhwm_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM"):
                return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        pass
    return 0.0


def _scene(job):
    from .scenes import SceneSpec, get_scene
    spec = dict(job["scene"])
    for key in ("shape", "origin"):
        if spec.get(key) is not None:
            spec[key] = tuple(spec[key])
    return get_scene(SceneSpec(**spec))


# Progress messages of the core (their text before any ":") -> the benchmark's stage names.
_MESSAGE_STAGES = (
    ("Reading", "read"), ("Preprocessing", "preprocessing"), ("pixel PCA", "preprocessing"),
    ("network patch", "preprocessing"), ("FINCH", "finch"), ("Network patches", "pretraining"),
    ("Pretraining", "pretraining"), ("k-means", "initialisation"), ("Subspace", "initialisation"),
    ("Latents", "initialisation"), ("Clustering", "clustering"), ("Refresh", "clustering"),
    ("Labelling", "inference"), ("Computing soft", "inference"), ("Writing", "write"), ("Saving", "write"),
)


def _message_stage(message: str) -> Optional[str]:
    for prefix, stage in _MESSAGE_STAGES:
        if str(message).startswith(prefix):
            return stage
    return None


class _ProgressLog:
    """A ``progress(fraction, message)`` callback that logs stage changes (and, at most every 15 s, the fraction),
    so the job's log shows where a slow or killed run spent its time, and that charges the process's CPU time
    (all threads) to the stage the core reports: CPU seconds per stage are far less sensitive than wall seconds to
    other processes sharing the machine. It also notes how much each stage raised the process's high-water mark
    of resident memory, which tells which stage sets the peak (the runner only sees the final peak)."""

    def __init__(self, every: float = 15.0):
        self.every, self.last_time, self.last_message = every, 0.0, None
        self.stage, self.stage_cpu, self.stage_peak = "read", time.process_time(), _vmhwm_mb()
        self.peak_before_mb = self.stage_peak  # imports and the scene's metadata, before the core starts
        self.cpu: Dict[str, float] = {}
        self.peak_rise_mb: Dict[str, float] = {}

    def __call__(self, fraction, message=""):
        now = time.perf_counter()
        head = str(message).split(":")[0]
        if head != self.last_message or now - self.last_time >= self.every:
            log.info("progress %5.1f %% %s", 100.0 * float(fraction), message)
            self.last_time, self.last_message = now, head
        stage = _message_stage(message)
        if stage and stage != self.stage:
            self._charge()
            self.stage = stage

    def _charge(self):
        cpu, peak = time.process_time(), _vmhwm_mb()
        self.cpu[self.stage] = round(self.cpu.get(self.stage, 0.0) + cpu - self.stage_cpu, 3)
        # Linux keeps RSS counters per thread and syncs them lazily, so VmHWM read a moment later can be a few
        # hundred kB lower than before (seen: -0.1 MB): a rise below zero is that rounding, not memory given back.
        rise = max(0.0, peak - self.stage_peak)
        self.peak_rise_mb[self.stage] = round(self.peak_rise_mb.get(self.stage, 0.0) + rise, 1)
        self.stage_cpu, self.stage_peak = cpu, peak

    def finish(self) -> Dict[str, float]:
        self._charge()
        return dict(self.cpu)


def _set_threads(job) -> int:
    import torch
    threads = int(job.get("threads", 2))
    torch.set_num_threads(threads)
    return threads


# --------------------------------------------------------------------------------------------------------------
# Job kinds
# --------------------------------------------------------------------------------------------------------------

def run_scene(job) -> Dict[str, Any]:
    started = time.perf_counter()
    scene = _scene(job)
    return {"n_pixels": scene.n_pixels, "n_bands": scene.spec.n_bands, "n_clustered": None,
            "stages": {"generate": round(time.perf_counter() - started, 3)},
            "extra": {"image": str(scene.image), "image_bytes": scene.info.get("image_bytes"),
                      "labelled_pixels": scene.info.get("labelled_pixels"),
                      "generation_s": scene.info.get("seconds"), "class_spectra": scene.info.get("class_spectra")}}


def run_cluster(job) -> Dict[str, Any]:
    from scdsc_core import cluster_raster
    _set_threads(job)
    scene = _scene(job)
    out = Path(job["workdir"]) / "labels.tif"
    labelled = job.get("protocol", "labelled") == "labelled"
    kwargs = dict(reference=scene.labels, mode=job.get("mode", "fast"), seed=int(job["seed"]), device="cpu",
                  params=job.get("params") or None)
    if labelled:
        kwargs["mask"] = scene.labels  # non-zero = keep: the paper's labelled-pixel protocol (§2.1, §5)
    if job.get("model_out"):
        Path(job["model_out"]).parent.mkdir(parents=True, exist_ok=True)
        kwargs["model_out"] = job["model_out"]
    progress = _ProgressLog()
    started = time.perf_counter()
    result = cluster_raster(scene.image, str(out), int(job.get("k") or scene.n_classes), progress=progress, **kwargs)
    end_to_end = time.perf_counter() - started
    stage_cpu = progress.finish()
    info = result.info
    stages = normalise_stages(info.get("timings", {}))
    evaluation = result.evaluation
    accuracy = {}
    if evaluation is not None:
        accuracy = {"oa": float(evaluation.oa), "nmi": float(evaluation.nmi), "kappa": float(evaluation.kappa)}
    history = result.history or []
    clustering_steps = [h for h in history if h.get("stage") not in ("pretrain", "pretraining")]
    extra = {"end_to_end_s": round(end_to_end, 3), "timings_raw": info.get("timings", {}), "stage_cpu_s": stage_cpu,
             "stage_peak_rise_mb": dict(progress.peak_rise_mb), "peak_rss_before_mb": progress.peak_before_mb,
             "n_mini_clusters": info.get("n_mini_clusters"), "selected_epoch": info.get("selected_epoch"),
             "selected_ratio": info.get("selected_ratio"), "n_history": len(history),
             "n_clustering_records": len(clustering_steps), "output_exists": out.is_file(),
             "info": {k: v for k, v in info.items() if k not in ("timings",) and _jsonable(v)}}
    kmeans = info.get("kmeans_evaluation") or info.get("kmeans_accuracy")
    if kmeans:
        extra["kmeans_accuracy"] = kmeans
    return {"stages": stages, "accuracy": accuracy, "n_pixels": scene.n_pixels, "n_bands": scene.spec.n_bands,
            "n_clustered": info.get("n_clustered") or info.get("n_clustered_output"), "extra": extra}


def run_apply(job) -> Dict[str, Any]:
    from scdsc_core import apply_model
    threads = _set_threads(job)
    scene = _scene(job)
    out = Path(job["workdir"]) / "labels.tif"
    marks: Dict[str, float] = {}

    def progress(fraction, message=""):
        # apply_model gives 0.02..0.9 of its bar to labelling the pixels (blockwise inference) and the rest to
        # writing: the first report past each boundary timestamps the stage change.
        now = time.perf_counter()
        if fraction >= 0.02:
            marks.setdefault("inference_start", now)
        if fraction >= 0.9:
            marks.setdefault("inference_end", now)

    started = time.perf_counter()
    result = apply_model(job["model"], scene.image, str(out), reference=scene.labels, device="cpu",
                         progress=progress)
    end_to_end = time.perf_counter() - started
    stages = normalise_stages(result.info.get("timings", {}))
    if "inference_start" in marks and "inference_end" in marks:
        stages["read"] = round(marks["inference_start"] - started, 3)
        stages["inference"] = round(marks["inference_end"] - marks["inference_start"], 3)
    n_out = int(result.info.get("n_clustered_output") or scene.n_pixels)
    extra = {"end_to_end_s": round(end_to_end, 3), "timings_raw": result.info.get("timings", {}), "threads": threads}
    if stages.get("inference"):
        extra["pixels_per_s"] = round(n_out / stages["inference"], 1)
    extra["pixels_per_s_end_to_end"] = round(n_out / end_to_end, 1)
    accuracy = {}
    if result.evaluation is not None:
        accuracy = {"oa": float(result.evaluation.oa), "nmi": float(result.evaluation.nmi),
                    "kappa": float(result.evaluation.kappa)}
    return {"stages": stages, "accuracy": accuracy, "n_pixels": scene.n_pixels, "n_bands": scene.spec.n_bands,
            "n_clustered": n_out, "extra": extra}


def run_matmul(job) -> Dict[str, Any]:
    """Float32 GEMM rate: a large square product (peak) and the im2col shape of the 3x3 convolutions."""
    import torch
    threads = _set_threads(job)
    repeats = int(job.get("repeats", 15))  # best of many: a shared machine leaves some repeats uncontended

    def rate(a, b):
        torch.mm(a, b)  # warm-up (thread pool, packing buffers)
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            torch.mm(a, b)
            best = min(best, time.perf_counter() - t)
        return 2.0 * a.shape[0] * a.shape[1] * b.shape[1] / best / 1e9

    g = torch.Generator().manual_seed(0)
    n = int(job.get("size", 2048))
    square = rate(torch.randn(n, n, generator=g), torch.randn(n, n, generator=g))
    # e2/e3 as GEMMs: (pixels*49, 32*9) @ (288, 32); 4096 pixels per batch.
    conv = rate(torch.randn(4096 * 49, 288, generator=g), torch.randn(288, 32, generator=g))
    bf16 = None
    try:
        # 512 only: without AVX512-BF16/AMX the CPU kernels emulate bf16 and run ~50x slower than fp32.
        repeats_fp32, repeats = repeats, 2
        a = torch.randn(512, 512, generator=g).to(torch.bfloat16)
        bf16 = rate(a, a)
        repeats = repeats_fp32
    except RuntimeError:
        pass
    fp32_512 = rate(torch.randn(512, 512, generator=g), torch.randn(512, 512, generator=g))
    from scdsc_core.network import ConvAutoencoder
    flops = network_flops(ConvAutoencoder(), int(job.get("k", 9)))
    return {"stages": {}, "extra": {"gflops_square": round(square, 2), "gflops_conv_gemm": round(conv, 2),
                                    "gflops_bf16_512": round(bf16, 2) if bf16 else None,
                                    "gflops_fp32_512": round(fp32_512, 2), "threads": threads,
                                    **flops}}


def run_fold(job) -> Dict[str, Any]:
    """Batch-norm folding (§7): eval-mode encoder + affinity vs the folded encoder + affinity, blockwise."""
    import torch

    from scdsc_core.model import INFER_BLOCK
    from scdsc_core.modelfile import load_model
    from scdsc_core.network import fold_batchnorm
    from scdsc_core.train import soft_assign
    threads = _set_threads(job)
    model = load_model(job["model"])
    n = int(job.get("n", 207_400))
    g = torch.Generator().manual_seed(int(job["seed"]))
    patches = torch.randn(INFER_BLOCK, model.n_components, model.patch_size, model.patch_size, generator=g)
    bases = torch.from_numpy(model.bases_)
    net = model.network_.eval()
    folded = fold_batchnorm(net)
    blocks = max(1, n // INFER_BLOCK)

    def timed(encode):
        with torch.no_grad():
            soft_assign(encode(patches).flatten(1), bases, model.n_clusters, model.subspace_dim, float(model.eta))
            started = time.perf_counter()
            for _ in range(blocks):
                z = encode(patches).flatten(1)
                soft_assign(z, bases, model.n_clusters, model.subspace_dim, float(model.eta)).max(dim=1)
            return time.perf_counter() - started

    unfolded_s, folded_s = timed(net.encode), timed(folded)
    with torch.no_grad():
        max_diff = float((net.encode(patches) - folded(patches)).abs().max())
    pixels = blocks * INFER_BLOCK
    return {"stages": {"inference": round(folded_s, 3)}, "n_pixels": pixels,
            "extra": {"threads": threads, "pixels": pixels, "unfolded_s": round(unfolded_s, 3),
                      "folded_s": round(folded_s, 3), "unfolded_px_per_s": round(pixels / unfolded_s, 1),
                      "folded_px_per_s": round(pixels / folded_s, 1), "speed_up": round(unfolded_s / folded_s, 3),
                      "max_abs_latent_difference": max_diff}}


def network_flops(model, k: int, d: int = 5) -> Dict[str, float]:
    """FLOPs per pixel of the autoencoder (counted by forward hooks on a 7x7 patch) and of the affinity (§7)."""
    import torch
    macs = {"encoder": 0, "decoder": 0}
    names = {m: name for name, m in model.named_modules()}
    hooks = []

    def hook(module, inputs, output):
        # A (transposed) convolution costs one MAC per output value per input channel per kernel tap.
        kernel = module.kernel_size[0] * module.kernel_size[1]
        channels_in = module.in_channels // module.groups
        count = output.numel() * channels_in * kernel
        part = "decoder" if names[module].startswith(("d", "decoder")) or isinstance(
            module, torch.nn.ConvTranspose2d) else "encoder"
        macs[part] += count

    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            hooks.append(module.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 8, 7, 7))
    for h in hooks:
        h.remove()
    affinity = 1568 * k * d  # z (1568) times D (1568 x K*d)
    return {"mflop_encoder": round(2 * macs["encoder"] / 1e6, 3), "mflop_decoder": round(2 * macs["decoder"] / 1e6, 3),
            "mflop_affinity": round(2 * affinity / 1e6, 3),
            "mflop_inference": round(2 * (macs["encoder"] + affinity) / 1e6, 3)}


def run_features(job) -> Dict[str, Any]:
    """FINCH features of ``n`` pixels (every pixel of the first rows of the scene), saved as .npy."""
    from scdsc_core.preprocess import Preprocessor, finch_features, pca_image
    from scdsc_core.raster import open_raster
    _set_threads(job)
    scene = _scene(job)
    n = int(job["n"])
    source = open_raster(scene.image)
    started = time.perf_counter()
    pre = Preprocessor(random_state=int(job["seed"])).fit(source)
    X8 = pca_image(source, pre)
    t_pca = time.perf_counter() - started
    height, width = X8.shape[:2]
    if n > height * width:
        raise ValueError(f"the scene has {height * width} pixels, fewer than n={n}")
    flat = np.arange(n)
    rows, cols = flat // width, flat % width
    started = time.perf_counter()
    F = finch_features(X8, rows, cols, random_state=int(job["seed"]))
    t_features = time.perf_counter() - started
    out = Path(job["features"])
    out.parent.mkdir(parents=True, exist_ok=True)
    np.save(out, F)
    labels = _read_labels(scene.labels).reshape(-1)[:n]
    np.save(out.with_suffix(".labels.npy"), labels)
    return {"stages": {"preprocessing": round(t_pca, 3), "features": round(t_features, 3)}, "n_pixels": n,
            "n_bands": scene.spec.n_bands, "extra": {"features": str(out), "shape": list(F.shape)}}


def _read_labels(path):
    from osgeo import gdal
    gdal.UseExceptions()
    return gdal.Open(path).ReadAsArray()


def run_finch(job) -> Dict[str, Any]:
    """FINCH on saved features; partitions saved; ARI against the exact run's partitions when present.

    The approximate job also measures the recall of its first neighbours on ``recall_queries`` random points,
    against a brute-force float64 search over all points (cheap, so it is known even where exact FINCH is not run).
    """
    from scdsc_core.finch import finch, first_neighbours
    threads = _set_threads(job)
    F = np.load(job["features"])
    method = job.get("method", "exact")
    started = time.perf_counter()
    result = finch(F, max_levels=job.get("max_levels", 2), method=method, random_state=int(job["seed"]))
    seconds = time.perf_counter() - started
    stem = Path(job["features"]).with_suffix("")
    np.save(f"{stem}.{method}.partitions.npy", np.stack(result.partitions[:2]))
    extra = {"method": method, "n_clusters": list(result.n_clusters), "min_sim": result.min_sim, "threads": threads,
             "n_points": int(F.shape[0]), "dims": int(F.shape[1])}
    stages = {"finch": round(seconds, 3)}
    if method != "exact" and job.get("recall_queries", 2000):
        started = time.perf_counter()
        nn = first_neighbours(F, method=method, random_state=int(job["seed"]))
        stages["first_neighbours"] = round(time.perf_counter() - started, 3)
        extra.update(_recall(F, nn, int(job.get("recall_queries", 2000)), int(job["seed"])))
    exact_file = Path(f"{stem}.exact.partitions.npy")
    if method != "exact" and exact_file.is_file():
        from sklearn.metrics import adjusted_rand_score
        exact = np.load(exact_file)
        for level in range(min(len(exact), len(result.partitions))):
            extra[f"ari_level{level}"] = round(float(adjusted_rand_score(exact[level], result.partitions[level])), 4)
    return {"stages": stages, "n_pixels": int(F.shape[0]), "extra": extra}


def _recall(F: np.ndarray, nn: np.ndarray, n_queries: int, seed: int) -> Dict[str, Any]:
    """Share of sampled points whose found neighbour is the exact cosine first neighbour (float64 brute force)."""
    rng = np.random.default_rng(seed)
    queries = np.sort(rng.choice(len(F), size=min(n_queries, len(F)), replace=False))
    unit = F / np.maximum(np.linalg.norm(F, axis=1, keepdims=True), 1e-30)
    best = np.full(len(queries), -np.inf)
    arg = np.zeros(len(queries), dtype=np.int64)
    q = unit[queries].astype(np.float64)
    for start in range(0, len(F), 65_536):
        block = unit[start:start + 65_536].astype(np.float64)
        sims = q @ block.T
        own = (queries >= start) & (queries < start + len(block))
        sims[np.flatnonzero(own), queries[own] - start] = -np.inf  # the nearest *other* point
        idx = np.argmax(sims, axis=1)
        val = sims[np.arange(len(queries)), idx]
        better = val > best
        best[better], arg[better] = val[better], idx[better] + start
    found = np.einsum("ij,ij->i", q, unit[nn[queries]].astype(np.float64))
    exact_hit = np.isclose(found, best, rtol=0, atol=1e-12)
    return {"recall_at_1": round(float(exact_hit.mean()), 4), "recall_queries": int(len(queries)),
            "mean_cosine_gap": float(np.mean(best - found))}


def _jsonable(value) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


KINDS = {"scene": run_scene, "cluster": run_cluster, "apply": run_apply, "matmul": run_matmul, "fold": run_fold,
         "features": run_features, "finch": run_finch}


def main(argv=None) -> int:
    """Run the job described by ``argv[0]`` (JSON) and write the result to ``argv[1]``."""
    argv = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(argv[0]).read_text())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    started = time.perf_counter()
    try:
        result = KINDS[job["kind"]](job)
        result["status"] = "ok"
        code = 0
    except Exception as error:  # the record must say what failed, whatever it was
        log.error("job failed: %s", traceback.format_exc())
        result = {"status": "failed", "error": f"{type(error).__name__}: {error}"}
        code = 1
    result["wall_s"] = round(time.perf_counter() - started, 3)
    result["vmhwm_mb"] = _vmhwm_mb()
    Path(argv[1]).write_text(json.dumps(result, default=str))
    return code


if __name__ == "__main__":
    sys.exit(main())
