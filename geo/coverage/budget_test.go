package coverage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"btsplan/geo/coverage"
)

// DEM cell sizes in degrees.
const (
	arcSec3   = 1.0 / 1200
	arcSec1   = 1.0 / 3600
	arcSec0_2 = 0.2 / 3600
)

func TestCheckBudget(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(p *coverage.Params, o *coverage.Options)
		demDeg  float64
		field   string   // "" when it fits
		fields  []string // BudgetError.Fields; nil for a plain input error
		what    string
		inError string
	}{
		{"default 15 km at the 3\" DEM", func(*coverage.Params, *coverage.Options) {}, arcSec3, "", nil, "", ""},
		{"15 km at 1\" from the 3\" DEM", func(_ *coverage.Params, o *coverage.Options) { o.CellArcSec = 1 }, arcSec3, "", nil, "", ""},
		{"100 km at the 3\" DEM", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM = 100e3 }, arcSec3, "", nil, "", ""},
		{"12 sectors", func(p *coverage.Params, _ *coverage.Options) {
			p.Sectors = make([]coverage.Sector, 12)
			for i := range p.Sectors {
				p.Sectors[i] = coverage.Sector{AzimuthDeg: float64(30 * i), EIRPdBm: 60}
			}
		}, arcSec3, "", nil, "", ""},
		{"the issue's 100 km at 0.1\"", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM, o.CellArcSec = 100e3, 0.1 }, arcSec3,
			"cell_arcsec", []string{"cell_arcsec", "radius_m"}, "grid cells", "over the limit of 16777216"},
		{"100 km at 1\" from the 3\" DEM", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM, o.CellArcSec = 100e3, 1 }, arcSec3,
			"cell_arcsec", []string{"cell_arcsec", "radius_m"}, "grid cells", "cells of at least"},
		{"100 km at a 1\" DEM", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM = 100e3 }, arcSec1,
			"radius_m", []string{"radius_m", "cell_arcsec"}, "grid cells", "a radius of at most"},
		{"55 km at a 1\" DEM", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM = 55e3 }, arcSec1,
			"radius_m", []string{"radius_m", "cell_arcsec", "profile_step_m", "sectors"}, "work (profile samples)", "a radius of at most"},
		{"100 km at a 0.2\" DEM", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM = 100e3 }, arcSec0_2,
			"radius_m", []string{"radius_m", "profile_step_m"}, "profile points", "profile steps of at least"},
		{"profile step finer than the DEM", func(_ *coverage.Params, o *coverage.Options) { o.ProfileStepM = 10 }, arcSec3,
			"profile_step_m", nil, "", "finer than the DEM's"},
		{"profile step at the DEM's", func(_ *coverage.Params, o *coverage.Options) { o.ProfileStepM = 93 }, arcSec3, "", nil, "", ""},
		{"13 sectors", func(p *coverage.Params, _ *coverage.Options) { p.Sectors = make([]coverage.Sector, 13) }, arcSec3,
			"sectors", nil, "", "over the limit of 12"},
		{"cell that does not divide the DEM's", func(_ *coverage.Params, o *coverage.Options) { o.CellArcSec = 2 }, arcSec3,
			"cell_arcsec", nil, "", "does not divide"},
		{"radius below 100 m", func(_ *coverage.Params, o *coverage.Options) { o.RadiusM = 50 }, arcSec3, "radius_m", nil, "", "outside"},
		{"workers", func(_ *coverage.Params, o *coverage.Options) { o.Workers = 1 << 20 }, arcSec3, "workers", nil, "", "outside"},
		{"no DEM cell", func(*coverage.Params, *coverage.Options) {}, 0, "dem", nil, "", "not positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, o := yardstick, coverage.Options{}
			tt.edit(&p, &o)
			cost, err := coverage.CheckBudget(p, o, tt.demDeg, tt.demDeg)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("CheckBudget = %v, want nil", err)
				}
				if cost.GridCells <= 0 || cost.GridCells > coverage.MaxGridCells || cost.Bytes > coverage.MaxWorkBytes {
					t.Errorf("CheckBudget cost = %+v, want within the budget", cost)
				}
				return
			}
			var ie *coverage.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field || !strings.Contains(err.Error(), tt.inError) {
				t.Fatalf("CheckBudget = %v, want an *InputError at %s saying %q", err, tt.field, tt.inError)
			}
			var be *coverage.BudgetError
			if tt.fields == nil {
				if errors.As(err, &be) {
					t.Errorf("CheckBudget = %v, want a plain input error, not a *BudgetError", err)
				}
				return
			}
			if !errors.As(err, &be) {
				t.Fatalf("CheckBudget = %v, want a *BudgetError", err)
			}
			if strings.Join(be.Fields, ",") != strings.Join(tt.fields, ",") || be.What != tt.what || !(be.Need > be.Limit) {
				t.Errorf("BudgetError = fields %v, %s, need %g limit %g; want fields %v, %s, need over limit",
					be.Fields, be.What, be.Need, be.Limit, tt.fields, tt.what)
			}
			// The radius the error suggests does fit.
			if be.FitRadiusM > 0 {
				o.RadiusM = be.FitRadiusM
				if _, err := coverage.CheckBudget(p, o, tt.demDeg, tt.demDeg); err != nil {
					t.Errorf("CheckBudget at the suggested radius %g m = %v, want nil", be.FitRadiusM, err)
				}
				o.RadiusM = be.FitRadiusM + 200
				if _, err := coverage.CheckBudget(p, o, tt.demDeg, tt.demDeg); err == nil {
					t.Errorf("CheckBudget at %g m, beyond the suggested radius, = nil; want the suggestion to be the largest", o.RadiusM)
				}
			}
		})
	}
}

