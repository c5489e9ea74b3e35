"""The SCDSC Processing algorithms, one class per module."""
# SPDX-License-Identifier: GPL-2.0-or-later
from .apply import ApplyAlgorithm
from .cluster import ClusterAlgorithm
from .evaluate import EvaluateAlgorithm
from .fit import FitAlgorithm

#: Every algorithm the provider offers, in Toolbox order.
ALGORITHMS = (ClusterAlgorithm, FitAlgorithm, ApplyAlgorithm, EvaluateAlgorithm)

__all__ = ["ALGORITHMS", "ApplyAlgorithm", "ClusterAlgorithm", "EvaluateAlgorithm", "FitAlgorithm"]
