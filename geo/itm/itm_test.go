package itm_test

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	"btsplan/geo"
	"btsplan/geo/itm"
)

// flatProfile returns a pfl of n intervals of stepM metres at a constant
// elevation.
func flatProfile(n int, stepM, elevM float64) []float64 {
	pfl := make([]float64, n+3)
	pfl[0], pfl[1] = float64(n), stepM
	for i := range n + 1 {
		pfl[2+i] = elevM
	}
	return pfl
}

// cliffProfile is flat ground at 100 m with a wall of wallM metres
// starting at distance atM.
func cliffProfile(n int, stepM, atM, wallM float64) []float64 {
	pfl := flatProfile(n, stepM, 100)
	for i := range n + 1 {
		if float64(i)*stepM >= atM {
			pfl[2+i] = 100 + wallM
		}
	}
	return pfl
}

// baseParams is a valid 700 MHz mobile-mode run.
func baseParams() itm.Params {
	return itm.Params{
		HTxM: 30, HRxM: 1.5, Climate: itm.ClimateEquatorial, N0: 301,
		FreqMHz: 700, Polarization: itm.PolarizationHorizontal, Epsilon: 25, SigmaSPerM: 0.02,
		MDVar: itm.MDVarMobile + itm.MDVarNoLocation, TimePct: 50, LocationPct: 50, SituationPct: 50,
	}
}

