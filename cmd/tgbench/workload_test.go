package main

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

var tuesday = time.Date(2026, 12, 1, 10, 0, 0, 0, registry.Rome)

func TestWorkloadIsReproducible(t *testing.T) {
	a := Workload(300, MixFull, 5, tuesday)
	b := Workload(300, MixFull, 5, tuesday)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different scripts")
	}
	if c := Workload(300, MixFull, 6, tuesday); reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same scripts")
	}
}

func TestWorkloadFullMix(t *testing.T) {
	const n = 1000
	scripts := Workload(n, MixFull, 1, tuesday)
	if len(scripts) != n {
		t.Fatalf("got %d scripts, want %d", len(scripts), n)
	}
	seen := map[int64]bool{}
	kinds := map[string]int{}
	bookings := 0
	for _, s := range scripts {
		if seen[s.UserID] {
			t.Fatalf("user %d twice", s.UserID)
		}
		seen[s.UserID] = true
		if s.Lang != "it" && s.Lang != "en" {
			t.Fatalf("user %d: language %q", s.UserID, s.Lang)
		}
		kinds["lang "+s.Lang]++
		if len(s.Steps) < 3 || len(s.Steps) > 4 {
			t.Fatalf("user %d: %d steps, want 3 or 4", s.UserID, len(s.Steps))
		}
		texts := map[string]bool{}
		for i, st := range s.Steps {
			switch st.Kind {
			case StepText:
				if texts[st.Text] {
					t.Fatalf("user %d says %q twice: a second identical reply would look like a duplicate", s.UserID, st.Text)
				}
				texts[st.Text] = true
				switch {
				case st.Text == "/start":
					kinds["start"]++
				case strings.HasPrefix(st.Text, "prenota ") || strings.HasPrefix(st.Text, "book "):
					kinds["booking"]++
				default:
					kinds["question "+s.Lang]++
				}
			case StepLocation:
				kinds["location"]++
				// Within about 1.5 km of Seregno's centre.
				dy := (st.Lat - seregno[0]) * 111_000
				dx := (st.Lon - seregno[1]) * 111_000 * math.Cos(seregno[0]*math.Pi/180)
				if d := math.Hypot(dx, dy); d > 1500 {
					t.Fatalf("user %d: location %.0f m from Seregno", s.UserID, d)
				}
			case StepPress:
				kinds["press"]++
				bookings++
				if i == 0 || s.Steps[i-1].Kind != StepText {
					t.Fatalf("user %d: a press with no booking before it", s.UserID)
				}
				prev := s.Steps[i-1].Text
				want := map[string]string{"it": "Conferma", "en": "Confirm"}[s.Lang]
				if len(st.Press) != 1 || st.Press[0] != want {
					t.Fatalf("user %d (%s) presses %v, want %s", s.UserID, s.Lang, st.Press, want)
				}
				if !strings.HasPrefix(prev, map[string]string{"it": "prenota ", "en": "book "}[s.Lang]) {
					t.Fatalf("user %d (%s) presses %s after %q, not a booking in their language", s.UserID, s.Lang, want, prev)
				}
				for _, today := range []string{"martedì", "tuesday", "sabato", "saturday", "domenica", "sunday"} {
					if strings.Contains(prev, " "+today+" ") {
						t.Fatalf("user %d books for %s (today is Tuesday): %q", s.UserID, today, prev)
					}
				}
			default:
				t.Fatalf("user %d: step %d of kind %v", s.UserID, i, st.Kind)
			}
		}
	}
	for _, k := range []string{"lang it", "lang en", "start", "question it", "question en", "location", "booking", "press"} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the full mix: %v", k, kinds)
		}
	}
	if kinds["booking"] != kinds["press"] {
		t.Errorf("%d bookings but %d presses", kinds["booking"], kinds["press"])
	}
	// Two users in five book: enough load on the booking path, within the
	// demo registry's desks.
	if bookings != 2*n/5 {
		t.Errorf("got %d bookings, want %d", bookings, 2*n/5)
	}
	if got, want := countSteps(scripts), kinds["start"]+kinds["question it"]+kinds["question en"]+kinds["location"]+kinds["booking"]+kinds["press"]; got != want {
		t.Errorf("countSteps: got %d, want %d", got, want)
	}
}

