package coverage

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// CanonicalVersion is the first line of the canonical encoding of Inputs.
// Change it (and the pinned hash of TestHashPinned) whenever the encoding
// or the meaning of an input changes: every cached coverage then misses
// once, instead of a stale one being served.
//
// Version 1 was the encoding/json form of the Go struct, so a renamed Go
// field changed every hash; version 2 is written field by field below.
const CanonicalVersion = "btsplan coverage inputs v2"

// AppendCanonical appends the canonical encoding of in to b: the line
// CanonicalVersion, then one line "path=value" per input, in the fixed
// order below, whatever the order or names of the Go fields. Paths are the
// wire names (FieldHeightM, SectorField(0, FieldEIRPdBm), ...); numbers
// are written in their shortest exact decimal form ('g', -1), -0 as 0;
// strings are Go-quoted, so no value can contain a line break. It uses no
// reflection: only these lines decide the bytes, and so the hash.
func (in *Inputs) AppendCanonical(b []byte) []byte {
	b = append(b, CanonicalVersion...)
	b = append(b, '\n')
	num := func(path string, v float64) {
		if v == 0 {
			v = 0 // -0 and 0 are the same input
		}
		b = append(b, path...)
		b = append(b, '=')
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
		b = append(b, '\n')
	}
	integer := func(path string, v int) {
		b = append(b, path...)
		b = append(b, '=')
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, '\n')
	}
	str := func(path, v string) {
		b = append(b, path...)
		b = append(b, '=')
		b = strconv.AppendQuote(b, v)
		b = append(b, '\n')
	}
	num(FieldLocation+"/0", in.Lon)
	num(FieldLocation+"/1", in.Lat)
	num(FieldHeightM, in.HeightM)
	num(FieldRxHeightM, in.RxHeightM)
	num(FieldFreqMHz, in.FreqMHz)
	str(FieldTechnology, string(in.Technology))
	str(FieldMetric, string(in.Metric))
	num(FieldThresholdDBm, in.ThresholdDBm)
	integer(FieldResourceBlocks, in.ResourceBlocks)
	num(FieldPilotShareDB, in.PilotShareDB)
	num(FieldConversionDB, in.ConversionDB)
	r := in.Radio
	integer(RadioField(FieldClimate), r.Climate)
	num(RadioField(FieldN0), r.N0)
	num(RadioField(FieldEpsilon), r.Epsilon)
	num(RadioField(FieldSigmaSPerM), r.SigmaSPerM)
	str(RadioField(FieldPolarization), PolarizationName(r.Polarization))
	integer(RadioField(FieldMDVar), r.MDVar)
	num(RadioField(FieldTimePct), r.TimePct)
	num(RadioField(FieldLocationPct), r.LocationPct)
	num(RadioField(FieldSituationPct), r.SituationPct)
	integer(FieldSectors, len(in.Sectors))
	for i, s := range in.Sectors {
		num(SectorField(i, FieldAzimuthDeg), s.AzimuthDeg)
		num(SectorField(i, FieldMechTiltDeg), s.MechTiltDeg)
		num(SectorField(i, FieldElecTiltDeg), s.ElecTiltDeg)
		num(SectorField(i, FieldGainDBi), s.GainDBi)
		num(SectorField(i, FieldEIRPdBm), s.EIRPdBm)
		num(SectorField(i, FieldHBeamwidthDeg), s.HBeamwidthDeg)
		num(SectorField(i, FieldVBeamwidthDeg), s.VBeamwidthDeg)
		num(SectorField(i, FieldFrontToBackDB), s.FrontToBackDB)
		num(SectorField(i, FieldSideLobeDB), s.SideLobeDB)
		str(SectorField(i, FieldPattern), s.Pattern)
		str(SectorField(i, FieldPatternSHA256), s.PatternSHA256)
	}
	num(FieldRadiusM, in.RadiusM)
	num(FieldCellArcSec, in.CellArcSec)
	num(FieldProfileStepM, in.ProfileStepM)
	str(FieldTerrainSampling, string(in.TerrainSampling))
	str(FieldDEMVersion, in.DEMVersion)
	str(FieldModel, in.Model)
	str(FieldEngine, in.Engine)
	return b
}

// Hash returns the cache key of in: "sha256:" and the hex SHA-256 of its
// canonical encoding (AppendCanonical).
func (in *Inputs) Hash() string {
	sum := sha256.Sum256(in.AppendCanonical(make([]byte, 0, 1024)))
	return "sha256:" + hex.EncodeToString(sum[:])
}
