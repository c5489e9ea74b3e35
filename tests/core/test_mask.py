"""Tests of scdsc_core.mask: polygon and raster masks put onto a raster grid."""
# SPDX-License-Identifier: GPL-2.0-or-later
import numpy as np
import pytest
from osgeo import gdal, ogr, osr

from conftest import write_raster
from scdsc_core.errors import ScdscError, ScdscWarning
from scdsc_core.mask import load_mask
from scdsc_core.raster import ArraySource, open_raster

gdal.UseExceptions()
ogr.UseExceptions()

# 40 x 40 pixels of 10 m in UTM 33N: x 500000..500400, y 3999600..4000000.
GT = (500000.0, 10.0, 0.0, 4000000.0, 0.0, -10.0)
SQUARE = "POLYGON ((500100 3999900, 500200 3999900, 500200 3999800, 500100 3999800, 500100 3999900))"


def srs(epsg):
    ref = osr.SpatialReference()
    ref.ImportFromEPSG(epsg)
    ref.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return ref


def write_vector(path, layers, driver="GPKG"):
    """``layers``: list of (name, epsg or None, list of WKT in that CRS's x/y order, geometry type)."""
    ds = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    for name, epsg, wkts, geom_type in layers:
        layer = ds.CreateLayer(name, srs=srs(epsg) if epsg else None, geom_type=geom_type)
        for wkt in wkts:
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
            layer.CreateFeature(feature)
    ds = None
    return str(path)


def to_4326(wkt):
    geometry = ogr.CreateGeometryFromWkt(wkt)
    geometry.Transform(osr.CoordinateTransformation(srs(32633), srs(4326)))
    return geometry.ExportToWkt()


@pytest.fixture
def source(tmp_path):
    cube = np.random.default_rng(0).random((3, 40, 40)).astype(np.float32) + 1
    return open_raster(write_raster(tmp_path / "image.tif", cube, geotransform=GT, epsg=32633))


def expected_square():
    """Pixels whose centre is inside SQUARE: rows 10..19, columns 10..19."""
    keep = np.zeros((40, 40), dtype=bool)
    keep[10:20, 10:20] = True
    return keep


def test_polygon_in_raster_crs(tmp_path, source):
    path = write_vector(tmp_path / "mask.gpkg", [("fields", 32633, [SQUARE], ogr.wkbPolygon)])
    keep = load_mask(path, source)
    assert keep.dtype == bool and keep.shape == (40, 40)
    np.testing.assert_array_equal(keep, expected_square())


def test_polygon_in_epsg4326_selects_the_same_pixels(tmp_path, source):
    path = write_vector(tmp_path / "mask.geojson", [("fields", 4326, [to_4326(SQUARE)], ogr.wkbPolygon)],
                        driver="GeoJSON")
    keep = load_mask(path, source)
    expected = expected_square()
    differing = keep ^ expected
    assert differing.sum() <= 36  # at most the pixels along the square's border
    border = np.zeros((40, 40), bool)
    border[9:21, 9:21] = True
    border[11:19, 11:19] = False
    assert not (differing & ~border).any()
    assert keep.sum() > 0


def test_multipolygon_and_non_polygon_features(tmp_path, source):
    second = "POLYGON ((500300 3999700, 500320 3999700, 500320 3999680, 500300 3999680, 500300 3999700))"
    multi = f"MULTIPOLYGON ((({SQUARE[10:-2]})), (({second[10:-2]})))"
    path = write_vector(tmp_path / "mask.gpkg", [("mixed", 32633, [multi, "POINT (500005 3999995)"],
                                                  ogr.wkbUnknown)])
    with pytest.warns(ScdscWarning, match=r"1 of 2 features of layer 'mixed' are not polygons"):
        keep = load_mask(path, source)
    expected = expected_square()
    expected[30:32, 30:32] = True
    np.testing.assert_array_equal(keep, expected)


