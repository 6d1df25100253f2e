package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// What the comune keeps about people, and how they see and erase it
// (issue 15): the information notice (/privacy), everything kept about the
// person as a file (/imieidati), their erasure (/cancellami), and the
// purge of what is kept too long, on the ticker.

// Privacy is what the information notice names, from the server's
// configuration. An empty field reads as the notice's default wording
// (which sends people to the comune's website).
type Privacy struct {
	Contact string // how to reach the controller, the Comune di Seregno: an address, a PEC, an e-mail
	DPO     string // how to reach its data protection officer (RPD)
	Channel string // the comune's other channel, for whoever would rather not use Telegram
	// Dir holds the comune's own notice, if it has one: a file per
	// language, privacy.it.html and privacy.en.html, in Telegram's HTML
	// (b, i, u, s, a href, code, pre, blockquote), which may use
	// {{.Contact}}, {{.DPO}}, {{.Channel}}, {{.LocationFor}}, {{.StateFor}}
	// and {{.BookingsFor}}. A language without a file gets the default
	// notice of locales/.
	Dir string
}

// notice is the information notice as configured.
type notice struct {
	cfg   Privacy
	files map[string]*template.Template // the comune's own, by language
}

// loadNotice reads the comune's own notices, if any, and checks that
// Telegram will take them.
func loadNotice(cfg Privacy) (*notice, error) {
	n := &notice{cfg: cfg, files: map[string]*template.Template{}}
	if cfg.Dir == "" {
		return n, nil
	}
	if st, err := os.Stat(cfg.Dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("privacy notice: %s is not a directory", cfg.Dir)
	}
	for _, lang := range locales.Languages {
		path := filepath.Join(cfg.Dir, "privacy."+lang+".html")
		raw, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("privacy notice: %w", err)
		}
		t, err := template.New(path).Option("missingkey=error").Parse(string(raw))
		if err != nil {
			return nil, fmt.Errorf("privacy notice %s: %w", path, err)
		}
		var out bytes.Buffer
		if err := t.Execute(&out, noticeData{}); err != nil {
			return nil, fmt.Errorf("privacy notice %s: %w", path, err)
		}
		if strings.TrimSpace(out.String()) == "" {
			return nil, fmt.Errorf("privacy notice %s is empty", path)
		}
		if err := checkTelegramHTML(out.String()); err != nil {
			return nil, fmt.Errorf("privacy notice %s: %w", path, err)
		}
		n.files[lang] = t
	}
	return n, nil
}

// noticeData fills a notice: every value is HTML already.
type noticeData struct {
	Contact, DPO, Channel              string
	LocationFor, StateFor, BookingsFor string
}

var (
	htmlTag      = regexp.MustCompile(`<(/?)([a-zA-Z-]+)([^>]*)>`)
	telegramTags = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
		"strike": true, "del": true, "a": true, "code": true, "pre": true, "blockquote": true, "tg-spoiler": true, "span": true}
)

// checkTelegramHTML refuses markup Telegram would refuse: a tag it does not
// know, or tags that do not close in order.
func checkTelegramHTML(s string) error {
	var open []string
	for _, m := range htmlTag.FindAllStringSubmatch(s, -1) {
		name := strings.ToLower(m[2])
		if !telegramTags[name] {
			return fmt.Errorf("Telegram does not take the tag <%s>", m[2])
		}
		if m[1] == "" {
			open = append(open, name)
			continue
		}
		if len(open) == 0 || open[len(open)-1] != name {
			return fmt.Errorf("</%s> closes no open <%s>", m[2], m[2])
		}
		open = open[:len(open)-1]
	}
	if len(open) > 0 {
		return fmt.Errorf("<%s> is never closed", open[len(open)-1])
	}
	return nil
}

