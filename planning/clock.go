package planning

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"time"

	"gopkg.in/yaml.v3"
)

// Vietnam keeps UTC+7 all year. Days of the review clock are calendar
// days there, whatever the server's zone.
var vietnam = time.FixedZone("ICT", 7*3600)

// Vietnam returns the time zone of Vietnamese calendar days (UTC+7, no DST).
func Vietnam() *time.Location { return vietnam }

//go:embed calendar/vn-holidays.yaml
var defaultCalendar []byte

// DefaultCalendarFile is the name errors give to the embedded calendar.
const DefaultCalendarFile = "calendar/vn-holidays.yaml"

// The review periods of Decree 32/2016/NĐ-CP, in working days.
const (
	ReviewWorkingDays      = 15 // one station
	BatchReviewWorkingDays = 30 // a batch of 10 to 50 stations
	MinBatchStations       = 10
)

// ReviewDays returns the review period for a submission of stations radio
// stations: 15 working days, or 30 for a batch of 10 or more (the decree
// names batches of 10 to 50; a larger batch keeps 30, the longest period
// it gives).
func ReviewDays(stations int) int {
	if stations >= MinBatchStations {
		return BatchReviewWorkingDays
	}
	return ReviewWorkingDays
}

// HolidayKind tells a listed holiday from a day off that the calendar
// derived from one.
type HolidayKind string

// The kinds of days off.
const (
	HolidayPublic       HolidayKind = "holiday"      // listed in the file
	HolidayCompensatory HolidayKind = "compensatory" // Labour Code art. 112(3): for a holiday on a weekend
	HolidaySwap         HolidayKind = "swap"         // a working day given off for a Saturday worked
)

// Holiday is one day off of the state administration.
type Holiday struct {
	Date time.Time // midnight in Vietnam
	Name Text
	Kind HolidayKind
}

// Calendar knows the working days of the Vietnamese state administration:
// Monday to Friday, except public holidays, the compensatory days off for
// holidays on a weekend, and swapped days; plus the Saturdays worked in a
// swap. It is immutable and safe for concurrent use.
type Calendar struct {
	off         map[int]Holiday // day number → day off (weekdays only)
	work        map[int]bool    // day number → a weekend day worked
	first, last int             // the years the file covers
}

// calendarFile is the YAML form; yaml.v3 maps lower-cased field names, so
// the type needs no tags.
type calendarFile struct {
	Years []struct {
		Year     int
		Status   string
		Source   string
		Holidays []struct {
			Date string
			VI   string
			EN   string
		}
		Swaps []struct {
			Off  string
			Work string
		}
	}
}

// DefaultCalendar returns the embedded calendar (2025–2030).
func DefaultCalendar() (*Calendar, error) {
	return LoadCalendar(DefaultCalendarFile, defaultCalendar)
}

// LoadCalendar parses a holiday file (the format of
// calendar/vn-holidays.yaml). Errors are Invalid and name the file, and
// the line where yaml gives one.
func LoadCalendar(name string, data []byte) (*Calendar, error) {
	fail := func(format string, args ...any) error {
		return &Error{Op: "load calendar", Kind: Invalid, Field: name, Err: fmt.Errorf(format, args...)}
	}
	var f calendarFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fail("%v", err)
	}
	if len(f.Years) == 0 {
		return nil, fail("no years")
	}
	c := &Calendar{off: map[int]Holiday{}, work: map[int]bool{}}
	day := func(s, what string, year int) (int, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, vietnam)
		if err != nil {
			return 0, fail("year %d: %s %q is not a YYYY-MM-DD date", year, what, s)
		}
		if t.Year() != year {
			return 0, fail("year %d: %s %s is in another year", year, what, s)
		}
		return dayNumber(t), nil
	}
	var listed []int
	seenYear := map[int]bool{}
	for _, y := range f.Years {
		if y.Year < 2000 || y.Year > 2200 || seenYear[y.Year] {
			return nil, fail("year %d is out of range or listed twice", y.Year)
		}
		if y.Status != "decreed" && y.Status != "projected" {
			return nil, fail("year %d: status %q is not decreed or projected", y.Year, y.Status)
		}
		seenYear[y.Year] = true
		for _, h := range y.Holidays {
			d, err := day(h.Date, "holiday", y.Year)
			if err != nil {
				return nil, err
			}
			if _, dup := c.off[d]; dup {
				return nil, fail("year %d: %s is listed twice", y.Year, h.Date)
			}
			if h.VI == "" || h.EN == "" {
				return nil, fail("year %d: holiday %s needs vi and en names", y.Year, h.Date)
			}
			c.off[d] = Holiday{Date: dateOf(d), Name: Text{VI: h.VI, EN: h.EN}, Kind: HolidayPublic}
			listed = append(listed, d)
		}
		for _, s := range y.Swaps {
			off, err := day(s.Off, "swap off", y.Year)
			if err != nil {
				return nil, err
			}
			work, err := day(s.Work, "swap work", y.Year)
			if err != nil {
				return nil, err
			}
			if weekend(off) || !weekend(work) {
				return nil, fail("year %d: a swap gives a weekday off (%s) for a weekend day worked (%s)", y.Year, s.Off, s.Work)
			}
			if _, dup := c.off[off]; dup {
				return nil, fail("year %d: swap day %s is a holiday already", y.Year, s.Off)
			}
			c.off[off] = Holiday{Date: dateOf(off), Name: Text{VI: "Nghỉ hoán đổi", EN: "Swapped day off"}, Kind: HolidaySwap}
			c.work[work] = true
		}
	}
	years := make([]int, 0, len(seenYear))
	for y := range seenYear {
		years = append(years, y)
	}
	sort.Ints(years)
	for i := 1; i < len(years); i++ {
		if years[i] != years[i-1]+1 {
			return nil, fail("the years skip from %d to %d", years[i-1], years[i])
		}
	}
	c.first, c.last = years[0], years[len(years)-1]
	// Labour Code art. 112(3): a holiday on a weekend gives a day off on the
	// next working day. Holidays are taken in date order so that two of
	// them on one weekend get two successive days.
	slices.Sort(listed)
	for _, d := range listed {
		if !weekend(d) || c.work[d] {
			continue
		}
		h := c.off[d]
		for n := d + 1; ; n++ {
			if _, isOff := c.off[n]; isOff || weekend(n) && !c.work[n] {
				continue
			}
			c.off[n] = Holiday{Date: dateOf(n), Kind: HolidayCompensatory,
				Name: Text{VI: "Nghỉ bù " + h.Name.VI, EN: "In lieu of " + h.Name.EN}}
			break
		}
	}
	// Only weekday days off matter to the clock; weekend holidays stay
	// listed for Holidays but never change a count.
	return c, nil
}