func TestP2PInputErrors(t *testing.T) {
	flat := flatProfile(100, 100, 100)
	tests := []struct {
		name     string
		edit     func(p *itm.Params)
		pfl      []float64
		wantCode int
		wantWarn itm.Warning
	}{
		{"tx below 0.5 m", func(p *itm.Params) { p.HTxM = 0.4 }, flat, itm.CodeTxTerminalHeight, itm.WarnTxTerminalHeight},
		{"tx above 3000 m", func(p *itm.Params) { p.HTxM = 3000.5 }, flat, itm.CodeTxTerminalHeight, itm.WarnTxTerminalHeight},
		{"tx NaN", func(p *itm.Params) { p.HTxM = math.NaN() }, flat, itm.CodeTxTerminalHeight, 0},
		{"rx below 0.5 m", func(p *itm.Params) { p.HRxM = 0.2 }, flat, itm.CodeRxTerminalHeight, itm.WarnRxTerminalHeight},
		{"rx above 3000 m with tx warning", func(p *itm.Params) { p.HTxM = 0.7; p.HRxM = 4000 }, flat,
			itm.CodeRxTerminalHeight, itm.WarnTxTerminalHeight | itm.WarnRxTerminalHeight},
		{"climate 0", func(p *itm.Params) { p.Climate = 0 }, flat, itm.CodeRadioClimate, 0},
		{"climate 8", func(p *itm.Params) { p.Climate = 8 }, flat, itm.CodeRadioClimate, 0},
		{"N0 below 250", func(p *itm.Params) { p.N0 = 249.9 }, flat, itm.CodeRefractivity, 0},
		{"N0 above 400", func(p *itm.Params) { p.N0 = 400.1 }, flat, itm.CodeRefractivity, 0},
		{"frequency below 20 MHz", func(p *itm.Params) { p.FreqMHz = 19 }, flat, itm.CodeFrequency, itm.WarnFrequency},
		{"frequency above 20 GHz", func(p *itm.Params) { p.FreqMHz = 20001 }, flat, itm.CodeFrequency, itm.WarnFrequency},
		{"polarization 2", func(p *itm.Params) { p.Polarization = 2 }, flat, itm.CodePolarization, 0},
		{"epsilon below 1", func(p *itm.Params) { p.Epsilon = 0.99 }, flat, itm.CodeEpsilon, 0},
		{"sigma zero", func(p *itm.Params) { p.SigmaSPerM = 0 }, flat, itm.CodeSigma, 0},
		{"sigma negative", func(p *itm.Params) { p.SigmaSPerM = -1 }, flat, itm.CodeSigma, 0},
		{"mdvar -1", func(p *itm.Params) { p.MDVar = -1 }, flat, itm.CodeMDVar, 0},
		{"mdvar 4", func(p *itm.Params) { p.MDVar = 4 }, flat, itm.CodeMDVar, 0},
		{"mdvar 14", func(p *itm.Params) { p.MDVar = 14 }, flat, itm.CodeMDVar, 0},
		{"mdvar 29", func(p *itm.Params) { p.MDVar = 29 }, flat, itm.CodeMDVar, 0},
		{"mdvar 34", func(p *itm.Params) { p.MDVar = 34 }, flat, itm.CodeMDVar, 0},
		{"situation 0", func(p *itm.Params) { p.SituationPct = 0 }, flat, itm.CodeSituation, 0},
		{"situation 100", func(p *itm.Params) { p.SituationPct = 100 }, flat, itm.CodeSituation, 0},
		{"time 0", func(p *itm.Params) { p.TimePct = 0 }, flat, itm.CodeTime, 0},
		{"time 100", func(p *itm.Params) { p.TimePct = 100 }, flat, itm.CodeTime, 0},
		{"location 0", func(p *itm.Params) { p.LocationPct = 0 }, flat, itm.CodeLocation, 0},
		{"location 100.5", func(p *itm.Params) { p.LocationPct = 100.5 }, flat, itm.CodeLocation, 0},
		// NTIA's order: climate before N0, situation before time before location.
		{"climate reported before N0", func(p *itm.Params) { p.Climate = 9; p.N0 = 100 }, flat, itm.CodeRadioClimate, 0},
		{"situation reported before time", func(p *itm.Params) { p.TimePct = 0; p.SituationPct = 0 }, flat, itm.CodeSituation, 0},
		{"time reported before location", func(p *itm.Params) { p.TimePct = 0; p.LocationPct = 0 }, flat, itm.CodeTime, 0},
		// sqrt(ε_r - 1) for ε = 1 is sqrt(i·y): equal real and imaginary parts.
		{"ground impedance for epsilon 1", func(p *itm.Params) { p.Epsilon = 1 }, flat, itm.CodeGroundImpedance, 0},
		// N_s = 250·exp(-5000/9460) = 147.4 N-units.
		{"surface refractivity below 150", func(p *itm.Params) { p.N0 = 250 }, flatProfile(100, 100, 5000),
			itm.CodeSurfaceRefractivitySmall, 0},
		// N_s = 400·exp(100/9460) = 404.3 N-units.
		{"surface refractivity above 400", func(p *itm.Params) { p.N0 = 400 }, flatProfile(100, 100, -100),
			itm.CodeSurfaceRefractivityLarge, 0},
		{"profile too short", func(*itm.Params) {}, []float64{1, 100, 5}, itm.CodePathDistance, 0},
		{"profile header mismatch", func(*itm.Params) {}, []float64{3, 100, 5, 5, 5}, itm.CodePathDistance, 0},
		{"profile fractional n", func(*itm.Params) {}, []float64{1.5, 100, 5, 5}, itm.CodePathDistance, 0},
		{"profile zero step", func(*itm.Params) {}, []float64{2, 0, 5, 5, 5}, itm.CodePathDistance, 0},
		{"profile NaN elevation", func(*itm.Params) {}, []float64{2, 100, 5, math.NaN(), 5}, itm.CodePathDistance, 0},
		{"profile infinite elevation", func(*itm.Params) {}, []float64{2, 100, 5, 5, math.Inf(1)}, itm.CodePathDistance, 0},
	}
	var w itm.Workspace
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := baseParams()
			tt.edit(&p)
			got, err := w.P2P(&p, tt.pfl)
			var ie *itm.Error
			if !errors.As(err, &ie) {
				t.Fatalf("P2P error = %v, want *itm.Error", err)
			}
			if ie.Code != tt.wantCode || got.ReturnCode != tt.wantCode {
				t.Errorf("code = %d (ReturnCode %d), want %d", ie.Code, got.ReturnCode, tt.wantCode)
			}
			if got.Warnings != tt.wantWarn {
				t.Errorf("Warnings = %v, want %v", got.Warnings, tt.wantWarn)
			}
			if !math.IsNaN(got.LossDB) || got.Mode != itm.ModeNotSet {
				t.Errorf("LossDB, Mode = %g, %d, want NaN, %d on error", got.LossDB, got.Mode, itm.ModeNotSet)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "itm: ") || strings.HasSuffix(msg, ".") {
				t.Errorf("error text %q, want \"itm: ...\" without final punctuation", msg)
			}
		})
	}
}

