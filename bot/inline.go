package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// This file answers outside a person's conversation: an inline query
// ("@bot fibra Desio" typed in any chat) and a command addressed to the bot
// in a group. Both find spaces with the same understanding and the same
// search as a message in the private chat, but read and keep no one's
// state, and answer with links to the private chat rather than buttons: a
// booking, a location or anything else personal never goes into a group.

// SpaceHit is a space found outside a conversation, as a result shows it.
type SpaceHit struct {
	ID       string
	Name     string
	Comune   string
	Services string // the services, in words with their emoji
	Card     string // the space's card (HTML), posted when the result is chosen
	Link     string // the deep link that opens the space in the private chat ("" without a username)
	Open     string // the button's label that follows Link
}

// maxHits is the most spaces an inline answer or a group's list shows.
const maxHits = 10

// FindSpaces finds the spaces a query in words asks for (services, a place,
// a space's name: "fibra a Desio", "Officina Brianza"), nearest the place
// or the comune's centre, in the client's language; an empty query lists
// those nearest the centre.
func (b *Bot) FindSpaces(ctx context.Context, clientLang, query string) ([]SpaceHit, error) {
	s := b.outsideSession(ctx, clientLang)
	q, named, err := b.understandQuery(s, query)
	if err != nil {
		return nil, err
	}
	rq := q.query(s.now)
	rq.Limit = maxHits
	rs, err := b.db.Search(ctx, rq)
	if err != nil {
		return nil, err
	}
	var spaces []*registry.Space
	for _, id := range named { // a space named comes first
		if sp, err := b.db.Space(ctx, id); err == nil && sp.Status == registry.Approved {
			spaces = append(spaces, &sp)
		}
	}
	for _, r := range rs {
		if !slices.ContainsFunc(spaces, func(sp *registry.Space) bool { return sp.ID == r.Space.ID }) {
			spaces = append(spaces, r.Space)
		}
	}
	out := make([]SpaceHit, 0, min(len(spaces), maxHits))
	for _, sp := range spaces[:min(len(spaces), maxHits)] {
		h := SpaceHit{ID: sp.ID, Name: sp.Name, Comune: sp.Comune, Services: stripHTML(serviceList(s.l, sp.Services)),
			Card: b.detailsText(s, sp), Open: plainLabel(s.T("inline.open"))}
		if b.username != "" {
			h.Link = SpaceLink(b.username, sp.ID)
		}
		out = append(out, h)
	}
	return out, nil
}

// outsideSession is a session of no one: for the texts, the clock and the
// understanding of words, with an empty state.
func (b *Bot) outsideSession(ctx context.Context, clientLang string) *session {
	return &session{ctx: ctx, l: b.localizer(locales.Match(clientLang)), fixed: &b.fixed, now: b.now().In(registry.Rome)}
}

// understandQuery reads a query as free text is read and returns the search
// it asks for and the spaces it names.
func (b *Bot) understandQuery(s *session, query string) (searchState, []string, error) {
	q := searchState{PointKind: pointCentre, Point: [2]float64{b.centre.Point.Lon(), b.centre.Point.Lat()}}
	if strings.TrimSpace(query) == "" {
		return q, nil, nil
	}
	p, err := b.parser(s)
	if err != nil {
		return q, nil, err
	}
	r := p.Parse(query, s.lang(), s.now, intent.Context{})
	q.Services = append(q.Services, r.Services...)
	slices.Sort(q.Services)
	if r.Quantity > 0 {
		q.Desks = r.Quantity
	}
	if place, ok := b.places.ByID(r.Place); r.Place != "" && ok {
		q.PlaceID, q.PointKind, q.Point = place.ID, pointPlace, [2]float64{place.Point.Lon(), place.Point.Lat()}
	}
	named := r.Candidates
	if r.Space != "" {
		named = []string{r.Space}
	}
	return q, named, nil
}

// The commands a group may use: everything else is personal, and is
// answered with a pointer to the private chat.
var groupCommands = []string{"start", "search", "help"}

// GroupCommands is the command menu of groups in a language.
func (b *Bot) GroupCommands(lang string) []MenuCommand {
	l := b.localizer(lang)
	var out []MenuCommand
	for _, c := range commands {
		if slices.Contains(groupCommands, c.en) && c.en != "start" {
			name := c.it
			if l.Lang == "en" {
				name = c.en
			}
			out = append(out, MenuCommand{Command: name, Description: l.T("cmd." + c.en)})
		}
	}
	return out
}

