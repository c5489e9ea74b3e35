"""User masks onto a raster grid: OGR polygons (rasterised, reprojected), a raster (non-zero = keep), or a quality
band read through a rule (classes to keep or drop, bits that mark bad pixels)."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import List, Optional, Tuple

import numpy as np
from osgeo import gdal, ogr, osr

from .errors import ScdscError, ScdscWarning, warn_adjustment
from .raster import check_input_file

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

log = logging.getLogger("scdsc_core.mask")

# GDAL's implicit geotransform of a raster that has none (pixel coordinates, y down).
_DEFAULT_GEOTRANSFORM = (0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


def _warn(message: str) -> None:
    """Log and warn (ScdscWarning), as the error contract asks for adjustments."""
    warn_adjustment(log, message, stacklevel=2)


@dataclass
class QualityRule:
    """How a quality band becomes a mask: ``keep`` / ``drop`` list classes (the Sentinel-2 SCL, a land-cover map),
    ``bits`` lists bit numbers of which any set one marks a bad pixel (Landsat QA_PIXEL). Several apply together."""

    band: int = 1
    keep: Optional[List[int]] = None
    drop: Optional[List[int]] = None
    bits: Optional[List[int]] = None

    @property
    def empty(self) -> bool:
        return self.keep is None and self.drop is None and self.bits is None

    def apply(self, values: np.ndarray, mask_path: str) -> np.ndarray:
        """True where the pixel is kept."""
        if not np.issubdtype(values.dtype, np.integer):
            finite = np.isfinite(values)
            if not np.array_equal(values[finite], np.round(values[finite])):
                raise ScdscError(f"mask {mask_path}: a class or bit rule needs whole-number quality values, band "
                                 f"{self.band} holds fractions")
            values = np.where(finite, values, 0).astype(np.int64)
        keep = np.ones(values.shape, dtype=bool)
        if self.keep is not None:
            keep &= np.isin(values, self.keep)
        if self.drop is not None:
            keep &= ~np.isin(values, self.drop)
        if self.bits is not None:
            flags = np.int64(sum(1 << b for b in self.bits))
            keep &= (values.astype(np.int64) & flags) == 0
        return keep


#: Largest bit number a rule may name (QA bands are at most 64-bit integers; numpy's int64 holds bits 0..62).
_MAX_BIT = 62


def _numbers(text: str, key: str, path) -> List[int]:
    """``"3,8-10"`` -> [3, 8, 9, 10] (non-negative whole numbers), or a one-line error naming the mask."""
    out: List[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        low, dash, high = part.partition("-")
        try:
            a, b = int(low), int(high) if dash else int(low)
        except ValueError:
            raise ScdscError(f"mask {path}: {key}= takes whole numbers and ranges such as 3,8-10, got {text!r}") \
                from None
        if a < 0 or b < a or b - a > 65535:
            raise ScdscError(f"mask {path}: {key}= range {part!r} is not a range of non-negative numbers")
        out.extend(range(a, b + 1))
    if not out:
        raise ScdscError(f"mask {path}: {key}= lists no value")
    return out


def _split_uri(path) -> Tuple[str, Optional[str], Optional[int], Optional[str], QualityRule]:
    """``file|layername=x|layerid=n|subset=...`` (QGIS style) or ``file|band=n|keep=..|drop=..|bits=..`` (a
    quality band) -> (file, layer name, layer id, subset, quality rule)."""
    parts = os.fspath(path).split("|")
    name = layer_id = subset = None
    rule = QualityRule()
    for part in parts[1:]:
        key, _, value = part.partition("=")
        key = key.strip().lower()
        if key in ("keep", "drop", "bits"):
            numbers = _numbers(value, key, parts[0])
            if key == "bits" and max(numbers) > _MAX_BIT:
                raise ScdscError(f"mask {parts[0]}: bits= names bit {max(numbers)}; bits go from 0 to {_MAX_BIT}")
            setattr(rule, key, numbers)
        elif key == "band":
            try:
                rule.band = int(value)
            except ValueError:
                raise ScdscError(f"mask {parts[0]}: band must be a whole number, got {value!r}") from None
        elif key == "layername":
            name = value
        elif key == "layerid":
            try:
                layer_id = int(value)
            except ValueError:
                raise ScdscError(f"mask {path}: layerid must be a whole number, got {value!r}") from None
        elif key == "subset":
            subset = value
        elif key:
            raise ScdscError(f"mask {parts[0]}: unknown option {key!r} (a vector takes layername, layerid, subset; "
                             "a quality raster band, keep, drop, bits)")
    return parts[0], name, layer_id, subset, rule


def _srs_from_wkt(wkt: str) -> Optional[osr.SpatialReference]:
    """An SRS with x = easting/longitude axis order, or None for an empty WKT."""
    if not wkt:
        return None
    srs = osr.SpatialReference()
    srs.ImportFromWkt(wkt)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


# GeoPackage layers created without a CRS report these placeholder SRS (srs_id 0 and -1): they mean "no CRS".
_UNDEFINED_SRS_NAMES = ("Undefined geographic SRS", "Undefined cartesian SRS")


def _traditional(srs: Optional[osr.SpatialReference]) -> Optional[osr.SpatialReference]:
    """A copy of ``srs`` with x = easting/longitude (otherwise EPSG:4326 swaps lat/lon); None for no CRS."""
    if srs is None or srs.GetName() in _UNDEFINED_SRS_NAMES:
        return None
    srs = srs.Clone()
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


def _grid(source) -> Tuple[int, int, tuple]:
    """(height, width, geotransform) of a source (the GDAL default geotransform when it has none)."""
    height, width = source.shape
    geotransform = getattr(source, "geotransform", None) or _DEFAULT_GEOTRANSFORM
    return height, width, tuple(geotransform)


def _raster_bounds(height: int, width: int, geotransform) -> Tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of a grid, from its four corners (also right for rotated grids)."""
    gt = geotransform
    xs, ys = [], []
    for col, row in ((0, 0), (width, 0), (0, height), (width, height)):
        xs.append(gt[0] + col * gt[1] + row * gt[2])
        ys.append(gt[3] + col * gt[4] + row * gt[5])
    return min(xs), min(ys), max(xs), max(ys)


