package registry

import (
	"strings"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

type hoursCalendar = hours.Calendar

// openDuring reports whether s is open in the window w.
func openDuring(s *Space, w Window, cal hours.Calendar) bool {
	spans := s.Hours.Spans(w.Day, cal)
	if w.From == 0 && w.To == 0 {
		return len(spans) > 0
	}
	for _, sp := range spans {
		if w.Cover && sp.From <= w.From && sp.To >= w.To {
			return true
		}
		if !w.Cover && sp.From < w.To && sp.To > w.From {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}
