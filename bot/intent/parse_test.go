package intent

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"C'È UN COWORKING???", "c e un coworking"},
		{"cè", "ce"},
		{"Perché non c'è?", "perche non c e"},
		{"Muggiò, Cantù", "muggio cantu"},
		{"dalle 14:30 alle 18.00", "dalle 14:30 alle 18.00"},
		{"3/12 e 9-13", "3/12 e 9-13"},
		{"9am-1pm", "9am-1pm"},
		{"wi-fi step-free", "wi fi step free"},
		{"ciaooo 👋 grazieee!!", "ciao grazie"},
		{"book  it", "book it"},
		{"Nido & Lavoro", "nido lavoro"},
		{"24/7", "24/7"},
		{"-3-", "3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOSA(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"coworking", "coworking", 2, 0},
		{"cowroking", "coworking", 2, 1},
		{"coworkin", "coworking", 2, 1},
		{"cobabi", "cobaby", 1, 1},
		{"stampnte", "stampante", 2, 1},
		{"abcd", "wxyz", 1, 2},
		{"ca", "abc", 3, 3},
	}
	for _, tt := range tests {
		if got := osa(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("osa(%q, %q, %d): got %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestSpeller(t *testing.T) {
	s := newSpeller([]string{"coworking", "cobaby", "domani", "sala", "sale", "prenota", "tomorrow", "stampante"})
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"cowroking", "coworking", true},
		{"coworkng", "coworking", true},
		{"cowrkng", "", false},           // 7 letters: one edit allowed, this needs two
		{"cowrkingg", "coworking", true}, // 9 letters: two edits allowed
		{"cobabi", "cobaby", true},
		{"domai", "domani", true},
		{"prentoa", "prenota", true},
		{"tomorow", "tomorrow", true},
		{"stmpnte", "", false},
		{"cowrkg", "", false}, // 6 letters: only one edit allowed, this needs three
		{"sal", "", false},    // too short to correct
		{"xyzzy", "", false},  // nothing near
		{"domanii", "domani", true},
	}
	for _, tt := range tests {
		got, ok := s.correct(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("correct(%q): got %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func date(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatalf("load location: %v", err)
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return d
}

// TestWhen checks time expressions against the corpus clock, Wednesday
// 2 December 2026.
func TestWhen(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct {
		text     string
		date     string
		part     Part
		from, to int
		now      bool
		alt      string // with a conflict, the weekday's date
	}{
		{"oggi", "2026-12-02", "", 0, 0, false, ""},
		{"domani", "2026-12-03", "", 0, 0, false, ""},
		{"dopodomani", "2026-12-04", "", 0, 0, false, ""},
		{"mercoledì", "2026-12-02", "", 0, 0, false, ""},
		{"mercoledì prossimo", "2026-12-09", "", 0, 0, false, ""},
		{"next wednesday", "2026-12-09", "", 0, 0, false, ""},
		{"venerdì prossimo", "2026-12-04", "", 0, 0, false, ""},
		{"ven", "2026-12-04", "", 0, 0, false, ""},
		{"venerdi", "2026-12-04", "", 0, 0, false, ""},
		{"sabato mattina", "2026-12-05", Morning, 0, 0, false, ""},
		{"domenica sera", "2026-12-06", Evening, 0, 0, false, ""},
		{"lunedì", "2026-12-07", "", 0, 0, false, ""},
		{"mar pomeriggio", "2026-12-08", Afternoon, 0, 0, false, ""},
		{"3 dicembre", "2026-12-03", "", 0, 0, false, ""},
		{"3 dic", "2026-12-03", "", 0, 0, false, ""},
		{"3/12", "2026-12-03", "", 0, 0, false, ""},
		{"3/12/2027", "2027-12-03", "", 0, 0, false, ""},
		{"il 3", "2026-12-03", "", 0, 0, false, ""},
		{"il 2", "2026-12-02", "", 0, 0, false, ""},
		{"il 1", "2027-01-01", "", 0, 0, false, ""},
		{"il 31", "2026-12-31", "", 0, 0, false, ""},
		{"1 dicembre", "2026-12-01", "", 0, 0, false, ""}, // yesterday: the bot says it is past
		{"1 ottobre", "2027-10-01", "", 0, 0, false, ""},  // more than two months back: next year
		{"29 febbraio", "2028-02-29", "", 0, 0, false, ""},
		{"dec 3", "2026-12-03", "", 0, 0, false, ""},
		{"3rd december", "2026-12-03", "", 0, 0, false, ""},
		{"december 31st", "2026-12-31", "", 0, 0, false, ""},
		{"on the 10th", "2026-12-10", "", 0, 0, false, ""},
		{"tomorrow morning", "2026-12-03", Morning, 0, 0, false, ""},
		{"stasera", "2026-12-02", Evening, 0, 0, false, ""},
		{"tonight", "2026-12-02", Evening, 0, 0, false, ""},
		{"tutto il giorno", "", AllDay, 0, 0, false, ""},
		{"giornata intera", "", AllDay, 0, 0, false, ""},
		{"dalle 9 alle 13", "", "", 540, 780, false, ""},
		{"dalle 14:30 alle 18", "", "", 870, 1080, false, ""},
		{"9-13", "", "", 540, 780, false, ""},
		{"from 9 to 1pm", "", "", 540, 780, false, ""},
		{"from 9 to 1", "", "", 540, 780, false, ""},
		{"9am-1pm", "", "", 540, 780, false, ""},
		{"9 am to 1 pm", "", "", 0, 0, false, ""},
		{"from 9 am to 1 pm", "", "", 540, 780, false, ""},
		{"between 10 and 12", "", "", 600, 720, false, ""},
		{"tra le 10 e le 12", "", "", 600, 720, false, ""},
		{"dalle 9", "", "", 540, 0, false, ""},
		{"aperto adesso", "", "", 0, 0, true, ""},
		{"aperto ora", "", "", 0, 0, true, ""},
		{"open now", "", "", 0, 0, true, ""},
		{"un'ora", "", "", 0, 0, false, ""},
		{"aperto la domenica", "2026-12-06", "", 0, 0, false, ""},
		{"open on sunday", "2026-12-06", "", 0, 0, false, ""},
		{"venerdì 3 dicembre", "2026-12-03", "", 0, 0, false, "2026-12-04"},
		{"giovedì 3 dicembre", "2026-12-03", "", 0, 0, false, ""},
		{"lunedì 8", "2026-12-08", "", 0, 0, false, "2026-12-07"},
		{"friday dec 10", "2026-12-10", "", 0, 0, false, "2026-12-04"},
		{"domani venerdì", "2026-12-03", "", 0, 0, false, "2026-12-04"},
		{"domani giovedì", "2026-12-03", "", 0, 0, false, ""},
		{"31/11", "", "", 0, 0, false, ""},
	}
	for _, tt := range tests {
		w := p.Parse(tt.text, "it", now, Context{}).When
		want := When{Date: date(t, tt.date), Part: tt.part, From: tt.from, To: tt.to, Now: tt.now, Conflict: tt.alt != "", AltDate: date(t, tt.alt)}
		if !w.Date.Equal(want.Date) || w.Part != want.Part || w.From != want.From || w.To != want.To || w.Now != want.Now || w.Conflict != want.Conflict || !w.AltDate.Equal(want.AltDate) {
			t.Errorf("%q: got %+v, want %+v", tt.text, w, want)
		}
	}
}

// TestNames checks space names, partial and misspelt, and ambiguous ones.
func TestNames(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct {
		text       string
		space      string
		candidates []string
		place      string
	}{
		{"Officina Brianza", "officina-brianza", nil, ""},
		{"officina", "officina-brianza", nil, ""},
		{"offcina brianza", "officina-brianza", nil, ""},
		{"torre civica", "torre-civica", nil, ""},
		{"torre civca", "torre-civica", nil, ""},
		{"TORRE CIVICA COWORKING", "torre-civica", nil, ""},
		{"binario 1", "binario-uno", nil, ""},
		{"Desio Works", "desio-works", nil, ""},
		{"coworking a Desio", "", nil, "desio"},
		{"desio works a desio", "desio-works", nil, "desio"},
		{"La Bottega di Meda", "bottega-meda", nil, ""},
		{"coworking a Meda", "", nil, "meda"},
		{"la bottega a Meda", "bottega-meda", nil, "meda"},
		{"cesano lab", "cesano-lab", nil, ""},
		{"coworking a cesano", "", nil, "cesano-maderno"},
		{"lambro", "", []string{"cascina-lambro", "lambro-hub"}, ""},
		{"lambro hub", "lambro-hub", nil, ""},
		{"cascina del lambro", "cascina-lambro", nil, ""},
		{"a desk in lissone", "", nil, "lissone"},
		{"lissone design", "lissone-design", nil, ""},
		{"nido & lavoro", "nido-lavoro", nil, ""},
		{"asilo nido a Seregno", "", nil, "seregno"},
		{"spazio a seveso", "", nil, "seveso"},
		{"prenota officina e torre civica", "", []string{"officina-brianza", "torre-civica"}, ""},
		{"lambro hub o il cortile", "", []string{"il-cortile", "lambro-hub"}, ""},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, Context{})
		if r.Space != tt.space || !slices.Equal(r.Candidates, tt.candidates) || r.Place != tt.place {
			t.Errorf("%q: got space %q, candidates %v, place %q; want %q, %v, %q", tt.text, r.Space, r.Candidates, r.Place, tt.space, tt.candidates, tt.place)
		}
	}
}

// TestOrdinaryPlaces checks that places named like common words are taken
// only after a place preposition, and that "centro" and "sala" keep their
// ordinary meaning where it is meant.
func TestOrdinaryPlaces(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct {
		text     string
		place    string
		services []string
	}{
		{"coworking a Ora", "ora", nil},
		{"aperto ora", "", nil},
		{"a che ora apre", "", nil},
		{"in zona Sale", "sale", nil},
		{"sale riunioni", "", []string{"meeting_room"}},
		{"ho finito il sale", "", nil},
		{"vicino a Cento", "cento", nil},
		{"cento grazie", "", nil},
		{"al cento per cento", "", nil},
		{"abbonamento di cento euro", "", nil},
		{"ce ne sono", "", nil},
		{"coworking a Ne", "ne", nil},
		{"near Re", "re", nil},
		{"quanto costa al mese", "", nil},
		{"in centro", "seregno-centro", nil},
		{"centro", "", nil},
		{"il centro sportivo", "", nil},
		{"vicino al centro commerciale", "", nil},
		{"la stazione", "seregno-stazione", nil},
		{"stazione di seregno", "seregno-stazione", nil},
		{"sala", "", nil},
		{"in sala riunioni", "", []string{"meeting_room"}},
		{"downtown", "seregno-centro", nil},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, Context{})
		if r.Place != tt.place || !slices.Equal(r.Services, tt.services) {
			t.Errorf("%q: got place %q, services %v; want %q, %v", tt.text, r.Place, r.Services, tt.place, tt.services)
		}
	}
}

// TestContext checks follow-ups and references to the last results.
func TestContext(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	last := Context{LastResults: []string{"officina-brianza", "torre-civica"}}
	tests := []struct {
		text    string
		c       Context
		intent  Intent
		ordinal int
		space   string
		refine  bool
	}{
		{"la prima", last, Details, 1, "officina-brianza", false},
		{"prenota il secondo", last, Book, 2, "torre-civica", false},
		{"the first one", last, Details, 1, "officina-brianza", false},
		{"details of 2", last, Details, 2, "torre-civica", false},
		{"details of 3", last, Details, 0, "", false},
		{"la terza", last, Details, 3, "", false},
		{"il secondo", Context{}, Details, 2, "", false},
		{"prima delle 9", last, Search, 0, "", false}, // a time, not the first result
		{"nel primo pomeriggio", last, Search, 0, "", false},
		{"e con la fibra?", last, Search, 0, "", true},
		{"and in Monza?", last, Search, 0, "", true},
		{"anche con parcheggio", last, Search, 0, "", true},
		{"e la seconda?", last, Details, 2, "torre-civica", false},
		{"e quanto costa?", last, Prices, 0, "", false},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, tt.c)
		if r.Intent != tt.intent || r.Ordinal != tt.ordinal || r.Space != tt.space || r.Refine != tt.refine {
			t.Errorf("%q: got intent %s, ordinal %d, space %q, refine %v; want %s, %d, %q, %v", tt.text, r.Intent, r.Ordinal, r.Space, r.Refine, tt.intent, tt.ordinal, tt.space, tt.refine)
		}
	}
}

