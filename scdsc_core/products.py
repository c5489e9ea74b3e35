"""Multi-file products as one virtual stack (GDAL VRT), without copying pixels: a folder or list of single-band
rasters, Landsat Collection 2 Level-2, EnMAP L2A.

Each reader is driven by the product's own metadata file, never by guesses from file names beyond the ones the
metadata names, and returns a :class:`Stack`: the band files in the order users know, each band's name,
wavelength, FWHM, scale and offset, and the product's quality band with the rule that masks it. :func:`write_vrt`
turns a stack into a VRT on one grid (the finest or coarsest of its bands, or a given pixel size, with a stated
resampling), which every reader of the project (``open_raster``, QGIS) opens like any raster.

Sentinel-2 L2A and PRISMA L2D have GDAL views of their own (the SENTINEL2 and HDF5 drivers' subdatasets): a
subdataset name is an input as it is (``SENTINEL2_L2A:.../MTD_MSIL2A.xml:10m:EPSG_32633``).
"""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from osgeo import gdal

from .errors import ScdscError
from .raster import band_wavelengths

gdal.UseExceptions()
log = logging.getLogger("scdsc_core.products")

#: How a stack's bands are put on one grid: the finest or the coarsest pixel among them, or a pixel size (a number,
#: in the rasters' CRS units).
GRIDS = ("finest", "coarsest")
DEFAULT_GRID = "finest"
#: GDAL resampling names accepted for a stack whose bands are on different grids. The default, nearest, keeps
#: every value a measured one (a 20 m band repeated on the 10 m grid); bilinear or average smooth.
RESAMPLINGS = ("nearest", "bilinear", "cubic", "average")
DEFAULT_RESAMPLING = "nearest"

# Landsat Collection 2 surface reflectance bands: band number -> (name, approximate centre in nm) per sensor
# family (USGS band designations). Thermal bands (ST_B10, ST_B6) are surface temperature, not reflectance, and are
# left out of the stack.
_LANDSAT_BANDS = {
    "oli": {1: ("coastal aerosol", 443.0), 2: ("blue", 482.0), 3: ("green", 561.5), 4: ("red", 654.5),
            5: ("near infrared", 865.0), 6: ("shortwave infrared 1", 1608.5), 7: ("shortwave infrared 2", 2200.5)},
    "tm": {1: ("blue", 485.0), 2: ("green", 560.0), 3: ("red", 660.0), 4: ("near infrared", 830.0),
           5: ("shortwave infrared 1", 1650.0), 7: ("shortwave infrared 2", 2215.0)},
}
_LANDSAT_FAMILY = {"LANDSAT_8": "oli", "LANDSAT_9": "oli", "LANDSAT_4": "tm", "LANDSAT_5": "tm", "LANDSAT_7": "tm"}
#: QA_PIXEL bits that mark a pixel unusable (Collection 2): 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud
#: shadow. Snow (5) and water (7) are land cover, kept.
LANDSAT_QA_RULE = "bits=0-4"

_RASTER_SUFFIXES = (".tif", ".tiff", ".jp2", ".img", ".vrt", ".dat", ".bsq", ".nc", ".hdr")


@dataclass
class StackBand:
    """One band of a stack: ``path`` (band ``band`` of it), and what the product says of it."""

    path: str
    band: int = 1
    name: str = ""
    wavelength: Optional[float] = None
    fwhm: Optional[float] = None
    scale: Optional[float] = None
    offset: Optional[float] = None
    bad: bool = False


@dataclass
class Stack:
    """A product's bands and quality mask, as :func:`read_product` finds them."""

    kind: str
    source: str
    bands: List[StackBand]
    quality: Optional[str] = None  # a mask path with its rule ("qa.tif|bits=0-4"), or None
    notes: List[str] = field(default_factory=list)


def _fail(path: str, problem: str) -> ScdscError:
    return ScdscError(f"{path}: {problem}")


