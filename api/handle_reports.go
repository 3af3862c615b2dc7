package api

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"btsplan/geo"
	"btsplan/planning"
)

//go:embed templates/*.html.tmpl
var templateFS embed.FS

// parseReportTemplate parses the HTML report. It runs once per handler; the
// template is embedded, so an error is a bug that the tests catch.
func parseReportTemplate() (*template.Template, error) {
	return parsePage("report.html.tmpl")
}

// parsePage parses the page template name with the site map it shares
// (templates/sitemap.html.tmpl) and the map's functions.
func parsePage(name string) (*template.Template, error) {
	return template.New(name).Funcs(template.FuncMap{
		"px":  fmtPx,
		"add": func(a, b float64) float64 { return a + b },
	}).ParseFS(templateFS, "templates/"+name, "templates/sitemap.html.tmpl")
}

// orgOut is an organization on the wire.
type orgOut struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// reportOut is the JSON report: everything the HTML report shows.
type reportOut struct {
	Proposal       *geojson.Feature `json:"proposal"`
	Assessment     assessmentOut    `json:"assessment"`
	Carrier        orgOut           `json:"carrier"`
	Authorities    []orgOut         `json:"authorities"`
	RuleSetVersion string           `json:"rule_set_version"`
	LayerVersions  map[string]int   `json:"layer_versions"`
	GeneratedAt    time.Time        `json:"generated_at"`
	Lang           string           `json:"lang"`
	// Coverage is the proposal's coverage when it has been computed
	// (GET /v1/proposals/{id}/coverage computes it).
	Coverage *coverageSummaryOut `json:"coverage,omitempty"`
	// EarlierAssessments are the assessments the latest one replaced
	// (such as the zoning-only one before the re-evaluation with the gap
	// fill), newest first; they are kept, never rewritten.
	EarlierAssessments []assessmentRefOut `json:"earlier_assessments"`
}

// assessmentRefOut names one earlier assessment of a proposal.
type assessmentRefOut struct {
	ID             int64     `json:"id"`
	Revision       int       `json:"revision"`
	Verdict        string    `json:"verdict"`
	Basis          string    `json:"basis"`
	RuleSetVersion string    `json:"rule_set_version"`
	CreatedAt      time.Time `json:"created_at"`
}

// earlierAssessments lists the assessments of r other than the latest.
func earlierAssessments(r report) []assessmentRefOut {
	out := []assessmentRefOut{}
	for _, a := range r.history {
		if a.ID == r.assessment.ID {
			continue
		}
		basis := a.Basis
		if basis == "" {
			basis = planning.BasisZoning
		}
		out = append(out, assessmentRefOut{ID: a.ID, Revision: a.Revision, Verdict: string(a.Verdict), Basis: basis,
			RuleSetVersion: a.RuleSetVersion, CreatedAt: a.CreatedAt.UTC()})
	}
	return out
}

// report is what both forms of the report are made from.
type report struct {
	proposal    planning.Proposal
	assessment  planning.Assessment
	carrier     orgOut
	authorities []orgOut // the authorities named by the findings, in order
	generatedAt time.Time
	coverage    *planning.Coverage    // nil when not computed
	gapFill     *planning.GapFill     // nil when not computed (or no gap fill service)
	history     []planning.Assessment // every assessment, newest first
}

// loadReport reads a proposal, its assessment and the names of the
// organizations the report mentions.
func (s *server) loadReport(ctx context.Context, id int64) (report, error) {
	p, err := s.svc.Proposal(ctx, id)
	if err != nil {
		return report{}, notFound(err, "proposal %d", id)
	}
	a, err := s.svc.Assessment(ctx, id)
	if err != nil {
		return report{}, notFound(err, "assessment of proposal %d", id)
	}
	r := report{proposal: p, assessment: a, generatedAt: s.now().UTC()}
	if r.history, err = s.svc.Assessments(ctx, id); err != nil {
		return report{}, err
	}
	if r.carrier, err = s.orgName(ctx, p.Site.Carrier); err != nil {
		return report{}, err
	}
	seen := map[string]bool{}
	for _, f := range a.Findings {
		if f.Authority == "" || seen[f.Authority] {
			continue
		}
		seen[f.Authority] = true
		o, err := s.orgName(ctx, f.Authority)
		if err != nil {
			return report{}, err
		}
		r.authorities = append(r.authorities, o)
	}
	if r.coverage, err = s.storedCoverage(ctx, id); err != nil {
		return report{}, err
	}
	if s.cfg.GapFill != nil {
		g, ok, err := s.cfg.GapFill.Stored(ctx, a.ID)
		if err != nil {
			return report{}, err
		}
		if ok {
			r.gapFill = &g
		}
	}
	return r, nil
}