def _overlaps(a, b) -> bool:
    """True when two (min x, min y, max x, max y) boxes share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crs_relation(mask_path: str, mask_srs, raster_srs, raster_path) -> bool:
    """Check the CRS combination; True when the mask must be reprojected."""
    if raster_srs is None and mask_srs is not None:
        raise ScdscError(f"mask {mask_path} has a CRS but the raster {raster_path or '(array)'} has none; "
                         "assign the raster a CRS or use a mask without one")
    if mask_srs is None and raster_srs is not None:
        _warn(f"mask {mask_path} has no CRS; it is assumed to be in the raster's CRS")
        return False
    if mask_srs is None or raster_srs is None:
        return False
    return not mask_srs.IsSame(raster_srs)


def _memory_dataset(height: int, width: int, geotransform, srs) -> gdal.Dataset:
    """An in-memory Byte raster of zeros on the given grid."""
    dataset = gdal.GetDriverByName("MEM").Create("", width, height, 1, gdal.GDT_Byte)
    dataset.SetGeoTransform(geotransform)
    if srs is not None:
        dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).Fill(0)
    return dataset


# --------------------------------------------------------------------------------------------------------------
# Vector masks
# --------------------------------------------------------------------------------------------------------------

def _polygon_parts(geometry) -> List[ogr.Geometry]:
    """The polygon parts of a geometry (curves linearised); lines and points give none."""
    if geometry is None or geometry.IsEmpty():
        return []
    flat = ogr.GT_Flatten(geometry.GetGeometryType())
    if ogr.GT_IsSubClassOf(flat, ogr.wkbCurvePolygon) or ogr.GT_IsSubClassOf(flat, ogr.wkbMultiSurface):
        return [geometry.GetLinearGeometry()]  # a copy; curves become line segments
    if ogr.GT_IsSubClassOf(flat, ogr.wkbGeometryCollection):
        parts = []
        for index in range(geometry.GetGeometryCount()):
            parts.extend(_polygon_parts(geometry.GetGeometryRef(index)))
        return parts
    return []


def _pick_layer(dataset, mask_path: str, name: Optional[str], layer_id: Optional[int]):
    """The requested layer, or the first one (with a warning naming the others)."""
    count = dataset.GetLayerCount()
    names = [dataset.GetLayerByIndex(i).GetName() for i in range(count)]
    if name is not None:
        if name not in names:
            raise ScdscError(f"mask {mask_path} has no layer {name!r}; its layers are: {', '.join(names)}")
        return dataset.GetLayerByName(name)
    if layer_id is not None:
        if not 0 <= layer_id < count:
            raise ScdscError(f"mask {mask_path}: layerid {layer_id} is out of range (it has {count} layers)")
        return dataset.GetLayerByIndex(layer_id)
    if count > 1:
        _warn(f"mask {mask_path} has {count} layers; using the first, {names[0]!r} "
              f"(not used: {', '.join(repr(n) for n in names[1:])}); name one with layer= or '|layername='")
    return dataset.GetLayerByIndex(0)


def _vector_mask(dataset, mask_path: str, source, name, layer_id, subset) -> np.ndarray:
    """Rasterise the polygons of one layer onto the source grid (pixel centres inside = keep)."""
    layer = _pick_layer(dataset, mask_path, name, layer_id)
    layer_name = layer.GetName()
    if subset:
        try:
            layer.SetAttributeFilter(subset)
        except RuntimeError as exc:
            raise ScdscError(f"mask {mask_path}: cannot apply the filter {subset!r} ({exc})") from None
    height, width, geotransform = _grid(source)
    raster_srs = _srs_from_wkt(getattr(source, "crs_wkt", "") or "")
    mask_srs = _traditional(layer.GetSpatialRef())
    reproject = _crs_relation(mask_path, mask_srs, raster_srs, getattr(source, "path", None))
    transform = osr.CoordinateTransformation(mask_srs, raster_srs) if reproject else None

    polygons, n_features, n_other = [], 0, 0
    layer.ResetReading()
    for feature in layer:
        n_features += 1
        parts = _polygon_parts(feature.GetGeometryRef())
        if not parts:
            n_other += 1
        for part in parts:
            if transform is not None:
                part.Transform(transform)
            polygons.append(part)
    if n_features == 0:
        raise ScdscError(f"mask {mask_path}: layer {layer_name!r} is empty (no feature"
                         + (f" matches {subset!r}" if subset else "") + ")")
    if not polygons:
        raise ScdscError(f"mask {mask_path}: layer {layer_name!r} has no polygon geometry "
                         f"({n_features} features, none of them a polygon)")
    if n_other:
        _warn(f"mask {mask_path}: {n_other} of {n_features} features of layer {layer_name!r} are not polygons "
              "and are ignored")

    envelopes = np.array([p.GetEnvelope() for p in polygons])  # (min x, max x, min y, max y) each
    mask_box = (envelopes[:, 0].min(), envelopes[:, 2].min(), envelopes[:, 1].max(), envelopes[:, 3].max())
    if not _overlaps(mask_box, _raster_bounds(height, width, geotransform)):
        raise ScdscError(f"mask {mask_path} lies entirely outside the raster {getattr(source, 'path', '')}"
                         .rstrip() + (" (after reprojection to the raster's CRS)" if reproject else ""))

    memory = ogr.GetDriverByName("Memory").CreateDataSource("")
    polygon_layer = memory.CreateLayer("mask", srs=raster_srs, geom_type=ogr.wkbUnknown)
    for polygon in polygons:
        feature = ogr.Feature(polygon_layer.GetLayerDefn())
        feature.SetGeometry(polygon)
        polygon_layer.CreateFeature(feature)
    target = _memory_dataset(height, width, geotransform, raster_srs)
    # ALL_TOUCHED=FALSE: a pixel is kept when its centre is inside a polygon (no bias towards bigger areas).
    gdal.RasterizeLayer(target, [1], polygon_layer, burn_values=[1], options=["ALL_TOUCHED=FALSE"])
    return target.GetRasterBand(1).ReadAsArray() != 0


# --------------------------------------------------------------------------------------------------------------
# Raster masks
# --------------------------------------------------------------------------------------------------------------

def _same_grid(dataset, height: int, width: int, geotransform) -> bool:
    """True when the mask raster has the source's size and geotransform (to a hundredth of a pixel)."""
    if (dataset.RasterYSize, dataset.RasterXSize) != (height, width):
        return False
    mask_gt = dataset.GetGeoTransform(can_return_null=True) or _DEFAULT_GEOTRANSFORM
    tolerance = 0.01 * max(abs(geotransform[1]), abs(geotransform[5]), 1e-12)
    return all(abs(a - b) <= tolerance for a, b in zip(mask_gt, geotransform))


