package coverage

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// patternSteps is the number of table entries per 360°: patterns are
// resampled to 0.1° so that files with finer cuts keep their detail and
// lookups need no search.
const patternSteps = 3600

// Pattern is an antenna's radiation pattern as two cuts of attenuation
// relative to the maximum, in dB (0 at the maximum, positive below it).
//
// H is the horizontal cut by azimuth offset from boresight, clockwise seen
// from above, 0..360°. V is the vertical cut in the Planet convention:
// 0° is the horizon in front, 90° straight down, 180° the horizon behind
// and 270° straight up. Both are stored every 0.1°, linearly interpolated
// (circularly) from the file's points.
type Pattern struct {
	Name        string
	Make        string
	FreqMHz     float64 // 0 when the file does not say
	GainDBi     float64 // boresight gain; the file's dBd plus 2.15
	ElecTiltDeg float64 // the electrical downtilt the V cut was measured at
	H, V        [patternSteps]float32
	// SHA256 is the hex digest of the gain, tilt and both tables: two
	// files that differ only in comments or spacing digest the same.
	SHA256 string
}

// dBdToDBi converts gain over a half-wave dipole to gain over isotropic.
const dBdToDBi = 2.15

// ParseMSI reads an antenna pattern in the Planet (.msi, .pln) text
// format: header lines "KEYWORD value" (NAME, MAKE, FREQUENCY, GAIN,
// TILT, ...; the first line may be a bare name) and two blocks
// "HORIZONTAL n" and "VERTICAL n", each followed by n lines "angle
// attenuation". GAIN is in dBd unless followed by "dBi"; FREQUENCY may
// carry MHz or GHz; TILT may say ELECTRICAL or MECHANICAL (a mechanical
// tilt baked into a file is rejected: give it as Sector.MechTiltDeg).
// Attenuations are the dB below the maximum and are written without a
// sign; a minus sign, written by some exporters, is ignored. Unknown
// keywords are vendor extensions and are skipped.
//
// Errors are *InputError values whose Field is "line N" (1-based).
func ParseMSI(r io.Reader) (*Pattern, error) {
	p := &Pattern{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var hPts, vPts []anglePoint
	var seenH, seenV, seenGain bool
	line := 0
	lineErr := func(format string, args ...any) error {
		return &InputError{Field: fmt.Sprintf("line %d", line), Err: fmt.Errorf(format, args...)}
	}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" {
			continue
		}
		fields := strings.Fields(text)
		key := strings.ToUpper(fields[0])
		rest := strings.TrimSpace(text[len(fields[0]):])
		switch key {
		case "NAME":
			p.Name = rest
		case "MAKE":
			p.Make = rest
		case "FREQUENCY":
			f, err := parseFrequency(fields[1:])
			if err != nil {
				return nil, lineErr("FREQUENCY: %v", err)
			}
			p.FreqMHz = f
		case "GAIN":
			g, err := parseGain(fields[1:])
			if err != nil {
				return nil, lineErr("GAIN: %v", err)
			}
			p.GainDBi = g
			seenGain = true
		case "TILT", "ELECTRICAL_TILT":
			t, mech, err := parseTilt(fields[1:])
			if err != nil {
				return nil, lineErr("%s: %v", key, err)
			}
			if mech && t != 0 {
				return nil, lineErr("TILT: a mechanical tilt of %g° in the file; give it as the sector's mechanical tilt and use the untilted pattern", t)
			}
			if !mech {
				p.ElecTiltDeg = t
			}
		case "HORIZONTAL", "VERTICAL":
			if len(fields) != 2 {
				return nil, lineErr("%s: want \"%s n\"", key, key)
			}
			n, err := strconv.Atoi(fields[1])
			if err != nil || n < 2 || n > 36000 {
				return nil, lineErr("%s: %q is not a point count in 2..36000", key, fields[1])
			}
			if key == "HORIZONTAL" && seenH || key == "VERTICAL" && seenV {
				return nil, lineErr("a second %s block", key)
			}
			pts := make([]anglePoint, 0, n)
			for len(pts) < n {
				if !sc.Scan() {
					if err := sc.Err(); err != nil {
						return nil, lineErr("%v", err)
					}
					line++
					return nil, lineErr("%s block ends after %d of %d points", key, len(pts), n)
				}
				line++
				f := strings.Fields(sc.Text())
				if len(f) == 0 {
					continue
				}
				if len(f) != 2 {
					return nil, lineErr("want \"angle attenuation\", got %q", strings.TrimSpace(sc.Text()))
				}
				a, err1 := strconv.ParseFloat(f[0], 64)
				v, err2 := strconv.ParseFloat(f[1], 64)
				if err1 != nil || err2 != nil || !finite(a, v) {
					return nil, lineErr("want two numbers, got %q", strings.TrimSpace(sc.Text()))
				}
				if a < 0 || a >= 360 {
					return nil, lineErr("angle %g is outside 0..360", a)
				}
				if math.Abs(v) > 200 {
					return nil, lineErr("attenuation %g dB is beyond 200 dB", v)
				}
				pts = append(pts, anglePoint{a, math.Abs(v), line})
			}
			if key == "HORIZONTAL" {
				hPts, seenH = pts, true
			} else {
				vPts, seenV = pts, true
			}
		default:
			if line == 1 && p.Name == "" && !isKnownKeyword(key) {
				// Some vendors leave out the NAME token on the first line.
				p.Name = text
			}
			// Other keywords (H_WIDTH, V_WIDTH, FRONT_TO_BACK, POLARIZATION,
			// COMMENT and vendor extensions) carry nothing we compute with.
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &InputError{Field: fmt.Sprintf("line %d", line+1), Err: err}
	}
	if !seenH || !seenV {
		return nil, &InputError{Field: fmt.Sprintf("line %d", line), Err: fmt.Errorf("the file needs both a HORIZONTAL and a VERTICAL block")}
	}
	if !seenGain {
		return nil, &InputError{Field: fmt.Sprintf("line %d", line), Err: fmt.Errorf("the file has no GAIN line")}
	}
	if err := fillTable(&p.H, hPts); err != nil {
		return nil, err
	}
	if err := fillTable(&p.V, vPts); err != nil {
		return nil, err
	}
	p.SHA256 = p.digest()
	return p, nil
}