def _exists(path: str, role: str, product: str) -> str:
    if not os.path.isfile(path):
        raise _fail(product, f"the {role} it names, {path}, does not exist")
    return path


# --------------------------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------------------------

def _one(folder: str, pattern: str) -> Optional[str]:
    found = sorted(name for name in os.listdir(folder) if re.search(pattern, name, re.IGNORECASE))
    if len(found) > 1:
        raise _fail(folder, f"holds {len(found)} files matching {pattern!r} ({', '.join(found[:3])}); give the one "
                            "to read")
    return os.path.join(folder, found[0]) if found else None


def product_kind(path: Union[str, os.PathLike]) -> Optional[str]:
    """"landsat", "enmap" or "folder" when ``path`` is such a product (its metadata file or its folder), else
    None (a plain raster or a GDAL subdataset name, opened as it is)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        if _one(path, r"_MTL\.txt$"):
            return "landsat"
        if _one(path, r"-METADATA\.XML$"):
            return "enmap"
        return "folder"
    name = os.path.basename(path)
    if re.search(r"_MTL\.txt$", name, re.IGNORECASE):
        return "landsat"
    if re.search(r"METADATA\.XML$", name, re.IGNORECASE):
        return "enmap"
    return None


def read_product(path: Union[str, os.PathLike]) -> Stack:
    """The :class:`Stack` of a product (see :func:`product_kind`); ScdscError naming the file for a product that
    cannot be read (a missing band file, metadata that does not parse)."""
    path = os.fspath(path)
    kind = product_kind(path)
    if kind == "landsat":
        return _landsat(path if os.path.isfile(path) else _one(path, r"_MTL\.txt$"))
    if kind == "enmap":
        return _enmap(path if os.path.isfile(path) else _one(path, r"-METADATA\.XML$"))
    if kind == "folder":
        return _folder(path)
    raise ScdscError(f"{path} is neither a product folder nor a product metadata file (a Landsat *_MTL.txt, an "
                     "EnMAP *-METADATA.XML, or a folder of single-band rasters)")


# --------------------------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------------------------

def _natural_key(name: str):
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _folder(folder: str) -> Stack:
    """Every single-band raster of a folder, in natural name order (B2 before B10)."""
    names = sorted((n for n in os.listdir(folder) if os.path.splitext(n)[1].lower() in _RASTER_SUFFIXES
                    and not n.lower().endswith(".hdr") and not n.startswith(".")), key=_natural_key)
    if not names:
        raise _fail(folder, "holds no raster file (.tif, .jp2, .img, ...) to stack")
    bands = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            dataset = gdal.Open(path)
        except RuntimeError as exc:
            raise _fail(path, f"is not a raster GDAL can open ({str(exc).strip()})") from None
        if dataset.RasterCount != 1:
            raise _fail(path, f"has {dataset.RasterCount} bands; a folder stack takes single-band rasters")
        wavelength = band_wavelengths(dataset, [1])
        bands.append(StackBand(path, 1, os.path.splitext(name)[0], wavelength[0] if wavelength else None))
    return Stack("folder", folder, bands)


def _parse_mtl(path: str) -> Dict[str, str]:
    """``KEY = VALUE`` lines of a Landsat MTL text file (groups flattened; quotes removed)."""
    values: Dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            for number, line in enumerate(stream, start=1):
                line = line.strip()
                if not line or line == "END":
                    continue
                key, sep, value = line.partition("=")
                if not sep:
                    raise _fail(path, f"line {number} is not 'KEY = VALUE': {line[:60]!r}")
                key = key.strip()
                if key not in ("GROUP", "END_GROUP"):
                    values[key] = value.strip().strip('"')
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from None
    return values


def _landsat(mtl: str) -> Stack:
    """Landsat Collection 2 Level-2: surface reflectance bands with the MTL's scale and offset, QA_PIXEL as mask."""
    values = _parse_mtl(mtl)
    folder = os.path.dirname(os.path.abspath(mtl))
    spacecraft = values.get("SPACECRAFT_ID")
    family = _LANDSAT_FAMILY.get(spacecraft or "")
    if family is None:
        raise _fail(mtl, f"SPACECRAFT_ID {spacecraft!r} is not a Landsat 4, 5, 7, 8 or 9")
    if values.get("PROCESSING_LEVEL", "L2SP")[:2] != "L2":
        raise _fail(mtl, f"is a {values.get('PROCESSING_LEVEL')} product; surface reflectance needs Level-2")
    bands = []
    for number, (name, wavelength) in _LANDSAT_BANDS[family].items():
        file_name = values.get(f"FILE_NAME_BAND_{number}")
        if file_name is None:
            raise _fail(mtl, f"names no file for surface reflectance band {number} (FILE_NAME_BAND_{number})")
        try:
            scale = float(values[f"REFLECTANCE_MULT_BAND_{number}"])
            offset = float(values[f"REFLECTANCE_ADD_BAND_{number}"])
        except (KeyError, ValueError):
            raise _fail(mtl, f"has no numeric REFLECTANCE_MULT_BAND_{number} / REFLECTANCE_ADD_BAND_{number}") \
                from None
        bands.append(StackBand(_exists(os.path.join(folder, file_name), f"band {number} file", mtl), 1,
                               f"SR_B{number} ({name})", wavelength, None, scale, offset))
    quality = values.get("FILE_NAME_QUALITY_L1_PIXEL")
    mask = None
    if quality:
        mask = _exists(os.path.join(folder, quality), "QA_PIXEL file", mtl) + "|" + LANDSAT_QA_RULE
    return Stack("landsat", mtl, bands, mask, [f"{spacecraft} Collection 2 Level-2, reflectance = DN x scale + "
                                               "offset from the MTL file; QA_PIXEL bits 0-4 masked"])


