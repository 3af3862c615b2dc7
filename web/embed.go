// Package web holds the static web map that the API serves at "/": an
// HTML page and plain JavaScript over a vendored copy of Leaflet 1.9.4
// (BSD-2-Clause, see static/vendor/leaflet/LICENSE). Nothing is fetched
// from the internet: the map draws btsplan's own GeoJSON.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Static returns the web map's files, rooted so that "index.html" is at the top.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "static" is valid.
		panic(err)
	}
	return sub
}
