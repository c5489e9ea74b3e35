#!/usr/bin/env bash
# Make a throwaway QGIS profile in which the plugin is findable and enabled; prints the profile folder.
# Usage: scripts/qgis_profile.sh FOLDER [PLUGIN_DIR]   (PLUGIN_DIR defaults to this checkout's scdsc_qgis, symlinked)
set -euo pipefail
profile_root=$1
plugin=${2:-$(cd "$(dirname "$0")/.." && pwd)/scdsc_qgis}
plugins="$profile_root/profiles/default/python/plugins"
mkdir -p "$plugins" "$profile_root/profiles/default/QGIS"
# An unzipped plugin may already be in place: link only when the plugin lives elsewhere.
if [ "$(realpath "$plugin")" != "$(realpath -m "$plugins/scdsc_qgis")" ]; then
    ln -sfn "$plugin" "$plugins/scdsc_qgis"
fi
# Writing the ini is idempotent; 'qgis_process plugins enable' fails when the plugin is already enabled.
printf '[PythonPlugins]\nscdsc_qgis=true\n' > "$profile_root/profiles/default/QGIS/QGIS3.ini"
echo "$profile_root"
