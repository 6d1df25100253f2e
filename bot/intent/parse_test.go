package intent

import (
	"slices"
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
