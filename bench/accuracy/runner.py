"""Run (scene, protocol, method, seed) jobs and append one JSON record per job, so a long run can be resumed."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import datetime
import json
import logging
import os
import platform
import shlex
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .methods import evaluate, method_spec
from .scenes import Scene

log = logging.getLogger("bench.accuracy.runner")

#: The two evaluation protocols (§5 and §8): cluster the labelled pixels only, or every valid pixel.
PROTOCOLS = ("labelled", "all")

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Job:
    """One run: a method on a scene under a protocol with one seed."""

    scene: str
    protocol: str
    method: str
    seed: int

    @property
    def key(self) -> Tuple[str, str, str, int]:
        """The identity used to skip finished jobs when a run is resumed."""
        return (self.scene, self.protocol, self.method, int(self.seed))


def make_jobs(scenes: Sequence[str], methods_by_protocol: Dict[str, Sequence[str]],
              seeds: Sequence[int]) -> List[Job]:
    """Every (scene, protocol, method, seed) combination, seed-major inside each method.

    Seeds vary fastest so that an interrupted run still has complete seed sets for the methods it reached.
    """
    jobs = []
    for scene in scenes:
        for protocol, methods in methods_by_protocol.items():
            if protocol not in PROTOCOLS:
                raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")
            for method in methods:
                method_spec(method)  # fail early on an unknown method
                jobs.extend(Job(scene, protocol, method, int(s)) for s in seeds)
    return jobs


def clustered_mask(scene: Scene, protocol: str) -> np.ndarray:
    """The pixels a method clusters: the labelled ones (paper, §5) or every valid one (QGIS user, §8)."""
    if protocol == "labelled":
        return scene.labelled & scene.valid
    if protocol == "all":
        return scene.valid
    raise ValueError(f"protocol must be one of {PROTOCOLS}, got {protocol!r}")


def run_one(job: Job, scene: Scene, *, maps_dir: Optional[os.PathLike] = None) -> dict:
    """Run one job and return its record (the labels map is saved under ``maps_dir`` when given).

    The time is the wall time of the method call: preprocessing, fitting and labelling every clustered pixel.
    Evaluation is on the labelled pixels only, never seen by the method.
    """
    spec = method_spec(job.method)
    mask = clustered_mask(scene, job.protocol)
    load_before = _load1()
    started = time.perf_counter()
    out = spec.run(scene, mask, job.seed)
    elapsed = time.perf_counter() - started
    labels = np.asarray(out.labels)
    if labels.shape != scene.labels.shape:
        raise ValueError(f"{job.method} returned labels of shape {labels.shape}, expected {scene.labels.shape}")
    if np.any(labels[mask] < 0) or np.any(labels[~mask] >= 0):
        raise ValueError(f"{job.method} must label exactly the clustered pixels (-1 elsewhere)")
    record = {
        "scene": job.scene, "protocol": job.protocol, "method": job.method, "seed": int(job.seed),
        "n_clusters": scene.n_clusters, "n_clustered": int(mask.sum()), "n_scored": int(scene.labelled.sum()),
        "time_s": round(elapsed, 3), "class_names": list(scene.class_names),
    }
    record.update(evaluate(labels, scene.labels))
    record["cluster_sizes"] = np.bincount(labels[mask], minlength=scene.n_clusters).astype(int).tolist()
    if out.start_labels is not None:
        record["start"] = {k: v for k, v in evaluate(out.start_labels, scene.labels).items()
                           if k in ("oa", "nmi", "kappa", "per_class")}
    record["info"] = _jsonable(out.info)
    record["env"] = {"load1_before": load_before, "load1_after": _load1()}
    if maps_dir is not None:
        save_map(maps_dir, job, labels)
        if out.history:
            history = map_path(maps_dir, job).with_suffix(".history.json")
            history.write_text(json.dumps(_jsonable(out.history)), encoding="utf-8")
    if out.trace:
        # The trajectory in brief: where training started, peaked and ended, and what the selection rule chose.
        best = max(out.trace, key=lambda p: p["oa"])
        chosen = [p for p in out.trace if p["step"] == record["info"].get("selected_step")]
        record["trace"] = {"first": out.trace[0], "best": best, "last": out.trace[-1],
                           "selected": chosen[0] if chosen else None, "n_points": len(out.trace)}
        if maps_dir is not None:
            path = map_path(maps_dir, job).with_suffix(".trace.json")
            path.write_text(json.dumps(_jsonable(out.trace)), encoding="utf-8")
    return record


def run_jobs(jobs: Iterable[Job], scenes: Dict[str, Scene], results: os.PathLike, *,
             maps_dir: Optional[os.PathLike] = None, threads: int = 2, resume: bool = True,
             stop_after_s: Optional[float] = None) -> List[dict]:
    """Run jobs in order and append each record as one JSON line to ``results`` as soon as it is done.

    Parameters
    ----------
    jobs : iterable of Job
    scenes : dict
        Scene name -> :class:`Scene`.
    results : path
        The JSON-lines file; created with its folder. Records of finished jobs already in it are kept.
    maps_dir : path, optional
        Where each run's label map is saved (``.npy``) for the pictures.
    threads : int, default 2
        torch and BLAS/OpenMP threads (the same for every method, so that run times compare).
    resume : bool, default True
        Skip jobs that already have a successful record in ``results``.
    stop_after_s : float, optional
        Start no new job after this many seconds.

    Returns
    -------
    list of dict
        The records written by this call (failed jobs give a record with an ``error`` field).
    """
    results = Path(results)
    results.parent.mkdir(parents=True, exist_ok=True)
    done = _done_keys(results) if resume else set()
    todo = [j for j in jobs if j.key not in done]
    log.info("%d job(s) to run, %d already done in %s", len(todo), len(done), results)
    common = environment(threads)
    written = []
    started = time.perf_counter()
    claims = results.with_name(results.name + ".claims")
    with _limited_threads(threads):
        for i, job in enumerate(todo):
            if stop_after_s is not None and time.perf_counter() - started > stop_after_s:
                log.warning("time budget of %.0f s reached: %d job(s) left undone", stop_after_s, len(todo) - i)
                break
            # Several workers may share one results file (one torch thread each runs faster than one process
            # with two threads on a loaded machine): skip what another worker finished or is running.
            if resume and (job.key in _done_keys(results) or not _claim(claims, job)):
                continue
            log.info("[%d/%d] %s %s %s seed %d", i + 1, len(todo), job.scene, job.protocol, job.method, job.seed)
            try:
                record = run_one(job, scenes[job.scene], maps_dir=maps_dir)
            except Exception as exc:  # a failed method must not lose the rest of a long run; the record says why
                log.error("job %s failed: %s", job, exc)
                record = {"scene": job.scene, "protocol": job.protocol, "method": job.method, "seed": job.seed,
                          "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=5)}
            record.update({"run_env": common, "finished": datetime.datetime.now().isoformat(timespec="seconds")})
            append_record(results, record)
            if resume:
                _release(claims, job)
            written.append(record)
            if "error" not in record:
                start = record.get("start", {}).get("oa")
                log.info("   OA %.2f%%  NMI %.3f  kappa %.3f  %.1f s%s", 100 * record["oa"], record["nmi"],
                         record["kappa"], record["time_s"],
                         "" if start is None else f"  (start partition OA {100 * start:.2f}%)")
    return written


def _done_keys(results: Path) -> set:
    return {_record_key(r) for r in read_records(results) if "error" not in r}


def _claim_path(claims: Path, job: Job) -> Path:
    return map_path(claims, job).with_suffix(".claim")


def _claim(claims: Path, job: Job) -> bool:
    """Take a job for this process (a file holding our pid); a claim whose process is gone is taken over."""
    path = _claim_path(claims, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                owner = int(path.read_text().strip() or 0)
            except (OSError, ValueError):
                owner = 0
            if owner == os.getpid() or (owner and _alive(owner)):
                return owner == os.getpid()
            path.unlink(missing_ok=True)  # stale: its worker died
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        return True
    return False


def _release(claims: Path, job: Job) -> None:
    _claim_path(claims, job).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_records(path: os.PathLike) -> List[dict]:
    """All records of a JSON-lines results file (an absent file has none; a torn last line is ignored)."""
    path = Path(path)
    if not path.is_file():
        return []
    records = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("ignoring a malformed line in %s", path)
    return records


def append_record(path: os.PathLike, record: dict) -> None:
    """Append one record as a JSON line and flush it to disk (a killed run keeps every finished job)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def map_path(maps_dir: os.PathLike, job: Job) -> Path:
    """Where the label map of a job is saved."""
    safe = "".join(ch if ch.isalnum() or ch in "-_.=" else "_" for ch in job.method)
    return Path(maps_dir) / f"{job.scene}__{job.protocol}__{safe}__s{job.seed}.npy"


