package locales

import (
	"html"
	"strings"
	"testing"
)

// The plural forms each language needs (CLDR, as go-i18n applies them).
var pluralForms = map[string][]string{
	"it": {"one", "many", "other"},
	"en": {"one", "other"},
}

func TestEveryLanguageIsComplete(t *testing.T) {
	all := map[string]map[string]map[string]string{}
	ids := map[string]bool{}
	for _, lang := range Languages {
		m, err := IDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		all[lang] = m
		for id := range m {
			ids[id] = true
		}
	}
	if len(ids) < 100 {
		t.Fatalf("got %d message ids, want the whole bot's", len(ids))
	}
	for id := range ids {
		plural := false
		for _, lang := range Languages {
			if len(all[lang][id]) > 1 {
				plural = true
			}
		}
		for _, lang := range Languages {
			forms, ok := all[lang][id]
			if !ok {
				t.Errorf("%s: message %q is missing", lang, id)
				continue
			}
			want := []string{"other"}
			if plural {
				want = pluralForms[lang]
			}
			for _, f := range want {
				if strings.TrimSpace(forms[f]) == "" {
					t.Errorf("%s: message %q has no %q form", lang, id, f)
				}
			}
		}
	}
}

func TestLocalize(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	it, en := b.For("it-IT"), b.For("en-GB")
	if it.Lang != "it" || en.Lang != "en" || b.For("de").Lang != "it" {
		t.Errorf("got %s, %s, %s; want it, en and it as the fallback", it.Lang, en.Lang, b.For("de").Lang)
	}
	for _, c := range []struct {
		l    *Localizer
		n    int
		want string
	}{
		{it, 1, "1 scrivania"}, {it, 2, "2 scrivanie"}, {it, 1000000, "1000000 scrivanie"},
		{en, 1, "1 desk"}, {en, 3, "3 desks"},
	} {
		if got := c.l.N("book.desks", c.n); got != c.want {
			t.Errorf("%s N(book.desks, %d): got %q, want %q", c.l.Lang, c.n, got, c.want)
		}
	}
	// Data is escaped for Telegram HTML; HTML values are not.
	if got := it.T("results.item", "N", 1, "Name", "<b>Bad & Co</b>", "Comune", "Seregno", "Distance", "1 km"); !strings.Contains(got, "&lt;b&gt;Bad &amp; Co&lt;/b&gt;") {
		t.Errorf("got %q, want the name escaped", got)
	}
	if got := it.T("describe.services", "List", HTML("<i>x</i>")); got != "con <i>x</i>" {
		t.Errorf("got %q, want HTML data kept", got)
	}
}

func TestPrep(t *testing.T) {
	for _, c := range []struct{ p, name, want string }{
		{"da", "Il Cortile", "dal Cortile"},
		{"da", "La Scrivania del Borgo", "dalla Scrivania del Borgo"},
		{"da", "L'Alveare", "dall'Alveare"},
		{"di", "Lo Spazio", "dello Spazio"},
		{"a", "Le Due Corti", "alle Due Corti"},
		{"a", "Arcore", "ad Arcore"},
		{"a", "Albiate", "ad Albiate"},
		{"a", "Seregno", "a Seregno"},
		{"di", "Officina Brianza", "di Officina Brianza"},
		{"in", "I Portici", "nei Portici"},
		{"da", "Gli Artigiani", "dagli Artigiani"},
		{"da", "Nido & Lavoro", "da Nido &amp; Lavoro"},
		{"da", "Isola", "da Isola"},
		{"di", "Lab Lissone", "di Lab Lissone"},
	} {
		if got := html.UnescapeString(prep(c.p, html.EscapeString(c.name))); got != html.UnescapeString(c.want) {
			t.Errorf("prep(%q, %q): got %q, want %q", c.p, c.name, got, c.want)
		}
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := b.For("it").T("book.ask_day", "Name", "Il Cortile"); !strings.Contains(got, "dal Cortile") {
		t.Errorf("got %q, want the articled preposition in a message", got)
	}
}
