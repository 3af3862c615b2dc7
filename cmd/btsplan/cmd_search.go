package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

const searchSynopsis = `search (--admin-unit CODE | --bbox W,S,E,N) --carrier MNC [--n N] [--height-m H]
       [--structure CLASS] [--out F.geojson]

Queues a best-site search (POST /v1/site-searches, in-process): up to N locations
(default 5) where the carrier's masts, H m high (default 30), would together cover
the most people in the villages it leaves without signal, every one passing zoning
(no CONFLICT; CONDITIONAL findings listed). Candidates are existing towers tall
enough to share, DEM peaks and ridges, and points beside roads and power lines;
each is judged by ITM point to point to each village, then chosen by greedy
maximum coverage, which covers at least (1 − 1/e) ≈ 63% of the best choice. It
waits for the search, working the job queue itself (one worker), and prints its
JSON summary. Each location is stored as a draft case of the carrier, which
POST /v1/site-searches/{id}/locations/{rank}/adopt submits. --out writes the
locations as GeoJSON.`

// searchFlagOf names the flag behind a JSON pointer of the request.
func searchFlagOf(pointer string) string {
	for _, m := range []struct{ prefix, flag string }{
		{"/admin_unit", "--admin-unit"}, {"/bbox", "--bbox"}, {"/carrier", "--carrier"},
		{"/n", "--n"}, {"/height_m", "--height-m"}, {"/structure", "--structure"},
	} {
		if pointer == m.prefix || strings.HasPrefix(pointer, m.prefix+"/") {
			return m.flag
		}
	}
	return ""
}

// searchRequest builds the body of POST /v1/site-searches from the
// flags; zero n and height and "" structure are left to the defaults.
// Errors name the flag.
func searchRequest(adminUnit, bbox, carrier string, n int, heightM float64, structure string) (map[string]any, error) {
	req := map[string]any{}
	if err := areaFlags(req, adminUnit, bbox, "search"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(carrier) == "" {
		return nil, errors.New("--carrier: give the carrier's MNC, such as 452-04")
	}
	req["carrier"] = strings.TrimSpace(carrier)
	if n != 0 {
		req["n"] = n
	}
	if heightM != 0 {
		req["height_m"] = heightM
	}
	if structure != "" {
		req["structure"] = structure
	}
	return req, nil
}

// searchState is what the command reads of GET /v1/site-searches/{id}.
type searchState struct {
	ID       int64           `json:"id"`
	State    string          `json:"state"`
	Error    string          `json:"error"`
	Params   json.RawMessage `json:"params"`
	Result   json.RawMessage `json:"result"`
	Method   string          `json:"method"`
	Progress struct {
		Done  int `json:"done"`
		Total int `json:"total"`
	} `json:"progress"`
	Links struct {
		Self             string `json:"self"`
		LocationsGeoJSON string `json:"locations_geojson"`
	} `json:"links"`
}

func (st searchState) view() jobView {
	return jobView{ID: st.ID, State: st.State, Error: st.Error, Self: st.Links.Self, Done: st.Progress.Done, Total: st.Progress.Total}
}

// searchSummary is what the command prints: the search's result and, per
// location, rank, kind, position, people and verdict.
type searchSummary struct {
	ID        int64             `json:"id"`
	State     string            `json:"state"`
	Params    json.RawMessage   `json:"params"`
	Result    json.RawMessage   `json:"result"`
	Locations []searchLine      `json:"locations"`
	Links     map[string]string `json:"links"`
	ElapsedMS int64             `json:"elapsed_ms"`
	File      string            `json:"file,omitempty"`
}

type searchLine struct {
	Rank             int        `json:"rank"`
	SiteCode         string     `json:"site_code"`
	Kind             string     `json:"candidate_kind"`
	Location         [2]float64 `json:"location"`
	MarginalPeople   int        `json:"marginal_people"`
	CumulativePeople int        `json:"cumulative_people"`
	Villages         []string   `json:"villages"`
	Verdict          string     `json:"verdict"`
	Conditions       int        `json:"conditional_findings"`
	Adopt            string     `json:"adopt"`
}

// cmdSearch is "btsplan search".
func cmdSearch(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("search", searchSynopsis, env.stderr)
	adminUnit := fs.String("admin-unit", "", "admin unit `CODE` to search (any level)")
	bbox := fs.String("bbox", "", "area to search, `W,S,E,N` in degrees (EPSG:4326)")
	carrier := fs.String("carrier", "", "the carrier's `MNC`, such as 452-04")
	n := fs.Int("n", 0, "locations wanted, 1..20 (default 5)")
	heightM := fs.Float64("height-m", 0, "structure height in metres (default 30)")
	structure := fs.String("structure", "", "structure class A1a..A2c (default A2b)")
	out := fs.String("out", "", "write the locations as GeoJSON here")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("search: unexpected arguments %v", fs.Args())
	}
	req, err := searchRequest(*adminUnit, *bbox, *carrier, *n, *heightM, *structure)
	if err != nil {
		return err
	}
	t0 := time.Now()
	var st searchState
	h, done, err := queueJob(ctx, env, "/v1/site-searches", req, searchFlagOf, &st)
	if err != nil {
		return err
	}
	defer done()
	if st, err = waitJobResource(ctx, env, h, "site search", "candidates", st); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := get(ctx, h, st.Links.LocationsGeoJSON, &buf); err != nil {
		return fmt.Errorf("site search %d: locations: %w", st.ID, err)
	}
	sum := searchSummary{ID: st.ID, State: st.State, Params: st.Params, Result: st.Result, Locations: []searchLine{},
		Links: map[string]string{"self": st.Links.Self, "locations_geojson": st.Links.LocationsGeoJSON}}
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Rank             int    `json:"rank"`
				SiteCode         string `json:"site_code"`
				Kind             string `json:"candidate_kind"`
				MarginalPeople   int    `json:"marginal_people"`
				CumulativePeople int    `json:"cumulative_people"`
				Villages         []struct {
					Name string `json:"name"`
				} `json:"villages"`
				Verdict    string            `json:"verdict"`
				Conditions []json.RawMessage `json:"conditional_findings"`
				Adopt      string            `json:"adopt"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		return fmt.Errorf("site search %d: locations: %w", st.ID, err)
	}
	for _, f := range fc.Features {
		p := f.Properties
		line := searchLine{Rank: p.Rank, SiteCode: p.SiteCode, Kind: p.Kind, Location: f.Geometry.Coordinates,
			MarginalPeople: p.MarginalPeople, CumulativePeople: p.CumulativePeople, Villages: []string{},
			Verdict: p.Verdict, Conditions: len(p.Conditions), Adopt: p.Adopt}
		for _, v := range p.Villages {
			line.Villages = append(line.Villages, v.Name)
		}
		sum.Locations = append(sum.Locations, line)
	}
	if *out != "" {
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		sum.File = *out
	}
	sum.ElapsedMS = time.Since(t0).Milliseconds()
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}
