package bot

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// This file is the one mapping from what the registry refuses to what a
// person is told.

// refusalText says, in the user's language, why the registry refused a
// booking: one message for each reason (TestEveryMessageExists checks that
// every registry.Reasons has one).
func refusalText(s *session, sp *registry.Space, r *registry.Refusal) string {
	if r.Reason == registry.ReasonFull {
		if r.Left == 0 {
			return s.T("refuse.full_none", "Name", sp.Name)
		}
		return s.l.N("refuse.full", r.Left, "Name", sp.Name)
	}
	return s.T("refuse."+string(r.Reason), "Name", sp.Name, "Left", r.Left, "Max", r.Max, "Holiday", r.Holiday,
		"Closure", r.Closure, "Until", dayName(s.l, s.today(), r.Until))
}

// failText is what to tell a person when the registry refused what they
// asked, by the error's kind; false for an error that is nobody's doing,
// which is logged and answered with the generic message.
func failText(s *session, err error) (string, bool) {
	var probs registry.Problems
	switch {
	case errors.As(err, &probs):
		return problemsText(s, probs), true
	case errors.Is(err, registry.ErrInvitationUsed):
		return s.T("invite.used"), true
	case errors.Is(err, registry.ErrInvitationExpired):
		return s.T("invite.expired", "Days", int(registry.InvitationFor/(24*time.Hour))), true
	case errors.Is(err, registry.ErrForbidden):
		return s.T("error.forbidden"), true
	case errors.Is(err, registry.ErrNotFound):
		return s.T("error.not_found"), true
	case errors.Is(err, registry.ErrClosed):
		return s.T("error.already_decided"), true
	case errors.Is(err, registry.ErrConflict):
		return s.T("error.conflict"), true
	case errors.Is(err, registry.ErrInvalid):
		return s.T("error.invalid"), true
	}
	return "", false
}

// fail answers an error the registry returned: with its words when it is
// the person's doing (a notice for a button, a message otherwise), or
// returns it to be logged.
func (b *Bot) fail(s *session, err error) error {
	text, ok := failText(s, err)
	if !ok {
		return err
	}
	if s.in.Callback != "" && !errors.As(err, new(registry.Problems)) {
		s.resp.Notice = stripHTML(text)
		return nil
	}
	s.say(text)
	return nil
}

// longReason tells a person that the reason they typed is longer than the
// registry keeps, leaving the question open to type it again: true when it
// was.
func longReason(s *session, reason string) bool {
	n := utf8.RuneCountInString(strings.TrimSpace(reason))
	if n <= registry.MaxReason {
		return false
	}
	s.say(s.T("error.reason_too_long", "Max", registry.MaxReason, "N", n))
	return true
}

// problemsText lists what is wrong with a space's fields, as a provider or
// an applicant reads it.
func problemsText(s *session, ps registry.Problems) string {
	var lines []string
	for _, p := range ps {
		field := p.Field
		if name := s.T("field." + p.Field); name != "field."+p.Field {
			field = name
		}
		value := p.Value
		switch p.Code {
		case registry.EventProbRoomTaken, registry.EventProbPast: // a day, YYYY-MM-DD
			if day, err := parseDay(value); err == nil {
				value = dateName(s.l, day)
			}
		case registry.EventProbTooFar: // a day a year ahead: with its year
			if day, err := parseDay(value); err == nil {
				value = dateName(s.l, day) + " " + strconv.Itoa(day.Year())
			}
		}
		lines = append(lines, s.T("problem.line", "Field", field, "What", locales.HTML(s.T("problem."+p.Code, "Value", value))))
	}
	return s.T("problem.header") + "\n" + strings.Join(lines, "\n")
}
