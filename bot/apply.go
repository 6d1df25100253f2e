package bot

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// /candidatura (/apply) guides someone who runs a space through the form to
// join the official list: one question at a time, each answer checked with
// the import's own rules, a summary last. The application waits for the
// staff, who are told; the applicant hears the outcome.

// applyForm is an application in the making.
type applyForm struct {
	Step     string     `json:"step"`
	Name     string     `json:"name,omitempty"`
	Comune   string     `json:"comune,omitempty"`
	Address  string     `json:"address,omitempty"`
	Point    [2]float64 `json:"point"` // lon, lat; zero until given
	Services []string   `json:"services,omitempty"`
	Desks    int        `json:"desks,omitempty"`
	Hours    string     `json:"hours,omitempty"` // OSM syntax
	Day      int        `json:"price_day,omitempty"`
	Half     int        `json:"price_half,omitempty"`
	Phone    string     `json:"phone,omitempty"`
	Email    string     `json:"email,omitempty"`
	Website  string     `json:"website,omitempty"`
	DescIT   string     `json:"desc_it,omitempty"`
	DescEN   string     `json:"desc_en,omitempty"`
}

// The steps of the form, in order.
var applySteps = []string{"name", "comune", "address", "location", "services", "desks", "hours", "prices", "contacts", "desc_it", "desc_en", "summary"}

// applyQuestions are the messages that ask each typed step.
var applyQuestions = map[string]string{
	"name": "apply.ask_name", "comune": "apply.ask_comune", "address": "apply.ask_address", "desks": "apply.ask_desks",
	"hours": "apply.ask_hours", "prices": "apply.ask_prices", "contacts": "apply.ask_contacts",
	"desc_it": "apply.ask_desc_it", "desc_en": "apply.ask_desc_en",
}

// optionalSteps may be skipped.
var optionalSteps = []string{"address", "prices", "contacts", "desc_en"}

// applyCommand is /candidatura: it starts the form (or goes on with one
// begun).
func (b *Bot) applyCommand(s *session, _ string) error {
	if s.st.Apply == nil {
		s.st.Apply = &applyForm{Step: applySteps[0]}
		s.say(s.T("apply.intro"))
	}
	return b.askApply(s)
}

func (b *Bot) applyFromText(s *session, _ intent.Request) error { return b.applyCommand(s, "") }

// askApply asks the form's current question.
func (b *Bot) askApply(s *session) error {
	f := s.st.Apply
	s.st.Await = &await{Kind: answerApply}
	var extra []Button
	if slices.Contains(optionalSteps, f.Step) {
		extra = append(extra, button(s.T("apply.skip"), kApplyStep, "skip"))
	}
	stop := button(s.T("apply.stop"), kApplyStep, "stop")
	switch f.Step {
	case "location":
		s.reply(Reply{Text: s.T("apply.ask_location"), Keyboard: b.locationKeyboard(s)})
		s.reply(Reply{Text: s.T("apply.or_type_location"), Buttons: [][]Button{{stop}}})
		return nil
	case "services":
		s.reply(Reply{Text: s.T("apply.ask_services"), Buttons: append(serviceToggles(s, f.Services, kApplyService),
			[]Button{button(s.T("apply.services_done"), kApplyStep, "next"), stop}), Edit: s.in.Callback != "" && strings.HasPrefix(s.in.Callback, string(kApplyService))})
		return nil
	case "summary":
		sp := f.space()
		s.st.Await = nil
		s.reply(Reply{Text: s.T("apply.summary") + "\n\n" + b.detailsText(s, &sp),
			Buttons: [][]Button{{button(s.T("apply.send"), kApplyStep, "send"), stop}}})
		return nil
	}
	s.reply(Reply{Text: s.T(applyQuestions[f.Step]), Buttons: rows(extra, []Button{stop})})
	return nil
}

// space is the form as a space of the list (without its id, which the
// registry gives).
func (f *applyForm) space() registry.Space {
	sp := registry.Space{Name: f.Name, Comune: f.Comune, Address: f.Address, Location: orb.Point{f.Point[0], f.Point[1]},
		Desks: f.Desks, PriceDayCents: f.Day, PriceHalfDayCents: f.Half, Phone: f.Phone, Email: f.Email, Website: f.Website,
		Description: map[string]string{}}
	for _, c := range f.Services {
		if svc, err := registry.ParseService(c); err == nil {
			sp.Services |= registry.SetOf(svc)
		}
	}
	if h, err := hours.Parse(f.Hours); err == nil {
		sp.Hours = h
	}
	if f.DescIT != "" {
		sp.Description["it"] = f.DescIT
	}
	if f.DescEN != "" {
		sp.Description["en"] = f.DescEN
	}
	return sp
}

// advance moves the form to its next step and asks it.
func (b *Bot) advance(s *session) error {
	f := s.st.Apply
	if i := slices.Index(applySteps, f.Step); i >= 0 && i+1 < len(applySteps) {
		f.Step = applySteps[i+1]
	}
	return b.askApply(s)
}

