package bot

import (
	"strings"
)

// handler answers one request within a session.
type handler func(b *Bot, s *session, arg string) error

// commandRoute is a command with its Italian and English names; both work in
// either language.
type commandRoute struct {
	it, en string
	h      handler
	menu   bool // listed in the command menu (setMyCommands)
}

// The whole surface of the bot, top to bottom: every command, every button
// prefix and every kind of message.
var (
	commands = []commandRoute{
		{"start", "start", (*Bot).start, true},
		{"cerca", "search", (*Bot).searchCommand, true},
		{"servizi", "services", (*Bot).showPicker, true},
		{"vicino", "nearby", (*Bot).askLocation, true},
		{"prenota", "book", (*Bot).bookCommand, true},
		{"prenotazioni", "bookings", (*Bot).myBookings, true},
		{"avvisi", "news", (*Bot).subscribe, true},
		{"stopavvisi", "stopnews", (*Bot).unsubscribe, true},
		{"promemoria", "reminders", (*Bot).reminders, true},
		{"lingua", "language", (*Bot).language, true},
		{"aiuto", "help", (*Bot).help, true},
		{"annulla", "cancel", (*Bot).cancelCommand, false},
	}

	// callbacks route a pressed button by the prefix of its data, before ":".
	callbacks = map[string]handler{
		"m":  (*Bot).menu,        // m:svc, m:book, m:help, m:loc: the /start menu
		"l":  (*Bot).setLanguage, // l:it, l:en
		"f":  (*Bot).pickService, // f:<code> toggles, f:go searches, f:clr clears
		"p":  (*Bot).page,        // p:<offset> of the last search
		"d":  (*Bot).details,     // d:<space id>
		"r":  (*Bot).relax,       // r:<what>: drop a filter of the last search
		"q":  (*Bot).answerAsk,   // q:<n>: the n-th choice of a question asked back
		"b":  (*Bot).bookStep,    // b:<step>:<value>: the booking flow, see bookStep
		"x":  (*Bot).cancelAsk,   // x:<code>: cancel a booking (asks to confirm)
		"xy": (*Bot).cancelDo,    // xy:<code>: confirmed
		"w":  (*Bot).waitlist,    // w:join:<token>, w:leave:<entry>, w:ok:<offer>, w:no:<offer>
		"n":  (*Bot).noop,        // a label that does nothing (closed day)
	}
)

// route sends a request to its handler.
func (b *Bot) route(s *session) error {
	req := s.req
	switch {
	case req.Callback != "":
		prefix, arg, _ := strings.Cut(req.Callback, ":")
		h, ok := callbacks[prefix]
		if !ok {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		return h(b, s, arg)
	case req.Location != nil:
		return b.onLocation(s)
	}
	if name, args, ok := command(req.Text); ok {
		for _, c := range commands {
			if name == c.it || name == c.en {
				return c.h(b, s, args)
			}
		}
		s.say(s.T("error.unknown_command", "Command", "/"+name))
		return b.help(s, "")
	}
	return b.onText(s, strings.TrimSpace(req.Text))
}

// MenuCommand is one entry of a command menu.
type MenuCommand struct{ Command, Description string }

// Menu returns the command menu in a language (for setMyCommands).
func (b *Bot) Menu(lang string) []MenuCommand {
	l := b.texts.For(lang)
	var out []MenuCommand
	for _, c := range commands {
		if !c.menu {
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

func (b *Bot) noop(s *session, _ string) error { return nil }
