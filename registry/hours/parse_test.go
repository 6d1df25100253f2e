package hours

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var validExprs = []struct {
	in   string
	want string // canonical String
}{
	{"Mo-Fr 08:30-18:30; Sa 09:00-13:00; PH off", "Mo-Fr 08:30-18:30; Sa 09:00-13:00; PH off"},
	{"Mo-Fr 09:00-18:00", "Mo-Fr 09:00-18:00; PH off"},
	{"Mo,We,Fr 09:00-12:00", "Mo,We,Fr 09:00-12:00; PH off"},
	{"Sa 09:00-12:00", "Sa 09:00-12:00; PH off"},
	{"Mo-We,Fr 09:00-18:00", "Mo-We,Fr 09:00-18:00; PH off"},
	{"Fr-Mo 10:00-16:00", "Fr-Mo 10:00-16:00; PH off"},
	{"Su-Tu 10:00-12:00", "Mo,Tu,Su 10:00-12:00; PH off"},
	{"Sa-Tu 10:00-12:00", "Mo,Tu,Sa,Su 10:00-12:00; PH off"},
	{"Fr-Tu 10:00-12:00", "Fr-Tu 10:00-12:00; PH off"},
	{"Su-Fr 10:00-12:00", "Mo-Fr,Su 10:00-12:00; PH off"},
	{"Mo,Su 09:00-12:00", "Mo,Su 09:00-12:00; PH off"},
	{"Sa,Su,Mo,We 10:00-12:00", "Sa-Mo,We 10:00-12:00; PH off"},
	{"08:00-18:00", "Mo-Su 08:00-18:00; PH off"},
	{"Mo-Fr 08:30-12:30,14:00-18:00", "Mo-Fr 08:30-12:30,14:00-18:00; PH off"},
	{"Mo-Fr 14:00-18:00,08:30-12:30", "Mo-Fr 08:30-12:30,14:00-18:00; PH off"},
	{"Mo-Fr 08:00-12:00,11:00-14:00", "Mo-Fr 08:00-14:00; PH off"},
	{"Mo-Fr 08:00-12:00,12:00-14:00", "Mo-Fr 08:00-14:00; PH off"},
	{"Fr,Sa 18:00-02:00", "Fr,Sa 18:00-02:00; PH off"},
	{"Fr 18:00-26:00", "Fr 18:00-02:00; PH off"},
	{"Mo 00:00-24:00,18:00-02:00", "Mo 00:00-26:00; PH off"},
	{"Mo 02:00-26:00", "Mo 02:00-26:00; PH off"},
	{"Mo-Fr 09:00-24:00", "Mo-Fr 09:00-24:00; PH off"},
	{"Mo-Su 09:00-18:00; Sa off", "Mo-Fr,Su 09:00-18:00; PH off"},
	{"Mo-Fr 09:00-18:00; We 09:00-13:00", "Mo,Tu,Th,Fr 09:00-18:00; We 09:00-13:00; PH off"},
	{"off", "off"},
	{"closed", "off"},
	{"Su,PH off", "off"},
	{"24/7", "24/7"},
	{"Mo-Su 00:00-24:00; PH open", "24/7"},
	{"24/7; PH off", "Mo-Su 00:00-24:00; PH off"},
	{"Mo-Fr 09:00-18:00; 24/7", "24/7"},
	{"Mo-Fr 09:00-18:00; off", "off"},
	{"Mo-Fr 09:00-18:00; PH open", "Mo-Fr 09:00-18:00; PH open"},
	{"PH open", "off"}, // the usual hours of no weekday: never open
	{"Mo-Fr 09:00-18:00; PH 09:00-12:00", "Mo-Fr 09:00-18:00; PH 09:00-12:00"},
	{"PH 10:00-12:00", "PH 10:00-12:00"},
	{"Su,PH off; Mo-Sa 08:00-20:00", "Mo-Sa 08:00-20:00; PH off"},
	{"Sa,PH 09:00-12:00; Mo-Fr 09:00-18:00", "Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH 09:00-12:00"},
	{"  mo-fr   09:00 - 18:00 ;sa 9:00-12:00  ", "Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH off"},
	{"Mo-Fr 09:00-18:00;Sa 09:00-12:00", "Mo-Fr 09:00-18:00; Sa 09:00-12:00; PH off"},
	{"Mo–Fr 09:00–18:00", "Mo-Fr 09:00-18:00; PH off"},
	{"Sa open", "Sa 00:00-24:00; PH off"},
	{"Mo-Fr 09:00-18:00 open", "Mo-Fr 09:00-18:00; PH off"},
	{"Mo 23:00-01:00; Tu 00:30-02:00", "Mo 23:00-01:00; Tu 00:30-02:00; PH off"},
}

