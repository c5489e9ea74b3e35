"""Per-cluster mean spectra (± standard deviation) of a labelled raster: the table plugin users read a cluster
by, and the report's spectra plot (in nanometres where the raster records its wavelengths).

One blockwise pass over the source; sums in float64, so a cluster of ten million pixels keeps its mean exact to
the input's precision. Values are in the raster's physical unit: GDAL's per-band scale and offset are applied
where the file sets them (EnMAP's 0.0001 reflectance scale), the stored numbers otherwise.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from .errors import ScdscError


@dataclass
class ClusterSpectra:
    """Mean and standard deviation of every band per cluster.

    Attributes
    ----------
    mean, std : ndarray of float64, shape (K, B)
        NaN for a cluster without pixels.
    count : ndarray of int64, shape (K,)
    band_names : list of str
    wavelengths : list of float or None
        Band centres in nm, when the source knows them.
    scaled : bool
        Whether GDAL scale/offset were applied (the values are physical) or the stored numbers are shown.
    """

    mean: np.ndarray
    std: np.ndarray
    count: np.ndarray
    band_names: List[str]
    wavelengths: Optional[List[float]]
    scaled: bool


def cluster_spectra(source, labels: np.ndarray, n_clusters: int, progress=None) -> ClusterSpectra:
    """Per-cluster spectra of ``source`` under ``labels`` ((H, W), 0..K-1, -1 = not clustered)."""
    k, b = int(n_clusters), int(source.n_bands)
    sums = np.zeros((k, b))
    squares = np.zeros((k, b))
    count = np.zeros(k, dtype=np.int64)
    scales = [s if s not in (None, 0) else 1.0 for s in getattr(source, "scales", [None] * b)]
    offsets = [o if o is not None else 0.0 for o in getattr(source, "offsets", [None] * b)]
    scaled = any(s != 1.0 for s in scales) or any(o != 0.0 for o in offsets)
    scale, offset = np.asarray(scales, dtype=np.float64), np.asarray(offsets, dtype=np.float64)
    height = source.shape[0]
    for row0, row1, block in source.iter_blocks():
        if progress is not None:
            progress.check()
        lab = labels[row0:row1].ravel()
        keep = lab >= 0
        values = block.reshape(-1, b)[keep].astype(np.float64) * scale + offset
        lab = lab[keep]
        np.add.at(sums, lab, values)
        np.add.at(squares, lab, values * values)
        count += np.bincount(lab, minlength=k)
        if progress is not None:
            progress(row1 / max(height, 1), "Cluster spectra")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / count[:, None]
        var = np.maximum(squares / count[:, None] - mean * mean, 0.0)
    return ClusterSpectra(mean, np.sqrt(var), count, list(source.band_names),
                          None if source.wavelengths is None else list(source.wavelengths), scaled)


def write_spectra_csv(path: str, spectra: ClusterSpectra, class_names: List[str]) -> None:
    """One row per cluster and band: cluster value (1..K), name, band number, band name, wavelength (nm, empty
    when unknown), mean, std, pixels."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(["cluster", "name", "band", "band_name", "wavelength_nm", "mean", "std", "pixels"])
            for j in range(spectra.mean.shape[0]):
                for i in range(spectra.mean.shape[1]):
                    wavelength = "" if spectra.wavelengths is None else f"{spectra.wavelengths[i]:g}"
                    mean = "" if not np.isfinite(spectra.mean[j, i]) else f"{spectra.mean[j, i]:.6g}"
                    std = "" if not np.isfinite(spectra.std[j, i]) else f"{spectra.std[j, i]:.6g}"
                    writer.writerow([j + 1, class_names[j], i + 1, spectra.band_names[i], wavelength, mean, std,
                                     int(spectra.count[j])])
    except OSError as exc:
        raise ScdscError(f"cannot write the spectra table {path}: {exc.strerror or exc}") from None
