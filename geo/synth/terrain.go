package synth

import "math"

// The layout of the landscape on the local frame, in metres. The main
// valley runs west–east south of the centre, the main ridge west–east
// north of it; side valleys climb from the main valley into the foothills
// (two to the north, one to the south). Seeded phases bend them.
const (
	valleyYM        = -3500.0 // mean northing of the main valley axis
	valleyAmpM      = 450.0   // its meander amplitude
	valleyWaveM     = 4500.0  // its meander wavelength / 2π
	ridgeYM         = 3500.0  // mean northing of the main ridge crest
	ridgeAmpM       = 350.0
	ridgeWaveM      = 5200.0
	ridgeEfoldM     = 2800.0 // e-folding half-width of the ridge profile
	sideAmpM        = 250.0  // meander amplitude of the side valleys
	qlOffsetM       = 320.0  // the national road runs this far north of the valley axis
	footOffsetM     = 335.0  // the foothills start this far north of the valley axis
	rddMaxHalfM     = 2200.0 // the park reaches at most this far from the crest
	rddMinHalfM     = 300.0  // and at least this far
	foothillTopM    = 2700.0 // the foothills end this far south of the crest
	northForestM    = 3000.0 // protection forest north of the crest ends here
	powerOffsetM    = 4800.0 // the 110 kV line runs this far north of the crest
	parkContourM    = 900.0  // the park follows the terrain above this height
	southValleyLenM = 9000.0 // the southern side valley climbs over this length
)

// The nominal eastings of the northern side valleys: Khe Mẫu (no road)
// and Nậm Mẫu (with the provincial road).
const (
	sideValleyWestXM = -3000.0
	sideValleyEastXM = 4500.0
	sideValleys      = 2
)

// southValleyXM is the nominal easting of the southern side valley (Nà Lạn,
// with the district road).
const southValleyXM = -1000.0

// shape holds the seeded phases of the landscape; its methods give the
// axis lines and the terrain height at any local position.
type shape struct {
	seed                 uint64
	phV, phR, phC1, phC2 float64
	phSide               [sideValleys]float64
	phSouth, phPower     float64
}

func newShape(seed int64) *shape {
	r := newRNG(seed, streamTerrain)
	s := &shape{seed: r.next()}
	ph := func() float64 { return r.between(0, 2*math.Pi) }
	s.phV, s.phR, s.phC1, s.phC2 = ph(), ph(), ph(), ph()
	s.phSide[0], s.phSide[1] = ph(), ph()
	s.phSouth, s.phPower = ph(), ph()
	return s
}

// valleyYM is the northing of the main valley axis at easting xM.
func (s *shape) valleyYM(xM float64) float64 {
	return valleyYM + valleyAmpM*math.Sin(xM/valleyWaveM+s.phV)
}

// ridgeYM is the northing of the main ridge crest at easting xM.
func (s *shape) ridgeYM(xM float64) float64 {
	return ridgeYM + ridgeAmpM*math.Sin(xM/ridgeWaveM+s.phR)
}

// qlYM is the northing of the national road's centreline.
func (s *shape) qlYM(xM float64) float64 { return s.valleyYM(xM) + qlOffsetM }

// footYM is where the foothills (and the farmland) start, north of the road.
func (s *shape) footYM(xM float64) float64 { return s.valleyYM(xM) + footOffsetM }

// foothillTopYM is where the foothills end and the protection forest starts.
func (s *shape) foothillTopYM(xM float64) float64 { return s.ridgeYM(xM) - foothillTopM }

// sideXM is the easting of northern side valley k at northing yM.
func (s *shape) sideXM(k int, yM float64) float64 {
	if k == 0 {
		return sideValleyWestXM + sideAmpM*math.Sin(yM/1700+s.phSide[0])
	}
	return sideValleyEastXM + sideAmpM*math.Sin(yM/1900+s.phSide[1])
}

// southXM is the easting of the southern side valley at northing yM.
func (s *shape) southXM(yM float64) float64 {
	return southValleyXM + sideAmpM*math.Sin(yM/1600+s.phSouth)
}

// powerYM is the northing of the 110 kV line, on the northern slopes.
func (s *shape) powerYM(xM float64) float64 {
	return s.ridgeYM(xM) + powerOffsetM + 150*math.Sin(xM/2700+s.phPower)
}

// floorM is the height of the main valley floor: the river falls from
// west to east, 60–190 m across the tile and about 105–145 m in the district.
func (s *shape) floorM(xM float64) float64 {
	return math.Min(190, math.Max(60, 125-xM/500))
}

