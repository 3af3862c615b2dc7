package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"btsplan/planning"
)

// coverageService returns the configured coverage service, or an
// Unavailable error when cmd gave none (no DEM store).
func (s *server) coverageService() (*planning.CoverageService, error) {
	if s.cfg.Coverage == nil {
		return nil, &planning.Error{Kind: planning.Unavailable, Err: errors.New("coverage is not configured on this server")}
	}
	return s.cfg.Coverage, nil
}

// handleComputeCoverage serves POST /v1/coverage: the coverage of the
// site in the body, from the cache when the same inputs were computed on
// the same DEM, else computed now (201).
func (s *server) handleComputeCoverage() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.coverageService()
		if err != nil {
			return err
		}
		var in coverageRequest
		if err := readStrictJSON(c, s.cfg.MaxBodyBytes, &in); err != nil {
			return err
		}
		site, opts, err := in.params(svc.RadioDefaults(""))
		if err != nil {
			return err
		}
		cov, err := svc.Compute(c.Request.Context(), site, opts, nil)
		if err != nil {
			return wireCoverageError(c, err)
		}
		out := newCoverageOut(cov, 0)
		status := http.StatusOK
		if !cov.Cached {
			status = http.StatusCreated
		}
		c.Header("Location", out.Links.Self)
		writeJSON(c, status, contentTypeJSON, out)
		return nil
	}
}

// coverageID reads the :id parameter of /v1/coverage/{id}[.ext] and
// returns the ID and the extension ("" for the JSON result).
func coverageID(c *gin.Context) (int64, string, error) {
	base, ext, _ := strings.Cut(c.Param("id"), ".")
	id, err := parseID("id", "coverage id", base)
	if err != nil {
		return 0, "", err
	}
	return id, ext, nil
}

// handleCoverage serves GET /v1/coverage/{id} (the result as JSON) and,
// since gin cannot route a parameter followed by a suffix, also
// {id}.geojson, {id}.tif and {id}.png.
func (s *server) handleCoverage() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.coverageService()
		if err != nil {
			return err
		}
		id, ext, err := coverageID(c)
		if err != nil {
			return err
		}
		ctx := c.Request.Context()
		switch ext {
		case "":
			cov, err := svc.Coverage(ctx, id)
			if err != nil {
				return err
			}
			writeJSON(c, http.StatusOK, contentTypeJSON, newCoverageOut(cov, 0))
			return nil
		case "geojson":
			cov, err := svc.Coverage(ctx, id)
			if err != nil {
				return err
			}
			writeJSON(c, http.StatusOK, contentTypeGeoJSON, CoverageFeatureCollection(cov))
			return nil
		case "tif":
			return s.serveCoverageFile(c, svc, id, planning.CoverageGeoTIFF, "image/tiff")
		case "png":
			return s.serveCoverageFile(c, svc, id, planning.CoveragePNG, "image/png")
		}
		return &planning.Error{Kind: planning.NotFound, Err: fmt.Errorf("no coverage format %s: use .geojson, .tif or .png", echo(ext))}
	}
}

// handleCoverageLegend serves GET /v1/coverage/{id}/legend.png.
func (s *server) handleCoverageLegend() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.coverageService()
		if err != nil {
			return err
		}
		id, ext, err := coverageID(c)
		if err != nil {
			return err
		}
		if ext != "" {
			return malformed("id", "coverage id %s: want a positive integer", echo(c.Param("id")))
		}
		return s.serveCoverageFile(c, svc, id, planning.CoverageLegend, "image/png")
	}
}

func (s *server) serveCoverageFile(c *gin.Context, svc *planning.CoverageService, id int64, f planning.CoverageFile, contentType string) error {
	cov, rc, err := svc.OpenFile(c.Request.Context(), id, f)
	if err != nil {
		return err
	}
	defer rc.Close()
	name := fmt.Sprintf("coverage-%d.%s", id, f)
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	// A coverage never changes: its ID names one input hash.
	c.Header("Cache-Control", "public, max-age=86400, immutable")
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(c.Writer, c.Request, name, cov.CreatedAt, rs)
		return nil
	}
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, rc); err != nil {
		s.log.WarnContext(c.Request.Context(), "coverage file cut short", "request_id", requestID(c), "coverage", id, "err", err)
	}
	return nil
}

// handleProposalCoverage serves GET /v1/proposals/{id}/coverage: the
// coverage of the proposal's latest assessment, computed on the first
// request (see planning.ProposalCoverageParams for its defaults).
func (s *server) handleProposalCoverage() handlerFunc {
	return func(c *gin.Context) error {
		svc, err := s.coverageService()
		if err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		cov, err := svc.ProposalCoverage(c.Request.Context(), id, nil)
		if err != nil {
			var busy *planning.BusyError
			if errors.As(err, &busy) {
				return wireCoverageError(c, err)
			}
			return err
		}
		writeJSON(c, http.StatusOK, contentTypeJSON, newCoverageOut(cov, id))
		return nil
	}
}

// addCoverageProperties sets coverage_km2 and coverage (the link to the
// coverage's GeoJSON) on the features of proposals that have a stored
// coverage. fs[i] is the feature of ps[i].
func (s *server) addCoverageProperties(ctx context.Context, fs []*geojson.Feature, ps []planning.Proposal) error {
	if s.cfg.Coverage == nil || len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	m, err := s.cfg.Coverage.ProposalCoverages(ctx, ids)
	if err != nil {
		return err
	}
	for i, p := range ps {
		c, ok := m[p.ID]
		if !ok {
			continue
		}
		l := newCoverageLinks(c.ID, p.ID)
		fs[i].Properties["coverage_km2"] = round3(c.AreaKm2)
		fs[i].Properties["coverage"] = l.GeoJSON
		fs[i].Properties["coverage_png"] = l.PNG
	}
	return nil
}
