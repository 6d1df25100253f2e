package bot

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/bot/poster"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// A provider keeps their own listing by chat: /miospazio shows it with a
// button for each part, each part is typed or chosen, and what the comune
// vouches for (name, address, location, services, desks) waits for the
// staff's review while the rest goes live at once. The registry checks the
// role again inside each write.

// The parts of a listing a provider edits, as button arguments.
const (
	partServices = "services"
	partDesks    = "desks"
	partHours    = "hours"
	partPrices   = "prices"
	partPriceDay = "price_day"
	partPriceHlf = "price_half"
	partContacts = "contacts"
	partPhone    = "phone"
	partEmail    = "email"
	partWebsite  = "website"
	partDescIT   = "desc_it"
	partDescEN   = "desc_en"
	partName     = "name"
	partAddress  = "address"
	partLocation = "location"
	partRooms    = "rooms"
	partClosures = "closures"
)

// editState is an edit in the making that needs a confirmation (opening
// hours read from words) or several presses (the services).
type editState struct {
	Space    string   `json:"space"`
	Part     string   `json:"part"`               // partServices, partRooms or partHours
	Hours    string   `json:"hours,omitempty"`    // OSM syntax, read from the provider's words
	Services []string `json:"services,omitempty"` // the services being chosen
	Rooms    []string `json:"rooms,omitempty"`    // the rooms listed, by id, in the order shown
	Room     string   `json:"room,omitempty"`     // the room whose price is typed
}

// mySpace is /miospazio: the provider's space, or a choice of theirs.
func (b *Bot) mySpace(s *session, args string) error {
	spaces := s.roles.Spaces
	if args != "" && s.may(provider, args) {
		return b.showMine(s, args, false)
	}
	switch len(spaces) {
	case 0: // staff with no space of their own
		s.say(s.T("mine.none_staff"))
		return nil
	case 1:
		return b.showMine(s, spaces[0], false)
	}
	var choices []Button
	for _, id := range spaces {
		label := id
		if sp, err := b.db.Space(s.ctx, id); err == nil {
			label = sp.Name + " · " + sp.Comune
		}
		choices = append(choices, button(label, kMine, id))
	}
	s.reply(Reply{Text: s.T("mine.choose"), Buttons: chunk(choices, 1)})
	return nil
}

func (b *Bot) mineButton(s *session, args []string) error {
	return b.showMine(s, args[0], s.in.Callback != "")
}

// showMine shows a provider's listing as citizens see it, what waits for
// the staff, and a button for each part.
func (b *Bot) showMine(s *session, id string, edit bool) error {
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	s.st.Edit, s.st.Await = nil, nil
	var t strings.Builder
	t.WriteString(s.T("mine.header", "Status", s.T("status."+string(sp.Status))))
	t.WriteString("\n\n")
	t.WriteString(b.detailsText(s, &sp))
	pending, err := b.db.PendingChanges(s.ctx, id)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		t.WriteString("\n\n" + s.T("mine.pending"))
		for _, c := range pending {
			t.WriteString("\n• " + b.changeText(s, c))
		}
	}
	muted := false
	if ps, err := b.db.Providers(s.ctx, id); err == nil {
		for _, p := range ps {
			if p.UserID == s.user.ID {
				muted = p.Muted
			}
		}
	}
	mute := s.T("mine.notifications_on")
	if muted {
		mute = s.T("mine.notifications_off")
	}
	part := func(label, p string) Button { return button(label, kMineEdit, id, p) }
	rs := [][]Button{
		{part(s.T("mine.services"), partServices), part(s.T("mine.desks"), partDesks)},
		{part(s.T("mine.hours"), partHours), part(s.T("mine.prices"), partPrices)},
		{part(s.T("mine.contacts"), partContacts), part(s.T("mine.description"), partDescIT)},
		{part(s.T("mine.rooms"), partRooms), part(s.T("mine.where"), partName)},
		{part(s.T("mine.closures"), partClosures), button(s.T("mine.agenda"), kAgenda, id, "0")},
		{button(s.T("mine.poster"), kMinePoster, id), button(mute, kMineMute, id)},
	}
	s.reply(Reply{Text: t.String(), Buttons: rs, Edit: edit})
	return nil
}

