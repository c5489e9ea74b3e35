<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
  <context>
    <name>AlgorithmRun</name>
    <message>
      <location filename="../scdsc_qgis/task.py" line="100" />
      <source>The Processing algorithm {} is not available: is the SCDSC plugin enabled?</source>
      <translation>Der Processing-Algorithmus {} ist nicht verfügbar: Ist das SCDSC-Plugin aktiviert?</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="105" />
      <source>Invalid parameters for {}.</source>
      <translation>Ungültige Parameter für {}.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="111" />
      <source>{} could not prepare its inputs.</source>
      <translation>{} konnte seine Eingaben nicht vorbereiten.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="164" />
      <source>{} failed; the Processing log (View &gt; Panels &gt; Log Messages) has the details.</source>
      <translation>{} ist fehlgeschlagen; Einzelheiten stehen im Processing-Protokoll (Ansicht &gt; Bedienfelder &gt; Protokollmeldungen).</translation>
    </message>
  </context>
  <context>
    <name>ScdscDockWidget</name>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="75" />
      <source>SCDSC clustering</source>
      <translation>SCDSC-Clustering</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="100" />
      <source>Raster to cluster (any GDAL raster with at least 3 bands).</source>
      <translation>Zu clusterndes Raster (jedes GDAL-Raster mit mindestens 3 Bändern).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="101" />
      <source>Input raster</source>
      <translation>Eingaberaster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="104" />
      <source>all bands (e.g. 1-50,60)</source>
      <translation>alle Kanäle (z. B. 1-50,60)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="105" />
      <source>1-based bands and ranges, e.g. 1-50,60. Empty: all bands except those flagged bad (bbl=0).</source>
      <translation>Kanäle und Bereiche ab 1, z. B. 1-50,60. Leer: alle Kanäle außer den als schlecht markierten (bbl=0).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="113" />
      <source>Bands</source>
      <translation>Kanäle</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="120" />
      <source>Optional polygons (the pixels inside are clustered) or a raster (its non-zero pixels, or those its rule keeps).</source>
      <translation>Optionale Polygone (die Pixel darin werden geclustert) oder ein Raster (seine Pixel ungleich null, oder die, die seine Regel behält).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="122" />
      <source>Mask (optional)</source>
      <translation>Maske (optional)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="124" />
      <source>e.g. drop=3,8-10 or bits=0-4</source>
      <translation>z. B. drop=3,8-10 oder bits=0-4</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="125" />
      <source>For a raster mask read as a quality band: drop=3,8-10 or keep=4,5 (class values, e.g. the Sentinel-2 SCL), bits=0-4 (Landsat QA_PIXEL), band=N; combine with |.</source>
      <translation>Für eine Raster-Maske, die als Qualitätsband gelesen wird: drop=3,8-10 oder keep=4,5 (Klassenwerte, z. B. die Sentinel-2-SCL), bits=0-4 (Landsat QA_PIXEL), band=N; mit | kombinieren.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="128" />
      <source>Mask rule</source>
      <translation>Maskenregel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="132" />
      <source>Clusters</source>
      <translation>Cluster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="135" />
      <source>Fast</source>
      <translation>Schnell</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="136" />
      <source>Mini-batches on a sample of pixels; for large scenes.</source>
      <translation>Mini-Batches auf einer Pixelstichprobe; für große Szenen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="138" />
      <source>Paper</source>
      <translation>Publikation</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="139" />
      <source>Full batch, as published; for small scenes.</source>
      <translation>Voller Batch wie veröffentlicht; für kleine Szenen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="141" />
      <source>Mode</source>
      <translation>Modus</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="147" />
      <source>Optional reference labels (0 = unlabelled): the result is scored with OA, NMI and kappa.</source>
      <translation>Optionale Referenzklassen (0 = unbeschriftet): Das Ergebnis wird mit OA, NMI und Kappa bewertet.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="149" />
      <source>Reference (optional)</source>
      <translation>Referenz (optional)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="153" />
      <source>GeoTIFF (*.tif *.tiff)</source>
      <translation>GeoTIFF (*.tif *.tiff)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="155" />
      <source>automatic</source>
      <translation>automatisch</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="156" />
      <source>Label GeoTIFF to write. Empty: a new file next to the saved project, or in QGIS's temporary folder.</source>
      <translation>Zu schreibendes Klassen-GeoTIFF. Leer: eine neue Datei neben dem gespeicherten Projekt oder im temporären Ordner von QGIS.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="158" />
      <source>Output labels</source>
      <translation>Ausgabeklassen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="160" />
      <source>Also write it</source>
      <translation>Auch schreiben</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="161" />
      <source>Write each pixel's largest soft assignment (0..1) beside the labels, and add it as a grey layer.</source>
      <translation>Die größte weiche Zuordnung jedes Pixels (0..1) neben die Klassen schreiben und als Graustufen-Layer hinzufügen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="163" />
      <source>Confidence raster</source>
      <translation>Konfidenzraster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="170" />
      <source>Advanced</source>
      <translation>Erweitert</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="175" />
      <source>mode default</source>
      <translation>Vorgabe des Modus</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="176" />
      <source>Pixels used for training; 0 = every clustered pixel.</source>
      <translation>Pixel für das Training; 0 = alle geclusterten Pixel.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="177" />
      <source>Sample size</source>
      <translation>Stichprobengröße</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="179" />
      <source>Clustering epochs</source>
      <translation>Clustering-Epochen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="181" />
      <source>0 = no pretraining.</source>
      <translation>0 = kein Vortraining.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="182" />
      <source>Pretraining epochs</source>
      <translation>Vortrainings-Epochen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="184" />
      <source>Learning rate</source>
      <translation>Lernrate</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="186" />
      <source>default</source>
      <translation>Vorgabe</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="187" />
      <source>Weight of the mini-cluster (non-local) term.</source>
      <translation>Gewicht des Mini-Cluster-Terms (nicht-lokal).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="188" />
      <source>Alpha (non-local)</source>
      <translation>Alpha (nicht-lokal)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="190" />
      <source>Weight of the smoothing (local) term.</source>
      <translation>Gewicht des Glättungsterms (lokal).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="191" />
      <source>Beta (local)</source>
      <translation>Beta (lokal)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="193" />
      <source>Side of the smoothing window, in pixels (odd).</source>
      <translation>Seitenlänge des Glättungsfensters in Pixeln (ungerade).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="194" />
      <source>Smoothing window</source>
      <translation>Glättungsfenster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="195" />
      <source>auto: min(8, bands)</source>
      <translation>auto: min(8, Bänder)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="196" />
      <source>Pixel PCA components (network input channels); at most the number of bands.</source>
      <translation>PCA-Komponenten der Pixel (Eingangskanäle des Netzes); höchstens die Anzahl der Bänder.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="198" />
      <source>PCA components</source>
      <translation>PCA-Komponenten</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="200" />
      <source>Seed</source>
      <translation>Startwert</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="202" />
      <source>Automatic</source>
      <translation>Automatisch</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="202" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="202" />
      <source>CUDA GPU</source>
      <translation>CUDA-GPU</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="204" />
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="208" />
      <source>Run</source>
      <translation>Ausführen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="210" />
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="230" />
      <source>Result</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="236" />
      <source>Cluster</source>
      <translation>Cluster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="236" />
      <source>Pixels</source>
      <translation>Pixel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="236" />
      <source>Share</source>
      <translation>Anteil</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="307" />
      <source>Input raster: choose a raster layer of the project (none is selected).</source>
      <translation>Eingaberaster: Wählen Sie einen Raster-Layer des Projekts (keiner ausgewählt).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="363" />
      <source>SCDSC clustering of {}</source>
      <translation>SCDSC-Clustering von {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="371" />
      <source>Starting…</source>
      <translation>Start…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="378" />
      <source>Could not start the clustering: {}</source>
      <translation>Das Clustering konnte nicht gestartet werden: {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="384" />
      <source>Cancelling…</source>
      <translation>Wird abgebrochen…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="443" />
      <source>The clustering finished, but its result could not be shown: {}</source>
      <translation>Das Clustering ist fertig, aber das Ergebnis konnte nicht angezeigt werden: {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="460" />
      <source>Cancelled: nothing was written.</source>
      <translation>Abgebrochen: Es wurde nichts geschrieben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="465" />
      <source>Failed.</source>
      <translation>Fehlgeschlagen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="485" />
      <source>the algorithm returned no label raster</source>
      <translation>der Algorithmus hat kein Klassenraster zurückgegeben</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="492" />
      <source>{} – SCDSC confidence</source>
      <translation>{} – SCDSC-Konfidenz</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="496" />
      <source>{} – SCDSC clusters</source>
      <translation>{} – SCDSC-Cluster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="506" />
      <source>Done: {} clusters in {}</source>
      <translation>Fertig: {} Cluster in {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="509" />
      <source>Added {}.</source>
      <translation>{} hinzugefügt.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="518" />
      <source>Cluster {}</source>
      <translation>Cluster {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="538" />
      <source>No evaluation against the reference was returned.</source>
      <translation>Es wurde keine Bewertung gegen die Referenz zurückgegeben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="539" />
      <source>Against the reference: OA {:.3f} · NMI {:.3f} · kappa {:.3f}</source>
      <translation>Gegen die Referenz: OA {:.3f} · NMI {:.3f} · Kappa {:.3f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="555" />
      <source>Bands: {}</source>
      <translation>Kanäle: {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="567" />
      <source>all {} bands</source>
      <translation>alle {} Kanäle</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="575" />
      <source>{} of {} bands</source>
      <translation>{} von {} Kanälen</translation>
    </message>
  </context>
  <context>
    <name>TrainingPlot</name>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="67" />
      <source>Log scale</source>
      <translation>Logarithmische Skala</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="71" />
      <source>Training</source>
      <translation>Training</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="87" />
      <source>Install pyqtgraph to see the training curves.</source>
      <translation>Installieren Sie pyqtgraph, um die Trainingskurven zu sehen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="95" />
      <source>loss</source>
      <translation>Verlust</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="111" />
      <source>confident</source>
      <translation>sicher</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="112" />
      <source>recorded step</source>
      <translation>aufgezeichneter Schritt</translation>
    </message>
  </context>
  <context>
    <name>scdsc</name>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="13" />
      <source>Labels a raster with a model saved by 'Train SCDSC model' or 'SCDSC clustering'. The raster must have the bands the model was trained on (by default the model's own band selection is used).</source>
      <translation>Klassifiziert ein Raster mit einem Modell, das mit „SCDSC-Modell trainieren“ oder „SCDSC-Clustering“ gespeichert wurde. Das Raster muss die Kanäle haben, auf denen das Modell trainiert wurde (standardmäßig wird die im Modell gespeicherte Kanalauswahl verwendet).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="23" />
      <source>Apply SCDSC model</source>
      <translation>SCDSC-Modell anwenden</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="72" />
      <source>{name} clusters</source>
      <translation>{name} Cluster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="73" />
      <source>{name} confidence</source>
      <translation>{name} Konfidenz</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="18" />
      <source>Labels many rasters with one saved model, a window of rows at a time, so that the cluster numbers mean the same class on every raster. Each raster gets a styled mosaic (VRT) and its tiles in the output folder. With a Dask scheduler address the windows run on that cluster; empty runs them here.</source>
      <translation>Beschriftet viele Raster mit einem gespeicherten Modell, jeweils ein Fenster von Zeilen, sodass die Clusternummern auf jedem Raster dieselbe Klasse bedeuten. Jedes Raster erhält ein gestaltetes Mosaik (VRT) und seine Kacheln im Ausgabeordner. Mit der Adresse eines Dask-Schedulers laufen die Fenster auf diesem Cluster; leer laufen sie hier.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="29" />
      <source>Apply SCDSC model to many rasters</source>
      <translation>SCDSC-Modell auf viele Raster anwenden</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="34" />
      <source>Input rasters</source>
      <translation>Eingaberaster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="35" />
      <source>The rasters to label; each must have the bands the model was trained on.</source>
      <translation>Die zu beschriftenden Raster; jedes muss die Bänder haben, auf denen das Modell trainiert wurde.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="36" />
      <source>Also write confidence mosaics</source>
      <translation>Auch Konfidenz-Mosaike schreiben</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="37" />
      <source>One confidence mosaic per raster (largest soft assignment, 0..1).</source>
      <translation>Ein Konfidenz-Mosaik je Raster (größte weiche Zuordnung, 0..1).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="38" />
      <source>Rows per task</source>
      <translation>Zeilen je Aufgabe</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="40" />
      <source>Rows of one window, the unit of work. Empty: 256.</source>
      <translation>Zeilen eines Fensters, der Arbeitseinheit. Leer: 256.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="41" />
      <source>Dask scheduler address</source>
      <translation>Adresse des Dask-Schedulers</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="42" />
      <source>A running Dask scheduler (tcp://host:8786). Empty: the windows run in this process.</source>
      <translation>Ein laufender Dask-Scheduler (tcp://host:8786). Leer: die Fenster laufen in diesem Prozess.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="44" />
      <source>Output folder</source>
      <translation>Ausgabeordner</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="45" />
      <source>Gets one mosaic (.vrt with a .qml style) and a folder of tiles per input raster.</source>
      <translation>Erhält je Eingaberaster ein Mosaik (.vrt mit .qml-Stil) und einen Ordner mit Kacheln.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="46" />
      <source>Mosaics</source>
      <translation>Mosaike</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="52" />
      <source>Input rasters: choose at least one raster layer.</source>
      <translation>Eingaberaster: wählen Sie mindestens einen Rasterlayer.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="79" />
      <source>{mosaic}: {tiles} tiles</source>
      <translation>{mosaic}: {tiles} Kacheln</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="82" />
      <source>Could not load the style {path}: {message}</source>
      <translation>Der Stil {path} konnte nicht geladen werden: {message}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="167" />
      <source>loss {value:.4f}</source>
      <translation>Verlust {value:.4f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="169" />
      <source>confident ratio {value:.3f}</source>
      <translation>Anteil sicherer Pixel {value:.3f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="192" />
      <source>Clustering</source>
      <translation>Clustering</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="230" />
      <source>Input raster</source>
      <translation>Eingaberaster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="231" />
      <source>The (hyperspectral) raster to cluster: any file-based raster GDAL reads, with at least {n} bands. Nodata and non-finite pixels are left unlabelled.</source>
      <translation>Das zu clusternde (hyperspektrale) Raster: jedes dateibasierte Raster, das GDAL lesen kann, mit mindestens {n} Kanälen. NoData- und nicht-endliche Pixel bleiben ohne Klasse.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="233" />
      <source>Bands</source>
      <translation>Kanäle</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="235" />
      <source>Bands to use (at least {n}). Empty: all bands, except those flagged bad (bbl = 0) in the raster's metadata.</source>
      <translation>Zu verwendende Kanäle (mindestens {n}). Leer: alle Kanäle außer den in den Metadaten des Rasters als schlecht markierten (bbl = 0).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="237" />
      <source>Mask (polygon layer or raster)</source>
      <translation>Maske (Polygon-Layer oder Raster)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="239" />
      <source>Only pixels inside the polygons (reprojected to the raster's CRS if needed), or where the mask raster is non-zero, are clustered. Other pixels are written as nodata.</source>
      <translation>Nur Pixel innerhalb der Polygone (bei Bedarf in das KBS des Rasters umprojiziert) oder dort, wo das Maskenraster ungleich null ist, werden geclustert. Andere Pixel werden als NoData geschrieben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="241" />
      <source>Mask rule (quality band)</source>
      <translation>Maskenregel (Qualitätsband)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="242" />
      <source>Reads a raster MASK as a quality band: drop=3,8-10 or keep=4,5 (class values, e.g. the Sentinel-2 SCL), bits=0-4 (drop pixels with any of these bits set, e.g. Landsat QA_PIXEL), band=N (default 1); combine with |. Nodata is always dropped.</source>
      <translation>Liest eine Raster-MASK als Qualitätsband: drop=3,8-10 oder keep=4,5 (Klassenwerte, z. B. die Sentinel-2-SCL), bits=0-4 (Pixel verwerfen, bei denen eines dieser Bits gesetzt ist, z. B. Landsat QA_PIXEL), band=N (Standard 1); mit | kombinieren. NoData wird immer verworfen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="248" />
      <source>Number of clusters</source>
      <translation>Anzahl der Cluster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="250" />
      <source>K, the number of clusters (2 to {max}).</source>
      <translation>K, die Anzahl der Cluster (2 bis {max}).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="254" />
      <source>Mode</source>
      <translation>Modus</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="255" />
      <source>Fast (mini-batches on a sample, for large scenes)</source>
      <translation>Schnell (Mini-Batches auf einer Stichprobe, für große Szenen)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="256" />
      <source>Paper (full batch, as published)</source>
      <translation>Publikation (voller Batch, wie veröffentlicht)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="257" />
      <source>Fast trains on a sample of pixels in mini-batches and labels the whole scene; Paper follows the published method (full batch, 400 epochs) and suits small scenes.</source>
      <translation>„Schnell“ trainiert in Mini-Batches auf einer Pixelstichprobe und klassifiziert die ganze Szene; „Publikation“ folgt der veröffentlichten Methode (voller Batch, 400 Epochen) und eignet sich für kleine Szenen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="261" />
      <source>Random seed</source>
      <translation>Zufallsstartwert</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="262" />
      <source>The same seed, data and software give the same clusters.</source>
      <translation>Gleicher Startwert, gleiche Daten und gleiche Software ergeben dieselben Cluster.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="269" />
      <source>Mode default</source>
      <translation>Voreinstellung des Modus</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="271" />
      <source>Mode default: the mode's own value.</source>
      <translation>Modusstandard: der eigene Wert des Modus.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="280" />
      <source>0 = {meaning}.</source>
      <translation>0 = {meaning}.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="282" />
      <source>Empty: the mode's default.</source>
      <translation>Leer: der Standardwert des Modus.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="284" />
      <source>Empty: {meaning}.</source>
      <translation>Leer: {meaning}.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="286" />
      <source>0 also means the mode's default, as in earlier versions.</source>
      <translation>0 bedeutet wie in früheren Versionen ebenfalls den Standardwert des Modus.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="293" />
      <source>SCDSC model</source>
      <translation>SCDSC-Modell</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="293" />
      <source>SCDSC model (*.npz)</source>
      <translation>SCDSC-Modell (*.npz)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="294" />
      <source>A model file written by 'Train SCDSC model' or 'SCDSC clustering'.</source>
      <translation>Eine Modelldatei aus „SCDSC-Modell trainieren“ oder „SCDSC-Clustering“.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="298" />
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="299" />
      <source>Automatic (GPU if available)</source>
      <translation>Automatisch (GPU, falls vorhanden)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="299" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="300" />
      <source>CUDA GPU</source>
      <translation>CUDA-GPU</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="301" />
      <source>Where the network runs. Automatic uses a CUDA GPU when there is one; asking for CUDA where there is none is an error.</source>
      <translation>Wo das Netz läuft. „Automatisch“ verwendet eine CUDA-GPU, falls vorhanden; CUDA ohne vorhandene GPU anzufordern ist ein Fehler.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="306" />
      <source>Reference labels</source>
      <translation>Referenzklassen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="307" />
      <source>Optional reference label raster (0 = unlabelled) on the same grid: the result is evaluated against it (overall accuracy, NMI, kappa, per-class accuracy).</source>
      <translation>Optionales Referenzklassenraster (0 = unbeschriftet) im selben Raster-Gitter: Das Ergebnis wird damit bewertet (Gesamtgenauigkeit, NMI, Kappa, Genauigkeit je Klasse).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="312" />
      <source>Clusters</source>
      <translation>Cluster</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="314" />
      <source>Label raster: 1..K per clustered pixel, 0 = nodata, with a style file (.qml) beside it.</source>
      <translation>Klassenraster: 1..K je geclustertem Pixel, 0 = NoData, mit einer Stildatei (.qml) daneben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="315" />
      <source>Confidence</source>
      <translation>Konfidenz</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="317" />
      <source>Optional raster of each pixel's largest soft assignment (0..1).</source>
      <translation>Optionales Raster der größten weichen Zuordnung jedes Pixels (0..1).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="321" />
      <source>Cluster spectra</source>
      <translation>Cluster-Spektren</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="322" />
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="324" />
      <source>Optional CSV table: each cluster's mean and standard deviation per band, with the band's wavelength (nm) where the raster records it.</source>
      <translation>Optionale CSV-Tabelle: Mittelwert und Standardabweichung jedes Clusters je Band, mit der Wellenlänge des Bandes (nm), wo das Raster sie angibt.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="329" />
      <source>Overall accuracy</source>
      <translation>Gesamtgenauigkeit</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="330" />
      <source>Normalized mutual information</source>
      <translation>Normierte Transinformation</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="331" />
      <source>Cohen's kappa</source>
      <translation>Cohens Kappa</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="392" />
      <source>{name}: cannot load the raster {value!r}</source>
      <translation>{name}: Das Raster {value!r} kann nicht geladen werden</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="405" />
      <source>MASK: cannot load the layer {value!r}</source>
      <translation>MASK: Der Layer {value!r} kann nicht geladen werden</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="413" />
      <source>MASK must be a polygon layer or a raster, got {name!r}</source>
      <translation>MASK muss ein Polygon-Layer oder ein Raster sein, erhalten: {name!r}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="418" />
      <source>MASK_RULE reads a raster MASK (a quality band); {what}</source>
      <translation>MASK_RULE liest eine Raster-MASK (ein Qualitätsband); {what}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="419" />
      <source>no MASK was given</source>
      <translation>es wurde keine MASK angegeben</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="419" />
      <source>MASK is a vector layer</source>
      <translation>MASK ist ein Vektorlayer</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="432" />
      <source>Cannot import the SCDSC core library: {error}</source>
      <translation>Die SCDSC-Kernbibliothek kann nicht importiert werden: {error}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="450" />
      <source>Cancelled</source>
      <translation>Abgebrochen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="472" />
      <source>{name}: {size} pixels</source>
      <translation>{name}: {size} Pixel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="492" />
      <source>selected bands</source>
      <translation>ausgewählte Kanäle</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="492" />
      <source>bands</source>
      <translation>Kanäle</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="493" />
      <source>INPUT needs at least {n} {what}, got {count} in {name}</source>
      <translation>INPUT braucht mindestens {n} {what}, {name} hat {count}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="501" />
      <source>N_CLUSTERS must be between 2 and {max}, got {k}</source>
      <translation>N_CLUSTERS muss zwischen 2 und {max} liegen, erhalten: {k}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="504" />
      <source>N_CLUSTERS must be smaller than the number of pixels ({n}), got {k}</source>
      <translation>N_CLUSTERS muss kleiner als die Anzahl der Pixel ({n}) sein, erhalten: {k}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="512" />
      <source>{name} must be a file-based (GDAL) raster, got a {provider!r} layer {layer!r}</source>
      <translation>{name} muss ein dateibasiertes (GDAL-)Raster sein, erhalten: {provider!r}-Layer {layer!r}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="533" />
      <source>MASK: cannot export the layer {layer!r} to {path}: {message}</source>
      <translation>MASK: Der Layer {layer!r} kann nicht nach {path} exportiert werden: {message}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="536" />
      <source>MASK: exported the layer {layer!r} to {path}</source>
      <translation>MASK: Layer {layer!r} nach {path} exportiert</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="543" />
      <source>Overall accuracy {oa:.4f}, NMI {nmi:.4f}, kappa {kappa:.4f}</source>
      <translation>Gesamtgenauigkeit {oa:.4f}, NMI {nmi:.4f}, Kappa {kappa:.4f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="551" />
      <source>per-class accuracy</source>
      <translation>Genauigkeit je Klasse</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="15" />
      <source>Clusters the pixels of a hyperspectral raster into K groups with SCDSC (scalable context-preserving deep subspace clustering): a convolutional autoencoder on 7x7 patches of the PCA image (8 components, or every band of a raster with fewer), trained so that each cluster is a low-dimensional subspace, mini-clusters stay together and neighbouring pixels agree. Writes a label raster (1..K, 0 = nodata) styled with one colour per cluster, and optionally a confidence raster, the trained model and an HTML report.</source>
      <translation>Gruppiert die Pixel eines hyperspektralen Rasters mit SCDSC (skalierbares, kontexterhaltendes Deep Subspace Clustering) in K Cluster: ein Faltungs-Autoencoder auf 7x7-Ausschnitten des PCA-Bildes (8 Komponenten, oder jedes Band eines Rasters mit weniger Bändern), so trainiert, dass jeder Cluster ein niedrigdimensionaler Unterraum ist, Mini-Cluster zusammenbleiben und benachbarte Pixel übereinstimmen. Schreibt ein Klassenraster (1..K, 0 = NoData) mit einer Farbe je Cluster und optional ein Konfidenzraster, das trainierte Modell und einen HTML-Bericht.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="28" />
      <source>SCDSC clustering</source>
      <translation>SCDSC-Clustering</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="38" />
      <source>Trained model</source>
      <translation>Trainiertes Modell</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="41" />
      <source>Optional model file, to label other rasters with 'Apply SCDSC model'.</source>
      <translation>Optionale Modelldatei, um andere Raster mit „SCDSC-Modell anwenden“ zu klassifizieren.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="42" />
      <source>Report</source>
      <translation>Bericht</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="43" />
      <source>HTML files (*.html)</source>
      <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="45" />
      <source>Optional HTML report: training curves, cluster sizes and, with reference labels, the accuracy figures.</source>
      <translation>Optionaler HTML-Bericht: Trainingskurven, Clustergrößen und mit Referenzklassen die Genauigkeitswerte.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="15" />
      <source>Compares a label raster (0 = nodata) with reference labels (0 = unlabelled) on the same grid. Clusters are matched to reference classes one-to-one (Hungarian method) before the overall accuracy, kappa and per-class accuracy are computed; NMI needs no matching.</source>
      <translation>Vergleicht ein Klassenraster (0 = NoData) mit Referenzklassen (0 = unbeschriftet) im selben Gitter. Die Cluster werden den Referenzklassen eins zu eins zugeordnet (Ungarische Methode), bevor Gesamtgenauigkeit, Kappa und Genauigkeit je Klasse berechnet werden; NMI braucht keine Zuordnung.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="25" />
      <source>Evaluate clustering against reference</source>
      <translation>Clustering gegen Referenz bewerten</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="30" />
      <source>Label raster to evaluate (1..K, 0 = nodata), e.g. the output of 'SCDSC clustering'.</source>
      <translation>Zu bewertendes Klassenraster (1..K, 0 = NoData), z. B. die Ausgabe von „SCDSC-Clustering“.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="32" />
      <source>Reference label raster on the same grid (0 = unlabelled).</source>
      <translation>Referenzklassenraster im selben Gitter (0 = unbeschriftet).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="15" />
      <source>Trains SCDSC on a raster and saves the model, to label this or other rasters with the same bands later with 'Apply SCDSC model'. The same seed gives the same labels as 'SCDSC clustering'.</source>
      <translation>Trainiert SCDSC auf einem Raster und speichert das Modell, um dieses oder andere Raster mit denselben Kanälen später mit „SCDSC-Modell anwenden“ zu klassifizieren. Derselbe Startwert ergibt dieselben Klassen wie „SCDSC-Clustering“.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="25" />
      <source>Train SCDSC model</source>
      <translation>SCDSC-Modell trainieren</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="35" />
      <source>The model file (weights and metadata, no executable code).</source>
      <translation>Die Modelldatei (Gewichte und Metadaten, kein ausführbarer Code).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="38" />
      <source>Optional label raster of the training raster (1..K, 0 = nodata).</source>
      <translation>Optionales Klassenraster des Trainingsrasters (1..K, 0 = NoData).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="42" />
      <source>Optional HTML report: training curves and cluster sizes.</source>
      <translation>Optionaler HTML-Bericht: Trainingskurven und Clustergrößen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="17" />
      <source>Trains one SCDSC model for a whole campaign: square windows are drawn over every input raster in proportion to its area, read (on a Dask cluster when a scheduler address is given), put side by side and clustered as one scene. 'Apply SCDSC model to many rasters' then labels every raster with it, so that a cluster number means the same class everywhere. Every raster must have the first one's bands.</source>
      <translation>Trainiert ein SCDSC-Modell für eine ganze Kampagne: quadratische Fenster werden über jedes Eingaberaster im Verhältnis zu seiner Fläche gezogen, gelesen (auf einem Dask-Cluster, wenn eine Scheduler-Adresse angegeben ist), nebeneinandergelegt und wie eine Szene geclustert. „SCDSC-Modell auf viele Raster anwenden“ beschriftet dann jedes Raster damit, sodass eine Clusternummer überall dieselbe Klasse bedeutet. Jedes Raster muss die Bänder des ersten haben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="29" />
      <source>Train SCDSC model on many rasters</source>
      <translation>SCDSC-Modell auf vielen Rastern trainieren</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="34" />
      <source>The rasters of the campaign; each must have the first one's bands.</source>
      <translation>Die Raster der Kampagne; jedes muss die Bänder des ersten haben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="38" />
      <source>Sample window (pixels)</source>
      <translation>Stichprobenfenster (Pixel)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="40" />
      <source>Side of the square windows the sample is drawn in.</source>
      <translation>Seitenlänge der quadratischen Fenster, in denen die Stichprobe gezogen wird.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="42" />
      <source>A running Dask scheduler (tcp://host:8786). Empty: the windows are read in this process.</source>
      <translation>Ein laufender Dask-Scheduler (tcp://host:8786). Leer: die Fenster werden in diesem Prozess gelesen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="46" />
      <source>The model file, for 'Apply SCDSC model to many rasters'.</source>
      <translation>Die Modelldatei, für „SCDSC-Modell auf viele Raster anwenden“.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="81" />
      <source>Sample: {pixels} pixels in {windows} windows from {rasters} rasters</source>
      <translation>Stichprobe: {pixels} Pixel in {windows} Fenstern aus {rasters} Rastern</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="21" />
      <source>Stacks the bands of a multi-file product into one virtual raster (VRT), without copying pixels: a Landsat Collection 2 Level-2 product (its _MTL.txt file: surface reflectance bands with the MTL scale and offset), an EnMAP L2A product (its METADATA.XML: wavelengths, FWHM and gains; bands outside the detectors' expected channels flagged bad), or a folder of single-band rasters. Bands on different grids are put on the finest or coarsest of them or on a given pixel size. The product's quality band and its rule come out as QUALITY and QUALITY_RULE, for the MASK and MASK_RULE of 'SCDSC clustering'.</source>
      <translation>Stapelt die Bänder eines mehrteiligen Produkts ohne Kopie der Pixel zu einem virtuellen Raster (VRT): ein Landsat-Collection-2-Level-2-Produkt (seine _MTL.txt-Datei: Bänder der Oberflächenreflexion mit Skalierung und Offset aus der MTL), ein EnMAP-L2A-Produkt (seine METADATA.XML: Wellenlängen, FWHM und Gains; Bänder außerhalb der erwarteten Kanäle der Detektoren als schlecht markiert) oder einen Ordner mit einbandigen Rastern. Bänder auf verschiedenen Gittern kommen auf das feinste oder gröbste davon oder auf eine gegebene Pixelgröße. Das Qualitätsband des Produkts und seine Regel kommen als QUALITY und QUALITY_RULE heraus, für MASK und MASK_RULE von „SCDSC-Clustering“.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="35" />
      <source>Stack a multi-file product</source>
      <translation>Mehrteiliges Produkt stapeln</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="39" />
      <source>Product metadata file</source>
      <translation>Produkt-Metadatendatei</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="40" />
      <source>Product metadata (*_MTL.txt *METADATA.XML)</source>
      <translation>Produkt-Metadaten (*_MTL.txt *METADATA.XML)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="41" />
      <source>A Landsat Collection 2 Level-2 *_MTL.txt or an EnMAP L2A *-METADATA.XML file.</source>
      <translation>Eine Landsat-Collection-2-Level-2-Datei *_MTL.txt oder eine EnMAP-L2A-Datei *-METADATA.XML.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="42" />
      <source>Or: folder of single-band rasters</source>
      <translation>Oder: Ordner mit einbandigen Rastern</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="44" />
      <source>A folder whose single-band rasters become the bands, in natural name order (B2 before B10). Give PRODUCT or FOLDER.</source>
      <translation>Ein Ordner, dessen einbandige Raster die Bänder werden, in natürlicher Namensreihenfolge (B2 vor B10). PRODUCT oder FOLDER angeben.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="46" />
      <source>Grid</source>
      <translation>Gitter</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="46" />
      <source>Finest band</source>
      <translation>Feinstes Band</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="47" />
      <source>Coarsest band</source>
      <translation>Gröbstes Band</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="48" />
      <source>Pixel size below</source>
      <translation>Pixelgröße unten</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="49" />
      <source>The grid of bands that come at several pixel sizes.</source>
      <translation>Das Gitter für Bänder mit verschiedenen Pixelgrößen.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="50" />
      <source>Pixel size</source>
      <translation>Pixelgröße</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="53" />
      <source>With GRID = pixel size: the pixel size in the rasters' CRS units.</source>
      <translation>Bei GRID = Pixelgröße: die Pixelgröße in den Einheiten des KBS der Raster.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="54" />
      <source>Resampling</source>
      <translation>Resampling</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="55" />
      <source>Nearest neighbour (keeps measured values)</source>
      <translation>Nächster Nachbar (behält gemessene Werte)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="56" />
      <source>Bilinear</source>
      <translation>Bilinear</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="56" />
      <source>Cubic</source>
      <translation>Kubisch</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="56" />
      <source>Average</source>
      <translation>Mittelwert</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="58" />
      <source>How bands on another grid are resampled onto it.</source>
      <translation>Wie Bänder auf einem anderen Gitter auf dieses umgerechnet werden.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="60" />
      <source>Stack</source>
      <translation>Stapel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="60" />
      <source>VRT files (*.vrt)</source>
      <translation>VRT-Dateien (*.vrt)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="61" />
      <source>The VRT to write (it refers to the product's files).</source>
      <translation>Das zu schreibende VRT (es verweist auf die Dateien des Produkts).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="62" />
      <source>Quality band</source>
      <translation>Qualitätsband</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="63" />
      <source>Quality rule</source>
      <translation>Qualitätsregel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="71" />
      <source>Give either PRODUCT (a metadata file) or FOLDER, not {what}</source>
      <translation>Entweder PRODUCT (eine Metadatendatei) oder FOLDER angeben, nicht {what}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="72" />
      <source>both</source>
      <translation>beide</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="72" />
      <source>neither</source>
      <translation>keines</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="76" />
      <source>GRID = pixel size needs PIXEL_SIZE</source>
      <translation>GRID = Pixelgröße braucht PIXEL_SIZE</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="87" />
      <source>Stacked {source} into {vrt}</source>
      <translation>{source} zu {vrt} gestapelt</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="89" />
      <source>Quality band {path} with rule {rule}</source>
      <translation>Qualitätsband {path} mit Regel {rule}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/deps.py" line="51" />
      <source>SCDSC needs Python packages that QGIS's Python cannot import: {missing}. Install them with the plugin (Raster menu &gt; SCDSC &gt; Install SCDSC dependencies, or the button in the message bar), which puts them into {folder}; or run QGIS from a Python environment that has them, e.g. 'python3 -m pip install -c &lt;pins of your numpy/scipy&gt; {requirements}'.</source>
      <translation>SCDSC braucht Python-Pakete, die das Python von QGIS nicht importieren kann: {missing}. Installieren Sie sie mit dem Plugin (Menü Raster &gt; SCDSC &gt; SCDSC-Abhängigkeiten installieren oder die Schaltfläche in der Meldungsleiste), das sie nach {folder} legt, oder starten Sie QGIS aus einer Python-Umgebung, die sie enthält, z. B. „python3 -m pip install -c &lt;Pins Ihrer numpy/scipy&gt; {requirements}“.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="58" />
      <source>Open the SCDSC clustering panel</source>
      <translation>Das SCDSC-Clustering-Bedienfeld öffnen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="62" />
      <source>Install SCDSC dependencies (torch, scikit-learn)…</source>
      <translation>SCDSC-Abhängigkeiten installieren (torch, scikit-learn)…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="110" />
      <source>SCDSC</source>
      <translation>SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="111" />
      <source>Install…</source>
      <translation>Installieren…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="120" />
      <source>torch and scikit-learn are already available.</source>
      <translation>torch und scikit-learn sind bereits verfügbar.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="123" />
      <source>Install SCDSC dependencies</source>
      <translation>SCDSC-Abhängigkeiten installieren</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="124" />
      <source>Install {packages} into {folder}? This downloads about 200 MB to 1 GB and takes a few minutes; QGIS's own numpy and scipy are kept.</source>
      <translation>{packages} nach {folder} installieren? Dabei werden etwa 200 MB bis 1 GB heruntergeladen, und es dauert einige Minuten; numpy und scipy von QGIS bleiben erhalten.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="132" />
      <source>Installing SCDSC dependencies</source>
      <translation>SCDSC-Abhängigkeiten werden installiert</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="135" />
      <source>Installing torch and scikit-learn in the background…</source>
      <translation>torch und scikit-learn werden im Hintergrund installiert…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="141" />
      <source>Installing the dependencies failed: {error}</source>
      <translation>Die Installation der Abhängigkeiten ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="149" />
      <source>torch and scikit-learn are installed.</source>
      <translation>torch und scikit-learn sind installiert.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/provider.py" line="28" />
      <source>SCDSC deep subspace clustering</source>
      <translation>SCDSC Deep Subspace Clustering</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Pixel PCA components</source>
      <translation>PCA-Komponenten der Pixel</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Pixel PCA components (network input channels); at most the number of bands.</source>
      <translation>PCA-Komponenten der Pixel (Eingangskanäle des Netzes); höchstens die Anzahl der Bänder.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>min(8, the number of bands)</source>
      <translation>min(8, Anzahl der Bänder)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Mini-cluster loss weight (alpha)</source>
      <translation>Gewicht des Mini-Cluster-Verlusts (Alpha)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Weight of the mini-cluster (non-local) KL term.</source>
      <translation>Gewicht des Mini-Cluster-Terms (nicht-lokale KL-Divergenz).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Smoothing loss weight (beta)</source>
      <translation>Gewicht des Glättungsverlusts (Beta)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Weight of the spatial-smoothing (local) KL term (default: 7 in paper mode, 1 in fast mode).</source>
      <translation>Gewicht des Glättungsterms (lokale KL-Divergenz; Standard: 7 im Modus Paper, 1 im Modus Fast).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Smoothing window (pixels)</source>
      <translation>Glättungsfenster (Pixel)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Side of the smoothing window w, in pixels (odd).</source>
      <translation>Seitenlänge w des Glättungsfensters in Pixeln (ungerade).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Learning rate</source>
      <translation>Lernrate</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Adam learning rate of the clustering stage.</source>
      <translation>Adam-Lernrate der Clustering-Phase.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Autoencoder pretraining epochs</source>
      <translation>Vortrainingsepochen des Autoencoders</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Autoencoder pretraining epochs.</source>
      <translation>Vortrainingsepochen des Autoencoders.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>no pretraining</source>
      <translation>kein Vortraining</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Clustering epochs</source>
      <translation>Clustering-Epochen</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Clustering epochs (paper: full-batch steps; fast: the maximum number of passes over the sample).</source>
      <translation>Clustering-Epochen (Paper: Schritte über alle Pixel; Fast: höchstens so viele Durchläufe über die Stichprobe).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Training sample size (pixels)</source>
      <translation>Größe der Trainingsstichprobe (Pixel)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Pixels the network is trained on (all clustered pixels are labelled).</source>
      <translation>Pixel, auf denen das Netz trainiert wird (alle geclusterten Pixel erhalten ein Label).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>every clustered pixel</source>
      <translation>alle geclusterten Pixel</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Start partition</source>
      <translation>Startpartition</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Start partition of the subspaces: k-means on the pretrained latents (the paper) or the FINCH hierarchy cut to K.</source>
      <translation>Startpartition der Unterräume: k-Means auf den vortrainierten latenten Merkmalen (wie im Paper) oder die FINCH-Hierarchie, auf K geschnitten.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>k-means on the latents (paper)</source>
      <translation>k-means auf den latenten Merkmalen (Artikel)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>FINCH cut to K</source>
      <translation>FINCH, auf K gekürzt</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Returned state</source>
      <translation>Zurückgegebener Zustand</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Which training state is returned: the one with the most confident pixels (the official code), or that one unless the start partition is clearly more spatially coherent.</source>
      <translation>Welcher Trainingszustand zurückgegeben wird: der mit den meisten sicheren Pixeln (wie der offizielle Code), oder dieser, außer wenn die Startpartition räumlich deutlich zusammenhängender ist.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Most confident pixels (paper)</source>
      <translation>Meiste sichere Pixel (Paper)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>More coherent of start and trained</source>
      <translation>Zusammenhängenderer von Start und Training</translation>
    </message>
  </context>
</TS>
