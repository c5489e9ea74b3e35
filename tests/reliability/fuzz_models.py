"""Load a few hundred mutated copies of a model file and classify every outcome; run by test_model_fuzz.py in a
subprocess so that a crash of the interpreter (a segfault in a decoder, say) is seen as a failure, not as the end of
the test session.

Usage: ``python fuzz_models.py MODEL IMAGE WORKDIR`` prints one JSON document:
``{"cases": n, "outcomes": {kind: {outcome: count}}, "failures": [[case, what], ...],
"messages": {case: [outcome, message]}, "accepted": {case: "identical" or "different"}}``.

Outcomes: ``refused`` (ScdscError at load), ``refused at predict`` (ScdscError when labelling), ``identical``
(loads and labels exactly like the original), ``different`` (loads and labels differently: allowed only when a
valid value of the metadata was edited). Anything else - another exception, different labels after a byte-level
mutation - is a failure.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import sys
from collections import Counter, defaultdict

import numpy as np

SEED = 20240611
N_FLIPS, N_TRUNCATIONS, N_INSERTIONS, N_OVERWRITES = 160, 40, 40, 20


def byte_mutations(data: bytes, rng: np.random.Generator):
    """``(name, mutated bytes)``: bit flips, truncations, inserted bytes, overwritten runs."""
    size = len(data)
    for position in rng.integers(0, size, N_FLIPS):
        bit = int(rng.integers(0, 8))
        mutated = bytearray(data)
        mutated[position] ^= 1 << bit
        yield f"flip bit {bit} of byte {position}", bytes(mutated)
    lengths = [0, 1, 4, 30, size // 2, size - 22, size - 1] + rng.integers(1, size, N_TRUNCATIONS - 7).tolist()
    for length in lengths:
        yield f"truncate to {length} bytes", data[:length]
    for position in rng.integers(0, size, N_INSERTIONS):
        inserted = rng.integers(0, 256, int(rng.integers(1, 17)), dtype=np.uint8).tobytes()
        yield f"insert {len(inserted)} bytes at {position}", data[:position] + inserted + data[position:]
    for position in rng.integers(0, size, N_OVERWRITES):
        length = int(rng.integers(8, 65))
        fill = bytes([int(rng.choice([0, 255]))]) * length
        yield f"overwrite {length} bytes at {position}", data[:position] + fill + data[position + length:]


def _meta_edits():
    """``(name, edit(meta) -> meta)``: types, ranges, missing fields, shapes implied by the metadata."""
    def set_field(field, value):
        return lambda m: {**m, field: value}

    def set_param(name, value):
        return lambda m: {**m, "hyperparameters": {**m["hyperparameters"], name: value}}

    def drop_field(field):
        return lambda m: {k: v for k, v in m.items() if k != field}

    edits = [(f"drop {field}", drop_field(field)) for field in
             ("format", "format_version", "hyperparameters", "n_features_in", "band_names", "finch_sizes",
              "selected_ratio", "history", "fit_info")]
    edits += [
        ("format_version 0", set_field("format_version", 0)),
        ("format_version 99", set_field("format_version", 99)),
        ("format_version '1'", set_field("format_version", "1")),
        ("format_version true", set_field("format_version", True)),
        ("n_features_in -3", set_field("n_features_in", -3)),
        ("n_features_in 10**12", set_field("n_features_in", 10 ** 12)),
        ("n_features_in 10.5", set_field("n_features_in", 10.5)),
        ("band_names of numbers", lambda m: {**m, "band_names": list(range(len(m["band_names"])))}),
        ("band_names one short", lambda m: {**m, "band_names": m["band_names"][:-1]}),
        ("finch_sizes negative", set_field("finch_sizes", [-1, 2])),
        ("n_mini_clusters 0", set_field("n_mini_clusters", 0)),
        ("selected_ratio a string", set_field("selected_ratio", "high")),
        ("history a dict", set_field("history", {})),
        ("fit_info a list", set_field("fit_info", [])),
        ("metadata a list", lambda m: [m]),
        ("hyperparameters a list", set_field("hyperparameters", [])),
        ("unknown hyperparameter", set_param("colour", "blue")),
        ("n_clusters 4 (bases shaped for 3)", set_param("n_clusters", 4)),
        ("n_clusters 1", set_param("n_clusters", 1)),
        ("n_clusters 10**9", set_param("n_clusters", 10 ** 9)),
        ("patch_size 5 (network for 3)", set_param("patch_size", 5)),
        ("patch_size 4", set_param("patch_size", 4)),
        ("subspace_dim 0", set_param("subspace_dim", 0)),
        ("n_components 9", set_param("n_components", 9)),
        ("eta NaN", set_param("eta", float("nan"))),
        ("eta -1", set_param("eta", -1)),
        ("eta 50 (valid: other affinities)", set_param("eta", 50.0)),
        ("mode 'slow'", set_param("mode", "slow")),
        ("device 'tpu'", set_param("device", "tpu")),
        ("device 'cuda' (absent here)", set_param("device", "cuda")),
        ("n_threads 0", set_param("n_threads", 0)),
        ("n_threads 10**6", set_param("n_threads", 10 ** 6)),
        ("random_state -1", set_param("random_state", -1)),
        ("beta 2.5 (valid, training only)", set_param("beta", 2.5)),
    ]
    return edits


def _array_edits(arrays):
    """``(name, {array: new value or None to drop})``."""
    bases = arrays["bases"]
    first_net = next(name for name in arrays if name.startswith("net.") and arrays[name].ndim == 4)
    return [
        ("bases transposed", {"bases": np.ascontiguousarray(bases.T)}),
        ("bases float64", {"bases": bases.astype(np.float64)}),
        ("bases int32", {"bases": bases.astype(np.int32)}),
        ("bases with inf", {"bases": np.where(bases == bases.min(), np.inf, bases).astype(np.float32)}),
        ("bases 0-d", {"bases": np.float32(1.0)}),
        ("bases empty", {"bases": np.zeros((0, 0), np.float32)}),
        ("bases dropped", {"bases": None}),
        (f"{first_net} one filter short", {first_net: arrays[first_net][:-1]}),
        (f"{first_net} NaN", {first_net: np.full_like(arrays[first_net], np.nan)}),
        ("pre.scale zero", {"pre.scale": np.zeros_like(arrays["pre.scale"])}),
        ("pre.scale negative", {"pre.scale": -arrays["pre.scale"]}),
        ("pre.components wrong shape", {"pre.components": arrays["pre.components"].T.copy()}),
        ("pre.mean strings", {"pre.mean": np.array(["a"] * arrays["pre.mean"].size)}),
        ("meta 2-d", {"meta": arrays["meta"][None, :]}),
        ("meta int32", {"meta": arrays["meta"].astype(np.int32)}),
        ("meta dropped", {"meta": None}),
        ("extra array", {"surprise": np.zeros(3)}),
        ("object array (pickle)", {"surprise": np.array([{"a": 1}], dtype=object)}),
        ("complex bases", {"bases": bases.astype(np.complex64)}),
        ("structured pre.mean", {"pre.mean": np.zeros(arrays["pre.mean"].shape, dtype=[("x", "f8")])}),
    ]


def repack(arrays, path, replace=None, meta_edit=None):
    """Write ``arrays`` (with replacements; None drops an array) as an npz like ``save_model`` does."""
    content = dict(arrays)
    if meta_edit is not None:
        document = json.loads(content["meta"].tobytes().decode("utf-8"))
        content["meta"] = np.frombuffer(json.dumps(meta_edit(document)).encode("utf-8"), dtype=np.uint8)
    for name, value in (replace or {}).items():
        if value is None:
            content.pop(name, None)
        else:
            content[name] = value
    with open(path, "wb") as stream:
        np.savez_compressed(stream, **content)


def main(model_path, image_path, workdir):
    from scdsc_core.errors import ScdscError
    from scdsc_core.modelfile import load_model
    from scdsc_core.raster import open_raster

    source = open_raster(image_path)
    reference = load_model(model_path).predict(source)
    with np.load(model_path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    # The run's timings are the only content that differs between two trainings: fix them, so that the layout
    # of the file - and so which mutation hits what - is the same in every session.
    base = os.path.join(workdir, "base.npz")
    repack(arrays, base, meta_edit=lambda m: {**m, "fit_info": {**m["fit_info"], "timings": {}}})
    with np.load(base, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    data = open(base, "rb").read()

    outcomes = defaultdict(Counter)
    failures, messages, accepted = [], {}, {}
    target = os.path.join(workdir, "case.npz")

    def check(kind, name, semantic=False):
        sys.stderr.write(f"CASE {kind}: {name}\n")  # the last line names the culprit if the interpreter dies
        sys.stderr.flush()
        try:
            estimator = load_model(target)
        except ScdscError as error:
            outcomes[kind]["refused"] += 1
            messages.setdefault(f"{kind}: {name}", ["refused", str(error)])
            return
        except Exception as error:  # noqa: BLE001 - any other exception is the failure being looked for
            failures.append([f"{kind}: {name}", f"load raised {type(error).__name__}: {error}"])
            return
        try:
            labels = estimator.predict(source)
        except ScdscError as error:
            outcomes[kind]["refused at predict"] += 1
            messages.setdefault(f"{kind}: {name}", ["refused when labelling", str(error)])
            return
        except Exception as error:  # noqa: BLE001
            failures.append([f"{kind}: {name}", f"predict raised {type(error).__name__}: {error}"])
            return
        if np.array_equal(labels, reference):
            outcomes[kind]["identical"] += 1
            accepted[f"{kind}: {name}"] = "identical"
        elif semantic:
            outcomes[kind]["different"] += 1
            accepted[f"{kind}: {name}"] = "different"
        else:
            failures.append([f"{kind}: {name}", "loaded, but labels differ from the original's"])

    rng = np.random.default_rng(SEED)
    for name, mutated in byte_mutations(data, rng):
        with open(target, "wb") as stream:
            stream.write(mutated)
        check("bytes", name)
    for name, edit in _meta_edits():
        repack(arrays, target, meta_edit=edit)
        check("metadata", name, semantic=True)
    for name, replace in _array_edits(arrays):
        repack(arrays, target, replace=replace)
        check("arrays", name)
    cases = sum(sum(c.values()) for c in outcomes.values()) + len(failures)
    json.dump({"cases": cases, "outcomes": {k: dict(v) for k, v in outcomes.items()}, "failures": failures,
               "messages": messages, "accepted": accepted}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:4])