func TestP2PWarnings(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *itm.Params)
		pfl   []float64
		want  itm.Warning // flags that must be set
		exact bool        // and no others
	}{
		{"clean flat 10 km", func(*itm.Params) {}, flatProfile(100, 100, 100), 0, true},
		{"tx below 1 m", func(p *itm.Params) { p.HTxM = 0.8 }, flatProfile(100, 100, 100), itm.WarnTxTerminalHeight, true},
		{"rx above 1000 m", func(p *itm.Params) { p.HRxM = 1200 }, flatProfile(500, 100, 100), itm.WarnRxTerminalHeight, false},
		{"frequency below 40 MHz", func(p *itm.Params) { p.FreqMHz = 30 }, flatProfile(100, 100, 100), itm.WarnFrequency, true},
		{"frequency above 10 GHz", func(p *itm.Params) { p.FreqMHz = 15000 }, flatProfile(100, 100, 100), itm.WarnFrequency, true},
		{"path under 1 km", func(*itm.Params) {}, flatProfile(20, 40, 100), itm.WarnPathDistanceTooSmall2, true},
		// |h_e,tx - h_e,rx| / 0.2 = 498/0.2 = 2490 m > 2000 m.
		{"path shorter than height difference allows", func(p *itm.Params) { p.HTxM, p.HRxM = 500, 2 },
			flatProfile(100, 20, 100), itm.WarnPathDistanceTooSmall1, true},
		{"path over 1000 km", func(*itm.Params) {}, flatProfile(1500, 1000, 0), itm.WarnPathDistanceTooBig1, true},
		{"path over 2000 km", func(*itm.Params) {}, flatProfile(2500, 1000, 0),
			itm.WarnPathDistanceTooBig1 | itm.WarnPathDistanceTooBig2, true},
		// A 600 m wall 300 m in front of the TX: elevation angle ≈ 0.6 rad,
		// horizon far nearer than a tenth of the smooth-earth horizon.
		{"cliff in front of tx", func(*itm.Params) {}, cliffProfile(100, 100, 300, 600),
			itm.WarnTxHorizonAngle | itm.WarnTxHorizonDistance1, false},
		// Q⁻¹(0.0005) = 3.29 is beyond ±3.1 in broadcast mode ...
		{"extreme time variability", func(p *itm.Params) { p.MDVar = itm.MDVarBroadcast; p.TimePct = 0.05 },
			flatProfile(100, 100, 100), itm.WarnExtremeVariabilities, true},
		// ... but single-message mode replaces z_T by z_S, which is 0.
		{"time deviate replaced in single-message mode", func(p *itm.Params) { p.MDVar = itm.MDVarSingleMessage; p.TimePct = 0.05 },
			flatProfile(100, 100, 100), 0, true},
		// Q⁻¹(0.001) = 3.09 is still inside ±3.1.
		{"time deviate just inside", func(p *itm.Params) { p.MDVar = itm.MDVarBroadcast; p.TimePct = 0.1 },
			flatProfile(100, 100, 100), 0, true},
		// N_s = 250·exp(-1000/9460) = 224.9 N-units.
		{"low surface refractivity", func(p *itm.Params) { p.N0 = 250 }, flatProfile(100, 100, 1000), itm.WarnSurfaceRefractivity, true},
	}
	var w itm.Workspace
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := baseParams()
			tt.edit(&p)
			got, err := w.P2P(&p, tt.pfl)
			if err != nil {
				t.Fatalf("P2P: %v", err)
			}
			if got.Warnings&tt.want != tt.want || (tt.exact && got.Warnings != tt.want) {
				t.Errorf("Warnings = %v, want %v (exact %t)", got.Warnings, tt.want, tt.exact)
			}
			wantCode := itm.SuccessCode
			if got.Warnings != 0 {
				wantCode = itm.SuccessWithWarningsCode
			}
			if got.ReturnCode != wantCode {
				t.Errorf("ReturnCode = %d, want %d for warnings %v", got.ReturnCode, wantCode, got.Warnings)
			}
			if math.IsNaN(got.LossDB) || got.Mode == itm.ModeNotSet {
				t.Errorf("LossDB, Mode = %g, %d, want a result", got.LossDB, got.Mode)
			}
		})
	}
}