def save_map(maps_dir: os.PathLike, job: Job, labels: np.ndarray) -> Path:
    """Save a label map as int8 (-1 = not clustered)."""
    path = map_path(maps_dir, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, labels.astype(np.int8))
    return path


def environment(threads: int) -> dict:
    """Facts that make a run time interpretable: host, cores, threads, versions and the code's commit."""
    import sklearn
    import torch
    try:
        import scdsc_core
        core_version = scdsc_core.__version__
    except Exception:  # the harness can still run its baselines without the core
        core_version = None
    return {"host": platform.node(), "cpus": os.cpu_count(), "threads": int(threads),
            "python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
            "sklearn": sklearn.__version__, "scdsc_core": core_version, "commit": _git_commit(),
            "command": " ".join(["python -m bench.accuracy"] + [_quoted(a) for a in sys.argv[1:]])}


def _quoted(arg: str) -> str:
    return shlex.quote(arg)


def _git_commit() -> Optional[str]:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "scdsc_core", "bench"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return head + ("+dirty" if dirty else "") if head else None
    except (OSError, subprocess.SubprocessError):
        return None


def _load1() -> Optional[float]:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


class _limited_threads:
    """Context: torch and BLAS/OpenMP (scikit-learn) use ``threads`` threads."""

    def __init__(self, threads: int):
        self.threads = int(threads)

    def __enter__(self):
        import torch
        from threadpoolctl import threadpool_limits
        self._torch = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        self._pools = threadpool_limits(limits=self.threads)
        return self

    def __exit__(self, *exc):
        import torch
        self._pools.restore_original_limits()
        torch.set_num_threads(self._torch)
        return False


def _record_key(record: dict) -> Tuple[str, str, str, int]:
    return (record.get("scene"), record.get("protocol"), record.get("method"), int(record.get("seed", -1)))


def _jsonable(value):
    """Plain JSON types (numpy scalars and arrays converted)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
