package bot

import (
	"errors"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// Questions that want an answer rather than a list: what a service is,
// whether a space has a service, whether it is open at a time. The answer
// comes first, then the space's card.

// explain says what the services asked about are, or lists them all.
func (b *Bot) explain(s *session, r intent.Request) error {
	var codes []string
	if len(r.Services) > 0 {
		codes = r.Services
	} else {
		for _, svc := range registry.Services {
			codes = append(codes, string(svc))
		}
	}
	var t strings.Builder
	if len(r.Services) == 0 {
		t.WriteString(s.T("explain.all") + "\n")
	}
	for _, c := range codes {
		t.WriteString("\n" + s.T("explain.line", "Service", s.T("svc."+c), "What", s.T("explain."+c)))
	}
	var find []Button
	for _, c := range r.Services {
		find = append(find, button(s.T("explain.find", "Service", s.T("svc."+c)), kPick, c))
	}
	s.reply(Reply{Text: t.String(), Buttons: rows(find, []Button{button(s.T("menu.services"), kMenu, menuServices)})})
	return nil
}

// spaceOrAsk is the one space a question names; with none or several it
// asks which and reports false.
func (b *Bot) spaceOrAsk(s *session, r intent.Request) (registry.Space, bool, error) {
	switch {
	case len(r.Candidates) > 1:
		return registry.Space{}, false, b.askSpace(s, string(intent.Details), r.Candidates, nil)
	case r.Space == "":
		return registry.Space{}, false, b.aboutSpace(s, r)
	}
	sp, err := b.db.Space(s.ctx, r.Space)
	if err != nil || sp.Status != registry.Approved {
		s.say(s.T("details.gone"))
		return sp, false, nil
	}
	return sp, true, nil
}

// has answers "Officina Brianza ha il parcheggio?": yes or no first, then
// the card.
func (b *Bot) has(s *session, r intent.Request) error {
	sp, ok, err := b.spaceOrAsk(s, r)
	if !ok || err != nil {
		return err
	}
	if len(r.Services) == 0 {
		return b.details(s, sp.ID)
	}
	var yes, no []string
	for _, c := range r.Services {
		svc, err := registry.ParseService(c)
		if err != nil {
			continue
		}
		// "ha …" wants a noun: the few services whose search word is an
		// adjective ("accessibili") have one of their own.
		word := s.T("hasword." + c)
		if word == "hasword."+c {
			word = s.T("svcword." + c)
		}
		if sp.Services.Has(registry.SetOf(svc)) {
			yes = append(yes, word)
		} else {
			no = append(no, word)
		}
	}
	var text string
	switch {
	case len(no) == 0:
		text = s.T("has.yes", "Name", sp.Name, "List", locales.HTML(joinList(s, "list.and", yes)))
	case len(yes) == 0:
		text = s.T("has.no", "Name", sp.Name, "List", locales.HTML(joinList(s, "list.or", no)))
	default:
		text = s.T("has.partly", "Name", sp.Name, "Yes", locales.HTML(joinList(s, "list.and", yes)), "No", locales.HTML(joinList(s, "list.or", no)))
	}
	s.say(text)
	return b.details(s, sp.ID)
}

// isOpen answers "il Cortile è aperto domani pomeriggio?": yes or no first,
// with the hours of that day, then the card.
func (b *Bot) isOpen(s *session, r intent.Request) error {
	sp, ok, err := b.spaceOrAsk(s, r)
	if !ok || err != nil {
		return err
	}
	w := r.When
	if w.IsZero() || w.Now {
		if sp.Hours.OpenAt(s.now, b.db.Calendar) {
			s.say(s.T("is_open.now_yes", "Name", sp.Name, "Status", locales.HTML(openStatus(s.l, &sp, s.now, b.db.Calendar))))
		} else {
			s.say(s.T("is_open.now_no", "Name", sp.Name, "Status", locales.HTML(openStatus(s.l, &sp, s.now, b.db.Calendar))))
		}
		return b.details(s, sp.ID)
	}
	day := s.today()
	if !w.Date.IsZero() {
		day = w.Date
	}
	q := searchState{Day: day.Format(time.DateOnly), From: w.From, To: w.To, Part: string(w.Part)}
	switch {
	case q.From > 0 && q.To == 0:
		q.To = min(q.From+60, 24*60)
	case q.From == 0 && q.To > 0:
		q.From = max(0, q.To-60)
	}
	when := dayName(s.l, s.today(), day)
	if q.Part != "" && q.From == q.To {
		when += " " + s.T("part."+q.Part)
	} else if q.From != q.To {
		when += " " + s.T("describe.span", "From", clock(q.From), "To", clock(q.To))
	}
	rq := q.query(s.now)
	open := rq.During != nil && registry.OpenDuring(&sp, *rq.During, b.db.Calendar)
	var refusal *registry.Refusal
	if err := b.db.CheckDay(s.ctx, sp.ID, day); errors.As(err, &refusal) && refusal.Reason == registry.ReasonClosure {
		open = false // the provider closed that day
	}
	hours := s.T("is_open.hours", "Spans", b.statusFor(s, &sp, &q))
	if open {
		s.say(s.T("is_open.yes", "Name", sp.Name, "When", when) + "\n" + hours)
	} else {
		s.say(s.T("is_open.no", "Name", sp.Name, "When", when) + "\n" + hours)
	}
	return b.details(s, sp.ID)
}
