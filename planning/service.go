package planning

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// ServiceConfig holds the Service's tunables. Zero fields take the defaults.
type ServiceConfig struct {
	// MaxSearchRadiusM caps the zone search. A rule set that needs a wider
	// search (for a structure of MaxHeightM) is a configuration error found
	// by CheckRules. Default 20 000 m.
	MaxSearchRadiusM float64
	// EvidenceRadiusM is the radius around the site within which the
	// conflicting part of a zone is kept for an inside finding. Default 100 m.
	EvidenceRadiusM float64
}

// The defaults of ServiceConfig.
const (
	DefaultMaxSearchRadiusM = 20000.0
	DefaultEvidenceRadiusM  = 100.0
	// DefaultPageSize is the page size of a list whose filter gives none,
	// and MaxPageSize the largest page: the one rule of every list's page
	// (api reads ?limit into the filter, data pages as told).
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Service assesses proposed sites against the rule sets and the zones of
// the current layers, and stores proposals. It is safe for concurrent use:
// it keeps no mutable state of its own.
type Service struct {
	cfg    ServiceConfig
	book   *RuleBook
	zones  ZoneStore
	props  ProposalStore
	admin  AdminStore
	orgs   OrgStore
	layers LayerStore
	now    func() time.Time
	// sets are the national rule set and every province's.
	sets []*RuleSet
}

// NewService returns a Service. now may be nil for time.Now. Call
// CheckRules once at start to check the rule book against the authorities
// in the database.
func NewService(cfg ServiceConfig, book *RuleBook, zones ZoneStore, props ProposalStore, admin AdminStore, orgs OrgStore, layers LayerStore, now func() time.Time) *Service {
	if cfg.MaxSearchRadiusM <= 0 {
		cfg.MaxSearchRadiusM = DefaultMaxSearchRadiusM
	}
	if cfg.EvidenceRadiusM <= 0 {
		cfg.EvidenceRadiusM = DefaultEvidenceRadiusM
	}
	if now == nil {
		now = time.Now
	}
	sets := []*RuleSet{book.National()}
	for _, p := range book.Provinces() {
		sets = append(sets, book.RuleSet(p))
	}
	return &Service{cfg: cfg, book: book, zones: zones, props: props, admin: admin, orgs: orgs, layers: layers, now: now, sets: sets}
}

// CheckRules checks what the rule loader cannot: that every authority code
// the rule files use is an authority in the database, and that no rule set
// needs a zone search wider than MaxSearchRadiusM. Errors are Invalid and
// name file:line: field of each offending rule; a store failure keeps its
// own kind.
func (s *Service) CheckRules(ctx context.Context) error {
	err := s.book.CheckAuthorities(func(code string) (bool, error) {
		org, err := s.orgs.Organization(ctx, code)
		switch {
		case KindOf(err) == NotFound:
			return false, nil
		case err != nil:
			return false, err
		}
		return org.Kind == "authority", nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, rs := range s.sets {
		for _, r := range rs.Rules {
			if rm := r.RadiusM(MaxHeightM); rm > s.cfg.MaxSearchRadiusM {
				file, line := splitSource(r.Source)
				errs = append(errs, &RuleError{File: file, Line: line, Path: r.ID,
					Msg: fmt.Sprintf("tests %g m from the site, more than the configured maximum search radius %g m", rm, s.cfg.MaxSearchRadiusM)})
			}
		}
	}
	if len(errs) > 0 {
		return &Error{Op: "check rules", Kind: Invalid, Err: errors.Join(errs...)}
	}
	return nil
}

func splitSource(src string) (string, int) {
	i := strings.LastIndexByte(src, ':')
	if i < 0 {
		return src, 0
	}
	var line int
	fmt.Sscanf(src[i+1:], "%d", &line)
	return src[:i], line
}

// RuleSet returns the effective rule set of a province (its code as in the
// admin units), or the national default.
func (s *Service) RuleSet(province string) *RuleSet { return s.book.RuleSet(province) }

// RuleBook returns the loaded rule book.
func (s *Service) RuleBook() *RuleBook { return s.book }

// Check assesses a site without storing anything (a dry run). Errors:
// Invalid (with Field) for a bad site, an unknown carrier or a site outside
// every loaded admin unit; Unavailable or Internal from the stores. A
// conflict is a result: Assessment.Verdict == Conflict, error nil.
func (s *Service) Check(ctx context.Context, site Site) (Assessment, error) {
	a, _, err := s.assess(ctx, site, "check site")
	return a, err
}

// Submit assesses a site and stores it as a new proposal revision with its
// assessment, in one store call. The conflicting part of each zone behind a
// conflict or condition is stored with the finding. Errors are those of
// Check, Invalid at FieldCode for a missing site code, and Exists when the
// same content was submitted before for the same carrier and site code,
// naming that proposal (DuplicateOf).
func (s *Service) Submit(ctx context.Context, site Site) (Proposal, Assessment, error) {
	const op = "submit site"
	p, a, err := s.prepare(ctx, site, op)
	if err != nil {
		return Proposal{}, Assessment{}, err
	}
	if err := s.props.CreateProposal(ctx, &p, &a, SiteHash(site)); err != nil {
		return Proposal{}, Assessment{}, fmt.Errorf("%s %s/%s: %w", op, site.Carrier, site.Code, err)
	}
	return p, a, nil
}

// prepare assesses a site for storing: the proposal and its assessment,
// with the conflicting part of each zone behind a conflict or condition,
// and the rule set's text.
func (s *Service) prepare(ctx context.Context, site Site, op string) (Proposal, Assessment, error) {
	if strings.TrimSpace(site.Code) == "" {
		return Proposal{}, Assessment{}, &Error{Op: op, Kind: Invalid, Field: FieldCode, Err: errors.New("site code is required")}
	}
	a, matches, err := s.assess(ctx, site, op)
	if err != nil {
		return Proposal{}, Assessment{}, err
	}
	type key struct {
		zone    int64
		radiusM float64
	}
	geoms := map[key]int{} // → index of a finding that has the geometry
	for i, m := range matches {
		if m.Severity == SeverityInfo {
			continue
		}
		r := m.testRadiusM
		if r <= 0 {
			r = s.cfg.EvidenceRadiusM
		}
		k := key{m.zoneID, r}
		if j, ok := geoms[k]; ok {
			a.Findings[i].Geometry = a.Findings[j].Geometry
			continue
		}
		g, err := s.zones.ConflictGeometry(ctx, m.zoneID, site.Location, site.Footprint, r)
		if err != nil {
			return Proposal{}, Assessment{}, fmt.Errorf("%s: conflict geometry of zone %d: %w", op, m.zoneID, err)
		}
		a.Findings[i].Geometry = g
		geoms[k] = i
	}
	p := Proposal{
		Site:      site,
		Status:    StatusSubmitted,
		AdminUnit: a.AdminUnit,
		Province:  a.Province,
		Verdict:   a.Verdict,
	}
	return p, a, nil
}

// assess runs one assessment and returns it with the matches behind its
// findings (same order).
func (s *Service) assess(ctx context.Context, site Site, op string) (Assessment, []match, error) {
	if err := validateSite(site); err != nil {
		return Assessment{}, nil, &Error{Op: op, Kind: Invalid, Err: err}
	}
	now := s.now()
	surveyor, oneTrip := s.zones.(Surveyor)
	var (
		org    Organization
		err    error
		survey Survey
		units  []AdminUnit
	)
	if oneTrip {
		// The province, and so the rule set, is known only once the admin
		// units are read, in the same round trip as the zones: search as
		// far as any rule set needs, and keep below what the province's
		// own plan would have found.
		survey, err = surveyor.Survey(ctx, SurveyQuery{Carrier: site.Carrier, Location: site.Location,
			Footprint: site.Footprint, At: now, KindRadiiM: s.widestSearch(site)})
		if err != nil {
			return Assessment{}, nil, fmt.Errorf("%s: survey at %v: %w", op, site.Location, err)
		}
		if survey.Carrier == nil {
			err = &Error{Kind: NotFound, Err: fmt.Errorf("organization %q not found", site.Carrier)}
		} else {
			org = *survey.Carrier
		}
		units = survey.Units
	} else {
		org, err = s.orgs.Organization(ctx, site.Carrier)
	}
	switch {
	case KindOf(err) == NotFound:
		return Assessment{}, nil, &Error{Op: op, Kind: Invalid, Field: FieldCarrier, Err: fmt.Errorf("unknown carrier %q", site.Carrier)}
	case err != nil:
		return Assessment{}, nil, fmt.Errorf("%s: look up carrier %q: %w", op, site.Carrier, err)
	case org.Kind != "carrier":
		return Assessment{}, nil, &Error{Op: op, Kind: Invalid, Field: FieldCarrier, Err: fmt.Errorf("%q is not a carrier", site.Carrier)}
	}
	if !oneTrip {
		if units, err = s.admin.UnitsAt(ctx, site.Location, now); err != nil {
			return Assessment{}, nil, fmt.Errorf("%s: admin units at %v: %w", op, site.Location, err)
		}
	}
	if len(units) == 0 {
		return Assessment{}, nil, &Error{Op: op, Kind: Invalid, Field: FieldCoordinates, Err: errors.New("outside every admin unit loaded")}
	}
	province := ""
	for _, u := range units {
		if u.Parent == "" {
			province = u.Code
			break
		}
	}
	if province == "" {
		return Assessment{}, nil, &Error{Op: op, Kind: Internal,
			Err: fmt.Errorf("no top-level admin unit contains %v: the units loaded there (%s first) have parents that are not loaded", site.Location, units[0].Code)}
	}

	rs := s.book.RuleSet(province)
	plan := planSearch(rs, site)
	if plan.radiusM > s.cfg.MaxSearchRadiusM {
		return Assessment{}, nil, &Error{Op: op, Kind: Internal,
			Err: fmt.Errorf("rule set %s needs a %g m search, more than the configured %g m", rs.Version, plan.radiusM, s.cfg.MaxSearchRadiusM)}
	}
	var (
		hits     []ZoneHit
		versions map[string]int
	)
	if oneTrip {
		hits, versions = plan.keep(survey.Hits), survey.LayerVersions
	} else if hits, versions, err = s.zonesNear(ctx, site, plan); err != nil {
		return Assessment{}, nil, fmt.Errorf("%s: %w", op, err)
	}
	matches := evaluate(rs, plan.rules, site, hits)
	a := Assessment{
		Findings:       make([]Finding, len(matches)),
		RuleSetVersion: rs.Version,
		RuleSetFiles:   rs.Sources,
		LayerVersions:  versions,
		Province:       province,
		AdminUnit:      units[0].Code,
		CreatedAt:      now,
	}
	for i, m := range matches {
		a.Findings[i] = m.Finding
	}
	a.Verdict = verdictOf(a.Findings)
	return a, matches, nil
}

// widestSearch is the zone search that covers site's search plan under
// every rule set of the book: per layer kind, the greatest radius any of
// them needs, at most MaxSearchRadiusM (a plan that needs more is refused
// once its province is known).
func (s *Service) widestSearch(site Site) map[string]float64 {
	out := map[string]float64{}
	for _, rs := range s.sets {
		for k, r := range planSearch(rs, site).kindRadiiM {
			out[k] = max(out[k], min(r, s.cfg.MaxSearchRadiusM))
		}
	}
	return out
}

// zonesNear reads the current layer versions and the zones near the site,
// and reads both again once if a layer was re-imported in between, so that
// the versions recorded are the ones the zones came from.
func (s *Service) zonesNear(ctx context.Context, site Site, plan searchPlan) ([]ZoneHit, map[string]int, error) {
	for attempt := 0; ; attempt++ {
		versions, err := s.zones.CurrentLayerVersions(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("current layer versions: %w", err)
		}
		if len(plan.rules) == 0 {
			return nil, versions, nil
		}
		hits, err := s.zones.ZonesNear(ctx, ZoneQuery{
			Location:   site.Location,
			Footprint:  site.Footprint,
			RadiusM:    plan.radiusM,
			Kinds:      plan.kinds(),
			KindRadiiM: plan.kindRadiiM,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("zones within %g m: %w", plan.radiusM, err)
		}
		stale := ""
		for _, h := range hits {
			if v, ok := versions[h.LayerName]; !ok || v != h.LayerVersion {
				stale = h.LayerName
				break
			}
		}
		if stale == "" {
			return hits, versions, nil
		}
		if attempt == 1 {
			return nil, nil, &Error{Kind: Unavailable, Err: fmt.Errorf("layer %q changed during the assessment; try again", stale)}
		}
	}
}

// Proposal returns one proposal; NotFound when there is none.
func (s *Service) Proposal(ctx context.Context, id int64) (Proposal, error) {
	p, err := s.props.Proposal(ctx, id)
	if err != nil {
		return Proposal{}, fmt.Errorf("proposal %d: %w", id, err)
	}
	return p, nil
}

// Proposals returns one page of proposals matching f and the total count.
// A zero f.Limit takes DefaultPageSize. Errors: Invalid naming
// "limit", "offset", "status", "verdict" or "bbox".
func (s *Service) Proposals(ctx context.Context, f ProposalFilter) ([]Proposal, int, error) {
	const op = "list proposals"
	if f.Limit == 0 {
		f.Limit = DefaultPageSize
	}
	var errs []error
	if f.Limit < 1 || f.Limit > MaxPageSize {
		errs = append(errs, FieldError("limit", "page size %d is outside 1..%d", f.Limit, MaxPageSize))
	}
	if f.Offset < 0 {
		errs = append(errs, FieldError("offset", "offset %d is negative", f.Offset))
	}
	if f.Status != "" && !slices.Contains([]Status{StatusSubmitted, StatusApproved, StatusRejected, StatusWithdrawn}, f.Status) {
		errs = append(errs, FieldError("status", "unknown status %q", f.Status))
	}
	if f.Verdict != "" && !slices.Contains([]Verdict{Approve, Conditional, Conflict}, f.Verdict) {
		errs = append(errs, FieldError("verdict", "unknown verdict %q", f.Verdict))
	}
	if b := f.BBox; b != nil {
		if err := CheckLonLatBBox("bbox", *b); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, 0, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	ps, n, err := s.props.Proposals(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", op, err)
	}
	return ps, n, nil
}

// Assessment returns the latest assessment of a proposal; NotFound when
// there is none.
func (s *Service) Assessment(ctx context.Context, proposalID int64) (Assessment, error) {
	a, err := s.props.Assessment(ctx, proposalID)
	if err != nil {
		return Assessment{}, fmt.Errorf("assessment of proposal %d: %w", proposalID, err)
	}
	return a, nil
}

// Layers returns the layer store, for listing and streaming layers.
func (s *Service) Layers() LayerStore { return s.layers }

// ImportLayer checks spec against the rule book (a known layer kind, and
// category codes that the rules know for that kind) and then imports the
// layer. Errors: Invalid naming "kind", "name", "category",
// "category_field", "category_map" or "srid"; the store's errors otherwise.
func (s *Service) ImportLayer(ctx context.Context, spec LayerSpec, r io.Reader, progress func(features int, bytes int64)) (ImportReport, error) {
	const op = "import layer"
	var errs []error
	if !slices.Contains(LayerKinds, spec.Kind) {
		errs = append(errs, FieldError("kind", "unknown layer kind %q (want %s)", spec.Kind, strings.Join(LayerKinds, ", ")))
	}
	if strings.TrimSpace(spec.Name) == "" {
		errs = append(errs, FieldError("name", "layer name is required"))
	} else if err := CheckLine("name", spec.Name, MaxNameChars); err != nil {
		// Checked here, not only by the store, because every error of the
		// import below quotes the name.
		errs = append(errs, err)
	}
	switch {
	case spec.Category != "" && spec.CategoryField != "":
		errs = append(errs, FieldError("category", "give category or category_field, not both"))
	case spec.Category == "" && spec.CategoryField == "":
		errs = append(errs, FieldError("category", "give category (one for every feature) or category_field"))
	case spec.Category != "" && !s.book.KnownCategory(spec.Kind, spec.Category):
		errs = append(errs, FieldError("category", "unknown category code %q for layer kind %q", spec.Category, spec.Kind))
	}
	keys := make([]string, 0, len(spec.CategoryMap))
	for k := range spec.CategoryMap {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if c := spec.CategoryMap[k]; !s.book.KnownCategory(spec.Kind, c) {
			errs = append(errs, FieldError("category_map", "%q maps to unknown category code %q for layer kind %q", k, c, spec.Kind))
		}
	}
	if spec.SRID < 0 || spec.SRID > math.MaxInt32 {
		errs = append(errs, FieldError("srid", "SRID %d is not an EPSG code", spec.SRID))
	}
	if len(errs) > 0 {
		return ImportReport{}, &Error{Op: op, Kind: Invalid, Err: errors.Join(errs...)}
	}
	rep, err := s.layers.ImportLayer(ctx, spec, r, progress)
	if err != nil {
		return ImportReport{}, fmt.Errorf("%s %q: %w", op, spec.Name, err)
	}
	return rep, nil
}
