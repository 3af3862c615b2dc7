package synth

import (
	"fmt"
	"math"

	"github.com/paulmach/orb/geojson"
)

// The carriers of the demo, by MNC.
const (
	MNCViettel   = "452-04"
	MNCVinaPhone = "452-02"
	MNCMobiFone  = "452-01"
)

// Reason is the rule a proposal was placed to trigger or, for
// ReasonAllowed, placed to trigger none but an allowing one.
type Reason string

// The reasons, with the placement against the thresholds of
// planning/rules/national.yaml. That rule set decides; a test of the
// rules engine compares its verdicts with ExpectedVerdict.
const (
	// ReasonAllowed: APPROVE. On telecommunications land (DBV) or on rural
	// residential land (ONT) with an A1 or A2a structure; at least 50 m
	// beyond every road corridor and fall zone, 300 m from other towers,
	// 600 m from the park and the defence area, 300 m from the heritage.
	ReasonAllowed Reason = "allowed"
	// ReasonRiceLand: CONDITIONAL. At least 50 m inside LUC rice land.
	ReasonRiceLand Reason = "rice-land"
	// ReasonRoadCorridor: CONDITIONAL. A 12 m pole 14 m from the national
	// road's centreline: its footprint is inside the 20 m road corridor.
	ReasonRoadCorridor Reason = "road-corridor"
	// ReasonParkBuffer: CONDITIONAL. On unused hilly land (DCS, no rule)
	// 250 m outside the national park, within its 500 m buffer.
	ReasonParkBuffer Reason = "park-buffer"
	// ReasonNearTower: CONDITIONAL. An A2 tower 120 m from an existing
	// one, within the 200 m sharing distance.
	ReasonNearTower Reason = "near-tower"
	// ReasonHeritageBuffer: CONDITIONAL. 100 m outside protection zone I
	// of the temple (within 200 m of it, inside zone II).
	ReasonHeritageBuffer Reason = "heritage-buffer"
	// ReasonFallZone: CONDITIONAL. A tower whose height exceeds its
	// distance to a road's centreline by 15 m or more. The default rules
	// ask the road authority's consent; they do not forbid it.
	ReasonFallZone Reason = "fall-zone"
	// ReasonProtectionForest: CONDITIONAL. At least 50 m inside RPH
	// protection forest, 650 m outside the park.
	ReasonProtectionForest Reason = "protection-forest"
	// ReasonResidentialTower: CONDITIONAL. A free-standing A2b tower on
	// rural residential land (ONT).
	ReasonResidentialTower Reason = "residential-tower"
	// ReasonSpecialUseForest: CONFLICT. At least 300 m inside the RDD
	// zone and the national park, on a peak of the ridge.
	ReasonSpecialUseForest Reason = "special-use-forest"
	// ReasonDefence: CONFLICT. At the centre of the military zone (CQP
	// land, radius 480–600 m).
	ReasonDefence Reason = "defence"
	// ReasonSecurity: CONFLICT. On the roof of the police compound (CAN
	// land, security area, radius 60–75 m), at its centre.
	ReasonSecurity Reason = "security"
	// ReasonHeritage: CONFLICT. Within 30 m of the centre of the temple's
	// protection zone I (DDT land, radius 190–220 m).
	ReasonHeritage Reason = "heritage"
)

// Proposal is one demo site proposal.
type Proposal struct {
	// Feature is the exact body of POST /v1/proposals: a Point [lon, lat]
	// with carrier, site_code, structure, height_m, antennas and, for
	// free-standing towers (A2), a 10×10 m footprint Polygon.
	Feature *geojson.Feature
	// Site is the same proposal as the domain type.
	Site Site
	// ExpectedVerdict is the verdict the placement aims at. It is a hint
	// for tests: the rules engine decides.
	ExpectedVerdict Verdict
	// Reason is the rule the placement aims at.
	Reason Reason
	// Note explains the placement in English, with the measured distances.
	Note string
}

// placement is a proposal before it becomes a Feature.
type placement struct {
	carrier   string
	at        xy
	structure Structure
	heightM   float64
	verdict   Verdict
	reason    Reason
	note      string
}

