"""Shared base of the SCDSC Processing algorithms: parameters, layer-to-path, feedback bridge, core errors."""
# SPDX-License-Identifier: GPL-2.0-or-later
# The algorithms are glue (style guide: QGIS's "Relief"): read parameters, call one scdsc_core.api function,
# turn core errors into QgsProcessingException, return outputs. Nothing heavy is imported at module level.
from __future__ import annotations

import collections
import html
import os
import time
from typing import Any, Callable, Dict, List, Optional

from qgis.core import (QgsProcessing, QgsProcessingAlgorithm, QgsProcessingException,
                       QgsProcessingLayerPostProcessorInterface, QgsProcessingOutputNumber,
                       QgsProcessingParameterBand, QgsProcessingParameterDefinition, QgsProcessingParameterEnum,
                       QgsProcessingParameterFile, QgsProcessingParameterFileDestination, QgsProcessingParameterMapLayer,
                       QgsProcessingParameterNumber, QgsProcessingParameterRasterDestination,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString, QgsProcessingUtils,
                       QgsRasterLayer, QgsVectorFileWriter,
                       QgsVectorLayer)

from scdsc_core.params import MIN_BANDS  # the fewest bands the core clusters; params imports numpy only

from .. import deps
from ..i18n import tr
from ..resources_paths import plugin_icon

# QGIS 3.36 moved these enums to Qgis.*; the old names still exist in 3.x. Use the new ones where present so the
# plugin keeps working when the old ones go.
try:
    from qgis.core import Qgis
    ADVANCED = Qgis.ProcessingParameterFlag.Advanced
    INTEGER = Qgis.ProcessingNumberParameterType.Integer
    DOUBLE = Qgis.ProcessingNumberParameterType.Double
    VECTOR_POLYGON = Qgis.ProcessingSourceType.VectorPolygon
    RASTER = Qgis.ProcessingSourceType.Raster
    FOLDER = Qgis.ProcessingFileParameterBehavior.Folder
except AttributeError:
    ADVANCED = QgsProcessingParameterDefinition.FlagAdvanced
    INTEGER = QgsProcessingParameterNumber.Integer
    DOUBLE = QgsProcessingParameterNumber.Double
    VECTOR_POLYGON = QgsProcessing.TypeVectorPolygon
    RASTER = QgsProcessing.TypeRaster
    FOLDER = QgsProcessingParameterFile.Folder

#: Core values of the MODE and DEVICE enums, in option order (the option index is what Processing stores).
MODES = ("fast", "paper")
DEVICES = ("auto", "cpu", "cuda")

#: Labels are written as 1..K with 0 = nodata; 255 keeps them in a byte raster and is far beyond any use.
MAX_CLUSTERS = 255

#: Post-processors handed to QGIS. QGIS takes ownership, but a Python subclass whose wrapper is collected before
#: the layer loads never runs (QGIS's documented pitfall): keep the most recent ones referenced.
_POST_PROCESSORS: "collections.deque[LayerStyler]" = collections.deque(maxlen=64)


class LayerStyler(QgsProcessingLayerPostProcessorInterface):
    """Styles an output layer once QGIS has loaded it: the ``.qml`` the core wrote beside it, and a name.

    Parameters
    ----------
    name : str
        Layer name to set (named after the input raster).
    qml : str or None
        Style file to load; when it is missing, ``grey`` decides the fallback.
    grey : bool
        Fall back to a 0..1 grey ramp (the confidence raster) instead of leaving QGIS's default.
    """

    def __init__(self, name: str, qml: Optional[str] = None, grey: bool = False):
        super().__init__()
        self.name = name
        self.qml = qml
        self.grey = grey

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        """Load the style and set the name (called by QGIS in the main thread after loading ``layer``)."""
        if self.qml and os.path.isfile(self.qml):
            message, ok = layer.loadNamedStyle(self.qml)
            if not ok and feedback is not None:
                feedback.reportError(tr("Could not load the style {path}: {message}").format(
                    path=self.qml, message=message))
        elif self.grey and isinstance(layer, QgsRasterLayer):
            _grey_ramp(layer)
        layer.setName(self.name)
        layer.triggerRepaint()