def _keep_values(dataset, mask_path: str, rule: QualityRule) -> np.ndarray:
    """The rule's band of a mask raster: True where the rule keeps the pixel (no rule: non-zero), finite and not
    nodata."""
    if not 1 <= rule.band <= dataset.RasterCount:
        raise ScdscError(f"mask {mask_path} has {dataset.RasterCount} band(s); band={rule.band} does not exist")
    band = dataset.GetRasterBand(rule.band)
    if gdal.DataTypeIsComplex(band.DataType):
        raise ScdscError(f"mask {mask_path} holds complex values; a mask raster must be real-valued")
    values = band.ReadAsArray()
    keep = values != 0 if rule.empty else rule.apply(values, mask_path)
    if np.issubdtype(values.dtype, np.floating):
        keep &= np.isfinite(values)
    nodata = band.GetNoDataValue()
    if nodata is not None and not np.isnan(nodata):
        keep &= values != nodata
    return keep


def _raster_mask(dataset, mask_path: str, source, rule: QualityRule) -> np.ndarray:
    """A mask raster on the source grid: as is when the grids match, else warped (nearest neighbour)."""
    height, width, geotransform = _grid(source)
    raster_srs = _srs_from_wkt(getattr(source, "crs_wkt", "") or "")
    mask_srs = _srs_from_wkt(dataset.GetProjection() or "")
    reproject = _crs_relation(mask_path, mask_srs, raster_srs, getattr(source, "path", None))
    keep = _keep_values(dataset, mask_path, rule)
    if not reproject and _same_grid(dataset, height, width, geotransform):
        return keep

    mask_gt = dataset.GetGeoTransform(can_return_null=True) or _DEFAULT_GEOTRANSFORM
    mask_box = _raster_bounds(dataset.RasterYSize, dataset.RasterXSize, mask_gt)
    if reproject:
        transform = osr.CoordinateTransformation(mask_srs, raster_srs)
        mask_box = transform.TransformBounds(*mask_box, 21)
    if not _overlaps(mask_box, _raster_bounds(height, width, geotransform)):
        raise ScdscError(f"mask {mask_path} lies entirely outside the raster {getattr(source, 'path', '')}"
                         .rstrip())
    # Warp the 0/1 keep-mask (not the raw values): nodata and zero become 0 before any resampling, and the
    # area outside the mask raster stays 0 (INIT_DEST).
    binary = _memory_dataset(dataset.RasterYSize, dataset.RasterXSize, mask_gt,
                             mask_srs if reproject else raster_srs)
    binary.GetRasterBand(1).WriteArray(keep.astype(np.uint8))
    target = _memory_dataset(height, width, geotransform, raster_srs)
    gdal.Warp(target, binary, resampleAlg="near", warpOptions=["INIT_DEST=0"])
    return target.GetRasterBand(1).ReadAsArray() != 0


