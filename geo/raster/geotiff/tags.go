package geotiff

// The TIFF tags, field types, values and GeoKeys that Encode writes and
// Decode reads: the one list of both (TIFF 6.0, GeoTIFF 1.0 / OGC 19-008,
// GDAL's GDAL_NODATA).
const (
	tagImageWidth      = 256
	tagImageLength     = 257
	tagBitsPerSample   = 258
	tagCompression     = 259
	tagPhotometric     = 262
	tagStripOffsets    = 273
	tagSamplesPerPixel = 277
	tagRowsPerStrip    = 278
	tagStripByteCounts = 279
	tagPlanarConfig    = 284
	tagPredictor       = 317
	tagTileWidth       = 322
	tagTileLength      = 323
	tagTileOffsets     = 324
	tagTileByteCounts  = 325
	tagSampleFormat    = 339
	tagModelPixelScale = 33550
	tagModelTiepoint   = 33922
	tagModelTransform  = 34264
	tagGeoKeyDirectory = 34735
	tagGDALNoData      = 42113
)

// Field types.
const (
	typeASCII  = 2
	typeShort  = 3
	typeLong   = 4
	typeDouble = 12
)

// Values of Compression, Predictor and SampleFormat.
const (
	compressionNone      = 1
	compressionLZW       = 5
	compressionDeflate   = 8
	compressionDeflateV0 = 32946 // the pre-TIFF-6 code of DEFLATE, still written by some tools

	predictorNone        = 1
	predictorHorizontal  = 2
	predictorFloatingPnt = 3

	sampleFormatUint  = 1
	sampleFormatInt   = 2
	sampleFormatFloat = 3
)

// GeoKeys and their values.
const (
	keyGTModelType      = 1024
	keyGTRasterType     = 1025
	keyGeographicType   = 2048
	keyGeogAngularUnits = 2054
	keyProjectedCSType  = 3072

	modelTypeProjected  = 1
	modelTypeGeographic = 2
	rasterPixelIsArea   = 1
	rasterPixelIsPoint  = 2
	angularUnitDegree   = 9102
	geoKeyUserDefined   = 32767
)
