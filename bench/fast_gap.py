"""``python -m bench.fast_gap``: where fast mode loses against paper mode on the PaviaU layout (labelled pixels).

Fits the estimator in-process on the benchmark's PaviaU scene (``paviau-labelled``: 610 x 340 x 103, K = 9, the
Table 4 settings) for each variant and seed, and prints one JSON line per fit: its time, the OA of the start
partition and of the result, and, when the whole clustered set is the training set (no sample drawn: the
default on these 42,776 labelled pixels, or ``sample_size=0``), the OA of the assignments at every refresh with
the confident ratio (``bench.accuracy.trace``). A variant is a set of :class:`scdsc_core.model.SCDSC`
hyperparameters over the fast defaults, e.g.::

    python -m bench.fast_gap --seeds 0 --variant refresh-only '{"live_targets": false, "sample_size": 0}' \\
        --variant live '{"sample_size": 0}'

Records are also appended to ``--out`` (default ``out/fast_gap.jsonl``). Without ``--variant`` it runs the
comparison behind docs/benchmarks.md, *Live targets*.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
import argparse
import json
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

from .cases import PAVIAU, PAVIAU_PARAMS

#: The comparison of docs/benchmarks.md: traced runs on every labelled pixel, then the defaults over 3 seeds.
DEFAULT_VARIANTS: List[Tuple[str, Dict[str, Any], Tuple[int, ...]]] = [
    ("refresh-only, traced", {"live_targets": False, "sample_size": 0}, (0,)),
    ("live, traced", {"sample_size": 0}, (0,)),
    ("refresh-only, 3x steps, traced", {"live_targets": False, "sample_size": 0, "epochs": 30, "patience": 0}, (0,)),
    ("live (default)", {}, (0, 1, 2)),
]


def paviau_scene():
    """The benchmark's PaviaU scene (generated on first use) as a ``bench.accuracy`` scene."""
    from .accuracy.scenes import load_scene
    from .scenes import SceneSpec, get_scene
    folder = Path(get_scene(SceneSpec(**PAVIAU)).image).parent  # image.tif + labels.tif, as load_scene reads
    return load_scene(folder.name, data_dir=folder.parent)


def run_variant(scene, params: Dict[str, Any], seed: int) -> Dict[str, Any]:
    """One fit; its time, start and final OA, and the per-refresh trace when the fit could be traced."""
    from .accuracy.methods import evaluate, scdsc_runner
    mask = scene.labels > 0
    started = time.perf_counter()
    out = scdsc_runner(mode="fast", **{**PAVIAU_PARAMS, **params})(scene, mask, seed)
    seconds = time.perf_counter() - started
    final = evaluate(out.labels, scene.labels)
    start = evaluate(out.start_labels, scene.labels)
    return {"seed": seed, "params": params, "fit_s": round(seconds, 1), "start_oa": round(start["oa"], 4),
            "oa": round(final["oa"], 4), "nmi": round(final["nmi"], 4),
            "selected_step": out.info.get("selected_step"), "n_iter": out.info.get("n_iter"),
            "trace": [[p.get("step"), p["oa"], p["ratio"]] for p in out.trace]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fast_gap", description=__doc__.splitlines()[0])
    parser.add_argument("--variant", nargs=2, action="append", metavar=("NAME", "JSON"),
                        help="a name and the SCDSC hyperparameters over the fast defaults (repeatable)")
    parser.add_argument("--seeds", type=int, nargs="+", help="seeds of every --variant (default 0)")
    parser.add_argument("--out", type=Path, default=Path("out/fast_gap.jsonl"))
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2, as the benchmark)")
    args = parser.parse_args(argv)
    if args.variant:
        variants = [(name, json.loads(text), tuple(args.seeds or (0,))) for name, text in args.variant]
    else:
        variants = DEFAULT_VARIANTS
    import torch
    torch.set_num_threads(args.threads)
    scene = paviau_scene()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name, params, seeds in variants:
        for seed in seeds:
            record = {"variant": name, **run_variant(scene, params, seed)}
            line = json.dumps(record)
            print(line, flush=True)
            with open(args.out, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