# --------------------------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------------------------

def load_mask(path, source, *, layer: Optional[str] = None) -> np.ndarray:
    """Read a user mask onto the grid of a source.

    Parameters
    ----------
    path : path
        A polygon vector (any OGR source: GeoPackage, Shapefile, GeoJSON, ...; QGIS-style
        ``file|layername=name`` uris work too) or a raster (non-zero, non-nodata = keep). A quality raster takes a
        rule: ``scl.tif|drop=0,1,3,8-10`` (Sentinel-2 SCL: no data, saturated, shadows, clouds, cirrus),
        ``qa_pixel.tif|bits=0-4`` (Landsat QA_PIXEL: fill, dilated cloud, cirrus, cloud, shadow), ``|keep=4,5``,
        and ``|band=N`` for a band other than the first; the rules combine, and nodata is always dropped.
    source : RasterSource or ArraySource
        The raster whose grid the mask is put on. Its valid pixels are used for the final check.
    layer : str, optional
        Vector layer name. Default: the uri's ``layername``, else the first layer (a warning names the others).

    Returns
    -------
    keep : bool ndarray of shape (H, W)
        True = cluster this pixel (the caller ANDs it with ``source.valid_mask()``).
        Polygons keep the pixels whose centre lies inside (ALL_TOUCHED false), after reprojection to the raster's
        CRS; a raster mask on another grid is warped with nearest neighbour.

    Raises
    ------
    ScdscError
        The file does not exist or is neither vector nor raster; the layer is missing or empty or holds no
        polygon; the mask lies entirely outside the raster; the mask has a CRS but the raster has none; the mask
        selects no valid pixel. (A mask without CRS over a raster with one only warns: same CRS assumed.)

    Examples
    --------
    >>> keep = load_mask("fields.gpkg|layername=fields", open_raster("image.tif"))  # doctest: +SKIP
    """
    file_path, uri_layer, layer_id, subset, rule = _split_uri(path)
    if layer is not None:
        uri_layer, layer_id = layer, None
    shown = os.fspath(path)
    if not file_path.startswith("/vsi"):
        check_input_file(file_path, "mask", folders=True)

    vector = None
    try:
        vector = gdal.OpenEx(file_path, gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError:
        vector = None
    if vector is not None and vector.GetLayerCount() > 0:
        if not rule.empty or rule.band != 1:
            raise ScdscError(f"mask {shown}: band, keep, drop and bits apply to a quality raster, not to polygons")
        keep = _vector_mask(vector, shown, source, uri_layer, layer_id, subset)
    else:
        try:
            raster = gdal.OpenEx(file_path, gdal.OF_RASTER | gdal.OF_READONLY)
        except RuntimeError:
            raster = None
        if raster is None or raster.RasterCount == 0:
            if vector is not None:
                raise ScdscError(f"mask {shown} is a vector source without any layer")
            raise ScdscError(f"mask {shown} is neither a vector nor a raster that GDAL/OGR can open")
        keep = _raster_mask(raster, shown, source, rule)

    n_keep = int(keep.sum())
    if n_keep == 0:
        raise ScdscError(f"mask {shown} selects no pixel of the raster (its polygons or non-zero cells cover no "
                         "pixel centre)")
    n_valid_keep = int((keep & source.valid_mask()).sum())
    if n_valid_keep == 0:
        raise ScdscError(f"mask {shown} selects no valid pixel: all {n_keep} pixels it selects are nodata")
    log.info("mask %s keeps %d pixels (%d of them valid)", shown, n_keep, n_valid_keep)
    return keep