def test_multi_layer_source(tmp_path, source):
    other = "POLYGON ((500000 4000000, 500050 4000000, 500050 3999950, 500000 3999950, 500000 4000000))"
    path = write_vector(tmp_path / "two.gpkg", [("fields", 32633, [SQUARE], ogr.wkbPolygon),
                                                ("corner", 32633, [other], ogr.wkbPolygon)])
    with pytest.warns(ScdscWarning, match=r"has 2 layers; using the first, 'fields' \(not used: 'corner'\)"):
        keep = load_mask(path, source)
    np.testing.assert_array_equal(keep, expected_square())
    corner = np.zeros((40, 40), bool)
    corner[:5, :5] = True
    np.testing.assert_array_equal(load_mask(path, source, layer="corner"), corner)
    np.testing.assert_array_equal(load_mask(path + "|layername=corner", source), corner)
    np.testing.assert_array_equal(load_mask(path + "|layerid=1", source), corner)
    with pytest.raises(ScdscError, match=r"two\.gpkg has no layer 'roads'; its layers are: fields, corner"):
        load_mask(path, source, layer="roads")


def test_empty_layer(tmp_path, source):
    path = write_vector(tmp_path / "empty.gpkg", [("nothing", 32633, [], ogr.wkbPolygon)])
    with pytest.raises(ScdscError, match=r"mask .*empty\.gpkg: layer 'nothing' is empty"):
        load_mask(path, source)


def test_layer_without_polygons(tmp_path, source):
    path = write_vector(tmp_path / "points.gpkg", [("pts", 32633, ["POINT (500105 3999895)"], ogr.wkbPoint)])
    with pytest.raises(ScdscError, match=r"mask .*points\.gpkg: layer 'pts' has no polygon geometry"):
        load_mask(path, source)


def test_polygon_outside_the_raster(tmp_path, source):
    far = "POLYGON ((600000 3000000, 600100 3000000, 600100 2999900, 600000 2999900, 600000 3000000))"
    path = write_vector(tmp_path / "far.gpkg", [("far", 32633, [far], ogr.wkbPolygon)])
    with pytest.raises(ScdscError, match=r"mask .*far\.gpkg lies entirely outside the raster .*image\.tif"):
        load_mask(path, source)


def test_polygon_covering_no_pixel_centre(tmp_path, source):
    sliver = "POLYGON ((500101 3999899, 500104 3999899, 500104 3999896, 500101 3999896, 500101 3999899))"
    path = write_vector(tmp_path / "sliver.gpkg", [("s", 32633, [sliver], ogr.wkbPolygon)])
    with pytest.raises(ScdscError, match=r"mask .*sliver\.gpkg selects no pixel"):
        load_mask(path, source)


def test_mask_selecting_only_nodata(tmp_path):
    cube = np.random.default_rng(0).random((3, 40, 40)).astype(np.float32) + 1
    cube[:, 10:20, 10:20] = -9999
    src = open_raster(write_raster(tmp_path / "holes.tif", cube, geotransform=GT, epsg=32633, nodata=-9999))
    path = write_vector(tmp_path / "mask.gpkg", [("fields", 32633, [SQUARE], ogr.wkbPolygon)])
    with pytest.raises(ScdscError, match=r"mask .*mask\.gpkg selects no valid pixel: all 100 pixels"):
        load_mask(path, src)


def test_crs_mask_over_raster_without_crs(tmp_path):
    cube = np.ones((2, 40, 40), np.float32)
    src = open_raster(write_raster(tmp_path / "nocrs.tif", cube, geotransform=GT, epsg=None))
    path = write_vector(tmp_path / "mask.gpkg", [("fields", 32633, [SQUARE], ogr.wkbPolygon)])
    with pytest.raises(ScdscError, match=r"mask .*mask\.gpkg has a CRS but the raster .*nocrs\.tif has none"):
        load_mask(path, src)


