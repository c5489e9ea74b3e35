"""Regenerate the measured tables of ``docs/benchmarks.md`` from ``bench/results/*.jsonl``.

Only the text between ``<!-- bench:begin NAME -->`` and ``<!-- bench:end NAME -->`` markers is replaced; every
hand-written paragraph (targets met or missed, causes, the lead's "Core timings" section) is left as it is.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Dict, List, Optional

from .cases import CASES, scenes_table
from .runner import REPO, RESULTS, latest, read_records

log = logging.getLogger("bench.report")

DOC = REPO / "docs" / "benchmarks.md"

_BLOCK = re.compile(r"(<!-- bench:begin (?P<name>[\w:.-]+) -->\n)(?P<body>.*?)(<!-- bench:end (?P=name) -->)",
                    re.DOTALL)


def machine_block(records: List[Dict]) -> str:
    """The machine, library versions and commits the recorded figures come from."""
    if not records:
        return "_No measurement recorded yet._"
    last = max(records, key=lambda r: r.get("started") or "")
    m = last.get("machine") or {}
    shas = sorted({(r.get("commit") or {}).get("short") or "?" for r in records})
    lines = [
        f"- CPU: {m.get('cpu')} ({m.get('cores')} cores usable, flags: {', '.join(m.get('cpu_flags') or []) or '–'}),"
        f" RAM {m.get('ram_gib')} GiB; {m.get('os')}",
        f"- Python {m.get('python')}, torch {m.get('torch')}, numpy {m.get('numpy')}, scikit-learn "
        f"{m.get('scikit-learn')}, GDAL {m.get('gdal')}",
        f"- Threads: every job runs in a fresh process with torch, OpenMP, MKL and OpenBLAS pinned to the job's "
        f"thread count (2 unless a table says otherwise) and `OMP_WAIT_POLICY=PASSIVE` (see the thread-settings "
        f"lever: with OpenMP's default spinning, a shared machine's wall times are several times worse).",
        f"- Commits measured: {', '.join(shas)} (a `+` after a commit in a table means the core or bench had "
        f"uncommitted changes at the time).",
        f"- Records: `bench/results/*.jsonl` ({len(records)} kept: the latest successful run of each case, variant "
        f"and seed). Each holds the exact command (`job_command`), the load average before and after, the stage "
        f"timings and the peak RSS of its own process.",
    ]
    return "\n".join(lines)


def build_blocks(records: List[Dict]) -> Dict[str, str]:
    """Every generated block, keyed by marker name."""
    kept = latest(records)
    blocks = {"machine": machine_block(kept),
              "scenes": scenes_table([r for r in kept if r["case"] == "scenes"])}
    for name, case in CASES.items():
        blocks[f"case:{name}"] = case.table([r for r in kept if r["case"] == name])
    return blocks


def regenerate(doc: Optional[Path] = None, results_dir: Optional[Path] = None) -> Path:
    """Rewrite the generated blocks of ``doc`` (default ``docs/benchmarks.md``) from the results files.

    A missing document is created from :func:`skeleton` first. Blocks without markers in the document are
    skipped (with a log message).
    """
    doc = Path(doc or DOC)
    if not doc.is_file():
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(skeleton())
    text = doc.read_text()
    blocks = build_blocks(read_records(results_dir or RESULTS))
    found = set()

    def replace(match):
        name = match.group("name")
        found.add(name)
        if name not in blocks:
            return match.group(0)
        return match.group(1) + blocks[name].rstrip() + "\n" + match.group(4)

    text = _BLOCK.sub(replace, text)
    for name in sorted(set(blocks) - found):
        log.warning("docs/benchmarks.md has no block %r: its table was not written", name)
    doc.write_text(text)
    return doc


def skeleton() -> str:
    """A minimal benchmarks document with one generated block per case (used when the file is missing)."""
    parts = ["# Benchmarks", "", "## Machine", "", "<!-- bench:begin machine -->", "<!-- bench:end machine -->", "",
             "## Scenes", "", "<!-- bench:begin scenes -->", "<!-- bench:end scenes -->", ""]
    for name, case in CASES.items():
        parts += [f"## {case.title}", "", f"Target: {case.target}.", "", f"<!-- bench:begin case:{name} -->",
                  f"<!-- bench:end case:{name} -->", ""]
    parts += ["## Core timings", ""]
    return "\n".join(parts)
