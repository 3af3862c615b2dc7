// Package geotiff writes and reads single-band GeoTIFFs in EPSG:4326: the
// one GeoTIFF codec of btsplan, with one list of tags (tags.go), the way
// orb keeps encoding/wkb. Encode and Write turn a geo.Grid into a GeoTIFF
// (the coverage rasters, the DEM tests' fixtures); Decode and Read turn a
// GeoTIFF back into a geo.Grid (data/dem's DEM import).
//
// Like geo it is pure: it reads only the bytes or io.Reader it is given,
// writes only to the io.Writer it is given, keeps no globals and is
// deterministic. It may import the standard library, btsplan/geo,
// github.com/rwcarlsen/goexif/tiff (the TIFF directory parser),
// github.com/hhrutter/lzw (TIFF's LZW, which compress/lzw does not speak)
// and nothing else; never gin, pgx, net/http, planning or data
// (TestImports).
package geotiff
