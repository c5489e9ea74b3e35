"""Run benchmark jobs in fresh subprocesses and append one JSON record per job to ``bench/results/*.jsonl``.

Each job runs in its own child process (``python -m bench.worker``) so that its peak resident memory is its own:
the parent reaps the child with :func:`os.wait4`, whose ``ru_maxrss`` is that child's peak alone (not the maximum
over every child, as ``RUSAGE_CHILDREN`` would give). The child also reports ``VmHWM`` from ``/proc/self/status``.
Every record carries the command, the commit, the machine and the load average before and after the job, so a
reader can judge timings taken on a shared machine.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import datetime
import json
import logging
import os
import platform
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

log = logging.getLogger("bench.runner")

REPO = Path(__file__).resolve().parents[1]


def repo_relative(path) -> str:
    """``path`` relative to the repository when it lies inside it (records must not carry this machine's paths)."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def repo_relative_paths(value):
    """``value`` with every absolute path inside the repository made relative (dicts and lists walked)."""
    if isinstance(value, dict):
        return {key: repo_relative_paths(item) for key, item in value.items()}
    if isinstance(value, list):
        return [repo_relative_paths(item) for item in value]
    if isinstance(value, str) and value.startswith(str(REPO) + os.sep):
        return repo_relative(value)
    return value


RESULTS = REPO / "bench" / "results"
LOGS = Path(os.environ.get("SCDSC_BENCH_DATA", REPO / ".bench-data")) / "logs"

#: Fields every record has (``tests/bench`` checks them).
RECORD_FIELDS = ("case", "variant", "seed", "kind", "status", "error", "started", "wall_s", "stages",
                 "peak_rss_mb", "accuracy", "n_pixels", "n_clustered", "n_bands", "params", "extra",
                 "load_before", "load_after", "threads", "omp_wait_policy", "command", "job_command", "commit",
                 "machine", "log")

#: The stages the tables report, in pipeline order (§2; the keys of the core's timing dicts are mapped onto these).
STAGES = ("read", "preprocessing", "finch", "pretraining", "initialisation", "clustering", "inference", "write")


# --------------------------------------------------------------------------------------------------------------
# Facts about the run: machine, commit
# --------------------------------------------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags() -> List[str]:
    wanted = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile")
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return [f for f in wanted if f in flags]
    except OSError:
        pass
    return []


def _ram_gib() -> Optional[float]:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    return None


def machine_info() -> Dict[str, Any]:
    """CPU model and flags, cores, RAM and library versions of this machine (torch read without importing it)."""
    from importlib import metadata

    def version(dist):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return {"cpu": _cpu_model(), "cpu_flags": _cpu_flags(), "cores": cores, "ram_gib": _ram_gib(),
            "python": platform.python_version(), "torch": version("torch"), "numpy": version("numpy"),
            "scikit-learn": version("scikit-learn"), "gdal": version("GDAL"), "os": platform.platform()}


def git_commit() -> Dict[str, Any]:
    """The commit of the working tree and whether the measured code (scdsc_core, bench) had uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    head = git("rev-parse", "HEAD").stdout.strip() or None
    dirty = bool(git("status", "--porcelain", "--", "scdsc_core", "bench").stdout.strip())
    return {"sha": head, "short": head[:7] if head else None, "dirty": dirty, "core_hash": core_hash()}


def core_hash() -> str:
    """A hash of the measured code as it is on disk (``scdsc_core/*.py``): identifies uncommitted states too."""
    import hashlib
    digest = hashlib.sha1()
    for path in sorted((REPO / "scdsc_core").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def load_average() -> List[float]:
    """The 1, 5 and 15 minute load averages."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# --------------------------------------------------------------------------------------------------------------
# One job in a child process
# --------------------------------------------------------------------------------------------------------------

#: OpenMP's wait policy for the jobs. With the default (active: idle threads spin), a 2-thread torch job on a
#: machine shared with other processes burns CPU spinning while its partner thread is descheduled: measured
#: here under load, a training step took 4.8x longer in wall time and 5x the CPU time than with PASSIVE. The jobs
#: therefore run PASSIVE unless the job says otherwise (the `threads-2-active` lever measures the default).
DEFAULT_OMP_WAIT_POLICY = "PASSIVE"


def thread_environment(threads: int, omp_wait_policy: Optional[str] = DEFAULT_OMP_WAIT_POLICY) -> Dict[str, str]:
    """Environment pinning every thread pool to ``threads`` (torch intra-op, OpenMP, MKL, OpenBLAS).

    ``omp_wait_policy`` (``PASSIVE``/``ACTIVE``) is set as ``OMP_WAIT_POLICY``; None leaves the variable alone.
    """
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[name] = str(threads)
    if omp_wait_policy:
        env["OMP_WAIT_POLICY"] = omp_wait_policy
    else:
        env.pop("OMP_WAIT_POLICY", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    return env


def job_command(job: Dict[str, Any]) -> str:
    """The ``python -m bench`` command that reruns exactly this job."""
    parts = ["python", "-m", "bench", job["case"], "--variant", str(job["variant"]), "--seeds", str(job["seed"])]
    return " ".join(shlex.quote(p) for p in parts)


def run_job(job: Dict[str, Any], *, timeout: Optional[float] = None, log_dir: Optional[Path] = None,
            command: Optional[str] = None) -> Dict[str, Any]:
    """Run one job in a fresh child process and return its complete record (not yet appended anywhere).

    Parameters
    ----------
    job : dict
        ``case``, ``variant``, ``seed``, ``kind`` and the kind's arguments (see :mod:`bench.worker`);
        ``threads`` (default 2); ``env``, extra environment variables of the child (a lever switched outside
        the estimator's hyperparameters, e.g. ``SCDSC_CHANNELS_LAST``).
    timeout : float, optional
        Seconds after which the child's process group is terminated; the record then has status ``timeout``.
    log_dir : path, optional
        Where the child's stdout/stderr go (default ``.bench-data/logs``).
    command : str, optional
        The command line that launched the benchmark (recorded).

    Returns
    -------
    dict
        With every field of :data:`RECORD_FIELDS`.
    """
    threads = int(job.get("threads", 2))
    wait_policy = job.get("omp_wait_policy", DEFAULT_OMP_WAIT_POLICY)
    log_dir = Path(log_dir or LOGS)
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    log_path = log_dir / f"{job['case']}-{job['variant']}-s{job['seed']}-{stamp}.log"
    record: Dict[str, Any] = {name: None for name in RECORD_FIELDS}
    record.update({"case": job["case"], "variant": str(job["variant"]), "seed": job["seed"], "kind": job["kind"],
                   "params": job.get("params") or {}, "threads": threads, "omp_wait_policy": wait_policy,
                   "stages": {}, "accuracy": {}, "extra": {},
                   "command": command or " ".join(shlex.quote(a) for a in sys.argv),
                   "job_command": job_command(job), "commit": git_commit(), "machine": machine_info(),
                   "log": repo_relative(log_path)})
    with tempfile.TemporaryDirectory(prefix="scdsc-bench-") as tmp:
        job_file, result_file = Path(tmp) / "job.json", Path(tmp) / "result.json"
        job_file.write_text(json.dumps({**job, "workdir": tmp}, default=str))
        record["started"] = datetime.datetime.now().isoformat(timespec="seconds")
        record["load_before"] = load_average()
        started = time.perf_counter()
        with open(log_path, "w") as log_file:
            env = {**thread_environment(threads, wait_policy), **job.get("env", {})}
            child = subprocess.Popen([sys.executable, "-m", "bench.worker", str(job_file), str(result_file)],
                                     cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)
            timed_out = threading.Event()

            def stop():
                timed_out.set()
                try:
                    os.killpg(child.pid, signal.SIGTERM)  # the child's own session: only what it started
                except ProcessLookupError:
                    pass

            timer = threading.Timer(timeout, stop) if timeout else None
            if timer:
                timer.start()
            try:
                # wait4 reaps this child and gives *its* resource usage: ru_maxrss is its own peak RSS (KiB).
                _, status, usage = os.wait4(child.pid, 0)
            finally:
                if timer:
                    timer.cancel()
            child.returncode = os.waitstatus_to_exitcode(status)
        record["wall_s"] = round(time.perf_counter() - started, 3)
        record["load_after"] = load_average()
        record["peak_rss_mb"] = round(usage.ru_maxrss / 1024.0, 1)
        record["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
        if result_file.is_file():
            result = json.loads(result_file.read_text())
            for name in ("stages", "accuracy", "n_pixels", "n_clustered", "n_bands", "extra", "error"):
                if result.get(name) is not None:
                    record[name] = repo_relative_paths(result[name])
            record["status"] = result.get("status", "ok")
            record["child_wall_s"] = result.get("wall_s")
            if result.get("vmhwm_mb"):
                record["extra"]["vmhwm_mb"] = result["vmhwm_mb"]
        else:
            record["status"] = "failed"
        if timed_out.is_set():
            record["status"] = "timeout"
            record["error"] = f"stopped after {timeout:.0f} s"
        elif child.returncode != 0 and record["status"] == "ok":
            record["status"] = "failed"
        if record["status"] != "ok" and not record.get("error"):
            record["error"] = _tail(log_path)
    return record


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --------------------------------------------------------------------------------------------------------------
# Results files
# --------------------------------------------------------------------------------------------------------------

def results_path(case: str, results_dir: Optional[Path] = None) -> Path:
    """The JSON-lines file of a case: ``bench/results/<case>.jsonl``."""
    return Path(results_dir or RESULTS) / f"{case}.jsonl"


def append_record(record: Dict[str, Any], results_dir: Optional[Path] = None) -> Path:
    """Append one record (one line) to its case's results file and return the file."""
    path = results_path(record["case"], results_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as out:
        out.write(json.dumps(record, sort_keys=True, default=str) + "\n")
    return path


def read_records(results_dir: Optional[Path] = None, case: Optional[str] = None) -> List[Dict[str, Any]]:
    """Every record of every results file (or of one case), in file order."""
    folder = Path(results_dir or RESULTS)
    files = [results_path(case, folder)] if case else sorted(folder.glob("*.jsonl"))
    records = []
    for path in files:
        if not path.is_file():
            continue
        for line in path.read_text().splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def latest(records: Iterable[Dict[str, Any]], *, ok_only: bool = True) -> List[Dict[str, Any]]:
    """The last record of each (case, variant, seed), keeping file order of first appearance."""
    chosen: Dict[tuple, Dict[str, Any]] = {}
    for record in records:
        if ok_only and record.get("status") != "ok":
            continue
        chosen[(record["case"], record["variant"], record["seed"])] = record
    return list(chosen.values())