// noticeText is the information notice in the session's language.
func (b *Bot) noticeText(s *session) string {
	r := b.retention
	orUnset := func(v, unset string) string {
		if strings.TrimSpace(v) == "" {
			return s.T(unset)
		}
		return html.EscapeString(v)
	}
	state := s.T("privacy.a_day")
	if r.State != 24*time.Hour {
		state = s.l.N("privacy.hours", int(r.State.Hours()))
	}
	data := noticeData{
		Contact:     orUnset(b.notice.cfg.Contact, "privacy.contact_unset"),
		DPO:         orUnset(b.notice.cfg.DPO, "privacy.dpo_unset"),
		Channel:     orUnset(b.notice.cfg.Channel, "privacy.channel_unset"),
		LocationFor: s.l.N("privacy.hours", max(1, int(r.Location.Hours()))),
		StateFor:    state,
		BookingsFor: s.l.N("privacy.months", r.BookingMonths),
	}
	if t, ok := b.notice.files[s.lang()]; ok {
		var out strings.Builder
		if err := t.Execute(&out, data); err == nil {
			return out.String()
		}
	}
	return s.T("privacy.notice", "Contact", locales.HTML(data.Contact), "DPO", locales.HTML(data.DPO), "Channel", locales.HTML(data.Channel),
		"LocationFor", locales.HTML(data.LocationFor), "StateFor", locales.HTML(data.StateFor), "BookingsFor", locales.HTML(data.BookingsFor))
}

// privacy is /privacy: the notice, with the two rights the chat serves at
// once.
func (b *Bot) privacy(s *session, _ string) error {
	s.reply(Reply{Text: b.noticeText(s), Buttons: [][]Button{
		{button(s.T("privacy.button_mydata"), kPrivacy, "data")},
		{button(s.T("privacy.button_deleteme"), kPrivacy, "erase")},
	}})
	return nil
}

func (b *Bot) privacyFromText(s *session, _ intent.Request) error  { return b.privacy(s, "") }
func (b *Bot) myDataFromText(s *session, _ intent.Request) error   { return b.myData(s, "") }
func (b *Bot) deleteMeFromText(s *session, _ intent.Request) error { return b.deleteMe(s, "") }

// privacyButton is a button of the notice, or the "keep my data" of the
// erasure's question.
func (b *Bot) privacyButton(s *session, args []string) error {
	switch args[0] {
	case "data":
		return b.myData(s, "")
	case "erase":
		return b.deleteMe(s, "")
	case "keep":
		s.reply(Reply{Text: s.T("deleteme.kept"), Edit: true})
	}
	return nil
}

// oneRow are the tables that hold one row of a person at most: their
// summary line counts nothing.
var oneRow = map[string]bool{"users": true, "reminder_prefs": true, "subscriptions": true}

// tableMessage is the summary's line for a table of the person's data,
// aboutMessage what the table holds, for the file.
func tableMessage(table string) string { return "mydata.table." + table }
func aboutMessage(table string) string { return "mydata.about." + table }

