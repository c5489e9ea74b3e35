"""Which methods run under which protocol with how many seeds: the full comparison and its quick subset."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from .runner import Job, make_jobs
from .scenes import GENERATED_NAMES, SCENE_NAMES

BASELINES = ("kmeans", "finch", "finch-patch", "gmm", "spectral")
FAST_ABLATIONS = ("scdsc-fast", "scdsc-fast-kmeans", "scdsc-fast-none", "scdsc-fast-local", "scdsc-fast-mc")
#: Label-free alternatives to the fast-mode defaults, tried on every scene alike (never tuned per scene).
EXPLORE = ("scdsc:mode=fast,init=finch", "scdsc:mode=fast,beta=7", "scdsc:mode=fast,alpha=0,init=finch",
           "scdsc:mode=fast,alpha=1", "scdsc:mode=fast,finch_level=3", "scdsc:mode=fast,finch_level=2")
PAPER_ABLATIONS = ("scdsc-paper", "scdsc-paper-none", "scdsc-paper-local", "scdsc-paper-mc")


@dataclass(frozen=True)
class Plan:
    """A named set of runs: (protocol, methods, seeds, tier) groups over some scenes.

    Attributes
    ----------
    name : str
    scenes : tuple of str
    groups : tuple of (protocol, methods, seeds, tier)
        Lower tiers run first. Inside a tier the seed varies slowest, so an interrupted run has about the same
        number of seeds for every method, scene and protocol of the tier.
    note : str
        What the plan is for and what it costs, shown by ``python -m bench.accuracy list``.
    """

    name: str
    scenes: Tuple[str, ...]
    groups: Tuple[Tuple[str, Tuple[str, ...], Tuple[int, ...], int], ...]
    note: str = ""

    def jobs(self, scenes: Sequence[str] = None) -> List[Job]:
        """Every job of the plan (optionally restricted to some scenes), in the order they should run."""
        keyed = []
        for g, (protocol, methods, seeds, tier) in enumerate(self.groups):
            for seed in seeds:
                for s, scene in enumerate(scenes or self.scenes):
                    for m, job in enumerate(make_jobs([scene], {protocol: methods}, [seed])):
                        keyed.append(((tier, seed, g, s, m), job))
        return [job for _, job in sorted(keyed, key=lambda kv: kv[0])]

    def methods_by_protocol(self) -> Dict[str, List[str]]:
        """The methods of each protocol, in plan order."""
        out: Dict[str, List[str]] = {}
        for protocol, methods, _, _ in self.groups:
            out.setdefault(protocol, [])
            out[protocol].extend(m for m in methods if m not in out[protocol])
        return out

    def protocols(self) -> List[str]:
        """The protocols the plan uses, in order."""
        return list(self.methods_by_protocol())


SEEDS = tuple(range(10))

PLANS: Dict[str, Plan] = {p.name: p for p in [
    Plan("full", SCENE_NAMES, (
        ("labelled", BASELINES, SEEDS, 0),
        ("all", BASELINES, SEEDS, 0),
        ("labelled", FAST_ABLATIONS, SEEDS, 1),
        ("labelled", ("scdsc-paper",), SEEDS[:3], 1),
        ("all", ("scdsc-fast", "scdsc-fast-none"), SEEDS, 1),
        ("labelled", ("scdsc-fast-edesc", "scdsc-fast-edesc-local"), SEEDS, 1),
        ("labelled", ("scdsc-paper",), SEEDS[3:], 2),
    ), note="Every method, 10 seeds (0-9), both protocols; SCDSC paper mode (400 full-batch epochs) and the "
            "singleton-mini-cluster (EDESC-style) variants on the labelled protocol only (paper mode's seeds 3-9 "
            "last). Order: the baselines; then seed by seed the fast-mode runs with paper mode's "
            "seeds 0-2; then paper mode's seeds 3-9."),
    Plan("generated", GENERATED_NAMES, (
        ("all", BASELINES, SEEDS, 0),
        ("all", ("scdsc-fast",), SEEDS, 1),
    ), note="The two generated scenes that no default was chosen on (bench/accuracy/scenes.py: a 10 m and a 30 m "
            "layout with class mixes no benchmark scene has), every valid pixel clustered, 10 seeds: the "
            "baselines and SCDSC fast mode at its defaults (about 40 minutes on 2 cores)."),
    Plan("paper-ablation", SCENE_NAMES, (
        ("labelled", PAPER_ABLATIONS[1:], (0, 1, 2), 0),
    ), note="The ablations in paper mode, 3 seeds: the paper's Table 5 setting, expensive."),
    Plan("explore", SCENE_NAMES, (
        ("labelled", EXPLORE, (0,), 0),
        ("labelled", EXPLORE, (1, 2), 1),
    ), note="Label-free alternatives to the fast-mode defaults (issue 7, task 2), each on every scene: coarser "
            "FINCH mini-clusters, the PaviaU smoothing weight, a stronger mini-cluster term."),
    Plan("quick", SCENE_NAMES, (
        ("labelled", ("kmeans", "finch", "finch-patch", "gmm"), (0, 1, 2), 0),
        ("all", ("kmeans", "finch-patch"), (0, 1), 0),
        ("labelled", ("scdsc-fast",), (0,), 1),
    ), note="A subset that runs in under 15 minutes on an idle 2-core machine: the baselines (2-3 seeds) and "
            "SCDSC fast mode (1 seed)."),
]}


def custom_plan(methods: Sequence[str], protocols: Sequence[str], seeds: Sequence[int],
                scenes: Sequence[str] = SCENE_NAMES, name: str = "custom") -> Plan:
    """A plan from command-line choices (used for the label-free default search)."""
    return Plan(name, tuple(scenes), tuple((p, tuple(methods), tuple(int(s) for s in seeds), 0) for p in protocols),
                note="from the command line")


def parse_seeds(text: str) -> List[int]:
    """``"0-9"``, ``"0,3,5"`` or ``"2"`` -> list of seeds."""
    seeds: List[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "-" in part:
            a, b = (int(v) for v in part.split("-", 1))
            seeds.extend(range(a, b + 1))
        else:
            seeds.append(int(part))
    return seeds
