package synth

import (
	"fmt"
	"math"

	"btsplan/geo"
)

// zone is one polygon of a layer in local metres: exterior ring
// counter-clockwise first, then the holes clockwise.
type zone struct {
	category, name string
	rings          [][]xy
}

// village is a settlement point with its population; category "" is a
// village.
type village struct {
	name       string
	category   string
	at         xy
	population int
}

// tower is an existing tower of a carrier.
type tower struct {
	name      string
	owner     string // carrier MNC
	at        xy
	heightM   float64
	structure Structure
}

// line is a corridor: a road or a power line.
type line struct {
	category, name string
	pts            []xy
}

// notch is a village cut into the bottom of a foothill block: its ONT
// polygon spans [x0M, x1M] and reaches depthM north of the foothill line.
type notch struct {
	x0M, x1M, depthM float64
	village          string
	population       int
}

// plan is the district laid out in local metres.
type plan struct {
	s     *shape
	f     frame
	dem   *geo.Grid
	halfM float64 // half the side of the district

	cols         []float64 // the lattice eastings from -halfM to halfM
	rddLo, rddHi []float64 // the park's southern and northern edge per column
	rdd          []xy      // the park (RDD) ring

	heritage, heritage2 []xy // protection zones I and II (outer ring), counter-clockwise
	cqp, can            []xy // the defence area and the police compound
	dbv                 [2][]xy
	heritageAt, cqpAt   xy
	canAt               xy
	dbvAt               [2]xy

	landuse  []zone
	villages []village
	towers   []tower
	lines    []line // QL, DT, DH, 110 kV

	// where the proposals go
	stripLUC      [sideValleys][2]float64 // y range of the rice land in the northern side valleys
	southLUC      [2]float64              // y range of the rice land in the southern side valley
	unusedX       [2]float64              // x range of the unused hilly land below the park
	notches       [3][]notch              // per foothill block
	dtTopYM       float64                 // the provincial road ends here
	naLanAt       xy                      // the village of the southern side valley
	villageOntMid [sideValleys]float64    // y of the middle of the side-valley villages
}

// The land-use codes of the demo (the national land-use classification).
const (
	catRDD = "RDD" // special-use forest
	catRPH = "RPH" // protection forest
	catRSX = "RSX" // production forest
	catLUC = "LUC" // paddy rice land
	catHNK = "HNK" // other annual crops
	catCLN = "CLN" // perennial crops
	catONT = "ONT" // rural residential
	catDGT = "DGT" // transport
	catDDT = "DDT" // historical and cultural relic
	catCQP = "CQP" // defence
	catCAN = "CAN" // security
	catDBV = "DBV" // post and telecommunications infrastructure
	catDCS = "DCS" // unused hilly land
)

// The categories of the other layer kinds, as planning/rules/national.yaml
// names them.
const (
	catNationalPark = "national_park"
	catZone1        = "zone_1" // heritage protection zone I
	catZone2        = "zone_2" // heritage protection zone II
	catMilitaryZone = "military_zone"
	catSecurityArea = "security_area"
	catRoadNational = "road_national"   // quốc lộ (QL)
	catRoadProv     = "road_provincial" // đường tỉnh (ĐT)
	catRoadLocal    = "road_local"      // đường huyện (ĐH)
	catPower110kV   = "power_110kv"
	catVillage      = "village"
	catTowerA2      = "tower_a2" // free-standing tower
)

