package api

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"btsplan/geo"
	"btsplan/planning"
)

// The report map's drawing area in SVG user units (CSS pixels); print CSS
// scales it to the A4 column.
const (
	mapWidthPx  = 760.0
	mapHeightPx = 520.0
	mapMarginPx = 24.0
)

// mapFeature is one conflicting feature to draw.
type mapFeature struct {
	Number   int // the finding's number in the report's table
	Label    string
	Severity planning.Severity
	Geometry orb.Geometry // EPSG:4326
}

// siteMap is everything the report template needs to draw the map as
// inline SVG: the map is computed here, the template only writes elements,
// so the report needs no script, no tiles and no network, and prints.
type siteMap struct {
	Width, Height float64
	Site          svgPoint
	Footprint     string  // path data, "" when the site has none
	FallZoneR     float64 // fall-zone circle radius, px
	FallZoneM     float64
	Features      []svgFeature
	Scale         scaleBar
	North         svgPoint // the north arrow's base
}

type svgPoint struct{ X, Y float64 }

type svgFeature struct {
	Number   int
	Label    string
	Class    string // the severity, a CSS class
	Path     string // polygons and lines, path data
	Points   []svgPoint
	LabelAt  svgPoint
	Polygons bool // fill the path (areas) or only stroke it (lines)
}

type scaleBar struct {
	X, Y    float64
	WidthPx float64
	Label   string
}

// localProjection maps [lon, lat] to map pixels: an equirectangular
// projection centred on the site (metres east and north, exact enough over
// the few kilometres a report shows), scaled and flipped to SVG's y-down.
type localProjection struct {
	origin     orb.Point
	lonM, latM float64 // metres per degree at the site
	pxPerM     float64
	cx, cy     float64 // pixel position of the bound's centre
	midX, midY float64 // the bound's centre, metres
}

func (p localProjection) metres(pt orb.Point) (x, y float64) {
	return (pt[0] - p.origin[0]) * p.lonM, (pt[1] - p.origin[1]) * p.latM
}

func (p localProjection) px(pt orb.Point) svgPoint {
	x, y := p.metres(pt)
	return svgPoint{X: p.cx + (x-p.midX)*p.pxPerM, Y: p.cy - (y-p.midY)*p.pxPerM}
}

// drawSiteMap lays out the site, its footprint, its fall zone (a circle of
// fallZoneM around the site) and the conflicting features.
func drawSiteMap(site planning.Site, fallZoneM float64, features []mapFeature) siteMap {
	proj := localProjection{origin: site.Location}
	proj.lonM, proj.latM = geo.MetresPerDegree(site.Location[1])

	// The extent in local metres: the fall zone, at least 150 m around the
	// site so that a short tower still shows its surroundings, the
	// footprint and every feature.
	r := math.Max(fallZoneM, 150)
	minX, minY, maxX, maxY := -r, -r, r, r
	grow := func(pt orb.Point) {
		x, y := proj.metres(pt)
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	for _, ring := range site.Footprint {
		for _, pt := range ring {
			grow(pt)
		}
	}
	for _, f := range features {
		if f.Geometry == nil {
			continue
		}
		b := f.Geometry.Bound()
		grow(b.Min)
		grow(b.Max)
	}
	// Keep the map readable when a feature reaches far away: the report is
	// about the site's surroundings, so clip the extent to 5 km around it.
	const maxReachM = 5000
	minX, minY = math.Max(minX, -maxReachM), math.Max(minY, -maxReachM)
	maxX, maxY = math.Min(maxX, maxReachM), math.Min(maxY, maxReachM)

	innerW, innerH := mapWidthPx-2*mapMarginPx, mapHeightPx-2*mapMarginPx
	spanX, spanY := (maxX-minX)*1.1, (maxY-minY)*1.1
	proj.pxPerM = math.Min(innerW/spanX, innerH/spanY)
	proj.midX, proj.midY = (minX+maxX)/2, (minY+maxY)/2
	proj.cx, proj.cy = mapWidthPx/2, mapHeightPx/2

	m := siteMap{
		Width:     mapWidthPx,
		Height:    mapHeightPx,
		Site:      proj.px(site.Location),
		FallZoneR: fallZoneM * proj.pxPerM,
		FallZoneM: fallZoneM,
		North:     svgPoint{X: mapWidthPx - 40, Y: 70},
	}
	if len(site.Footprint) > 0 {
		m.Footprint = polygonPath(proj, site.Footprint)
	}
	for _, f := range features {
		if f.Geometry == nil {
			continue
		}
		sf := svgFeature{Number: f.Number, Label: f.Label, Class: string(f.Severity)}
		var b strings.Builder
		addGeometry(proj, f.Geometry, &b, &sf)
		sf.Path = strings.TrimSpace(b.String())
		sf.LabelAt = labelPoint(proj, f.Geometry)
		m.Features = append(m.Features, sf)
	}
	m.Scale = newScaleBar(proj.pxPerM)
	return m
}

// addGeometry appends g to the feature's path data or points.
func addGeometry(proj localProjection, g orb.Geometry, b *strings.Builder, sf *svgFeature) {
	switch g := g.(type) {
	case orb.Point:
		sf.Points = append(sf.Points, proj.px(g))
	case orb.MultiPoint:
		for _, p := range g {
			sf.Points = append(sf.Points, proj.px(p))
		}
	case orb.LineString:
		b.WriteString(linePath(proj, g, false))
	case orb.MultiLineString:
		for _, ls := range g {
			b.WriteString(linePath(proj, ls, false))
		}
	case orb.Ring:
		sf.Polygons = true
		b.WriteString(linePath(proj, orb.LineString(g), true))
	case orb.Polygon:
		sf.Polygons = true
		b.WriteString(polygonPath(proj, g))
	case orb.MultiPolygon:
		sf.Polygons = true
		for _, p := range g {
			b.WriteString(polygonPath(proj, p))
		}
	case orb.Collection:
		for _, c := range g {
			addGeometry(proj, c, b, sf)
		}
	case orb.Bound:
		addGeometry(proj, g.ToPolygon(), b, sf)
	}
}

func polygonPath(proj localProjection, p orb.Polygon) string {
	var b strings.Builder
	for _, r := range p {
		b.WriteString(linePath(proj, orb.LineString(r), true))
	}
	return b.String()
}

func linePath(proj localProjection, ls orb.LineString, closed bool) string {
	if len(ls) == 0 {
		return ""
	}
	var b strings.Builder
	for i, pt := range ls {
		q := proj.px(pt)
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString(" L")
		}
		b.WriteString(fmtPx(q.X) + " " + fmtPx(q.Y))
	}
	if closed {
		b.WriteString(" Z")
	}
	b.WriteString(" ")
	return b.String()
}

