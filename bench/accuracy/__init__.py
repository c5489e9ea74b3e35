"""Accuracy comparison of SCDSC against baselines on the labelled scenes (issue 7): ``python -m bench.accuracy``.

Modules: ``scenes`` (loading), ``methods`` (SCDSC variants and baselines behind one signature), ``runner``
(jobs -> JSON-lines records, resumable), ``plans`` (full / quick / paper-ablation), ``tables`` and ``report``
(Markdown blocks), ``figures`` (label maps with Hungarian-matched colours).
"""
# SPDX-License-Identifier: GPL-2.0-or-later