// heightM is the terrain height in metres at a local position: valley
// floor plus hills plus the main ridge, carved by the main and the side
// valleys. It is smooth, deterministic and defined everywhere.
func (s *shape) heightM(xM, yM float64) float64 {
	floor := s.floorM(xM)
	hills := 280 + 230*s.fbm(xM, yM)
	// The ridge: its crest height varies along the ridge, its width varies
	// with a slow noise so that spurs run down its flanks, and it fades
	// out 30–50 km east and west of the district.
	d := yM - s.ridgeYM(xM)
	crest := 860 + 110*math.Sin(xM/3300+s.phC1) + 50*math.Sin(xM/1250+s.phC2)
	crest *= 1 - 0.65*smoothstep(30000, 50000, math.Abs(xM))
	w := ridgeEfoldM * (1 + 0.35*s.valueNoise(xM/2500, yM/2500, 7))
	h0 := floor + hills + crest*math.Exp(-d*d/(w*w))

	vy := s.valleyYM(xM)
	h := carve(h0, floor, math.Abs(yM-vy), 350, 1100, 1)
	if yM >= vy {
		for k := 0; k < sideValleys; k++ {
			sx := s.sideXM(k, yM)
			dx := math.Abs(xM - sx)
			if dx > 130+4*500 {
				continue
			}
			head := s.foothillTopYM(sx) - 100
			w := 1 - smoothstep(head-800, head, yM)
			if w <= 0 {
				continue
			}
			t := clamp01((yM - vy) / (head - vy))
			fl := s.floorM(sx) + 30 + 200*t
			h = math.Min(h, carve(h0, fl, dx, 130, 500, w))
		}
	} else {
		sx := s.southXM(yM)
		if dx := math.Abs(xM - sx); dx <= 130+4*500 {
			head := vy - southValleyLenM
			w := smoothstep(head, head+800, yM)
			if w > 0 {
				t := clamp01((vy - yM) / southValleyLenM)
				fl := s.floorM(sx) + 30 + 200*t
				h = math.Min(h, carve(h0, fl, dx, 130, 500, w))
			}
		}
	}
	return h
}

// carve lowers h0 towards the valley floor fl at distance dM from a valley
// axis: flat within flatM, then a Gaussian flank of e-folding efoldM; w in
// [0, 1] fades the valley out at its head.
func carve(h0, fl, dM, flatM, efoldM, w float64) float64 {
	v := 1.0
	if dM > flatM {
		e := (dM - flatM) / efoldM
		v = math.Exp(-e * e)
	}
	return fl + (h0-fl)*(1-w*v)
}

// fbm is five octaves of value noise, wavelengths 6 km down to 375 m,
// normalised to [-1, 1].
func (s *shape) fbm(xM, yM float64) float64 {
	sum, amp, wave := 0.0, 1.0, 6000.0
	for o := uint64(0); o < 5; o++ {
		off := float64(o)
		sum += amp * s.valueNoise(xM/wave+0.37*off, yM/wave-0.61*off, o)
		amp *= 0.5
		wave *= 0.5
	}
	return sum / 1.9375
}

// valueNoise interpolates hashed lattice values in [-1, 1] with a quintic
// fade, so the field and its slope are continuous.
func (s *shape) valueNoise(u, v float64, octave uint64) float64 {
	fu, fv := math.Floor(u), math.Floor(v)
	iu, iv := int64(fu), int64(fv)
	tu, tv := fade(u-fu), fade(v-fv)
	a := s.lattice(iu, iv, octave)
	b := s.lattice(iu+1, iv, octave)
	c := s.lattice(iu, iv+1, octave)
	d := s.lattice(iu+1, iv+1, octave)
	top := a + (b-a)*tu
	bot := c + (d-c)*tu
	return top + (bot-top)*tv
}

func (s *shape) lattice(iu, iv int64, octave uint64) float64 {
	h := mix64(s.seed ^ (octave+1)*0xD6E8FEB86659FD93 ^ uint64(iu)*0x9E3779B97F4A7C15)
	h = mix64(h ^ uint64(iv)*0xC2B2AE3D27D4EB4F)
	return float64(h>>11)/(1<<52) - 1
}

func fade(t float64) float64 { return t * t * t * (t*(t*6-15) + 10) }

func smoothstep(a, b, x float64) float64 {
	t := clamp01((x - a) / (b - a))
	return t * t * (3 - 2*t)
}

func clamp01(t float64) float64 { return math.Min(1, math.Max(0, t)) }