// labelPoint is where a feature's number goes: the centroid of its
// projected geometry (planar maths is right in the local metres).
func labelPoint(proj localProjection, g orb.Geometry) svgPoint {
	local := orb.Clone(g)
	local = projectGeometry(local, func(pt orb.Point) orb.Point {
		x, y := proj.metres(pt)
		return orb.Point{x, y}
	})
	c, _ := planar.CentroidArea(local)
	pt := svgPoint{X: proj.cx + (c[0]-proj.midX)*proj.pxPerM, Y: proj.cy - (c[1]-proj.midY)*proj.pxPerM}
	// Keep the label on the map even if the centroid lies off it.
	pt.X = math.Min(math.Max(pt.X, mapMarginPx), mapWidthPx-mapMarginPx)
	pt.Y = math.Min(math.Max(pt.Y, mapMarginPx), mapHeightPx-mapMarginPx)
	return pt
}

// projectGeometry applies f to every point of g (a clone: orb shares
// slices).
func projectGeometry(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return f(g)
	case orb.MultiPoint:
		for i := range g {
			g[i] = f(g[i])
		}
		return g
	case orb.LineString:
		for i := range g {
			g[i] = f(g[i])
		}
		return g
	case orb.Ring:
		return orb.Ring(projectGeometry(orb.LineString(g), f).(orb.LineString))
	case orb.MultiLineString:
		for i := range g {
			g[i] = projectGeometry(g[i], f).(orb.LineString)
		}
		return g
	case orb.Polygon:
		for i := range g {
			g[i] = projectGeometry(g[i], f).(orb.Ring)
		}
		return g
	case orb.MultiPolygon:
		for i := range g {
			g[i] = projectGeometry(g[i], f).(orb.Polygon)
		}
		return g
	case orb.Collection:
		for i := range g {
			g[i] = projectGeometry(g[i], f)
		}
		return g
	case orb.Bound:
		return projectGeometry(g.ToPolygon(), f)
	}
	return g
}

// newScaleBar picks a round length (1, 2 or 5 × 10ⁿ m) about a quarter of
// the map wide.
func newScaleBar(pxPerM float64) scaleBar {
	target := mapWidthPx / 4 / pxPerM
	pow := math.Pow(10, math.Floor(math.Log10(target)))
	length := pow
	for _, k := range []float64{1, 2, 5, 10} {
		if k*pow <= target {
			length = k * pow
		}
	}
	label := strconv.FormatFloat(length, 'f', -1, 64) + " m"
	if length >= 1000 {
		label = strconv.FormatFloat(length/1000, 'f', -1, 64) + " km"
	}
	return scaleBar{X: mapMarginPx, Y: mapHeightPx - mapMarginPx, WidthPx: length * pxPerM, Label: label}
}

func fmtPx(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// String helps tests and debugging.
func (p svgPoint) String() string { return fmt.Sprintf("(%.1f, %.1f)", p.X, p.Y) }
