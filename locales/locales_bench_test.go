package locales

import "testing"

// BenchmarkLocalize is one message with data and a template function, as
// most of the bot's answers are (go test -bench Localize ./locales/).
func BenchmarkLocalize(b *testing.B) {
	bundle, err := New()
	if err != nil {
		b.Fatal(err)
	}
	l := bundle.For("it")
	want := l.T("agenda.header", "Name", "L'Alveare & Co")
	if want != "📅 <b>Prenotazioni dell&#39;Alveare &amp; Co</b>" {
		b.Fatalf("agenda.header: %q", want)
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := l.T("agenda.header", "Name", "L'Alveare & Co"); got != want {
			b.Fatalf("got %q, want %q", got, want)
		}
	}
}
