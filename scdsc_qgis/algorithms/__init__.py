"""The SCDSC Processing algorithms, one class per module."""
# SPDX-License-Identifier: GPL-2.0-or-later
from .apply import ApplyAlgorithm
from .apply_many import ApplyManyAlgorithm
from .cluster import ClusterAlgorithm
from .evaluate import EvaluateAlgorithm
from .fit import FitAlgorithm
from .fit_many import FitManyAlgorithm
from .stack import StackAlgorithm

#: Every algorithm the provider offers, in Toolbox order.
ALGORITHMS = (ClusterAlgorithm, FitAlgorithm, FitManyAlgorithm, ApplyAlgorithm, ApplyManyAlgorithm,
              EvaluateAlgorithm, StackAlgorithm)

__all__ = ["ALGORITHMS", "ApplyAlgorithm", "ApplyManyAlgorithm", "ClusterAlgorithm", "EvaluateAlgorithm",
           "FitAlgorithm", "FitManyAlgorithm", "StackAlgorithm"]
