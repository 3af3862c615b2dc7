package synth

// rng is a small deterministic generator (splitmix64). Each part of the
// district draws from its own stream so that, for example, ExtraZones
// does not move the villages.
type rng struct{ s uint64 }

// The streams of the generator.
const (
	streamTerrain uint64 = iota + 1
	streamLayout
	streamProposals
	streamExtra
)

func newRNG(seed int64, stream uint64) *rng {
	return &rng{s: mix64(uint64(seed)^(stream*0xD1B54A32D192ED03)) ^ stream}
}

// mix64 is the splitmix64 finaliser: a bijective 64-bit hash.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	return mix64(r.s)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// between returns a number in [a, b).
func (r *rng) between(a, b float64) float64 { return a + (b-a)*r.float() }

// intn returns an integer in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }
