package itm

import (
	"math"
	"slices"
)

// Terrain irregularity Δh is the interdecile range of the profile's
// deviations from its least-squares line, taken between x1 and x2 and
// scaled up to the asymptotic value for long paths. The profile is first
// resampled at n = 10k-5 evenly spaced points, k = (span+8)/10 clamped
// to 4..25, so n ≤ maxRoughnessSamples; the deciles are then the k-th
// largest and the k-th smallest deviation.
const (
	minDecileRank       = 4
	maxDecileRank       = 25
	maxRoughnessSamples = 10*maxDecileRank - 5
)

// roughnessLayout returns the decile rank k and the sample count n for a
// span of spanSamples profile intervals.
func roughnessLayout(spanSamples float64) (int, int) {
	k := int(0.1 * (spanSamples + 8))
	k = min(max(k, minDecileRank), maxDecileRank)
	return k, 10*k - 5
}

// longPathFactor turns the interdecile range over a span of spanM metres
// into the asymptotic Δh: Δh(d) = Δh·(1 - 0.8·exp(-d/50 km)).
func longPathFactor(spanM float64) float64 {
	return 1 - 0.8*math.Exp(-spanM/50e3)
}

// deltaH is the fast Δh over [x1M, x2M] of the profile elevM with
// spacing stepM. It resamples into the workspace while summing for the
// fit, then finds the two deciles by quickselect (expected linear time),
// the second within what the first left below the upper decile, instead
// of sorting the n deviations.
func (w *Workspace) deltaH(elevM []float64, stepM, x1M, x2M float64) float64 {
	np := len(elevM) - 1
	xa := x1M / stepM
	spanSamples := x2M/stepM - xa
	if spanSamples < 2 {
		return 0
	}
	k, n := roughnessLayout(spanSamples)
	inc := spanSamples / float64(n-1)

	// Resample by linear interpolation while accumulating the sums of the
	// fit, with abscissae centred on the resampled span.
	s := w.samples[:n]
	span := float64(n - 1)
	x := -0.5 * span
	var sum, sumXZ float64
	for j := range s {
		pos := xa + float64(j)*inc
		i := int(pos)
		if i > np-1 {
			i = np - 1
		}
		v := elevM[i] + (elevM[i+1]-elevM[i])*(pos-float64(i))
		s[j] = v
		sum += v
		sumXZ += v * x
		x++
	}
	// Trapezoidal weights: the two ends count half (see fitEnds).
	first, last := s[0], s[n-1]
	sum -= 0.5 * (first + last)
	sumXZ -= 0.5 * (last - first) * (0.5 * span)
	mean := sum / span
	slope := sumXZ * 12 / ((span*span + 2) * span)
	y0 := mean - slope*(0.5*span)
	for j := range s {
		s[j] -= y0 + float64(j)*slope
	}

	// The k-th largest deviation is at index n-k once s is partitioned
	// around it. The k-th smallest is then in s[:n-k], and in fact in the
	// shorter prefix that the first selection already left below the
	// rest.
	q10, below := selectRank(s, n-k, k-1)
	q90, _ := selectRank(s[:below], k-1, 0)
	return (q10 - q90) / longPathFactor(x2M-x1M)
}

// selectRank partially reorders a so that a[k] holds the value it would
// hold were a sorted ascending, with no larger value before it and no
// smaller one after it, and returns a[k]: quickselect by Hoare
// partitioning around a median of three. It also returns the length of the shortest prefix of a, at
// least keep+1 long, that its partitions left with no value above any
// value after it, so that a later selection of a rank up to keep can stay
// within that prefix. When selecting a high rank, the first partition
// around the median typically leaves such a prefix of about half of a.
func selectRank(a []float64, k, keep int) (float64, int) {
	lo, hi := 0, len(a)-1
	below := max(k, keep+1) // a[:k] ≤ a[k] once a[k] is selected
	for hi > lo {
		mid := int(uint(lo+hi) >> 1)
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for pivot < a[j] {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			// Nothing in a[:j+1] exceeds the pivot or anything after
			// it, and the later partitions only reorder a[i:].
			if j >= keep && j < below {
				below = j + 1
			}
			lo = i
		default:
			return a[k], below // j < k < i: a[k] equals the pivot
		}
	}
	return a[k], below
}

// deltaHPlain is the obviously-correct Δh that deltaH is measured and
// tested against: interpolate each resampled point independently, fit
// the weighted least-squares line with explicit sums, sort the deviations
// and read the deciles. It allocates.
func deltaHPlain(elevM []float64, stepM, x1M, x2M float64) float64 {
	np := len(elevM) - 1
	xa := x1M / stepM
	spanSamples := x2M/stepM - xa
	if spanSamples < 2 {
		return 0
	}
	k, n := roughnessLayout(spanSamples)

	s := make([]float64, n)
	for j := range s {
		x := xa + float64(j)*spanSamples/float64(n-1)
		i := min(max(int(math.Floor(x)), 0), np-1)
		t := x - float64(i)
		s[j] = elevM[i] + t*(elevM[i+1]-elevM[i])
	}

	// Weighted least squares with weight 1/2 at both ends, 1 elsewhere.
	weight := func(j int) float64 {
		if j == 0 || j == n-1 {
			return 0.5
		}
		return 1
	}
	var sw, swx, swz float64
	for j, z := range s {
		wj := weight(j)
		sw += wj
		swx += wj * float64(j)
		swz += wj * z
	}
	xBar, zBar := swx/sw, swz/sw
	var sxx, sxz float64
	for j, z := range s {
		wj := weight(j)
		dx := float64(j) - xBar
		sxx += wj * dx * dx
		sxz += wj * dx * (z - zBar)
	}
	slope := sxz / sxx

	dev := make([]float64, n)
	for j, z := range s {
		dev[j] = z - (zBar + slope*(float64(j)-xBar))
	}
	slices.Sort(dev)
	q10 := dev[n-k] // k-th largest
	q90 := dev[k-1] // k-th smallest
	return (q10 - q90) / longPathFactor(x2M-x1M)
}