// orgName looks an organization up in Config.Orgs. An unknown code, or no
// store configured, gives the code as the name: the report still prints.
func (s *server) orgName(ctx context.Context, code string) (orgOut, error) {
	if s.cfg.Orgs == nil {
		return orgOut{Code: code, Name: code}, nil
	}
	o, err := s.cfg.Orgs.Organization(ctx, code)
	switch {
	case planning.KindOf(err) == planning.NotFound:
		return orgOut{Code: code, Name: code}, nil
	case err != nil:
		return orgOut{}, fmt.Errorf("organization %q: %w", code, err)
	}
	return orgOut{Code: o.Code, Name: o.Name}, nil
}

// handleReportJSON serves GET /v1/proposals/{id}/report.
func (s *server) handleReportJSON() handlerFunc {
	return func(c *gin.Context) error {
		l, id, err := langAndID(c)
		if err != nil {
			return err
		}
		r, err := s.loadReport(c.Request.Context(), id)
		if err != nil {
			return err
		}
		out := reportOut{
			Proposal:       proposalFeature(r.proposal),
			Assessment:     newAssessmentOut(r.assessment, l),
			Carrier:        r.carrier,
			Authorities:    r.authorities,
			RuleSetVersion: r.assessment.RuleSetVersion,
			LayerVersions:  newAssessmentOut(r.assessment, l).LayerVersions,
			GeneratedAt:    r.generatedAt,
			Lang:           string(l),
		}
		out.EarlierAssessments = earlierAssessments(r)
		if out.Authorities == nil {
			out.Authorities = []orgOut{}
		}
		if r.coverage != nil {
			out.Coverage = newCoverageSummaryOut(*r.coverage, id)
		}
		if r.gapFill != nil {
			gf := newGapFillOut(*r.gapFill)
			out.Assessment.GapFill = &gf
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, out)
		return nil
	}
}

// handleReportHTML serves GET /v1/proposals/{id}/report.html: a printable
// A4 page with the map drawn as inline SVG. It needs no script and loads
// nothing, so it works offline and prints as it shows.
func (s *server) handleReportHTML() handlerFunc {
	return func(c *gin.Context) error {
		l, id, err := langAndID(c)
		if err != nil {
			return err
		}
		if s.reportErr != nil {
			return fmt.Errorf("report template: %w", s.reportErr)
		}
		r, err := s.loadReport(c.Request.Context(), id)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		v := newReportView(r, l)
		if s.cfg.Coverage != nil {
			v.Coverage = newCoverageView(r.coverage, id, l)
		}
		if s.cfg.GapFill != nil {
			v.GapFill = newGapFillView(r.gapFill, l)
		}
		if err := s.reportTmpl.Execute(&buf, v); err != nil {
			return fmt.Errorf("render report of proposal %d: %w", id, err)
		}
		c.Header("Content-Language", string(l))
		c.Data(http.StatusOK, contentTypeHTML, buf.Bytes())
		return nil
	}
}

// reportView is the HTML template's data.
type reportView struct {
	Lang, OtherLang             string
	L                           reportLabels
	ProposalID                  int64
	Revision                    int
	GeneratedAt                 string
	JSONLink, FindingsLink      string
	Verdict, VerdictText        string
	Site                        planning.Site
	Carrier                     orgOut
	Coordinates                 string
	HeightM                     string
	FootprintArea               string
	Antennas                    []string
	AdminUnit, Province, Status string
	SubmittedAt                 string
	Map                         siteMap
	FallZoneCaption             string
	Findings                    []findingView
	RuleSetVersion              string
	LayerVersions               []layerVersion
	Authorities                 []orgOut
	Coverage                    *coverageView // nil when no coverage service is configured
	GapFill                     *gapFillView  // nil when no gap fill service is configured
	History                     historyView
}