def _spec():
    """The core's parameter spec, ``scdsc_core.params`` (it imports numpy only, so the provider loads even where
    torch is missing; its rows give the tuning parameters' ids, ranges, help and conversion)."""
    from scdsc_core import params
    return params


def _grey_ramp(layer) -> None:
    """Single-band grey renderer stretched over 0..1 (the confidence's range)."""
    from qgis.core import QgsContrastEnhancement, QgsSingleBandGrayRenderer
    renderer = QgsSingleBandGrayRenderer(layer.dataProvider(), 1)
    enhancement = QgsContrastEnhancement(layer.dataProvider().dataType(1))
    enhancement.setContrastEnhancementAlgorithm(
        QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
    enhancement.setMinimumValue(0.0)
    enhancement.setMaximumValue(1.0)
    renderer.setContrastEnhancement(enhancement)
    layer.setRenderer(renderer)


#: Seconds between two training lines in the Processing log (a new stage always gets one): the progress bar shows
#: every step; the log is for reading afterwards, a line every few seconds at most.
LOG_INTERVAL_S = 5.0


class FeedbackBridge:
    """Adapts a ``QgsProcessingFeedback`` to the core's ``progress``/``cancelled``/``callback`` contract.

    Parameters
    ----------
    feedback : QgsProcessingFeedback or None
    info_interval : float
        At most one training line per this many seconds in the log (a new stage always gets one).
    """

    def __init__(self, feedback, info_interval: float = LOG_INTERVAL_S):
        self.feedback = feedback
        self.info_interval = info_interval
        self._last_text = None
        self._last_info = -float("inf")
        self._last_stage = None

    def progress(self, fraction: float, message: str = "") -> None:
        """``progress(fraction, message)``: the bar in percent, the stage text when it changes."""
        if self.feedback is None:
            return
        if message and message != self._last_text:
            self._last_text = message
            self.feedback.setProgressText(message)
        self.feedback.setProgress(100.0 * min(max(float(fraction), 0.0), 1.0))

    def cancelled(self) -> bool:
        """``cancelled()``: the user pressed Cancel."""
        return self.feedback is not None and self.feedback.isCanceled()

    def record(self, record: Dict[str, Any]) -> None:
        """``callback(record)``: hand the record to the dock's feedback, and log it now and then."""
        if self.feedback is None:
            return
        from ..feedback import push_training_record
        push_training_record(self.feedback, record)
        stage = record.get("stage")
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_info < self.info_interval:
            return
        self._last_stage, self._last_info = stage, now
        self.feedback.pushInfo(format_record(record))


def format_record(record: Dict[str, Any]) -> str:
    """One log line for a training record, e.g. ``"train epoch 3: loss 0.1234, confident ratio 0.870"``."""
    epoch = record.get("epoch", "?")
    if isinstance(epoch, float):  # fast mode records passes over the sample: 2.4 reads better than 2.4000000001
        epoch = f"{epoch:.1f}".rstrip("0").rstrip(".")
    text = f"{record.get('stage', 'training')} epoch {epoch}"
    values = []
    if record.get("loss") is not None:
        values.append(tr("loss {value:.4f}").format(value=float(record["loss"])))
    if record.get("confident_ratio") is not None:
        values.append(tr("confident ratio {value:.3f}").format(value=float(record["confident_ratio"])))
    return text + (": " + ", ".join(values) if values else "")


class ScdscAlgorithm(QgsProcessingAlgorithm):
    """Base of the SCDSC algorithms: shared parameters, help, paths of layers, core calls."""

    def __init__(self):
        super().__init__()
        self._paths: Dict[str, Optional[str]] = {}
        self._layer_names: Dict[str, str] = {}

    # -- identity --------------------------------------------------------------------------------------------
    def tr(self, text: str) -> str:
        """Translate in the plugin's single context (see :mod:`scdsc_qgis.i18n`)."""
        return tr(text)

    def createInstance(self):  # noqa: N802 (QGIS API name)
        """A fresh instance of the same algorithm."""
        return type(self)()

    def group(self) -> str:
        """Translated group name."""
        return self.tr("Clustering")

    def groupId(self) -> str:  # noqa: N802 (QGIS API name)
        """Fixed group id."""
        return "clustering"

    def icon(self):
        """The plugin's icon."""
        return plugin_icon()

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel); subclasses override it."""
        return ""

    def shortHelpString(self) -> str:  # noqa: N802 (QGIS API name)
        """The summary, then one entry per parameter built from the parameters' own help texts."""
        parts = [f"<p>{html.escape(self.summary(), quote=False)}</p>"]
        items = []
        for parameter in self.parameterDefinitions():
            if parameter.help():
                description = html.escape(parameter.description(), quote=False)
                help_text = html.escape(parameter.help(), quote=False)
                items.append(f"<dt><b>{description}</b> (<code>{parameter.name()}</code>)</dt><dd>{help_text}</dd>")
        if items:
            parts.append("<dl>" + "".join(items) + "</dl>")
        return "".join(parts)

    # -- parameters ------------------------------------------------------------------------------------------
    def _add(self, parameter, help_text: str, advanced: bool = False):
        """Add ``parameter`` with its help text (tooltip and help panel); flag it advanced if asked."""
        parameter.setHelp(help_text)
        if advanced:
            parameter.setFlags(parameter.flags() | ADVANCED)
        self.addParameter(parameter)
        return parameter

    def _add_input(self, description: Optional[str] = None) -> None:
        """INPUT, BANDS and MASK."""
        self._add(QgsProcessingParameterRasterLayer("INPUT", description or self.tr("Input raster")),
                  self.tr("The (hyperspectral) raster to cluster: any file-based raster GDAL reads, with at least "
                          "{n} bands. Nodata and non-finite pixels are left unlabelled.").format(n=MIN_BANDS))
        self._add(QgsProcessingParameterBand("BANDS", self.tr("Bands"), None, "INPUT", optional=True,
                                             allowMultiple=True),
                  self.tr("Bands to use (at least {n}). Empty: all bands, except those flagged bad (bbl = 0) in the "
                          "raster's metadata.").format(n=MIN_BANDS))
        self._add(QgsProcessingParameterMapLayer("MASK", self.tr("Mask (polygon layer or raster)"), optional=True,
                                                 types=[VECTOR_POLYGON, RASTER]),
                  self.tr("Only pixels inside the polygons (reprojected to the raster's CRS if needed), or where "
                          "the mask raster is non-zero, are clustered. Other pixels are written as nodata."))
        self._add(QgsProcessingParameterString("MASK_RULE", self.tr("Mask rule (quality band)"), optional=True),
                  self.tr("Reads a raster MASK as a quality band: drop=3,8-10 or keep=4,5 (class values, e.g. the "
                          "Sentinel-2 SCL), bits=0-4 (drop pixels with any of these bits set, e.g. Landsat "
                          "QA_PIXEL), band=N (default 1); combine with |. Nodata is always dropped."))

    def _add_n_clusters(self) -> None:
        """N_CLUSTERS."""
        self._add(QgsProcessingParameterNumber("N_CLUSTERS", self.tr("Number of clusters"), INTEGER, 8,
                                               minValue=2, maxValue=MAX_CLUSTERS),
                  self.tr("K, the number of clusters (2 to {max}).").format(max=MAX_CLUSTERS))

    def _add_training(self) -> None:
        """MODE, the training knobs (advanced), SEED."""
        self._add(QgsProcessingParameterEnum("MODE", self.tr("Mode"),
                                             [self.tr("Fast (mini-batches on a sample, for large scenes)"),
                                              self.tr("Paper (full batch, as published)")], defaultValue=0),
                  self.tr("Fast trains on a sample of pixels in mini-batches and labels the whole scene; Paper "
                          "follows the published method (full batch, 400 epochs) and suits small scenes."))
        for param in _spec().exposed("processing"):
            self._add_tuning(param)
        self._add(QgsProcessingParameterNumber("SEED", self.tr("Random seed"), INTEGER, 0, minValue=0),
                  self.tr("The same seed, data and software give the same clusters."))

    def _add_tuning(self, param) -> None:
        """One tuning knob (advanced) from its row of the parameter spec (``scdsc_core.params``)."""
        label, sentence = self.tr(param.label), self.tr(param.sentence())
        if param.kind == "choice":
            labels = _spec().CHOICE_LABELS[param.name]
            options = [self.tr("Mode default")] + [self.tr(labels[c]) for c in param.choices]
            self._add(QgsProcessingParameterEnum(param.processing, label, options, defaultValue=0),
                      sentence + " " + self.tr("Mode default: the mode's own value."), advanced=True)
            return
        extra = {}
        if param.minimum is not None:
            extra["minValue"] = param.minimum
        if param.maximum is not None:
            extra["maxValue"] = param.maximum
        parts = [sentence]
        if param.zero:
            parts.append(self.tr("0 = {meaning}.").format(meaning=self.tr(param.zero)))
        if param.none == _spec().MODE_DEFAULT:
            parts.append(self.tr("Empty: the mode's default."))
        else:
            parts.append(self.tr("Empty: {meaning}.").format(meaning=self.tr(param.none)))
        if param.legacy_zero:
            parts.append(self.tr("0 also means the mode's default, as in earlier versions."))
        kind = INTEGER if param.kind == "int" else DOUBLE
        self._add(QgsProcessingParameterNumber(param.processing, label, kind, None, optional=True, **extra),
                  " ".join(parts), advanced=True)

    def _add_model(self) -> None:
        """MODEL: a saved model file."""
        self._add(QgsProcessingParameterFile("MODEL", self.tr("SCDSC model"), fileFilter=self.tr(
            "SCDSC model (*.npz)")), self.tr("A model file written by 'Train SCDSC model' or 'SCDSC clustering'."))

    def _add_device(self) -> None:
        """DEVICE (advanced)."""
        self._add(QgsProcessingParameterEnum("DEVICE", self.tr("Device"),
                                             [self.tr("Automatic (GPU if available)"), self.tr("CPU"),
                                              self.tr("CUDA GPU")], defaultValue=0),
                  self.tr("Where the network runs. Automatic uses a CUDA GPU when there is one; asking for CUDA "
                          "where there is none is an error."), advanced=True)

    def _add_reference(self) -> None:
        """REFERENCE (optional)."""
        self._add(QgsProcessingParameterRasterLayer("REFERENCE", self.tr("Reference labels"), optional=True),
                  self.tr("Optional reference label raster (0 = unlabelled) on the same grid: the result is "
                          "evaluated against it (overall accuracy, NMI, kappa, per-class accuracy)."))

    def _add_label_outputs(self, label_optional: bool = False) -> None:
        """OUTPUT and OUTPUT_CONFIDENCE."""
        self._add(QgsProcessingParameterRasterDestination("OUTPUT", self.tr("Clusters"), optional=label_optional,
                                                          createByDefault=not label_optional),
                  self.tr("Label raster: 1..K per clustered pixel, 0 = nodata, with a style file (.qml) beside it."))
        self._add(QgsProcessingParameterRasterDestination("OUTPUT_CONFIDENCE", self.tr("Confidence"),
                                                          optional=True, createByDefault=False),
                  self.tr("Optional raster of each pixel's largest soft assignment (0..1)."))

    def _add_spectra_output(self) -> None:
        """OUTPUT_SPECTRA (optional CSV)."""
        self._add(QgsProcessingParameterFileDestination("OUTPUT_SPECTRA", self.tr("Cluster spectra"),
                                                        self.tr("CSV files (*.csv)"), optional=True,
                                                        createByDefault=False),
                  self.tr("Optional CSV table: each cluster's mean and standard deviation per band, with the "
                          "band's wavelength (nm) where the raster records it."))

    def _add_evaluation_outputs(self) -> None:
        """OA, NMI, KAPPA numbers (set when a reference was given)."""
        self.addOutput(QgsProcessingOutputNumber("OA", self.tr("Overall accuracy")))
        self.addOutput(QgsProcessingOutputNumber("NMI", self.tr("Normalized mutual information")))
        self.addOutput(QgsProcessingOutputNumber("KAPPA", self.tr("Cohen's kappa")))

    # -- parameter values ------------------------------------------------------------------------------------
    def _bands(self, parameters, context) -> Optional[List[int]]:
        """The selected 1-based bands, or None for the default selection."""
        bands = self.parameterAsInts(parameters, "BANDS", context)
        return [int(b) for b in bands] or None

    def _training_params(self, parameters, context) -> Dict[str, Any]:
        """The core's ``params`` dict: only the knobs the user set (empty = the mode's default)."""
        params: Dict[str, Any] = {}
        for param in _spec().exposed("processing"):
            if param.kind == "choice":
                index = self.parameterAsEnum(parameters, param.processing, context)
                if index > 0:  # 0 = the mode's default
                    params[param.name] = param.choices[index - 1]
                continue
            if not self._is_set(parameters, param.processing):
                continue
            if param.kind == "int":
                value = self.parameterAsInt(parameters, param.processing, context)
            else:
                value = self.parameterAsDouble(parameters, param.processing, context)
            if param.legacy_zero and value == 0:
                continue  # 0 = the mode's default, as the first releases read it (0 is not a valid core value)
            params[param.name] = value
        return params

    @staticmethod
    def _is_set(parameters, name: str) -> bool:
        """Whether an optional parameter without a default was given a value."""
        value = parameters.get(name)
        return value is not None and value != ""

    def _enum_value(self, parameters, name: str, context, values) -> str:
        """The core value of an enum parameter."""
        return values[self.parameterAsEnum(parameters, name, context)]

    def _output_path(self, parameters, name: str, context) -> Optional[str]:
        """A raster destination's path, or None when it is optional and skipped."""
        return self.parameterAsOutputLayer(parameters, name, context) or None

    def _file_output(self, parameters, name: str, context) -> Optional[str]:
        """A file destination's path, or None when it is optional and skipped."""
        return self.parameterAsFileOutput(parameters, name, context) or None

    # -- layers to paths (prepareAlgorithm runs in the main thread, where project layers may be read) ---------
    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Resolve the declared layer parameters (INPUT, REFERENCE, MASK) to file paths (main thread)."""
        for name in ("INPUT", "REFERENCE"):
            if self.parameterDefinition(name) is not None:
                self._prepare_raster(parameters, name, context)
        if self.parameterDefinition("MASK") is not None:
            self._prepare_mask(parameters, context, feedback)
        return True

    def _prepare_raster(self, parameters, name: str, context) -> None:
        """Store the GDAL path and the layer name of raster parameter ``name`` (absent if optional and unset)."""
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            if self._is_set(parameters, name):
                raise QgsProcessingException(self.tr("{name}: cannot load the raster {value!r}").format(
                    name=name, value=str(parameters.get(name))))
            self._paths[name] = None
            return
        self._paths[name] = raster_path(layer, name)
        self._layer_names[name] = layer.name()

    def _prepare_mask(self, parameters, context, feedback) -> None:
        """Store the path of MASK: a raster's file, a vector file, or a GeoPackage exported from a memory
        layer, a filtered layer or a layer of a multi-layer source."""
        layer = self.parameterAsLayer(parameters, "MASK", context)
        if layer is None:
            if self._is_set(parameters, "MASK"):
                raise QgsProcessingException(self.tr("MASK: cannot load the layer {value!r}").format(
                    value=str(parameters.get("MASK"))))
            self._paths["MASK"] = None
        elif isinstance(layer, QgsRasterLayer):
            self._paths["MASK"] = raster_path(layer, "MASK")
        elif isinstance(layer, QgsVectorLayer):
            self._paths["MASK"] = vector_path(layer, context, feedback)
        else:
            raise QgsProcessingException(self.tr("MASK must be a polygon layer or a raster, got {name!r}").format(
                name=layer.name()))
        rule = (self.parameterAsString(parameters, "MASK_RULE", context) or "").strip()
        if rule:
            if not isinstance(layer, QgsRasterLayer):
                raise QgsProcessingException(self.tr("MASK_RULE reads a raster MASK (a quality band); {what}").format(
                    what=self.tr("no MASK was given") if layer is None else self.tr("MASK is a vector layer")))
            self._paths["MASK"] += "|" + rule

    # -- many rasters (scdsc:apply_many, scdsc:fit_many) --------------------------------------------------------
    def _prepare_inputs(self, parameters, context) -> None:
        """The GDAL paths of the INPUTS layers (main thread)."""
        layers = self.parameterAsLayerList(parameters, "INPUTS", context)
        if not layers:
            raise QgsProcessingException(self.tr("Input rasters: choose at least one raster layer."))
        self._inputs = [raster_path(layer, "INPUTS") for layer in layers]

    def _dask_client(self, parameters, context):
        """A ``distributed.Client`` on the SCHEDULER address, or None when it is empty (run in this process)."""
        from scdsc_core.distributed import connect
        from scdsc_core.errors import ScdscError
        address = self.parameterAsString(parameters, "SCHEDULER", context).strip()
        try:
            return connect(address) if address else None
        except ScdscError as error:
            raise QgsProcessingException(str(error))

    # -- running the core ------------------------------------------------------------------------------------
    def _core_api(self, feedback):
        """Import :mod:`scdsc_core.api` (torch and all), or explain which dependency is missing."""
        missing = deps.missing_dependencies()
        if missing:
            raise QgsProcessingException(deps.missing_message(missing))
        try:
            import scdsc_core
            from scdsc_core import api
        except ImportError as error:
            raise QgsProcessingException(self.tr("Cannot import the SCDSC core library: {error}").format(
                error=error))
        if feedback is not None:
            feedback.pushInfo(f"scdsc_core {scdsc_core.__version__} from "
                                   f"{os.path.dirname(os.path.abspath(scdsc_core.__file__))}")
        return api

    def _run_core(self, function: Callable, feedback, *args, training: bool = False, **kwargs):
        """Call a core entry point with the feedback bridge (progress, cancel and, when ``training``, the
        per-step records); core errors become ``QgsProcessingException``."""
        from scdsc_core.errors import ScdscCancelled, ScdscError
        bridge = FeedbackBridge(feedback)
        kwargs.update(progress=bridge.progress, cancelled=bridge.cancelled)
        if training:
            kwargs["callback"] = bridge.record
        try:
            return function(*args, **kwargs)
        except ScdscCancelled:
            raise QgsProcessingException(self.tr("Cancelled"))
        except ScdscError as error:
            raise QgsProcessingException(str(error))

    # -- results ---------------------------------------------------------------------------------------------
    def _style_on_load(self, context, path: Optional[str], name: str, grey: bool = False) -> None:
        """When QGIS loads ``path`` after the run, style it from its ``.qml`` and name it ``name``."""
        if not path or not context.willLoadLayerOnCompletion(path):
            return
        styler = LayerStyler(name, os.path.splitext(path)[0] + ".qml", grey=grey)
        _POST_PROCESSORS.append(styler)
        context.layerToLoadOnCompletionDetails(path).setPostProcessor(styler)

    def _input_name(self) -> str:
        """Name of the INPUT layer (the base of the output layers' names)."""
        return self._layer_names.get("INPUT") or os.path.splitext(os.path.basename(self._paths["INPUT"]))[0]

    def _log_result(self, result, feedback) -> None:
        """Cluster sizes and the evaluation, one line each."""
        if feedback is None:
            return
        for name, size in zip(result.class_names, result.cluster_sizes):
            feedback.pushInfo(self.tr("{name}: {size} pixels").format(name=name, size=size))
        if result.evaluation is not None:
            feedback.pushInfo(evaluation_text(result.evaluation))

    @staticmethod
    def _evaluation_results(evaluation) -> Dict[str, Any]:
        """The OA/NMI/KAPPA outputs (None without a reference)."""
        if evaluation is None:
            return {"OA": None, "NMI": None, "KAPPA": None}
        return {"OA": float(evaluation.oa), "NMI": float(evaluation.nmi), "KAPPA": float(evaluation.kappa)}

    # -- cheap checks ----------------------------------------------------------------------------------------
    def _check_bands(self, parameters, context) -> Optional[str]:
        """Message if fewer than MIN_BANDS bands are selected (or available), else None."""
        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is None:
            return None
        bands = self._bands(parameters, context)
        count = len(bands) if bands else layer.bandCount()
        if count < MIN_BANDS:
            what = self.tr("selected bands") if bands else self.tr("bands")
            return self.tr("INPUT needs at least {n} {what}, got {count} in {name}").format(
                n=MIN_BANDS, what=what, count=count, name=layer.name())
        return None

    def _check_n_clusters(self, parameters, context) -> Optional[str]:
        """Message if N_CLUSTERS is outside 2..MAX_CLUSTERS or not below the number of pixels, else None."""
        k = self.parameterAsInt(parameters, "N_CLUSTERS", context)
        if not 2 <= k <= MAX_CLUSTERS:
            return self.tr("N_CLUSTERS must be between 2 and {max}, got {k}").format(max=MAX_CLUSTERS, k=k)
        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is not None and k >= layer.width() * layer.height():
            return self.tr("N_CLUSTERS must be smaller than the number of pixels ({n}), got {k}").format(
                n=layer.width() * layer.height(), k=k)
        return None


def raster_path(layer, name: str) -> str:
    """The file GDAL reads for a raster layer, or ``QgsProcessingException`` for a non-GDAL layer."""
    if layer.providerType() != "gdal":
        raise QgsProcessingException(tr("{name} must be a file-based (GDAL) raster, got a {provider!r} layer "
                                        "{layer!r}").format(name=name, provider=layer.providerType(),
                                                            layer=layer.name()))
    return layer.source()


def vector_path(layer, context, feedback) -> str:
    """An OGR path for a vector layer: its file when that is exactly the layer, else a temporary GeoPackage.

    A memory layer, a layer with a subset filter or one layer of a multi-layer file (``a.gpkg|layername=b``) is
    exported first, because the core reads a plain OGR path.
    """
    source = layer.source()
    if layer.providerType() == "ogr" and not layer.subsetString() and "|" not in source and os.path.isfile(source):
        return source
    path = QgsProcessingUtils.generateTempFilename("scdsc_mask.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error, message, written, _ = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, context.transformContext(),
                                                                          options)
    if error != QgsVectorFileWriter.WriterError.NoError:
        raise QgsProcessingException(tr("MASK: cannot export the layer {layer!r} to {path}: {message}").format(
            layer=layer.name(), path=path, message=message))
    if feedback is not None:
        feedback.pushInfo(tr("MASK: exported the layer {layer!r} to {path}").format(layer=layer.name(),
                                                                                   path=written or path))
    return written or path


def evaluation_text(evaluation) -> str:
    """One line: OA, NMI, kappa and per-class accuracy."""
    text = tr("Overall accuracy {oa:.4f}, NMI {nmi:.4f}, kappa {kappa:.4f}").format(
        oa=float(evaluation.oa), nmi=float(evaluation.nmi), kappa=float(evaluation.kappa))
    per_class = getattr(evaluation, "per_class_accuracy", None)
    if per_class is not None:
        try:
            items = per_class.items()
        except AttributeError:
            items = enumerate(per_class, start=1)
        text += "; " + tr("per-class accuracy") + ": " + ", ".join(f"{k}: {float(v):.3f}" for k, v in items)
    return text


class TrainingAlgorithm(ScdscAlgorithm):
    """An algorithm that trains a model on INPUT: K and the band count are checked before it runs."""

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        """Cheap checks before running: band count and K against the input's size."""
        for message in (self._check_n_clusters(parameters, context), self._check_bands(parameters, context)):
            if message:
                return False, message
        return super().checkParameterValues(parameters, context)
