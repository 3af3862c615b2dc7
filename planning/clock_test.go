package planning_test

import (
	"strings"
	"testing"
	"time"

	"btsplan/planning"
)

func calendar(t *testing.T) *planning.Calendar {
	t.Helper()
	c, err := planning.DefaultCalendar()
	if err != nil {
		t.Fatalf("DefaultCalendar: %v", err)
	}
	return c
}

// day is midnight of a date in Vietnam.
func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, planning.Vietnam())
	if err != nil {
		panic(err)
	}
	return t
}

func TestWorkingDay(t *testing.T) {
	c := calendar(t)
	tests := []struct {
		date string
		want bool
		why  string
	}{
		{"2025-01-01", false, "New Year"},
		{"2025-01-27", false, "Tết 2025, 28th of the 12th month"},
		{"2025-01-31", false, "Tết 2025, 3rd day"},
		{"2025-02-03", true, "first working day after Tết 2025"},
		{"2025-04-07", false, "Hùng Kings 2025"},
		{"2025-04-26", true, "Saturday worked for 2 May 2025"},
		{"2025-05-02", false, "swapped for Saturday 26 April 2025"},
		{"2025-09-01", false, "National Day 2025, adjacent day"},
		{"2026-02-16", false, "Tết 2026, New Year's Eve"},
		{"2026-02-23", true, "first working day after Tết 2026"},
		{"2026-04-27", false, "in lieu of Hùng Kings on Sunday 26 April 2026"},
		{"2026-04-28", true, "an ordinary Tuesday"},
		{"2026-08-22", true, "Saturday worked for 31 August 2026"},
		{"2026-08-31", false, "swapped for Saturday 22 August 2026"},
		{"2027-02-10", false, "in lieu of Tết 2027's 1st day, a Saturday"},
		{"2027-02-11", false, "in lieu of Tết 2027's 2nd day, a Sunday"},
		{"2027-02-12", true, "first working day after Tết 2027"},
		{"2027-05-03", false, "in lieu of Labour Day 2027, a Saturday"},
		{"2028-01-03", false, "in lieu of New Year 2028, a Saturday"},
		{"2028-01-31", false, "in lieu of Tết 2028's 4th day, a Saturday"},
		{"2028-05-02", false, "in lieu of Victory Day 2028, a Sunday (1 May is a holiday itself)"},
		{"2029-09-04", false, "in lieu of National Day 2029, a Sunday (3 Sep is the adjacent day)"},
		{"2030-02-01", false, "Tết 2030 eve: Vietnam's Tết is 2 Feb 2030, a day before China's"},
		{"2030-02-07", false, "in lieu of Tết 2030's 2nd day, a Sunday"},
		{"2030-02-08", true, "first working day after Tết 2030"},
		{"2026-03-15", false, "an ordinary Sunday"},
		{"2031-01-01", true, "outside the file only weekends count"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			if got := c.WorkingDay(day(tt.date)); got != tt.want {
				t.Errorf("WorkingDay(%s) = %v, want %v (%s)", tt.date, got, tt.want, tt.why)
			}
		})
	}
	// A moment is a day in Vietnam, not in UTC: Friday 20:00 UTC is
	// Saturday 03:00 in Hà Nội.
	if c.WorkingDay(time.Date(2026, 3, 13, 20, 0, 0, 0, time.UTC)) {
		t.Errorf("WorkingDay(2026-03-13T20:00Z) = true, want false (a Saturday in Vietnam)")
	}
}

func TestHolidaysCountsDerivedDays(t *testing.T) {
	c := calendar(t)
	got := c.Holidays(2026)
	// 11 listed holidays, Hùng Kings' compensatory day, the swapped 31 Aug.
	if len(got) != 13 {
		t.Fatalf("Holidays(2026) has %d days, want 13: %v", len(got), got)
	}
	kinds := map[planning.HolidayKind]int{}
	for _, h := range got {
		kinds[h.Kind]++
	}
	if kinds[planning.HolidayCompensatory] != 1 || kinds[planning.HolidaySwap] != 1 {
		t.Errorf("Holidays(2026) kinds = %v, want one compensatory and one swap", kinds)
	}
	if first, last := c.Years(); first != 2025 || last != 2030 {
		t.Errorf("Years() = %d, %d; want 2025, 2030", first, last)
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := calendar(t)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-13", 1, "2026-02-23"}, // over Tết 2026
		{"2025-04-25", 1, "2025-04-26"}, // the Saturday worked
		{"2025-04-25", 5, "2025-05-06"}, // 26, 28, 29 Apr, 5, 6 May
		{"2025-04-04", 1, "2025-04-08"}, // over Hùng Kings on Monday 7 April
		{"2026-03-11", 0, "2026-03-11"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			if got := c.AddWorkingDays(day(tt.from), tt.n); !got.Equal(day(tt.want)) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got.Format(time.DateOnly), tt.want)
			}
		})
	}
}

