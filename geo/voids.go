package geo

import "math"

// FillVoids replaces the NaN samples of g by interpolation and returns how
// many it filled. It peels each void from its rim inwards: in every pass,
// each void cell with at least one valid 8-neighbour takes the mean of its
// valid 8-neighbours, and all the cells of one pass are written together, so
// the result does not depend on scan order. Valid samples are never changed,
// and a filled value always lies between the minimum and maximum of the
// valid samples around its void.
//
// Voids that touch no valid sample at all (a grid that is entirely NaN)
// stay NaN; the caller compares the result with its own void count.
func FillVoids(g *Grid) (filled int) {
	if g == nil || g.W <= 0 || g.H <= 0 {
		return 0
	}
	var voids []int
	for y := 0; y < g.H; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+g.W]
		for x, v := range row {
			if v != v { // NaN
				voids = append(voids, y*g.Stride+x)
			}
		}
	}
	if len(voids) == 0 || len(voids) == g.W*g.H {
		return 0
	}

	// Neighbour offsets for cells away from the border; border cells check
	// bounds on the slow path.
	s := g.Stride
	offs := [8]int{-s - 1, -s, -s + 1, -1, 1, s - 1, s, s + 1}
	ready := make([]int, 0, len(voids))
	vals := make([]float32, 0, len(voids))
	for len(voids) > 0 {
		ready, vals = ready[:0], vals[:0]
		keep := voids[:0]
		for _, i := range voids {
			x, y := i%s, i/s
			var sum float64
			n := 0
			if x > 0 && y > 0 && x < g.W-1 && y < g.H-1 {
				for _, o := range offs {
					if v := g.Pix[i+o]; v == v {
						sum += float64(v)
						n++
					}
				}
			} else {
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						xx, yy := x+dx, y+dy
						if (dx == 0 && dy == 0) || xx < 0 || yy < 0 || xx >= g.W || yy >= g.H {
							continue
						}
						if v := g.Pix[yy*s+xx]; v == v {
							sum += float64(v)
							n++
						}
					}
				}
			}
			if n == 0 {
				keep = append(keep, i)
				continue
			}
			ready = append(ready, i)
			vals = append(vals, float32(sum/float64(n)))
		}
		if len(ready) == 0 {
			break // the rest touches no valid sample
		}
		for k, i := range ready {
			g.Pix[i] = vals[k]
		}
		filled += len(ready)
		voids = keep
	}
	return filled
}

// CountVoids returns the number of NaN samples in g.
func CountVoids(g *Grid) int {
	n := 0
	for y := 0; y < g.H; y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+g.W] {
			if math.IsNaN(float64(v)) {
				n++
			}
		}
	}
	return n
}
