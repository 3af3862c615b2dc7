package planning

// The physical and regulatory ranges of a site's values, checked once, in
// ValidateSite. A value outside them is a typing mistake or an attack, not
// a site: before these limits a band of 1e300 MHz or a height of 1e-320 m
// was stored and drawn in reports. MaxHeightM is in site.go.
const (
	// MinHeightM is the lowest structure btsplan accepts: an antenna
	// mounted less than a metre above ground (or a roof) is not a base
	// station structure of the passive-infrastructure plans, and a height
	// of 1e-320 m is not a height at all.
	MinHeightM = 1.0

	// MinBandMHz and MaxBandMHz bound an antenna's carrier frequency:
	// the land-mobile bands licensed in Vietnam run from 450 MHz (the
	// former CDMA band) to the 26 GHz and 37–40 GHz millimetre-wave bands
	// of IMT-2020. Coverage (ITM) is valid only from 20 MHz to 20 GHz,
	// so the coverage engine refuses bands above that itself.
	MinBandMHz = 450.0
	MaxBandMHz = 40000.0

	// MinEIRPdBm and MaxEIRPdBm bound an antenna's EIRP: from an indoor
	// small cell (−30 dBm, 1 µW, is below any that radiates usefully) to
	// 90 dBm (1 MW), far above a macro sector (around 60–65 dBm) and the
	// limits of Vietnam's technical regulation on base-station emissions.
	MinEIRPdBm = -30.0
	MaxEIRPdBm = 90.0

	// MinTiltDeg and MaxTiltDeg bound an antenna's downtilt (positive
	// down): beyond ±90° a tilt no longer names a direction.
	MinTiltDeg = -90.0
	MaxTiltDeg = 90.0

	// MaxAzimuthDeg is the exclusive upper bound of an azimuth, degrees
	// clockwise from true north in [0, 360).
	MaxAzimuthDeg = 360.0

	// MaxAntennas bounds the antennas of one site. A macro site has 3 to
	// 12 sectors across its bands; 64 leaves room for any real site, and
	// bounds what one stored proposal costs to assess, hash, report and
	// cover (11,000 antennas once cost 15 s of CPU in the background).
	MaxAntennas = 64

	// MaxFootprintVertices bounds the positions of a footprint, all rings
	// together: a tower's ground plan needs tens, and the validity check
	// (self-intersection) is quadratic in them.
	MaxFootprintVertices = 1000

	// MaxListOffset bounds the offset of a proposal list: ten million
	// rows is past any real list, and keeps offset + limit (the next
	// page's link) and the database's OFFSET far from overflow.
	MaxListOffset = 10_000_000
)