def _enmap(metadata: str) -> Stack:
    """EnMAP L2A: the SPECTRAL_IMAGE cube with the wavelengths, FWHM, gains and offsets of METADATA.XML; bands
    missing from both detectors' expected-channel lists are flagged bad (left out by default)."""
    try:
        root = ElementTree.parse(metadata).getroot()
    except (ElementTree.ParseError, OSError) as exc:
        raise _fail(metadata, f"does not parse as XML ({exc})") from None
    entries = root.findall("specific/bandCharacterisation/bandID")
    if not entries:
        raise _fail(metadata, "has no specific/bandCharacterisation/bandID entries (not an EnMAP metadata file)")
    prefix = metadata[:-len("METADATA.XML")] if metadata.upper().endswith("METADATA.XML") else metadata
    folder = os.path.dirname(os.path.abspath(metadata))
    stem = os.path.basename(prefix)
    images = sorted(n for n in os.listdir(folder) if n.upper().startswith((stem + "SPECTRAL_IMAGE.").upper())
                    and not n.upper().endswith((".HDR", ".XML", ".AUX.XML")))
    if not images:
        raise _fail(metadata, f"has no spectral image beside it ({stem}SPECTRAL_IMAGE.TIF)")
    image = os.path.join(folder, images[0])
    expected = set()
    for detector in ("vnirProductQuality", "swirProductQuality"):
        text = root.findtext(f"specific/{detector}/expectedChannelsList")
        if text:
            expected.update(int(v) for v in text.split(",") if v.strip())
    bands = []
    for entry in entries:
        try:
            number = int(entry.get("number"))
            numbers = [float(entry.findtext(tag)) for tag in ("wavelengthCenterOfBand", "FWHMOfBand")]
            gain = float(entry.findtext("GainOfBand") or 1.0)
            offset = float(entry.findtext("OffsetOfBand") or 0.0)
        except (TypeError, ValueError):
            raise _fail(metadata, f"bandID {entry.get('number')!r} lacks a numeric wavelength, FWHM, gain or "
                                  "offset") from None
        bands.append(StackBand(image, number, f"band {number} ({numbers[0]:g} nm)", numbers[0], numbers[1], gain,
                               offset, bad=bool(expected) and number not in expected))
    dataset = gdal.Open(image)
    if dataset.RasterCount != len(bands):
        raise _fail(metadata, f"describes {len(bands)} bands but {image} has {dataset.RasterCount}")
    n_bad = sum(b.bad for b in bands)
    return Stack("enmap", metadata, bands, None,
                 [f"EnMAP L2A, reflectance = DN x gain + offset from METADATA.XML; {n_bad} bands outside the "
                  "detectors' expected-channel lists flagged bad (bbl = 0)"])


