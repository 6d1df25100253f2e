package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestEveryMessageExists checks that each message id the code asks for, by
// literal or built from a closed set, is in every language.
func TestEveryMessageExists(t *testing.T) {
	want := map[string]bool{}
	literal := regexp.MustCompile(`\b(?:T|N)\("([a-z_]+\.[a-z_.]+)"`)
	files, _ := filepath.Glob("*.go")
	files2, _ := filepath.Glob("../cmd/coworkbot/*.go")
	for _, f := range append(files, files2...) {
		if filepath.Ext(f) != ".go" || regexp.MustCompile(`_test\.go$`).MatchString(f) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			want[m[1]] = true
		}
	}
	for _, svc := range registry.Services {
		want["svc."+string(svc)] = true
		want["svcword."+string(svc)] = true
		want["explain."+string(svc)] = true
	}
	for _, slot := range []registry.Slot{registry.Morning, registry.Afternoon, registry.FullDay, registry.Hours} {
		want["slot."+string(slot)] = true
	}
	for _, r := range registry.Reasons {
		want["refuse."+string(r)] = true
	}
	for part := range dayParts {
		want["part."+part] = true
	}
	for _, c := range commands {
		if c.menu {
			want["cmd."+c.en] = true
		}
	}
	for _, id := range applyQuestions {
		want[id] = true
	}
	for _, st := range []registry.Status{registry.Pending, registry.Approved, registry.Suspended} {
		want["status."+string(st)] = true
	}
	for _, f := range append(registry.FieldNames(), "coordinates", "price_day_eur", "price_half_day_eur", "id") {
		want["field."+f] = true
	}
	for _, l := range locales.Languages {
		want["language."+l] = true
	}
	for _, r := range registry.SignupReasons {
		want["signup."+string(r)] = true
	}
	for _, code := range registry.EventProblemCodes {
		want["problem."+code] = true
	}
	for _, f := range []string{registry.EventFieldSpace, registry.EventFieldRoom, registry.EventFieldTitle, registry.EventFieldDescription,
		registry.EventFieldLang, registry.EventFieldPhoto, registry.EventFieldDay, registry.EventFieldStart, registry.EventFieldEnd,
		registry.EventFieldMeetings, registry.EventFieldSeats, registry.EventFieldPrice, registry.EventFieldTime} {
		want["field."+f] = true
	}
	for _, id := range []string{"events.edit_when", "events.edit_seats", "events.edit_price", "events.edit_title", "events.edit_desc"} {
		want[id] = true
	}
	for _, tp := range registry.Topics {
		want["topic."+string(tp)] = true
	}
	for _, a := range registry.Actions {
		want["action."+a] = true
	}
	for _, r := range []registry.Role{registry.RoleOperator, registry.RoleStaff, registry.RoleProvider, registry.RoleCitizen} {
		want["role."+string(r)] = true
	}
	for _, code := range registry.ProblemCodes {
		want["problem."+code] = true
	}
	if len(want) < 150 {
		t.Fatalf("found only %d message ids in the code: is the pattern right?", len(want))
	}
	for _, lang := range locales.Languages {
		have, err := locales.IDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		for id := range want {
			if _, ok := have[id]; !ok {
				t.Errorf("%s: the code uses message %q, which is missing", lang, id)
			}
		}
	}
}

// TestSeatsLeftReadRight: "restano solo 2", never "nessuna" when two are
// left, nor "Only 0" in English.
func TestSeatsLeftReadRight(t *testing.T) {
	b, err := New(Config{DB: mustDemoDB(t), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	sp := &registry.Space{Name: "Il Cortile"}
	for _, c := range []struct {
		lang        string
		left        int
		want, avoid string
	}{
		{"it", 0, "nessuna scrivania", "restano"},
		{"it", 1, "resta solo 1 scrivania", "nessuna"},
		{"it", 2, "restano solo 2 scrivanie", "nessuna"},
		{"it", 5, "dal Cortile", "Da Il Cortile"},
		{"en", 0, "no desks left", "Only 0"},
		{"en", 1, "Only 1 desk is left", "desks"},
		{"en", 3, "Only 3 desks are left", "no desk"},
	} {
		s := &session{l: b.texts.For(c.lang), now: understandNow}
		got := refusalText(s, sp, &registry.Refusal{Reason: registry.ReasonFull, Left: c.left})
		if !strings.Contains(got, c.want) || strings.Contains(got, c.avoid) {
			t.Errorf("%s, %d left: got %q, want %q and no %q", c.lang, c.left, got, c.want, c.avoid)
		}
	}
}
