package bot

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/places"
)

// fixtureSpaces reads the spaces (with their rooms) of the parser's test
// fixtures, as the bot builds them from a list.
func fixtureSpaces(t *testing.T, files ...string) []intent.Entry {
	t.Helper()
	var out []intent.Entry
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var f struct{ Spaces []intent.Entry }
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Spaces...)
	}
	return out
}

// TestCorpusWithTheRealGazetteer runs the parser's labelled corpus with the
// whole embedded gazetteer (thousands of Italian places, many of them
// ordinary words), as the bot does, rather than the parser's small fixture,
// and the spaces of both fixtures (the demo list's and names built from
// ordinary words): intents, places, spaces and services must still come out
// as labelled.
func TestCorpusWithTheRealGazetteer(t *testing.T) {
	names := fixtureSpaces(t, "intent/testdata/fixture.json", "intent/testdata/fixture_names.json")
	g := places.Default()
	p := intent.New(placeEntries(g), names)
	f, err := os.Open("intent/testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, registry.Rome)
	total, wrong := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct {
			Lang, Text, Intent, Place, Space string
			Services                         []string
			LastResults                      []string `json:"last_results"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if _, ok := g.ByID(c.Place); c.Place != "" && !ok {
			continue // a fixture place the real data does not have (Ne)
		}
		total++
		r := p.Parse(c.Text, c.Lang, now, intent.Context{LastResults: c.LastResults})
		if string(r.Intent) != c.Intent || r.Place != c.Place || r.Space != c.Space || !slices.Equal(r.Services, c.Services) && len(r.Services)+len(c.Services) > 0 {
			wrong++
			t.Logf("%q: got %s place %q space %q services %v; want %s %q %q %v", c.Text, r.Intent, r.Place, r.Space, r.Services, c.Intent, c.Place, c.Space, c.Services)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if total < 500 || wrong > total/100 {
		t.Errorf("got %d of %d utterances wrong with the real gazetteer, want at most 1%%", wrong, total)
	}
}
