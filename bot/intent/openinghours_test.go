package intent

import (
	"testing"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

func TestOpeningHours(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"lun-ven 9-13 e 14-18, sabato 9-12", "Mo-Fr 09:00-13:00,14:00-18:00; Sa 09:00-12:00"},
		{"Lunedì–Venerdì 8:30-18:30", "Mo-Fr 08:30-18:30"},
		{"dal lunedì al venerdì dalle 9 alle 18", "Mo-Fr 09:00-18:00"},
		{"mon to fri 9am-1pm and 2pm-6pm; sat closed", "Mo-Fr 09:00-13:00,14:00-18:00; Sa off"},
		{"lun, mer, ven 9.30-12.30", "Mo,We,Fr 09:30-12:30"},
		{"tutti i giorni 7-23", "Mo-Su 07:00-23:00"},
		{"24/7", "24/7"},
		{"h24", "24/7"},
		{"lun-sab 18-2", "Mo-Sa 18:00-02:00"},
		{"lun-ven 9-1", "Mo-Fr 09:00-13:00"},
		{"weekend 10-19", "Sa,Su 10:00-19:00"},
		{"lun-ven 9-18, festivi chiuso", "Mo-Fr 09:00-18:00; PH off"},
	} {
		got, ok := OpeningHours(c.in)
		if !ok || got != c.want {
			t.Errorf("%q: got %q (%v), want %q", c.in, got, ok, c.want)
			continue
		}
		if _, err := hours.Parse(got); err != nil {
			t.Errorf("%q: %q is not valid opening_hours: %v", c.in, got, err)
		}
	}
	for _, in := range []string{"", "boh", "lun-ven", "quando capita", "9-", "lun-ven 25-30"} {
		if got, ok := OpeningHours(in); ok {
			t.Errorf("%q: got %q, want it refused", in, got)
		}
	}
}
