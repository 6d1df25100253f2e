package bot

import (
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/bot/intent"
	"github.com/comune-seregno/coworkbot/locales"
)

// start greets the user and offers the main paths; a deep link's payload
// (/start space_officina-brianza) opens what it names instead.
func (b *Bot) start(s *session, payload string) error {
	if payload != "" {
		if done, err := b.startPayload(s, payload); done || err != nil {
			return err
		}
	}
	hello := s.T("start.hello_anon")
	if s.user.FirstName != "" {
		hello = s.T("start.hello", "Name", s.user.FirstName)
	}
	s.reply(Reply{Text: hello, Keyboard: b.locationKeyboard(s)})
	menu := Reply{Text: s.T("start.what"), Buttons: b.mainMenu(s)}
	if !s.st.NewsOffered {
		// Once, without insisting: the comune's announcements.
		s.st.NewsOffered = true
		if sub, err := b.db.Subscription(s.ctx, s.user.ID); err == nil && !sub.Subscribed() {
			menu.Text += "\n\n" + s.T("news.offer")
			menu.Buttons = append(menu.Buttons, []Button{button(s.T("news.offer_yes"), kMenu, menuNews)})
		}
	}
	s.reply(menu)
	return nil
}

// The items of the main menu.
const (
	menuServices = "svc"
	menuNearby   = "loc"
	menuBookings = "book"
	menuHelp     = "help"
	menuNews     = "news"
)

func (b *Bot) mainMenu(s *session) [][]Button {
	return [][]Button{
		{button(s.T("menu.services"), kMenu, menuServices), button(s.T("menu.nearby"), kMenu, menuNearby)},
		{b.bookingsButton(s), button(s.T("menu.help"), kMenu, menuHelp)},
	}
}

// bookingsButton opens the user's bookings.
func (b *Bot) bookingsButton(s *session) Button {
	return button(s.T("menu.bookings"), kMenu, menuBookings)
}

// locationKeyboard is the reply keyboard with the share-my-location button.
func (b *Bot) locationKeyboard(s *session) [][]KeyButton {
	return [][]KeyButton{{{Label: s.T("keyboard.location"), RequestLocation: true}}}
}

// menu answers the buttons of the /start menu.
func (b *Bot) menu(s *session, args []string) error {
	switch args[0] {
	case menuServices:
		return b.showPicker(s, "")
	case menuNearby:
		return b.askLocation(s, "")
	case menuBookings:
		return b.myBookings(s, "")
	case menuHelp:
		return b.help(s, "")
	case menuNews:
		return b.subscribe(s, "")
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

// help says what the bot understands, with examples.
func (b *Bot) help(s *session, _ string) error {
	s.reply(Reply{Text: s.T("help.text"), Buttons: b.mainMenu(s)})
	return nil
}

func (b *Bot) helpFromText(s *session, _ intent.Request) error { return b.help(s, "") }

// language switches the language named in args, or offers the choice.
func (b *Bot) language(s *session, args string) error {
	if l := locales.Match(languageName(args)); l != "" {
		return b.setLanguage(s, l)
	}
	var row []Button
	for _, l := range locales.Languages { // each language named in itself
		row = append(row, button(b.texts.For(l).T("language.name"), kLanguage, l))
	}
	s.reply(Reply{Text: s.T("language.choose"), Buttons: [][]Button{row}})
	return nil
}

func (b *Bot) languageFromText(s *session, r intent.Request) error {
	if r.TargetLang != "" {
		return b.setLanguage(s, r.TargetLang)
	}
	return b.language(s, "")
}

func (b *Bot) languageButton(s *session, args []string) error { return b.setLanguage(s, args[0]) }

// languageName maps "inglese", "english", "it"... to a language code.
func languageName(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "it", "ita", "italiano", "italian":
		return "it"
	case "en", "eng", "inglese", "english":
		return "en"
	}
	return ""
}

// setLanguage remembers the user's language and answers in it.
func (b *Bot) setLanguage(s *session, lang string) error {
	if locales.Match(lang) == "" {
		s.resp.Notice = s.T("error.old_button")
		return nil
	}
	s.user.Lang = lang
	s.l = b.texts.For(lang)
	s.reply(Reply{Text: s.T("language.set"), Keyboard: b.locationKeyboard(s)})
	s.reply(Reply{Text: s.T("start.what"), Buttons: b.mainMenu(s)})
	return nil
}

// askLocation asks the user to share where they are.
func (b *Bot) askLocation(s *session, _ string) error {
	s.st.LocationFor = true
	s.reply(Reply{Text: s.T("location.ask"), Keyboard: b.locationKeyboard(s)})
	return nil
}

// onLocation remembers a shared location and searches around it, keeping the
// filters of a search that was waiting for it.
func (b *Bot) onLocation(s *session) error {
	p := *s.in.Location
	s.user.Location, s.user.LocatedAt = &p, s.now
	q := searchState{}
	if s.st.LocationFor && s.st.Search != nil {
		q = *s.st.Search
	}
	s.st.LocationFor = false
	q.Point, q.PointKind, q.PlaceID, q.Offset = [2]float64{p.Lon(), p.Lat()}, pointShared, "", 0
	if place, d := b.near.Nearest(p); d < 30_000 {
		s.say(s.T("location.thanks", "Place", place.Name))
	}
	return b.runSearch(s, q, false)
}

// greeting answers a hello.
func (b *Bot) greeting(s *session, _ intent.Request) error {
	greet := "greet.day"
	if h := s.now.Hour(); h >= 18 || h < 5 {
		greet = "greet.evening"
	}
	text := s.T(greet + "_anon")
	if s.user.FirstName != "" {
		text = s.T(greet, "Name", s.user.FirstName)
	}
	s.reply(Reply{Text: text + "\n" + s.T("start.what"), Buttons: b.mainMenu(s)})
	return nil
}

// thanks answers a thank-you.
func (b *Bot) thanks(s *session, _ intent.Request) error {
	s.say(s.T("thanks"))
	return nil
}

// today is the start of the session's day.
func (s *session) today() time.Time {
	y, m, d := s.now.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.now.Location())
}