def test_mask_without_crs_is_assumed_in_raster_crs(tmp_path, source):
    path = write_vector(tmp_path / "nocrs.gpkg", [("fields", None, [SQUARE], ogr.wkbPolygon)])
    with pytest.warns(ScdscWarning, match=r"mask .*nocrs\.gpkg has no CRS; it is assumed to be in the raster's CRS"):
        keep = load_mask(path, source)
    np.testing.assert_array_equal(keep, expected_square())
    shapefile = write_vector(tmp_path / "noprj.shp", [("noprj", None, [SQUARE], ogr.wkbPolygon)],
                             driver="ESRI Shapefile")
    with pytest.warns(ScdscWarning, match=r"noprj\.shp has no CRS"):
        np.testing.assert_array_equal(load_mask(shapefile, source), expected_square())


def test_vector_mask_on_array_source_pixel_grid(tmp_path):
    src = ArraySource(np.ones((6, 8, 2)))
    # GDAL's default grid of a raster without geotransform: x = column, y = row (down).
    path = write_vector(tmp_path / "m.gpkg", [("m", None, ["POLYGON ((2 1, 5 1, 5 3, 2 3, 2 1))"],
                                                 ogr.wkbPolygon)])
    keep = load_mask(path, src)
    expected = np.zeros((6, 8), bool)
    expected[1:3, 2:5] = True
    np.testing.assert_array_equal(keep, expected)


def test_raster_mask_on_the_same_grid(tmp_path, source):
    values = np.zeros((40, 40), np.int16)
    values[5:10, :] = 3
    values[5:10, :4] = -1  # nodata
    path = write_raster(tmp_path / "m.tif", values, geotransform=GT, epsg=32633, nodata=-1)
    keep = load_mask(path, source)
    assert keep.sum() == 5 * 36 and keep[5:10, 4:].all() and not keep[5:10, :4].any()


def test_raster_mask_on_another_grid_is_warped_nearest(tmp_path, source):
    # 20 m cells, shifted by one coarse cell: coarse cell (r, c) covers fine rows 2r+2.., columns 2c+2..
    coarse_gt = (500020.0, 20.0, 0.0, 3999980.0, 0.0, -20.0)
    values = np.zeros((10, 10), np.uint8)
    values[1:3, 2:4] = 1
    path = write_raster(tmp_path / "coarse.tif", values, geotransform=coarse_gt, epsg=32633)
    keep = load_mask(path, source)
    expected = np.zeros((40, 40), bool)
    expected[4:8, 6:10] = True
    np.testing.assert_array_equal(keep, expected)


def test_raster_mask_in_another_crs(tmp_path, source):
    # The fine grid itself expressed in EPSG:32632 (the neighbouring UTM zone), 5 m cells.
    to_32632 = osr.CoordinateTransformation(srs(32633), srs(32632))
    x0, y0, _ = to_32632.TransformPoint(500000.0, 4000000.0)
    values = np.ones((100, 100), np.uint8)
    path = write_raster(tmp_path / "utm32.tif", values, geotransform=(x0 - 250, 5.0, 0, y0 + 250, 0, -5.0),
                        epsg=32632)
    keep = load_mask(path, source)
    assert 0 < keep.sum() < 1600 and keep[0, 0]


def test_raster_mask_outside(tmp_path, source):
    path = write_raster(tmp_path / "away.tif", np.ones((5, 5), np.uint8), geotransform=(0, 10, 0, 0, 0, -10),
                        epsg=32633)
    with pytest.raises(ScdscError, match=r"mask .*away\.tif lies entirely outside the raster"):
        load_mask(path, source)


def test_not_a_mask_file(tmp_path, source):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ScdscError, match=r"mask .*notes\.txt is neither a vector nor a raster"):
        load_mask(text, source)
    with pytest.raises(ScdscError, match=r"mask .*missing\.gpkg does not exist"):
        load_mask(tmp_path / "missing.gpkg", source)


# ---- quality bands read through a rule (issue 27, item 3)

