package coverage

import "math"

const degToRad = math.Pi / 180

// sectorModel is a sector prepared for the per-cell loop: no maps, no
// interfaces, and the trigonometry of its fixed angles done once.
type sectorModel struct {
	eirpDBm      float64
	sinAz, cosAz float64
	// sinTilt and cosTilt rotate a direction into the antenna's frame
	// when the mechanical tilt is not zero.
	tilted           bool
	sinTilt, cosTilt float64
	// The pattern: tables when pat is not nil, else the parametric model.
	pat         *Pattern
	vShiftDeg   float64 // electrical tilt change applied to pat's V cut
	capDB       float64 // pat's cap
	hBwDeg      float64
	vBwDeg      float64
	elecTiltDeg float64
	amDB, slaDB float64
}

func newSectorModel(si SectorInputs, pat *Pattern) sectorModel {
	m := sectorModel{
		eirpDBm:     si.EIRPdBm,
		sinAz:       math.Sin(si.AzimuthDeg * degToRad),
		cosAz:       math.Cos(si.AzimuthDeg * degToRad),
		tilted:      si.MechTiltDeg != 0,
		sinTilt:     math.Sin(si.MechTiltDeg * degToRad),
		cosTilt:     math.Cos(si.MechTiltDeg * degToRad),
		pat:         pat,
		hBwDeg:      si.HBeamwidthDeg,
		vBwDeg:      si.VBeamwidthDeg,
		elecTiltDeg: si.ElecTiltDeg,
		amDB:        si.FrontToBackDB,
		slaDB:       si.SideLobeDB,
	}
	if pat != nil {
		m.capDB = max(maxOf(&pat.H), maxOf(&pat.V))
		if si.ElecTiltDeg != 0 {
			m.vShiftDeg = si.ElecTiltDeg - pat.ElecTiltDeg
		}
	}
	return m
}

// direction is the way from the antenna to a cell: the bearing's sine and
// cosine and the elevation angle's, precomputed once per cell for all
// sectors.
type direction struct {
	sinBrg, cosBrg   float64
	sinElev, cosElev float64
	elevDeg          float64
}

// relGainDB returns the sector's gain toward d relative to boresight, ≤ 0.
func (m *sectorModel) relGainDB(d *direction) float64 {
	// Azimuth offset from boresight: sin and cos of (bearing - azimuth).
	sinPhi := d.sinBrg*m.cosAz - d.cosBrg*m.sinAz
	cosPhi := d.cosBrg*m.cosAz + d.sinBrg*m.sinAz
	var phiDeg, depDeg float64
	if !m.tilted {
		phiDeg = math.Atan2(sinPhi, cosPhi) / degToRad
		depDeg = -d.elevDeg
	} else {
		// Rotate the direction (x forward, y right, z up) into the frame
		// of an antenna whose boresight points mechTilt below the horizon.
		x := d.cosElev * cosPhi
		y := d.cosElev * sinPhi
		z := d.sinElev
		xa := x*m.cosTilt - z*m.sinTilt
		za := x*m.sinTilt + z*m.cosTilt
		phiDeg = math.Atan2(y, xa) / degToRad
		depDeg = -math.Asin(max(-1, min(1, za))) / degToRad
	}
	if m.pat != nil {
		return m.pat.gainDB(phiDeg, depDeg, m.vShiftDeg, m.capDB)
	}
	return ParametricGainDB(phiDeg, depDeg, m.hBwDeg, m.vBwDeg, m.elecTiltDeg, m.amDB, m.slaDB)
}

// bestLevelDBm returns the largest EIRP + relative gain over the sectors
// toward d: the level before path loss of the serving sector.
func bestLevelDBm(sectors []sectorModel, d *direction) float64 {
	best := math.Inf(-1)
	for i := range sectors {
		if v := sectors[i].eirpDBm + sectors[i].relGainDB(d); v > best {
			best = v
		}
	}
	return best
}
