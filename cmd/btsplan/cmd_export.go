package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"btsplan/api"
	"btsplan/planning"
)

func cmdExport(ctx context.Context, env *environment, args []string) error {
	usage := func() {
		fmt.Fprintln(env.stderr, "usage: btsplan export proposals|findings|layer [flags] (RFC 7946 GeoJSON, EPSG:4326)")
		fmt.Fprintln(env.stderr, "  proposals [--carrier MNC] [--status S] [--verdict V] [--bbox W,S,E,N] [--admin-unit CODE]")
		fmt.Fprintln(env.stderr, "  findings  --proposal ID     the conflicting parts of zones of a proposal's assessment")
		fmt.Fprintln(env.stderr, "  layer     --name NAME [--version N] [--bbox W,S,E,N]   streamed, any size")
		fmt.Fprintln(env.stderr, "  every kind takes --out FILE (default stdout)")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	what := args[0]
	fs := newFlags("export "+what, "export "+what+" [flags]", env.stderr)
	out := fs.String("out", "", "output file (default stdout)")
	str := func(name, help string) *string { return fs.String(name, "", help) }
	var carrier, status, verdict, bbox, adminUnit, name *string
	var proposal, version *int64
	switch what {
	case "proposals":
		carrier, status, verdict = str("carrier", "carrier code (MNC)"), str("status", "proposal status"), str("verdict", "APPROVE, CONDITIONAL or CONFLICT")
		bbox, adminUnit = str("bbox", "W,S,E,N in degrees"), str("admin-unit", "admin unit code")
	case "findings":
		proposal = fs.Int64("proposal", 0, "proposal id (required)")
	case "layer":
		name, bbox = str("name", "layer name (required)"), str("bbox", "W,S,E,N in degrees")
		version = fs.Int64("version", 0, "layer version (default the current one)")
	default:
		usage()
		return fmt.Errorf("export: unknown kind %q (want proposals, findings or layer)", what)
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return helpOK(err)
	}
	switch what {
	case "findings":
		if *proposal <= 0 {
			return fmt.Errorf("export findings: --proposal ID is required")
		}
	case "layer":
		if *name == "" {
			return fmt.Errorf("export layer: --name is required")
		}
		if *version < 0 || *version > math.MaxInt32 {
			return fmt.Errorf("export layer: --version %d is not a layer version", *version)
		}
	}
	var box *orb.Bound
	if bbox != nil && *bbox != "" {
		b, err := parseBBoxFlag(*bbox)
		if err == nil {
			err = planning.CheckLonLatBBox("bbox", b)
		}
		if err != nil {
			return fmt.Errorf("export %s: --bbox: %w", what, err)
		}
		box = &b
	}
	var f planning.ProposalFilter
	if what == "proposals" {
		f = planning.ProposalFilter{Carrier: *carrier, Status: planning.Status(*status),
			Verdict: planning.Verdict(strings.ToUpper(*verdict)), AdminUnit: *adminUnit, BBox: box}
	}

	a, err := loadApp(ctx, env)
	if err != nil {
		return err
	}
	defer a.close()
	write := func(w io.Writer) error {
		switch what {
		case "proposals":
			return exportProposals(ctx, a, f, w)
		case "findings":
			return exportFindings(ctx, a, *proposal, w)
		}
		return exportLayer(ctx, a, *name, int(*version), box, w)
	}
	if *out != "" {
		// Written to a temporary file and renamed, so a failed export
		// leaves no half file behind.
		file, err := os.CreateTemp(filepath.Dir(*out), ".export-*.geojson")
		if err != nil {
			return err
		}
		defer os.Remove(file.Name())
		defer file.Close()
		if err := write(file); err != nil {
			return err
		}
		if err := file.Close(); err != nil {
			return err
		}
		return os.Rename(file.Name(), *out)
	}
	return write(env.stdout)
}

// exportProposals writes every proposal that f matches, page by page from
// the service, as one FeatureCollection of the API's proposal features.
func exportProposals(ctx context.Context, a *app, f planning.ProposalFilter, w io.Writer) error {
	all := []*geojson.Feature{}
	f.Limit = planning.MaxPageSize
	for f.Offset = 0; ; f.Offset += f.Limit {
		ps, total, err := a.svc.Proposals(ctx, f)
		if err != nil {
			return fmt.Errorf("export proposals: %w", err)
		}
		fs, err := api.ProposalFeatures(ctx, a.cov, ps)
		if err != nil {
			return fmt.Errorf("export proposals: %w", err)
		}
		all = append(all, fs...)
		if len(ps) < f.Limit || f.Offset+f.Limit >= total {
			break
		}
	}
	return writeGeoJSON(w, map[string]any{"type": "FeatureCollection", "features": all})
}

// exportFindings writes the findings of a proposal's latest assessment.
func exportFindings(ctx context.Context, a *app, proposalID int64, w io.Writer) error {
	as, err := a.svc.Assessment(ctx, proposalID)
	if err != nil {
		return fmt.Errorf("export findings: %w", err)
	}
	return writeGeoJSON(w, api.FindingsCollection(proposalID, as))
}

// exportLayer streams version (0: the current one) of layer name, the
// zones within box (all when nil), as the API's layer download does.
func exportLayer(ctx context.Context, a *app, name string, version int, box *orb.Bound, w io.Writer) error {
	store := a.svc.Layers()
	l, err := store.Layer(ctx, name, version)
	if err != nil {
		return fmt.Errorf("export layer %q: %w", name, err)
	}
	bw := bufio.NewWriter(w)
	_, _, err = api.StreamLayer(ctx, bw, store, l, box, func() {}, func() { _ = bw.Flush() })
	if err != nil {
		return fmt.Errorf("export layer %q v%d: %w", l.Name, l.Version, err)
	}
	return bw.Flush()
}

// writeGeoJSON writes v as one line of JSON, "<" and "&" unescaped.
func writeGeoJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// parseBBoxFlag reads "W,S,E,N": four numbers, which the service judges.
func parseBBoxFlag(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return orb.Bound{}, fmt.Errorf("%q: want W,S,E,N in degrees", v)
	}
	var n [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, fmt.Errorf("%q: %q is not a number", v, p)
		}
		n[i] = x
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}
