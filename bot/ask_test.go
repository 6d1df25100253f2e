package bot

import (
	"strings"
	"testing"
)

// TestAsksBackWhenTheMeaningIsOpen checks that the bot asks with buttons
// instead of guessing, and goes on with the answer. The console remembers
// the buttons within one run, so a question and its answer go in one run.
func TestAsksBackWhenTheMeaningIsOpen(t *testing.T) {
	c := newUnderstandChat(t)
	// 3 December 2026 is a Thursday.
	out := c.say(t, 1, "it", "coworking aperto venerdì 3 dicembre")
	if !strings.Contains(out, "non corrispondono") || !strings.Contains(out, "[1] giovedì 3 dicembre") || !strings.Contains(out, "[2] venerdì 4 dicembre") {
		t.Fatalf("got %q, want a question with both dates", out)
	}
	out = c.say(t, 1, "it", "coworking aperto venerdì 3 dicembre\n#2")
	if !strings.Contains(out, "aperti venerdì 4 dicembre") {
		t.Errorf("got %q, want the search for Friday 4", out)
	}
	// Two spaces answer to "lambro".
	out = c.say(t, 2, "en", "opening hours of lambro")
	if !strings.Contains(out, "Which space do you mean?") || !strings.Contains(out, "Lambro Hub") || !strings.Contains(out, "Cascina del Lambro") {
		t.Fatalf("got %q, want a choice between the two", out)
	}
	out = c.say(t, 2, "en", "opening hours of lambro\n#1")
	if !strings.Contains(out, "🕘") {
		t.Errorf("got %q, want the hours of the space chosen", out)
	}
	// Booking with a weekday that does not match the date.
	out = c.say(t, 3, "it", "prenota una scrivania da Officina Brianza venerdì 3 dicembre")
	if !strings.Contains(out, "non corrispondono") {
		t.Fatalf("got %q, want the dates asked back", out)
	}
	out = c.say(t, 3, "it", "prenota una scrivania da Officina Brianza venerdì 3 dicembre\n#1")
	if !strings.Contains(out, "giovedì 3 dicembre") || !strings.Contains(out, "quale fascia") {
		t.Errorf("got %q, want the booking to go on on Thursday 3", out)
	}
}

// TestNonsenseGetsExamples: words that are no request, with the whole
// gazetteer loaded, get the kind answer with examples, not a search.
func TestNonsenseGetsExamples(t *testing.T) {
	c := newUnderstandChat(t)
	for _, tc := range []struct{ lang, text, want string }{
		{"en", "I like pizza", "I didn't quite get that"},
		{"it", "mi piace la pizza", "Non ho capito bene"},
		{"it", "asdfgh", "Non ho capito bene"},
		{"it", "🙂🙂", "Non ho capito bene"},
	} {
		if out := c.say(t, 9, tc.lang, tc.text); !strings.Contains(out, tc.want) || strings.Contains(out, "🔎 Spa") {
			t.Errorf("%q: got %q, want %q and no search", tc.text, out, tc.want)
		}
	}
}
