package planning_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"btsplan/planning"
)

func TestValidateSite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	far := orb.Point{siteLoc[0] + 0.01, siteLoc[1]} // about 1 km east
	tests := []struct {
		name      string
		edit      func(*planning.Site)
		wantField string // "" for a valid site
		wantMsg   string
	}{
		{"valid", nil, "", ""},
		{"valid without footprint or antennas", func(s *planning.Site) { s.Footprint, s.Antennas = nil, nil }, "", ""},
		{"valid A1a on a roof", func(s *planning.Site) { s.Structure, s.HeightM = planning.StructureA1a, 3 }, "", ""},
		{"swapped coordinates", func(s *planning.Site) { s.Location = orb.Point{21.46, 105.64}; s.Footprint = nil }, planning.FieldCoordinates, "coordinates look swapped: GeoJSON is [lon, lat]"},
		{"longitude out of range", func(s *planning.Site) { s.Location = orb.Point{185, 21}; s.Footprint = nil }, planning.FieldCoordinates, "longitude 185 is outside [-180, 180]"},
		{"latitude out of range", func(s *planning.Site) { s.Location = orb.Point{105, -91}; s.Footprint = nil }, planning.FieldCoordinates, "latitude -91 is outside [-90, 90]"},
		{"NaN longitude", func(s *planning.Site) { s.Location[0] = nan }, planning.FieldCoordinates, "not a finite number"},
		{"infinite latitude", func(s *planning.Site) { s.Location[1] = inf }, planning.FieldCoordinates, "not a finite number"},
		{"zero height", func(s *planning.Site) { s.HeightM = 0 }, planning.FieldHeight, "below the 1 m minimum"},
		{"negative height", func(s *planning.Site) { s.HeightM = -3 }, planning.FieldHeight, "below the 1 m minimum"},
		{"denormal height", func(s *planning.Site) { s.HeightM = 1e-320 }, planning.FieldHeight, "minimum"},
		{"height just below 1 m", func(s *planning.Site) { s.HeightM = math.Nextafter(planning.MinHeightM, 0) }, planning.FieldHeight, "minimum"},
		{"height of exactly 1 m", func(s *planning.Site) { s.HeightM = planning.MinHeightM }, "", ""},
		{"too tall", func(s *planning.Site) { s.HeightM = 301 }, planning.FieldHeight, "above the 300 m maximum"},
		{"NaN height", func(s *planning.Site) { s.HeightM = nan }, planning.FieldHeight, "not a finite number"},
		{"unknown structure", func(s *planning.Site) { s.Structure = "A3" }, planning.FieldStructure, `unknown structure class "A3"`},
		{"empty structure", func(s *planning.Site) { s.Structure = "" }, planning.FieldStructure, "unknown structure class"},
		{"empty carrier", func(s *planning.Site) { s.Carrier = "" }, planning.FieldCarrier, "carrier is required"},
		{"footprint not closed", func(s *planning.Site) { s.Footprint[0] = s.Footprint[0][:4] }, planning.FieldFootprint, "ring not closed"},
		{"footprint with 3 points", func(s *planning.Site) {
			r := s.Footprint[0]
			s.Footprint[0] = orb.Ring{r[0], r[1], r[0]}
		}, planning.FieldFootprint, "want at least 4"},
		{"self-intersecting footprint", func(s *planning.Site) {
			r := s.Footprint[0]
			s.Footprint[0] = orb.Ring{r[0], r[2], r[1], r[3], r[0]} // bowtie
		}, planning.FieldFootprint, "self-intersection"},
		{"NaN in footprint", func(s *planning.Site) { s.Footprint[0][2][1] = nan }, planning.FieldFootprint, "not a finite number"},
		{"footprint out of range", func(s *planning.Site) {
			s.Footprint = orb.Polygon{{{179, 21}, {181, 21}, {181, 22}, {179, 22}, {179, 21}}}
		}, planning.FieldFootprint, "outside [-180, 180]"},
		{"footprint far from the site", func(s *planning.Site) { s.Footprint = square(far, 12) }, planning.FieldFootprint, "must contain or be near the site"},
		{"azimuth 360", func(s *planning.Site) { s.Antennas[0].AzimuthDeg = 360 }, "/properties/antennas/0/azimuth_deg", "outside [0, 360)"},
		{"negative azimuth", func(s *planning.Site) { s.Antennas[2].AzimuthDeg = -1 }, "/properties/antennas/2/azimuth_deg", "outside [0, 360)"},
		{"tilt beyond 90", func(s *planning.Site) { s.Antennas[1].TiltDeg = 91 }, "/properties/antennas/1/tilt_deg", "outside [-90, 90]"},
		{"zero band", func(s *planning.Site) { s.Antennas[0].BandMHz = 0 }, "/properties/antennas/0/band_mhz", "outside the mobile bands"},
		{"band 1e300 MHz", func(s *planning.Site) { s.Antennas[0].BandMHz = 1e300 }, "/properties/antennas/0/band_mhz", "outside the mobile bands"},
		{"band 0.0001 MHz", func(s *planning.Site) { s.Antennas[1].BandMHz = 0.0001 }, "/properties/antennas/1/band_mhz", "outside the mobile bands"},
		{"band just below 450 MHz", func(s *planning.Site) { s.Antennas[0].BandMHz = 449.9 }, "/properties/antennas/0/band_mhz", "450"},
		{"band 450 MHz", func(s *planning.Site) { s.Antennas[0].BandMHz = planning.MinBandMHz }, "", ""},
		{"band 26 GHz", func(s *planning.Site) { s.Antennas[0].BandMHz = 26000 }, "", ""},
		{"band above 40 GHz", func(s *planning.Site) { s.Antennas[0].BandMHz = 40001 }, "/properties/antennas/0/band_mhz", "40000"},
		{"NaN band", func(s *planning.Site) { s.Antennas[0].BandMHz = nan }, "/properties/antennas/0/band_mhz", "outside"},
		{"EIRP 1e300 dBm", func(s *planning.Site) { s.Antennas[0].EIRPdBm = 1e300 }, "/properties/antennas/0/eirp_dbm", "outside -30 to 90 dBm"},
		{"EIRP -1e300 dBm", func(s *planning.Site) { s.Antennas[2].EIRPdBm = -1e300 }, "/properties/antennas/2/eirp_dbm", "outside -30 to 90 dBm"},
		{"EIRP 90 dBm", func(s *planning.Site) { s.Antennas[0].EIRPdBm = planning.MaxEIRPdBm }, "", ""},
		{"tilt below -90", func(s *planning.Site) { s.Antennas[0].TiltDeg = -90.5 }, "/properties/antennas/0/tilt_deg", "outside [-90, 90]"},
		{"NaN azimuth", func(s *planning.Site) { s.Antennas[0].AzimuthDeg = nan }, "/properties/antennas/0/azimuth_deg", "outside [0, 360)"},
		{"64 antennas", func(s *planning.Site) { s.Antennas = slices.Repeat(s.Antennas[:1], planning.MaxAntennas) }, "", ""},
		{"65 antennas", func(s *planning.Site) { s.Antennas = slices.Repeat(s.Antennas[:1], planning.MaxAntennas+1) }, planning.FieldAntennas, "at most 64"},
		{"11,000 bad antennas give one error", func(s *planning.Site) {
			s.Antennas = slices.Repeat([]planning.Antenna{{AzimuthDeg: -1}}, 11000)
		}, planning.FieldAntennas, "11000 antennas"},
		{"footprint of 1001 positions", func(s *planning.Site) {
			r := make(orb.Ring, 0, planning.MaxFootprintVertices+1)
			for i := range planning.MaxFootprintVertices {
				a := 2 * math.Pi * float64(i) / planning.MaxFootprintVertices
				r = append(r, orb.Point{siteLoc[0] + 1e-4*math.Cos(a), siteLoc[1] + 1e-4*math.Sin(a)})
			}
			s.Footprint = orb.Polygon{append(r, r[0])}
		}, planning.FieldFootprint, "at most 1000"},
		{"NUL in the site code", func(s *planning.Site) { s.Code = "A\x00B" }, planning.FieldCode, "NUL"},
		{"900 KB site code", func(s *planning.Site) { s.Code = strings.Repeat("x", 900<<10) }, planning.FieldCode, "at most 64"},
		{"site code of 65 characters", func(s *planning.Site) { s.Code = strings.Repeat("đ", 65) }, planning.FieldCode, "at most 64"},
		{"site code of 64 characters", func(s *planning.Site) { s.Code = strings.Repeat("đ", 64) }, "", ""},
		{"invalid UTF-8 in the site code", func(s *planning.Site) { s.Code = "A\xffB" }, planning.FieldCode, "UTF-8"},
		{"line break in the site code", func(s *planning.Site) { s.Code = "A\nB" }, planning.FieldCode, "control character"},
		{"NUL in the carrier", func(s *planning.Site) { s.Carrier = "452-04\x00" }, planning.FieldCarrier, "NUL"},
		{"900 KB carrier", func(s *planning.Site) { s.Carrier = strings.Repeat("4", 900<<10) }, planning.FieldCarrier, "at most 64"},
		{"NUL in the structure", func(s *planning.Site) { s.Structure = "A2b\x00" }, planning.FieldStructure, "NUL"},
		{"900 KB structure", func(s *planning.Site) { s.Structure = planning.Structure(strings.Repeat("A", 900<<10)) }, planning.FieldStructure, "at most 64"},
		{"NUL in a technology", func(s *planning.Site) { s.Antennas[1].Technology = "LTE\x00" }, "/properties/antennas/1/technology", "NUL"},
		{"NaN EIRP", func(s *planning.Site) { s.Antennas[0].EIRPdBm = nan }, "/properties/antennas/0/eirp_dbm", "outside"},
		{"unknown technology", func(s *planning.Site) { s.Antennas[0].Technology = "WiMAX" }, "/properties/antennas/0/technology", `unknown technology "WiMAX"`},
	}
	svc := planning.NewService(planning.ServiceConfig{}, defaultBook(t), nil, nil, nil, nil, nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := validSite()
			site.Footprint = orb.Polygon{slices.Clone(site.Footprint[0])}
			site.Antennas = slices.Clone(site.Antennas)
			if tt.edit != nil {
				tt.edit(&site)
			}
			err := svc.ValidateSite(site)
			if tt.wantField == "" {
				if err != nil {
					t.Errorf("ValidateSite(%+v) = %v, want nil", site, err)
				}
				return
			}
			if planning.KindOf(err) != planning.Invalid {
				t.Fatalf("ValidateSite(%+v) = %v, want Invalid", site, err)
			}
			if fields := planning.Fields(err); !slices.Equal(fields, []string{tt.wantField}) {
				t.Errorf("ValidateSite fields = %v, want exactly [%s] (error %v)", fields, tt.wantField, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ValidateSite error = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestValidateSiteReportsEveryProblem(t *testing.T) {
	site := validSite()
	site.HeightM = 0
	site.Structure = "B1"
	site.Antennas = []planning.Antenna{{AzimuthDeg: 400, BandMHz: 900, Technology: "GSM"}}
	svc := planning.NewService(planning.ServiceConfig{}, defaultBook(t), nil, nil, nil, nil, nil, nil)
	err := svc.ValidateSite(site)
	want := []string{planning.FieldStructure, planning.FieldHeight, "/properties/antennas/0/azimuth_deg"}
	if got := planning.Fields(err); !slices.Equal(got, want) {
		t.Errorf("Fields(ValidateSite(...)) = %v, want %v", got, want)
	}
	if got := planning.FieldOf(err); got != planning.FieldStructure {
		t.Errorf("FieldOf = %q, want the first problem %q", got, planning.FieldStructure)
	}
}
