"""The SCDSC provider, its algorithms' parameters, the plugin object and the dependency helper."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
from qgis.core import (QgsApplication, QgsProcessingException, QgsProcessingParameterBand,
                       QgsProcessingParameterDefinition, QgsProcessingParameterEnum,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterMapLayer,
                       QgsProcessingParameterRasterDestination)

from scdsc_qgis import deps

REPO = Path(__file__).resolve().parents[2]

TRAINING = {"N_CLUSTERS", "MODE", "SAMPLE_SIZE", "EPOCHS", "PRETRAIN_EPOCHS", "LEARNING_RATE", "ALPHA", "BETA",
            "WINDOW", "PCA_COMPONENTS", "INIT", "SELECTION", "SEED", "DEVICE"}
PARAMETERS = {
    "scdsc:cluster": {"INPUT", "BANDS", "MASK", "MASK_RULE", "REFERENCE", "OUTPUT", "OUTPUT_CONFIDENCE",
                      "OUTPUT_MODEL", "OUTPUT_REPORT", "OUTPUT_SPECTRA"} | TRAINING,
    "scdsc:fit": {"INPUT", "BANDS", "MASK", "MASK_RULE", "OUTPUT_MODEL", "OUTPUT", "OUTPUT_REPORT"} | TRAINING,
    "scdsc:apply": {"MODEL", "INPUT", "BANDS", "MASK", "MASK_RULE", "DEVICE", "REFERENCE", "OUTPUT",
                    "OUTPUT_CONFIDENCE", "OUTPUT_SPECTRA"},
    "scdsc:apply_many": {"MODEL", "INPUTS", "CONFIDENCE", "WINDOW_ROWS", "SCHEDULER", "OUTPUT_FOLDER"},
    "scdsc:evaluate": {"INPUT", "REFERENCE"},
    "scdsc:stack": {"PRODUCT", "FOLDER", "GRID", "PIXEL_SIZE", "RESAMPLING", "OUTPUT"},
    "scdsc:fit_many": {"INPUTS", "SAMPLE_WINDOW", "SCHEDULER", "OUTPUT_MODEL"} | TRAINING,
}
DISPLAY_NAMES = {"scdsc:cluster": "SCDSC clustering", "scdsc:fit": "Train SCDSC model",
                 "scdsc:apply": "Apply SCDSC model", "scdsc:apply_many": "Apply SCDSC model to many rasters",
                 "scdsc:evaluate": "Evaluate clustering against reference",
                 "scdsc:stack": "Stack a multi-file product",
                 "scdsc:fit_many": "Train SCDSC model on many rasters"}
ADVANCED = {"SAMPLE_SIZE", "EPOCHS", "PRETRAIN_EPOCHS", "LEARNING_RATE", "ALPHA", "BETA", "WINDOW", "PCA_COMPONENTS",
            "INIT", "SELECTION", "DEVICE", "WINDOW_ROWS", "SCHEDULER", "SAMPLE_WINDOW"}


def test_provider_registers_its_algorithms(provider):
    registry = QgsApplication.processingRegistry()
    assert registry.providerById("scdsc") is provider
    assert provider.name() == "SCDSC"
    assert not provider.icon().isNull()
    assert os.path.isfile(provider.svgIconPath())
    for algorithm_id, display_name in DISPLAY_NAMES.items():
        algorithm = registry.algorithmById(algorithm_id)
        assert algorithm is not None, algorithm_id
        assert algorithm.displayName() == display_name
        assert (algorithm.group(), algorithm.groupId()) == ("Clustering", "clustering")
    assert {a.id() for a in provider.algorithms()} == set(DISPLAY_NAMES)


@pytest.mark.parametrize("algorithm_id", sorted(PARAMETERS))
def test_parameters_and_help(provider, algorithm_id):
    algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    names = {p.name() for p in algorithm.parameterDefinitions()}
    assert names == PARAMETERS[algorithm_id]
    help_text = algorithm.shortHelpString()
    for parameter in algorithm.parameterDefinitions():
        assert parameter.help(), parameter.name()
        assert f"<code>{parameter.name()}</code>" in help_text
        advanced = bool(parameter.flags() & QgsProcessingParameterDefinition.FlagAdvanced)
        assert advanced == (parameter.name() in ADVANCED), parameter.name()


def test_parameter_types(provider):
    cluster = QgsApplication.processingRegistry().algorithmById("scdsc:cluster")
    bands = cluster.parameterDefinition("BANDS")
    assert isinstance(bands, QgsProcessingParameterBand)
    assert bands.allowMultiple() and bands.parentLayerParameterName() == "INPUT"
    assert bands.flags() & QgsProcessingParameterDefinition.FlagOptional
    assert isinstance(cluster.parameterDefinition("MASK"), QgsProcessingParameterMapLayer)
    assert cluster.parameterDefinition("MODE").options()[0].startswith("Fast")
    assert len(cluster.parameterDefinition("DEVICE").options()) == 3
    assert isinstance(cluster.parameterDefinition("MODE"), QgsProcessingParameterEnum)
    k = cluster.parameterDefinition("N_CLUSTERS")
    assert (k.minimum(), k.maximum(), k.defaultValue()) == (2, 255, 8)
    assert isinstance(cluster.parameterDefinition("OUTPUT"), QgsProcessingParameterRasterDestination)
    for name in ("OUTPUT_CONFIDENCE", "OUTPUT_MODEL", "OUTPUT_REPORT"):
        definition = cluster.parameterDefinition(name)
        assert definition.flags() & QgsProcessingParameterDefinition.FlagOptional, name
        assert not definition.createByDefault(), name
    assert isinstance(cluster.parameterDefinition("OUTPUT_MODEL"), QgsProcessingParameterFileDestination)
    assert cluster.parameterDefinition("OUTPUT_REPORT").defaultFileExtension() == "html"
    fit = QgsApplication.processingRegistry().algorithmById("scdsc:fit")
    assert not fit.parameterDefinition("OUTPUT_MODEL").flags() & QgsProcessingParameterDefinition.FlagOptional
    assert {o.name() for o in cluster.outputDefinitions()} >= {"OUTPUT", "OA", "NMI", "KAPPA"}


def test_training_params_pass_only_what_was_set(provider):
    """Empty means "mode default": such knobs are not passed to the core. 0 means what it means in the core
    (every pixel, no pretraining), except where the core has no 0 (epochs, learning rate: the old "default")."""
    from qgis.core import QgsProcessingContext
    cluster = QgsApplication.processingRegistry().algorithmById("scdsc:cluster").create()
    context = QgsProcessingContext()
    assert cluster._training_params({}, context) == {}
    assert cluster._training_params({"SAMPLE_SIZE": 0, "PRETRAIN_EPOCHS": 0, "EPOCHS": 0, "LEARNING_RATE": 0.0},
                                    context) == {"sample_size": 0, "pretrain_epochs": 0}
    assert cluster._training_params({"INIT": 2, "SELECTION": 1}, context) == {"init": "finch", "selection": "ratio"}
    params = cluster._training_params({"SAMPLE_SIZE": 500, "EPOCHS": 3, "PRETRAIN_EPOCHS": 2,
                                       "LEARNING_RATE": 0.01, "ALPHA": 0.0, "BETA": 2.5, "WINDOW": 5}, context)
    assert params == {"sample_size": 500, "epochs": 3, "pretrain_epochs": 2, "learning_rate": 0.01, "alpha": 0.0,
                      "beta": 2.5, "window": 5}


def test_missing_torch_gives_install_message(provider, planted_raster, tmp_path, monkeypatch):
    import processing
    monkeypatch.setitem(sys.modules, "torch", None)  # find_spec -> None: "not importable"
    assert deps.missing_dependencies() == ["torch"]
    with pytest.raises(QgsProcessingException, match=r"torch.*(?s:.*)install"):
        processing.run("scdsc:cluster", {"INPUT": planted_raster[0], "N_CLUSTERS": 4,
                                         "OUTPUT": str(tmp_path / "labels.tif")})
    assert not (tmp_path / "labels.tif").exists()


def test_plugin_loads_without_heavy_imports(tmp_path):
    """Loading the plugin and its provider imports neither torch, scikit-learn nor the core's API, and the
    provider registers when torch cannot be imported at all."""
    script = textwrap.dedent(f"""
        import sys
        sys.modules["torch"] = None
        from qgis.core import QgsApplication
        app = QgsApplication([], False)
        app.initQgis()
        import scdsc_qgis
        plugin = scdsc_qgis.classFactory(None)
        plugin.initProcessing()
        ids = sorted(a.id() for a in QgsApplication.processingRegistry().providerById("scdsc").algorithms())
        heavy = sorted(m for m in ("sklearn", "scdsc_core.api", "scdsc_core.model", "osgeo.gdal_array")
                       if sys.modules.get(m) is not None)
        print("IDS", ",".join(ids))
        print("HEAVY", ",".join(heavy))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path),
               PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert "IDS scdsc:apply,scdsc:apply_many,scdsc:cluster,scdsc:evaluate,scdsc:fit,scdsc:fit_many,scdsc:stack" in done.stdout, done.stderr
    assert "HEAVY \n" in done.stdout, done.stdout