// TestLang checks the language guess and its fallback.
func TestLang(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct{ text, hint, want string }{
		{"dove posso lavorare domani?", "en", "it"},
		{"where can I work tomorrow?", "it", "en"},
		{"cerco un coworking a Monza", "en", "it"},
		{"coworking a Monza", "en", "en"}, // no word tells: the hint decides
		{"Officina Brianza", "en", "en"},
		{"Officina Brianza", "it", "it"},
		{"Officina Brianza", "", "it"},
		{"🙂", "en", "en"},
	}
	for _, tt := range tests {
		if got := p.Parse(tt.text, tt.hint, now, Context{}).Lang; got != tt.want {
			t.Errorf("%q with hint %q: got %s, want %s", tt.text, tt.hint, got, tt.want)
		}
	}
}

// TestConcurrent parses from many goroutines at once; run with -race.
func TestConcurrent(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	corpus := mustCorpus(t)
	want := make([]Intent, len(corpus))
	for i, ex := range corpus {
		want[i] = p.Parse(ex.Text, ex.Lang, now, Context{LastResults: ex.LastResults}).Intent
	}
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for i, ex := range corpus {
				if got := p.Parse(ex.Text, ex.Lang, now, Context{LastResults: ex.LastResults}).Intent; got != want[i] {
					done <- &mismatch{ex.Text, got, want[i]}
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

type mismatch struct {
	text      string
	got, want Intent
}

func (m *mismatch) Error() string {
	return "concurrent parse of " + m.text + ": got " + string(m.got) + ", want " + string(m.want)
}

// TestConfusingNames checks names made of ordinary words, on the spaces of
// both fixtures: a word with a meaning of its own keeps it unless the name
// is written whole.
func TestConfusingNames(t *testing.T) {
	p := mustBothParser(t)
	now := corpusNow(t)
	last := Context{LastResults: []string{"officina-brianza", "torre-civica"}}
	tests := []struct {
		text       string
		c          Context
		space      string
		candidates []string
		check      func(Request) bool // the word's ordinary meaning, where it has one
	}{
		{"prenota una scrivania domani da Villa Aurora", Context{}, "villa-aurora", nil, func(r Request) bool { return r.Quantity == 1 }},
		{"prenota la Scrivania del Borgo", Context{}, "scrivania-borgo", nil, func(r Request) bool { return r.Quantity == 0 }},
		{"fibra a Bovisio", Context{}, "", nil, func(r Request) bool {
			return slices.Equal(r.Services, []string{"fiber"}) && r.Place == "bovisio-masciago"
		}},
		{"Fibra Lab", Context{}, "fibra-lab", nil, func(r Request) bool { return r.Services == nil }},
		{"mi serve la segreteria condivisa", Context{}, "", nil, func(r Request) bool { return slices.Equal(r.Services, []string{"secretary"}) }},
		{"orari della condivisa", Context{}, "casa-condivisa", nil, func(r Request) bool { return r.Intent == Hours }},
		{"cerco una casa condivisa a Monza", Context{}, "", nil, func(r Request) bool { return r.Place == "monza" }},
		{"all'Osteria del Lunedì per domani", Context{}, "osteria-lunedi", nil, func(r Request) bool { return !r.When.Conflict && r.When.Date.Equal(date(t, "2026-12-03")) }},
		{"prenota lunedì all'osteria", Context{}, "osteria-lunedi", nil, func(r Request) bool { return r.When.Date.Equal(date(t, "2026-12-07")) }},
		{"info su Aurora", Context{}, "", []string{"aurora-lab", "villa-aurora"}, nil},
		{"coworking a Seregno", Context{}, "", nil, func(r Request) bool { return r.Place == "seregno" }},
		{"orari del Seregno Hub", Context{}, "seregno-hub", nil, func(r Request) bool { return r.Place == "" }},
		{"coworking lissone domani", Context{}, "", nil, func(r Request) bool { return r.Place == "lissone" }},
		{"siamo in tre", Context{}, "", nil, func(r Request) bool { return r.Quantity == 3 }},
		{"prenota alle Tre Torri per sabato", Context{}, "tre-torri", nil, func(r Request) bool { return r.Quantity == 0 }},
		{"la prima", last, "officina-brianza", nil, func(r Request) bool { return r.Ordinal == 1 }},
		{"prenota la Prima Luce", last, "prima-luce", nil, func(r Request) bool { return r.Ordinal == 0 }},
		{"open space a Desio", Context{}, "", nil, func(r Request) bool { return r.Place == "desio" }},
		{"dall'Alveare domani", Context{}, "alveare", nil, nil},
		{"book The Hive", Context{}, "the-hive", nil, nil},
		{"prenota sabato al Sabato del Villaggio", Context{}, "sabato-villaggio", nil, func(r Request) bool { return r.When.Date.Equal(date(t, "2026-12-05")) }},
		{"coworking con spazio bimbi", Context{}, "", nil, func(r Request) bool { return slices.Equal(r.Services, []string{"cobaby"}) }},
		{"prenota da Bimbi Felici", Context{}, "bimbi-felici", nil, func(r Request) bool { return r.Services == nil }},
		{"prenota mezza giornata domani", Context{}, "", nil, nil},
		{"desk on monday", Context{}, "", nil, func(r Request) bool { return r.When.Date.Equal(date(t, "2026-12-07")) }},
		{"smart working near the station", Context{}, "", nil, func(r Request) bool { return r.Place == "seregno-stazione" }},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, tt.c)
		if r.Space != tt.space || !slices.Equal(r.Candidates, tt.candidates) || tt.check != nil && !tt.check(r) {
			t.Errorf("%q: got space %q, candidates %v, request %+v; want %q, %v", tt.text, r.Space, r.Candidates, r, tt.space, tt.candidates)
		}
	}
}

// TestRooms checks rooms named by their name, in the space named or on
// their own.
func TestRooms(t *testing.T) {
	p := mustBothParser(t)
	now := corpusNow(t)
	tests := []struct {
		text, space, room string
		services          []string
	}{
		{"prenota la sala Volta da Officina Brianza", "officina-brianza", "volta", nil},
		{"prenota la Volta da Officina Brianza", "officina-brianza", "volta", nil},
		{"prenota la sala Volta giovedì", "officina-brianza", "volta", nil},
		{"prenota la saletta da Spazio Ceredo", "spazio-ceredo", "saletta", nil},
		{"prenota la sala conferenze da Torre Civica", "torre-civica", "auditorium", nil},
		{"sala conferenze a Monza", "", "", []string{"conference_room"}},
		{"prenota una sala riunioni da Desio Works", "desio-works", "", []string{"meeting_room"}},
		{"prenota la serra a Villa Aurora", "villa-aurora", "serra", nil},
		{"prenota la serra", "", "", nil},
		{"book The Garage at Monday Club", "monday-club", "garage", nil},
		{"la prossima volta prenoto", "", "", nil},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, Context{})
		if r.Space != tt.space || r.Room != tt.room || !slices.Equal(r.Services, tt.services) {
			t.Errorf("%q: got space %q, room %q, services %v; want %q, %q, %v", tt.text, r.Space, r.Room, r.Services, tt.space, tt.room, tt.services)
		}
	}
}

// TestHours checks times that bound one end only, and spans read in the
// afternoon.
func TestHours(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct {
		text     string
		from, to int
	}{
		{"dopo le 20", 20 * 60, 0},
		{"after 8pm", 20 * 60, 0},
		{"dopo le 3", 15 * 60, 0},
		{"fino alle 21", 0, 21 * 60},
		{"entro le 18", 0, 18 * 60},
		{"until 6pm", 0, 18 * 60},
		{"before 9am", 0, 9 * 60},
		{"fino a mezzanotte", 0, 24 * 60},
		{"aperto a pranzo", 13 * 60, 14 * 60},
		{"open at lunchtime", 13 * 60, 14 * 60},
		{"from 3 to 7 pm", 15 * 60, 19 * 60},
		{"from 9 to 1pm", 9 * 60, 13 * 60},
		{"from 11 to 2pm", 11 * 60, 14 * 60},
		{"3-7pm", 15 * 60, 19 * 60},
		{"dalle 3 alle 7", 15 * 60, 19 * 60},
		{"dalle 8 alle 12", 8 * 60, 12 * 60},
		{"stasera alle 9", 21 * 60, 22 * 60},
		{"after 9 tonight", 21 * 60, 0},
		{"domani mattina alle 9", 9 * 60, 10 * 60},
		{"dalle 24 dicembre", 0, 0},
		{"sala da 6 persone", 0, 0},
		{"entro 2 giorni", 0, 0},
	}
	for _, tt := range tests {
		w := p.Parse(tt.text, "it", now, Context{}).When
		if w.From != tt.from || w.To != tt.to {
			t.Errorf("%q: got %s-%s, want %s-%s", tt.text, clock(w.From), clock(w.To), clock(tt.from), clock(tt.to))
		}
	}
}

// TestDays checks ranges of days, holidays and dates in the past, against
// the corpus clock, Wednesday 2 December 2026.
func TestDays(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct{ text, date, end string }{
		{"questo weekend", "2026-12-05", "2026-12-06"},
		{"this weekend", "2026-12-05", "2026-12-06"},
		{"il weekend prossimo", "2026-12-05", "2026-12-06"},
		{"la settimana prossima", "2026-12-07", "2026-12-13"},
		{"next week", "2026-12-07", "2026-12-13"},
		{"questa settimana", "2026-12-02", "2026-12-06"},
		{"il mese prossimo", "2027-01-01", "2027-01-31"},
		{"dal 24 dicembre al 6 gennaio", "2026-12-24", "2027-01-06"},
		{"dal 3 al 5 febbraio", "2027-02-03", "2027-02-05"},
		{"dal 9 all'11 dicembre", "2026-12-09", "2026-12-11"},
		{"from december 24 to january 6", "2026-12-24", "2027-01-06"},
		{"da lunedì a venerdì", "2026-12-07", "2026-12-11"},
		{"tra il 3 e il 5 dicembre", "2026-12-03", "2026-12-05"},
		{"30 novembre", "2026-11-30", ""},
		{"30/11", "2026-11-30", ""},
		{"2 ottobre", "2026-10-02", ""},
		{"1 ottobre", "2027-10-01", ""},
		{"a Natale", "2026-12-25", ""},
		{"la vigilia di Natale", "2026-12-24", ""},
		{"Santo Stefano", "2026-12-26", ""},
		{"Capodanno", "2027-01-01", ""},
		{"Epifania", "2027-01-06", ""},
		{"Pasqua", "2027-03-28", ""},
		{"Pasquetta", "2027-03-29", ""},
		{"il 25 aprile", "2027-04-25", ""},
		{"Ferragosto", "2027-08-15", ""},
		{"Ognissanti", "2027-11-01", ""},
		{"l'Immacolata", "2026-12-08", ""},
		{"Christmas Day", "2026-12-25", ""},
		{"New Year's Day", "2027-01-01", ""},
		{"Easter Monday", "2027-03-29", ""},
		{"Mercatino di Natale il 18 dicembre", "2026-12-18", ""},
	}
	for _, tt := range tests {
		w := p.Parse(tt.text, "it", now, Context{}).When
		if !w.Date.Equal(date(t, tt.date)) || !w.EndDate.Equal(date(t, tt.end)) || w.Conflict {
			t.Errorf("%q: got %v to %v (conflict %v), want %s to %s", tt.text, w.Date, w.EndDate, w.Conflict, tt.date, tt.end)
		}
	}
	// On a Saturday the weekend is today and tomorrow, the next one a week on.
	sat := time.Date(2026, 12, 5, 10, 0, 0, 0, now.Location())
	for text, want := range map[string][2]string{"questo weekend": {"2026-12-05", "2026-12-06"}, "il prossimo weekend": {"2026-12-12", "2026-12-13"}} {
		w := p.Parse(text, "it", sat, Context{}).When
		if !w.Date.Equal(date(t, want[0])) || !w.EndDate.Equal(date(t, want[1])) {
			t.Errorf("%q on a Saturday: got %v to %v, want %s to %s", text, w.Date, w.EndDate, want[0], want[1])
		}
	}
}

func TestEaster(t *testing.T) {
	for _, want := range []string{"2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16", "2038-04-25", "2285-03-22"} {
		d := date(t, want)
		if got := easter(d.Year(), d.Location()); !got.Equal(d) {
			t.Errorf("easter(%d): got %s, want %s", d.Year(), got.Format(time.DateOnly), want)
		}
	}
}

// TestQuantities checks counts of people written in words.
func TestQuantities(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct {
		text            string
		quantity, seats int
	}{
		{"io e 2 colleghi", 3, 0},
		{"per me e un collega", 2, 0},
		{"io e il mio socio", 2, 0},
		{"io e mia moglie", 2, 0},
		{"io e altri tre", 4, 0},
		{"for me and two colleagues", 3, 0},
		{"me and a friend", 2, 0},
		{"siamo in quattro", 4, 0},
		{"we are four", 4, 0},
		{"in 3", 3, 0},
		{"noi due", 2, 0},
		{"in 3 giorni", 0, 0},
		{"una scrivania", 1, 0},
		{"2 scrivanie e una sala riunioni", 2, 0},
		{"sala riunioni per 6 persone", 0, 6},
		{"una sala conferenze da 40 posti", 0, 40},
		{"meeting room for 8 people", 0, 8},
		{"prenota la sala Volta da Officina Brianza per 6 persone", 0, 6},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, Context{})
		if r.Quantity != tt.quantity || r.Seats != tt.seats {
			t.Errorf("%q: got quantity %d, seats %d; want %d, %d", tt.text, r.Quantity, r.Seats, tt.quantity, tt.seats)
		}
	}
}

