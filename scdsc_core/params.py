"""The hyperparameters of SCDSC, declared once.

Each :class:`Param` row says a hyperparameter's name, its ``__init__`` default, its type and range, what None and
0 mean, and the help text; where it is exposed, also its command-line option and its Processing parameter id
(stable: saved models, Processing scripts and ``qgis_process`` calls name it). From this one table come:

- the estimator's validation (:func:`problems`, used by ``SCDSC.fit`` and the model-file loader),
- the CLI's tuning options (``scdsc_core.cli``),
- the Processing algorithms' tuning parameters and their conversion to the core's values
  (``scdsc_qgis.algorithms.base``).

One meaning per value: None (an empty Processing field, an option left out) is "the mode's default"; 0 means
what the row's ``zero`` says, in every front end. ``tests/core/test_params.py`` walks the table against
``SCDSC.__init__``, the CLI parser and (in QGIS) the Processing definitions.

Nothing here imports torch, GDAL or Qt (numpy only, for its scalar types).
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

#: The largest integer a count-like hyperparameter may take (epochs, sizes, ...): far above any useful value, and
#: small enough that no size derived from it overflows a C integer on its way to numpy or torch.
MAX_INT = 2 ** 31 - 1
#: More threads than CPUs only adds contention, and a huge count makes OpenMP/OpenBLAS abort while allocating
#: their thread pools; the bound is checked where threads are set (fit, predict).
MAX_THREADS = os.cpu_count() or 1
#: numpy's SeedSequence takes any non-negative integer; torch's generators take 64 bits.
MAX_SEED = 2 ** 63 - 1


#: n_components=None: the paper's 8 pixel PCA components, or every band of a raster with fewer (a 4-band
#: orthophoto, a 7-band Landsat stack). At least 3 bands: the subspace head separates clusters by the direction of
#: a pixel's latent vector, and after the band standardisation a 2-band spectrum has a single direction left (one
#: band ratio), too little for spectral clusters; 3 bands give two independent ratios, as an RGB image has.
DEFAULT_COMPONENTS = 8
MIN_BANDS = 3

#: What None means for most optional hyperparameters (``scdsc_core.model._MODE_DEFAULTS`` holds the values).
MODE_DEFAULT = "the mode's default"


@dataclass(frozen=True)
class Param:
    """One hyperparameter.

    Attributes
    ----------
    name : str
        The ``SCDSC.__init__`` keyword.
    default : object
        Its ``__init__`` default; None = the mode's default (``scdsc_core.model._MODE_DEFAULTS``).
    kind : {"int", "float", "bool", "choice", "device"}
    help : str
        What it does, for ``--help``, Processing's help and the docs.
    minimum, maximum : number, optional
        Bounds (inclusive; ``strict`` excludes the minimum).
    odd : bool
        Only odd integers.
    choices : tuple of str
        The values of a "choice" (None is allowed when ``default`` is None).
    none : str
        What None means, for an optional row: the mode's default unless it says otherwise.
    zero : str
        What 0 means where it means something particular ("every clustered pixel"), shown in the rule.
    bound_note : str
        Said after the range in the rule (the seed's "(below 2**63)"); a row with a note names its own upper
        bound, so no "and at most N" is added to its messages.
    range_text : str
        Replaces the range in the rule ("from 1 to 16 (this machine's CPUs)").
    cli : str, optional
        The CLI option in the tuning group ("--epochs"); None = not on the CLI.
    processing : str, optional
        The Processing parameter id ("EPOCHS"); None = not in the Processing algorithms.
    label : str
        The Processing (and dock) label.
    legacy_zero : bool
        Processing only: 0 is also accepted as "the mode's default", as the first releases documented it. Only
        where 0 is not a valid core value, so the two meanings never meet.
    """

    name: str
    default: Any
    kind: str
    help: str
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    strict: bool = False
    odd: bool = False
    choices: Tuple[str, ...] = ()
    none: str = MODE_DEFAULT
    zero: str = ""
    bound_note: str = ""
    range_text: str = ""
    cli: Optional[str] = None
    processing: Optional[str] = None
    label: str = ""
    legacy_zero: bool = False

    def sentence(self) -> str:
        """The help text as a sentence ("Weight of ... term."), as the Processing help shows it."""
        return self.help[:1].upper() + self.help[1:] + "."

    @property
    def optional(self) -> bool:
        """None is a valid value (the mode's default)."""
        return self.default is None

    # ---- validation
    def check(self, value) -> bool:
        """Whether ``value`` is valid."""
        if value is None:
            return self.optional
        if self.kind == "bool":
            return isinstance(value, (bool, np.bool_))
        if self.kind == "choice":
            return isinstance(value, str) and value in self.choices
        if self.kind == "device":
            return _device_name(value)
        if self.kind == "int":
            if not is_int(value):
                return False
            if self.odd and value % 2 != 1:
                return False
        elif not _is_number(value):
            return False
        high = self.maximum if self.maximum is not None else (MAX_INT if self.kind == "int" else None)
        if self.minimum is not None and (value <= self.minimum if self.strict else value < self.minimum):
            return False
        return high is None or value <= high

    def rule(self) -> str:
        """The rule as the user reads it: "None or an odd integer >= 1 (0 = ...)"."""
        if self.kind == "bool":
            text = "True or False"
        elif self.kind == "choice":
            quoted = [repr(c) for c in self.choices]
            text = " or ".join(quoted) if len(quoted) <= 2 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        elif self.kind == "device":
            text = "'auto', 'cpu', 'cuda' or 'cuda:N'"
        else:
            noun = ("an odd integer" if self.odd else "an integer") if self.kind == "int" else "a number"
            if self.range_text:
                text = f"{noun} {self.range_text}"
            elif self.minimum is not None:
                text = f"{noun} {'>' if self.strict else '>='} {_plain(self.minimum)}"
            else:
                text = noun
            if self.bound_note:
                text += f" {self.bound_note}"
            if self.zero:
                text += f" (0 = {self.zero})"
        if self.optional:
            if self.kind == "choice":
                return "None, " + text if len(self.choices) >= 2 else "None or " + text
            return "None or " + text if self.kind != "bool" else "None, True or False"
        return text

    def problem(self, value) -> Optional[str]:
        """The message for ``value`` when it breaks the rule ("epochs must be None or an integer >= 1, got 0")."""
        if self.check(value):
            return None
        return f"{self.name} must be {self.rule()}{_bound_message(self, value)}, got {_shown(value)}"

    def bound(self) -> Optional[int]:
        """The upper bound a message names when an integer is too large (None when the rule names its own)."""
        if self.kind != "int" or self.bound_note or self.range_text or self.maximum is not None:
            return None
        return MAX_INT


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value) -> bool:
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, (bool, np.bool_)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int with hundreds of digits
        return False


def _device_name(value) -> bool:
    if not isinstance(value, str):
        return False
    if value in ("auto", "cpu", "cuda"):
        return True
    return value.startswith("cuda:") and value[5:].isdigit()


#: Every hyperparameter of :class:`scdsc_core.model.SCDSC`, in ``__init__`` order.
PARAMS: Tuple[Param, ...] = (
    Param("n_clusters", 8, "int", "number of clusters K (2 <= K, far below the number of clustered pixels)",
          minimum=2, label="Number of clusters"),
    Param("mode", "fast", "choice", "'fast': mini-batches with refreshed targets, early stopping, training on a "
          "sample; 'paper': the authors' full-batch pipeline", choices=("fast", "paper"), label="Mode"),
    Param("n_components", None, "int", "pixel PCA components (network input channels); at most the number of "
          "bands", minimum=1, none="min(8, the number of bands)", cli="--pca-components", processing="PCA_COMPONENTS",
          label="Pixel PCA components"),
    Param("patch_size", 7, "int", "network patch side (odd)", minimum=3, odd=True),
    Param("subspace_dim", 5, "int", "basis vectors per cluster subspace", minimum=1),
    Param("eta", 5.0, "float", "affinity offset of the soft assignment", minimum=0, strict=True),
    Param("alpha", 3.0, "float", "weight of the mini-cluster (non-local) KL term", minimum=0,
          cli="--alpha", processing="ALPHA", label="Mini-cluster loss weight (alpha)"),
    Param("beta", None, "float", "weight of the spatial-smoothing (local) KL term (default: 7 in paper mode, "
          "1 in fast mode)", minimum=0, cli="--beta", processing="BETA", label="Smoothing loss weight (beta)"),
    Param("window", 7, "int", "side of the smoothing window w, in pixels (odd)", minimum=1, odd=True,
          cli="--window", processing="WINDOW", label="Smoothing window (pixels)"),
    Param("orth_weight", 1e-3, "float", "weight of each basis-orthogonality norm", minimum=0),
    Param("learning_rate", None, "float", "Adam learning rate of the clustering stage", minimum=0, strict=True,
          cli="--learning-rate", processing="LEARNING_RATE", label="Learning rate", legacy_zero=True),
    Param("pretrain_epochs", None, "int", "autoencoder pretraining epochs", minimum=0, zero="no pretraining",
          cli="--pretrain-epochs", processing="PRETRAIN_EPOCHS", label="Autoencoder pretraining epochs"),
    Param("pretrain_batch_size", None, "int", "pretraining mini-batch size", minimum=1),
    Param("epochs", None, "int", "clustering epochs (paper: full-batch steps; fast: the maximum number of passes "
          "over the sample)", minimum=1, cli="--epochs", processing="EPOCHS", label="Clustering epochs",
          legacy_zero=True),
    Param("batch_size", None, "int", "clustering mini-batch size", minimum=0, zero="full batch",
          cli="--batch-size"),
    Param("refresh_every", None, "int", "steps between refreshes of the target bank (fast mode)", minimum=1),
    Param("live_targets", None, "bool", "fast mode: each step's assignments update the targets"),
    Param("patience", None, "int", "refreshes without a new maximum of the confident ratio before stopping",
          minimum=0, zero="no early stop"),
    Param("sample_size", None, "int", "pixels the network is trained on (all clustered pixels are labelled)",
          minimum=0, zero="every clustered pixel", cli="--sample-size", processing="SAMPLE_SIZE",
          label="Training sample size (pixels)"),
    Param("mini_clusters", "finch", "choice", "what the non-local term holds together: the FINCH mini-clusters "
          "(the method), or each training pixel alone (the paper's 'Baseline (EDESC)' ablation: a per-pixel "
          "self-training target)", choices=("finch", "pixels")),
    Param("finch_level", 1, "int", "FINCH partition used as mini-clusters (1 = the second level, as the paper)",
          minimum=0, cli="--finch-level"),
    Param("finch_patch", 17, "int", "patch side of the FINCH features (odd)", minimum=1, odd=True),
    Param("finch_components", 300, "int", "PCA size of the FINCH features", minimum=1),
    Param("kmeans_n_init", None, "int", "k-means restarts of the initialisation", minimum=1),
    Param("init", None, "choice", "start partition of the subspaces: k-means on the pretrained latents (the "
          "paper) or the FINCH hierarchy cut to K", choices=("kmeans", "finch"), cli="--init", processing="INIT",
          label="Start partition"),
    Param("selection", None, "choice", "which training state is returned: the one with the most confident "
          "pixels (the official code), or that one unless the start partition is clearly more spatially coherent",
          choices=("ratio", "coherence"), cli="--selection", processing="SELECTION", label="Returned state"),
    Param("bf16", False, "bool", "bf16 autocast for the autoencoder"),
    Param("device", "auto", "device", "torch device"),
    Param("n_threads", None, "int", "torch and BLAS threads during fit and predict", minimum=1,
          maximum=MAX_THREADS, range_text=f"from 1 to {MAX_THREADS} (this machine's CPUs)", cli="--threads",
          none="torch's and the BLAS's own thread counts, left as they are"),
    Param("max_memory", None, "float", "memory budget of fit and predict, in GiB: a run that would need more is "
          "refused before it starts", minimum=0, strict=True, none="three quarters of this machine's RAM",
          cli="--max-memory"),
    Param("random_state", None, "int", "seed of every random step", minimum=0, maximum=MAX_SEED,
          bound_note="(below 2**63)", none="a fresh seed, recorded in fit_info_['seed']"),
)

BY_NAME: Dict[str, Param] = {p.name: p for p in PARAMS}

#: Labels of the choice values in the Processing enums (index 0 is always "the mode's default").
CHOICE_LABELS: Dict[str, Dict[str, str]] = {
    "init": {"kmeans": "k-means on the latents (paper)", "finch": "FINCH cut to K"},
    "selection": {"ratio": "Most confident pixels (paper)", "coherence": "More coherent of start and trained"},
}


def problems(values: Dict[str, Any]) -> List[str]:
    """Every broken rule of ``values`` (name -> value), as messages: "epochs must be None or an integer >= 1,
    got 0"."""
    return [message for p in PARAMS if (message := p.problem(values[p.name])) is not None]


def _bound_message(p: Param, value) -> str:
    """" and at most N" when an integer breaks only the upper bound that the rule does not name."""
    high = p.bound()
    if high is not None and is_int(value) and value > high:
        return f" and at most {high}"
    return ""


def _shown(value) -> str:
    """``repr(value)`` for a message, shortened: a 5000-digit integer must not fill the terminal (or fail to print:
    Python refuses to convert ints of more than 4300 digits to text)."""
    if is_int(value) and abs(int(value)).bit_length() > 200:
        return f"an integer of about {int(abs(int(value)).bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def exposed(front: str) -> Tuple[Param, ...]:
    """The rows a front end exposes: ``front`` is "cli" or "processing"."""
    return tuple(p for p in PARAMS if getattr(p, front))


def translatable() -> List[str]:
    """The texts of the spec that the QGIS plugin shows, for its translation files
    (``scripts/update_translations.py`` adds them to the ``tr()`` literals it collects)."""
    texts = []
    for p in exposed("processing"):
        texts += [p.label, p.sentence()] + ([p.zero] if p.zero else []) + ([p.none] if p.none != MODE_DEFAULT else [])
        texts += [CHOICE_LABELS[p.name][c] for c in p.choices]
    return list(dict.fromkeys(texts))