def _scl_like(tmp_path, geotransform=GT):
    """A Sentinel-2 SCL-like class band: 4 (vegetation) everywhere, clouds (8, 9) and a shadow (3) in blocks, and
    nodata 0 in one corner."""
    values = np.full((40, 40), 4, np.uint8)
    values[0:10, 0:10] = 8
    values[0:10, 30:40] = 9
    values[30:40, 0:10] = 3
    values[35:40, 35:40] = 0
    return values, write_raster(tmp_path / "scl.tif", values, geotransform=geotransform, epsg=32633, nodata=0)


def test_a_class_rule_drops_or_keeps_the_listed_classes(tmp_path, source):
    values, path = _scl_like(tmp_path)
    dropped = load_mask(f"{path}|drop=3,8-10", source)
    assert np.array_equal(dropped, values == 4)
    kept = load_mask(f"{path}|keep=4,9", source)
    assert np.array_equal(kept, np.isin(values, (4, 9)))
    # Without a rule a quality band is just "non-zero = keep": clouds included.
    assert np.array_equal(load_mask(path, source), values != 0)


def test_a_bit_rule_drops_pixels_with_any_listed_bit(tmp_path, source):
    # Landsat C2 QA_PIXEL-like: bit 0 fill, bit 3 cloud, bit 4 cloud shadow, bit 6 clear; uint16, in band 2.
    qa = np.full((40, 40), 1 << 6, np.uint16)
    qa[0:4, :] = 1               # fill
    qa[10:12, :] |= 1 << 3       # cloud
    qa[20:22, 5:9] = 1 << 4      # shadow
    qa[30, 30] = (1 << 6) | (1 << 7)  # bit 7 is not in the rule: kept
    stack = np.stack([np.zeros((40, 40), np.uint16), qa])
    path = write_raster(tmp_path / "qa.tif", stack, geotransform=GT, epsg=32633)
    keep = load_mask(f"{path}|band=2|bits=0,3,4", source)
    assert np.array_equal(keep, (qa & 0b11001) == 0)
    assert keep[30, 30] and not keep[0:4].any() and not keep[10:12].any() and not keep[20:22, 5:9].any()


def test_a_coarser_quality_band_is_warped_after_the_rule(tmp_path, source):
    # SCL comes at 20 m beside 10 m bands: the rule is applied on the 20 m cells, then warped (nearest).
    coarse = np.full((20, 20), 4, np.uint8)
    coarse[0:5, 0:5] = 8
    path = write_raster(tmp_path / "scl20.tif", coarse, geotransform=(500000.0, 20.0, 0.0, 4000000.0, 0.0, -20.0),
                        epsg=32633)
    keep = load_mask(f"{path}|drop=8", source)
    assert not keep[0:10, 0:10].any() and keep[10:, :].all() and keep[:, 10:].all()


@pytest.mark.parametrize("suffix, message", [
    ("|drop=a,b", r"drop= takes whole numbers"),
    ("|bits=70", r"bits go from 0 to 62"),
    ("|band=3", r"has 1 band\(s\); band=3 does not exist"),
    ("|keep=", r"keep= lists no value"),
    ("|colour=red", r"unknown option 'colour'"),
])
def test_a_bad_rule_is_one_line_naming_the_mask(tmp_path, source, suffix, message):
    _, path = _scl_like(tmp_path)
    with pytest.raises(ScdscError, match=message):
        load_mask(path + suffix, source)


def test_a_rule_on_polygons_is_refused(tmp_path, source):
    path = write_vector(tmp_path / "p.gpkg", [("p", 32633, [SQUARE], ogr.wkbPolygon)])
    with pytest.raises(ScdscError, match="apply to a quality raster, not to polygons"):
        load_mask(f"{path}|drop=3", source)


def test_a_fractional_quality_band_is_refused_for_a_rule(tmp_path, source):
    path = write_raster(tmp_path / "f.tif", np.full((40, 40), 0.5, np.float32), geotransform=GT, epsg=32633)
    with pytest.raises(ScdscError, match="whole-number quality values"):
        load_mask(f"{path}|drop=1", source)
