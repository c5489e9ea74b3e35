"""Tests of scdsc_core.synthetic: the generated demo scene, its physics, separability and written files."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
import pytest
from scipy import ndimage

from scdsc_core import synthetic
from scdsc_core.errors import ScdscError
from scdsc_core.metrics import evaluate_labels
from scdsc_core.synthetic import (ASPHALT, BARE_SOIL, CLASS_COLORS, CLASS_NAMES, DRY_GRASS, PIXEL_SIZE, ROOFS,
                                  VEGETATION, WATER, SyntheticScene, class_spectra, make_scene, write_scene)


@pytest.fixture(scope="module")
def scene():
    return make_scene()


def band(scene_, nm):
    return int(np.argmin(np.abs(scene_.wavelengths_nm - nm)))


def interior(labels, k, margin=2):
    """Pixels of class k at least ``margin`` pixels away from any other class (pure pixels)."""
    return ndimage.binary_erosion(labels == k, iterations=margin, border_value=1)


def mean_spectrum(scene_, k, pure=True):
    mask = interior(scene_.labels, k) if pure else scene_.labels == k
    return scene_.cube[:, mask].mean(axis=1)


def test_shapes_types_and_ranges(scene):
    assert isinstance(scene, SyntheticScene)
    assert scene.cube.shape == (120, 168, 192) and scene.cube.dtype == np.float32
    assert scene.labels.shape == (168, 192) and scene.labels.dtype == np.uint8
    assert 0.0 <= scene.cube.min() and scene.cube.max() <= 1.0
    assert set(np.unique(scene.labels)) == set(range(1, 7))
    assert scene.class_names == list(CLASS_NAMES) and len(scene.class_colors) == 6
    assert scene.wavelengths_nm[0] == 400.0 and scene.wavelengths_nm[1] == 417.5
    assert scene.wavelengths_nm[-1] == pytest.approx(400 + 119 * 17.5) and scene.epsg == 32633
    small = make_scene(width=40, height=33, n_bands=9, seed=2)
    assert small.cube.shape == (9, 33, 40) and small.labels.shape == (33, 40)


def test_same_seed_same_scene_other_seed_other_scene(scene):
    again = make_scene(seed=0)
    np.testing.assert_array_equal(again.cube, scene.cube)
    np.testing.assert_array_equal(again.labels, scene.labels)
    other = make_scene(seed=1)
    assert not np.array_equal(other.labels, scene.labels)
    assert not np.allclose(other.cube, scene.cube)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_class_covers_at_least_3_percent(seed):
    labels = make_scene(seed=seed, n_bands=8).labels
    shares = np.bincount(labels.ravel(), minlength=7)[1:] / labels.size
    assert shares.min() >= 0.03, shares
    assert shares.max() <= 0.4, shares


def test_spectra_are_physically_plausible(scene):
    at = {nm: band(scene, nm) for nm in (480, 550, 670, 850, 1000, 1450, 1650, 1940, 2200)}
    veg = mean_spectrum(scene, VEGETATION)
    assert veg[at[550]] > veg[at[480]] and veg[at[550]] > veg[at[670]]      # green peak
    assert veg[at[850]] > 4 * veg[at[670]]                                  # red edge to the NIR plateau
    assert veg[at[1450]] < 0.75 * veg[at[1650]] and veg[at[1940]] < 0.75 * veg[at[2200]]  # water dips
    water = mean_spectrum(scene, WATER)
    assert water.max() < 0.08 and water[at[1000]:].max() < 0.015 and water[at[850]] < water[at[550]] / 3
    soil = mean_spectrum(scene, BARE_SOIL)
    assert soil[at[480]] < soil[at[850]] < soil[at[1650]]
    assert np.abs(np.diff(soil[:at[1000]])).max() < 0.02                   # smooth rise, no red edge
    asphalt = mean_spectrum(scene, ASPHALT, pure=False)
    assert asphalt.max() < 0.2 and np.percentile(asphalt, 95) - np.percentile(asphalt, 5) < 0.08
    roofs = mean_spectrum(scene, ROOFS, pure=False)
    assert roofs[at[670]] > 2.5 * roofs[at[550]] and roofs[at[1940]] > 0.8 * roofs[at[1650]]  # red, dry
    dry = mean_spectrum(scene, DRY_GRASS)
    assert dry[at[670]] > 2 * veg[at[670]] and dry[at[850]] < veg[at[850]]  # little chlorophyll, weak NIR
    assert dry[at[1940]] < 0.8 * dry[at[2200]]


def test_class_spectra_function_matches_the_cube(scene):
    pure = class_spectra(scene.wavelengths_nm)
    assert pure.shape == (6, 120)
    for k in range(1, 7):
        if interior(scene.labels, k).sum() > 20:
            np.testing.assert_allclose(mean_spectrum(scene, k), pure[k - 1], atol=0.05)


def test_shapes_river_roads_halls(scene):
    assert scene.geotransform[1] == PIXEL_SIZE == 5.0 and scene.geotransform[5] == -5.0
    # The river runs from the top to the bottom edge, 50 to 80 m wide, meandering.
    rows, cols = np.mgrid[0:168, 0:192].astype(np.float64)
    river = synthetic._river(rows, cols, np.random.default_rng(3), 0.5, 1.0)
    rows_with_water = river.any(axis=1)
    assert rows_with_water.all()
    widths_m = river.sum(axis=1) * PIXEL_SIZE
    assert 50 - PIXEL_SIZE <= np.median(widths_m) <= 80 + PIXEL_SIZE and widths_m.max() > widths_m.min()
    centres = np.array([np.flatnonzero(row).mean() for row in river])
    assert centres.max() - centres.min() > 10
    assert (scene.labels == WATER)[0].any() or (scene.labels == WATER)[-1].any()
    # The roads form one network, about 30 m wide.
    roads = synthetic._roads(rows, cols, np.random.default_rng(3))
    parts, n_parts = ndimage.label(roads, structure=np.ones((3, 3)))
    assert n_parts == 1
    widest_m = 2 * ndimage.distance_transform_edt(roads).max() * PIXEL_SIZE   # at a crossing: up to 1.5 widths
    assert 25 <= widest_m <= 50, widest_m
    # Halls: rectangles of at least 1000 m², no larger than the largest hall, in rows a lane apart.
    halls, n_halls = ndimage.label(scene.labels == ROOFS)
    assert n_halls >= 10
    sizes_m2 = np.bincount(halls.ravel())[1:] * PIXEL_SIZE ** 2
    assert sizes_m2.min() >= 1000 and sizes_m2.max() <= (140 + PIXEL_SIZE) * (80 + PIXEL_SIZE)
    boxes = ndimage.find_objects(halls)
    filled = [(halls[box] == i + 1).mean() for i, box in enumerate(boxes)]
    assert np.isclose(filled, 1.0).sum() >= 0.3 * n_halls     # whole rectangles (edge halls follow the plot)
    for use in (VEGETATION, DRY_GRASS, BARE_SOIL, WATER, ASPHALT):
        assert ndimage.label(scene.labels == use)[1] >= 1


def test_borders_are_mixed_and_variation_is_spatially_correlated(scene):
    spectra = scene.cube.reshape(scene.cube.shape[0], -1)
    for k in (WATER, ASPHALT):
        members = scene.labels == k
        pure = interior(scene.labels, k, margin=1).ravel()
        edge = (members & ~interior(scene.labels, k, margin=1)).ravel()
        centre = spectra[:, pure].mean(axis=1, keepdims=True)
        spread_pure = np.linalg.norm(spectra[:, pure] - centre, axis=0).mean()
        spread_edge = np.linalg.norm(spectra[:, edge] - centre, axis=0).mean()
        assert spread_edge > 1.5 * spread_pure, k
    # Brightness and shape vary smoothly: the NIR of horizontally adjacent pure vegetation pixels correlates.
    nir = scene.cube[band(scene, 850)]
    pure_veg = interior(scene.labels, VEGETATION, margin=2)
    pairs = pure_veg[:, :-1] & pure_veg[:, 1:]
    r = np.corrcoef(nir[:, :-1][pairs], nir[:, 1:][pairs])[0, 1]
    assert r > 0.5
    # ... and varies at all: more than the sensor noise alone would.
    assert nir[pure_veg].std() > 0.01


def test_kmeans_on_standardised_pca_pixels_separates_the_classes(scene):
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    pixels = scene.cube.reshape(scene.cube.shape[0], -1).T
    components = PCA(8, random_state=0).fit_transform(StandardScaler().fit_transform(pixels))
    features = StandardScaler().fit_transform(components)
    labels = KMeans(6, n_init=4, random_state=0).fit_predict(features).reshape(scene.labels.shape)
    evaluation = evaluate_labels(labels, scene.labels)
    assert evaluation.oa >= 0.9, evaluation.summary()


@pytest.mark.parametrize("kwargs, match", [
    ({"width": 10}, "width must be an integer >= 32, got 10"),
    ({"height": 31.5}, "height must be an integer >= 32, got 31.5"),
    ({"n_bands": 5}, "n_bands must be an integer >= 8, got 5"),
    ({"seed": -1}, "seed must be an integer >= 0, got -1"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ScdscError, match=match):
        make_scene(**kwargs)


# ------------------------------------------------------------------------------------------------------------------
# Written files
# ------------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scene")
    return write_scene(folder / "demo", seed=0), make_scene(seed=0)


def test_written_image_georeferencing_and_metadata(written):
    from osgeo import gdal, osr

    (image, _), scene = written
    assert image.endswith("image.tif")
    ds = gdal.Open(image)
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (192, 168, 120)
    assert ds.GetGeoTransform() == pytest.approx((530000.0, 5.0, 0.0, 5350000.0, 0.0, -5.0))
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    assert srs.GetAuthorityName(None) == "EPSG" and srs.GetAuthorityCode(None) == "32633"
    b2 = ds.GetRasterBand(2)
    assert b2.GetDescription() == "band 2 (417.5 nm)"
    assert b2.GetMetadataItem("wavelength") == "417.5" and b2.GetMetadataItem("wavelength_units") == "Nanometers"
    assert ds.GetRasterBand(120).GetDescription() == "band 120 (2482.5 nm)"
    assert b2.DataType == gdal.GDT_Float32
    np.testing.assert_array_equal(ds.ReadAsArray(), scene.cube)


def test_written_labels_with_categories_and_colours(written):
    from osgeo import gdal

    (_, labels_path), scene = written
    ds = gdal.Open(labels_path)
    ds.GetGeoTransform()  # GDAL 3.6 reads the .aux.xml (category names) lazily
    band_ = ds.GetRasterBand(1)
    assert band_.DataType == gdal.GDT_Byte and band_.GetNoDataValue() == 0
    np.testing.assert_array_equal(band_.ReadAsArray(), scene.labels)
    assert band_.GetCategoryNames()[1:7] == list(CLASS_NAMES)
    table = band_.GetRasterColorTable()
    assert [table.GetColorEntry(k)[:3] for k in range(1, 7)] == [tuple(c) for c in CLASS_COLORS]
    assert ds.GetGeoTransform() == pytest.approx((530000.0, 5.0, 0.0, 5350000.0, 0.0, -5.0))
    qml = open(labels_path[:-4] + ".qml", encoding="utf-8").read()
    assert 'label="Red-tile roofs"' in qml and 'value="6"' in qml


def test_written_scene_reads_as_a_raster_source(written):
    from scdsc_core.raster import open_raster, read_label_raster

    (image, labels_path), scene = written
    source = open_raster(image)
    assert source.shape == (168, 192) and source.n_bands == 120
    assert source.wavelengths[:2] == [400.0, 417.5]
    labels, _, names = read_label_raster(labels_path)
    np.testing.assert_array_equal(labels, scene.labels)
    assert names[1] == "Water"


def test_write_scene_is_deterministic_and_replaces_files(written, tmp_path):
    from osgeo import gdal

    image, _ = write_scene(tmp_path, seed=0, width=40, height=36, n_bands=10)
    first = gdal.Open(image).ReadAsArray()
    image_again, _ = write_scene(tmp_path, seed=0, width=40, height=36, n_bands=10)
    np.testing.assert_array_equal(gdal.Open(image_again).ReadAsArray(), first)
    write_scene(tmp_path, seed=1, width=40, height=36, n_bands=10)
    assert not np.array_equal(gdal.Open(image).ReadAsArray(), first)
    assert not [name for name in tmp_path.iterdir() if ".partial" in name.name]


def test_write_scene_into_a_file_path_is_a_user_error(tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    with pytest.raises(ScdscError, match="cannot create the scene folder .*taken"):
        write_scene(blocker, width=32, height=32, n_bands=8)


@pytest.mark.qgis
def test_qgis_opens_the_image_in_true_colour_and_the_labels_paletted(written, qgis_app):
    qgis_core = pytest.importorskip("qgis.core")
    (image, labels_path), _ = written
    layer = qgis_core.QgsRasterLayer(image, "image")
    assert layer.isValid() and layer.crs().authid() == "EPSG:32633"
    renderer = layer.renderer()
    assert renderer.type() == "multibandcolor"
    assert (renderer.redBand(), renderer.greenBand(), renderer.blueBand()) == (15, 10, 5)  # 645, 557.5, 470 nm
    assert renderer.redContrastEnhancement().maximumValue() == pytest.approx(0.35)
    labels = qgis_core.QgsRasterLayer(labels_path, "labels")
    assert labels.renderer().type() == "paletted"
    assert [c.label for c in labels.renderer().classes()] == list(CLASS_NAMES)
