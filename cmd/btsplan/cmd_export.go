package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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
	q := url.Values{}
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
	set := func(key string, v *string) {
		if v != nil && *v != "" {
			q.Set(key, *v)
		}
	}
	set("carrier", carrier)
	set("status", status)
	set("verdict", verdict)
	set("bbox", bbox)
	set("admin_unit", adminUnit)
	var target string
	switch what {
	case "findings":
		if *proposal <= 0 {
			return fmt.Errorf("export findings: --proposal ID is required")
		}
		target = fmt.Sprintf("/v1/proposals/%d/findings.geojson", *proposal)
	case "layer":
		if *name == "" {
			return fmt.Errorf("export layer: --name is required")
		}
		if *version > 0 {
			q.Set("version", strconv.FormatInt(*version, 10))
		}
		target = "/v1/layers/" + url.PathEscape(*name) + ".geojson"
	}

	a, err := loadApp(ctx, env)
	if err != nil {
		return err
	}
	defer a.close()
	h, err := a.inProcess(env)
	if err != nil {
		return err
	}
	w := env.stdout
	if *out != "" {
		// Written to a temporary file and renamed, so a failed export
		// leaves no half file behind.
		f, err := os.CreateTemp(filepath.Dir(*out), ".export-*.geojson")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		if err := export(ctx, h, what, target, q, f); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return os.Rename(f.Name(), *out)
	}
	return export(ctx, h, what, target, q, w)
}

func export(ctx context.Context, h http.Handler, what, target string, q url.Values, w io.Writer) error {
	if what != "proposals" {
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		return get(ctx, h, target, w)
	}
	// Proposals are paged by the API; the export holds every page.
	var all []json.RawMessage
	const page = 1000
	for offset := 0; ; offset += page {
		q.Set("limit", strconv.Itoa(page))
		q.Set("offset", strconv.Itoa(offset))
		var b bytes.Buffer
		if err := get(ctx, h, "/v1/proposals.geojson?"+q.Encode(), &b); err != nil {
			return err
		}
		var fc struct {
			Features []json.RawMessage `json:"features"`
			Total    int               `json:"total"`
		}
		if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
			return fmt.Errorf("read proposals page: %w", err)
		}
		all = append(all, fc.Features...)
		if len(fc.Features) < page || offset+page >= fc.Total {
			break
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(map[string]any{"type": "FeatureCollection", "features": all})
}