// changeText writes a pending change as "scrivanie: 20 → 25", or, for the
// services, what is added and removed: "servizi: + 🧒 Cobaby".
func (b *Bot) changeText(s *session, c registry.Change) string {
	field := s.T("field." + c.Field)
	if c.Field == registry.FieldServices {
		var before, after registry.Space
		if registry.SetField(&before, c.Field, c.Before) == nil && registry.SetField(&after, c.Field, c.After) == nil {
			var parts []string
			if added := after.Services &^ before.Services; added != 0 {
				parts = append(parts, "+ "+serviceList(s.l, added))
			}
			if removed := before.Services &^ after.Services; removed != 0 {
				parts = append(parts, "− "+serviceList(s.l, removed))
			}
			return s.T("change.services", "Field", field, "Change", locales.HTML(strings.Join(parts, "; ")))
		}
	}
	return s.T("change.line", "Field", field, "Before", locales.HTML(b.fieldText(s, c.Field, c.Before)),
		"After", locales.HTML(b.fieldText(s, c.Field, c.After)))
}

// fieldText writes a field's JSON value for people.
func (b *Bot) fieldText(s *session, field, raw string) string {
	var sp registry.Space
	if err := registry.SetField(&sp, field, raw); err != nil {
		return esc(raw)
	}
	switch field {
	case registry.FieldServices:
		if sp.Services == 0 {
			return s.T("change.none")
		}
		return serviceList(s.l, sp.Services)
	case registry.FieldDesks:
		return strconv.Itoa(sp.Desks)
	case registry.FieldLocation:
		return fmt.Sprintf("%.5f, %.5f", sp.Location.Lat(), sp.Location.Lon())
	case registry.FieldName:
		return esc(sp.Name)
	case registry.FieldComune:
		return esc(sp.Comune)
	case registry.FieldAddress:
		return esc(sp.Address)
	}
	return esc(raw)
}

