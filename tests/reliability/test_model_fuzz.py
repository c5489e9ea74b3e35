"""Model files are data: a few hundred mutated copies of a valid model (bit flips, truncations, inserted and
overwritten bytes, edited metadata and arrays) each either load and label exactly like the original, or are refused
with ScdscError. Never another exception, never a crashed interpreter (the loop runs in a subprocess)."""
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import subprocess
import sys

from .reliability_helpers import REPO

SECTION = "Model files"
FUZZER = os.path.join(os.path.dirname(__file__), "fuzz_models.py")


def test_mutated_model_files_load_identically_or_are_refused(fitted, tmp_path, robustness):
    image, model = fitted
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, FUZZER, model, image, str(tmp_path)], capture_output=True, text=True,
                          cwd=str(REPO), env=env, timeout=600)
    last_case = [line for line in done.stderr.splitlines() if line.startswith("CASE")][-1:]
    assert done.returncode == 0, f"the fuzzing interpreter died (exit {done.returncode}) at {last_case}:\n" \
                                 f"{done.stderr[-3000:]}"
    report = json.loads(done.stdout)
    assert report["failures"] == [], "\n".join(f"{case}: {what}" for case, what in report["failures"])
    outcomes = report["outcomes"]
    assert report["cases"] >= 300
    # Byte-level damage is caught by the zip's CRC-32 and the checks of every array and field, except where it
    # hits bytes that carry no data (e.g. a timestamp in a zip header): then the labels are identical.
    assert set(outcomes["bytes"]) <= {"refused", "identical"}
    assert outcomes["bytes"]["refused"] >= 0.9 * sum(outcomes["bytes"].values())
    assert set(outcomes["arrays"]) <= {"refused", "identical"}

    messages = report["messages"]
    labels = {"bytes": "bytes flipped, truncated, inserted or overwritten",
              "metadata": "JSON metadata edited (types, ranges, missing fields, implied shapes)",
              "arrays": "arrays edited (shapes, dtypes, NaN/inf, removed, added, pickled objects)"}
    for kind, text in labels.items():
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes[kind].items()))
        robustness.record(SECTION, f"{sum(outcomes[kind].values())} model files with {text}",
                          f"no crash, no other exception: {counts}")
    for case in ("bytes: truncate to 30 bytes", "bytes: flip bit", "bytes: insert", "metadata: n_clusters 4",
                 "metadata: patch_size 5", "arrays: bases transposed", "arrays: object array (pickle)"):
        key = next(k for k in messages if k.startswith(case))
        outcome, message = messages[key]
        robustness.record(SECTION, f"example - {key}", outcome, message)
    # Runtime settings in the file describe the training machine; they are not applied (10**6 threads would abort
    # the interpreter in OpenMP).
    for case in ("metadata: n_threads 10**6", "metadata: device 'cuda' (absent here)"):
        assert report["accepted"].get(case) == "identical", case
        robustness.record(SECTION, f"example - {case}",
                          "accepted: identical labels; the file's device and thread count are not applied")
