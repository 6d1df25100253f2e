package hours

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	tests := []struct {
		year  int
		month time.Month
		day   int
	}{
		{1818, time.March, 22},
		{1943, time.April, 25},
		{1961, time.April, 2},
		{2000, time.April, 23},
		{2008, time.March, 23},
		{2011, time.April, 24},
		{2019, time.April, 21},
		{2024, time.March, 31},
		{2025, time.April, 20},
		{2026, time.April, 5},
		{2027, time.March, 28},
		{2028, time.April, 16},
		{2038, time.April, 25},
		{2285, time.March, 22},
	}
	for _, tc := range tests {
		m, d := Easter(tc.year)
		if m != tc.month || d != tc.day {
			t.Errorf("Easter(%d): got %v %d, want %v %d", tc.year, m, d, tc.month, tc.day)
		}
	}
}

func TestEasterIsSundayInRange(t *testing.T) {
	for year := 1583; year <= 4099; year++ {
		m, d := Easter(year)
		day := time.Date(year, m, d, 12, 0, 0, 0, time.UTC)
		first := time.Date(year, time.March, 22, 0, 0, 0, 0, time.UTC)
		last := time.Date(year, time.April, 26, 0, 0, 0, 0, time.UTC)
		if day.Weekday() != time.Sunday || day.Before(first) || !day.Before(last) {
			t.Fatalf("Easter(%d): got %v, a %v, want a Sunday from 22 March to 25 April", year, day.Format(time.DateOnly), day.Weekday())
		}
	}
}

func TestHoliday(t *testing.T) {
	tests := []struct {
		day    time.Time
		cal    Calendar
		want   string
		wantOK bool
	}{
		{at(2026, 1, 1, 0, 0), seregno, "Capodanno", true},
		{at(2026, 1, 6, 23, 59), seregno, "Epifania", true},
		{at(2026, 3, 19, 10, 0), seregno, "San Giuseppe", true},
		{at(2026, 3, 18, 10, 0), seregno, "", false},
		{at(2026, 4, 5, 10, 0), seregno, "Pasqua", true},
		{at(2026, 4, 6, 10, 0), seregno, "Lunedì dell'Angelo", true},
		{at(2026, 4, 7, 10, 0), seregno, "", false},
		{at(2027, 3, 28, 10, 0), seregno, "Pasqua", true},
		{at(2027, 3, 29, 10, 0), seregno, "Lunedì dell'Angelo", true},
		{at(2024, 4, 1, 10, 0), seregno, "Lunedì dell'Angelo", true},
		{at(2026, 4, 25, 10, 0), seregno, "Festa della Liberazione", true},
		{at(2026, 5, 1, 10, 0), seregno, "Festa del Lavoro", true},
		{at(2026, 6, 2, 10, 0), seregno, "Festa della Repubblica", true},
		{at(2026, 8, 15, 10, 0), seregno, "Ferragosto", true},
		{at(2026, 10, 4, 10, 0), seregno, "San Francesco d'Assisi", true},
		{at(2025, 10, 4, 10, 0), seregno, "", false},
		{at(2026, 11, 1, 10, 0), seregno, "Ognissanti", true},
		{at(2026, 11, 2, 10, 0), seregno, "", false},
		{at(2026, 12, 8, 10, 0), seregno, "Immacolata Concezione", true},
		{at(2026, 12, 25, 10, 0), seregno, "Natale", true},
		{at(2026, 12, 26, 10, 0), seregno, "Santo Stefano", true},
		{at(2026, 12, 31, 10, 0), seregno, "", false},
		{at(2026, 3, 19, 10, 0), Calendar{}, "", false},
		{at(2026, 3, 19, 10, 0), Italy(time.March, 19, ""), "Santo patrono", true},
		{at(2026, 4, 25, 10, 0), Italy(time.April, 25, "San Marco"), "Festa della Liberazione", true},
		{at(2026, 12, 7, 10, 0), Italy(time.December, 7, "Sant'Ambrogio"), "Sant'Ambrogio", true},
		// 23:30 UTC on 7 December is already 8 December in Rome.
		{time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC), seregno, "", false},
		{time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC).In(rome), seregno, "Immacolata Concezione", true},
	}
	for _, tc := range tests {
		got, ok := tc.cal.Holiday(tc.day)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%+v.Holiday(%v): got %q, %v, want %q, %v", tc.cal, tc.day, got, ok, tc.want, tc.wantOK)
		}
	}
}

func TestItaly(t *testing.T) {
	want := Calendar{PatronMonth: time.March, PatronDay: 19, PatronName: "San Giuseppe"}
	if got := Italy(time.March, 19, "San Giuseppe"); got != want {
		t.Errorf("Italy(March, 19, San Giuseppe): got %+v, want %+v", got, want)
	}
}
