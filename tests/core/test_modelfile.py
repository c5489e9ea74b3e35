"""Tests of the model file: round trip, atomic writing, and a clear error for every kind of damage."""
# SPDX-License-Identifier: GPL-2.0-or-later
import io
import json
import os
import zipfile

import numpy as np
import pytest
import torch

from conftest import planted_cube
from scdsc_core.errors import ScdscError
from scdsc_core.model import SCDSC
from scdsc_core.modelfile import FORMAT_VERSION, load_model, read_model_info, save_model


@pytest.fixture(scope="module")
def fitted():
    torch.set_num_threads(1)
    cube, labels = planted_cube(n_classes=2, size=16, bands=10)
    image = cube.transpose(1, 2, 0).copy()
    model = SCDSC(2, random_state=3, pretrain_epochs=2, epochs=3, kmeans_n_init=2, patch_size=3).fit(image)
    return model, image


@pytest.fixture
def saved(fitted, tmp_path):
    model, image = fitted
    path = tmp_path / "model.npz"
    save_model(model, path)
    return path, model, image


def _arrays(path):
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _write(path, arrays):
    with open(path, "wb") as stream:
        np.savez_compressed(stream, **arrays)


def _meta(arrays):
    return json.loads(arrays["meta"].tobytes().decode("utf-8"))


def _with_meta(arrays, meta):
    arrays = dict(arrays)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return arrays


def test_round_trip_predicts_identically(saved):
    path, model, image = saved
    loaded = load_model(path)
    assert np.array_equal(loaded.predict(image), model.predict(image))
    assert np.array_equal(loaded.predict_proba(image), model.predict_proba(image))
    assert loaded.get_params() == model.get_params()
    assert (loaded.n_features_in_, loaded.band_names_) == (10, model.band_names_)
    assert loaded.finch_sizes_ == model.finch_sizes_ and loaded.n_mini_clusters_ == model.n_mini_clusters_
    assert loaded.selected_epoch_ == model.selected_epoch_ and loaded.selected_ratio_ == model.selected_ratio_
    assert loaded.history_ == model.history_ and loaded.fit_info_["seed"] == 3
    assert loaded.fit_info_["timings"] == model.fit_info_["timings"]
    assert np.array_equal(loaded.bases_, model.bases_)


def test_metadata_alone_reads_without_the_weights(saved, tmp_path):
    path, model, _ = saved
    info = read_model_info(path)
    assert info["n_features_in"] == 10 and info["hyperparameters"]["n_clusters"] == 2
    assert info["band_names"] == model.band_names_
    # the weights are not read: a damaged weight member does not matter here, but does for load_model
    arrays = _arrays(path)
    broken = tmp_path / "broken.npz"
    _write(broken, {k: (v[:1] if k != "meta" and v.ndim else v) for k, v in arrays.items()})
    assert read_model_info(broken)["n_features_in"] == 10
    with pytest.raises(ScdscError, match="broken.npz is not a valid SCDSC model"):
        load_model(broken)
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ScdscError, match=r"text\.npz is not a valid SCDSC model: the archive cannot be read"):
        read_model_info(tmp_path / "text.npz")
    with pytest.raises(ScdscError, match="does not exist"):
        read_model_info(tmp_path / "missing.npz")


def test_file_is_plain_arrays_and_json(saved):
    path, model, _ = saved
    arrays = _arrays(path)  # would raise on any pickled member
    meta = _meta(arrays)
    assert meta["format"] == "scdsc-model" and meta["format_version"] == FORMAT_VERSION
    assert meta["hyperparameters"]["patch_size"] == 3 and meta["seed"] == 3
    assert arrays["bases"].dtype == np.float32 and "net.e1.weight" in arrays and "pre.components" in arrays


def test_save_is_atomic_and_leaves_no_temporary_file(fitted, tmp_path):
    model, _ = fitted
    target = tmp_path / "m.npz"
    target.write_bytes(b"old content")
    save_model(model, target)
    assert zipfile.is_zipfile(target)
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]
    with pytest.raises(ScdscError, match="cannot write model file .*does not exist"):
        save_model(model, tmp_path / "missing" / "m.npz")
    with pytest.raises(ScdscError, match="not fitted"):
        save_model(SCDSC(2), tmp_path / "x.npz")
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]


def test_missing_file(tmp_path):
    with pytest.raises(ScdscError, match=r"model file .*nothing\.npz does not exist"):
        load_model(tmp_path / "nothing.npz")


def test_not_a_zip_and_truncated_files(saved, tmp_path):
    path, _, _ = saved
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(ScdscError, match=r"text\.npz is not a valid SCDSC model: the archive cannot be read"):
        load_model(text)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ScdscError, match=r"truncated\.npz is not a valid SCDSC model"):
        load_model(truncated)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ScdscError, match="single .npy array"):
        load_model(single)