// TestP2PFlatEarth checks the path parameters of smooth paths against
// closed forms: N_s = N0·exp(-h/9460), a_e = 1/(157e-9·(1 - 0.04665·
// exp(N_s/179.3))), smooth-earth horizons sqrt(2·h·a_e), horizon angles
// -sqrt(2h/a_e), Δh = 0 and A_fs = 32.45 + 20·log10(f·d_km).
func TestP2PFlatEarth(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(p *itm.Params)
		pfl      []float64
		wantNs   float64 // N-units
		wantDHzn [2]float64
		wantAFs  float64
		wantMode int
	}{
		{
			// N_s = 301·exp(-100/9460) = 297.83494; a_e = 8443.221 km.
			name: "10 km over land at 100 m", edit: func(*itm.Params) {},
			pfl: flatProfile(100, 100, 100), wantNs: 297.8349399379883,
			wantDHzn: [2]float64{22507.6267138439, 5032.858334434517},
			wantAFs:  32.45 + 20*math.Log10(700) + 20, wantMode: itm.ModeLineOfSight,
		},
		{
			// At sea level N_s = N0 exactly (a_e = 8492.463 km); 1000 MHz over
			// 10 km: A_fs = 112.45 dB.
			name: "10 km over sea", edit: func(p *itm.Params) { p.FreqMHz = 1000; p.N0 = 301 },
			pfl: flatProfile(100, 100, 0), wantNs: 301,
			wantDHzn: [2]float64{22573.16561731046, 5047.51327876672},
			wantAFs:  112.45, wantMode: itm.ModeLineOfSight,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := baseParams()
			tt.edit(&p)
			got, err := itm.P2P(p, tt.pfl)
			if err != nil {
				t.Fatalf("P2P: %v", err)
			}
			in := got.Intermediate
			if !geo.Near(in.NsNUnits, tt.wantNs, 1e-9) {
				t.Errorf("NsNUnits = %.9f, want %.9f", in.NsNUnits, tt.wantNs)
			}
			for j := range 2 {
				if !geo.Near(in.DHznM[j], tt.wantDHzn[j], 1e-6) {
					t.Errorf("DHznM[%d] = %.7f, want %.7f", j, in.DHznM[j], tt.wantDHzn[j])
				}
				hg := [2]float64{p.HTxM, p.HRxM}[j]
				if in.HEffM[j] != hg {
					t.Errorf("HEffM[%d] = %g, want the structural height %g on flat ground", j, in.HEffM[j], hg)
				}
				if want := -2 * hg / tt.wantDHzn[j]; !geo.Near(in.ThetaHznRad[j], want, 1e-12) {
					t.Errorf("ThetaHznRad[%d] = %.12f, want %.12f", j, in.ThetaHznRad[j], want)
				}
			}
			if in.DeltaHM != 0 {
				t.Errorf("DeltaHM = %g, want 0 on flat ground", in.DeltaHM)
			}
			if !geo.Near(in.AFsDB, tt.wantAFs, 1e-9) {
				t.Errorf("AFsDB = %.9f, want %.9f", in.AFsDB, tt.wantAFs)
			}
			if !geo.Near(in.DKm, 10, 1e-12) {
				t.Errorf("DKm = %g, want 10", in.DKm)
			}
			if got.Mode != tt.wantMode {
				t.Errorf("Mode = %d, want %d", got.Mode, tt.wantMode)
			}
			// The median loss equals A_fs + A_ref - V_med(d_e), so it cannot
			// be below free space by more than the climate adjustment.
			if got.LossDB < in.AFsDB-10 || got.LossDB != got.LossDB {
				t.Errorf("LossDB = %g, want at least A_fs - 10 dB = %g", got.LossDB, in.AFsDB-10)
			}
		})
	}
}

// TestP2PModesOverSea walks a 20 m / 2 m, 2600 MHz sea path outwards:
// the smooth-earth line-of-sight distance is
// sqrt(2·20·a_e) + sqrt(2·2·a_e) ≈ 24.3 km, so 20 km is in the
// line-of-sight region and 40 km in the diffraction region; far beyond
// the horizon troposcatter takes over. The loss must grow with distance.
func TestP2PModesOverSea(t *testing.T) {
	p := baseParams()
	p.HTxM, p.HRxM, p.FreqMHz, p.Climate = 20, 2, 2600, itm.ClimateMaritimeTemperateOverSea
	p.Epsilon, p.SigmaSPerM = 80, 5
	tests := []struct {
		name     string
		dKm      int
		wantMode int
	}{
		{"20 km", 20, itm.ModeLineOfSight},
		{"40 km", 40, itm.ModeDiffraction},
		{"200 km", 200, itm.ModeTroposcatter},
	}
	prev := 0.0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := itm.P2P(p, flatProfile(tt.dKm*10, 100, 0))
			if err != nil {
				t.Fatalf("P2P: %v", err)
			}
			if got.Mode != tt.wantMode {
				t.Errorf("Mode = %d, want %d", got.Mode, tt.wantMode)
			}
			if got.LossDB <= prev {
				t.Errorf("LossDB = %.2f, want more than %.2f at the shorter distance", got.LossDB, prev)
			}
			prev = got.LossDB
		})
	}
}