type findingView struct {
	Number                                int
	RuleID, Severity, SeverityText        string
	Layer                                 string
	LayerVersion                          int
	FeatureID                             int64
	FeatureName, Category                 string
	DistanceM, OverlapM2, LimitM, ExcessM string
	Authority, LegalBasis, Message        string
}

func newReportView(r report, l lang) reportView {
	t := reportText[l]
	p, a := r.proposal, r.assessment
	other := langEN
	if l == langEN {
		other = langVI
	}
	links := newProposalLinks(p.ID)
	v := reportView{
		Lang:            string(l),
		OtherLang:       string(other),
		L:               t,
		ProposalID:      p.ID,
		Revision:        p.Revision,
		GeneratedAt:     r.generatedAt.Format("2006-01-02 15:04 UTC"),
		JSONLink:        links.Report + "?lang=" + string(l),
		FindingsLink:    links.Findings + "?lang=" + string(l),
		Verdict:         string(a.Verdict),
		VerdictText:     t.verdict(a.Verdict),
		Site:            p.Site,
		Carrier:         r.carrier,
		Coordinates:     fmt.Sprintf("%.6f, %.6f", p.Site.Location[0], p.Site.Location[1]),
		HeightM:         formatMeasure(p.Site.HeightM, l),
		AdminUnit:       p.AdminUnit,
		Province:        p.Province,
		Status:          t.status(p.Status),
		SubmittedAt:     p.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"),
		FallZoneCaption: t.FallZone,
		RuleSetVersion:  a.RuleSetVersion,
		LayerVersions:   sortedLayerVersions(a.LayerVersions),
	}
	if len(p.Site.Footprint) > 0 {
		v.FootprintArea = formatMeasure(footprintAreaM2(p.Site.Footprint), l)
	}
	for _, an := range p.Site.Antennas {
		v.Antennas = append(v.Antennas, fmt.Sprintf("%s %s MHz, %s°, %s° tilt, %s dBm",
			an.Technology, formatMeasure(an.BandMHz, l), formatMeasure(an.AzimuthDeg, l),
			formatMeasure(an.TiltDeg, l), formatMeasure(an.EIRPdBm, l)))
	}
	var features []mapFeature
	for i, f := range a.Findings {
		n := i + 1
		v.Findings = append(v.Findings, findingView{
			Number:       n,
			RuleID:       f.RuleID,
			Severity:     string(f.Severity),
			SeverityText: t.severity(f.Severity),
			Layer:        f.Layer,
			LayerVersion: f.LayerVersion,
			FeatureID:    f.FeatureID,
			FeatureName:  f.FeatureName,
			Category:     f.Category,
			DistanceM:    formatMeasure(f.DistanceM, l),
			OverlapM2:    formatMeasure(f.OverlapM2, l),
			LimitM:       formatMeasure(f.LimitM, l),
			ExcessM:      formatMeasure(f.ExcessM, l),
			Authority:    f.Authority,
			LegalBasis:   f.LegalBasis,
			Message:      l.pick(f.Message),
		})
		if f.Geometry != nil && f.Severity != planning.SeverityInfo {
			features = append(features, mapFeature{Number: n, Label: f.FeatureName, Severity: f.Severity, Geometry: f.Geometry})
		}
	}
	v.Map = drawSiteMap(p.Site, p.Site.HeightM, features)
	v.Authorities = append([]orgOut{{Name: t.ReviewingAuthority}}, r.authorities...)
	v.History = newHistoryView(r, l)
	return v
}

// formatMeasure writes a measure with at most two decimals, in the
// language's convention (Vietnamese uses a decimal comma).
func formatMeasure(v float64, l lang) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(round2(v), 'f', -1, 64)
	if l == langVI {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// footprintAreaM2 is the footprint's area in square metres, on the local
// plane around its first point (footprints are tens of metres across).
func footprintAreaM2(fp orb.Polygon) float64 {
	if len(fp) == 0 || len(fp[0]) == 0 {
		return 0
	}
	origin := fp[0][0]
	lonM, latM := geo.MetresPerDegree(origin[1])
	local := projectGeometry(orb.Clone(fp), func(pt orb.Point) orb.Point {
		return orb.Point{(pt[0] - origin[0]) * lonM, (pt[1] - origin[1]) * latM}
	})
	return planar.Area(local)
}