func isKnownKeyword(k string) bool {
	switch k {
	case "H_WIDTH", "V_WIDTH", "FRONT_TO_BACK", "POLARIZATION", "COMMENT", "ELECTRICAL_TILT":
		return true
	}
	return false
}

type anglePoint struct {
	deg, lossDB float64
	line        int
}

// fillTable sorts pts by angle and interpolates them, circularly, into t.
func fillTable(t *[patternSteps]float32, pts []anglePoint) error {
	slices.SortStableFunc(pts, func(a, b anglePoint) int {
		switch {
		case a.deg < b.deg:
			return -1
		case a.deg > b.deg:
			return 1
		}
		return 0
	})
	for i := 1; i < len(pts); i++ {
		if pts[i].deg == pts[i-1].deg {
			return &InputError{Field: fmt.Sprintf("line %d", pts[i].line),
				Err: fmt.Errorf("angle %g repeats line %d", pts[i].deg, pts[i-1].line)}
		}
	}
	n := len(pts)
	j := 0 // pts[j-1].deg <= a < pts[j].deg, circularly
	for i := range t {
		a := float64(i) * 360 / patternSteps
		for j < n && pts[j].deg <= a {
			j++
		}
		lo, hi := pts[(j-1+n)%n], pts[j%n]
		span := hi.deg - lo.deg
		off := a - lo.deg
		if span <= 0 {
			span += 360
		}
		if off < 0 {
			off += 360
		}
		t[i] = float32(lo.lossDB + (hi.lossDB-lo.lossDB)*off/span)
	}
	return nil
}

func parseFrequency(f []string) (float64, error) {
	if len(f) == 0 {
		return 0, fmt.Errorf("no value")
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil || !finite(v) || v <= 0 {
		return 0, fmt.Errorf("%q is not a frequency", f[0])
	}
	if len(f) > 1 {
		switch strings.ToUpper(f[1]) {
		case "MHZ":
		case "GHZ":
			v *= 1000
		case "KHZ":
			v /= 1000
		default:
			return 0, fmt.Errorf("unit %q is not MHz, GHz or kHz", f[1])
		}
	}
	return v, nil
}

func parseGain(f []string) (float64, error) {
	if len(f) == 0 {
		return 0, fmt.Errorf("no value")
	}
	s := f[0]
	unit := ""
	if len(f) > 1 {
		unit = strings.ToUpper(f[1])
	} else if up := strings.ToUpper(s); strings.HasSuffix(up, "DBI") || strings.HasSuffix(up, "DBD") {
		// "17.5dBi" with no space.
		unit, s = up[len(up)-3:], s[:len(s)-3]
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !finite(v) || math.Abs(v) > 60 {
		return 0, fmt.Errorf("%q is not a gain", f[0])
	}
	switch unit {
	case "", "DBD":
		return v + dBdToDBi, nil
	case "DBI":
		return v, nil
	}
	return 0, fmt.Errorf("unit %q is not dBd or dBi", f[1])
}

// parseTilt reads "6", "ELECTRICAL 6", "6 ELECTRICAL", "MECHANICAL 2" or
// "6°".
func parseTilt(f []string) (deg float64, mechanical bool, err error) {
	found := false
	for _, s := range f {
		switch strings.ToUpper(s) {
		case "ELECTRICAL", "ELECTRIC", "E":
			continue
		case "MECHANICAL", "M":
			mechanical = true
			continue
		}
		v, perr := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(s, "°"), "deg"), 64)
		if perr != nil || !finite(v) || math.Abs(v) > 90 || found {
			return 0, false, fmt.Errorf("%q is not a tilt in degrees", strings.Join(f, " "))
		}
		deg, found = v, true
	}
	if !found {
		return 0, false, fmt.Errorf("no value")
	}
	return deg, mechanical, nil
}