// The placement distances of the proposals, in metres.
const (
	corridorGapM    = 14.0 // the road-corridor pole from the QL centreline
	corridorPoleM   = 12.0 // its height
	parkGapM        = 250.0
	forestParkGapM  = 650.0
	towerGapM       = 120.0
	heritageGapM    = 100.0
	fallQLGapM      = 35.0 // a 60 m tower from the QL centreline
	fallDTGapM      = 25.0 // a 40 m tower from the DT centreline
	peakDepthM      = 300.0
	peakSeparationM = 4000.0
	residentialGapM = 80.0 // the Nà Lạn pole east of the valley axis
	footprintHalfM  = 5.0
)

// proposals places the demo proposals on the plan.
func (p *plan) proposals(seed int64) []Proposal {
	s := p.s
	foot := s.footYM
	ql, dt := p.lines[0].pts, p.lines[1].pts
	t1 := p.towers[0].at

	var pl []placement
	add := func(carrier string, at xy, st Structure, h float64, v Verdict, why Reason, note string, args ...any) {
		pl = append(pl, placement{carrier, at, st, h, v, why, fmt.Sprintf(note, args...)})
	}
	A, C, X := Approve, Conditional, Conflict
	A1a, A1b, A2a, A2b, A2c := StructureA1a, StructureA1b, StructureA2a, StructureA2b, StructureA2c

	// APPROVE: planned telecommunications land, and masts in villages.
	allowed := func(carrier string, at xy, st Structure, h float64, where string) {
		add(carrier, at, st, h, A, ReasonAllowed, "%s, %.0f m from the national road", where, lineDistM(at, ql))
	}
	allowed(MNCViettel, p.dbvAt[0], A2b, 45, "tower on the planned telecom lot (DBV) of the western foothills")
	allowed(MNCVinaPhone, xy{-6500, foot(-6500) + 450}, A1b, 15, "mast on a house in Thôn Bản Lầy (ONT)")
	allowed(MNCMobiFone, p.dbvAt[1], A2b, 40, "tower on the planned telecom lot (DBV) of the eastern foothills")
	allowed(MNCViettel, xy{7500, foot(7500) + 450}, A1b, 18, "mast on a house in Thôn Cầu Mẫu (ONT)")
	p5 := xy{s.southXM(p.naLanAt[1]) + residentialGapM, p.naLanAt[1]}
	add(MNCVinaPhone, p5, A2a, 15, A, ReasonAllowed, "15 m pole in Thôn Nà Lạn (ONT), %.0f m from the district road", lineDistM(p5, p.lines[2].pts))
	allowed(MNCMobiFone, xy{-150, foot(-150) + 500}, A1a, 9, "small pole on a house in Thôn Làng Mới (ONT)")

	// CONDITIONAL: one consent each (a few also stand on farmland, which
	// needs consent too), nothing prohibited.
	c1 := xy{-2200, s.valleyYM(-2200) - 150}
	add(MNCViettel, c1, A2b, 36, C, ReasonRiceLand, "on LUC rice land of the main valley, %.0f m from the national road", lineDistM(c1, ql))
	c2 := normalOffset(s.qlYM, -5300, corridorGapM)
	add(MNCVinaPhone, c2, A2a, corridorPoleM, C, ReasonRoadCorridor,
		"%.0f m pole %.1f m from the QL centreline: the footprint is inside the 20 m road corridor", corridorPoleM, lineDistM(c2, ql))
	c3 := p.outside(p.rdd, xy{-600, p.lowAt(-600) - parkGapM}, xy{0, -1}, parkGapM)
	add(MNCViettel, c3, A2b, 30, C, ReasonParkBuffer,
		"on unused hilly land (DCS) %.0f m below the boundary of the national park, within its 500 m buffer", lineDistM(c3, p.rdd))
	c4 := xy{t1[0] + towerGapM*math.Sin(120*math.Pi/180), t1[1] + towerGapM*math.Cos(120*math.Pi/180)}
	add(MNCMobiFone, c4, A2b, 40, C, ReasonNearTower,
		"%.0f m from the existing Viettel tower at Bản Lầy, within the 200 m sharing distance (on CLN land)", math.Hypot(c4[0]-t1[0], c4[1]-t1[1]))
	c5 := p.outside(p.heritage, xy{p.heritageAt[0], p.heritageAt[1] + 220 + heritageGapM}, xy{0, 1}, heritageGapM)
	add(MNCViettel, c5, A2a, 15, C, ReasonHeritageBuffer,
		"%.0f m north of protection zone I of Đền Mẫu Thượng, inside zone II (on CLN land)", lineDistM(c5, p.heritage))
	c6 := normalOffset(s.qlYM, 6200, fallQLGapM)
	add(MNCMobiFone, c6, A2c, 60, C, ReasonFallZone,
		"60 m tower %.1f m from the QL centreline: its fall zone covers the road (on CLN land)", lineDistM(c6, ql))
	c7y := p.stripLUC[1][0] + 0.5*(p.stripLUC[1][1]-p.stripLUC[1][0])
	c7 := normalOffsetV(func(y float64) float64 { return s.sideXM(1, y) + 60 }, c7y, fallDTGapM)
	add(MNCVinaPhone, c7, A2b, 40, C, ReasonFallZone,
		"40 m tower %.1f m from the DT centreline: its fall zone covers the road (on LUC land)", lineDistM(c7, dt))
	c8 := p.outside(p.rdd, xy{2000, p.highAt(2000) + forestParkGapM}, xy{0, 1}, forestParkGapM)
	add(MNCMobiFone, c8, A2b, 30, C, ReasonProtectionForest,
		"in the protection forest (RPH) north of the ridge, %.0f m from the national park", lineDistM(c8, p.rdd))
	c9 := xy{2500, foot(2500) + 350}
	add(MNCVinaPhone, c9, A2b, 40, C, ReasonResidentialTower,
		"40 m free-standing tower in Bản Phiêng Cọ (ONT), %.0f m from the nearest existing tower", p.nearestTowerM(c9))

	// CONFLICT: one prohibition each.
	peak1 := p.peak(math.NaN())
	peak2 := p.peak(peak1[0])
	add(MNCViettel, peak1, A2b, 45, X, ReasonSpecialUseForest,
		"on the highest peak of the ridge (%.0f m), %.0f m inside the national park", p.heightM(peak1), depthM(peak1, p.rdd))
	add(MNCMobiFone, peak2, A2a, 20, X, ReasonSpecialUseForest,
		"on a second peak (%.0f m), %.0f m inside the national park", p.heightM(peak2), depthM(peak2, p.rdd))
	add(MNCVinaPhone, p.cqpAt, A2b, 40, X, ReasonDefence,
		"in the middle of the military zone Đồi Mẫu (CQP), %.0f m inside it", depthM(p.cqpAt, p.cqp))
	x4 := xy{p.heritageAt[0] + 20, p.heritageAt[1] + 20}
	add(MNCViettel, x4, A1a, 8, X, ReasonHeritage,
		"on a building inside protection zone I of Đền Mẫu Thượng (DDT), %.0f m inside it", depthM(x4, p.heritage))
	add(MNCVinaPhone, p.canAt, A1b, 12, X, ReasonSecurity,
		"on the roof of the commune police compound (CAN), %.0f m inside it", depthM(p.canAt, p.can))

	r := newRNG(seed, streamProposals)
	seq := map[string]int{}
	out := make([]Proposal, len(pl))
	for i, q := range pl {
		seq[q.carrier]++
		out[i] = p.proposal(q, seq[q.carrier], r)
	}
	return out
}

