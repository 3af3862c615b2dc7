package synth

import (
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The names and codes of the synthetic admin units. The codes start with
// SYN so that they can never be taken for GSO codes.
const (
	ProvinceName = "Tỉnh Núi Mẫu (SYNTHETIC / DỮ LIỆU GIẢ LẬP)"
	DistrictName = "Huyện Núi Mẫu (SYNTHETIC / DỮ LIỆU GIẢ LẬP)"
	ProvinceCode = "SYN99"
	DistrictCode = "SYN999"
	// provinceMarginM is how far the province reaches beyond the district;
	// it stays inside the DEM.
	provinceMarginM = 15000.0
)

// AdminArea is an admin unit with its boundary, [lon, lat] EPSG:4326.
type AdminArea struct {
	Unit     AdminUnit
	Boundary orb.Polygon
}

// admin lays out the province, the district (abolished on 2025-07-01 like
// every Vietnamese district) and four communes that split the district
// west to east along gently bent lines.
func (p *plan) admin(seed int64) []AdminArea {
	S := p.halfM
	r := newRNG(seed, streamLayout^0xAD)
	from := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	abolished := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

	P := S + provinceMarginM
	province := quad{bottom: constant(-P), top: constant(P), left: constant(-P), right: constant(P)}.ring()
	out := []AdminArea{
		{Unit: AdminUnit{Code: ProvinceCode, Name: ProvinceName, Level: "province", ValidFrom: from},
			Boundary: p.f.polygon(province)},
	}

	names := []string{"Xã Khe Mẫu (giả lập)", "Xã Mường Mẫu (giả lập)", "Xã Nà Mẫu (giả lập)", "Xã Phiêng Mẫu (giả lập)"}
	n := len(names)
	bounds := make([]curve, n+1)
	bounds[0], bounds[n] = constant(-S), constant(S)
	for i := 1; i < n; i++ {
		x0, ph := -S+2*S*float64(i)/float64(n), r.between(0, 2*math.Pi)
		bounds[i] = func(y float64) float64 { return x0 + 300*math.Sin(y/2300+ph) }
	}
	south, north := constant(-S), constant(S)
	var southBreaks, northBreaks []xy
	for i := 1; i < n; i++ {
		southBreaks = append(southBreaks, corner(south, bounds[i]))
		northBreaks = append(northBreaks, corner(north, bounds[i]))
	}
	district := quad{bottom: south, top: north, left: bounds[0], right: bounds[n],
		bottomBreaks: southBreaks, topBreaks: northBreaks}.ring()
	out = append(out, AdminArea{
		Unit: AdminUnit{Code: DistrictCode, Name: DistrictName, Level: "district",
			Parent: ProvinceCode, ValidFrom: from, ValidTo: &abolished},
		Boundary: p.f.polygon(district),
	})
	for i, name := range names {
		q := quad{bottom: south, top: north, left: bounds[i], right: bounds[i+1]}
		out = append(out, AdminArea{
			Unit: AdminUnit{Code: DistrictCode + string(rune('1'+i)), Name: name, Level: "commune",
				Parent: DistrictCode, ValidFrom: from},
			Boundary: p.f.polygon(q.ring()),
		})
	}
	return out
}

// AdminGeoJSON returns the admin units as a FeatureCollection with the
// properties code, name, level, parent, valid_from, valid_to (dates as
// YYYY-MM-DD, null when open) and synthetic.
func (d *District) AdminGeoJSON() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, a := range d.Admin {
		f := geojson.NewFeature(a.Boundary)
		u := a.Unit
		f.Properties = geojson.Properties{
			"code":       u.Code,
			"name":       u.Name,
			"level":      u.Level,
			"parent":     nullIfEmpty(u.Parent),
			"valid_from": u.ValidFrom.Format(time.DateOnly),
			"valid_to":   nil,
			"synthetic":  true,
		}
		if u.ValidTo != nil {
			f.Properties["valid_to"] = u.ValidTo.Format(time.DateOnly)
		}
		fc.Append(f)
	}
	return fc
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
