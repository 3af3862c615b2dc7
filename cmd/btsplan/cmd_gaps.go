package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"btsplan/planning"
)

const gapsSynopsis = `gaps (--admin-unit CODE | --bbox W,S,E,N) [--carrier MNC]... [--threshold-dbm X]
       [--reliability T,L] [--fresh] [--out-villages F.geojson] [--out-gaps F.geojson]

Queues a gap analysis of the existing networks (POST /v1/gap-analyses, in-process),
waits for it and prints its JSON summary: per carrier the villages covered, lõm sóng
and trắng sóng, the total and partial not-spots, the people in them and the gap km²,
and under "official" how the prediction stands against the latest official gap list
(import gap-list): agreements and disagreements. A prediction is not a measurement.
While it waits the command works the job queue itself (one worker), so no server is
needed; a running serve or worker may take the job instead. A progress bar shows on a
terminal. --out-villages and --out-gaps write the map layers as GeoJSON.`

// carrierList is the repeatable --carrier flag.
type carrierList []string

func (l *carrierList) String() string { return strings.Join(*l, ",") }

func (l *carrierList) Set(v string) error {
	*l = append(*l, strings.TrimSpace(v))
	return nil
}

// gapsFlagOf names the flag behind a JSON pointer of the request.
func gapsFlagOf(pointer string) string {
	for _, m := range []struct{ prefix, flag string }{
		{"/admin_unit", "--admin-unit"}, {"/bbox", "--bbox"}, {"/carriers", "--carrier"},
		{"/threshold_dbm", "--threshold-dbm"}, {"/reliability", "--reliability"},
	} {
		if pointer == m.prefix || strings.HasPrefix(pointer, m.prefix+"/") {
			return m.flag
		}
	}
	return ""
}

// gapsRequest builds the body of POST /v1/gap-analyses from the flags.
// Errors name the flag.
func gapsRequest(adminUnit, bbox string, carriers []string, threshold, reliability string) (map[string]any, error) {
	req := map[string]any{}
	if err := areaFlags(req, adminUnit, bbox, "analyse"); err != nil {
		return nil, err
	}
	if len(carriers) > 0 {
		req["carriers"] = carriers
	}
	if threshold != "" {
		v, err := strconv.ParseFloat(strings.TrimSpace(threshold), 64)
		if err != nil {
			return nil, fmt.Errorf("--threshold-dbm %q: not a number", threshold)
		}
		req["threshold_dbm"] = v
	}
	if reliability != "" {
		nums, err := numbers("--reliability", reliability, "time,location percentages", 2)
		if err != nil {
			return nil, err
		}
		req["reliability"] = map[string]float64{"time_pct": nums[0], "location_pct": nums[1]}
	}
	return req, nil
}

// areaFlags puts the area of --admin-unit or --bbox (exactly one) into
// req as admin_unit or bbox; verb says what is done to the area.
func areaFlags(req map[string]any, adminUnit, bbox, verb string) error {
	switch {
	case adminUnit == "" && bbox == "":
		return fmt.Errorf("--admin-unit or --bbox: give the area to %s", verb)
	case adminUnit != "" && bbox != "":
		return errors.New("--admin-unit and --bbox: give one area, not both")
	case adminUnit != "":
		req["admin_unit"] = adminUnit
	default:
		nums, err := numbers("--bbox", bbox, "W,S,E,N", 4)
		if err != nil {
			return err
		}
		req["bbox"] = nums
	}
	return nil
}

// numbers parses n comma-separated numbers of flag name.
func numbers(name, s, want string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("%s %q: want %s", name, s, want)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %q is not a number (want %s)", name, s, p, want)
		}
		out[i] = v
	}
	return out, nil
}

