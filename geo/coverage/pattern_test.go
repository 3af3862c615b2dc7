package coverage_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"btsplan/geo"
	"btsplan/geo/coverage"
)

// hLoss and vLoss are the cuts of the test antenna: a 65° sector with a
// 25 dB front-to-back ratio, and a 7° vertical beam tilted 6° down with
// 20 dB side lobes.
func hLoss(a float64) float64 {
	phi := math.Mod(a+180, 360) - 180
	return math.Min(12*(phi/65)*(phi/65), 25)
}

func vLoss(a float64) float64 {
	// Planet convention: 0 front horizon, 90 down, 180 back horizon.
	dep := math.Mod(a+180, 360) - 180 // -180..180, positive down in front
	if dep > 90 {
		dep = 180 - dep // the back half, mirrored
	} else if dep < -90 {
		dep = -180 - dep
	}
	r := (dep - 6) / 7
	return math.Min(12*r*r, 20)
}

func msiText(header string, hStep float64) string {
	var b strings.Builder
	b.WriteString(header)
	n := int(360 / hStep)
	fmt.Fprintf(&b, "HORIZONTAL %d\n", n)
	for i := range n {
		a := float64(i) * hStep
		fmt.Fprintf(&b, "%g\t%.4f\n", a, hLoss(a))
	}
	b.WriteString("VERTICAL 360\r\n")
	for a := range 360 {
		fmt.Fprintf(&b, "%d %.4f\r\n", a, vLoss(float64(a)))
	}
	return b.String()
}

const msiHeader = `NAME BTS-65-18-6
MAKE Example Antennas
FREQUENCY 1800
H_WIDTH 65
V_WIDTH 7
FRONT_TO_BACK 25
GAIN 15.85
TILT ELECTRICAL 6
POLARIZATION +45
COMMENT synthetic test pattern
`

