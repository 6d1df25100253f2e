package registry

import (
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// openDuring reports whether s is open in the window w: for the whole of it
// with Cover, otherwise for at least an hour of it (or all of it, when it
// is shorter), so that a space closing at 18:30 is not "open in the
// evening".
// OpenDuring reports whether a space is open in a window, as a search
// judges it.
func OpenDuring(s *Space, w Window, cal hours.Calendar) bool { return openDuring(s, w, cal) }

func openDuring(s *Space, w Window, cal hours.Calendar) bool {
	if !w.Last.IsZero() { // a range of days: open in the window on any of them
		one := w
		one.Last = time.Time{}
		for d := w.Day; !d.After(w.Last); d = d.AddDate(0, 0, 1) {
			one.Day = d
			if openDuring(s, one, cal) {
				return true
			}
		}
		return false
	}
	spans := s.Hours.Spans(w.Day, cal)
	if w.From == 0 && w.To == 0 {
		return len(spans) > 0
	}
	if w.To <= w.From { // "from 20:00": until the end of the day
		w.To = 24 * 60
	}
	need := min(60, w.To-w.From)
	open := 0
	for _, sp := range spans {
		if w.Cover && sp.From <= w.From && sp.To >= w.To {
			return true
		}
		open += max(0, min(sp.To, w.To)-max(sp.From, w.From))
	}
	return !w.Cover && open >= need
}

func equalFold(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
