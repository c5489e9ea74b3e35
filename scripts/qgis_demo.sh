#!/usr/bin/env bash
# make demo / make qgis-demo: run scdsc:cluster through qgis_process on the bundled synthetic scene, with a fresh
# profile, evaluated against the scene's reference (qgis_process prints OA, NMI and kappa among the results).
# Usage: scripts/qgis_demo.sh OUT_FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "$1" && cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bash scripts/qgis_profile.sh "$scratch/config" > /dev/null
read -r image reference < <(.venv/bin/python -c \
    "import sys; from scdsc_core.synthetic import write_scene; print(*write_scene(sys.argv[1]))" "$out/scene")
echo "[demo] input: $image (reference: $reference)"
started=$(date +%s)
# The venv's bin first on PATH: QGIS's embedded Python then boots as the venv and finds torch (environment.md §3).
env PATH="$(pwd)/.venv/bin:$PATH" QGIS_CUSTOM_CONFIG_PATH="$scratch/config" XDG_RUNTIME_DIR="$scratch" \
    XDG_CACHE_HOME="$scratch/cache" XDG_CONFIG_HOME="$scratch/xdg" QT_QPA_PLATFORM=offscreen \
    /usr/bin/qgis_process.bin run scdsc:cluster -- INPUT="$image" N_CLUSTERS=6 \
    REFERENCE="$reference" OUTPUT="$out/labels.tif" OUTPUT_CONFIDENCE="$out/confidence.tif" \
    OUTPUT_MODEL="$out/model.npz" OUTPUT_REPORT="$out/report.html"
echo "[demo] qgis_process run scdsc:cluster took $(( $(date +%s) - started )) s; outputs:"
for f in labels.tif labels.qml confidence.tif model.npz report.html; do
    if [ -e "$out/$f" ]; then echo "  $out/$f"; fi
done
