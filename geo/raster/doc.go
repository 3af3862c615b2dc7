// Package raster draws geo.Grid rasters for people: an RGBA PNG overlay
// of a received-level raster through a colour Ramp (RenderPNG) and the
// Ramp's legend (Ramp.LegendPNG). GeoTIFFs, written and read, are its
// subpackage geotiff.
//
// Like geo it is pure: it writes only to the io.Writer it is given, keeps no
// globals and is deterministic. It may import the standard library, orb,
// btsplan/geo, golang.org/x/image/font (legend text) and
// golang.org/x/text/unicode/norm (folding legend text to ASCII); never gin,
// pgx, net/http or data/.
package raster
