package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

func cmdCheck(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("check", "check [--submit] [--lang vi|en] FILE|-", env.stderr)
	submit := fs.Bool("submit", false, "store each site as a proposal (POST /v1/proposals) instead of a dry run")
	lang := fs.String("lang", "vi", "language of the messages: vi or en")
	if err := parseFlags(fs, args); err != nil {
		return helpOK(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("check: give one file: a GeoJSON Feature (one site) or FeatureCollection (a batch), or - for stdin")
	}
	name := fs.Arg(0)
	var in []byte
	var err error
	if name == "-" {
		name = "stdin"
		in, err = io.ReadAll(env.stdin)
	} else {
		in, err = os.ReadFile(name)
	}
	if err != nil {
		return err
	}
	sites, single, err := splitSites(name, in)
	if err != nil {
		return err
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
	target := "/v1/checks?lang=" + *lang
	if *submit {
		target = "/v1/proposals?lang=" + *lang
	}
	if single {
		status, body := post(ctx, h, target, sites[0])
		if status >= 300 {
			return fmt.Errorf("%s: %w", name, problemError(status, body))
		}
		return printIndented(env.stdout, body)
	}
	// A batch: one JSON line per feature, in order; every feature is
	// tried, and the failures are named at the end.
	enc := json.NewEncoder(env.stdout)
	enc.SetEscapeHTML(false)
	counts := map[string]int{}
	var failed []error
	for i, raw := range sites {
		status, body := post(ctx, h, target, raw)
		line := map[string]any{"feature": i, "status": status}
		if status >= 300 {
			err := problemError(status, body)
			failed = append(failed, fmt.Errorf("%s: feature %d: %w", name, i, err))
			line["error"] = json.RawMessage(body)
			counts["error"]++
		} else {
			line["result"] = json.RawMessage(body)
			var v struct {
				Verdict    string `json:"verdict"`
				Assessment struct {
					Verdict string `json:"verdict"`
				} `json:"assessment"`
			}
			_ = json.Unmarshal(body, &v)
			counts[v.Verdict+v.Assessment.Verdict]++
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	fmt.Fprintf(env.stderr, "check: %d sites from %s: %v\n", len(sites), name, counts)
	if len(failed) > 0 {
		return errors.Join(failed...)
	}
	return nil
}

// splitSites returns the Feature, or each Feature of a FeatureCollection,
// as raw JSON. Syntax errors name the line and column.
func splitSites(name string, in []byte) (sites []json.RawMessage, single bool, err error) {
	var doc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(in, &doc); err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, jsonPosition(in, err))
	}
	switch doc.Type {
	case "Feature":
		return []json.RawMessage{in}, true, nil
	case "FeatureCollection":
		if len(doc.Features) == 0 {
			return nil, false, fmt.Errorf("%s: the FeatureCollection has no features", name)
		}
		return doc.Features, false, nil
	}
	return nil, false, fmt.Errorf("%s: type is %q: want a GeoJSON Feature or FeatureCollection", name, doc.Type)
}

// jsonPosition adds the line and column to a JSON syntax or type error.
func jsonPosition(in []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	off = min(off, int64(len(in)))
	line := 1 + bytes.Count(in[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(in[:off], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func printIndented(w io.Writer, body []byte) error {
	var b bytes.Buffer
	if err := json.Indent(&b, body, "", "  "); err != nil {
		_, err = w.Write(body)
		return err
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