func TestReviewClock(t *testing.T) {
	c := calendar(t)
	at := func(s string) time.Time { return day(s).Add(10 * time.Hour) } // 10:00 in Vietnam
	started := at("2026-02-09")                                          // Monday before Tết 2026
	pause := []planning.Pause{{From: at("2026-02-25"), Until: at("2026-03-04")}}
	open := []planning.Pause{{From: at("2026-02-25")}}
	tests := []struct {
		name    string
		clock   planning.ReviewClock
		now     string
		due     string
		elapsed int
		paused  bool
		overdue bool
	}{
		{"not started", planning.ReviewClock{WorkingDays: 15}, "2026-03-01", "", 0, false, false},
		// 10–13 Feb, Tết 16–20 Feb off, 23–27 Feb, 2–6 Mar, 9 Mar.
		{"15 days over Tết", planning.ReviewClock{WorkingDays: 15, Started: started}, "2026-02-20", "2026-03-09", 4, false, false},
		{"last day", planning.ReviewClock{WorkingDays: 15, Started: started}, "2026-03-09", "2026-03-09", 15, false, false},
		{"a day late", planning.ReviewClock{WorkingDays: 15, Started: started}, "2026-03-10", "2026-03-09", 16, false, true},
		// The request's day (25 Feb) counts; 26, 27 Feb, 2, 3, 4 Mar do not:
		// 10–13, 23–25 Feb, 5, 6, 9, 10 Mar.
		{"paused and resumed", planning.ReviewClock{WorkingDays: 15, Started: started, Pauses: pause}, "2026-03-10", "2026-03-16", 11, false, false},
		{"paused, now late", planning.ReviewClock{WorkingDays: 15, Started: started, Pauses: pause}, "2026-03-17", "2026-03-16", 16, false, true},
		// An open pause counts as ending today: the due day moves daily.
		{"open pause", planning.ReviewClock{WorkingDays: 15, Started: started, Pauses: open}, "2026-03-04", "2026-03-16", 7, true, false},
		{"open pause, later", planning.ReviewClock{WorkingDays: 15, Started: started, Pauses: open}, "2026-03-06", "2026-03-18", 7, true, false},
		// Stopped on time: later days do not make it overdue.
		{"decided in time", planning.ReviewClock{WorkingDays: 15, Started: started, Stopped: at("2026-03-05")}, "2026-06-01", "2026-03-09", 13, false, false},
		{"decided late", planning.ReviewClock{WorkingDays: 15, Started: started, Stopped: at("2026-03-11")}, "2026-06-01", "2026-03-09", 17, false, true},
		// A batch of 10–50 stations: 30 working days from 1 April 2025 over
		// Hùng Kings (7 Apr) and 30 Apr–2 May, with the Saturday 26 April
		// worked: 2–4, 8–11, 14–18, 21–26, 28–29 Apr (20), 5–9, 12–16 May.
		{"batch", planning.ReviewClock{WorkingDays: planning.ReviewDays(12), Started: at("2025-04-01")}, "2025-04-02", "2025-05-16", 1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := c.Status(tt.clock, at(tt.now))
			due := ""
			if !st.Due.IsZero() {
				due = st.Due.Format(time.DateOnly)
			}
			if due != tt.due || st.Elapsed != tt.elapsed || st.Paused != tt.paused || st.Overdue != tt.overdue {
				t.Errorf("Status at %s = due %q elapsed %d paused %v overdue %v; want due %q elapsed %d paused %v overdue %v",
					tt.now, due, st.Elapsed, st.Paused, st.Overdue, tt.due, tt.elapsed, tt.paused, tt.overdue)
			}
			if tt.due != "" && st.Remaining != tt.clock.WorkingDays-tt.elapsed {
				t.Errorf("Remaining = %d, want %d", st.Remaining, tt.clock.WorkingDays-tt.elapsed)
			}
		})
	}
}

func TestReviewDays(t *testing.T) {
	for _, tt := range []struct{ stations, want int }{{1, 15}, {9, 15}, {10, 30}, {50, 30}, {51, 30}} {
		if got := planning.ReviewDays(tt.stations); got != tt.want {
			t.Errorf("ReviewDays(%d) = %d, want %d", tt.stations, got, tt.want)
		}
	}
}

func TestLoadCalendarErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad date", "years:\n  - year: 2025\n    status: decreed\n    holidays:\n      - {date: 2025-13-01, vi: a, en: b}\n", "not a YYYY-MM-DD"},
		{"unknown field", "years:\n  - year: 2025\n    status: decreed\n    holiday: []\n", "line 4"},
		{"status", "years:\n  - year: 2025\n    status: rumoured\n", "status"},
		{"swap of a weekend day", "years:\n  - year: 2025\n    status: decreed\n    swaps:\n      - {off: 2025-04-26, work: 2025-05-02}\n", "swap"},
		{"gap", "years:\n  - year: 2025\n    status: decreed\n  - year: 2027\n    status: decreed\n", "skip"},
		{"other year", "years:\n  - year: 2025\n    status: decreed\n    holidays:\n      - {date: 2026-01-01, vi: a, en: b}\n", "another year"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := planning.LoadCalendar("x.yaml", []byte(tt.yaml))
			if planning.KindOf(err) != planning.Invalid || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "x.yaml") {
				t.Errorf("LoadCalendar error = %v, want Invalid naming x.yaml and %q", err, tt.want)
			}
		})
	}
}