func TestWarningString(t *testing.T) {
	tests := []struct {
		name string
		w    itm.Warning
		want string
	}{
		{"none", 0, "NO_WARNINGS"},
		{"one", itm.WarnPathDistanceTooSmall2, "PATH_DISTANCE_TOO_SMALL_2"},
		{"reference 0x0680", 0x0680, "TX_HORIZON_ANGLE|TX_HORIZON_DISTANCE_1|RX_HORIZON_DISTANCE_1"},
		{"all known", 0x7fff, "TX_TERMINAL_HEIGHT|RX_TERMINAL_HEIGHT|FREQUENCY|PATH_DISTANCE_TOO_BIG_1|" +
			"PATH_DISTANCE_TOO_BIG_2|PATH_DISTANCE_TOO_SMALL_1|PATH_DISTANCE_TOO_SMALL_2|TX_HORIZON_ANGLE|" +
			"RX_HORIZON_ANGLE|TX_HORIZON_DISTANCE_1|RX_HORIZON_DISTANCE_1|TX_HORIZON_DISTANCE_2|" +
			"RX_HORIZON_DISTANCE_2|EXTREME_VARIABILITIES|SURFACE_REFRACTIVITY"},
		{"unknown bit", 0x8001, "TX_TERMINAL_HEIGHT|0x8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.String(); got != tt.want {
				t.Errorf("Warning(%#x).String() = %q, want %q", uint32(tt.w), got, tt.want)
			}
		})
	}
}

func TestCodeName(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{itm.SuccessCode, "SUCCESS"},
		{itm.CodeTxTerminalHeight, "ERROR__TX_TERMINAL_HEIGHT"},
		{itm.CodeMDVar, "ERROR__MDVAR"},
		{itm.CodeSurfaceRefractivityLarge, "ERROR__SURFACE_REFRACTIVITY_LARGE"},
		{999, ""},
	}
	for _, tt := range tests {
		if got := itm.CodeName(tt.code); got != tt.want {
			t.Errorf("CodeName(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// TestWorkspaceReuse alternates Params and profiles on one Workspace, so
// that its cached constants must be refreshed, and compares every result
// with a fresh package-level run.
func TestWorkspaceReuse(t *testing.T) {
	a := baseParams()
	b := baseParams()
	b.FreqMHz, b.Polarization, b.TimePct, b.Climate = 2100, itm.PolarizationVertical, 90, itm.ClimateDesert
	c := b
	c.LocationPct = 10 // differs from b in one field only
	runs := []struct {
		name string
		p    itm.Params
		pfl  []float64
	}{
		{"a hilly", a, hillyProfile(170)},
		{"b hilly", b, hillyProfile(170)},
		{"c hilly", c, hillyProfile(170)},
		{"a flat", a, flatProfile(100, 100, 100)},
		{"a hilly again", a, hillyProfile(170)},
		{"c long", c, hillyProfile(500)},
	}
	var w itm.Workspace
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			got, err := w.P2P(&r.p, r.pfl)
			want, wantErr := itm.P2P(r.p, r.pfl)
			if err != nil || wantErr != nil {
				t.Fatalf("errors %v, %v", err, wantErr)
			}
			if got != want {
				t.Errorf("Workspace.P2P = %+v, want %+v (fresh P2P)", got, want)
			}
		})
	}
}

func TestWorkspaceP2PDoesNotAllocate(t *testing.T) {
	p := baseParams()
	pfl := hillyProfile(500)
	var w itm.Workspace
	if n := testing.AllocsPerRun(100, func() { _, _ = w.P2P(&p, pfl) }); n != 0 {
		t.Errorf("Workspace.P2P allocates %v times per call, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = itm.P2P(p, pfl) }); n != 0 {
		t.Errorf("P2P allocates %v times per call, want 0", n)
	}
}

// TestWorkspacePerGoroutine runs workers with their own Workspaces, as the
// coverage engine does; with -race it also checks for shared state.
func TestWorkspacePerGoroutine(t *testing.T) {
	pfls := [][]float64{hillyProfile(170), hillyProfile(300), flatProfile(200, 90, 50)}
	want := make([]float64, len(pfls))
	for i, pfl := range pfls {
		r, err := itm.P2P(baseParams(), pfl)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r.LossDB
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w itm.Workspace
			p := baseParams()
			for k := range 200 {
				i := (g + k) % len(pfls)
				r, err := w.P2P(&p, pfls[i])
				if err != nil || r.LossDB != want[i] {
					errs <- "worker result differs from the serial one"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
