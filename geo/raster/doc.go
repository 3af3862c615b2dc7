// Package raster encodes geo.Grid rasters for people and GIS clients: a
// single-band GeoTIFF in EPSG:4326 (WriteGeoTIFF, EncodeGeoTIFF), an RGBA
// PNG overlay of a received-level raster through a colour Ramp (RenderPNG)
// and the Ramp's legend (Ramp.LegendPNG).
//
// Like geo it is pure: it writes only to the io.Writer it is given, keeps no
// globals and is deterministic. It may import the standard library, orb,
// btsplan/geo, golang.org/x/image/font (legend text),
// golang.org/x/text/unicode/norm (folding legend text to ASCII) and
// github.com/hhrutter/lzw (TIFF LZW, which the standard library's
// compress/lzw does not write); never gin, pgx, net/http or data/.
//
// Decoding is not here: DEMs are read by data/dem, which may use this
// package's encoder to build its test fixtures (data → geo), never the
// other way round.
package raster