// applyStep answers the form's buttons: skip, next, send, stop.
func (b *Bot) applyStep(s *session, args []string) error {
	f := s.st.Apply
	if f == nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	switch args[0] {
	case "stop":
		s.st.Apply, s.st.Await = nil, nil
		s.reply(Reply{Text: s.T("apply.stopped"), Keyboard: nil})
		return nil
	case "skip":
		if !slices.Contains(optionalSteps, f.Step) {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		return b.advance(s)
	case "next":
		if f.Step != "services" {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		return b.advance(s)
	case "send":
		if f.Step != "summary" {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		return b.sendApplication(s)
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

// applyService toggles a service of the form.
func (b *Bot) applyService(s *session, args []string) error {
	f := s.st.Apply
	svc, err := registry.ParseService(args[0])
	if f == nil || f.Step != "services" || err != nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	f.Services = toggle(f.Services, string(svc))
	return b.askApply(s)
}

// typedApply takes the typed answer to the form's current question,
// checked as the import checks the same field.
func (b *Bot) typedApply(s *session, text string) (bool, error) {
	f := s.st.Apply
	if f == nil {
		return false, nil
	}
	text = strings.TrimSpace(text)
	bad := func(key string, kv ...any) (bool, error) {
		s.say(s.T(key, kv...))
		return true, b.askApply(s)
	}
	switch f.Step {
	case "name":
		f.Name = text
	case "comune":
		f.Comune = text
	case "address":
		f.Address = text
	case "location":
		p, ok := readCoordinates(text)
		if !ok {
			return bad("mine.bad_location")
		}
		f.Point = [2]float64{p.Lon(), p.Lat()}
	case "desks":
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			return bad("mine.bad_number")
		}
		f.Desks = n
	case "hours":
		osm, ok := intent.OpeningHours(text)
		if !ok {
			osm = text
		}
		h, err := hours.Parse(osm)
		if err != nil {
			return bad("mine.bad_hours")
		}
		f.Hours = h.String()
		s.say(s.T("apply.hours_read", "Hours", h.Format(hoursNames(s.l))))
	case "prices":
		day, half, ok := readTwoPrices(text)
		if !ok {
			return bad("apply.bad_prices")
		}
		f.Day, f.Half = day, half
	case "contacts":
		f.Phone, f.Email, f.Website = splitContacts(text)
	case "desc_it":
		f.DescIT = text
	case "desc_en":
		f.DescEN = text
	default:
		return false, nil
	}
	// Each answer is checked with the import's rules for its own fields.
	if ps := stepProblems(f); len(ps) > 0 {
		s.say(problemsText(s, ps))
		return true, b.askApply(s)
	}
	return true, b.advance(s)
}

// stepFields are the fields of Space.Validate each step answers for.
var stepFields = map[string][]string{
	"name": {"name"}, "comune": {"comune"}, "address": {"address"}, "location": {"coordinates"},
	"desks": {"desks"}, "prices": {"price_day_eur", "price_half_day_eur"}, "contacts": {"phone", "email", "website"},
	"desc_it": {"description"}, "desc_en": {"description"}, "hours": {"opening_hours"},
}

// stepProblems are the problems the import would find in the fields the
// form's current step just filled.
func stepProblems(f *applyForm) registry.Problems {
	sp := f.space()
	sp.ID = "application" // the registry gives the id
	var out registry.Problems
	for _, p := range sp.Validate() {
		if slices.Contains(stepFields[f.Step], p.Field) {
			out = append(out, p)
		}
	}
	return out
}

// readTwoPrices reads "15 e 9", "15, 9", "giornata 15 mezza 9" or a single
// price for the day.
func readTwoPrices(text string) (int, int, bool) {
	var prices []int
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '/' || r == ';' || r == '\n' }) {
		w = strings.TrimRight(strings.TrimSuffix(w, "€"), ",.")
		if c, ok := readEuros(w); ok && w != "-" {
			prices = append(prices, c)
		}
	}
	switch len(prices) {
	case 1:
		return prices[0], 0, true
	case 2:
		return prices[0], prices[1], true
	}
	return 0, 0, false
}

// splitContacts finds a phone, an email and a website in one message.
func splitContacts(text string) (phone, email, website string) {
	var rest []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		w = strings.TrimSpace(w)
		switch {
		case strings.Contains(w, "@") && !strings.Contains(w, " "):
			email = w
		case strings.HasPrefix(strings.ToLower(w), "http"), strings.HasPrefix(strings.ToLower(w), "www."):
			website = w
			if strings.HasPrefix(strings.ToLower(w), "www.") {
				website = "https://" + w
			}
		case w != "":
			rest = append(rest, w)
		}
	}
	return strings.Join(rest, " "), email, website
}

// applyLocation takes a location shared at the form's location step.
func (b *Bot) applyLocation(s *session, p orb.Point) error {
	f := s.st.Apply
	if f == nil || f.Step != "location" {
		return nil
	}
	f.Point = [2]float64{p.Lon(), p.Lat()}
	if ps := stepProblems(f); len(ps) > 0 {
		s.say(problemsText(s, ps))
		return b.askApply(s)
	}
	return b.advance(s)
}

// sendApplication sends the form to the staff.
func (b *Bot) sendApplication(s *session) error {
	f := s.st.Apply
	app, err := b.db.Apply(s.ctx, s.user.ID, f.space())
	var probs registry.Problems
	if errors.As(err, &probs) {
		s.say(problemsText(s, probs))
		return nil
	}
	if err != nil {
		return err
	}
	s.st.Apply, s.st.Await = nil, nil
	s.say(s.T("apply.sent", "Name", app.Space.Name))
	b.tellStaff(s, func(o *session) Reply {
		card := b.applicationCard(o, app)
		card.Text = o.T("staff.new_application") + "\n\n" + card.Text
		return card
	})
	return nil
}
