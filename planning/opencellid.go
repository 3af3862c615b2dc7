package planning

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// OpenCelliDColumns are the columns of OpenCelliD's cell CSV, in order.
// Its full download starts with this header; its per-country files
// (452.csv.gz) have none. Both are read.
var OpenCelliDColumns = []string{"radio", "mcc", "net", "area", "cell", "unit", "lon", "lat",
	"range", "samples", "changeable", "created", "updated", "averageSignal"}

// MCCVietnam is Vietnam's E.212 mobile country code.
const MCCVietnam = 452

// maxReadErrors bounds the mistakes one read reports.
const maxReadErrors = 50

// OpenCelliDCell is one row of an OpenCelliD CSV.
type OpenCelliDCell struct {
	Line       int       // 1-based line in the file
	Radio      string    // GSM, UMTS, LTE or NR
	Carrier    string    // "452-04" from mcc and net
	Area       int64     // LAC or TAC
	CellID     int64     // CID, UTRAN or E-UTRAN cell id, NCI
	Location   orb.Point // [lon, lat], the cell's position as OpenCelliD estimates it
	Properties map[string]any
}

// ReadOpenCelliD reads an OpenCelliD cell CSV with encoding/csv. CDMA rows
// are skipped and listed (Vietnam has had no CDMA network since 2012, and
// the CSV gives CDMA no usable identity); every other mistake is an
// Invalid error naming its line ("line 7"): a row with the wrong number of
// columns, a radio other than GSM, UMTS, LTE, NR or CDMA, an mcc other
// than 452, a net, area or cell that is not a whole number, a position
// that is not a finite [lon, lat] (lon and lat swapped is named as such),
// and a cell given twice (naming both lines). Up to 50 mistakes are
// reported at once.
func ReadOpenCelliD(r io.Reader) ([]OpenCelliDCell, []SkippedRow, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = len(OpenCelliDColumns)
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	var (
		cells   []OpenCelliDCell
		skipped []SkippedRow
		errs    []error
		seen    = map[string]int{} // cell key → line
	)
	bad := func(line int, format string, args ...any) {
		errs = append(errs, FieldError(fmt.Sprintf("line %d", line), format, args...))
	}
	for first := true; len(errs) < maxReadErrors; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				bad(pe.StartLine, "has %d columns, want %d: %s", len(rec), len(OpenCelliDColumns), strings.Join(OpenCelliDColumns, ","))
				continue
			}
			bad(pe.Line, "not CSV: %v", pe.Err)
			break // the reader cannot resynchronise after a quoting error
		}
		if err != nil {
			return nil, nil, &Error{Op: "read opencellid", Kind: Invalid, Err: fmt.Errorf("read: %w", err)}
		}
		line, _ := cr.FieldPos(0)
		if first && strings.EqualFold(strings.TrimSpace(rec[0]), "radio") {
			for i, c := range OpenCelliDColumns {
				if !strings.EqualFold(strings.TrimSpace(rec[i]), c) {
					bad(line, "header column %d is %q, want %q", i+1, rec[i], c)
					break
				}
			}
			continue
		}
		c, skip, err := openCelliDCell(line, rec)
		switch {
		case err != nil:
			errs = append(errs, err)
			continue
		case skip != "":
			skipped = append(skipped, SkippedRow{Line: line, Reason: skip})
			continue
		}
		key := fmt.Sprintf("%s/%s/%d/%d", c.Radio, c.Carrier, c.Area, c.CellID)
		if prev, dup := seen[key]; dup {
			bad(line, "duplicate cell: radio %s, mcc %d, net %s, area %d, cell %d is on line %d already",
				c.Radio, MCCVietnam, strings.TrimPrefix(c.Carrier, "452-"), c.Area, c.CellID, prev)
			continue
		}
		seen[key] = line
		cells = append(cells, c)
	}
	if len(errs) > 0 {
		return nil, nil, &Error{Op: "read opencellid", Kind: Invalid, Err: errors.Join(errs...)}
	}
	if len(cells) == 0 {
		return nil, skipped, FieldError("line 1", "no cell: the file has no GSM, UMTS, LTE or NR row")
	}
	return cells, skipped, nil
}

// openCelliDCell checks one data row; skip is the reason for leaving out a
// row that is well-formed but not imported.
func openCelliDCell(line int, rec []string) (c OpenCelliDCell, skip string, err error) {
	at := fmt.Sprintf("line %d", line)
	col := func(name string) string {
		for i, c := range OpenCelliDColumns {
			if c == name {
				return strings.TrimSpace(rec[i])
			}
		}
		return ""
	}
	c.Line = line
	c.Radio = strings.ToUpper(col("radio"))
	switch c.Radio {
	case "GSM", "UMTS", "LTE", "NR":
	case "CDMA":
		return c, "CDMA: no CDMA network operates in Vietnam", nil
	default:
		return c, "", FieldError(at, "radio %q is not GSM, UMTS, LTE or NR", col("radio"))
	}
	whole := func(name string, maxV int64) (int64, error) {
		v, err := strconv.ParseInt(col(name), 10, 64)
		if err != nil || v < 0 || v > maxV {
			return 0, FieldError(at, "%s %q is not a whole number in 0..%d", name, col(name), maxV)
		}
		return v, nil
	}
	mcc, err := whole("mcc", 999)
	if err != nil {
		return c, "", err
	}
	if mcc != MCCVietnam {
		return c, "", FieldError(at, "mcc %d is not Vietnam's %d", mcc, MCCVietnam)
	}
	net, err := whole("net", 999)
	if err != nil {
		return c, "", err
	}
	c.Carrier = fmt.Sprintf("%d-%02d", mcc, net)
	if c.Area, err = whole("area", 1<<32); err != nil {
		return c, "", err
	}
	if c.CellID, err = whole("cell", 1<<40); err != nil {
		return c, "", err
	}
	lon, err1 := strconv.ParseFloat(col("lon"), 64)
	lat, err2 := strconv.ParseFloat(col("lat"), 64)
	switch {
	case err1 != nil || math.IsNaN(lon) || math.IsInf(lon, 0):
		return c, "", FieldError(at, "lon %q is not a finite number", col("lon"))
	case err2 != nil || math.IsNaN(lat) || math.IsInf(lat, 0):
		return c, "", FieldError(at, "lat %q is not a finite number", col("lat"))
	case (lat < -90 || lat > 90) && lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180:
		return c, "", FieldError(at, "lat %g is outside -90..90: lon and lat look swapped (lon %g, lat %g)", lat, lon, lat)
	case lat < -90 || lat > 90:
		return c, "", FieldError(at, "lat %g is outside -90..90", lat)
	case lon < -180 || lon > 180:
		return c, "", FieldError(at, "lon %g is outside -180..180", lon)
	case lon == 0 && lat == 0:
		return c, "", FieldError(at, "position 0, 0 is a missing position")
	}
	c.Location = orb.Point{lon, lat}
	c.Properties = make(map[string]any, len(OpenCelliDColumns))
	for i, name := range OpenCelliDColumns {
		c.Properties[name] = csvValue(rec[i])
	}
	c.Properties["radio"] = c.Radio
	return c, "", nil
}

// csvValue keeps a CSV value as the number it spells, or as text.
func csvValue(s string) any {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f
	}
	return s
}