func TestParseMSI(t *testing.T) {
	p, err := coverage.ParseMSI(strings.NewReader(msiText(msiHeader, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "BTS-65-18-6" || p.Make != "Example Antennas" || p.FreqMHz != 1800 || p.ElecTiltDeg != 6 {
		t.Errorf("header = %q %q %g MHz tilt %g, want BTS-65-18-6, Example Antennas, 1800, 6", p.Name, p.Make, p.FreqMHz, p.ElecTiltDeg)
	}
	if !geo.Near(p.GainDBi, 18.0, 1e-9) {
		t.Errorf("GainDBi = %g, want 15.85 dBd + 2.15 = 18.0", p.GainDBi)
	}
	tests := []struct {
		name                string
		phi, dep, want, tol float64
	}{
		// Boresight at the electrical tilt: the maximum.
		{"main beam", 0, 6, 0, 1e-4},
		// At the horizon in front, 6° above the beam: 12·(6/7)².
		{"front horizon", 0, 0, -12 * 36.0 / 49, 1e-3},
		// Half the horizontal beamwidth off, in the beam: -3 dB, with the
		// table's linear interpolation between 32° and 33°.
		{"half beamwidth", 32.5, 6, -(hLoss(32) + hLoss(33)) / 2, 1e-3},
		{"half beamwidth anticlockwise", -32.5, 6, -(hLoss(32) + hLoss(33)) / 2, 1e-3},
		// Straight behind at the horizon: the front-to-back ratio, the V
		// cut's back half counting only its change from the back horizon.
		{"behind", 180, 0, -25, 1e-3},
		// Straight down: V(90) = 20 dB (side lobe cap).
		{"nadir", 0, 90, -20, 1e-3},
		// Far off to the side and below: capped at the larger cut maximum.
		{"capped", 120, 60, -25, 1e-3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.GainDB(tt.phi, tt.dep, 0); !geo.Near(got, tt.want, tt.tol) {
				t.Errorf("GainDB(φ %g, dep %g) = %.4f dB, want %.4f", tt.phi, tt.dep, got, tt.want)
			}
		})
	}
	t.Run("electrical tilt change", func(t *testing.T) {
		// Tilting 2° further down moves the maximum to 8°.
		if got := p.GainDB(0, 8, 2); !geo.Near(got, 0, 1e-4) {
			t.Errorf("GainDB(0, 8, shift 2) = %.4f dB, want 0", got)
		}
	})
	t.Run("finer cut", func(t *testing.T) {
		q, err := coverage.ParseMSI(strings.NewReader(msiText(msiHeader, 0.5)))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := q.GainDB(32.5, 6, 0), -hLoss(32.5); !geo.Near(got, want, 1e-3) {
			t.Errorf("GainDB(32.5°) from a 0.5° cut = %.4f dB, want the file's %.4f", got, want)
		}
	})
	t.Run("digest ignores comments", func(t *testing.T) {
		q, err := coverage.ParseMSI(strings.NewReader(strings.Replace(msiText(msiHeader, 1), "synthetic test pattern", "another comment", 1)))
		if err != nil {
			t.Fatal(err)
		}
		if q.SHA256 != p.SHA256 || len(p.SHA256) != 64 {
			t.Errorf("digests %q and %q, want the same 64 hex digits", p.SHA256, q.SHA256)
		}
	})
}

func TestParseMSIHeaderVariants(t *testing.T) {
	tests := []struct {
		name     string
		header   string
		wantName string
		wantGain float64
		wantFreq float64
		wantTilt float64
	}{
		{"bare name on the first line", "742215 1710-2180\nGAIN 18.1 dBi\n", "742215 1710-2180", 18.1, 0, 0},
		{"gain in dBd without unit and GHz", "NAME a\nFREQUENCY 1.8 GHz\nGAIN 15\n", "a", 17.15, 1800, 0},
		{"gain unit glued", "NAME b\nGAIN 17.5dBi\nTILT 4\n", "b", 17.5, 0, 4},
		{"lower-case keys and vendor extensions", "name c\ngain 10 dBd\nELECTRICAL_TILT 2\nX_VENDOR_FIELD 7\n", "c", 12.15, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := coverage.ParseMSI(strings.NewReader(msiText(tt.header, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if p.Name != tt.wantName || !geo.Near(p.GainDBi, tt.wantGain, 1e-9) || p.FreqMHz != tt.wantFreq || p.ElecTiltDeg != tt.wantTilt {
				t.Errorf("ParseMSI = name %q gain %g dBi freq %g tilt %g, want %q %g %g %g",
					p.Name, p.GainDBi, p.FreqMHz, p.ElecTiltDeg, tt.wantName, tt.wantGain, tt.wantFreq, tt.wantTilt)
			}
		})
	}
}

func TestParseMSIErrors(t *testing.T) {
	good := msiText(msiHeader, 1)
	lines := strings.Split(good, "\n")
	// msiHeader has 10 lines, then HORIZONTAL 360 on line 11 and the first
	// point on line 12.
	replace := func(n int, s string) string {
		l := append([]string(nil), lines...)
		l[n-1] = s
		return strings.Join(l, "\n")
	}
	tests := []struct {
		name  string
		text  string
		field string
		msg   string
	}{
		{"bad number", replace(15, "3 x.5"), "line 15", "two numbers"},
		{"three columns", replace(12, "0 0 0"), "line 12", "angle attenuation"},
		{"angle out of range", replace(12, "360 0"), "line 12", "outside 0..360"},
		{"repeated angle", replace(13, "0 0.1"), "line 13", "repeats line 12"},
		{"bad gain unit", replace(7, "GAIN 15 dBm"), "line 7", "dBd or dBi"},
		{"bad count", replace(11, "HORIZONTAL many"), "line 11", "point count"},
		{"mechanical tilt in the file", replace(8, "TILT MECHANICAL 4"), "line 8", "mechanical"},
		{"block cut short", strings.Join(lines[:200], "\n"), "line 201", "ends after 189 of 360"},
		{"no vertical block", strings.Join(lines[:371], "\n"), "line 371", "VERTICAL"},
		{"no gain", replace(7, "COMMENT no gain"), "line", "GAIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := coverage.ParseMSI(strings.NewReader(tt.text))
			var ie *coverage.InputError
			if !errors.As(err, &ie) || !strings.HasPrefix(ie.Field, tt.field) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("ParseMSI = %v, want an *InputError at %s mentioning %q", err, tt.field, tt.msg)
			}
		})
	}
}

func TestParametricGainDB(t *testing.T) {
	tests := []struct {
		name                string
		phi, dep, hbw, vbw  float64
		tilt, am, sla, want float64
	}{
		{"boresight", 0, 0, 65, 10, 0, 25, 20, 0},
		{"half horizontal beamwidth", 32.5, 0, 65, 10, 0, 25, 20, -3},
		{"behind, capped at A_m", 180, 0, 65, 10, 0, 25, 20, -25},
		{"wrapped bearing", 360 - 32.5, 0, 65, 10, 0, 25, 20, -3},
		{"half vertical beamwidth below the tilt", 0, 11, 65, 10, 6, 25, 20, -3},
		{"vertical side-lobe cap", 0, -60, 65, 10, 6, 25, 20, -20},
		{"both, capped at A_m", 60, 30, 65, 10, 0, 25, 20, -25},
		{"both, summed", 32.5, 5, 65, 10, 0, 25, 20, -6},
		{"omni ignores azimuth", 150, 0, 0, 10, 0, 25, 20, 0},
		{"no vertical pattern", 0, 45, 65, 0, 0, 25, 20, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := coverage.ParametricGainDB(tt.phi, tt.dep, tt.hbw, tt.vbw, tt.tilt, tt.am, tt.sla)
			if !geo.Near(got, tt.want, 1e-9) {
				t.Errorf("ParametricGainDB(φ %g, θ %g) = %.6f dB, want %.6f", tt.phi, tt.dep, got, tt.want)
			}
		})
	}
}

func ExampleParametricGainDB() {
	// A 65° sector tilted 6° down electrically, seen 32.5° off boresight
	// on the beam's axis: the half-power point.
	fmt.Printf("%.1f dB\n", coverage.ParametricGainDB(32.5, 6, 65, 7, 6, 25, 20))
	// Output: -3.0 dB
}
