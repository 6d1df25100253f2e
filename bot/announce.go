package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// The comune's announcements: citizens choose the topics they hear of
// (/avvisi), staff compose an announcement as they want it to appear
// (/annuncio), see it as subscribers will, choose its topic and who it
// reaches, and confirm; the registry writes one delivery per recipient (the
// outbox) and Broadcast drains it through the edge, which paces it.

// subscribe is /avvisi: every topic on, shown as toggles.
func (b *Bot) subscribe(s *session, _ string) error {
	sub, err := b.db.Subscribe(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	s.reply(b.newsPanel(s, sub, false))
	return nil
}

func (b *Bot) subscribeFromText(s *session, _ intent.Request) error { return b.subscribe(s, "") }

// unsubscribe is /stopavvisi: nothing more, at once.
func (b *Bot) unsubscribe(s *session, _ string) error {
	sub, err := b.db.Subscription(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	if !sub.Subscribed() {
		s.say(s.T("news.not_subscribed"))
		return nil
	}
	if err := b.db.Unsubscribe(s.ctx, s.user.ID); err != nil {
		return err
	}
	s.say(s.T("news.unsubscribed"))
	return nil
}

func (b *Bot) unsubscribeFromText(s *session, _ intent.Request) error { return b.unsubscribe(s, "") }

// newsPanel shows a subscription: each topic a toggle, and the narrowing.
func (b *Bot) newsPanel(s *session, sub registry.Subscription, edit bool) Reply {
	var toggles []Button
	for _, t := range registry.Topics {
		label := s.T("topic." + string(t))
		if sub.Topics.Has(t) {
			label = "✅ " + label
		}
		toggles = append(toggles, button(label, kNewsTopic, string(t)))
	}
	narrowed := s.T("news.everything")
	if n := sub.Narrowing; n.Services != 0 || n.Comune != "" {
		var parts []string
		if n.Services != 0 {
			parts = append(parts, s.T("news.only_services", "List", locales.HTML(serviceList(s.l, n.Services))))
		}
		if n.Comune != "" {
			parts = append(parts, s.T("news.only_comune", "Comune", n.Comune))
		}
		narrowed = strings.Join(parts, "; ")
	}
	text := s.T("news.panel", "Narrowed", locales.HTML(narrowed))
	rs := append(chunk(toggles, 1),
		[]Button{button(s.T("news.narrow_services"), kNewsNarrow, "services"), button(s.T("news.narrow_comune"), kNewsNarrow, "comune")},
		[]Button{button(s.T("news.narrow_none"), kNewsNarrow, "none"), button(s.T("news.stop"), kNewsNarrow, "stop")})
	return Reply{Text: text, Buttons: rs, Edit: edit}
}

// newsTopic toggles a topic.
func (b *Bot) newsTopic(s *session, args []string) error {
	t, err := registry.ParseTopic(args[0])
	if err != nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	sub, err := b.db.Subscription(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	if sub, err = b.db.SetTopic(s.ctx, s.user.ID, t, !sub.Topics.Has(t)); err != nil {
		return err
	}
	if !sub.Subscribed() {
		s.reply(Reply{Text: s.T("news.unsubscribed"), Edit: true})
		return nil
	}
	s.reply(b.newsPanel(s, sub, true))
	return nil
}

// newsNarrow narrows a subscription: by services (a picker), by comune
// (typed), not at all; or stops it.
func (b *Bot) newsNarrow(s *session, args []string) error {
	sub, err := b.db.Subscription(s.ctx, s.user.ID)
	if err != nil {
		return err
	}
	switch args[0] {
	case "stop":
		return b.unsubscribe(s, "")
	case "none":
		if !sub.Subscribed() {
			s.resp.Notice = s.T("news.not_subscribed")
			return nil
		}
		if sub, err = b.db.Narrow(s.ctx, s.user.ID, registry.Narrowing{}); err != nil {
			return err
		}
		s.reply(b.newsPanel(s, sub, true))
		return nil
	case "comune":
		s.st.Await = &await{Kind: answerNewsComune}
		s.say(s.T("news.ask_comune"))
		return nil
	case "services":
		s.st.Picker = nil
		for _, svc := range sub.Narrowing.Services.List() {
			s.st.Picker = append(s.st.Picker, string(svc))
		}
		return b.showNewsServices(s, false)
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

func (b *Bot) showNewsServices(s *session, edit bool) error {
	s.reply(Reply{Text: s.T("news.services_text"), Buttons: append(serviceToggles(s, s.st.Picker, kNewsService),
		[]Button{button(s.T("news.services_save"), kNewsService, pickGo)}), Edit: edit})
	return nil
}

// newsService toggles a service of the narrowing, or saves it.
func (b *Bot) newsService(s *session, args []string) error {
	if args[0] == pickGo {
		var set registry.ServiceSet
		for _, c := range s.st.Picker {
			if svc, err := registry.ParseService(c); err == nil {
				set |= registry.SetOf(svc)
			}
		}
		s.st.Picker = nil
		sub, err := b.db.Subscription(s.ctx, s.user.ID)
		if err != nil {
			return err
		}
		if !sub.Subscribed() {
			if sub, err = b.db.Subscribe(s.ctx, s.user.ID); err != nil {
				return err
			}
		}
		n := sub.Narrowing
		n.Services = set
		if sub, err = b.db.Narrow(s.ctx, s.user.ID, n); err != nil {
			return err
		}
		s.reply(b.newsPanel(s, sub, true))
		return nil
	}
	svc, err := registry.ParseService(args[0])
	if err != nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	s.st.Picker = toggle(s.st.Picker, string(svc))
	return b.showNewsServices(s, true)
}

// typedNewsComune takes the comune a subscriber wants to hear of.
func (b *Bot) typedNewsComune(s *session, text string) (bool, error) {
	comune, ok := b.knownComune(s, strings.TrimSpace(text))
	if !ok { // a typo would silently narrow to a comune that never comes
		s.say(s.T("news.unknown_comune", "Text", strings.TrimSpace(text)))
		return true, nil
	}
	s.st.Await = nil
	sub, err := b.db.Subscription(s.ctx, s.user.ID)
	if err != nil {
		return true, err
	}
	n := sub.Narrowing
	n.Comune = comune
	if sub, err = b.db.Narrow(s.ctx, s.user.ID, n); err != nil {
		return true, b.fail(s, err)
	}
	s.reply(b.newsPanel(s, sub, false))
	return true, nil
}

// knownComune is the comune a name gives: a place of the gazetteer, or the
// comune of a space of the list.
func (b *Bot) knownComune(s *session, name string) (string, bool) {
	if p, ok := b.places.Lookup(name); ok {
		return p.Comune, true
	}
	spaces, err := b.db.Spaces(s.ctx, registry.Approved)
	if err != nil {
		return "", false
	}
	for _, sp := range spaces {
		if intent.Normalize(sp.Comune) == intent.Normalize(name) {
			return sp.Comune, true
		}
	}
	return "", false
}

// announcing is an announcement being composed, as the conversation
// remembers it.
type announcing struct {
	ID int64 `json:"id"` // the registry's draft
}

// announceCommand is /annuncio: with words on the same line, they are the
// announcement; without, the next message is.
func (b *Bot) announceCommand(s *session, args string) error {
	if args == "" {
		s.st.Await = &await{Kind: answerAnnounce}
		s.say(s.T("announce.ask"))
		return nil
	}
	html := esc(args)
	if s.in.HTML != "" {
		// The command's own words are not part of it: keep the formatting
		// after them.
		if i := strings.IndexFunc(s.in.HTML, unicode.IsSpace); i > 0 {
			html = strings.TrimSpace(s.in.HTML[i+1:])
		}
	}
	return b.composeAnnouncement(s, registry.Content{Texts: map[string]registry.Rendered{s.lang(): {HTML: html}}})
}

// typedAnnouncement takes the staff member's message as the announcement:
// a copy of it when it carries a photo or a document, its formatted text
// otherwise.
func (b *Bot) typedAnnouncement(s *session, _ string) (bool, error) {
	s.st.Await = nil
	if s.in.Media {
		if s.in.Message.MessageID == 0 {
			s.say(s.T("announce.no_media_here"))
			return true, nil
		}
		return true, b.composeAnnouncement(s, registry.Content{FromChatID: s.in.Message.ChatID, MessageID: s.in.Message.MessageID})
	}
	html := s.in.HTML
	if html == "" {
		html = esc(s.in.Text)
	}
	return true, b.composeAnnouncement(s, registry.Content{Texts: map[string]registry.Rendered{s.lang(): {HTML: html}}})
}

// maxAnnouncement is Telegram's limit on a message's text, and on a
// caption, as Telegram counts them (htmlLen: UTF-16 code units, an emoji
// such as 🎄 two).
const (
	maxAnnouncement = 4096
	maxCaption      = 1024
)

// composeAnnouncement keeps a draft and shows it as subscribers will see
// it, then asks the topic.
func (b *Bot) composeAnnouncement(s *session, c registry.Content) error {
	if !c.IsCopy() {
		for _, r := range c.Texts {
			if n := htmlLen(r.HTML); n > maxAnnouncement || strings.TrimSpace(stripHTML(r.HTML)) == "" {
				s.say(s.T("announce.too_long", "N", n, "Max", maxAnnouncement))
				return nil
			}
		}
	} else if n := htmlLen(s.in.HTML); n > maxCaption {
		s.say(s.T("announce.caption_too_long", "N", n, "Max", maxCaption))
		return nil
	}
	a, err := b.db.Compose(s.ctx, registry.Person(s.user.ID), registry.Draft{Content: c})
	if err != nil {
		return b.fail(s, err)
	}
	s.st.Announcing = &announcing{ID: a.ID}
	s.say(s.T("announce.preview"))
	s.reply(b.announcementReply(a.Content, s.lang()))
	var topics []Button
	for _, t := range registry.Topics {
		topics = append(topics, button(s.T("topic."+string(t)), kAnnTopic, idArg(a.ID), string(t)))
	}
	s.reply(Reply{Text: s.T("announce.ask_topic"), Buttons: append(chunk(topics, 1), []Button{button(s.T("announce.drop"), kAnnDrop, idArg(a.ID))})})
	return nil
}

// announcementReply is an announcement as one subscriber receives it.
func (b *Bot) announcementReply(c registry.Content, lang string) Reply {
	if c.IsCopy() {
		return Reply{Copy: &MessageRef{ChatID: c.FromChatID, MessageID: c.MessageID}}
	}
	r := c.In(lang)
	out := Reply{Text: r.HTML}
	if r.Buttons != "" {
		if err := json.Unmarshal([]byte(r.Buttons), &out.Buttons); err != nil {
			b.log.Error("announcement buttons", "err", err)
			out.Buttons = nil
		}
	}
	return out
}

// annTopic sets the draft's topic and asks whom it reaches.
func (b *Bot) annTopic(s *session, args []string) error {
	id := int64(atoi(args[0]))
	t, err := registry.ParseTopic(args[1])
	if err != nil {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	a, err := b.db.Announcement(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	if _, err := b.db.EditDraft(s.ctx, registry.Person(s.user.ID), id, registry.Draft{Topic: t, Content: a.Content}); err != nil {
		return b.fail(s, err)
	}
	return b.annAskReach(s, id, t, registry.Narrowing{}, true)
}

// annAskReach says how many it reaches, with Send and the narrowings.
func (b *Bot) annAskReach(s *session, id int64, t registry.Topic, n registry.Narrowing, edit bool) error {
	count, err := b.db.Recipients(s.ctx, t, n)
	if err != nil {
		return err
	}
	text := s.T("announce.reach_none", "Topic", s.T("topic."+string(t)))
	if count > 0 {
		text = s.l.N("announce.reach", count, "Topic", s.T("topic."+string(t)))
	}
	if n.Services != 0 {
		text += "\n" + s.T("news.only_services", "List", locales.HTML(serviceList(s.l, n.Services)))
	}
	if n.Comune != "" {
		text += "\n" + s.T("news.only_comune", "Comune", n.Comune)
	}
	var rs [][]Button
	if count > 0 { // nothing to send to nobody
		rs = append(rs, []Button{button(s.l.N("announce.send", count), kAnnSend, idArg(id))})
	}
	rs = append(rs,
		[]Button{button(s.T("announce.narrow_comune"), kAnnNarrow, idArg(id), "comune"), button(s.T("announce.narrow_all"), kAnnNarrow, idArg(id), "none")},
		[]Button{button(s.T("announce.drop"), kAnnDrop, idArg(id))})
	s.reply(Reply{Text: text, Buttons: rs, Edit: edit})
	return nil
}

// annNarrow narrows a draft to a comune (typed) or to everyone.
func (b *Bot) annNarrow(s *session, args []string) error {
	id := int64(atoi(args[0]))
	a, err := b.db.Announcement(s.ctx, id)
	if err != nil {
		return b.fail(s, err)
	}
	switch args[1] {
	case "comune":
		s.st.Await = &await{Kind: answerAnnComune, ID: id}
		s.say(s.T("announce.ask_comune"))
		return nil
	case "none":
		if _, err := b.db.EditDraft(s.ctx, registry.Person(s.user.ID), id, registry.Draft{Topic: a.Topic, Content: a.Content}); err != nil {
			return b.fail(s, err)
		}
		return b.annAskReach(s, id, a.Topic, registry.Narrowing{}, true)
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

func (b *Bot) typedAnnComune(s *session, text string) (bool, error) {
	comune, ok := b.knownComune(s, strings.TrimSpace(text))
	if !ok {
		s.say(s.T("news.unknown_comune", "Text", strings.TrimSpace(text)))
		return true, nil
	}
	id := s.st.Await.ID
	s.st.Await = nil
	a, err := b.db.Announcement(s.ctx, id)
	if err != nil {
		return true, b.fail(s, err)
	}
	n := registry.Narrowing{Comune: comune}
	if _, err := b.db.EditDraft(s.ctx, registry.Person(s.user.ID), id, registry.Draft{Topic: a.Topic, Narrowing: n, Content: a.Content}); err != nil {
		return true, b.fail(s, err)
	}
	return true, b.annAskReach(s, id, a.Topic, n, false)
}

// annSend confirms the draft: the registry writes one delivery per
// recipient, and the progress message follows it.
func (b *Bot) annSend(s *session, args []string) error {
	a, err := b.db.Confirm(s.ctx, registry.Person(s.user.ID), int64(atoi(args[0])))
	if err != nil {
		return b.fail(s, err)
	}
	s.st.Announcing = nil
	s.resp.Notice = s.T("announce.sent_notice")
	s.reply(Reply{Text: b.progressText(s.l, a), Buttons: b.progressButtons(s.l, a), Edit: true})
	s.resp.Progress = a.ID
	return nil
}

// annDrop drops a draft.
func (b *Bot) annDrop(s *session, args []string) error {
	if err := b.db.DropDraft(s.ctx, registry.Person(s.user.ID), int64(atoi(args[0]))); err != nil {
		return b.fail(s, err)
	}
	s.st.Announcing = nil
	s.reply(Reply{Text: s.T("announce.dropped"), Edit: true})
	return nil
}

// annStop stops a running announcement.
func (b *Bot) annStop(s *session, args []string) error {
	a, err := b.db.StopAnnouncement(s.ctx, registry.Person(s.user.ID), int64(atoi(args[0])))
	if err != nil {
		return b.fail(s, err)
	}
	s.resp.Notice = s.T("announce.stopped")
	s.reply(Reply{Text: b.progressText(s.l, a), Edit: true})
	return nil
}

// announcementsCommand is /annunci: the latest announcements with their
// delivery report, each running one with Stop.
func (b *Bot) announcementsCommand(s *session, _ string) error {
	list, err := b.db.Announcements(s.ctx, 10)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		s.say(s.T("announce.none"))
		return nil
	}
	for _, a := range list {
		if a.Status == registry.AnnouncementDraft {
			continue
		}
		s.reply(Reply{Text: b.progressText(s.l, a), Buttons: b.progressButtons(s.l, a)})
	}
	return nil
}

// progressText is an announcement's delivery report.
func (b *Bot) progressText(l *locales.Localizer, a registry.Announcement) string {
	c := a.Counts
	key := "announce.progress"
	switch a.Status {
	case registry.AnnouncementDone:
		key = "announce.done"
	case registry.AnnouncementStopped:
		key = "announce.stopped_report"
	}
	when := ""
	if !a.Sent.IsZero() {
		when = a.Sent.Format("02/01 15:04")
	}
	return l.T(key, "Topic", l.T("topic."+string(a.Topic)), "When", when, "Total", c.Total, "Sent", c.Sent,
		"Failed", c.Failed, "Blocked", c.Blocked+c.Gone, "Left", c.Left(), "Skipped", c.Skipped+c.Stopped)
}

func (b *Bot) progressButtons(l *locales.Localizer, a registry.Announcement) [][]Button {
	if a.Status != registry.AnnouncementSending {
		return nil
	}
	return [][]Button{{button(l.T("announce.stop"), kAnnStop, idArg(a.ID))}}
}

// announceSpace tells the subscribers of new spaces (narrowed by its
// services and comune) that a space has joined the list.
func (b *Bot) announceSpace(s *session, spaceID string) {
	sp, err := b.db.Space(s.ctx, spaceID)
	if err != nil {
		b.log.Error("announce a space", "space", spaceID, "err", err)
		return
	}
	c := registry.Content{Texts: map[string]registry.Rendered{}}
	for _, lang := range locales.Languages {
		l := b.texts.For(lang)
		c.Texts[lang] = registry.Rendered{
			HTML:    l.T("announce.new_space", "Name", sp.Name, "Comune", sp.Comune, "Services", locales.HTML(serviceList(l, sp.Services))),
			Buttons: encodeButtons([][]Button{{button(l.T("announce.open_space"), kDetails, sp.ID)}}),
		}
	}
	if _, err := b.db.AnnounceSpace(s.ctx, registry.Person(s.user.ID), sp.ID, c); err != nil {
		b.log.Error("announce a space", "space", spaceID, "err", err)
	}
}

// Delivery errors an edge reports, by kind.
var (
	ErrRecipientBlocked = errors.New("the recipient blocked the bot")
	ErrRecipientGone    = errors.New("the recipient's chat does not exist")
)

// RetryLater is a delivery that failed for now (a flood limit, an outage).
type RetryLater struct {
	After time.Duration // 0: the registry's backoff
	Err   error
}

func (r *RetryLater) Error() string { return fmt.Sprintf("retry later (%v): %v", r.After, r.Err) }
func (r *RetryLater) Unwrap() error { return r.Err }

// BroadcastResult is what one Broadcast did.
type BroadcastResult struct {
	Delivered int
	Finished  []registry.Announcement // announcements whose last delivery this was
	Active    []int64                 // announcements it delivered for, still sending
}

// Broadcast drains up to max due deliveries of the announcements' outbox:
// deliver sends one reply to one person (returning the message's id, or an
// error: ErrRecipientBlocked, ErrRecipientGone, a *RetryLater, or the
// context's when stopping) and Broadcast records each outcome. A crash
// between a delivery and its record sends it again at most once: the
// registry leases what it hands out for lease, and a lease that ran out is
// claimed again.
func (b *Bot) Broadcast(ctx context.Context, max int, lease time.Duration, deliver func(context.Context, int64, Reply) (int64, error)) (BroadcastResult, error) {
	var res BroadcastResult
	ds, err := b.db.ClaimDeliveries(ctx, max, lease)
	if err != nil || len(ds) == 0 {
		return res, err
	}
	outcomes := make([]registry.Outcome, 0, len(ds))
	active := map[int64]bool{}
	for i, d := range ds {
		if ctx.Err() != nil {
			for _, rest := range ds[i:] {
				outcomes = append(outcomes, registry.Outcome{DeliveryID: rest.ID, Attempt: rest.Attempt, Result: registry.DeliveryUnsent})
			}
			break
		}
		msgID, err := deliver(ctx, d.UserID, b.announcementReply(d.Content, d.Lang))
		o := registry.Outcome{DeliveryID: d.ID, Attempt: d.Attempt, Result: registry.DeliverySent, MessageID: msgID}
		var later *RetryLater
		switch {
		case err == nil:
			res.Delivered++
		case errors.Is(err, ErrRecipientBlocked):
			o.Result, o.Error = registry.DeliveryBlocked, err.Error()
		case errors.Is(err, ErrRecipientGone):
			o.Result, o.Error = registry.DeliveryGone, err.Error()
		case errors.As(err, &later):
			o.Result, o.Error, o.RetryAfter = registry.DeliveryFailed, err.Error(), later.After
		case ctx.Err() != nil:
			o.Result = registry.DeliveryUnsent
		default:
			o.Result, o.Error = registry.DeliveryFailed, err.Error()
		}
		outcomes = append(outcomes, o)
		active[d.AnnouncementID] = true
	}
	finished, err := b.db.ReportDeliveries(context.WithoutCancel(ctx), outcomes...)
	if err != nil {
		return res, err
	}
	for _, id := range finished {
		a, err := b.db.Announcement(ctx, id)
		if err != nil {
			return res, err
		}
		res.Finished = append(res.Finished, a)
		delete(active, id)
	}
	for id := range active {
		res.Active = append(res.Active, id)
	}
	slices.Sort(res.Active)
	return res, nil
}

// Progress is the delivery report of an announcement as its sender reads
// it, for the edge to show (edit the progress message, or send it).
func (b *Bot) Progress(ctx context.Context, id int64) (Outgoing, registry.Announcement, error) {
	a, err := b.db.Announcement(ctx, id)
	if err != nil {
		return Outgoing{}, a, err
	}
	if a.Sender.Operator || a.Sender.UserID == 0 {
		return Outgoing{}, a, nil // an automatic one, or the command line: nobody to tell
	}
	o, err := b.sessionFor(ctx, a.Sender.UserID)
	if err != nil {
		return Outgoing{}, a, err
	}
	return Outgoing{UserID: a.Sender.UserID, Reply: Reply{Text: b.progressText(o.l, a), Buttons: b.progressButtons(o.l, a)}}, a, nil
}