// highAt returns the park's northern edge at the lattice column nearest x.
func (p *plan) highAt(x float64) float64 { return p.rddHi[p.column(x)] }

// lowAt returns the park's southern edge at the lattice column nearest x.
func (p *plan) lowAt(x float64) float64 { return p.rddLo[p.column(x)] }

func (p *plan) column(x float64) int {
	best, at := math.Inf(1), 0
	for i, c := range p.cols {
		if d := math.Abs(c - x); d < best {
			best, at = d, i
		}
	}
	return at
}

// nearestTowerM is the distance from at to the nearest existing tower.
func (p *plan) nearestTowerM(at xy) float64 {
	d := math.Inf(1)
	for _, t := range p.towers {
		d = math.Min(d, math.Hypot(at[0]-t.at[0], at[1]-t.at[1]))
	}
	return d
}

// outside moves start along the unit vector dir (pointing away from ring r)
// until it lies gapM outside the ring.
func (p *plan) outside(r []xy, start, dir xy, gapM float64) xy {
	at := start
	for i := 0; i < 50; i++ {
		d := -depthM(at, r)
		if math.Abs(d-gapM) < 0.01 {
			break
		}
		at = xy{at[0] + dir[0]*(gapM-d), at[1] + dir[1]*(gapM-d)}
	}
	return at
}

