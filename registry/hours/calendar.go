package hours

import "time"

// Calendar is the Italian calendar of public holidays for one town: the
// national holidays plus the feast of the town's patron saint. The zero
// Calendar has the national holidays only.
type Calendar struct {
	PatronMonth time.Month
	PatronDay   int
	PatronName  string
}

// Italy returns the calendar of a town whose patron saint's feast is on the
// given day, such as Italy(time.March, 19, "San Giuseppe") for Seregno.
func Italy(patronMonth time.Month, patronDay int, patronName string) Calendar {
	return Calendar{PatronMonth: patronMonth, PatronDay: patronDay, PatronName: patronName}
}

// sanFrancescoSince is the first year in which 4 October is a national
// holiday (Legge 8 ottobre 2025, n. 151).
const sanFrancescoSince = 2026

type fixedHoliday struct {
	month time.Month
	day   int
	name  string
}

var fixedHolidays = []fixedHoliday{
	{time.January, 1, "Capodanno"},
	{time.January, 6, "Epifania"},
	{time.April, 25, "Festa della Liberazione"},
	{time.May, 1, "Festa del Lavoro"},
	{time.June, 2, "Festa della Repubblica"},
	{time.August, 15, "Ferragosto"},
	{time.November, 1, "Ognissanti"},
	{time.December, 8, "Immacolata Concezione"},
	{time.December, 25, "Natale"},
	{time.December, 26, "Santo Stefano"},
}

// Holiday reports whether the calendar date of day (in day's location) is a
// public holiday, and its Italian name. The holidays are 1 and 6 January,
// Easter Sunday and Monday, 25 April, 1 May, 2 June, 15 August, 4 October
// (from 2026), 1 November, 8, 25 and 26 December, and the patron's day.
// When the patron's day falls on a national holiday, the national name is
// given.
func (c Calendar) Holiday(day time.Time) (name string, ok bool) {
	return c.holiday(dateOf(day))
}

func (c Calendar) holiday(d date) (string, bool) {
	for _, h := range fixedHolidays {
		if d.month == h.month && d.day == h.day {
			return h.name, true
		}
	}
	if d.year >= sanFrancescoSince && d.month == time.October && d.day == 4 {
		return "San Francesco d'Assisi", true
	}
	if d.month == time.March || d.month == time.April {
		em, ed := Easter(d.year)
		easter := date{d.year, em, ed}
		switch d {
		case easter:
			return "Pasqua", true
		case easter.addDays(1):
			return "Lunedì dell'Angelo", true
		}
	}
	if c.PatronDay != 0 && d.month == c.PatronMonth && d.day == c.PatronDay {
		if c.PatronName == "" {
			return "Santo patrono", true
		}
		return c.PatronName, true
	}
	return "", false
}

// Easter returns the date of Easter Sunday in the given year of the
// Gregorian calendar (the anonymous Gregorian algorithm of Meeus, Jones and
// Butcher).
func Easter(year int) (time.Month, int) {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}
