"""``python -m bench``: run benchmark cases, append their records, regenerate ``docs/benchmarks.md``.

Examples::

    python -m bench --list                       # the cases and their variants
    python -m bench quick                        # the quick subset (make bench-quick)
    python -m bench all                          # everything (make bench; hours on 2 cores)
    python -m bench paviau-labelled --variant fast --seeds 0 1 2
    python -m bench --report                     # only rebuild the tables from bench/results/
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path
from typing import Dict, List

from . import cases as _cases
from .runner import RESULTS, append_record, git_commit, read_records, run_job
from .scenes import SceneSpec, get_scene  # noqa: F401  (get_scene: see _ensure_scenes)

log = logging.getLogger("bench")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", nargs="*", help="case names, or 'quick' (the quick subset) or 'all'")
    parser.add_argument("--variant", nargs="+", help="run only these variants of the case(s)")
    parser.add_argument("--seeds", nargs="+", type=int, help="replace the case's seeds")
    parser.add_argument("--resume", action="store_true",
                        help="skip jobs that already have a successful record at the current commit")
    parser.add_argument("--timeout-factor", type=float, default=1.0, help="multiply every job's timeout")
    parser.add_argument("--results", type=Path, default=RESULTS, help="results folder (default bench/results)")
    parser.add_argument("--doc", type=Path, default=None, help="document to regenerate (default docs/benchmarks.md)")
    parser.add_argument("--no-report", action="store_true", help="do not regenerate the document")
    parser.add_argument("--report", action="store_true", help="only regenerate the document")
    parser.add_argument("--list", action="store_true", help="list the cases and their variants")
    parser.add_argument("--dry-run", action="store_true", help="print the jobs without running them")
    return parser


def plan(names: List[str], *, variants=None, seeds=None) -> List[Dict]:
    """The jobs of the named cases (``quick`` and ``all`` expand to case lists)."""
    jobs: List[Dict] = []
    for name in names:
        if name in ("quick", "all"):
            quick = name == "quick"
            for case in _cases.CASES.values():
                if case.name.startswith("_") or (quick and not case.in_quick) or (not quick and case.name == "smoke"):
                    continue
                jobs += case.jobs(quick=quick)
        else:
            jobs += _cases.get_case(name).jobs(quick=False, variants=variants, seeds=seeds)
    return jobs


def _scene_job(spec: Dict) -> Dict:
    scene = SceneSpec(**{k: tuple(v) if k in ("shape", "origin") and v is not None else v for k, v in spec.items()})
    return {"case": "scenes", "variant": scene.folder_name(), "seed": scene.seed, "kind": "scene",
            "timeout": 3 * 3600.0, "threads": 2, "scene": spec}


def _ensure_scenes(jobs: List[Dict], args, command: str) -> None:
    """Generate (in a measured child process) every scene the jobs need that is not in the cache yet."""
    from .scenes import CACHE
    seen = set()
    for job in jobs:
        spec = job.get("scene")
        if not spec:
            continue
        scene_job = _scene_job(spec)
        if scene_job["variant"] in seen:
            continue
        seen.add(scene_job["variant"])
        if (CACHE / scene_job["variant"] / "scene.json").is_file():
            continue
        log.info("generating scene %s", scene_job["variant"])
        record = run_job(scene_job, timeout=scene_job["timeout"] * args.timeout_factor, command=command)
        append_record(record, args.results)
        if record["status"] != "ok":
            raise SystemExit(f"scene {scene_job['variant']} could not be generated: {record['error']}")


def main(argv=None) -> int:
    """Entry point; returns the number of failed jobs (0 = all succeeded)."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.list:
        for case in _cases.CASES.values():
            variants = sorted({j["variant"] for j in case.jobs(quick=False)})
            print(f"{case.name:18s} {case.title}\n{'':18s} variants: {', '.join(variants)}"  # noqa: T201
                  f"{'' if case.in_quick else '  (not in quick)'}")
        return 0
    if args.report:
        from .report import regenerate
        print(regenerate(args.doc, args.results))  # noqa: T201
        return 0
    if not args.cases:
        _parser().error("name at least one case, or 'quick' / 'all' (see --list)")
    try:
        jobs = plan(args.cases, variants=args.variant, seeds=args.seeds)
    except (KeyError, ValueError) as error:
        _parser().error(str(error).strip("'\""))
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    if args.dry_run:
        for job in jobs:
            print(job)  # noqa: T201
        return 0
    _ensure_scenes(jobs, args, command)
    head = git_commit()["sha"]
    done = set()
    if args.resume:
        done = {(r["case"], r["variant"], r["seed"]) for r in read_records(args.results)
                if r.get("status") == "ok" and (r.get("commit") or {}).get("sha") == head}
    failures = 0
    for job in jobs:
        key = (job["case"], job["variant"], job["seed"])
        if key in done:
            log.info("skip %s/%s seed %s: already measured at this commit", *key)
            continue
        log.info("run %s/%s seed %s", *key)
        record = run_job(job, timeout=job.get("timeout", 3600) * args.timeout_factor, command=command)
        append_record(record, args.results)
        failures += record["status"] != "ok"
        log.info("%s/%s seed %s: %s in %.1f s, peak %.0f MB%s", *key, record["status"], record["wall_s"],
                 record["peak_rss_mb"] or 0, f", OA {record['accuracy']['oa']:.4f}"
                 if (record.get("accuracy") or {}).get("oa") is not None else "")
        if not args.no_report:  # after every job, so a long run's document is always current
            from .report import regenerate
            regenerate(args.doc, args.results)
    return failures


if __name__ == "__main__":
    sys.exit(min(main(), 1))
