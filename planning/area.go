package planning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// Area is an authority's area of interest: the authority is notified of
// every case whose site lies inside it (see Notice).
type Area struct {
	ID        int64
	Org       string
	Name      string
	Geom      orb.MultiPolygon // EPSG:4326, [lon, lat]
	CreatedBy int64
	Created   time.Time
}

// The limits of an area of interest.
const (
	// MaxAreaVertices bounds the positions of one area, all rings
	// together: a district boundary simplified for notifications needs a
	// few thousand; the validity check is quadratic in them.
	MaxAreaVertices = 20_000
	MaxAreasPerOrg  = 50
)

// mayManageAreas: a reviewer or an admin of an authority.
func mayManageAreas(p Principal) bool {
	return p.HasAny(RoleReviewer, RoleAdmin) && p.OrgKind == "authority"
}

// CheckArea checks an area's geometry before the store checks its
// validity and place: polygons of closed rings of at least 4 positions,
// at most MaxAreaVertices, every position in Vietnam ([lon, lat]; lat and
// lon swapped is named as such). Errors: Invalid naming
// /geometry/coordinates/….
func CheckArea(g orb.MultiPolygon) error {
	if len(g) == 0 {
		return FieldError("/geometry/coordinates", "the area has no polygon")
	}
	n := 0
	for i, p := range g {
		if len(p) == 0 {
			return FieldError(fmt.Sprintf("/geometry/coordinates/%d", i), "polygon %d has no rings", i)
		}
		for j, ring := range p {
			at := fmt.Sprintf("/geometry/coordinates/%d/%d", i, j)
			if len(ring) < 4 {
				return FieldError(at, "a ring needs at least 4 positions (3 corners and the first again), not %d", len(ring))
			}
			if ring[0] != ring[len(ring)-1] {
				return FieldError(at, "the ring is not closed: its last position is not its first")
			}
			n += len(ring)
			if n > MaxAreaVertices {
				return FieldError("/geometry/coordinates", "more than %d positions: simplify the area", MaxAreaVertices)
			}
			for k, pt := range ring {
				lon, lat := pt[0], pt[1]
				switch {
				case !finite(lon) || !finite(lat):
					return FieldError(fmt.Sprintf("%s/%d", at, k), "not a finite position")
				case !inVietnam(lon, lat) && inVietnam(lat, lon):
					return FieldError(fmt.Sprintf("%s/%d", at, k), "[%g, %g] looks swapped: GeoJSON is [lon, lat]", lon, lat)
				case !inVietnam(lon, lat):
					return FieldError(fmt.Sprintf("%s/%d", at, k), "[%g, %g] is not in Vietnam (%g..%g E, %g..%g N)",
						lon, lat, vnMinLon, vnMaxLon, vnMinLat, vnMaxLat)
				}
			}
		}
	}
	return nil
}

// RegisterArea stores an area of interest of p's authority. A reviewer
// of one province registers areas that lie in it. Errors: Forbidden (not
// a reviewer or admin of an authority); Invalid naming "/name" or
// "/geometry…" (see CheckArea and WebhookStore.CreateArea); Unavailable.
func (n *Notifications) RegisterArea(ctx context.Context, p Principal, name string, g orb.MultiPolygon, m RequestMeta) (Area, error) {
	const op = "register area of interest"
	if !mayManageAreas(p) {
		return Area{}, &Error{Op: op, Kind: Forbidden, Err: errors.New("only a reviewer or an admin of an authority registers areas of interest")}
	}
	if err := CheckLine("/name", name, MaxNameChars); err != nil {
		return Area{}, err
	}
	if err := CheckArea(g); err != nil {
		return Area{}, err
	}
	a := Area{Org: p.Org, Name: name, Geom: g, CreatedBy: p.UserID}
	if err := n.store.CreateArea(ctx, &a, p.Province, n.audit(p, "area.create", m, "name", name)); err != nil {
		return Area{}, fmt.Errorf("%s: %w", op, err)
	}
	return a, nil
}

// Areas returns the areas p may see: its authority's (every one for an
// admin). Errors: Forbidden; Unavailable.
func (n *Notifications) Areas(ctx context.Context, p Principal) ([]Area, error) {
	if !mayManageAreas(p) && !p.Has(RoleAdmin) {
		return nil, &Error{Op: "list areas of interest", Kind: Forbidden, Err: errors.New("only an authority's reviewers and admins have areas of interest")}
	}
	org := p.Org
	if p.Has(RoleAdmin) {
		org = ""
	}
	as, err := n.store.Areas(ctx, org)
	if err != nil {
		return nil, fmt.Errorf("list areas of interest: %w", err)
	}
	return as, nil
}

// DeleteArea deletes area id of p's authority (any for an admin).
// Errors: Forbidden; NotFound; Unavailable.
func (n *Notifications) DeleteArea(ctx context.Context, p Principal, id int64, m RequestMeta) error {
	const op = "delete area of interest"
	if !mayManageAreas(p) && !p.Has(RoleAdmin) {
		return &Error{Op: op, Kind: Forbidden, Err: errors.New("only an authority's reviewers and admins have areas of interest")}
	}
	a, err := n.store.Area(ctx, id)
	if err == nil && !p.Has(RoleAdmin) && a.Org != p.Org {
		err = Errorf(NotFound, "area of interest %d not found", id)
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", op, id, err)
	}
	return n.store.DeleteArea(ctx, id, n.audit(p, "area.delete", m, "name", a.Name, "organization", a.Org))
}