class FakeIface:
    """The parts of QgisInterface the plugin uses, recording what was added."""

    def __init__(self):
        from qgis.gui import QgsMessageBar
        from qgis.PyQt.QtWidgets import QMainWindow
        self.window = QMainWindow()
        self.bar = QgsMessageBar()
        self.toolbar, self.menu, self.docks = [], [], []

    def mainWindow(self):  # noqa: N802
        return self.window

    def messageBar(self):  # noqa: N802
        return self.bar

    def addToolBarIcon(self, action):  # noqa: N802
        self.toolbar.append(action)

    def removeToolBarIcon(self, action):  # noqa: N802
        self.toolbar.remove(action)

    def addPluginToRasterMenu(self, menu, action):  # noqa: N802
        self.menu.append((menu, action.text()))

    def removePluginRasterMenu(self, menu, action):  # noqa: N802
        self.menu.remove((menu, action.text()))

    def addDockWidget(self, area, dock):  # noqa: N802
        self.docks.append(dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.docks.remove(dock)


def test_plugin_gui_adds_and_removes_everything(qgis_app, qgis_processing, monkeypatch):
    """initGui: provider, a toolbar button and Raster menu entry that open the dock (imported lazily);
    unload: all of it removed and the dock's shutdown() called."""
    from qgis.gui import QgsDockWidget
    import scdsc_qgis

    shutdowns = []

    class FakeDock(QgsDockWidget):
        def __init__(self, iface, parent=None):
            super().__init__(parent)
            self.iface = iface

        def shutdown(self):
            shutdowns.append(self)

    monkeypatch.setitem(sys.modules, "scdsc_qgis.dock", types.SimpleNamespace(ScdscDockWidget=FakeDock))
    monkeypatch.setattr(deps, "missing_dependencies", lambda: ["torch"])
    iface = FakeIface()
    plugin = scdsc_qgis.classFactory(iface)
    plugin.initGui()
    try:
        assert QgsApplication.processingRegistry().providerById("scdsc") is plugin.provider
        assert [a.text() for a in iface.toolbar] == ["SCDSC clustering"]
        assert ("&SCDSC", "SCDSC clustering") in iface.menu
        assert len(iface.bar.items()) == 1  # the offer to install the missing torch
        iface.toolbar[0].trigger()
        assert isinstance(plugin.dock, FakeDock) and iface.docks == [plugin.dock]
        iface.toolbar[0].trigger()  # a second click shows the same dock
        assert len(iface.docks) == 1
    finally:
        plugin.unload()
    assert QgsApplication.processingRegistry().providerById("scdsc") is None
    assert iface.toolbar == [] and iface.menu == [] and iface.docks == []
    assert len(shutdowns) == 1 and plugin.dock is None


def test_pip_command_keeps_qgis_numpy(tmp_path):
    command = deps.pip_install_command(str(tmp_path / "deps"), "pins.txt", python="/usr/bin/python3")
    assert command[:4] == ["/usr/bin/python3", "-m", "pip", "install"]
    assert command[command.index("--prefix") + 1] == str(tmp_path / "deps")
    assert command[command.index("-c") + 1] == "pins.txt"
    assert "torch==2.13.0" in command and "scikit-learn" in command
    assert "--target" not in command and "--ignore-installed" not in command
    import numpy
    assert f"numpy=={numpy.__version__}" in deps.qgis_pins()


def test_install_dependencies_runs_pip_and_extends_sys_path(tmp_path, monkeypatch):
    prefix = tmp_path / "deps"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = prefix / "lib" / version / "site-packages"
    seen = {}

    def fake_pip(command, **kwargs):
        seen["command"] = command
        seen["pins"] = Path(command[command.index("-c") + 1]).read_text()
        site.mkdir(parents=True)
        return subprocess.CompletedProcess(command, 0, stdout="Successfully installed torch", stderr=None)

    monkeypatch.setattr(sys, "path", list(sys.path))
    assert deps.install_dependencies(str(prefix), run=fake_pip) == "Successfully installed torch"
    assert sys.path[0] == str(site)
    assert "numpy==" in seen["pins"]
    assert not Path(seen["command"][seen["command"].index("-c") + 1]).exists()  # temporary pins removed
    assert deps.add_dependency_path(str(prefix)) == []  # already there: not added twice


def test_install_dependencies_reports_pip_failure(tmp_path):
    def failing_pip(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, stdout="ERROR: No matching distribution found for torch")

    with pytest.raises(RuntimeError, match=r"(?s)pip failed.*No matching distribution"):
        deps.install_dependencies(str(tmp_path / "deps"), run=failing_pip)


@pytest.fixture
def compiled_translations():
    """The .qm files (git-ignored), compiled from i18n/*.ts by ``make i18n``."""
    subprocess.run(["make", "-s", "i18n"], cwd=REPO, check=True, capture_output=True, timeout=60)


@pytest.mark.parametrize("language, display_name, k_label", [("de", "SCDSC-Clustering", "Anzahl der Cluster"),
                                                             ("fr", "Classification SCDSC", "Nombre de classes")])
def test_translations_load_for_the_language(provider, compiled_translations, language, display_name, k_label):
    from scdsc_qgis import i18n
    cluster = QgsApplication.processingRegistry().algorithmById("scdsc:cluster")
    try:
        assert i18n.install_translator(language).endswith(f"scdsc_{language}.qm")
        assert cluster.displayName() == display_name
        assert cluster.create().parameterDefinition("N_CLUSTERS").description() == k_label
    finally:
        i18n.remove_translator()
    assert cluster.displayName() == "SCDSC clustering"
    assert i18n.install_translator("xx") is None  # no file for the language: English


@pytest.mark.parametrize("language", ["de", "fr"])
def test_processing_strings_are_all_translated(language):
    """Every tr() string of the provider (context "scdsc") is in i18n/scdsc_<lang>.ts, translated, with the same
    {placeholders}. After changing a string: python3 scripts/update_translations.py, then translate."""
    import re
    import xml.etree.ElementTree as ET
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from update_translations import collect_messages
    finally:
        sys.path.pop(0)
    sources = {source for context, source in collect_messages(REPO / "scdsc_qgis") if context == "scdsc"}
    translations = {}
    for context in ET.parse(REPO / "i18n" / f"scdsc_{language}.ts").getroot().iter("context"):
        if context.findtext("name") == "scdsc":
            for message in context.iter("message"):
                translation = message.find("translation")
                if translation.get("type") is None and translation.text:
                    translations[message.findtext("source")] = translation.text
    assert sources - set(translations) == set()
    placeholders = re.compile(r"\{[^}]*\}")
    for source in sources:
        assert sorted(placeholders.findall(source)) == sorted(placeholders.findall(translations[source])), source


def test_feedback_bridge_reports_progress_stages_and_training_records(qgis_app):
    """progress -> percent + stage text on change; cancelled -> isCanceled; records -> the dock's signal for every
    record and a log line per stage (then at most one per interval)."""
    from scdsc_qgis.algorithms.base import FeedbackBridge
    from scdsc_qgis.feedback import TrainingFeedback

    class Recording(TrainingFeedback):
        def __init__(self):
            super().__init__()
            self.texts, self.infos = [], []

        def setProgressText(self, text):  # noqa: N802
            self.texts.append(text)
            super().setProgressText(text)

        def pushInfo(self, info):  # noqa: N802
            self.infos.append(info)

    feedback = Recording()
    records = []
    feedback.trainingRecord.connect(records.append)
    bridge = FeedbackBridge(feedback, info_interval=3600)
    bridge.progress(0.25, "FINCH")
    bridge.progress(0.5, "FINCH")
    bridge.progress(0.75, "Pretraining")
    assert feedback.progress() == pytest.approx(75.0) and feedback.texts == ["FINCH", "Pretraining"]
    for epoch in range(3):
        bridge.record({"stage": "pretrain", "epoch": epoch, "loss": 1.0 / (epoch + 1)})
    bridge.record({"stage": "cluster", "epoch": 0, "loss": 0.5, "confident_ratio": 0.25})
    assert len(records) == 4 and records[-1]["confident_ratio"] == 0.25
    assert feedback.infos == ["pretrain epoch 0: loss 1.0000", "cluster epoch 0: loss 0.5000, confident ratio 0.250"]
    from scdsc_qgis.algorithms.base import format_record
    assert format_record({"stage": "cluster", "epoch": 2.4000000001}) == "cluster epoch 2.4"
    assert format_record({"stage": "cluster", "epoch": 3.0}) == "cluster epoch 3"
    assert not bridge.cancelled()
    feedback.cancel()
    assert bridge.cancelled()


def test_the_tuning_parameters_are_the_rows_of_the_core_spec(provider):
    """scdsc_core.params declares each knob once; both training algorithms and the dock follow it."""
    from qgis.core import QgsProcessingParameterEnum, QgsProcessingParameterNumber

    from scdsc_core.params import exposed
    for algorithm_id in ("scdsc:cluster", "scdsc:fit"):
        algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
        for param in exposed("processing"):
            definition = algorithm.parameterDefinition(param.processing)
            assert definition is not None, (algorithm_id, param.processing)
            assert definition.flags() & QgsProcessingParameterDefinition.FlagAdvanced
            assert param.help.split(" ")[0].lower() in definition.help().lower()
            if param.kind == "choice":
                assert isinstance(definition, QgsProcessingParameterEnum)
                assert len(definition.options()) == len(param.choices) + 1 and definition.defaultValue() == 0
            else:
                assert isinstance(definition, QgsProcessingParameterNumber)
                assert definition.flags() & QgsProcessingParameterDefinition.FlagOptional
                assert definition.defaultValue() is None  # empty = the mode's default
                integer = definition.dataType() == QgsProcessingParameterNumber.Integer
                assert integer == (param.kind == "int")
                assert definition.minimum() == param.minimum
