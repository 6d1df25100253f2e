package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

// StepKind is what a user does in one step of a script.
type StepKind int

// The kinds of step.
const (
	StepText     StepKind = iota // sends a message (a command or free text)
	StepLocation                 // shares a location
	StepPress                    // presses a button of the bot's latest keyboards
)

func (k StepKind) String() string {
	switch k {
	case StepText:
		return "text"
	case StepLocation:
		return "location"
	case StepPress:
		return "press"
	}
	return fmt.Sprintf("StepKind(%d)", int(k))
}

// Step is one thing a user does; the next waits for the bot's reply.
type Step struct {
	Kind     StepKind
	Text     string   // the message, for StepText
	Lat, Lon float64  // the location, for StepLocation
	Press    []string // for StepPress: the button whose label contains one of these
}

// Script is one user and what they do, in order.
type Script struct {
	UserID    int64 // also the id of their private chat with the bot
	FirstName string
	Lang      string // the client's language_code: it or en
	Steps     []Step
}

// Mix is the kind of workload.
type Mix string

// The mixes.
const (
	MixFull Mix = "full" // /start, questions, locations and a booking flow with a button press
	MixText Mix = "text" // free-text questions only
)

// firstUserID is the id of the first user of a workload; users follow it.
const firstUserID = 700_000_001

// seregno is the centre of the shared locations (Piazza Concordia).
var seregno = [2]float64{45.6503, 9.2046} // lat, lon

var questionsIT = []string{
	"coworking con cobaby vicino alla stazione",
	"fibra a Desio domani mattina",
	"sala riunioni a Monza",
	"uno spazio aperto 24 ore su 24 a Seregno",
	"stampante e wifi a Lissone",
	"coworking a Meda venerdì pomeriggio",
	"parcheggio vicino a Seregno",
	"spazi accessibili a Cesano Maderno",
	"coworking a Giussano",
	"c'è la fibra a Carate Brianza?",
	"orari di Officina Brianza",
	"orari di Torre Civica",
}

var questionsEN = []string{
	"childcare near the station",
	"fibre in Monza tomorrow",
	"meeting room in Desio",
	"coworking open 24/7 in Seregno",
	"printer and wifi in Lissone",
	"parking near Seregno",
	"quiet desk in Carate Brianza tomorrow morning",
	"any space with a kitchen in Meda?",
	"opening hours of Binario Uno",
	"opening hours of Lambro Hub",
}

// bookable are the demo spaces with desks on every weekday, morning and
// afternoon, weighted by their desks so that bookings spread over the
// capacity.
var bookable = []struct {
	name  string
	desks int
}{
	{"Lambro Hub", 40}, {"Torre Civica", 30}, {"Cesano Coworking Lab", 24}, {"Officina Brianza", 20},
	{"Lissone Design Desk", 18}, {"Desio Works", 16}, {"Spazio Filanda", 14}, {"Binario Uno", 12},
	{"Cascina del Lambro", 12},
}

var weekdaysIT = map[time.Weekday]string{time.Monday: "lunedì", time.Tuesday: "martedì",
	time.Wednesday: "mercoledì", time.Thursday: "giovedì", time.Friday: "venerdì"}
var weekdaysEN = map[time.Weekday]string{time.Monday: "monday", time.Tuesday: "tuesday",
	time.Wednesday: "wednesday", time.Thursday: "thursday", time.Friday: "friday"}

// Workload makes the scripts of n distinct users. The same seed, mix and day
// give the same scripts, so every bot of a round plays the same users. today
// matters for the booking flow: bookings are for a weekday of the coming
// six days (its name means the next one), never today, so that a morning is
// never already over, and never a public holiday, when the spaces are closed.
func Workload(n int, mix Mix, seed uint64, today time.Time) []Script {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	var days []time.Weekday
	for i := 1; i < 7; i++ {
		d := today.AddDate(0, 0, i)
		if _, holiday := registry.DefaultCalendar.Holiday(d); !holiday && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			days = append(days, d.Weekday())
		}
	}
	totalDesks := 0
	for _, b := range bookable {
		totalDesks += b.desks
	}
	g := gen{rng: rng, days: days, totalDesks: totalDesks}
	out := make([]Script, n)
	for i := range out {
		s := Script{UserID: firstUserID + int64(i), FirstName: fmt.Sprintf("Utente%d", i+1), Lang: "it"}
		kind := i % 5
		if kind == 2 || kind == 3 {
			s.Lang = "en"
		}
		if mix == MixText {
			s.Steps = g.questions(s.Lang, 3)
		} else {
			s.Steps = g.full(kind, s.Lang)
		}
		out[i] = s
	}
	return out
}

type gen struct {
	rng        *rand.Rand
	days       []time.Weekday
	totalDesks int
}

// full is one of five scripts, two of them with a booking.
func (g gen) full(kind int, lang string) []Step {
	start := Step{Kind: StepText, Text: "/start"}
	switch kind {
	case 0, 2:
		return append([]Step{start}, append(g.questions(lang, 1), g.location())...)
	case 1:
		return append(g.questions(lang, 2), g.booking(lang)...)
	case 3:
		return append(g.questions(lang, 1), g.booking(lang)...)
	default:
		return append([]Step{g.location()}, g.questions(lang, 2)...)
	}
}

// questions are k different free-text questions in lang.
func (g gen) questions(lang string, k int) []Step {
	pool := questionsIT
	if lang == "en" {
		pool = questionsEN
	}
	out := make([]Step, 0, k)
	for _, j := range g.rng.Perm(len(pool))[:k] {
		out = append(out, Step{Kind: StepText, Text: pool[j]})
	}
	return out
}

// location is a point within about a kilometre of Seregno's centre.
func (g gen) location() Step {
	return Step{Kind: StepLocation,
		Lat: seregno[0] + (g.rng.Float64()-0.5)*0.018,
		Lon: seregno[1] + (g.rng.Float64()-0.5)*0.026}
}

// booking asks for desks at a space on a weekday morning or afternoon, then
// presses the Confirm button of the summary.
func (g gen) booking(lang string) []Step {
	k := g.rng.IntN(g.totalDesks)
	space := bookable[0].name
	for _, b := range bookable {
		if k < b.desks {
			space = b.name
			break
		}
		k -= b.desks
	}
	day := g.days[g.rng.IntN(len(g.days))]
	two := g.rng.IntN(10) < 3
	afternoon := g.rng.IntN(2) == 0
	if lang == "en" {
		qty, slot := "a desk", "morning"
		if two {
			qty = "2 desks"
		}
		if afternoon {
			slot = "afternoon"
		}
		return []Step{
			{Kind: StepText, Text: fmt.Sprintf("book %s %s %s at %s", qty, weekdaysEN[day], slot, space)},
			{Kind: StepPress, Press: []string{"Confirm"}},
		}
	}
	qty, slot := "una scrivania", "mattina"
	if two {
		qty = "2 scrivanie"
	}
	if afternoon {
		slot = "pomeriggio"
	}
	return []Step{
		{Kind: StepText, Text: fmt.Sprintf("prenota %s %s %s da %s", qty, weekdaysIT[day], slot, space)},
		{Kind: StepPress, Press: []string{"Conferma"}},
	}
}

// countSteps is the number of steps of all scripts: the updates a round hands out.
func countSteps(scripts []Script) int {
	n := 0
	for i := range scripts {
		n += len(scripts[i].Steps)
	}
	return n
}