# --------------------------------------------------------------------------------------------------------------
# VRT
# --------------------------------------------------------------------------------------------------------------

def _pixel_size(path: str) -> float:
    geotransform = gdal.Open(path).GetGeoTransform()
    return abs(geotransform[1])


def write_vrt(stack: Stack, vrt_path: str, grid: Union[str, float] = DEFAULT_GRID,
              resampling: str = DEFAULT_RESAMPLING) -> str:
    """Write ``stack`` as a VRT at ``vrt_path``: one band per stack band on one grid, with names, wavelengths
    (nm, ``wavelength_units``), FWHM, scale, offset and ``bbl`` in the band metadata. The pixels stay where they
    are; the VRT is a few kilobytes."""
    if resampling not in RESAMPLINGS:
        raise ScdscError(f"resampling must be one of {', '.join(RESAMPLINGS)}, got {resampling!r}")
    options: Dict[str, object] = {"separate": True, "resampleAlg": resampling}
    if isinstance(grid, str):
        if grid not in GRIDS:
            raise ScdscError(f"grid must be 'finest', 'coarsest' or a pixel size, got {grid!r}")
        options["resolution"] = "highest" if grid == "finest" else "lowest"
    else:
        size = float(grid)
        if not size > 0:
            raise ScdscError(f"the pixel size of the grid must be positive, got {grid!r}")
        options.update(resolution="user", xRes=size, yRes=size)
    single = len({b.path for b in stack.bands}) == 1
    try:
        if single:  # one cube (EnMAP): a plain VRT of its bands, no resampling
            gdal.Translate(vrt_path, stack.bands[0].path, format="VRT", bandList=[b.band for b in stack.bands])
        else:
            sizes = {b.path: _pixel_size(b.path) for b in stack.bands}
            if len(set(round(s, 9) for s in sizes.values())) > 1:
                log.info("%s: bands at %s pixel sizes put on the %s grid with %s resampling", stack.source,
                         sorted(set(sizes.values())), grid, resampling)
            gdal.BuildVRT(vrt_path, [b.path for b in stack.bands], options=gdal.BuildVRTOptions(**options))
    except RuntimeError as exc:
        raise ScdscError(f"{stack.source}: its bands cannot be stacked on one grid ({str(exc).strip()})") from None
    dataset = gdal.Open(vrt_path, gdal.GA_Update)
    if dataset is None or dataset.RasterCount != len(stack.bands):
        raise ScdscError(f"{stack.source}: its bands cannot be stacked on one grid (GDAL made "
                         f"{0 if dataset is None else dataset.RasterCount} of {len(stack.bands)} bands)")
    for index, entry in enumerate(stack.bands, start=1):
        band = dataset.GetRasterBand(index)
        if entry.name:
            band.SetDescription(entry.name)
        if entry.wavelength is not None:
            band.SetMetadataItem("wavelength", f"{entry.wavelength:g}")
            band.SetMetadataItem("wavelength_units", "Nanometers")
        if entry.fwhm is not None:
            band.SetMetadataItem("fwhm", f"{entry.fwhm:g}")
        if entry.scale is not None:
            band.SetScale(entry.scale)
        if entry.offset is not None:
            band.SetOffset(entry.offset)
        if entry.bad:
            band.SetMetadataItem("bbl", "0")
    dataset.FlushCache()
    dataset = None
    return vrt_path