func TestWorkloadTextMix(t *testing.T) {
	for _, s := range Workload(200, MixText, 1, tuesday) {
		if len(s.Steps) != 3 {
			t.Fatalf("user %d: %d steps, want 3", s.UserID, len(s.Steps))
		}
		for _, st := range s.Steps {
			if st.Kind != StepText || strings.HasPrefix(st.Text, "/") || strings.HasPrefix(st.Text, "prenota") || strings.HasPrefix(st.Text, "book ") {
				t.Fatalf("user %d: step %v %q in the text mix, want free-text questions only", s.UserID, st.Kind, st.Text)
			}
		}
	}
}

func TestSummaryRatiosPerRound(t *testing.T) {
	cfg := Config{Bots: []string{botServe, botGoEcho, botGrammy}, Rounds: 2}
	results := []Result{
		{Bot: botServe, Round: 1, UpdatesPerSecond: 500}, {Bot: botGoEcho, Round: 1, UpdatesPerSecond: 2000}, {Bot: botGrammy, Round: 1, UpdatesPerSecond: 1000},
		{Bot: botServe, Round: 2, UpdatesPerSecond: 900}, {Bot: botGoEcho, Round: 2, UpdatesPerSecond: 3000}, {Bot: botGrammy, Round: 2, UpdatesPerSecond: 0, Error: "crashed"},
	}
	s := summarize(cfg, results)
	if len(s.Ratios) != 2 || s.Ratios[0].Name != "serve/go-echo" || s.Ratios[1].Name != "serve/grammy" {
		t.Fatalf("got ratios %+v", s.Ratios)
	}
	if got := s.Ratios[0].PerRound; !reflect.DeepEqual(got, []float64{0.25, 0.3}) || s.Ratios[0].Median != 0.275 {
		t.Fatalf("serve/go-echo: got %v median %v, want [0.25 0.3] median 0.275", got, s.Ratios[0].Median)
	}
	if got := s.Ratios[1].PerRound; !reflect.DeepEqual(got, []float64{0.5}) {
		t.Fatalf("serve/grammy: got %v, want [0.5] (round 2 failed)", got)
	}
	if s.Bots[0].MedianUpdatesPerSecond != 700 || s.Bots[2].Failed != 1 {
		t.Fatalf("got serve median %v, grammy failed %d; want 700, 1", s.Bots[0].MedianUpdatesPerSecond, s.Bots[2].Failed)
	}
}

// On Wednesday 2 December 2026 the coming Tuesday is 8 December, the
// Immacolata, when every space is closed: no booking asks for it (a run just
// after midnight found a quarter of the Confirm buttons missing).
func TestWorkloadSkipsHolidays(t *testing.T) {
	wednesday := time.Date(2026, 12, 2, 0, 10, 0, 0, registry.Rome)
	days := map[string]int{}
	for _, s := range Workload(1000, MixFull, 1, wednesday) {
		for _, st := range s.Steps {
			if st.Kind != StepText || !(strings.HasPrefix(st.Text, "prenota ") || strings.HasPrefix(st.Text, "book ")) {
				continue
			}
			for _, d := range []string{"lunedì", "monday", "martedì", "tuesday", "mercoledì", "wednesday", "giovedì", "thursday", "venerdì", "friday"} {
				if strings.Contains(st.Text, " "+d+" ") {
					days[d]++
				}
			}
		}
	}
	for _, d := range []string{"martedì", "tuesday", "mercoledì", "wednesday"} {
		if days[d] > 0 {
			t.Errorf("%d bookings for %s: %v", days[d], d, days)
		}
	}
	for _, d := range []string{"lunedì", "monday", "giovedì", "thursday", "venerdì", "friday"} {
		if days[d] == 0 {
			t.Errorf("no booking for %s: %v", d, days)
		}
	}
}