// TestCode checks booking codes: six characters of the codes' alphabet, as
// a word of its own.
func TestCode(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct{ text, code string }{
		{"annulla K7PQ3M", "K7PQ3M"},
		{"annulla k7pq3m", "K7PQ3M"},
		{"cancel booking xkcd79", "XKCD79"},
		{"il codice è hrtkyc", "HRTKYC"},
		{"annulla HRTKYC", "HRTKYC"},
		{"hrtkyc", ""},                                       // letters only, lower case, no word of bookings
		{"cancella la mia prenotazione di venerdì", ""},      // no code from a part of "venerdì"
		{"ANNULLA LA PRENOTAZIONE DI VENERDÌ", ""},           // nor in capitals
		{"annulla 347934", ""},                               // digits only
		{"annulla K7PQ3", ""},                                // five
		{"annulla K7PQ3MM", ""},                              // seven
		{"annulla B7PQ3M", ""},                               // B is not in the alphabet
		{"prenota giovedì alle 14:30 per 2 persone", ""},     // times are no codes
		{"annulla la prenotazione di domani per favore", ""}, // known words are no codes
	}
	for _, tt := range tests {
		if got := p.Parse(tt.text, "it", now, Context{}).Code; got != tt.code {
			t.Errorf("%q: got code %q, want %q", tt.text, got, tt.code)
		}
	}
}

