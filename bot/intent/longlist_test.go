package intent

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// TestLongListNamesTheSame parses the corpus with the fixture's spaces and
// again with 5,000 more spaces whose names no utterance uses: a list longer
// than the short path of parseSpaces must name the same spaces.
func TestLongListNamesTheSame(t *testing.T) {
	b, err := os.ReadFile("testdata/fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	conv := func(in []fixtureEntry) []Entry {
		out := make([]Entry, len(in))
		for i, e := range in {
			out[i] = Entry{ID: e.ID, Name: e.Name, Aliases: e.Aliases, Ordinary: e.Ordinary}
		}
		return out
	}
	places, spaces := conv(f.Places), conv(f.Spaces)
	short := New(places, spaces)
	long := spaces
	for i := range 5000 {
		long = append(long, Entry{ID: fmt.Sprintf("filler-%d", i), Name: fmt.Sprintf("Qzvx Wrkb%d", i)})
	}
	lp := New(places, long)
	if len(lp.spaces) <= 64 {
		t.Fatalf("got %d spaces, want more than the short path takes", len(lp.spaces))
	}
	now := corpusNow(t)
	for _, ex := range mustCorpus(t) {
		c := Context{LastResults: ex.LastResults}
		want := short.Parse(ex.Text, ex.Lang, now, c)
		got := lp.Parse(ex.Text, ex.Lang, now, c)
		if got.Space != want.Space || !reflect.DeepEqual(got.Candidates, want.Candidates) || got.Intent != want.Intent {
			t.Errorf("%q: got space %q, candidates %v, intent %s; want %q, %v, %s", ex.Text, got.Space, got.Candidates, got.Intent,
				want.Space, want.Candidates, want.Intent)
		}
	}
}