// TestComputeChecksBudgetFirst is the out-of-memory of issue 7: a 100 km
// radius at 0.1" cells asked for a 17.9 GB grid. Compute must refuse it
// before allocating the grid, with the numbers in the error.
func TestComputeChecksBudgetFirst(t *testing.T) {
	dem := synthDEM(t, 100e3, func(_, _ float64) float64 { return 0 })
	_, err := coverage.Compute(context.Background(), dem, omniSite(50), coverage.Options{RadiusM: 100e3, CellArcSec: 0.1}, nil)
	var be *coverage.BudgetError
	if !errors.As(err, &be) || be.What != "grid cells" || be.Need < 4e9 || be.FitRadiusM == 0 {
		t.Fatalf("Compute(100 km at 0.1\") = %v, want a *BudgetError about ~4.5e9 grid cells with a radius that fits", err)
	}
}

func TestComputeGroundConstants(t *testing.T) {
	dem := synthDEM(t, 2000, func(_, _ float64) float64 { return 0 })
	tests := []struct {
		name  string
		edit  func(r *coverage.Radio)
		field string
	}{
		{"permittivity huge", func(r *coverage.Radio) { r.Epsilon = 1e300 }, "radio/epsilon"},
		{"permittivity below 1", func(r *coverage.Radio) { r.Epsilon = 0.5 }, "radio/epsilon"},
		{"conductivity huge", func(r *coverage.Radio) { r.SigmaSPerM = 1e300 }, "radio/sigma_s_per_m"},
		{"conductivity zero", func(r *coverage.Radio) { r.SigmaSPerM = 0 }, "radio/sigma_s_per_m"},
		{"sea water", func(r *coverage.Radio) { r.Epsilon, r.SigmaSPerM = 80, 5 }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := omniSite(50)
			p.Radio = coverage.DefaultRadio()
			tt.edit(&p.Radio)
			_, err := coverage.Compute(context.Background(), dem, p, coverage.Options{RadiusM: 500}, nil)
			var ie *coverage.InputError
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Compute = %v, want nil", err)
			case tt.field != "" && (!errors.As(err, &ie) || ie.Field != tt.field):
				t.Errorf("Compute = %v, want an *InputError at %s", err, tt.field)
			}
		})
	}
}