// mineEdit opens a part of the listing for editing.
func (b *Bot) mineEdit(s *session, args []string) error {
	id, part := args[0], args[1]
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	back := []Button{button(s.T("mine.back"), kMine, id)}
	ask := func(kind answerKind, text string, extra ...[]Button) error {
		s.st.Await = &await{Kind: kind, Space: id}
		s.reply(Reply{Text: text, Buttons: rows(append(extra, back)...)})
		return nil
	}
	switch part {
	case partServices:
		s.st.Edit = &editState{Space: id, Part: partServices}
		for _, svc := range sp.Services.List() {
			s.st.Edit.Services = append(s.st.Edit.Services, string(svc))
		}
		return b.showServiceEdit(s, &sp, false)
	case partDesks:
		return ask(answerMineDesks, s.T("mine.ask_desks", "Desks", sp.Desks))
	case partHours:
		return ask(answerMineHours, s.T("mine.ask_hours", "Hours", sp.Hours.Format(hoursNames(s.l))))
	case partPrices:
		s.reply(Reply{Text: s.T("mine.prices_text", "Day", b.priceOrNone(s, sp.PriceDayCents), "Half", b.priceOrNone(s, sp.PriceHalfDayCents)),
			Buttons: [][]Button{{button(s.T("mine.price_day"), kMineEdit, id, partPriceDay), button(s.T("mine.price_half"), kMineEdit, id, partPriceHlf)}, back}})
		return nil
	case partPriceDay:
		return ask(answerMinePriceDay, s.T("mine.ask_price_day"))
	case partPriceHlf:
		return ask(answerMinePriceHalf, s.T("mine.ask_price_half"))
	case partContacts:
		s.reply(Reply{Text: s.T("mine.contacts_text", "Phone", orNone(s, sp.Phone), "Email", orNone(s, sp.Email), "Website", orNone(s, sp.Website)),
			Buttons: [][]Button{{button(s.T("mine.phone"), kMineEdit, id, partPhone), button(s.T("mine.email"), kMineEdit, id, partEmail),
				button(s.T("mine.website"), kMineEdit, id, partWebsite)}, back}})
		return nil
	case partPhone:
		return ask(answerMinePhone, s.T("mine.ask_phone"))
	case partEmail:
		return ask(answerMineEmail, s.T("mine.ask_email"))
	case partWebsite:
		return ask(answerMineWebsite, s.T("mine.ask_website"))
	case partDescIT, partDescEN:
		kind, other, otherLabel := answerMineDescIT, partDescEN, s.T("mine.desc_en")
		if part == partDescEN {
			kind, other, otherLabel = answerMineDescEN, partDescIT, s.T("mine.desc_it")
		}
		lang := "it"
		if part == partDescEN {
			lang = "en"
		}
		return ask(kind, s.T("mine.ask_description", "Lang", s.T("language."+lang), "Max", registry.MaxDescription,
			"Now", orNone(s, sp.Description[lang])), []Button{button(otherLabel, kMineEdit, id, other)})
	case partName:
		s.reply(Reply{Text: s.T("mine.where_text", "Name", sp.Name, "Address", sp.Address, "Comune", sp.Comune),
			Buttons: [][]Button{{button(s.T("mine.name"), kMineEdit, id, partName+"_ask"), button(s.T("mine.address"), kMineEdit, id, partAddress),
				button(s.T("mine.location"), kMineEdit, id, partLocation)}, back}})
		return nil
	case partName + "_ask":
		return ask(answerMineName, s.T("mine.ask_name", "Name", sp.Name))
	case partAddress:
		return ask(answerMineAddress, s.T("mine.ask_address", "Address", sp.Address, "Comune", sp.Comune))
	case partLocation:
		s.st.Await = &await{Kind: answerMineLocation, Space: id}
		s.reply(Reply{Text: s.T("mine.ask_location"), Keyboard: b.locationKeyboard(s)})
		return nil
	case partRooms:
		if len(sp.Rooms) == 0 {
			s.reply(Reply{Text: s.T("mine.no_rooms"), Buttons: [][]Button{back}})
			return nil
		}
		var rs []Button
		s.st.Edit = &editState{Space: id, Part: partRooms}
		for i, r := range sp.Rooms {
			s.st.Edit.Rooms = append(s.st.Edit.Rooms, r.ID)
			rs = append(rs, button(s.T("mine.room_button", "Name", r.Name, "Price", b.priceOrNone(s, r.PriceHourCents)), kMineRoom, strconv.Itoa(i)))
		}
		s.reply(Reply{Text: s.T("mine.rooms_text"), Buttons: append(chunk(rs, 1), back)})
		return nil
	case partClosures:
		return b.showClosures(s, &sp)
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

func orNone(s *session, v string) string {
	if v == "" {
		return s.T("mine.not_given")
	}
	return v
}

func (b *Bot) priceOrNone(s *session, cents int) string {
	if cents == 0 {
		return s.T("mine.not_given")
	}
	return euro(s.l, cents)
}

// mineRoom asks a room's hourly price.
func (b *Bot) mineRoom(s *session, args []string) error {
	e, i := s.st.Edit, atoi(args[0])
	if e == nil || e.Part != partRooms || i < 0 || i >= len(e.Rooms) {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	sp, err := b.db.Space(s.ctx, e.Space)
	if err != nil {
		return b.fail(s, err)
	}
	r, ok := sp.Room(e.Rooms[i])
	if !ok {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	e.Room = r.ID
	s.st.Await = &await{Kind: answerMineRoomPrice, Space: sp.ID}
	s.reply(Reply{Text: s.T("mine.ask_room_price", "Name", r.Name), Buttons: [][]Button{{button(s.T("mine.back"), kMine, sp.ID)}}})
	return nil
}

func (b *Bot) showServiceEdit(s *session, sp *registry.Space, edit bool) error {
	last := []Button{button(s.T("mine.services_save"), kMineService, pickGo), button(s.T("mine.back"), kMine, sp.ID)}
	s.reply(Reply{Text: s.T("mine.services_text"), Buttons: append(serviceToggles(s, s.st.Edit.Services, kMineService), last), Edit: edit})
	return nil
}

// mineService toggles a service of the listing being edited, or sends the
// choice for review.
func (b *Bot) mineService(s *session, args []string) error {
	what := args[0]
	e := s.st.Edit
	if e == nil || e.Part != partServices {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	id := e.Space
	if !s.may(provider, id) {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	if what == pickGo {
		var set registry.ServiceSet
		for _, c := range e.Services {
			if svc, err := registry.ParseService(c); err == nil {
				set |= registry.SetOf(svc)
			}
		}
		s.st.Edit = nil
		return b.applyEdit(s, id, func(sp *registry.Space) { sp.Services = set })
	}
	svc, err := registry.ParseService(what)
	if err != nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	e.Services = toggle(e.Services, string(svc))
	return b.showServiceEdit(s, &sp, true)
}

// applyEdit writes a provider's edit and says what went live and what
// waits for the staff, who are told of it.
func (b *Bot) applyEdit(s *session, id string, change func(*registry.Space)) error {
	e, err := b.db.EditSpace(s.ctx, registry.Person(s.user.ID), id, func(sp *registry.Space) error {
		change(sp)
		return nil
	})
	if err != nil {
		return b.fail(s, err)
	}
	s.st.Await, s.st.Edit = nil, nil
	back := [][]Button{{button(s.T("mine.back"), kMine, id)}}
	if len(e.Pending) == 0 {
		s.reply(Reply{Text: s.T("mine.saved"), Buttons: back})
		return nil
	}
	var lines []string
	for _, c := range e.Pending {
		lines = append(lines, "• "+b.changeText(s, c))
	}
	s.reply(Reply{Text: s.T("mine.sent_for_review", "Changes", locales.HTML(strings.Join(lines, "\n"))), Buttons: back})
	name := e.Space.Name
	b.tellStaff(s, func(o *session) Reply {
		var ls []string
		var bs []Button
		for _, c := range e.Pending {
			ls = append(ls, "• "+b.changeText(o, c))
			bs = append(bs, button(o.T("staff.approve_change", "Field", o.T("field."+c.Field)), kChangeApprove, idArg(c.ID)),
				button(o.T("staff.reject"), kChangeReject, idArg(c.ID)))
		}
		return Reply{Text: o.T("staff.new_change", "Name", name, "Changes", locales.HTML(strings.Join(ls, "\n"))), Buttons: chunk(bs, 2)}
	})
	return nil
}

// The typed answers of a provider's edits. Each reports false for a text
// that is no answer (the message is then read as any other).

func (b *Bot) typedMineDesks(s *session, text string) (bool, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 0 {
		s.say(s.T("mine.bad_number"))
		return true, nil
	}
	return true, b.applyEdit(s, s.st.Await.Space, func(sp *registry.Space) { sp.Desks = n })
}

func (b *Bot) typedMineHours(s *session, text string) (bool, error) {
	osm, ok := intent.OpeningHours(text)
	if !ok {
		osm = strings.TrimSpace(text) // perhaps written in the OSM syntax itself
	}
	h, err := hours.Parse(osm)
	if err != nil {
		s.say(s.T("mine.bad_hours"))
		return true, nil
	}
	id := s.st.Await.Space
	s.st.Await = nil
	s.st.Edit = &editState{Space: id, Part: partHours, Hours: h.String()}
	s.reply(Reply{Text: s.T("mine.confirm_hours", "Hours", h.Format(hoursNames(s.l))),
		Buttons: [][]Button{{button(s.T("mine.hours_ok"), kMineHoursOK, id), button(s.T("mine.hours_again"), kMineEdit, id, partHours)}}})
	return true, nil
}

// mineHoursOK confirms the hours read from the provider's words.
func (b *Bot) mineHoursOK(s *session, args []string) error {
	e := s.st.Edit
	if e == nil || e.Part != partHours || e.Space != args[0] {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	h, err := hours.Parse(e.Hours)
	if err != nil {
		return err
	}
	return b.applyEdit(s, e.Space, func(sp *registry.Space) { sp.Hours = h })
}

func (b *Bot) typedMinePriceDay(s *session, text string) (bool, error) {
	return b.typedPrice(s, text, func(sp *registry.Space, c int) { sp.PriceDayCents = c })
}

func (b *Bot) typedMinePriceHalf(s *session, text string) (bool, error) {
	return b.typedPrice(s, text, func(sp *registry.Space, c int) { sp.PriceHalfDayCents = c })
}

func (b *Bot) typedMineRoomPrice(s *session, text string) (bool, error) {
	e := s.st.Edit
	if e == nil || e.Part != partRooms || e.Room == "" {
		return false, nil
	}
	room := e.Room
	return b.typedPrice(s, text, func(sp *registry.Space, c int) {
		for i := range sp.Rooms {
			if sp.Rooms[i].ID == room {
				sp.Rooms[i].PriceHourCents = c
			}
		}
	})
}

// typedPrice reads a price in euros ("15", "12,50", "12.50 €", "0" or "-"
// for none) and writes it.
func (b *Bot) typedPrice(s *session, text string, set func(*registry.Space, int)) (bool, error) {
	cents, ok := readEuros(text)
	if !ok {
		s.say(s.T("mine.bad_price"))
		return true, nil
	}
	return true, b.applyEdit(s, s.st.Await.Space, func(sp *registry.Space) { set(sp, cents) })
}

// readEuros reads a price in euros as cents.
func readEuros(text string) (int, bool) {
	t := strings.TrimSpace(strings.ToLower(text))
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(t, "€"), "€"), "euro"))
	if t == "-" || t == "" {
		return 0, t == "-"
	}
	t = strings.Replace(t, ",", ".", 1)
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f > 10000 || math.IsNaN(f) {
		return 0, false
	}
	return int(math.Round(f * 100)), true
}

// typedText writes a field typed as text; "-" clears an optional one.
func (b *Bot) typedText(s *session, text string, set func(*registry.Space, string)) (bool, error) {
	v := strings.TrimSpace(text)
	if v == "-" {
		v = ""
	}
	return true, b.applyEdit(s, s.st.Await.Space, func(sp *registry.Space) { set(sp, v) })
}

func (b *Bot) typedMinePhone(s *session, text string) (bool, error) {
	return b.typedText(s, text, func(sp *registry.Space, v string) { sp.Phone = v })
}

func (b *Bot) typedMineEmail(s *session, text string) (bool, error) {
	return b.typedText(s, text, func(sp *registry.Space, v string) { sp.Email = v })
}

func (b *Bot) typedMineWebsite(s *session, text string) (bool, error) {
	return b.typedText(s, text, func(sp *registry.Space, v string) { sp.Website = v })
}

func (b *Bot) typedMineDescIT(s *session, text string) (bool, error) {
	return b.typedDescription(s, text, "it")
}

func (b *Bot) typedMineDescEN(s *session, text string) (bool, error) {
	return b.typedDescription(s, text, "en")
}

func (b *Bot) typedDescription(s *session, text, lang string) (bool, error) {
	return b.typedText(s, text, func(sp *registry.Space, v string) {
		if sp.Description == nil {
			sp.Description = map[string]string{}
		}
		sp.Description[lang] = v
	})
}

func (b *Bot) typedMineName(s *session, text string) (bool, error) {
	return b.typedText(s, text, func(sp *registry.Space, v string) { sp.Name = v })
}

func (b *Bot) typedMineAddress(s *session, text string) (bool, error) {
	return b.typedText(s, text, func(sp *registry.Space, v string) { sp.Address = v })
}

// typedMineLocation takes typed coordinates ("45.6519, 9.2068"); a shared
// location comes through onLocation.
func (b *Bot) typedMineLocation(s *session, text string) (bool, error) {
	p, ok := readCoordinates(text)
	if !ok {
		s.say(s.T("mine.bad_location"))
		return true, nil
	}
	return true, b.applyEdit(s, s.st.Await.Space, func(sp *registry.Space) { sp.Location = p })
}

// readCoordinates reads "lat, lon" in decimal degrees (a point or a comma
// for the decimals, as long as the two are told apart).
func readCoordinates(text string) (orb.Point, bool) {
	f := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ';' || r == '\t' || r == '/' })
	if len(f) == 1 { // "45.65,9.20"
		f = strings.Split(f[0], ",")
	}
	var nums []float64
	for _, x := range f {
		x = strings.Trim(x, ",")
		if x == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.Replace(x, ",", ".", 1), 64)
		if err != nil {
			return orb.Point{}, false
		}
		nums = append(nums, v)
	}
	if len(nums) != 2 || nums[0] < -90 || nums[0] > 90 || nums[1] < -180 || nums[1] > 180 {
		return orb.Point{}, false
	}
	return orb.Point{nums[1], nums[0]}, true
}

// mineMute turns a provider's booking notifications off or on.
// minePoster sends the provider the poster to pin by the door: an A4 PNG
// with the QR code of the space's deep link, as coworkbot poster draws it.
func (b *Bot) minePoster(s *session, args []string) error {
	sp, err := b.db.Space(s.ctx, args[0])
	if err != nil {
		return b.fail(s, err)
	}
	switch {
	case sp.Status != registry.Approved:
		s.say(s.T("mine.poster_not_listed", "Name", sp.Name))
		return nil
	case b.username == "":
		s.say(s.T("mine.poster_no_username"))
		return nil
	}
	other := b.localizer(locales.Languages[0])
	if other.Lang == s.lang() && len(locales.Languages) > 1 {
		other = b.localizer(locales.Languages[1])
	}
	link := SpaceLink(b.username, sp.ID)
	var png bytes.Buffer
	if err := poster.PNG(&png, poster.Poster{Name: sp.Name, Comune: sp.Comune, Official: stripHTML(s.T("poster.official")),
		Scan: stripHTML(s.T("poster.scan")), ScanAlt: stripHTML(other.T("poster.scan")),
		LinkText: strings.TrimPrefix(link, "https://"), Link: link}); err != nil {
		var ge *poster.GlyphError
		if errors.As(err, &ge) {
			s.say(s.T("mine.poster_glyph", "Text", ge.Text))
			return nil
		}
		return err
	}
	s.reply(Reply{Text: s.T("mine.poster_caption", "Name", sp.Name, "Link", link),
		Document: &Document{Name: "locandina-" + sp.ID + ".png", MIME: "image/png", Bytes: png.Bytes()}})
	return nil
}

func (b *Bot) mineMute(s *session, args []string) error {
	id := args[0]
	ps, err := b.db.Providers(s.ctx, id)
	if err != nil {
		return err
	}
	muted := false
	for _, p := range ps {
		if p.UserID == s.user.ID {
			muted = p.Muted
		}
	}
	if err := b.db.SetMuted(s.ctx, s.user.ID, id, !muted); err != nil {
		if errors.Is(err, registry.ErrForbidden) { // staff, not a provider of it
			s.resp.Notice = s.T("mine.mute_not_yours")
			return nil
		}
		return err
	}
	if muted {
		s.resp.Notice = s.T("mine.unmuted")
	} else {
		s.resp.Notice = s.T("mine.muted")
	}
	if s.in.Callback != "" && s.st.Edit == nil {
		return b.showMine(s, id, true)
	}
	return nil
}

// showClosures lists a space's closures, each with a remove button, and
// how to add one.
func (b *Bot) showClosures(s *session, sp *registry.Space) error {
	cs, err := b.db.Closures(s.ctx, sp.ID, s.today())
	if err != nil {
		return err
	}
	var t strings.Builder
	if len(cs) == 0 {
		t.WriteString(s.T("closures.none", "Name", sp.Name))
	} else {
		t.WriteString(s.T("closures.header", "Name", sp.Name))
	}
	var rm []Button
	for _, c := range cs {
		line := b.closureText(s, c)
		t.WriteString("\n• " + line)
		rm = append(rm, button(s.T("closures.remove", "When", locales.HTML(line)), kClosureRemove, idArg(c.ID)))
	}
	t.WriteString("\n\n" + s.T("closures.how"))
	s.st.Await = &await{Kind: answerClosure, Space: sp.ID}
	s.reply(Reply{Text: t.String(), Buttons: append(chunk(rm, 1), []Button{button(s.T("mine.back"), kMine, sp.ID)})})
	return nil
}

// closureText writes a closure as "24 dicembre – 6 gennaio (ferie)".
func (b *Bot) closureText(s *session, c registry.Closure) string {
	when := dateName(s.l, c.First)
	if !c.Last.Equal(c.First) {
		when = s.T("closures.range", "From", dateName(s.l, c.First), "To", dateName(s.l, c.Last))
	}
	if c.Note != "" {
		when += " (" + esc(c.Note) + ")"
	}
	return when
}

// closureCommand is /chiusura [dates and reason]: with words, the closure;
// without, the list of closures and how to add one.
func (b *Bot) closureCommand(s *session, args string) error {
	id, ok := b.oneSpace(s)
	if !ok {
		return nil
	}
	if args == "" {
		sp, err := b.db.Space(s.ctx, id)
		if err != nil {
			return b.fail(s, err)
		}
		return b.showClosures(s, &sp)
	}
	return b.addClosure(s, id, args)
}

// oneSpace is the provider's space when they have one; with several it asks
// which, through /miospazio.
func (b *Bot) oneSpace(s *session) (string, bool) {
	if len(s.roles.Spaces) == 1 {
		return s.roles.Spaces[0], true
	}
	if err := b.mySpace(s, ""); err != nil {
		b.log.Error("my space", "err", err)
	}
	return "", false
}

func (b *Bot) typedClosure(s *session, text string) (bool, error) {
	if _, _, ok := b.closureDays(s, text); !ok {
		return false, nil
	}
	if longReason(s, closureNote(text)) {
		return true, nil
	}
	return true, b.addClosure(s, s.st.Await.Space, text)
}

// closureFromText answers a provider who writes "chiuso dal 24 dicembre al
// 6 gennaio per ferie".
func (b *Bot) closureFromText(s *session, r intent.Request) error {
	if len(s.roles.Spaces) == 0 {
		if r.Space != "" || len(r.Candidates) > 0 {
			return b.isOpen(s, r) // "il Cortile è chiuso domani?"
		}
		s.reply(Reply{Text: s.T("unknown"), Buttons: b.mainMenu(s)})
		return nil
	}
	id, ok := b.oneSpace(s)
	if !ok {
		return nil
	}
	return b.addClosure(s, id, s.text)
}

// closureDays reads the days of a closure from words: a day ("domani", "24
// dicembre") or two joined by "al", "-", "fino al", "to", and a reason
// after "per" or "for".
func (b *Bot) closureDays(s *session, text string) (time.Time, time.Time, bool) {
	p, err := b.parser(s)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	if w := p.Parse(text, s.lang(), s.now, intent.Context{}).When; !w.Date.IsZero() && !w.EndDate.IsZero() {
		return w.Date, w.EndDate, !w.EndDate.Before(w.Date)
	}
	norm := " " + strings.ToLower(text) + " "
	for _, sep := range []string{" fino al ", " fino a ", " al ", " all'", " a ", " - ", " – ", " to ", " until ", " till "} {
		if i := strings.Index(norm, sep); i > 0 {
			from := p.Parse(strings.TrimSpace(norm[:i]), s.lang(), s.now, intent.Context{}).When.Date
			to := p.Parse(strings.TrimSpace(norm[i+len(sep):]), s.lang(), s.now, intent.Context{}).When.Date
			if !from.IsZero() && !to.IsZero() {
				if to.Before(from) && to.Month() < from.Month() { // "dal 24 dicembre al 6 gennaio"
					to = to.AddDate(1, 0, 0)
				}
				return from, to, !to.Before(from)
			}
		}
	}
	d := p.Parse(text, s.lang(), s.now, intent.Context{}).When.Date
	return d, d, !d.IsZero()
}

// closureNote is the reason after "per" or "for" ("per ferie" → "ferie").
func closureNote(text string) string {
	for _, w := range []string{" per ", " for ", " causa ", " because of "} {
		// The words are ASCII: compare them byte for byte with the text
		// itself, not with a lower-case copy, whose letters may be longer
		// or shorter than the text's.
		for i := len(text) - len(w); i >= 0; i-- {
			if strings.EqualFold(text[i:i+len(w)], w) {
				return strings.Trim(strings.TrimSpace(text[i+len(w):]), ".!")
			}
		}
	}
	return ""
}

// addClosure closes the provider's space on the days the words give; the
// bookings of those days are cancelled and their people told.
func (b *Bot) addClosure(s *session, id, text string) error {
	first, last, ok := b.closureDays(s, text)
	if !ok {
		s.say(s.T("closures.bad_days"))
		return nil
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	c, cancelled, err := b.db.AddClosure(s.ctx, registry.Person(s.user.ID), registry.Closure{SpaceID: id, First: first, Last: last, Note: closureNote(text)})
	if err != nil {
		if errors.Is(err, registry.ErrInvalid) {
			s.say(s.T("closures.past"))
			return nil
		}
		return b.fail(s, err)
	}
	s.st.Await = nil
	text = s.T("closures.added", "Name", sp.Name, "When", locales.HTML(b.closureText(s, c)))
	if len(cancelled) > 0 {
		text += "\n" + s.l.N("closures.cancelled", len(cancelled))
	}
	s.reply(Reply{Text: text, Buttons: [][]Button{{button(s.T("mine.closures"), kMineEdit, id, partClosures), button(s.T("mine.back"), kMine, id)}}})
	b.tellCancelled(s, &sp, cancelled, "closure", c.Note)
	return nil
}

// closureRemove reopens the days of a closure.
func (b *Bot) closureRemove(s *session, args []string) error {
	if err := b.db.RemoveClosure(s.ctx, registry.Person(s.user.ID), int64(atoi(args[0]))); err != nil {
		return b.fail(s, err)
	}
	s.resp.Notice = s.T("closures.removed")
	s.reply(Reply{Text: s.T("closures.removed"), Edit: true})
	return nil
}

// agendaCommand is /agenda: the bookings of the provider's space for the
// coming days.
func (b *Bot) agendaCommand(s *session, _ string) error {
	id, ok := b.oneSpace(s)
	if !ok {
		return nil
	}
	return b.showAgenda(s, id, 0, false)
}

func (b *Bot) agendaButton(s *session, args []string) error {
	return b.showAgenda(s, args[0], atoi(args[1]), true)
}

// agendaDays is how many days the agenda shows at once.
const agendaDays = 7

// showAgenda lists, day by day from offset days after today, the space's
// bookings (slot, desks, code, first name) and the desks left in each slot.
func (b *Bot) showAgenda(s *session, id string, offset int, edit bool) error {
	offset = max(0, min(offset, 56))
	from := s.today().AddDate(0, 0, offset)
	to := from.AddDate(0, 0, agendaDays-1)
	entries, err := b.db.Agenda(s.ctx, registry.Person(s.user.ID), id, from, to)
	if err != nil {
		return b.fail(s, err)
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return err
	}
	var t strings.Builder
	t.WriteString(s.T("agenda.header", "Name", sp.Name))
	for day := from; !day.After(to); day = day.AddDate(0, 0, 1) {
		var today []registry.AgendaEntry
		for _, e := range entries {
			if e.Day.Equal(day) {
				today = append(today, e)
			}
		}
		left, err := b.db.SlotsLeft(s.ctx, id, day)
		if err != nil {
			return err
		}
		if len(left) == 0 && len(today) == 0 {
			continue
		}
		t.WriteString("\n\n<b>" + esc(dayName(s.l, s.today(), day)) + "</b>")
		if len(left) == 0 {
			t.WriteString("\n" + s.T("agenda.closed"))
		}
		for _, l := range left {
			if l.Slot == registry.FullDay && len(left) > 1 {
				continue // the morning and the afternoon say it
			}
			t.WriteString("\n" + s.l.N("agenda.left", l.Left, "Slot", s.T("slot."+string(l.Slot), "From", clock(l.From), "To", clock(l.To)), "Desks", sp.Desks))
		}
		for _, e := range today {
			what := s.l.N("book.desks", e.Desks)
			if room, ok := sp.Room(e.RoomID); ok {
				what = esc(room.Name)
			}
			name := e.FirstName
			if name == "" {
				name = s.T("notify.someone")
			}
			t.WriteString("\n" + s.T("agenda.line", "From", clock(e.From), "To", clock(e.To), "What", locales.HTML(what), "Code", e.Code, "Who", name))
		}
	}
	events, err := b.eventAgendaText(s, id, from, to)
	if err != nil {
		return err
	}
	if len(entries) == 0 && events == "" {
		t.WriteString("\n\n" + s.T("agenda.empty"))
	}
	t.WriteString(events)
	var nav []Button
	if offset > 0 {
		nav = append(nav, button(s.T("agenda.prev"), kAgenda, id, strconv.Itoa(max(0, offset-agendaDays))))
	}
	nav = append(nav, button(s.T("agenda.next"), kAgenda, id, strconv.Itoa(offset+agendaDays)))
	s.reply(Reply{Text: t.String(), Buttons: rows(nav, []Button{button(s.T("mine.back"), kMine, id)}), Edit: edit})
	return nil
}

// acceptInvitation is the deep link of an invitation: /start inv_<token>.
func (b *Bot) acceptInvitation(s *session, token string) error {
	id, err := b.db.AcceptInvitation(s.ctx, s.user.ID, token)
	if err != nil {
		return b.fail(s, err)
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return err
	}
	if s.roles, err = b.db.Roles(s.ctx, s.user.ID); err != nil {
		return err
	}
	s.reply(Reply{Text: s.T("invite.welcome", "Name", sp.Name), Buttons: [][]Button{{button(s.T("invite.open"), kMine, id)}}})
	return nil
}

// sharedMineLocation takes a location shared for the listing, for review.
func (b *Bot) sharedMineLocation(s *session, p orb.Point) error {
	return b.applyEdit(s, s.st.Await.Space, func(sp *registry.Space) { sp.Location = p })
}
