package intent

import (
	"fmt"
	"slices"
	"testing"
)

// TestBlindHeldout scores the utterances a colleague wrote blind to the
// parser, with a registry built to confuse (testdata/confusing.json, also
// registry/testdata/confusing.geojson) and without naming any space
// (heldout_round2.jsonl, on both lists). Their bar (80% intent accuracy, 75%
// slot F1) was set before their first run; the figures of each run are in
// docs/intent.md.
func TestBlindHeldout(t *testing.T) {
	places, spaces := mustFixture(t, "testdata/fixture.json")
	_, confusing := mustFixture(t, "testdata/confusing.json")
	for _, run := range []struct {
		name, file string
		spaces     []Entry
	}{
		{"confusing names", "testdata/heldout_confusing.jsonl", confusing},
		{"no names, fixture list", "testdata/heldout_round2.jsonl", spaces},
		{"no names, confusing list", "testdata/heldout_round2.jsonl", append(slices.Clone(spaces), confusing...)},
	} {
		t.Run(run.name, func(t *testing.T) {
			fmt.Printf("blind held-out (%s):\n", run.name)
			acc, f1 := score(t, New(places, run.spaces), mustExamples(t, run.file), corpusNow(t))
			if acc < 0.80 {
				t.Errorf("intent accuracy: got %.3f, want at least 0.80", acc)
			}
			if f1 < 0.75 {
				t.Errorf("slot F1: got %.3f, want at least 0.75", f1)
			}
		})
	}
}
