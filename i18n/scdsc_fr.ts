<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
  <context>
    <name>AlgorithmRun</name>
    <message>
      <location filename="../scdsc_qgis/task.py" line="100" />
      <source>The Processing algorithm {} is not available: is the SCDSC plugin enabled?</source>
      <translation>L'algorithme de traitement {} n'est pas disponible : l'extension SCDSC est-elle activée ?</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="105" />
      <source>Invalid parameters for {}.</source>
      <translation>Paramètres invalides pour {}.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="111" />
      <source>{} could not prepare its inputs.</source>
      <translation>{} n'a pas pu préparer ses entrées.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/task.py" line="164" />
      <source>{} failed; the Processing log (View &gt; Panels &gt; Log Messages) has the details.</source>
      <translation>{} a échoué ; le journal des traitements (Vue &gt; Panneaux &gt; Journal des messages) donne les détails.</translation>
    </message>
  </context>
  <context>
    <name>ScdscDockWidget</name>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="75" />
      <source>SCDSC clustering</source>
      <translation>Classification SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="100" />
      <source>Raster to cluster (any GDAL raster with at least 3 bands).</source>
      <translation>Raster à partitionner (tout raster GDAL d'au moins 3 bandes).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="101" />
      <source>Input raster</source>
      <translation>Raster en entrée</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="104" />
      <source>all bands (e.g. 1-50,60)</source>
      <translation>toutes les bandes (p. ex. 1-50,60)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="105" />
      <source>1-based bands and ranges, e.g. 1-50,60. Empty: all bands except those flagged bad (bbl=0).</source>
      <translation>Bandes et plages numérotées à partir de 1, p. ex. 1-50,60. Vide : toutes les bandes sauf celles marquées mauvaises (bbl=0).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="113" />
      <source>Bands</source>
      <translation>Bandes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="120" />
      <source>Optional polygons (the pixels inside are clustered) or a raster (its non-zero pixels, or those its rule keeps).</source>
      <translation>Polygones facultatifs (les pixels à l'intérieur sont classés) ou un raster (ses pixels non nuls, ou ceux que sa règle garde).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="122" />
      <source>Mask (optional)</source>
      <translation>Masque (facultatif)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="124" />
      <source>e.g. drop=3,8-10 or bits=0-4</source>
      <translation>p. ex. drop=3,8-10 ou bits=0-4</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="125" />
      <source>For a raster mask read as a quality band: drop=3,8-10 or keep=4,5 (class values, e.g. the Sentinel-2 SCL), bits=0-4 (Landsat QA_PIXEL), band=N; combine with |.</source>
      <translation>Pour un masque raster lu comme bande qualité : drop=3,8-10 ou keep=4,5 (valeurs de classe, p. ex. la SCL de Sentinel-2), bits=0-4 (Landsat QA_PIXEL), band=N ; à combiner avec |.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="128" />
      <source>Mask rule</source>
      <translation>Règle de masque</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="132" />
      <source>Clusters</source>
      <translation>Classes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="135" />
      <source>Fast</source>
      <translation>Rapide</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="136" />
      <source>Mini-batches on a sample of pixels; for large scenes.</source>
      <translation>Mini-lots sur un échantillon de pixels ; pour les grandes scènes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="138" />
      <source>Paper</source>
      <translation>Article</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="139" />
      <source>Full batch, as published; for small scenes.</source>
      <translation>Lot complet, comme publié ; pour les petites scènes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="141" />
      <source>Mode</source>
      <translation>Mode</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="147" />
      <source>Optional reference labels (0 = unlabelled): the result is scored with OA, NMI and kappa.</source>
      <translation>Étiquettes de référence facultatives (0 = non étiqueté) : le résultat est évalué par OA, NMI et kappa.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="149" />
      <source>Reference (optional)</source>
      <translation>Référence (facultatif)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="153" />
      <source>GeoTIFF (*.tif *.tiff)</source>
      <translation>GeoTIFF (*.tif *.tiff)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="155" />
      <source>automatic</source>
      <translation>automatique</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="156" />
      <source>Label GeoTIFF to write. Empty: a new file next to the saved project, or in QGIS's temporary folder.</source>
      <translation>GeoTIFF des étiquettes à écrire. Vide : un nouveau fichier à côté du projet enregistré, ou dans le dossier temporaire de QGIS.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="158" />
      <source>Output labels</source>
      <translation>Étiquettes en sortie</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="160" />
      <source>Also write it</source>
      <translation>L'écrire aussi</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="161" />
      <source>Write each pixel's largest soft assignment (0..1) beside the labels, and add it as a grey layer.</source>
      <translation>Écrire la plus grande affectation souple de chaque pixel (0..1) à côté des étiquettes et l'ajouter comme couche en niveaux de gris.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="163" />
      <source>Confidence raster</source>
      <translation>Raster de confiance</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="170" />
      <source>Advanced</source>
      <translation>Avancé</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="175" />
      <source>mode default</source>
      <translation>valeur du mode</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="176" />
      <source>Pixels used for training; 0 = every clustered pixel.</source>
      <translation>Pixels utilisés pour l'entraînement ; 0 = tous les pixels classés.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="177" />
      <source>Sample size</source>
      <translation>Taille de l'échantillon</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="179" />
      <source>Clustering epochs</source>
      <translation>Époques de classification</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="181" />
      <source>0 = no pretraining.</source>
      <translation>0 = pas de pré-entraînement.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="182" />
      <source>Pretraining epochs</source>
      <translation>Époques de pré-entraînement</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="184" />
      <source>Learning rate</source>
      <translation>Taux d'apprentissage</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="186" />
      <source>default</source>
      <translation>par défaut</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="187" />
      <source>Weight of the mini-cluster (non-local) term.</source>
      <translation>Poids du terme des mini-classes (non local).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="188" />
      <source>Alpha (non-local)</source>
      <translation>Alpha (non local)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="190" />
      <source>Weight of the smoothing (local) term.</source>
      <translation>Poids du terme de lissage (local).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="191" />
      <source>Beta (local)</source>
      <translation>Bêta (local)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="193" />
      <source>Side of the smoothing window, in pixels (odd).</source>
      <translation>Côté de la fenêtre de lissage, en pixels (impair).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="194" />
      <source>Smoothing window</source>
      <translation>Fenêtre de lissage</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="195" />
      <source>auto: min(8, bands)</source>
      <translation>auto : min(8, bandes)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="196" />
      <source>Pixel PCA components (network input channels); at most the number of bands.</source>
      <translation>Composantes ACP des pixels (canaux d'entrée du réseau) ; au plus le nombre de bandes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="198" />
      <source>PCA components</source>
      <translation>Composantes ACP</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="200" />
      <source>Seed</source>
      <translation>Graine</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="202" />
      <source>Automatic</source>
      <translation>Automatique</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="202" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="202" />
      <source>CUDA GPU</source>
      <translation>GPU CUDA</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="204" />
      <source>Device</source>
      <translation>Matériel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="208" />
      <source>Run</source>
      <translation>Exécuter</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="210" />
      <source>Cancel</source>
      <translation>Annuler</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="230" />
      <source>Result</source>
      <translation>Résultat</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="236" />
      <source>Cluster</source>
      <translation>Classe</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="236" />
      <source>Pixels</source>
      <translation>Pixels</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="236" />
      <source>Share</source>
      <translation>Part</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="307" />
      <source>Input raster: choose a raster layer of the project (none is selected).</source>
      <translation>Raster en entrée : choisissez une couche raster du projet (aucune n'est sélectionnée).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="363" />
      <source>SCDSC clustering of {}</source>
      <translation>Classification SCDSC de {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="371" />
      <source>Starting…</source>
      <translation>Démarrage…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="378" />
      <source>Could not start the clustering: {}</source>
      <translation>Impossible de démarrer la classification : {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="384" />
      <source>Cancelling…</source>
      <translation>Annulation…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="443" />
      <source>The clustering finished, but its result could not be shown: {}</source>
      <translation>La classification est terminée, mais son résultat n'a pas pu être affiché : {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="460" />
      <source>Cancelled: nothing was written.</source>
      <translation>Annulé : rien n'a été écrit.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="465" />
      <source>Failed.</source>
      <translation>Échec.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="485" />
      <source>the algorithm returned no label raster</source>
      <translation>l'algorithme n'a renvoyé aucun raster d'étiquettes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="492" />
      <source>{} – SCDSC confidence</source>
      <translation>{} – confiance SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="496" />
      <source>{} – SCDSC clusters</source>
      <translation>{} – classes SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="506" />
      <source>Done: {} clusters in {}</source>
      <translation>Terminé : {} classes en {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="509" />
      <source>Added {}.</source>
      <translation>{} ajouté.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="518" />
      <source>Cluster {}</source>
      <translation>Classe {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="538" />
      <source>No evaluation against the reference was returned.</source>
      <translation>Aucune évaluation par rapport à la référence n'a été renvoyée.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="539" />
      <source>Against the reference: OA {:.3f} · NMI {:.3f} · kappa {:.3f}</source>
      <translation>Par rapport à la référence : OA {:.3f} · NMI {:.3f} · kappa {:.3f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="555" />
      <source>Bands: {}</source>
      <translation>Bandes : {}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="567" />
      <source>all {} bands</source>
      <translation>les {} bandes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock.py" line="575" />
      <source>{} of {} bands</source>
      <translation>{} bandes sur {}</translation>
    </message>
  </context>
  <context>
    <name>TrainingPlot</name>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="67" />
      <source>Log scale</source>
      <translation>Échelle logarithmique</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="71" />
      <source>Training</source>
      <translation>Entraînement</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="87" />
      <source>Install pyqtgraph to see the training curves.</source>
      <translation>Installez pyqtgraph pour voir les courbes d'entraînement.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="95" />
      <source>loss</source>
      <translation>perte</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="111" />
      <source>confident</source>
      <translation>sûrs</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/dock_plot.py" line="112" />
      <source>recorded step</source>
      <translation>pas enregistré</translation>
    </message>
  </context>
  <context>
    <name>scdsc</name>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="13" />
      <source>Labels a raster with a model saved by 'Train SCDSC model' or 'SCDSC clustering'. The raster must have the bands the model was trained on (by default the model's own band selection is used).</source>
      <translation>Étiquette un raster avec un modèle enregistré par « Entraîner un modèle SCDSC » ou « Classification SCDSC ». Le raster doit avoir les bandes sur lesquelles le modèle a été entraîné (par défaut, la sélection de bandes enregistrée dans le modèle est utilisée).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="23" />
      <source>Apply SCDSC model</source>
      <translation>Appliquer un modèle SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="72" />
      <source>{name} clusters</source>
      <translation>{name} classes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply.py" line="73" />
      <source>{name} confidence</source>
      <translation>{name} confiance</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="18" />
      <source>Labels many rasters with one saved model, a window of rows at a time, so that the cluster numbers mean the same class on every raster. Each raster gets a styled mosaic (VRT) and its tiles in the output folder. With a Dask scheduler address the windows run on that cluster; empty runs them here.</source>
      <translation>Étiquette de nombreux rasters avec un seul modèle enregistré, une fenêtre de lignes à la fois, de sorte que les numéros de classe désignent la même classe sur chaque raster. Chaque raster reçoit une mosaïque stylée (VRT) et ses tuiles dans le dossier de sortie. Avec l'adresse d'un ordonnanceur Dask, les fenêtres s'exécutent sur ce cluster ; vide, elles s'exécutent ici.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="29" />
      <source>Apply SCDSC model to many rasters</source>
      <translation>Appliquer un modèle SCDSC à plusieurs rasters</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="34" />
      <source>Input rasters</source>
      <translation>Rasters en entrée</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="35" />
      <source>The rasters to label; each must have the bands the model was trained on.</source>
      <translation>Les rasters à étiqueter ; chacun doit avoir les bandes sur lesquelles le modèle a été entraîné.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="36" />
      <source>Also write confidence mosaics</source>
      <translation>Écrire aussi les mosaïques de confiance</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="37" />
      <source>One confidence mosaic per raster (largest soft assignment, 0..1).</source>
      <translation>Une mosaïque de confiance par raster (plus grande affectation souple, 0..1).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="38" />
      <source>Rows per task</source>
      <translation>Lignes par tâche</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="40" />
      <source>Rows of one window, the unit of work. Empty: 256.</source>
      <translation>Lignes d'une fenêtre, l'unité de travail. Vide : 256.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="41" />
      <source>Dask scheduler address</source>
      <translation>Adresse de l'ordonnanceur Dask</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="42" />
      <source>A running Dask scheduler (tcp://host:8786). Empty: the windows run in this process.</source>
      <translation>Un ordonnanceur Dask en marche (tcp://host:8786). Vide : les fenêtres s'exécutent dans ce processus.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="44" />
      <source>Output folder</source>
      <translation>Dossier de sortie</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="45" />
      <source>Gets one mosaic (.vrt with a .qml style) and a folder of tiles per input raster.</source>
      <translation>Reçoit, par raster en entrée, une mosaïque (.vrt avec un style .qml) et un dossier de tuiles.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="46" />
      <source>Mosaics</source>
      <translation>Mosaïques</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="52" />
      <source>Input rasters: choose at least one raster layer.</source>
      <translation>Rasters en entrée : choisissez au moins une couche raster.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/apply_many.py" line="79" />
      <source>{mosaic}: {tiles} tiles</source>
      <translation>{mosaic} : {tiles} tuiles</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="82" />
      <source>Could not load the style {path}: {message}</source>
      <translation>Impossible de charger le style {path} : {message}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="167" />
      <source>loss {value:.4f}</source>
      <translation>perte {value:.4f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="169" />
      <source>confident ratio {value:.3f}</source>
      <translation>part de pixels sûrs {value:.3f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="192" />
      <source>Clustering</source>
      <translation>Classification non supervisée</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="230" />
      <source>Input raster</source>
      <translation>Raster en entrée</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="231" />
      <source>The (hyperspectral) raster to cluster: any file-based raster GDAL reads, with at least {n} bands. Nodata and non-finite pixels are left unlabelled.</source>
      <translation>Le raster (hyperspectral) à classifier : tout raster sur fichier lisible par GDAL, avec au moins {n} bandes. Les pixels sans données ou non finis restent sans étiquette.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="233" />
      <source>Bands</source>
      <translation>Bandes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="235" />
      <source>Bands to use (at least {n}). Empty: all bands, except those flagged bad (bbl = 0) in the raster's metadata.</source>
      <translation>Bandes à utiliser (au moins {n}). Vide : toutes les bandes, sauf celles marquées mauvaises (bbl = 0) dans les métadonnées du raster.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="237" />
      <source>Mask (polygon layer or raster)</source>
      <translation>Masque (couche de polygones ou raster)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="239" />
      <source>Only pixels inside the polygons (reprojected to the raster's CRS if needed), or where the mask raster is non-zero, are clustered. Other pixels are written as nodata.</source>
      <translation>Seuls les pixels à l'intérieur des polygones (reprojetés dans le SCR du raster si nécessaire), ou là où le raster masque est non nul, sont classifiés. Les autres pixels sont écrits sans données.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="241" />
      <source>Mask rule (quality band)</source>
      <translation>Règle de masque (bande qualité)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="242" />
      <source>Reads a raster MASK as a quality band: drop=3,8-10 or keep=4,5 (class values, e.g. the Sentinel-2 SCL), bits=0-4 (drop pixels with any of these bits set, e.g. Landsat QA_PIXEL), band=N (default 1); combine with |. Nodata is always dropped.</source>
      <translation>Lit un raster MASK comme bande qualité : drop=3,8-10 ou keep=4,5 (valeurs de classe, p. ex. la SCL de Sentinel-2), bits=0-4 (écarte les pixels dont l'un de ces bits est à 1, p. ex. Landsat QA_PIXEL), band=N (1 par défaut) ; à combiner avec |. Les pixels nodata sont toujours écartés.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="248" />
      <source>Number of clusters</source>
      <translation>Nombre de classes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="250" />
      <source>K, the number of clusters (2 to {max}).</source>
      <translation>K, le nombre de classes (de 2 à {max}).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="254" />
      <source>Mode</source>
      <translation>Mode</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="255" />
      <source>Fast (mini-batches on a sample, for large scenes)</source>
      <translation>Rapide (mini-lots sur un échantillon, pour les grandes scènes)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="256" />
      <source>Paper (full batch, as published)</source>
      <translation>Article (lot complet, comme publié)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="257" />
      <source>Fast trains on a sample of pixels in mini-batches and labels the whole scene; Paper follows the published method (full batch, 400 epochs) and suits small scenes.</source>
      <translation>« Rapide » s'entraîne par mini-lots sur un échantillon de pixels et étiquette toute la scène ; « Article » suit la méthode publiée (lot complet, 400 époques) et convient aux petites scènes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="261" />
      <source>Random seed</source>
      <translation>Graine aléatoire</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="262" />
      <source>The same seed, data and software give the same clusters.</source>
      <translation>La même graine, les mêmes données et le même logiciel donnent les mêmes classes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="269" />
      <source>Mode default</source>
      <translation>Valeur par défaut du mode</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="271" />
      <source>Mode default: the mode's own value.</source>
      <translation>Valeur du mode : la valeur propre au mode.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="280" />
      <source>0 = {meaning}.</source>
      <translation>0 = {meaning}.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="282" />
      <source>Empty: the mode's default.</source>
      <translation>Vide : la valeur par défaut du mode.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="284" />
      <source>Empty: {meaning}.</source>
      <translation>Vide : {meaning}.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="286" />
      <source>0 also means the mode's default, as in earlier versions.</source>
      <translation>0 signifie aussi la valeur par défaut du mode, comme dans les versions antérieures.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="293" />
      <source>SCDSC model</source>
      <translation>Modèle SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="293" />
      <source>SCDSC model (*.npz)</source>
      <translation>Modèle SCDSC (*.npz)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="294" />
      <source>A model file written by 'Train SCDSC model' or 'SCDSC clustering'.</source>
      <translation>Un fichier de modèle écrit par « Entraîner un modèle SCDSC » ou « Classification SCDSC ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="298" />
      <source>Device</source>
      <translation>Matériel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="299" />
      <source>Automatic (GPU if available)</source>
      <translation>Automatique (GPU si disponible)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="299" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="300" />
      <source>CUDA GPU</source>
      <translation>GPU CUDA</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="301" />
      <source>Where the network runs. Automatic uses a CUDA GPU when there is one; asking for CUDA where there is none is an error.</source>
      <translation>Où le réseau s'exécute. « Automatique » utilise un GPU CUDA s'il y en a un ; demander CUDA sans GPU est une erreur.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="306" />
      <source>Reference labels</source>
      <translation>Étiquettes de référence</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="307" />
      <source>Optional reference label raster (0 = unlabelled) on the same grid: the result is evaluated against it (overall accuracy, NMI, kappa, per-class accuracy).</source>
      <translation>Raster facultatif d'étiquettes de référence (0 = non étiqueté) sur la même grille : le résultat est évalué par rapport à lui (précision globale, NMI, kappa, précision par classe).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="312" />
      <source>Clusters</source>
      <translation>Classes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="314" />
      <source>Label raster: 1..K per clustered pixel, 0 = nodata, with a style file (.qml) beside it.</source>
      <translation>Raster d'étiquettes : 1..K par pixel classifié, 0 = sans données, avec un fichier de style (.qml) à côté.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="315" />
      <source>Confidence</source>
      <translation>Confiance</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="317" />
      <source>Optional raster of each pixel's largest soft assignment (0..1).</source>
      <translation>Raster facultatif de la plus grande affectation souple de chaque pixel (0..1).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="321" />
      <source>Cluster spectra</source>
      <translation>Spectres des classes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="322" />
      <source>CSV files (*.csv)</source>
      <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="324" />
      <source>Optional CSV table: each cluster's mean and standard deviation per band, with the band's wavelength (nm) where the raster records it.</source>
      <translation>Table CSV facultative : moyenne et écart-type de chaque classe par bande, avec la longueur d'onde de la bande (nm) là où le raster l'indique.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="329" />
      <source>Overall accuracy</source>
      <translation>Précision globale</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="330" />
      <source>Normalized mutual information</source>
      <translation>Information mutuelle normalisée</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="331" />
      <source>Cohen's kappa</source>
      <translation>Kappa de Cohen</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="392" />
      <source>{name}: cannot load the raster {value!r}</source>
      <translation>{name} : impossible de charger le raster {value!r}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="405" />
      <source>MASK: cannot load the layer {value!r}</source>
      <translation>MASK : impossible de charger la couche {value!r}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="413" />
      <source>MASK must be a polygon layer or a raster, got {name!r}</source>
      <translation>MASK doit être une couche de polygones ou un raster, reçu {name!r}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="418" />
      <source>MASK_RULE reads a raster MASK (a quality band); {what}</source>
      <translation>MASK_RULE lit un raster MASK (une bande qualité) ; {what}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="419" />
      <source>no MASK was given</source>
      <translation>aucun MASK n'a été donné</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="419" />
      <source>MASK is a vector layer</source>
      <translation>MASK est une couche vecteur</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="432" />
      <source>Cannot import the SCDSC core library: {error}</source>
      <translation>Impossible d'importer la bibliothèque SCDSC : {error}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="450" />
      <source>Cancelled</source>
      <translation>Annulé</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="472" />
      <source>{name}: {size} pixels</source>
      <translation>{name} : {size} pixels</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="492" />
      <source>selected bands</source>
      <translation>bandes sélectionnées</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="492" />
      <source>bands</source>
      <translation>bandes</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="493" />
      <source>INPUT needs at least {n} {what}, got {count} in {name}</source>
      <translation>INPUT demande au moins {n} {what}, {name} en a {count}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="501" />
      <source>N_CLUSTERS must be between 2 and {max}, got {k}</source>
      <translation>N_CLUSTERS doit être compris entre 2 et {max}, reçu {k}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="504" />
      <source>N_CLUSTERS must be smaller than the number of pixels ({n}), got {k}</source>
      <translation>N_CLUSTERS doit être inférieur au nombre de pixels ({n}), reçu {k}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="512" />
      <source>{name} must be a file-based (GDAL) raster, got a {provider!r} layer {layer!r}</source>
      <translation>{name} doit être un raster sur fichier (GDAL), reçu une couche {provider!r} {layer!r}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="533" />
      <source>MASK: cannot export the layer {layer!r} to {path}: {message}</source>
      <translation>MASK : impossible d'exporter la couche {layer!r} vers {path} : {message}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="536" />
      <source>MASK: exported the layer {layer!r} to {path}</source>
      <translation>MASK : couche {layer!r} exportée vers {path}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="543" />
      <source>Overall accuracy {oa:.4f}, NMI {nmi:.4f}, kappa {kappa:.4f}</source>
      <translation>Précision globale {oa:.4f}, NMI {nmi:.4f}, kappa {kappa:.4f}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/base.py" line="551" />
      <source>per-class accuracy</source>
      <translation>précision par classe</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="15" />
      <source>Clusters the pixels of a hyperspectral raster into K groups with SCDSC (scalable context-preserving deep subspace clustering): a convolutional autoencoder on 7x7 patches of the PCA image (8 components, or every band of a raster with fewer), trained so that each cluster is a low-dimensional subspace, mini-clusters stay together and neighbouring pixels agree. Writes a label raster (1..K, 0 = nodata) styled with one colour per cluster, and optionally a confidence raster, the trained model and an HTML report.</source>
      <translation>Regroupe les pixels d'un raster hyperspectral en K classes avec SCDSC (classification profonde en sous-espaces, évolutive et préservant le contexte) : un auto-encodeur convolutif sur des imagettes 7x7 de l'image ACP (8 composantes, ou toutes les bandes d'un raster qui en a moins), entraîné pour que chaque classe soit un sous-espace de faible dimension, que les mini-classes restent unies et que les pixels voisins concordent. Écrit un raster d'étiquettes (1..K, 0 = sans données) avec une couleur par classe, et en option un raster de confiance, le modèle entraîné et un rapport HTML.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="28" />
      <source>SCDSC clustering</source>
      <translation>Classification SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="38" />
      <source>Trained model</source>
      <translation>Modèle entraîné</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="41" />
      <source>Optional model file, to label other rasters with 'Apply SCDSC model'.</source>
      <translation>Fichier de modèle facultatif, pour étiqueter d'autres rasters avec « Appliquer un modèle SCDSC ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="42" />
      <source>Report</source>
      <translation>Rapport</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="43" />
      <source>HTML files (*.html)</source>
      <translation>Fichiers HTML (*.html)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/cluster.py" line="45" />
      <source>Optional HTML report: training curves, cluster sizes and, with reference labels, the accuracy figures.</source>
      <translation>Rapport HTML facultatif : courbes d'entraînement, tailles des classes et, avec des étiquettes de référence, les mesures de précision.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="15" />
      <source>Compares a label raster (0 = nodata) with reference labels (0 = unlabelled) on the same grid. Clusters are matched to reference classes one-to-one (Hungarian method) before the overall accuracy, kappa and per-class accuracy are computed; NMI needs no matching.</source>
      <translation>Compare un raster d'étiquettes (0 = sans données) à des étiquettes de référence (0 = non étiqueté) sur la même grille. Les classes sont appariées une à une aux classes de référence (méthode hongroise) avant le calcul de la précision globale, du kappa et de la précision par classe ; la NMI ne nécessite pas d'appariement.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="25" />
      <source>Evaluate clustering against reference</source>
      <translation>Évaluer une classification par rapport à une référence</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="30" />
      <source>Label raster to evaluate (1..K, 0 = nodata), e.g. the output of 'SCDSC clustering'.</source>
      <translation>Raster d'étiquettes à évaluer (1..K, 0 = sans données), p. ex. la sortie de « Classification SCDSC ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/evaluate.py" line="32" />
      <source>Reference label raster on the same grid (0 = unlabelled).</source>
      <translation>Raster d'étiquettes de référence sur la même grille (0 = non étiqueté).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="15" />
      <source>Trains SCDSC on a raster and saves the model, to label this or other rasters with the same bands later with 'Apply SCDSC model'. The same seed gives the same labels as 'SCDSC clustering'.</source>
      <translation>Entraîne SCDSC sur un raster et enregistre le modèle, pour étiqueter plus tard ce raster ou d'autres ayant les mêmes bandes avec « Appliquer un modèle SCDSC ». La même graine donne les mêmes étiquettes que « Classification SCDSC ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="25" />
      <source>Train SCDSC model</source>
      <translation>Entraîner un modèle SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="35" />
      <source>The model file (weights and metadata, no executable code).</source>
      <translation>Le fichier de modèle (poids et métadonnées, sans code exécutable).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="38" />
      <source>Optional label raster of the training raster (1..K, 0 = nodata).</source>
      <translation>Raster d'étiquettes facultatif du raster d'entraînement (1..K, 0 = sans données).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit.py" line="42" />
      <source>Optional HTML report: training curves and cluster sizes.</source>
      <translation>Rapport HTML facultatif : courbes d'entraînement et tailles des classes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="17" />
      <source>Trains one SCDSC model for a whole campaign: square windows are drawn over every input raster in proportion to its area, read (on a Dask cluster when a scheduler address is given), put side by side and clustered as one scene. 'Apply SCDSC model to many rasters' then labels every raster with it, so that a cluster number means the same class everywhere. Every raster must have the first one's bands.</source>
      <translation>Entraîne un seul modèle SCDSC pour toute une campagne : des fenêtres carrées sont tirées sur chaque raster d'entrée en proportion de sa surface, lues (sur un cluster Dask si une adresse de planificateur est donnée), juxtaposées et classées comme une seule scène. « Appliquer un modèle SCDSC à plusieurs rasters » étiquette ensuite chaque raster avec lui, de sorte qu'un numéro de classe désigne la même classe partout. Chaque raster doit avoir les bandes du premier.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="29" />
      <source>Train SCDSC model on many rasters</source>
      <translation>Entraîner un modèle SCDSC sur plusieurs rasters</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="34" />
      <source>The rasters of the campaign; each must have the first one's bands.</source>
      <translation>Les rasters de la campagne ; chacun doit avoir les bandes du premier.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="38" />
      <source>Sample window (pixels)</source>
      <translation>Fenêtre d'échantillonnage (pixels)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="40" />
      <source>Side of the square windows the sample is drawn in.</source>
      <translation>Côté des fenêtres carrées dans lesquelles l'échantillon est tiré.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="42" />
      <source>A running Dask scheduler (tcp://host:8786). Empty: the windows are read in this process.</source>
      <translation>Un planificateur Dask en cours d'exécution (tcp://hôte:8786). Vide : les fenêtres sont lues dans ce processus.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="46" />
      <source>The model file, for 'Apply SCDSC model to many rasters'.</source>
      <translation>Le fichier de modèle, pour « Appliquer un modèle SCDSC à plusieurs rasters ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/fit_many.py" line="81" />
      <source>Sample: {pixels} pixels in {windows} windows from {rasters} rasters</source>
      <translation>Échantillon : {pixels} pixels dans {windows} fenêtres de {rasters} rasters</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="21" />
      <source>Stacks the bands of a multi-file product into one virtual raster (VRT), without copying pixels: a Landsat Collection 2 Level-2 product (its _MTL.txt file: surface reflectance bands with the MTL scale and offset), an EnMAP L2A product (its METADATA.XML: wavelengths, FWHM and gains; bands outside the detectors' expected channels flagged bad), or a folder of single-band rasters. Bands on different grids are put on the finest or coarsest of them or on a given pixel size. The product's quality band and its rule come out as QUALITY and QUALITY_RULE, for the MASK and MASK_RULE of 'SCDSC clustering'.</source>
      <translation>Empile les bandes d'un produit en plusieurs fichiers dans un raster virtuel (VRT), sans copier de pixels : un produit Landsat Collection 2 niveau 2 (son fichier _MTL.txt : bandes de réflectance de surface avec l'échelle et le décalage du MTL), un produit EnMAP L2A (son METADATA.XML : longueurs d'onde, FWHM et gains ; bandes hors des canaux attendus des détecteurs marquées mauvaises) ou un dossier de rasters à une bande. Les bandes sur des grilles différentes sont mises sur la plus fine ou la plus grossière, ou sur une taille de pixel donnée. La bande qualité du produit et sa règle sortent en QUALITY et QUALITY_RULE, pour MASK et MASK_RULE de « Classification SCDSC ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="35" />
      <source>Stack a multi-file product</source>
      <translation>Empiler un produit en plusieurs fichiers</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="39" />
      <source>Product metadata file</source>
      <translation>Fichier de métadonnées du produit</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="40" />
      <source>Product metadata (*_MTL.txt *METADATA.XML)</source>
      <translation>Métadonnées de produit (*_MTL.txt *METADATA.XML)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="41" />
      <source>A Landsat Collection 2 Level-2 *_MTL.txt or an EnMAP L2A *-METADATA.XML file.</source>
      <translation>Un fichier Landsat Collection 2 niveau 2 *_MTL.txt ou EnMAP L2A *-METADATA.XML.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="42" />
      <source>Or: folder of single-band rasters</source>
      <translation>Ou : dossier de rasters à une bande</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="44" />
      <source>A folder whose single-band rasters become the bands, in natural name order (B2 before B10). Give PRODUCT or FOLDER.</source>
      <translation>Un dossier dont les rasters à une bande deviennent les bandes, dans l'ordre naturel des noms (B2 avant B10). Donner PRODUCT ou FOLDER.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="46" />
      <source>Grid</source>
      <translation>Grille</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="46" />
      <source>Finest band</source>
      <translation>Bande la plus fine</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="47" />
      <source>Coarsest band</source>
      <translation>Bande la plus grossière</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="48" />
      <source>Pixel size below</source>
      <translation>Taille de pixel ci-dessous</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="49" />
      <source>The grid of bands that come at several pixel sizes.</source>
      <translation>La grille des bandes de tailles de pixel différentes.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="50" />
      <source>Pixel size</source>
      <translation>Taille de pixel</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="53" />
      <source>With GRID = pixel size: the pixel size in the rasters' CRS units.</source>
      <translation>Avec GRID = taille de pixel : la taille de pixel dans les unités du SCR des rasters.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="54" />
      <source>Resampling</source>
      <translation>Rééchantillonnage</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="55" />
      <source>Nearest neighbour (keeps measured values)</source>
      <translation>Plus proche voisin (garde les valeurs mesurées)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="56" />
      <source>Bilinear</source>
      <translation>Bilinéaire</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="56" />
      <source>Cubic</source>
      <translation>Cubique</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="56" />
      <source>Average</source>
      <translation>Moyenne</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="58" />
      <source>How bands on another grid are resampled onto it.</source>
      <translation>Comment les bandes d'une autre grille y sont rééchantillonnées.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="60" />
      <source>Stack</source>
      <translation>Pile</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="60" />
      <source>VRT files (*.vrt)</source>
      <translation>Fichiers VRT (*.vrt)</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="61" />
      <source>The VRT to write (it refers to the product's files).</source>
      <translation>Le VRT à écrire (il renvoie aux fichiers du produit).</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="62" />
      <source>Quality band</source>
      <translation>Bande qualité</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="63" />
      <source>Quality rule</source>
      <translation>Règle qualité</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="71" />
      <source>Give either PRODUCT (a metadata file) or FOLDER, not {what}</source>
      <translation>Donner soit PRODUCT (un fichier de métadonnées) soit FOLDER, pas {what}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="72" />
      <source>both</source>
      <translation>les deux</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="72" />
      <source>neither</source>
      <translation>aucun des deux</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="76" />
      <source>GRID = pixel size needs PIXEL_SIZE</source>
      <translation>GRID = taille de pixel demande PIXEL_SIZE</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="87" />
      <source>Stacked {source} into {vrt}</source>
      <translation>{source} empilé dans {vrt}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/algorithms/stack.py" line="89" />
      <source>Quality band {path} with rule {rule}</source>
      <translation>Bande qualité {path} avec la règle {rule}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/deps.py" line="51" />
      <source>SCDSC needs Python packages that QGIS's Python cannot import: {missing}. Install them with the plugin (Raster menu &gt; SCDSC &gt; Install SCDSC dependencies, or the button in the message bar), which puts them into {folder}; or run QGIS from a Python environment that has them, e.g. 'python3 -m pip install -c &lt;pins of your numpy/scipy&gt; {requirements}'.</source>
      <translation>SCDSC a besoin de paquets Python que le Python de QGIS ne peut pas importer : {missing}. Installez-les avec l'extension (menu Raster &gt; SCDSC &gt; Installer les dépendances de SCDSC, ou le bouton de la barre de messages), qui les place dans {folder} ; ou lancez QGIS depuis un environnement Python qui les contient, p. ex. « python3 -m pip install -c &lt;versions figées de votre numpy/scipy&gt; {requirements} ».</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="58" />
      <source>Open the SCDSC clustering panel</source>
      <translation>Ouvrir le panneau de classification SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="62" />
      <source>Install SCDSC dependencies (torch, scikit-learn)…</source>
      <translation>Installer les dépendances de SCDSC (torch, scikit-learn)…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="110" />
      <source>SCDSC</source>
      <translation>SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="111" />
      <source>Install…</source>
      <translation>Installer…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="120" />
      <source>torch and scikit-learn are already available.</source>
      <translation>torch et scikit-learn sont déjà disponibles.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="123" />
      <source>Install SCDSC dependencies</source>
      <translation>Installer les dépendances de SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="124" />
      <source>Install {packages} into {folder}? This downloads about 200 MB to 1 GB and takes a few minutes; QGIS's own numpy and scipy are kept.</source>
      <translation>Installer {packages} dans {folder} ? Cela télécharge de 200 Mo à 1 Go environ et prend quelques minutes ; les numpy et scipy de QGIS sont conservés.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="132" />
      <source>Installing SCDSC dependencies</source>
      <translation>Installation des dépendances de SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="135" />
      <source>Installing torch and scikit-learn in the background…</source>
      <translation>Installation de torch et scikit-learn en arrière-plan…</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="141" />
      <source>Installing the dependencies failed: {error}</source>
      <translation>L'installation des dépendances a échoué : {error}</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/plugin.py" line="149" />
      <source>torch and scikit-learn are installed.</source>
      <translation>torch et scikit-learn sont installés.</translation>
    </message>
    <message>
      <location filename="../scdsc_qgis/provider.py" line="28" />
      <source>SCDSC deep subspace clustering</source>
      <translation>Classification profonde en sous-espaces SCDSC</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Pixel PCA components</source>
      <translation>Composantes ACP des pixels</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Pixel PCA components (network input channels); at most the number of bands.</source>
      <translation>Composantes ACP des pixels (canaux d'entrée du réseau) ; au plus le nombre de bandes.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>min(8, the number of bands)</source>
      <translation>min(8, nombre de bandes)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Mini-cluster loss weight (alpha)</source>
      <translation>Poids de la perte des mini-classes (alpha)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Weight of the mini-cluster (non-local) KL term.</source>
      <translation>Poids du terme KL des mini-classes (non local).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Smoothing loss weight (beta)</source>
      <translation>Poids de la perte de lissage (bêta)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Weight of the spatial-smoothing (local) KL term (default: 7 in paper mode, 1 in fast mode).</source>
      <translation>Poids du terme KL de lissage spatial (local ; par défaut : 7 en mode article, 1 en mode rapide).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Smoothing window (pixels)</source>
      <translation>Fenêtre de lissage (pixels)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Side of the smoothing window w, in pixels (odd).</source>
      <translation>Côté w de la fenêtre de lissage, en pixels (impair).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Learning rate</source>
      <translation>Taux d'apprentissage</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Adam learning rate of the clustering stage.</source>
      <translation>Taux d'apprentissage Adam de la phase de classification.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Autoencoder pretraining epochs</source>
      <translation>Époques de pré-entraînement de l'auto-encodeur</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Autoencoder pretraining epochs.</source>
      <translation>Époques de pré-entraînement de l'auto-encodeur.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>no pretraining</source>
      <translation>pas de pré-entraînement</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Clustering epochs</source>
      <translation>Époques de classification</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Clustering epochs (paper: full-batch steps; fast: the maximum number of passes over the sample).</source>
      <translation>Époques de classification (article : pas sur tous les pixels ; rapide : nombre maximal de passages sur l'échantillon).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Training sample size (pixels)</source>
      <translation>Taille de l'échantillon d'entraînement (pixels)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Pixels the network is trained on (all clustered pixels are labelled).</source>
      <translation>Pixels sur lesquels le réseau est entraîné (tous les pixels classés reçoivent une étiquette).</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>every clustered pixel</source>
      <translation>tous les pixels classés</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Start partition</source>
      <translation>Partition de départ</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Start partition of the subspaces: k-means on the pretrained latents (the paper) or the FINCH hierarchy cut to K.</source>
      <translation>Partition de départ des sous-espaces : k-moyennes sur les variables latentes pré-entraînées (l'article) ou la hiérarchie FINCH coupée à K.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>k-means on the latents (paper)</source>
      <translation>k-means sur les variables latentes (article)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>FINCH cut to K</source>
      <translation>FINCH réduit à K</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Returned state</source>
      <translation>État renvoyé</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Which training state is returned: the one with the most confident pixels (the official code), or that one unless the start partition is clearly more spatially coherent.</source>
      <translation>L'état d'entraînement renvoyé : celui qui a le plus de pixels sûrs (le code officiel), ou celui-ci, sauf si la partition de départ est nettement plus cohérente spatialement.</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>Most confident pixels (paper)</source>
      <translation>Le plus de pixels sûrs (article)</translation>
    </message>
    <message>
      <location filename="../scdsc_core/params.py" line="1" />
      <source>More coherent of start and trained</source>
      <translation>Le plus cohérent du départ et de l'entraîné</translation>
    </message>
  </context>
</TS>