func (p *Pattern) digest() string {
	h := sha256.New()
	var b [8]byte
	for _, v := range []float64{p.GainDBi, p.ElecTiltDeg} {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	for _, t := range [...]*[patternSteps]float32{&p.H, &p.V} {
		for _, v := range t {
			binary.LittleEndian.PutUint32(b[:4], math.Float32bits(v))
			h.Write(b[:4])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// lookup returns the table value at angle deg, wrapped into 0..360 and
// linearly interpolated between the 0.1° entries.
func lookup(t *[patternSteps]float32, deg float64) float64 {
	x := deg * (patternSteps / 360.0)
	x -= math.Floor(x/patternSteps) * patternSteps
	i := int(x)
	if i >= patternSteps { // x rounded up to patternSteps
		i = 0
		x = 0
	}
	f := x - float64(i)
	j := i + 1
	if j == patternSteps {
		j = 0
	}
	a, b := float64(t[i]), float64(t[j])
	return a + (b-a)*f
}

// maxOf returns the largest entry of t.
func maxOf(t *[patternSteps]float32) float64 {
	m := float32(0)
	for _, v := range t {
		m = max(m, v)
	}
	return float64(m)
}

// ParametricGainDB is the 3GPP TR 36.814 (table A.2.1.1-2) sector
// pattern: the gain in dB relative to boresight, ≤ 0, toward a direction
// phiDeg off boresight in azimuth and depDeg below the antenna's
// horizontal plane (both in the antenna's own frame, after mechanical
// tilt):
//
//	A_h = -min(12·(φ/φ3dB)², A_m)
//	A_v = -min(12·((θ - θ_tilt)/θ3dB)², SLA_v)
//	A   = -min(-(A_h + A_v), A_m)
//
// with θ_tilt = elecTiltDeg. A horizontal beamwidth of 0 or ≥ 360° makes
// A_h = 0 (omnidirectional); a vertical beamwidth of 0 makes A_v = 0.
func ParametricGainDB(phiDeg, depDeg, hBeamwidthDeg, vBeamwidthDeg, elecTiltDeg, amDB, slaDB float64) float64 {
	var ah, av float64
	if hBeamwidthDeg > 0 && hBeamwidthDeg < 360 {
		r := wrap180(phiDeg) / hBeamwidthDeg
		ah = min(12*r*r, amDB)
	}
	if vBeamwidthDeg > 0 {
		r := (depDeg - elecTiltDeg) / vBeamwidthDeg
		av = min(12*r*r, slaDB)
	}
	return -min(ah+av, amDB)
}

// wrap180 returns deg wrapped into (-180, 180].
func wrap180(deg float64) float64 {
	deg = math.Mod(deg, 360)
	switch {
	case deg > 180:
		deg -= 360
	case deg <= -180:
		deg += 360
	}
	return deg
}

// GainDB returns the pattern's gain in dB relative to its maximum, ≤ 0,
// toward phiDeg off boresight in azimuth (clockwise) and depDeg below the
// horizontal (both in the antenna's frame), with the vertical cut moved
// down by vShiftDeg (a change of electrical tilt).
//
// The two cuts are combined by summing their attenuations, the usual
// product of the cuts in linear terms, with the vertical cut blended from
// its front half to its back half as the direction turns from boresight
// (weight |φ|/180) and its back half taken relative to the horizon behind
// (which the horizontal cut already holds, as the front-to-back ratio)
// and never negative.
// Both cuts are reproduced exactly in their own planes for an untilted
// antenna. The sum is capped at the larger of the two cuts' greatest
// attenuation, the A_m cap of the parametric model.
func (p *Pattern) GainDB(phiDeg, depDeg, vShiftDeg float64) float64 {
	return p.gainDB(phiDeg, depDeg, vShiftDeg, max(maxOf(&p.H), maxOf(&p.V)))
}

// gainDB is GainDB with the cap precomputed, for the per-cell loop.
func (p *Pattern) gainDB(phiDeg, depDeg, vShiftDeg, capDB float64) float64 {
	phi := wrap180(phiDeg)
	w := math.Abs(phi) / 180
	dep := depDeg - vShiftDeg
	front := lookup(&p.V, dep)
	// The back half relative to the horizon behind, never below 0: a back
	// lobe tilted down must not make the front-to-back ratio of the
	// horizontal cut smaller, nor lift the main lobe off its -3 dB points.
	back := max(lookup(&p.V, 180-dep)-float64(p.V[patternSteps/2]), 0)
	loss := lookup(&p.H, phi) + (1-w)*front + w*back
	return -min(max(loss, 0), capDB)
}