def test_corrupt_member_is_reported(saved, tmp_path):
    path, _, _ = saved
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("bases.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start:start + 16] = bytes(16)  # damage the compressed bytes of one member
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ScdscError, match=r"damaged\.npz is not a valid SCDSC model"):
        load_model(damaged)


def test_pickled_member_is_refused_without_executing_it(saved, tmp_path):
    path, _, _ = saved
    arrays = _arrays(path)
    arrays["bases"] = np.array([{"evil": 1}], dtype=object)
    evil = tmp_path / "evil.npz"
    with open(evil, "wb") as stream:
        np.savez(stream, **arrays)
    with pytest.raises(ScdscError, match=r"evil\.npz is not a valid SCDSC model: the archive cannot be read"):
        load_model(evil)


def test_newer_format_version(saved, tmp_path):
    path, _, _ = saved
    arrays = _arrays(path)
    meta = _meta(arrays)
    meta["format_version"] = 3
    newer = tmp_path / "newer.npz"
    _write(newer, _with_meta(arrays, meta))
    with pytest.raises(ScdscError, match=r"newer\.npz was written by a newer format \(v3\) than this software "
                                         r"reads \(v1\)"):
        load_model(newer)


@pytest.mark.parametrize("edit,message", [
    (lambda m: m.pop("hyperparameters"), "metadata field 'hyperparameters' is missing"),
    (lambda m: m.update(format="other"), "does not declare format 'scdsc-model'"),
    (lambda m: m.update(format_version="1"), "format_version must be an integer >= 1"),
    (lambda m: m.update(n_features_in="10"), "metadata field 'n_features_in' has the wrong type"),
    (lambda m: m["hyperparameters"].update(n_clusters=1), "invalid hyperparameters: n_clusters must be"),
    (lambda m: m["hyperparameters"].update(colour="red"), "unknown hyperparameter"),
    (lambda m: m.update(band_names=["a"]), "band_names must hold 10 names"),
    (lambda m: m.update(n_features_in=12, band_names=[str(i) for i in range(12)]),
     r"array 'pre.mean' must have shape \(12,\)"),
    (lambda m: m["hyperparameters"].update(n_clusters=3), r"array 'bases' must have shape \(288, 15\)"),
])
def test_edited_metadata(saved, tmp_path, edit, message):
    path, _, _ = saved
    arrays = _arrays(path)
    meta = _meta(arrays)
    edit(meta)
    edited = tmp_path / "edited.npz"
    _write(edited, _with_meta(arrays, meta))
    with pytest.raises(ScdscError, match=r"edited\.npz is not a valid SCDSC model: .*" + message):
        load_model(edited)


def test_invalid_json(saved, tmp_path):
    path, _, _ = saved
    arrays = _arrays(path)
    arrays["meta"] = np.frombuffer(b"{not json", dtype=np.uint8)
    bad = tmp_path / "bad.npz"
    _write(bad, arrays)
    with pytest.raises(ScdscError, match=r"bad\.npz is not a valid SCDSC model: the metadata is not valid JSON"):
        load_model(bad)


@pytest.mark.parametrize("change,message", [
    (lambda a: a.pop("net.e2.weight"), r"array 'net.e2.weight' is missing"),
    (lambda a: a.pop("meta"), r"the metadata array 'meta' is missing"),
    (lambda a: a.update(bases=a["bases"][:, :3]), r"array 'bases' must have shape \(288, 10\)"),
    (lambda a: a.update(bases=a["bases"].astype(np.float64)), r"array 'bases' must have shape .* dtype float32"),
    (lambda a: a.update({"net.e1.bias": np.full(32, np.nan, np.float32)}), "'net.e1.bias' holds NaN"),
    (lambda a: a.update(extra=np.zeros(2)), r"unexpected member\(s\) 'extra'"),
    (lambda a: a.update({"net.extra": np.zeros(2)}), r"unexpected array\(s\) net\.extra"),
    (lambda a: a.update(meta=a["meta"].astype(np.int32)), "metadata array must be 1-D uint8"),
    (lambda a: a.update({"pre.scale": -np.abs(a["pre.scale"])}), "preprocessing scales must be positive"),
])
def test_missing_or_malformed_arrays(saved, tmp_path, change, message):
    path, _, _ = saved
    arrays = _arrays(path)
    change(arrays)
    broken = tmp_path / "broken.npz"
    _write(broken, arrays)
    with pytest.raises(ScdscError, match=r"broken\.npz .*" + message):
        load_model(broken)
