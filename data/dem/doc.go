// Package dem decodes digital elevation models (SRTM .hgt tiles and
// single-band GeoTIFFs in EPSG:4326) into geo.Grid, keeps them as versioned
// tiles in the data directory indexed by PostGIS, and cuts the window of
// heights that a coverage or line-of-sight computation around a site needs.
//
// # Storage
//
// Each imported file becomes one tile file under DIR/dem/NAME/ (DIR is
// BTSPLAN_DATA_DIR) in a small internal format: a 64-byte header (magic,
// size, geotransform), the heights as raw little-endian float32 rows with
// the voids already filled, then the sorted indexes of the cells that were
// voids in the source. The table dem_tile indexes the tiles: footprint
// polygon (EPSG:4326, GiST), relative path, cell size, version, void count,
// SHA-256 of the source and of the stored file, and import time. We chose
// files over PostGIS raster because a window is a handful of contiguous
// row reads (one pread per row, no decompression, no per-pixel SQL) and
// the stored format needs no raster extension (postgis_raster is a
// separate package and is off by default); the database still answers
// "which tiles cover this disc" through the GiST index, versions the tiles
// and makes an import atomic. float32 rather than int16 is stored because
// filled voids are means of their neighbours, not whole metres.
//
// An import writes the tile to a temporary file in the final folder, then
// in one transaction inserts the row and renames the file into place just
// before the commit; if anything fails, the file is removed and the
// transaction rolled back. A crash between the rename and the commit can
// leave an unindexed file behind, which no window ever reads and the next
// import of the same version overwrites.
//
// # Decoding
//
// GeoTIFFs are decoded by btsplan/geo/raster/geotiff, the one GeoTIFF
// codec (it also writes the coverage rasters): goexif's tiff package
// parses the IFD and the chunks are decompressed with compress/zlib or
// github.com/hhrutter/lzw. golang.org/x/image/tiff does not serve: it
// decodes to image.Image and has no signed 16-bit or float32 samples, and
// it hides the GeoTIFF tags. dem adds what is particular to DEMs: SRTM's
// -32768 is a void, the extent must lie on the Earth, and the tile key
// comes from the file name.
//
// dem may import btsplan/geo (and its subpackages), btsplan/planning and pgx; it must never
// import api or gin, and no pgx type leaves it.
package dem
