"""``scdsc:stack``: a multi-file product (Landsat C2 L2, EnMAP L2A, a folder of single-band rasters) as one VRT."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

from qgis.core import (QgsProcessingException, QgsProcessingOutputRasterLayer, QgsProcessingOutputString,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber)

from .base import DOUBLE, FOLDER, ScdscAlgorithm


class StackAlgorithm(ScdscAlgorithm):
    """Stack a product's bands into a VRT (``scdsc_core.api.stack_product``), with its quality band and rule."""

    def summary(self) -> str:
        """Translated one-paragraph description (the top of the help panel)."""
        return self.tr("Stacks the bands of a multi-file product into one virtual raster (VRT), without copying "
                       "pixels: a Landsat Collection 2 Level-2 product (its _MTL.txt file: surface reflectance "
                       "bands with the MTL scale and offset), an EnMAP L2A product (its METADATA.XML: wavelengths, "
                       "FWHM and gains; bands outside the detectors' expected channels flagged bad), or a folder "
                       "of single-band rasters. Bands on different grids are put on the finest or coarsest of them "
                       "or on a given pixel size. The product's quality band and its rule come out as QUALITY and "
                       "QUALITY_RULE, for the MASK and MASK_RULE of 'SCDSC clustering'.")

    def name(self) -> str:
        """``stack`` (frozen)."""
        return "stack"

    def displayName(self) -> str:  # noqa: N802 (QGIS API name)
        """Translated display name."""
        return self.tr("Stack a multi-file product")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        """Declare the parameters (ids are frozen)."""
        self._add(QgsProcessingParameterFile("PRODUCT", self.tr("Product metadata file"), optional=True,
                                             fileFilter=self.tr("Product metadata (*_MTL.txt *METADATA.XML)")),
                  self.tr("A Landsat Collection 2 Level-2 *_MTL.txt or an EnMAP L2A *-METADATA.XML file."))
        self._add(QgsProcessingParameterFile("FOLDER", self.tr("Or: folder of single-band rasters"),
                                             behavior=FOLDER, optional=True),
                  self.tr("A folder whose single-band rasters become the bands, in natural name order (B2 before "
                          "B10). Give PRODUCT or FOLDER."))
        self._add(QgsProcessingParameterEnum("GRID", self.tr("Grid"), [self.tr("Finest band"),
                                                                       self.tr("Coarsest band"),
                                                                       self.tr("Pixel size below")], defaultValue=0),
                  self.tr("The grid of bands that come at several pixel sizes."))
        self._add(QgsProcessingParameterNumber("PIXEL_SIZE", self.tr("Pixel size"),
                                               DOUBLE, None, optional=True,
                                               minValue=0.0),
                  self.tr("With GRID = pixel size: the pixel size in the rasters' CRS units."))
        self._add(QgsProcessingParameterEnum("RESAMPLING", self.tr("Resampling"),
                                             [self.tr("Nearest neighbour (keeps measured values)"),
                                              self.tr("Bilinear"), self.tr("Cubic"), self.tr("Average")],
                                             defaultValue=0),
                  self.tr("How bands on another grid are resampled onto it."))
        # A file destination: QGIS 3.22's raster destinations offer only formats GDAL writes pixels to.
        self._add(QgsProcessingParameterFileDestination("OUTPUT", self.tr("Stack"), self.tr("VRT files (*.vrt)")),
                  self.tr("The VRT to write (it refers to the product's files)."))
        self.addOutput(QgsProcessingOutputRasterLayer("QUALITY", self.tr("Quality band")))
        self.addOutput(QgsProcessingOutputString("QUALITY_RULE", self.tr("Quality rule")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Call ``scdsc_core.api.stack_product`` and return the VRT and the quality mask."""
        api = self._core_api(feedback)
        from scdsc_core.products import GRIDS, RESAMPLINGS  # the enums' options follow their order
        product = self.parameterAsFile(parameters, "PRODUCT", context)
        folder = self.parameterAsFile(parameters, "FOLDER", context)
        if bool(product) == bool(folder):
            raise QgsProcessingException(self.tr("Give either PRODUCT (a metadata file) or FOLDER, not {what}")
                                         .format(what=self.tr("both") if product else self.tr("neither")))
        grid = (GRIDS + ("size",))[self.parameterAsEnum(parameters, "GRID", context)]
        if grid == "size":
            if not self._is_set(parameters, "PIXEL_SIZE"):
                raise QgsProcessingException(self.tr("GRID = pixel size needs PIXEL_SIZE"))
            grid = self.parameterAsDouble(parameters, "PIXEL_SIZE", context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        from scdsc_core.errors import ScdscError
        try:
            vrt, quality = api.stack_product(product or folder, output, grid=grid,
                                             resampling=RESAMPLINGS[self.parameterAsEnum(parameters, "RESAMPLING",
                                                                                         context)])
        except ScdscError as error:
            raise QgsProcessingException(str(error))
        path, _, rule = (quality or "").partition("|")
        feedback.pushInfo(self.tr("Stacked {source} into {vrt}").format(source=product or folder, vrt=vrt))
        if quality:
            feedback.pushInfo(self.tr("Quality band {path} with rule {rule}").format(path=path, rule=rule))
        return {"OUTPUT": vrt, "QUALITY": path or None, "QUALITY_RULE": rule or None}
