package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"btsplan/geo/itm"
)

const itmUsage = `usage: btsplan itm [--help] FILE

Runs the ITM (Longley-Rice 1.2.2) point-to-point model with time, location
and situation variability on every case of FILE, a JSON file in the ITM
reference schema ("-" reads standard input):

  {"cases": [{"id": "...", "inputs": {
      "h_tx__meter": 30, "h_rx__meter": 1.5, "climate": 1, "N_0": 301,
      "f__mhz": 700, "pol": 0, "epsilon": 25, "sigma": 0.02, "mdvar": 12,
      "time": 50, "location": 50, "situation": 50,
      "pfl": [n_intervals, step_m, e_0, ..., e_n]}}, ...]}

Other keys of the file and of each case (such as "expected") are ignored;
every input above is required and no other input is accepted. Each case
prints one JSON line:

  {"id": "...", "A__db": 127.6, "return_code": 0, "warnings": 0, "mode": 1}

return_code 0 is success, 1 success with warning flags, >= 1000 an invalid
input (NTIA's codes; A__db and mode are then left out). mode is 1 line of
sight, 2 diffraction, 3 troposcatter.
`

// itmCase is one decoded case of the input file.
type itmCase struct {
	id     string
	params itm.Params
	pfl    []float64
}

// itmLine is one output line; A__db and mode are absent on error codes.
type itmLine struct {
	ID         string   `json:"id"`
	ADB        *float64 `json:"A__db,omitempty"`
	ReturnCode int      `json:"return_code"`
	Warnings   uint32   `json:"warnings"`
	Mode       *int     `json:"mode,omitempty"`
}

// runITM implements "btsplan itm [--help] FILE"; args are the arguments
// after "itm". Results, including ITM's own error codes, go to stdout as
// JSON lines; an unreadable or malformed FILE is an error naming the
// file, the case and the field, and nothing is printed for it.
func runITM(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("btsplan itm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, itmUsage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage // the flag package has printed the problem and the usage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "btsplan itm: want one FILE argument (- for standard input), got %d\n\n", fs.NArg())
		fs.Usage()
		return errUsage
	}

	name := fs.Arg(0)
	var raw []byte
	var err error
	if name == "-" {
		name = "standard input"
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("itm: read %s: %w", name, err)
	}
	cases, err := decodeITMCases(name, raw)
	if err != nil {
		return err
	}

	enc := json.NewEncoder(stdout)
	var w itm.Workspace
	for i := range cases {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("itm: %s: stopped before case %d: %w", name, i, err)
		}
		c := &cases[i]
		res, runErr := w.P2P(&c.params, c.pfl)
		line := itmLine{ID: c.id, ReturnCode: res.ReturnCode, Warnings: uint32(res.Warnings)}
		if runErr == nil {
			loss, mode := res.LossDB, res.Mode
			line.ADB, line.Mode = &loss, &mode
		}
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("itm: write result of case %d (%s): %w", i, c.id, err)
		}
	}
	return nil
}

// decodeITMCases decodes the whole file before anything runs, so that a
// malformed case is reported before any output.
func decodeITMCases(name string, raw []byte) ([]itmCase, error) {
	var file struct {
		Cases *[]struct {
			ID     json.RawMessage `json:"id"`
			Inputs json.RawMessage `json:"inputs"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("itm: %s: not a reference-schema JSON file: %w", name, err)
	}
	if file.Cases == nil {
		return nil, fmt.Errorf("itm: %s: no \"cases\" array", name)
	}
	cases := make([]itmCase, 0, len(*file.Cases))
	for i, rc := range *file.Cases {
		var id string
		if len(rc.ID) == 0 || string(rc.ID) == "null" {
			return nil, fmt.Errorf("itm: %s: case %d: missing field \"id\"", name, i)
		}
		if err := json.Unmarshal(rc.ID, &id); err != nil {
			return nil, fmt.Errorf("itm: %s: case %d: field \"id\": want a string, got %s", name, i, rc.ID)
		}
		c, err := decodeITMInputs(rc.Inputs)
		if err != nil {
			return nil, fmt.Errorf("itm: %s: case %d (%s): %w", name, i, id, err)
		}
		c.id = id
		cases = append(cases, c)
	}
	return cases, nil
}

// decodeITMInputs decodes one "inputs" object field by field, so that an
// error names the field; it rejects unknown, missing and null fields
// (encoding/json would silently turn a null into 0).
func decodeITMInputs(raw json.RawMessage) (itmCase, error) {
	var c itmCase
	if len(raw) == 0 || string(raw) == "null" {
		return c, errors.New("missing field \"inputs\"")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&fields); err != nil {
		return c, fmt.Errorf("field \"inputs\": want an object: %w", err)
	}
	p := &c.params
	floats := []struct {
		key string
		dst *float64
	}{
		{"h_tx__meter", &p.HTxM}, {"h_rx__meter", &p.HRxM}, {"N_0", &p.N0},
		{"f__mhz", &p.FreqMHz}, {"epsilon", &p.Epsilon}, {"sigma", &p.SigmaSPerM},
		{"time", &p.TimePct}, {"location", &p.LocationPct}, {"situation", &p.SituationPct},
	}
	ints := []struct {
		key string
		dst *int
	}{
		{"climate", &p.Climate}, {"pol", &p.Polarization}, {"mdvar", &p.MDVar},
	}
	known := map[string]bool{"pfl": true}
	for _, f := range floats {
		known[f.key] = true
	}
	for _, f := range ints {
		known[f.key] = true
	}
	for key := range fields {
		if !known[key] {
			return c, fmt.Errorf("unknown field %q in \"inputs\"", key)
		}
	}

	number := func(key string) (float64, error) {
		v, ok := fields[key]
		if !ok {
			return 0, fmt.Errorf("missing field %q", key)
		}
		var x *float64
		if err := json.Unmarshal(v, &x); err != nil || x == nil {
			return 0, fmt.Errorf("field %q: want a number, got %s", key, v)
		}
		return *x, nil
	}
	for _, f := range floats {
		x, err := number(f.key)
		if err != nil {
			return c, err
		}
		*f.dst = x
	}
	for _, f := range ints {
		x, err := number(f.key)
		if err != nil {
			return c, err
		}
		if x != math.Trunc(x) || math.Abs(x) > 1<<31 {
			return c, fmt.Errorf("field %q: want an integer, got %s", f.key, fields[f.key])
		}
		*f.dst = int(x)
	}

	v, ok := fields["pfl"]
	if !ok {
		return c, errors.New("missing field \"pfl\"")
	}
	var pfl []*float64
	if err := json.Unmarshal(v, &pfl); err != nil || pfl == nil {
		return c, fmt.Errorf("field \"pfl\": want an array of numbers: %v", errOrNull(err))
	}
	c.pfl = make([]float64, len(pfl))
	for i, x := range pfl {
		if x == nil {
			return c, fmt.Errorf("field \"pfl\": element %d is null", i)
		}
		c.pfl[i] = *x
	}
	return c, nil
}

func errOrNull(err error) error {
	if err == nil {
		return errors.New("got null")
	}
	return err
}

// cmdITM is the itm subcommand.
func cmdITM(ctx context.Context, env *environment, args []string) error {
	return runITM(ctx, args, env.stdout, env.stderr)
}