// normalOffset returns the point dM to the left (north for an eastward
// curve) of the west–east curve y = f(x) at x, along the curve's normal.
func normalOffset(f curve, x, dM float64) xy {
	const h = 0.5
	slope := (f(x+h) - f(x-h)) / (2 * h)
	n := math.Hypot(1, slope)
	return xy{x - dM*slope/n, f(x) + dM/n}
}

// normalOffsetV returns the point dM to the right (east for a northward
// curve) of the south–north curve x = f(y) at y, along the curve's normal.
func normalOffsetV(f curve, y, dM float64) xy {
	const h = 0.5
	slope := (f(y+h) - f(y-h)) / (2 * h)
	n := math.Hypot(1, slope)
	return xy{f(y) + dM/n, y - dM*slope/n}
}

// peak returns the highest point of the crest, at least peakDepthM inside
// the park and at least peakSeparation away in x from notNearX (NaN: any).
func (p *plan) peak(notNearX float64) xy {
	S := p.halfM
	best, at := math.Inf(-1), xy{}
	for i, x := range p.cols {
		if x < -S+1500 || x > S-1500 || math.Abs(x-notNearX) < peakSeparationM {
			continue
		}
		for y := p.rddLo[i] + peakDepthM; y <= p.rddHi[i]-peakDepthM; y += 50 {
			c := xy{x, y}
			if h := p.heightM(c); h > best && depthM(c, p.rdd) >= peakDepthM {
				best, at = h, c
			}
		}
	}
	return at
}

// proposal turns a placement into the POST body and the domain Site; n is
// the carrier's sequence number.
func (p *plan) proposal(q placement, n int, r *rng) Proposal {
	prefix := map[string]string{MNCViettel: "VT", MNCVinaPhone: "VNP", MNCMobiFone: "MBF"}[q.carrier]
	site := Site{
		Carrier:   q.carrier,
		Code:      fmt.Sprintf("SYN-%s-%02d", prefix, n),
		Location:  p.f.point(q.at),
		Structure: q.structure,
		HeightM:   q.heightM,
		Antennas:  antennas(q.carrier, n, r),
	}
	props := geojson.Properties{
		"carrier":   site.Carrier,
		"site_code": site.Code,
		"structure": string(site.Structure),
		"height_m":  site.HeightM,
	}
	// Free-standing towers (A2) come with their 10×10 m footprint.
	if q.structure != StructureA1a && q.structure != StructureA1b {
		c := q.at
		h := footprintHalfM
		sq := []xy{{c[0] - h, c[1] - h}, {c[0] + h, c[1] - h}, {c[0] + h, c[1] + h}, {c[0] - h, c[1] + h}, {c[0] - h, c[1] - h}}
		site.Footprint = p.f.polygon(sq)
		props["footprint"] = geojson.NewGeometry(site.Footprint)
	}
	ants := make([]any, len(site.Antennas))
	for i, a := range site.Antennas {
		ants[i] = map[string]any{
			"azimuth_deg": a.AzimuthDeg,
			"tilt_deg":    a.TiltDeg,
			"band_mhz":    a.BandMHz,
			"eirp_dbm":    a.EIRPdBm,
			"technology":  a.Technology,
		}
	}
	props["antennas"] = ants
	f := geojson.NewFeature(site.Location)
	f.Properties = props
	return Proposal{Feature: f, Site: site, ExpectedVerdict: q.verdict, Reason: q.reason, Note: q.note}
}

// antennas returns three sectors: LTE on every site, NR on every second
// site of a carrier, on the carrier's usual bands.
func antennas(carrier string, n int, r *rng) []Antenna {
	lte, nr := 1800.0, 2600.0
	switch carrier {
	case MNCVinaPhone:
		lte, nr = 2100, 3700
	case MNCMobiFone:
		nr = 3500
	}
	band, tech, eirp := lte, "LTE", 59.0
	if n%2 == 0 {
		band, tech, eirp = nr, "NR", 62.0
	}
	az := float64(r.intn(120))
	tilt := float64(2 + r.intn(5))
	out := make([]Antenna, 3)
	for i := range out {
		out[i] = Antenna{AzimuthDeg: az + 120*float64(i), TiltDeg: tilt, BandMHz: band, EIRPdBm: eirp, Technology: tech}
	}
	return out
}
