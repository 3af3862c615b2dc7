package api

import (
	"bufio"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"btsplan/planning"
)

// The official gap list: POST /v1/gap-lists imports a CSV (province,
// commune, village, status, date) as the next version of the list; the
// gap-analysis routes then show each village's official status beside the
// prediction.

// gapListParams are the query parameters of POST /v1/gap-lists.
var gapListParams = []string{"source", "allow_unmatched"}

// maxGapListBytes bounds a list's body: the national list has some
// hundreds of rows, a province's every village some thousands.
const maxGapListBytes = 16 << 20

// handleImportGapList serves POST /v1/gap-lists?allow_unmatched=…&source=…
// with a text/csv body. One import, one transaction: a bad line (CSV, an
// unknown province or commune, and unless allow_unmatched a village that
// matches nothing or several) is a 422 problem naming it, and nothing is
// stored.
func (s *server) handleImportGapList() handlerFunc {
	return func(c *gin.Context) error {
		if s.cfg.GapLists == nil {
			return &planning.Error{Kind: planning.Unavailable, Err: errors.New("the official gap list is not configured")}
		}
		q := c.Request.URL.Query()
		errs := unknownParams(q, gapListParams...)
		source, err := queryParam(q, "source", planning.MaxNameChars)
		if err != nil {
			errs = append(errs, err)
		}
		allow, err := queryParam(q, "allow_unmatched", 5)
		var spec planning.GapListSpec
		switch {
		case err != nil:
			errs = append(errs, err)
		case allow != "":
			b, perr := strconv.ParseBool(allow)
			if perr != nil {
				errs = append(errs, malformed("allow_unmatched", "%q is not true or false", allow))
			}
			spec.AllowUnmatched = b
		}
		if len(errs) > 0 {
			return &planning.Error{Op: "import gap list", Kind: planning.Invalid, Err: errors.Join(errs...)}
		}
		spec.Source = source
		if err := checkCSVContentType(c, "a gap list"); err != nil {
			return err
		}
		limit := min(s.cfg.MaxLayerBytes, maxGapListBytes)
		if c.Request.ContentLength > limit {
			return tooLarge(limit)
		}
		body := &limitedBody{r: http.MaxBytesReader(c.Writer, c.Request.Body, limit)}
		l, err := s.cfg.GapLists.Import(c.Request.Context(), spec, bufio.NewReader(body))
		switch {
		case body.over:
			return tooLarge(limit)
		case err != nil:
			return err
		}
		writeJSON(c, http.StatusCreated, contentTypeJSON, newGapListOut(l))
		return nil
	}
}

// checkCSVContentType accepts text/csv and what tools send a file as
// (text/plain, application/octet-stream, curl's form default), or none;
// what names the import in the 415's message.
func checkCSVContentType(c *gin.Context, what string) error {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return malformed("Content-Type", "invalid Content-Type %q", ct)
	}
	switch mt {
	case "text/csv", "application/csv", "text/plain", "application/octet-stream", "application/x-www-form-urlencoded":
		return nil
	}
	return &httpError{status: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("Content-Type %q: %s is text/csv", mt, what)}
}

// gapListOut is the body of 201 after an import.
type gapListOut struct {
	ID         int64        `json:"id"`
	Version    int          `json:"version"`
	Source     string       `json:"source"`
	Rows       int          `json:"rows"`
	Matched    int          `json:"matched"`
	Unmatched  []skippedOut `json:"unmatched"`
	ImportedAt time.Time    `json:"imported_at"`
	Note       string       `json:"note"`
}

func newGapListOut(l planning.GapList) gapListOut {
	out := gapListOut{ID: l.ID, Version: l.Version, Source: l.Source, Rows: l.Rows, Matched: len(l.Entries),
		Unmatched: make([]skippedOut, 0, len(l.Unmatched)), ImportedAt: l.ImportedAt.UTC(),
		Note: "the latest version of the list applies: every gap analysis now compares its villages with this one"}
	for _, p := range l.Unmatched {
		out.Unmatched = append(out.Unmatched, skippedOut(p))
	}
	return out
}

// officialOut is what the official list says of one village.
type officialOut struct {
	Status      string `json:"status"`
	Date        string `json:"date"`
	ListVersion int    `json:"list_version"`
	Line        int    `json:"line"`
	Name        string `json:"name"` // as the list writes it
}

func newOfficialOut(o *planning.OfficialStatus) *officialOut {
	if o == nil {
		return nil
	}
	return &officialOut{Status: string(o.Status), Date: o.Date.Format(time.DateOnly), ListVersion: o.ListVersion, Line: o.Line, Name: o.Name}
}

// officialCountsOut sums up an analysis against the official list.
type officialCountsOut struct {
	ListVersion                 *int   `json:"list_version"` // null when no list is imported
	Listed                      int    `json:"listed"`
	Agrees                      int    `json:"agrees"`
	Disagreements               int    `json:"disagreements"`
	PredictedCoveredOfficialGap int    `json:"predicted_covered_official_gap"`
	PredictedGapOfficialCovered int    `json:"predicted_gap_official_covered"`
	NotListed                   int    `json:"not_listed"`
	NotListedPredictedGap       int    `json:"not_listed_predicted_gap"`
	Note                        string `json:"note"`
}

func newOfficialCountsOut(c planning.OfficialComparison) *officialCountsOut {
	out := &officialCountsOut{Listed: c.Listed, Agrees: c.Agrees, Disagreements: c.Disagreements,
		PredictedCoveredOfficialGap: c.PredictedCoveredOfficialGap, PredictedGapOfficialCovered: c.PredictedGapOfficialCovered,
		NotListed: c.NotListed, NotListedPredictedGap: c.NotListedPredictedGap, Note: planning.PredictionNote}
	if c.ListVersion > 0 {
		v := c.ListVersion
		out.ListVersion = &v
	} else {
		out.Note = "no official gap list is imported (btsplan import gap-list): nothing to compare with. " + planning.PredictionNote
	}
	return out
}

// comparedVillages returns the villages of done analysis id and their
// comparison with the latest official list; without a configured list
// service it compares them with none.
func (s *server) comparedVillages(c *gin.Context, svc *planning.GapService, id int64) (planning.GapAnalysis, []planning.GapVillage, planning.OfficialComparison, error) {
	a, vs, err := svc.Villages(c.Request.Context(), id)
	if err != nil {
		return a, nil, planning.OfficialComparison{}, err
	}
	if s.cfg.GapLists == nil {
		return a, vs, planning.CompareOfficial(vs, nil, 0), nil
	}
	cmp, err := s.cfg.GapLists.CompareWithList(c.Request.Context(), vs)
	return a, vs, cmp, err
}
