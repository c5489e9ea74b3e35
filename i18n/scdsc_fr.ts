<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
  <context>
    <name>AlgorithmRun</name>
    <message>
      <location filename="../scdsc_qgis/task.py" line="99" />
      <source>The Processing algorithm {} is not available: is the SCDSC plugin enabled?</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="104" />
      <source>Invalid parameters for {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="153" />
      <source>{} failed; the Processing log (View &gt; Panels &gt; Log Messages) has the details.</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>ScdscDockWidget</name>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="75" />
      <source>SCDSC clustering</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="100" />
      <source>Raster to cluster (any GDAL raster with at least 8 bands).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="101" />
      <source>Input raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="104" />
      <source>all bands (e.g. 1-50,60)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="105" />
      <source>1-based bands and ranges, e.g. 1-50,60. Empty: all bands except those flagged bad (bbl=0).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="113" />
      <source>Bands</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="119" />
      <source>Optional polygons: only the pixels inside are clustered.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="120" />
      <source>Mask (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="124" />
      <source>Clusters</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="127" />
      <source>Fast (sampled, mini-batch)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="128" />
      <source>Paper (full batch, as published)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="129" />
      <source>Mode</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="135" />
      <source>Optional reference labels (0 = unlabelled): the result is scored with OA, NMI and kappa.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="137" />
      <source>Reference (optional)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="141" />
      <source>GeoTIFF (*.tif *.tiff)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="143" />
      <source>automatic: next to the project, or temporary</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="144" />
      <source>Output labels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="146" />
      <source>Also write a confidence raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="150" />
      <source>Advanced</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="153" />
      <source>mode default</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="154" />
      <source>Pixels used for training in fast mode; 0 = mode default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="155" />
      <source>Sample size</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="157" />
      <source>Clustering epochs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="159" />
      <source>Pretraining epochs</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="161" />
      <source>Learning rate</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="163" />
      <source>default</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="164" />
      <source>Weight of the mini-cluster (non-local) term.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="165" />
      <source>Alpha (non-local)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="167" />
      <source>Weight of the smoothing (local) term.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="168" />
      <source>Beta (local)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="170" />
      <source>Side of the smoothing window, in pixels (odd).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="171" />
      <source>Smoothing window</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="173" />
      <source>Seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="175" />
      <source>Automatic</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="175" />
      <source>CPU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="175" />
      <source>CUDA GPU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="177" />
      <source>Device</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="181" />
      <source>Run</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="183" />
      <source>Cancel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="203" />
      <source>Result</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="209" />
      <source>Cluster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="209" />
      <source>Pixels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="209" />
      <source>Share</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="279" />
      <source>Input raster: choose a raster layer of the project (none is selected).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="339" />
      <source>SCDSC clustering of {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="347" />
      <source>Starting…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="354" />
      <source>Could not start the clustering: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="360" />
      <source>Cancelling…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="419" />
      <source>The clustering finished, but its result could not be shown: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="436" />
      <source>Cancelled: nothing was written.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="441" />
      <source>Failed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="461" />
      <source>the algorithm returned no label raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="468" />
      <source>{} – SCDSC confidence</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="472" />
      <source>{} – SCDSC clusters</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="481" />
      <source>Done: {} clusters in {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="484" />
      <source>Added {}.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="493" />
      <source>Cluster {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="513" />
      <source>No evaluation against the reference was returned.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="514" />
      <source>Against the reference: OA {:.3f} · NMI {:.3f} · kappa {:.3f}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="524" />
      <source>Bands: {}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="536" />
      <source>all {} bands</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="544" />
      <source>{} of {} bands</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>TrainingPlot</name>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="65" />
      <source>Log scale</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="69" />
      <source>Training</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="85" />
      <source>Install pyqtgraph to see the training curves.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="93" />
      <source>loss</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="107" />
      <source>confident</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="108" />
      <source>recorded step</source>
      <translation type="unfinished" />
    </message>
  </context>
  <context>
    <name>scdsc</name>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="15" />
      <source>Labels a raster with a model saved by 'Train SCDSC model' or 'SCDSC clustering'. The raster must have the bands the model was trained on (by default the model's own band selection is used).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="24" />
      <source>Apply SCDSC model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="28" />
      <source>SCDSC model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="28" />
      <source>SCDSC model (*.npz)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="29" />
      <source>A model file written by 'Train SCDSC model' or 'SCDSC clustering'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="64" />
      <source>MODEL {model} was trained on {expected} bands, but {count} bands of INPUT {name} are selected</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="86" />
      <source>{name} clusters</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="87" />
      <source>{name} confidence</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="79" />
      <source>Could not load the style {path}: {message}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="148" />
      <source>loss {value:.4f}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="150" />
      <source>confident ratio {value:.3f}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="173" />
      <source>Clustering</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="210" />
      <source>Input raster</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="211" />
      <source>The (hyperspectral) raster to cluster: any file-based raster GDAL reads, with at least {n} bands. Nodata and non-finite pixels are left unlabelled.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="213" />
      <source>Bands</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="215" />
      <source>Bands to use (at least {n}). Empty: all bands, except those flagged bad (bbl = 0) in the raster's metadata.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="217" />
      <source>Mask (polygon layer or raster)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="219" />
      <source>Only pixels inside the polygons (reprojected to the raster's CRS if needed), or where the mask raster is non-zero, are clustered. Other pixels are written as nodata.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="224" />
      <source>Number of clusters</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="226" />
      <source>K, the number of clusters (2 to {max}).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="230" />
      <source>Mode</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="231" />
      <source>Fast (mini-batches on a sample, for large scenes)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="232" />
      <source>Paper (full batch, as published)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="233" />
      <source>Fast trains on a sample of pixels in mini-batches and labels the whole scene; Paper follows the published method (full batch, 400 epochs) and suits small scenes.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="235" />
      <source>Training sample size (0 = mode default)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="237" />
      <source>Number of pixels the network is trained on; all clustered pixels are labelled. 0 uses the mode's default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="239" />
      <source>Clustering epochs (0 = mode default)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="241" />
      <source>Epochs of the clustering stage. 0 uses the mode's default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="243" />
      <source>Autoencoder pretraining epochs (0 = mode default)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="245" />
      <source>Epochs of the autoencoder pretraining. 0 uses the mode's default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="246" />
      <source>Learning rate (0 = mode default)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="248" />
      <source>Adam learning rate of the clustering stage. 0 uses the mode's default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="249" />
      <source>Mini-cluster loss weight (alpha)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="251" />
      <source>Weight of the loss that keeps each mini-cluster together. Empty: the default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="253" />
      <source>Smoothing loss weight (beta)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="255" />
      <source>Weight of the loss that pulls each pixel towards its neighbourhood's assignment. Empty: the default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="257" />
      <source>Smoothing window (pixels)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="259" />
      <source>Side of the square window of the smoothing loss (odd). Empty: the default.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="261" />
      <source>Random seed</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="262" />
      <source>The same seed, data and software give the same clusters.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="266" />
      <source>Device</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="267" />
      <source>Automatic (GPU if available)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="267" />
      <source>CPU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="268" />
      <source>CUDA GPU</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="269" />
      <source>Where the network runs. Automatic uses a CUDA GPU when there is one; asking for CUDA where there is none is an error.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="274" />
      <source>Reference labels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="275" />
      <source>Optional reference label raster (0 = unlabelled) on the same grid: the result is evaluated against it (overall accuracy, NMI, kappa, per-class accuracy).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="280" />
      <source>Clusters</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="282" />
      <source>Label raster: 1..K per clustered pixel, 0 = nodata, with a style file (.qml) beside it.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="283" />
      <source>Confidence</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="285" />
      <source>Optional raster of each pixel's largest soft assignment (0..1).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="289" />
      <source>Overall accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="290" />
      <source>Normalized mutual information</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="291" />
      <source>Cohen's kappa</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="339" />
      <source>{name}: cannot load the raster {value!r}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="352" />
      <source>MASK: cannot load the layer {value!r}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="360" />
      <source>MASK must be a polygon layer or a raster, got {name!r}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="373" />
      <source>Cannot import the SCDSC core library: {error}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="391" />
      <source>Cancelled</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="413" />
      <source>{name}: {size} pixels</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="433" />
      <source>selected bands</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="433" />
      <source>bands</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="434" />
      <source>INPUT needs at least {n} {what} (the method projects the spectra on {n} principal components), got {count} in {name}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="443" />
      <source>N_CLUSTERS must be between 2 and {max}, got {k}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="446" />
      <source>N_CLUSTERS must be smaller than the number of pixels ({n}), got {k}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="454" />
      <source>{name} must be a file-based (GDAL) raster, got a {provider!r} layer {layer!r}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="475" />
      <source>MASK: cannot export the layer {layer!r} to {path}: {message}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="478" />
      <source>MASK: exported the layer {layer!r} to {path}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="485" />
      <source>Overall accuracy {oa:.4f}, NMI {nmi:.4f}, kappa {kappa:.4f}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="493" />
      <source>per-class accuracy</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="15" />
      <source>Clusters the pixels of a hyperspectral raster into K groups with SCDSC (scalable context-preserving deep subspace clustering): a convolutional autoencoder on 7x7 patches of the 8-component PCA image, trained so that each cluster is a low-dimensional subspace, mini-clusters stay together and neighbouring pixels agree. Writes a label raster (1..K, 0 = nodata) styled with one colour per cluster, and optionally a confidence raster, the trained model and an HTML report.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="27" />
      <source>SCDSC clustering</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="37" />
      <source>Trained model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="40" />
      <source>Optional model file, to label other rasters with 'Apply SCDSC model'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="41" />
      <source>Report</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="42" />
      <source>HTML files (*.html)</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="44" />
      <source>Optional HTML report: training curves, cluster sizes and, with reference labels, the accuracy figures.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="15" />
      <source>Compares a label raster (0 = nodata) with reference labels (0 = unlabelled) on the same grid. Clusters are matched to reference classes one-to-one (Hungarian method) before the overall accuracy, kappa and per-class accuracy are computed; NMI needs no matching.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="25" />
      <source>Evaluate clustering against reference</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="30" />
      <source>Label raster to evaluate (1..K, 0 = nodata), e.g. the output of 'SCDSC clustering'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="32" />
      <source>Reference label raster on the same grid (0 = unlabelled).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="15" />
      <source>Trains SCDSC on a raster and saves the model, to label this or other rasters with the same bands later with 'Apply SCDSC model'. The same seed gives the same labels as 'SCDSC clustering'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="24" />
      <source>Train SCDSC model</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="34" />
      <source>The model file (weights and metadata, no executable code).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="37" />
      <source>Optional label raster of the training raster (1..K, 0 = nodata).</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="41" />
      <source>Optional HTML report: training curves and cluster sizes.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/deps.py" line="51" />
      <source>SCDSC needs Python packages that QGIS's Python cannot import: {missing}. Install them with the plugin (Plugins menu &gt; SCDSC &gt; install dependencies, or the button in the message bar), which puts them into {folder}; or run QGIS from a Python environment that has them, e.g. 'python3 -m pip install -c &lt;pins of your numpy/scipy&gt; {requirements}'.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="53" />
      <source>Open the SCDSC clustering panel</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="57" />
      <source>Install SCDSC dependencies (torch, scikit-learn)…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="105" />
      <source>SCDSC</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="106" />
      <source>Install…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="115" />
      <source>torch and scikit-learn are already available.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="118" />
      <source>Install SCDSC dependencies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="119" />
      <source>Install {packages} into {folder}? This downloads about 200 MB to 1 GB and takes a few minutes; QGIS's own numpy and scipy are kept.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="127" />
      <source>Installing SCDSC dependencies</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="130" />
      <source>Installing torch and scikit-learn in the background…</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="136" />
      <source>Installing the dependencies failed: {error}</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="144" />
      <source>torch and scikit-learn are installed.</source>
      <translation type="unfinished" />
    </message>
    <message>
      <location filename="../scdsc_qgis/provider.py" line="28" />
      <source>SCDSC deep subspace clustering</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
