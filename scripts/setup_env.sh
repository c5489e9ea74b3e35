#!/usr/bin/env bash
# Idempotent set-up: Debian packages (QGIS, GDAL), .venv on Debian's python3, pinned Python packages.
# A second run does nothing but check stamps (well under 10 s).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
APT_PKGS="qgis python3-qgis qgis-providers gdal-bin python3-gdal python3-venv xvfb xauth qttools5-dev-tools"

need_apt=0
for pkg in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || { need_apt=1; break; }
done
if [ "$need_apt" = 1 ]; then
    echo "[setup] installing Debian packages: $APT_PKGS"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $APT_PKGS
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "[setup] creating $VENV on /usr/bin/python3 (sees Debian's numpy, scipy, GDAL, QGIS)"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
/usr/bin/python3 -c 'import numpy, scipy; print(f"numpy=={numpy.__version__}\nscipy=={scipy.__version__}\ntorch==2.13.0")' \
    > "$VENV/pins.new"
cmp -s "$VENV/pins.new" "$VENV/pins.txt" 2>/dev/null || mv "$VENV/pins.new" "$VENV/pins.txt"
rm -f "$VENV/pins.new"

stamp="$VENV/.installed-$(cat requirements.txt pyproject.toml "$VENV/pins.txt" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
    echo "[setup] installing Python packages into $VENV (torch==2.13.0 CPU, scikit-learn, pyqtgraph, pytest)"
    "$VENV/bin/python" -m pip install -q -c "$VENV/pins.txt" -r requirements.txt 2>&1 \
        | grep -vE "is ignored: it is neither a file nor a directory|Can't uninstall 'packaging'" || true
    "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -c "$VENV/pins.txt" -e . 2>&1 \
        | grep -vE "is ignored: it is neither a file nor a directory" || true
    "$VENV/bin/python" -c "import torch, sklearn, pyqtgraph, osgeo.gdal, scdsc_core" \
        || { echo "[setup] the virtual environment is broken" >&2; exit 1; }
    rm -f "$VENV"/.installed-*
    touch "$stamp"
fi
