package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// Areas of interest of issue 8: an authority registers polygons and is
// notified of every case whose site lies inside one.

type areaFeatureIn struct {
	Type       *string `json:"type"`
	ID         any     `json:"id"`
	Properties *struct {
		Name string `json:"name"`
	} `json:"properties"`
	Geometry *geometryIn `json:"geometry"`
}

// multiPolygon reads the area's geometry: a Polygon or a MultiPolygon.
func (in areaFeatureIn) multiPolygon() (orb.MultiPolygon, error) {
	g := in.Geometry
	switch {
	case g == nil:
		return nil, planning.FieldError("/geometry", "geometry is required: a Polygon or MultiPolygon [lon, lat]")
	case g.Type == nil:
		return nil, planning.FieldError("/geometry/type", "type is required: Polygon or MultiPolygon")
	case *g.Type == "Polygon":
		p, err := polygon(g, "/geometry")
		return orb.MultiPolygon{p}, err
	case *g.Type == "MultiPolygon":
		polys, ok := g.Coordinates.v.([]any)
		if !ok || len(polys) == 0 {
			return nil, planning.FieldError("/geometry/coordinates", "must be an array of polygons")
		}
		mp := make(orb.MultiPolygon, 0, len(polys))
		for i, pv := range polys {
			p, err := polygonCoordinates(pv, fmt.Sprintf("/geometry/coordinates/%d", i))
			if err != nil {
				return nil, err
			}
			mp = append(mp, p)
		}
		return mp, nil
	}
	return nil, planning.FieldError("/geometry/type", "is %s: an area of interest is a Polygon or MultiPolygon", echo(*g.Type))
}

func areaFeature(a planning.Area) *geojson.Feature {
	f := geojson.NewFeature(a.Geom)
	f.ID = a.ID
	f.Properties = geojson.Properties{"organization": a.Org, "name": a.Name, "created": a.Created.UTC().Format(time.RFC3339)}
	return f
}

// handleCreateArea serves POST /v1/areas-of-interest: a GeoJSON Feature
// whose geometry is a Polygon or MultiPolygon ([lon, lat], EPSG:4326) and
// whose properties may name it.
func (s *server) handleCreateArea() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Notify == nil {
			return errNoNotify
		}
		var in areaFeatureIn
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		if in.Type == nil || *in.Type != "Feature" {
			return planning.FieldError("/type", "must be \"Feature\": send a GeoJSON Feature with a Polygon or MultiPolygon geometry")
		}
		switch in.ID.(type) {
		case nil, string, json.Number, float64:
		default:
			// RFC 7946 §3.2; the service numbers the area itself.
			return planning.FieldError("/id", "must be a string or a number, not %s", jsonKind(in.ID))
		}
		name := ""
		if in.Properties != nil {
			name = in.Properties.Name
		}
		g, err := in.multiPolygon()
		if err != nil {
			return err
		}
		a, err := s.cfg.Notify.RegisterArea(c.Request.Context(), principal(c), name, g, planning.RequestMeta{RequestID: requestID(c)})
		if err != nil {
			return fieldAs(err, "/name", "/properties/name")
		}
		c.Header("Location", fmt.Sprintf("/v1/areas-of-interest/%d", a.ID))
		writeJSON(c, http.StatusCreated, contentTypeGeoJSON, areaFeature(a))
		return nil
	}
}

// handleListAreas serves GET /v1/areas-of-interest: the caller's
// authority's areas (every one for an admin) as a FeatureCollection.
func (s *server) handleListAreas() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.Notify == nil {
			return errNoNotify
		}
		if errs := unknownParams(c.Request.URL.Query()); len(errs) > 0 {
			return errs[0]
		}
		as, err := s.cfg.Notify.Areas(c.Request.Context(), principal(c))
		if err != nil {
			return err
		}
		fc := geojson.NewFeatureCollection()
		for _, a := range as {
			fc.Append(areaFeature(a))
		}
		c.Header("Cache-Control", "no-store")
		writeJSON(c, http.StatusOK, contentTypeGeoJSON, fc)
		return nil
	}
}

// handleDeleteArea serves DELETE /v1/areas-of-interest/{id}.
func (s *server) handleDeleteArea() handlerFunc {
	return func(c *gin.Context) error {
		id, err := s.notifyID(c, "area id")
		if err != nil {
			return err
		}
		if err := s.cfg.Notify.DeleteArea(c.Request.Context(), principal(c), id, planning.RequestMeta{RequestID: requestID(c)}); err != nil {
			return notFound(err, "area of interest %d", id)
		}
		c.Status(http.StatusNoContent)
		return nil
	}
}
