"""The generated blocks of docs/results.md: provenance, overview tables, per-scene tables, per-class tables."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

from .tables import PROTOCOL_TITLES, overview_table, per_class_table, scene_table


def _commands(records: Sequence[dict]) -> List[str]:
    return list(dict.fromkeys(r.get("run_env", {}).get("command") for r in records
                              if r.get("run_env", {}).get("command")))


def provenance(records: Sequence[dict], results: Path, report_command: str) -> str:
    """Where the numbers come from: commands, file, commit, machine, threads, load, period."""
    ok = [r for r in records if "error" not in r]
    envs = [r.get("run_env", {}) for r in records]
    commits = sorted({e.get("commit") for e in envs if e.get("commit")})
    hosts = sorted({f"{e.get('host')} ({e.get('cpus')} cores)" for e in envs if e.get("host")})
    threads = sorted({e.get("threads") for e in envs if e.get("threads")})
    loads = [r.get("env", {}).get("load1_before") for r in ok if r.get("env", {}).get("load1_before") is not None]
    finished = sorted(r.get("finished") for r in records if r.get("finished"))
    versions = next((e for e in envs if e.get("torch")), {})
    lines = [f"- Results file: `{results}` — {len(ok)} runs" +
             (f", {len(records) - len(ok)} failed" if len(records) > len(ok) else "") + "."]
    for cmd in _commands(records):
        lines.append(f"- Produced by: `{cmd}`")
    lines.append(f"- Tables by: `{report_command}`")
    if commits:
        lines.append(f"- Code: commit {', '.join(commits)}.")
    if hosts:
        lines.append(f"- Machine: {', '.join(hosts)}; {'/'.join(str(t) for t in threads)} torch/BLAS threads "
                     f"per run; other work shared the machine (1-min load average at job start "
                     f"{min(loads):.1f}–{max(loads):.1f})." if loads else f"- Machine: {', '.join(hosts)}.")
    if versions:
        lines.append(f"- Versions: Python {versions.get('python')}, numpy {versions.get('numpy')}, torch "
                     f"{versions.get('torch')}, scikit-learn {versions.get('sklearn')}, scdsc_core "
                     f"{versions.get('scdsc_core')}.")
    if finished:
        lines.append(f"- Runs finished between {finished[0]} and {finished[-1]}.")
    return "\n".join(lines)


def build_blocks(summaries: Dict, records: Sequence[dict], scenes: Sequence[str], plan, *, results: Path,
                 report_command: str, prefix: str = "results_") -> Dict[str, str]:
    """Every generated block, keyed by its marker name, in reading order."""
    by_protocol = plan.methods_by_protocol()
    source = f"\n\n_From `{results}` (see *provenance*)._"
    blocks: Dict[str, str] = {"provenance": provenance(records, results, report_command)}
    for protocol, methods in by_protocol.items():
        blocks[f"overview-{protocol}"] = (
            f"OA (%), mean ± std over seeds — {PROTOCOL_TITLES[protocol]}\n\n"
            + overview_table(summaries, scenes, protocol, methods, "oa")
            + "\n\nNMI\n\n" + overview_table(summaries, scenes, protocol, methods, "nmi") + source)
    for scene in scenes:
        for protocol, methods in by_protocol.items():
            blocks[f"{scene}-{protocol}"] = scene_table(summaries, scene, protocol, methods) + source
            blocks[f"{scene}-{protocol}-classes"] = (
                "Per-class accuracy (%), mean over seeds\n\n" + per_class_table(summaries, scene, protocol, methods)
                + source)
    blocks["figures"] = "\n\n".join(
        f"![{scene}, {protocol} protocol](images/{prefix}{scene}_{protocol}.png)"
        for scene in scenes for protocol in by_protocol)
    return blocks
