"""``python -m bench.gsl_cblas``: numpy's matmul with and without GSL's CBLAS loaded first, as inside QGIS.

QGIS's executables link ``libgslcblas.so.0`` before OpenBLAS; numpy's ``cblas_*`` calls then resolve to GSL's
reference implementation. This runs the same products in two fresh processes, one loading GSL's CBLAS globally
before numpy (what ``qgis.bin`` and ``qgis_process.bin`` do), and prints the times and whether the bits agree.
"""
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import subprocess
import sys

_CHILD = r"""
import ctypes, json, sys, time
if sys.argv[1] == "gsl":
    ctypes.CDLL("libgslcblas.so.0", mode=ctypes.RTLD_GLOBAL)
import numpy as np
rng = np.random.default_rng(0)
out = {}
for n, d, m in ((200_000, 103, 103), (200_000, 103, 8), (2000, 2000, 2000)):
    a, b = rng.standard_normal((n, d)), rng.standard_normal((d, m))
    a @ b
    t = time.perf_counter(); c = a @ b; out[f"{n}x{d} @ {d}x{m}"] = [time.perf_counter() - t, float(c.sum())]
print(json.dumps(out))
"""


def main() -> None:
    runs = {variant: json.loads(subprocess.run([sys.executable, "-c", _CHILD, variant], capture_output=True,
                                               text=True, check=True).stdout) for variant in ("plain", "gsl")}
    print("| product (float64) | numpy, plain process | numpy, GSL CBLAS first (QGIS) | slower | same bits |")
    print("|---|---|---|---|---|")
    for shape, (plain_s, plain_sum) in runs["plain"].items():
        gsl_s, gsl_sum = runs["gsl"][shape]
        print(f"| {shape} | {plain_s * 1e3:.1f} ms | {gsl_s * 1e3:.1f} ms | {gsl_s / plain_s:.1f}× | "
              f"{'yes' if plain_sum == gsl_sum else 'no'} |")


if __name__ == "__main__":
    main()