// myData is /imieidati: a short summary, and everything kept as a JSON
// file.
func (b *Bot) myData(s *session, _ string) error {
	data, err := b.db.ExportPerson(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	data.Note = stripHTML(s.T("mydata.note"))
	for i, t := range data.Tables {
		data.Tables[i].About = stripHTML(s.T(aboutMessage(t.Table)))
	}
	doc, err := data.JSON()
	if err != nil {
		return err
	}
	var lines []string
	for _, t := range data.Tables {
		id := tableMessage(t.Table)
		switch n := len(t.Rows); {
		case n == 0:
		case oneRow[t.Table]:
			lines = append(lines, s.T(id))
		default:
			lines = append(lines, s.l.N(id, n))
		}
	}
	text := s.T("mydata.nothing")
	if len(lines) > 0 {
		text = s.T("mydata.summary", "Lines", locales.HTML(strings.Join(lines, "\n")))
	}
	s.reply(Reply{Text: text})
	s.reply(Reply{Text: s.T("mydata.caption"), Document: &Document{
		Name: s.T("mydata.file", "Day", s.now.Format(time.DateOnly)), Bytes: doc, MIME: "application/json"}})
	return nil
}

// eraseAskFor is how long the erasure's question can be answered.
const eraseAskFor = 15 * time.Minute

// deleteMe is /cancellami: it says what erasing will do, and asks.
func (b *Bot) deleteMe(s *session, _ string) error {
	if s.roles.Staff {
		staff, err := b.db.StaffIDs(s.ctx)
		if err != nil {
			return err
		}
		if len(staff) <= 1 {
			s.say(s.T("deleteme.last_staff"))
			return nil
		}
	}
	bks, err := b.db.Bookings(s.ctx, s.user.ID, s.now)
	if err != nil {
		return err
	}
	waits, err := b.db.Waitlist(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	var what []string
	if len(bks) > 0 {
		what = append(what, s.l.N("deleteme.bookings", len(bks)))
	}
	signups, err := b.db.Signups(s.ctx, s.user.ID, s.now)
	if err != nil {
		return err
	}
	if len(signups) > 0 {
		what = append(what, s.l.N("deleteme.signups", len(signups)))
	}
	eventWaits, err := b.db.EventWaitlist(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	if n := len(waits) + len(eventWaits); n > 0 {
		what = append(what, s.l.N("deleteme.waits", n))
	}
	if s.user.Subscribed {
		what = append(what, s.T("deleteme.subscription"))
	}
	if len(s.roles.Spaces) > 0 {
		var names []string
		for _, id := range s.roles.Spaces {
			if sp, err := b.db.Space(s.ctx, id); err == nil {
				names = append(names, sp.Name)
			}
		}
		what = append(what, s.l.N("deleteme.spaces", len(s.roles.Spaces), "Names", strings.Join(names, ", ")))
	}
	if s.roles.Staff {
		what = append(what, s.T("deleteme.staff"))
	}
	more := ""
	if len(what) > 0 {
		more = "\n\n" + strings.Join(what, "\n")
	}
	s.reply(Reply{Text: s.T("deleteme.confirm", "What", locales.HTML(more)), Buttons: [][]Button{
		{button(s.T("deleteme.yes"), kErase, strconv.FormatInt(s.now.Unix(), 10))},
		{button(s.T("deleteme.no"), kPrivacy, "keep")},
	}})
	return nil
}

// eraseButton erases the person, once they said yes (a yes older than
// eraseAskFor asks again): their upcoming bookings' providers are told
// (without their name) and the places freed are offered to the next in
// line, as for any cancellation.
func (b *Bot) eraseButton(s *session, args []string) error {
	asked, _ := strconv.ParseInt(args[0], 10, 64)
	if age := s.now.Unix() - asked; age < -60 || age > int64(eraseAskFor/time.Second) {
		s.reply(Reply{Text: s.T("deleteme.expired"), Edit: true})
		return nil
	}
	er, err := b.db.Erase(s.ctx, s.user.ID)
	if errors.Is(err, registry.ErrLastStaff) {
		s.reply(Reply{Text: s.T("deleteme.last_staff"), Edit: true})
		return nil
	}
	if err != nil {
		return err
	}
	s.erased = true
	b.log.Info("erased a person at their request", "cancelled", len(er.Cancelled), "offers", len(er.Offers))
	for _, bk := range er.Cancelled {
		sp, err := b.db.Space(s.ctx, bk.SpaceID)
		if err != nil {
			b.log.Error("space of a booking cancelled by an erasure", "space", bk.SpaceID, "err", err)
			continue
		}
		ids, err := b.db.Notified(s.ctx, sp.ID)
		if err != nil {
			b.log.Error("providers to notify", "space", sp.ID, "err", err)
			continue
		}
		b.tellAll(s, ids, func(o *session) Reply {
			return Reply{Text: o.T("notify.cancelled_erased", "What", locales.HTML(b.bookingText(o, &sp, bk)), "Code", bk.Code),
				Buttons: [][]Button{{button(o.T("notify.mute"), kMineMute, sp.ID)}}}
		})
	}
	s.resp.Others = append(s.resp.Others, b.offerMessages(s, er.Offers)...)
	s.resp.Others = append(s.resp.Others, b.eventOfferMessages(s, er.EventOffers)...)
	s.resp.Notice = s.T("deleteme.done_notice")
	cancelled := ""
	if n := len(er.Cancelled); n > 0 {
		cancelled = s.l.N("deleteme.done_cancelled", n)
	}
	if n := len(er.Signups); n > 0 {
		cancelled += s.l.N("deleteme.done_signups", n)
	}
	s.reply(Reply{Text: s.T("deleteme.done", "Cancelled", locales.HTML(cancelled)), Edit: true})
	return nil
}

// purge forgets what is kept too long (registry.Purge), from Tick.
func (b *Bot) purge(ctx context.Context) error {
	p, err := b.db.Purge(ctx, b.retention, false)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	if !p.Zero() {
		b.log.Info("purged", "locations", p.Locations, "states", p.States, "bookings", p.Bookings, "signups", p.Signups,
			"wait_entries", p.WaitEntries, "mail", p.Mail, "deliveries", p.Deliveries)
	}
	return nil
}

// textAttr is a message's text as the log shows it: not at all, unless
// Config.LogText asks for it.
func (b *Bot) textAttr(text string) slog.Attr {
	if !b.logText || text == "" {
		return slog.Attr{}
	}
	return slog.String("text", text)
}