var invalidExprs = []struct {
	in  string
	pos int
	msg string // a fragment of the message
}{
	{"", 0, "empty expression"},
	{"   ", 0, "empty expression"},
	{"Mo-Xx 9-18", 3, `unknown day "Xx"`},
	{"25:00-26:00", 0, "opening time 25:00 out of range"},
	{"Mo-Fr 18:00-09:00x", 17, `unknown word "x"`},
	{"Mo 09:00-09:00", 9, "empty span"},
	{"Mo-Fr 09:00-18:00; Sa 08:00-08:00", 28, "empty span"},
	{"Mo 09:00-", 9, "expected a closing time"},
	{"Mo-Fr", 5, "missing hours"},
	{"Mo-Fr 09:00-18:00;", 18, "empty rule"},
	{"Mo-Fr 09:00-18:00;; Sa off", 18, "empty rule"},
	{";", 0, "empty rule"},
	{"Mo-Fr 9-18", 6, "invalid time"},
	{"Mo 090:00-18:00", 3, "invalid time"},
	{"Mo 9:0-18:00", 3, "invalid time"},
	{"Mo-Fr 09:60-18:00", 9, "minutes out of range"},
	{"Mo-Fr 24:00-02:00", 6, "opening time 24:00 out of range"},
	{"Mo 09:00-48:00", 9, "closing time 48:00 out of range"},
	{"Mo-Fr 09:00-18:00 Sa 10:00-12:00", 18, `expected ";"`},
	{"Mo-Fr 09:00-18:00 off", 18, `expected ";"`},
	{"24/7 Mo", 5, `expected ";"`},
	{"Mo-Fr foo", 6, `unknown word "foo"`},
	{`Mo-Fr 09:00-18:00 "su appuntamento"`, 18, "unexpected character"},
	{"Mo- 09:00-18:00", 4, "expected a day after"},
	{"Mo,,Tu 09:00-12:00", 3, "expected a day or PH"},
	{"Mo-Fr 09:00-18:00,Sa 10:00-12:00", 18, "expected an opening time"},
	{"Mo-Fr 09:00-18:00,", 18, "expected an opening time"},
	{"Mo-Fr 24/7", 6, "24/7 must be a rule of its own"},
	{"Mo-Fr 09:00 18:00", 12, `expected "-"`},
	{"Mo-Fr -", 6, "expected hours"},
	{"Mo-PH 09:00-12:00", 3, "expected a day after"},
	{"24/70", 4, "invalid time"},
}