func newPlan(s *shape, f frame, dem *geo.Grid, halfM float64, seed int64) (*plan, error) {
	p := &plan{s: s, f: f, dem: dem, halfM: halfM}
	r := newRNG(seed, streamLayout)
	p.columns()
	if err := p.park(); err != nil {
		return nil, err
	}
	p.layout(r)
	p.gapSettlements()
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

// heightM samples the DEM (bilinear) at a local position.
func (p *plan) heightM(at xy) float64 { return p.dem.Bilinear(p.f.exact(at)) }

func (p *plan) columns() {
	S := p.halfM
	p.cols = append(p.cols, -S)
	for k := math.Ceil(-S / latticeM); k*latticeM < S; k++ {
		if x := k * latticeM; x > -S+0.5 && x < S-0.5 {
			p.cols = append(p.cols, x)
		}
	}
	p.cols = append(p.cols, S)
}

// park traces the national park (RDD) along the crest: in every column,
// the stretch around the crest where the DEM stays above parkContourM,
// at least rddMinHalfM and at most rddMaxHalfM from the crest.
func (p *plan) park() error {
	n := len(p.cols)
	p.rddLo, p.rddHi = make([]float64, n), make([]float64, n)
	for i, x := range p.cols {
		yc := p.s.ridgeYM(x)
		p.rddLo[i] = yc - p.contourM(x, yc, -1)
		p.rddHi[i] = yc + p.contourM(x, yc, +1)
	}
	lower := make([]xy, 0, 2*n+1)
	for i, x := range p.cols {
		lower = append(lower, xy{x, p.rddLo[i]})
	}
	for i := n - 1; i >= 0; i-- {
		lower = append(lower, xy{p.cols[i], p.rddHi[i]})
	}
	p.rdd = append(lower, lower[0])
	for i, x := range p.cols {
		if p.rddLo[i] < p.s.foothillTopYM(x)+300 || math.IsNaN(p.rddLo[i]+p.rddHi[i]) {
			return fmt.Errorf("park edge at x=%.0f m is degenerate", x)
		}
	}
	return nil
}

// contourM walks from the crest (x, yc) in direction dir (+1 north, -1
// south) and returns the distance to the parkContourM contour, clamped.
func (p *plan) contourM(x, yc, dir float64) float64 {
	const step = 25.0
	prev := p.heightM(xy{x, yc})
	if !(prev > parkContourM) {
		return rddMinHalfM
	}
	for d := step; d <= rddMaxHalfM; d += step {
		h := p.heightM(xy{x, yc + dir*d})
		if !(h > parkContourM) {
			at := d - step + step*(prev-parkContourM)/(prev-h)
			return math.Max(rddMinHalfM, at)
		}
		prev = h
	}
	return rddMaxHalfM
}

// colChain returns the column points (x, v[i]) with x in [x0, x1], west to east.
func (p *plan) colChain(v []float64, x0, x1 float64) []xy {
	var out []xy
	for i, x := range p.cols {
		if x >= x0 && x <= x1 {
			out = append(out, xy{x, v[i]})
		}
	}
	return out
}

func (p *plan) add(category, name string, rings ...[]xy) {
	p.landuse = append(p.landuse, zone{category: category, name: name, rings: rings})
}

// layout places every zone, village, tower and corridor.
func (p *plan) layout(r *rng) {
	s, S := p.s, p.halfM
	west, east := constant(-S), constant(S)
	southEdge, northEdge := constant(-S), constant(S)

	foot := curve(s.footYM)
	top := curve(s.foothillTopYM)
	lucBot := curve(func(x float64) float64 { return s.valleyYM(x) - 300 })
	lucTop := curve(func(x float64) float64 { return s.valleyYM(x) + 305 })
	split := curve(func(x float64) float64 { return s.valleyYM(x) - 1500 })
	northForest := curve(func(x float64) float64 { return s.ridgeYM(x) + northForestM })

	// The side valleys: rice land at the bottom, a village, upland fields
	// up to the protection forest.
	var sideL, sideR [sideValleys]curve
	var sideBreaksL, sideBreaksR [sideValleys][]xy
	var footBreaks, topBreaks []xy
	for k := 0; k < sideValleys; k++ {
		sideL[k] = func(y float64) float64 { return s.sideXM(k, y) - 150 }
		sideR[k] = func(y float64) float64 { return s.sideXM(k, y) + 150 }
		xk := sideValleyWestXM
		if k == 1 {
			xk = sideValleyEastXM
		}
		yb := foot(xk) + 0.45*(top(xk)-foot(xk))
		yo := yb + 600
		p.stripLUC[k] = [2]float64{foot(xk), yb}
		p.villageOntMid[k] = yb + 300
		sideBreaksL[k] = []xy{{sideL[k](yb), yb}, {sideL[k](yo), yo}}
		sideBreaksR[k] = []xy{{sideR[k](yb), yb}, {sideR[k](yo), yo}}
		footBreaks = append(footBreaks, corner(foot, sideL[k]), corner(foot, sideR[k]))
		topBreaks = append(topBreaks, corner(top, sideL[k]), corner(top, sideR[k]))
	}
	sideNames := [sideValleys]string{"Khe Mẫu", "Nậm Mẫu"}
	sidePop := [sideValleys]int{350, 520}
	for k := 0; k < sideValleys; k++ {
		yb, yo := p.stripLUC[k][1], p.stripLUC[k][1]+600
		q := quad{left: sideL[k], right: sideR[k], leftBreaks: sideBreaksL[k], rightBreaks: sideBreaksR[k]}
		q.bottom, q.top, q.bottomBreaks = foot, constant(yb), footBreaks
		p.add(catLUC, "Ruộng lúa "+sideNames[k]+" (giả lập)", q.ring())
		q.bottom, q.top, q.bottomBreaks = constant(yb), constant(yo), nil
		p.add(catONT, "Đất ở nông thôn Bản "+sideNames[k]+" (giả lập)", q.ring())
		q.bottom, q.top, q.topBreaks = constant(yo), top, topBreaks
		p.add(catHNK, "Nương rẫy "+sideNames[k]+" (giả lập)", q.ring())
		mid := p.villageOntMid[k]
		p.villages = append(p.villages, village{
			name:       "Bản " + sideNames[k] + " (giả lập)",
			at:         xy{s.sideXM(k, mid), mid},
			population: jitterPop(r, sidePop[k]),
		})
	}

	// The heritage site: a temple on a knoll of the central foothills.
	hx := 1200.0
	p.heritageAt = xy{hx, foot(hx) + 1500}
	p.heritage = star(p.heritageAt, radii(r, 12, 190, 220), r.between(0, math.Pi/6))
	p.heritage2 = star(p.heritageAt, radii(r, 16, 380, 420), r.between(0, math.Pi/8))

	// Two lots of telecommunications land (DBV) the province planned for
	// towers, on knolls of the western and eastern foothills.
	for i, x := range [2]float64{-8800, 8800} {
		frac := [2]float64{0.45, 0.5}[i]
		p.dbvAt[i] = xy{x, foot(x) + frac*(top(x)-foot(x))}
		p.dbv[i] = star(p.dbvAt[i], radii(r, 8, 60, 80), r.between(0, math.Pi/4))
	}
	// The commune police compound (CAN) in Thôn Làng Mới.
	p.canAt = xy{150, foot(150) + 200}
	p.can = star(p.canAt, radii(r, 8, 60, 75), r.between(0, math.Pi/4))

	// The foothill blocks between the side valleys, perennial crops, with
	// the villages of the main valley cut into their southern edge.
	p.notches = [3][]notch{
		{{x0M: -6800, x1M: -6200, depthM: 700, village: "Thôn Bản Lầy", population: 640}},
		{{x0M: -300, x1M: 300, depthM: 700, village: "Thôn Làng Mới", population: 910},
			{x0M: 2200, x1M: 2800, depthM: 700, village: "Bản Phiêng Cọ", population: 430}},
		{{x0M: 7200, x1M: 7800, depthM: 700, village: "Thôn Cầu Mẫu", population: 780}},
	}
	blockNames := [3]string{"Bản Lầy", "Làng Mới", "Cầu Mẫu"}
	lefts := [3]curve{west, sideR[0], sideR[1]}
	rights := [3]curve{sideL[0], sideL[1], east}
	leftBreaks := [3][]xy{nil, sideBreaksR[0], sideBreaksR[1]}
	rightBreaks := [3][]xy{sideBreaksL[0], sideBreaksL[1], nil}
	for b := 0; b < 3; b++ {
		q := quad{bottom: foot, top: top, left: lefts[b], right: rights[b],
			leftBreaks: leftBreaks[b], rightBreaks: rightBreaks[b], topBreaks: topBreaks}
		bl, br, tr, tl := q.corners()
		bottom, cur := []xy{bl}, bl
		for _, n := range p.notches[b] {
			high := offset(foot, n.depthM)
			a, a2 := xy{n.x0M, foot(n.x0M)}, xy{n.x0M, high(n.x0M)}
			c, c2 := xy{n.x1M, foot(n.x1M)}, xy{n.x1M, high(n.x1M)}
			bottom = join(bottom, hChain(foot, cur, a), vChain(constant(n.x0M), a, a2),
				hChain(high, a2, c2), vChain(constant(n.x1M), c2, c))
			cur = c
			nq := quad{bottom: foot, top: high, left: constant(n.x0M), right: constant(n.x1M)}
			rings := [][]xy{nq.ring()}
			if inRing(p.canAt, rings[0]) {
				rings = append(rings, reversed(p.can))
			}
			p.add(catONT, "Đất ở nông thôn "+n.village+" (giả lập)", rings...)
			p.villages = append(p.villages, village{
				name:       n.village + " (giả lập)",
				at:         xy{(n.x0M + n.x1M) / 2, foot((n.x0M+n.x1M)/2) + n.depthM/2},
				population: jitterPop(r, n.population),
			})
		}
		outer := ringOf(bottom, hChain(foot, cur, br), vChain(q.right, br, tr, q.rightBreaks...),
			hChain(top, tr, tl, topBreaks...), vChain(q.left, tl, bl, q.leftBreaks...))
		rings := [][]xy{outer}
		switch b {
		case 0:
			rings = append(rings, reversed(p.dbv[0]))
		case 1:
			rings = append(rings, reversed(p.heritage))
		case 2:
			rings = append(rings, reversed(p.dbv[1]))
		}
		p.add(catCLN, "Vườn cây lâu năm "+blockNames[b]+" (giả lập)", rings...)
	}
	p.add(catDDT, "Khu vực bảo vệ I Đền Mẫu Thượng (giả lập)", p.heritage)
	p.add(catDBV, "Đất hạ tầng viễn thông Đồi Tây (giả lập)", p.dbv[0])
	p.add(catDBV, "Đất hạ tầng viễn thông Đồi Đông (giả lập)", p.dbv[1])
	p.add(catCAN, "Đất an ninh – trụ sở Công an xã Mường Mẫu (giả lập)", p.can)

	// The main valley: the national road's land and the rice plain.
	var lucBotBreaks []xy
	southL := curve(func(y float64) float64 { return s.southXM(y) - 150 })
	southR := curve(func(y float64) float64 { return s.southXM(y) + 150 })
	lucBotBreaks = append(lucBotBreaks, corner(lucBot, southL), corner(lucBot, southR))
	p.add(catDGT, "Đất giao thông Quốc lộ NM1 (giả lập)",
		quad{bottom: lucTop, top: foot, left: west, right: east, topBreaks: footBreaks}.ring())
	p.add(catLUC, "Cánh đồng lúa Mường Mẫu (giả lập)",
		quad{bottom: lucBot, top: lucTop, left: west, right: east, bottomBreaks: lucBotBreaks}.ring())

	// The southern side valley: rice land, the village of Nà Lạn, upland
	// fields to the district edge; hills on both sides.
	yS1 := lucBot(southValleyXM) - 1500
	yS0 := yS1 - 600
	p.southLUC = [2]float64{yS1, lucBot(southValleyXM)}
	southBreaksL := []xy{corner(split, southL), {southL(yS1), yS1}, {southL(yS0), yS0}}
	southBreaksR := []xy{corner(split, southR), {southR(yS1), yS1}, {southR(yS0), yS0}}
	sq := quad{left: southL, right: southR, leftBreaks: southBreaksL, rightBreaks: southBreaksR}
	sq.bottom, sq.top = constant(yS1), lucBot
	p.add(catLUC, "Ruộng lúa Nà Lạn (giả lập)", sq.ring())
	sq.bottom, sq.top = constant(yS0), constant(yS1)
	p.add(catONT, "Đất ở nông thôn Thôn Nà Lạn (giả lập)", sq.ring())
	sq.bottom, sq.top = southEdge, constant(yS0)
	p.add(catHNK, "Nương rẫy Nà Lạn (giả lập)", sq.ring())
	midS := (yS0 + yS1) / 2
	p.naLanAt = xy{s.southXM(midS), midS}
	p.villages = append(p.villages, village{name: "Thôn Nà Lạn (giả lập)", at: p.naLanAt, population: jitterPop(r, 470)})

	// The defence area on the highest knoll of the south-eastern hills.
	p.cqpAt = p.highest(2500, 4500, -7600, -6000)
	p.cqp = star(p.cqpAt, radii(r, 10, 480, 600), r.between(0, math.Pi/5))
	p.add(catCLN, "Vườn cây lâu năm Đồi Nam (giả lập)",
		quad{bottom: split, top: lucBot, left: west, right: southL, rightBreaks: southBreaksL}.ring())
	p.add(catRSX, "Rừng sản xuất Khe Nam (giả lập)",
		quad{bottom: southEdge, top: split, left: west, right: southL, rightBreaks: southBreaksL}.ring())
	p.add(catHNK, "Đất trồng cây hằng năm Pá Mẫu (giả lập)",
		quad{bottom: split, top: lucBot, left: southR, right: east, leftBreaks: southBreaksR}.ring())
	p.add(catRSX, "Rừng sản xuất Đồi Mẫu (giả lập)",
		quad{bottom: southEdge, top: split, left: southR, right: east, leftBreaks: southBreaksR}.ring(),
		reversed(p.cqp))
	p.add(catCQP, "Đất quốc phòng Đồi Mẫu (giả lập)", p.cqp)

	// The southern slopes of the ridge: protection forest, with a strip of
	// unused hilly land reaching up to the park; the park; the northern slopes.
	p.unusedX = [2]float64{-1200, 0}
	band := func(x0, x1 float64) []xy {
		b := hChain(top, xy{x0, top(x0)}, xy{x1, top(x1)}, topBreaks...)
		return ringOf(b, reversed(p.colChain(p.rddLo, x0, x1)))
	}
	p.add(catRPH, "Rừng phòng hộ đầu nguồn Khe Mẫu (giả lập)", band(-S, p.unusedX[0]))
	p.add(catDCS, "Đất đồi núi chưa sử dụng Núi Mẫu (giả lập)", band(p.unusedX[0], p.unusedX[1]))
	p.add(catRPH, "Rừng phòng hộ đầu nguồn Nậm Mẫu (giả lập)", band(p.unusedX[1], S))
	p.add(catRDD, "Vườn quốc gia Núi Mẫu – phân khu bảo vệ nghiêm ngặt (giả lập)", p.rdd)
	p.add(catRPH, "Rừng phòng hộ sườn bắc Núi Mẫu (giả lập)", ringOf(
		p.colChain(p.rddHi, -S, S),
		hChain(northForest, xy{S, northForest(S)}, xy{-S, northForest(-S)})))
	p.add(catRSX, "Rừng sản xuất Khe Bắc (giả lập)",
		quad{bottom: northForest, top: northEdge, left: west, right: east}.ring())

	// Corridors: the national road along the main valley, the provincial
	// road up the Nậm Mẫu valley to its village, the district road down
	// the Nà Lạn valley, and a 110 kV line across the northern slopes.
	ql := curve(s.qlYM)
	p.lines = append(p.lines, line{catRoadNational, "Quốc lộ NM1 (giả lập)", hChain(ql, xy{-S, ql(-S)}, xy{S, ql(S)})})
	dt := curve(func(y float64) float64 { return s.sideXM(1, y) + 60 })
	p.dtTopYM = p.stripLUC[1][1] + 600
	p.lines = append(p.lines, line{catRoadProv, "Đường tỉnh ĐT.NM2 (giả lập)", vChain(dt, corner(ql, dt), xy{dt(p.dtTopYM), p.dtTopYM})})
	dh := curve(func(y float64) float64 { return s.southXM(y) - 60 })
	p.lines = append(p.lines, line{catRoadLocal, "Đường huyện ĐH.NM3 (giả lập)", vChain(dh, corner(ql, dh), xy{dh(-S), -S})})
	pw := curve(s.powerYM)
	p.lines = append(p.lines, line{catPower110kV, "Đường dây 110 kV Núi Mẫu (giả lập)", hChain(pw, xy{-S, pw(-S)}, xy{S, pw(S)})})

	// Existing towers, near villages and on hills, away from the proposals
	// that must not see them.
	jit := func() float64 { return r.between(-40, 40) }
	t1 := xy{-4200 + jit(), foot(-4200) + 900 + jit()}
	t2 := xy{3000 + jit(), foot(3000) + 1100 + jit()}
	t3 := xy{5500 + jit(), s.valleyYM(5500) - 900 + jit()}
	t4y := p.villageOntMid[1] + jit()
	t4 := xy{s.sideXM(1, t4y) - 80, t4y}
	t5 := xy{-6000 + jit(), -8000 + jit()}
	p.towers = []tower{
		{"Trạm BTS Viettel Bản Lầy (giả lập)", "452-04", t1, 40, StructureA2b},
		{"Trạm BTS VinaPhone Phiêng Cọ (giả lập)", "452-02", t2, 36, StructureA2b},
		{"Trạm BTS MobiFone Pá Mẫu (giả lập)", "452-01", t3, 45, StructureA2b},
		{"Trạm BTS Viettel Nậm Mẫu (giả lập)", "452-04", t4, 30, StructureA2a},
		{"Trạm BTS MobiFone Khe Nam (giả lập)", "452-01", t5, 42, StructureA2b},
	}
}

// highest returns the highest DEM point on a 100 m lattice in the box.
func (p *plan) highest(x0, x1, y0, y1 float64) xy {
	best, at := math.Inf(-1), xy{x0, y0}
	for x := x0; x <= x1; x += 100 {
		for y := y0; y <= y1; y += 100 {
			if h := p.heightM(xy{x, y}); h > best {
				best, at = h, xy{x, y}
			}
		}
	}
	return at
}

// check verifies the few assumptions the layout relies on for every seed.
func (p *plan) check() error {
	for _, z := range p.landuse {
		for _, r := range z.rings {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return fmt.Errorf("layout: ring of %q is not closed", z.name)
			}
		}
	}
	return nil
}

// radii returns n radii in [lo, hi).
func radii(r *rng, n int, lo, hi float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = r.between(lo, hi)
	}
	return out
}

func jitterPop(r *rng, n int) int { return n + int(float64(n)*r.between(-0.1, 0.1)) }