// Covers reports whether the calendar lists the holidays of t's year. Out
// of those years it knows only weekends.
func (c *Calendar) Covers(t time.Time) bool {
	y := t.In(vietnam).Year()
	return y >= c.first && y <= c.last
}

// Years returns the first and last year the calendar covers.
func (c *Calendar) Years() (first, last int) { return c.first, c.last }

// WorkingDay reports whether the calendar day of t (in Vietnam) is a
// working day.
func (c *Calendar) WorkingDay(t time.Time) bool { return c.working(dayNumber(t)) }

func (c *Calendar) working(d int) bool {
	if c.work[d] {
		return true
	}
	if weekend(d) {
		return false
	}
	_, off := c.off[d]
	return !off
}

// Holidays returns the days off of year (listed, compensatory and
// swapped), in date order.
func (c *Calendar) Holidays(year int) []Holiday {
	var out []Holiday
	for _, h := range c.off {
		if h.Date.Year() == year {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// AddWorkingDays returns the date (midnight in Vietnam) of the n-th
// working day after t's day; t's day itself is not counted.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := dayNumber(t)
	for k := 0; k < n; {
		d++
		if c.working(d) {
			k++
		}
	}
	return dateOf(d)
}

// Pause is one interval during which the review clock stood still (a
// request for documents until their resubmission). Until is zero while
// the pause lasts.
type Pause struct {
	From  time.Time
	Until time.Time
}

// ReviewClock is the statutory clock of one case.
type ReviewClock struct {
	WorkingDays int       // the period: ReviewDays(stations)
	Started     time.Time // receipt of the submission; zero when not started
	Pauses      []Pause   // in order; only the last may be open
	Stopped     time.Time // the decision or withdrawal; zero while running
}

// ClockStatus is where a ReviewClock stands at some moment.
type ClockStatus struct {
	// Due is the last day of the period (midnight in Vietnam), counting
	// an open pause as ending today; zero when the clock has not started.
	Due       time.Time
	Elapsed   int  // working days counted so far
	Remaining int  // WorkingDays − Elapsed; negative when overdue
	Paused    bool // a pause is open
	Stopped   bool
	Overdue   bool // the clock ran (or stopped) past Due
}

// Status returns the clock's state at now. The days are calendar days in
// Vietnam. A working day counts when it comes after the day the clock
// started and is not paused; a pause from day P until day R stops the
// days after P up to and including R (the request's own day counts, the
// resubmission's day does not), so the clock runs again from the day after
// the resubmission, as it started the day after receipt.
func (c *Calendar) Status(rc ReviewClock, now time.Time) ClockStatus {
	var st ClockStatus
	if rc.Started.IsZero() {
		return st
	}
	start := dayNumber(rc.Started)
	end := dayNumber(now)
	if !rc.Stopped.IsZero() {
		st.Stopped = true
		end = dayNumber(rc.Stopped)
	}
	type span struct{ from, until int } // paused days: from < d <= until
	var paused []span
	for _, p := range rc.Pauses {
		u := end
		if !p.Until.IsZero() {
			u = dayNumber(p.Until)
		} else if rc.Stopped.IsZero() {
			st.Paused = true
		}
		paused = append(paused, span{dayNumber(p.From), u})
	}
	isPaused := func(d int) bool {
		for _, s := range paused {
			if d > s.from && d <= s.until {
				return true
			}
		}
		return false
	}
	counted := func(d int) bool { return c.working(d) && !isPaused(d) }
	for d := start + 1; d <= end; d++ {
		if counted(d) {
			st.Elapsed++
		}
	}
	// The due day: walk on from the start until the period is used up. The
	// walk ends: every pause is closed (an open one at end), so after the
	// last pause only holidays can hold it back.
	k, d := 0, start
	for k < rc.WorkingDays {
		d++
		if counted(d) {
			k++
		}
	}
	st.Due = dateOf(d)
	st.Remaining = rc.WorkingDays - st.Elapsed
	st.Overdue = end > d
	return st
}

// dayNumber is the number of t's calendar day in Vietnam since 1970-01-01.
func dayNumber(t time.Time) int {
	y, m, dd := t.In(vietnam).Date()
	return int(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dateOf is the midnight in Vietnam that starts day number d.
func dateOf(d int) time.Time {
	u := time.Unix(int64(d)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, vietnam)
}

// weekend reports whether day number d is a Saturday or a Sunday.
func weekend(d int) bool {
	wd := dateOf(d).Weekday()
	return wd == time.Saturday || wd == time.Sunday
}