func TestParseValid(t *testing.T) {
	for _, tc := range validExprs {
		t.Run(tc.in, func(t *testing.T) {
			s, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want nil", tc.in, err)
			}
			if got := s.String(); got != tc.want {
				t.Errorf("Parse(%q).String(): got %q, want %q", tc.in, got, tc.want)
			}
			again, err := Parse(s.String())
			if err != nil {
				t.Fatalf("Parse(%q): got error %v, want nil", s.String(), err)
			}
			if !again.Equal(s) {
				t.Errorf("Parse(%q) is not Equal to Parse(%q)", s.String(), tc.in)
			}
			if s.IsZero() {
				t.Errorf("Parse(%q).IsZero(): got true, want false", tc.in)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, tc := range invalidExprs {
		t.Run(tc.in, func(t *testing.T) {
			s, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q): got %q, want an error", tc.in, s.String())
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): got error of type %T, want *SyntaxError", tc.in, err)
			}
			if se.Expr != tc.in || se.Pos != tc.pos || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Parse(%q): got {Expr %q, Pos %d, Msg %q}, want {Expr %q, Pos %d, Msg containing %q}",
					tc.in, se.Expr, se.Pos, se.Msg, tc.in, tc.pos, tc.msg)
			}
			if !s.IsZero() {
				t.Errorf("Parse(%q) with an error: got %q, want the zero Schedule", tc.in, s.String())
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("Mo-Xx 9-18")
	want := `hours: unknown day "Xx" at byte 3 of "Mo-Xx 9-18"`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error: got %v, want %s", err, want)
	}
}

func TestZeroSchedule(t *testing.T) {
	var s Schedule
	if !s.IsZero() {
		t.Errorf("zero Schedule IsZero: got false, want true")
	}
	if got := s.String(); got != "" {
		t.Errorf("zero Schedule String: got %q, want %q", got, "")
	}
	off := mustParse(t, "off")
	if off.IsZero() || off.Equal(s) {
		t.Errorf("Parse(\"off\"): got IsZero %v, Equal(zero) %v, want false, false", off.IsZero(), off.Equal(s))
	}
}

func TestAlways(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"24/7", true},
		{"Mo-Su 00:00-24:00; PH open", true},
		{"00:00-24:00; PH 00:00-24:00", true},
		{"24/7; PH off", false},
		{"24/7; Su 00:00-23:00", false},
		{"Mo-Sa 00:00-24:00; PH open", false},
		{"off", false},
	}
	for _, tc := range tests {
		if got := mustParse(t, tc.in).Always(); got != tc.want {
			t.Errorf("Parse(%q).Always(): got %v, want %v", tc.in, got, tc.want)
		}
	}
	if (Schedule{}).Always() {
		t.Errorf("zero Schedule Always: got true, want false")
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Mo-Fr 09:00-18:00", "Mo,Tu,We,Th,Fr 09:00-18:00; PH off", true},
		{"Mo-Fr 09:00-18:00", "Mo-Fr 09:00-17:00", false},
		{"Fr 18:00-02:00", "Fr 18:00-26:00", true},
		{"Fr 18:00-02:00", "Fr 18:00-24:00; Sa 00:00-02:00", false},
		{"PH open", "PH 00:00-24:00", false}, // "PH open" keeps the weekday's hours
		{"Mo-Su 08:00-20:00; PH open", "Mo-Su 08:00-20:00; PH 08:00-20:00", true},
		{"Mo-Fr 09:00-18:00", "Mo-Fr 09:00-18:00; PH open", false},
	}
	for _, tc := range tests {
		if got := mustParse(t, tc.a).Equal(mustParse(t, tc.b)); got != tc.want {
			t.Errorf("Parse(%q).Equal(Parse(%q)): got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	s := mustParse(t, "Mo-Fr 08:30-18:30; Sa 09:00-13:00")
	text, err := s.MarshalText()
	if err != nil {
		t.Fatalf("MarshalText: got error %v, want nil", err)
	}
	var back Schedule
	if err := back.UnmarshalText(text); err != nil {
		t.Fatalf("UnmarshalText(%q): got error %v, want nil", text, err)
	}
	if !back.Equal(s) {
		t.Errorf("UnmarshalText(%q): got %q, want %q", text, back.String(), s.String())
	}
	if err := back.UnmarshalText(nil); err != nil || !back.IsZero() {
		t.Errorf("UnmarshalText(nil): got %q, %v, want the zero Schedule, nil", back.String(), err)
	}
	var se *SyntaxError
	if err := back.UnmarshalText([]byte("Mo-Xx")); !errors.As(err, &se) {
		t.Errorf("UnmarshalText(\"Mo-Xx\"): got %v, want a *SyntaxError", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range validExprs {
		f.Add(tc.in)
	}
	for _, tc := range invalidExprs {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): got error of type %T, want *SyntaxError", in, err)
			}
			if se.Pos < 0 || se.Pos > len(in) {
				t.Fatalf("Parse(%q): got Pos %d, want within [0, %d]", in, se.Pos, len(in))
			}
			return
		}
		canon := s.String()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) of the String of Parse(%q): got error %v, want nil", canon, in, err)
		}
		if !again.Equal(s) {
			t.Fatalf("Parse(%q) is not Equal to Parse(%q)", canon, in)
		}
		if got := again.String(); got != canon {
			t.Fatalf("String after round trip of %q: got %q, want %q", in, got, canon)
		}
		_ = s.Format(italian)
		// The queries must not panic on anything that parses, on the day
		// clocks go forward.
		day := time.Date(2026, 3, 29, 2, 30, 0, 0, rome)
		_ = s.Spans(day, seregno)
		_ = s.OpenAt(day, seregno)
		if next, ok := s.NextOpening(day, seregno); ok && next.Before(day) {
			t.Fatalf("Parse(%q).NextOpening(%v): got %v, want a time at or after it", in, day, next)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	const expr = "Mo-Fr 08:30-12:30,14:00-18:30; Sa 09:00-13:00; Su,PH off"
	for b.Loop() {
		if _, err := Parse(expr); err != nil {
			b.Fatal(err)
		}
	}
}

// mustParse parses expr or stops the test.
func mustParse(t *testing.T, expr string) Schedule {
	t.Helper()
	s, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	return s
}
