"""The generated blocks of docs/results.md: provenance, overview tables, per-scene tables, per-class tables."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence

from .methods import method_label
from .tables import PROTOCOL_TITLES, fmt_mean_std, ordered_methods, overview_table, per_class_table, scene_table


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


def trajectory_table(records: Sequence[dict], scenes: Sequence[str], protocol: str) -> str:
    """Where SCDSC's training goes, per method and scene: start partition (k-means or FINCH cut to K), best state along training, the state the
    label-free rule selected, and the returned labels; plus how many runs end below their start.

    "Best along training" is an oracle (it looks at the labels) shown only to tell a bad selection rule from a
    bad trajectory.
    """
    rows = {}
    for r in records:
        if "error" in r or r.get("protocol") != protocol or "trace" not in r or "start" not in r:
            continue
        rows.setdefault((r["method"], r["scene"]), {})[int(r["seed"])] = r  # last record per seed
    if not rows:
        return "(no SCDSC run with a trace yet)"
    lines = ["| method | scene | start partition | start of training | best along training (oracle) | "
             "selected by confident ratio | returned | runs below their start |",
             "|---|---|---|---|---|---|---|---|"]
    for method in ordered_methods(m for m, _ in rows):
        for scene in scenes:
            runs = list(rows.get((method, scene), {}).values())
            if not runs:
                continue
            start = [r["start"]["oa"] for r in runs]
            first = [r["trace"]["first"]["oa"] for r in runs]
            best = [r["trace"]["best"]["oa"] for r in runs]
            chosen = [r["trace"]["selected"]["oa"] for r in runs if r["trace"].get("selected")]
            final = [r["oa"] for r in runs]
            below = sum(f < s for f, s in zip(final, start))
            lines.append(f"| {method_label(method)} | {scene} | {fmt_mean_std(start, scale=100, digits=1)} | "
                         f"{fmt_mean_std(first, scale=100, digits=1)} | {fmt_mean_std(best, scale=100, digits=1)} | "
                         f"{fmt_mean_std(chosen, scale=100, digits=1)} | {fmt_mean_std(final, scale=100, digits=1)} | "
                         f"{below} of {len(runs)} |")
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
    for protocol in by_protocol:
        blocks[f"trajectory-{protocol}"] = (
            "OA (%) of SCDSC's assignments, mean ± std over seeds\n\n"
            + trajectory_table(records, scenes, protocol) + source)
    blocks["figures"] = "\n\n".join(
        f"![{scene}, {protocol} protocol](images/{prefix}{scene}_{protocol}.png)"
        for scene in scenes for protocol in by_protocol)
    blocks["trajectory-figures"] = "\n\n".join(
        f"![SCDSC along training, {protocol} protocol](images/{prefix}trajectories_{protocol}.png)"
        for protocol in by_protocol)
    return blocks
