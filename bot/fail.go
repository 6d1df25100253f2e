package bot

import (
	"github.com/comune-seregno/coworkbot/registry"
)

// refusalText says, in the user's language, why the registry refused a
// booking: one message for each reason (TestEveryMessageExists checks that
// every registry.Reasons has one).
func refusalText(s *session, sp *registry.Space, r *registry.Refusal) string {
	if r.Reason == registry.ReasonFull {
		return s.l.N("refuse.full", r.Left, "Name", sp.Name)
	}
	return s.T("refuse."+string(r.Reason), "Name", sp.Name, "Left", r.Left, "Max", r.Max, "Holiday", r.Holiday,
		"Closure", r.Closure, "Until", dayName(s.l, s.today(), r.Until))
}