// TestUnknownPlace checks words after a place preposition that name no
// known place.
func TestUnknownPlace(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct{ text, unknown, place string }{
		{"coworking a Borgofantasia", "borgofantasia", ""},
		{"coworking in Narnia con parcheggio", "narnia", ""},
		{"coworking vicino a Monte Fantasia", "monte fantasia", ""},
		{"a desk near Gotham tomorrow", "gotham", ""},
		{"coworking a Seregnio", "", "seregno"}, // a typo of a known place
		{"coworking a Monza", "", "monza"},
		{"vado a lavorare a Desio", "", "desio"},
		{"vado a mangiare", "", ""},
		{"coworking in affitto", "", ""},
		{"prenota da Mario", "", ""},
		{"grazie a tutti", "", ""},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, Context{})
		if r.UnknownPlace != tt.unknown || r.Place != tt.place || r.NearMe {
			t.Errorf("%q: got unknown place %q, place %q, near me %v; want %q, %q, false", tt.text, r.UnknownPlace, r.Place, r.NearMe, tt.unknown, tt.place)
		}
	}
}

// TestTitleAndNote checks the free text a provider writes, kept as written.
func TestTitleAndNote(t *testing.T) {
	p := mustParser(t)
	now := corpusNow(t)
	tests := []struct {
		text        string
		intent      Intent
		title, note string
	}{
		{"nuovo evento: Workshop sulla Fatturazione Elettronica, giovedì 10 dicembre", NewEvent, "Workshop sulla Fatturazione Elettronica", ""},
		{"Nuovo evento Caffè & Networking giovedì alle 9", NewEvent, "Caffè & Networking", ""},
		{"new event: Intro to Python, friday 6pm-8pm", NewEvent, "Intro to Python", ""},
		{"crea un evento: Aperitivo di Natale, 18 dicembre", NewEvent, "Aperitivo di Natale", ""},
		{"chiuso dal 24 dicembre al 6 gennaio per ferie", Closure, "", "ferie"},
		{"chiusura per lavori di ristrutturazione dal 3 al 5 febbraio", Closure, "", "lavori di ristrutturazione"},
		{"closed tomorrow for the Holidays", Closure, "", "Holidays"},
		{"chiuso domani", Closure, "", ""},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, "it", now, Context{})
		if r.Intent != tt.intent || r.Title != tt.title || r.Note != tt.note {
			t.Errorf("%q: got %s, title %q, note %q; want %s, %q, %q", tt.text, r.Intent, r.Title, r.Note, tt.intent, tt.title, tt.note)
		}
	}
}

// TestTokenBounds checks that the words found in the original text are the
// words of its normalized form, for every utterance of the corpus.
func TestTokenBounds(t *testing.T) {
	for _, ex := range append(mustCorpus(t), example{Text: "Caffè!!! 14:30-18 ok 👋 wi-fi L'Alveare"}) {
		words := strings.Fields(Normalize(ex.Text))
		bounds := tokenBounds(ex.Text, nil)
		if len(words) > maxTokens {
			words = words[:maxTokens]
		}
		if len(bounds) != len(words) {
			t.Errorf("%q: got %d words, want %d", ex.Text, len(bounds), len(words))
			continue
		}
		for i, b := range bounds {
			if got := Normalize(ex.Text[b[0]:b[1]]); got != words[i] {
				t.Errorf("%q: word %d is %q in the text, %q normalized", ex.Text, i, got, words[i])
			}
		}
	}
}