// flagProblem turns the API's problem into an error naming the flag that
// flagOf gives for each member (the member itself when none).
func flagProblem(status int, body []byte, flagOf func(pointer string) string) error {
	var p struct {
		Detail string `json:"detail"`
		Errors []struct {
			Field  string `json:"field"`
			Reason string `json:"reason"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &p) == nil && len(p.Errors) > 0 {
		var msgs []string
		for _, e := range p.Errors {
			name := flagOf(e.Field)
			if name == "" {
				name = e.Field
			}
			msgs = append(msgs, name+": "+e.Reason)
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	return problemError(status, body)
}

// gapState is what the command reads of GET /v1/gap-analyses/{id}.
type gapState struct {
	ID       int64           `json:"id"`
	State    string          `json:"state"`
	Error    string          `json:"error"`
	Params   json.RawMessage `json:"params"`
	Counts   json.RawMessage `json:"counts"`
	Official json.RawMessage `json:"official"`
	Progress struct {
		Done  int `json:"done"`
		Total int `json:"total"`
	} `json:"progress"`
	Links struct {
		Self            string `json:"self"`
		VillagesGeoJSON string `json:"villages_geojson"`
		GapsGeoJSON     string `json:"gaps_geojson"`
	} `json:"links"`
}

// gapsSummary is what the command prints.
type gapsSummary struct {
	ID        int64             `json:"id"`
	State     string            `json:"state"`
	Params    json.RawMessage   `json:"params"`
	Counts    json.RawMessage   `json:"counts"`
	ElapsedMS int64             `json:"elapsed_ms"`
	Files     map[string]string `json:"files,omitempty"`
	// Official compares the villages with the latest official gap list
	// (its disagreements, and a note that a prediction is not a
	// measurement).
	Official json.RawMessage `json:"official,omitempty"`
}

// cmdGaps is "btsplan gaps".
func cmdGaps(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("gaps", gapsSynopsis, env.stderr)
	adminUnit := fs.String("admin-unit", "", "admin unit `CODE` to analyse (any level)")
	bbox := fs.String("bbox", "", "area to analyse, `W,S,E,N` in degrees (EPSG:4326)")
	var carriers carrierList
	fs.Var(&carriers, "carrier", "carrier `MNC` such as 452-04; repeatable (default every carrier with sites in the area)")
	threshold := fs.String("threshold-dbm", "", "coverage threshold, dBm of each technology's metric (default the radio defaults' per technology)")
	reliability := fs.String("reliability", "", "ITM `T,L`: time and location percentages (default the radio defaults')")
	fresh := fs.Bool("fresh", false, "recompute every site and village instead of starting from the latest done analysis of the same area, carriers and tunables")
	outVillages := fs.String("out-villages", "", "write the villages with their status as GeoJSON here")
	outGaps := fs.String("out-gaps", "", "write the gap polygons as GeoJSON here")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("gaps: unexpected arguments %v", fs.Args())
	}
	req, err := gapsRequest(*adminUnit, *bbox, carriers, *threshold, *reliability)
	if err != nil {
		return err
	}
	if *fresh {
		req["fresh"] = true
	}
	t0 := time.Now()
	var st gapState
	h, done, err := queueJob(ctx, env, "/v1/gap-analyses", req, gapsFlagOf, &st)
	if err != nil {
		return err
	}
	defer done()
	if st, err = waitGaps(ctx, env, h, st); err != nil {
		return err
	}
	files := map[string]string{}
	for _, o := range []struct{ path, target, key string }{
		{*outVillages, st.Links.VillagesGeoJSON, "villages"}, {*outGaps, st.Links.GapsGeoJSON, "gaps"},
	} {
		if o.path == "" {
			continue
		}
		var buf bytes.Buffer
		if err := get(ctx, h, o.target, &buf); err != nil {
			return fmt.Errorf("gap analysis %d: %s: %w", st.ID, o.key, err)
		}
		if err := os.WriteFile(o.path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--out-%s: %w", o.key, err)
		}
		files[o.key] = o.path
	}
	out := gapsSummary{ID: st.ID, State: st.State, Params: st.Params, Counts: st.Counts,
		ElapsedMS: time.Since(t0).Milliseconds(), Files: files, Official: st.Official}
	enc := json.NewEncoder(env.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// waitGaps polls the analysis until it ends, drawing its progress on a
// terminal; an analysis that failed or was cancelled is an error giving
// its reason.
func waitGaps(ctx context.Context, env *environment, h http.Handler, st gapState) (gapState, error) {
	return waitJobResource(ctx, env, h, "gap analysis", "coverages", st)
}

// queueJob posts req (as JSON) to path in-process, reads the 202's
// resource into st and starts one worker on the queue, so that the
// command needs no server while it waits (a running serve or worker may
// take the job instead). done stops the worker and closes the app. A
// problem is an error naming the flag flagOf gives for each member.
func queueJob(ctx context.Context, env *environment, path string, req any, flagOf func(string) string, st any) (h http.Handler, done func(), err error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, nil, err
	}
	a, err := loadApp(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	if h, err = a.inProcess(env); err != nil {
		a.close()
		return nil, nil, err
	}
	status, resp := post(ctx, h, path, body)
	if status != http.StatusAccepted {
		a.close()
		return nil, nil, flagProblem(status, resp, flagOf)
	}
	if err := json.Unmarshal(resp, st); err != nil {
		a.close()
		return nil, nil, err
	}
	stop, err := a.startWorkers(ctx, 1)
	if err != nil {
		a.close()
		return nil, nil, err
	}
	return h, func() { stop(); a.close() }, nil
}

// view is what waitJobResource reads of a job's resource.
func (st gapState) view() jobView {
	return jobView{ID: st.ID, State: st.State, Error: st.Error, Self: st.Links.Self, Done: st.Progress.Done, Total: st.Progress.Total}
}

// jobView is where a resource computed by a job (a gap analysis, a site
// search) stands.
type jobView struct {
	ID           int64
	State, Error string
	Self         string
	Done, Total  int
}

// waitJobResource polls the resource st (what, such as "gap analysis")
// until its job ends, drawing its progress (in units) on a terminal; one
// that failed or was cancelled is an error giving its reason.
func waitJobResource[T interface{ view() jobView }](ctx context.Context, env *environment, h http.Handler, what, units string, st T) (T, error) {
	v := st.view()
	bar := newProgress(env.stderr, fmt.Sprintf("%s %d", what, v.ID), 0)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		v = st.view()
		switch v.State {
		case string(planning.JobDone):
			bar.finish(int64(v.Total), "done")
			return st, nil
		case string(planning.JobFailed), string(planning.JobCancelled):
			bar.finish(int64(v.Done), v.State)
			return st, fmt.Errorf("%s %d %s: %s", what, v.ID, v.State, v.Error)
		}
		bar.total = int64(v.Total)
		bar.update(int64(v.Done), fmt.Sprintf("%s %d/%d %s", v.State, v.Done, v.Total, units))
		select {
		case <-ctx.Done():
			bar.finish(int64(v.Done), "interrupted")
			return st, fmt.Errorf("%s %d: stopped waiting (%w); it stays queued: GET %s", what, v.ID, ctx.Err(), v.Self)
		case <-tick.C:
		}
		var buf bytes.Buffer
		if err := get(ctx, h, v.Self, &buf); err != nil {
			return st, fmt.Errorf("%s %d: %w", what, v.ID, err)
		}
		var next T
		if err := json.Unmarshal(buf.Bytes(), &next); err != nil {
			return st, fmt.Errorf("%s %d: %w", what, v.ID, err)
		}
		st = next
	}
}