// GroupWelcome is the one message the bot posts when it is added to a
// group: what it can do there.
func (b *Bot) GroupWelcome(clientLang string) Reply {
	s := b.outsideSession(context.Background(), clientLang)
	return Reply{Text: s.T("group.welcome", "Bot", "@"+b.username, "Search", b.commandName(s, "search")+"@"+b.username),
		Buttons: b.privateButton(s)}
}

// Group answers a command addressed to the bot in a group: what it can do
// there (start, help), the spaces a search finds, each a link to its card
// in the private chat, or, for anything else, a pointer to the private
// chat. It reads and changes no one's conversation.
func (b *Bot) Group(ctx context.Context, clientLang, command, args string) (Reply, bool) {
	s := b.outsideSession(ctx, clientLang)
	var c *commandRoute
	for i := range commands {
		if command == commands[i].it || command == commands[i].en {
			c = &commands[i]
		}
	}
	switch {
	case c == nil:
		return Reply{}, false // not ours: another bot's, or a typo, which a group need not hear about
	case c.en == "search" && strings.TrimSpace(args) != "":
		return b.groupSearch(s, args), true
	case c.en == "start", c.en == "help", c.en == "search":
		return b.GroupWelcome(clientLang), true
	}
	return Reply{Text: s.T("group.private"), Buttons: b.privateButton(s)}, true
}

// groupSearch lists the spaces a search in a group finds, with links.
func (b *Bot) groupSearch(s *session, query string) Reply {
	hits, err := b.FindSpaces(s.ctx, s.lang(), query)
	q, _, _ := b.understandQuery(s, query)
	what := b.describe(s, &q)
	if err != nil {
		b.log.Error("group search", "query", query, "err", err)
		return Reply{Text: s.T("error.generic")}
	}
	if len(hits) == 0 {
		return Reply{Text: s.T("group.none", "What", locales.HTML(what)), Buttons: b.privateButton(s)}
	}
	var t strings.Builder
	t.WriteString(s.T("results.header", "What", locales.HTML(what)))
	var links []Button
	for i, h := range hits[:min(len(hits), pageSize)] {
		fmt.Fprintf(&t, "\n%d. <b>%s</b> — %s", i+1, esc(h.Name), esc(h.Comune))
		if h.Link != "" {
			links = append(links, Button{Label: fmt.Sprintf("%d · %s", i+1, h.Name), URL: h.Link})
		}
	}
	return Reply{Text: t.String(), Buttons: chunk(links, 1)}
}

// privateButton opens the private chat with the bot.
func (b *Bot) privateButton(s *session) [][]Button {
	if b.username == "" {
		return nil
	}
	return [][]Button{{{Label: plainLabel(s.T("group.open_private")), URL: "https://t.me/" + b.username}}}
}

// commandName is a command as typed in the session's language: "/cerca".
func (b *Bot) commandName(s *session, en string) string {
	for _, c := range commands {
		if c.en == en {
			if s.lang() == "en" {
				return "/" + c.en
			}
			return "/" + c.it
		}
	}
	return "/" + en
}

// MenuFor returns the command menu of a person with roles in a language:
// the citizens' commands, then those of a space's provider and of the
// comune's staff that they may use (for setMyCommands in their own chat).
func (b *Bot) MenuFor(lang string, roles registry.Roles) []MenuCommand {
	l := b.localizer(lang)
	s := &session{l: l, roles: roles}
	var out []MenuCommand
	for _, c := range commands {
		if !c.menu || !s.may(c.who, "") {
			continue
		}
		name := c.it
		if l.Lang == "en" {
			name = c.en
		}
		out = append(out, MenuCommand{Command: name, Description: l.T("cmd." + c.en)})
	}
	return out
}

// ProfileTexts are the bot's description (shown in an empty chat, at most
// 512 characters) and short description (its profile, at most 120) in a
// language.
func (b *Bot) ProfileTexts(lang string) (description, short string) {
	l := b.localizer(lang)
	return stripHTML(l.T("profile.description")), stripHTML(l.T("profile.short"))
}
