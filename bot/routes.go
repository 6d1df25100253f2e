package bot

import (
	"strings"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/bot/intent"
)

// This file is the whole surface of the bot, top to bottom: every command,
// every kind of button with its arguments, every deep-link payload, every
// intent of a message in plain words and every typed answer the bot may be
// waiting for, each with who may use it. route checks that once, for every
// request; the registry checks it again inside its transactions, because
// button data comes from the client and can be forged.

// role is who may use an entry.
type role uint8

const (
	anyone   role = iota
	provider      // the provider of the space the entry acts on, or staff
	staff         // the comune's staff
)

// Handlers, by what they are given.
type (
	commandHandler func(b *Bot, s *session, args string) error      // the words after the command
	buttonHandler  func(b *Bot, s *session, args []string) error    // the button's arguments, checked
	intentHandler  func(b *Bot, s *session, r intent.Request) error // the message as understood
	payloadHandler func(b *Bot, s *session, value string) error     // what follows the payload's prefix
	// answerHandler takes a typed answer; it reports false when the text is
	// no answer to its question, and the message is then read as any other.
	answerHandler func(b *Bot, s *session, text string) (bool, error)
)

// commandRoute is a command with its Italian and English names; both work in
// either language.
type commandRoute struct {
	it, en string
	h      commandHandler
	who    role
	menu   bool // listed in the command menu (setMyCommands)
}

var commands = []commandRoute{
	{"start", "start", (*Bot).start, anyone, true},
	{"cerca", "search", (*Bot).searchCommand, anyone, true},
	{"servizi", "services", (*Bot).showPicker, anyone, true},
	{"vicino", "nearby", (*Bot).askLocation, anyone, true},
	{"prenota", "book", (*Bot).bookCommand, anyone, true},
	{"prenotazioni", "bookings", (*Bot).myBookings, anyone, true},
	{"avvisi", "news", (*Bot).subscribe, anyone, true},
	{"stopavvisi", "stopnews", (*Bot).unsubscribe, anyone, true},
	{"promemoria", "reminders", (*Bot).reminders, anyone, true},
	{"lingua", "language", (*Bot).language, anyone, true},
	{"aiuto", "help", (*Bot).help, anyone, true},
	{"annulla", "cancel", (*Bot).cancelCommand, anyone, false},
	{"candidatura", "apply", (*Bot).applyCommand, anyone, true},
	{"eventi", "events", (*Bot).eventsCommand, anyone, true},
	{"privacy", "privacy", (*Bot).privacy, anyone, true},
	{"imieidati", "mydata", (*Bot).myData, anyone, false},
	{"cancellami", "deleteme", (*Bot).deleteMe, anyone, false},

	// Providers of a space.
	{"miospazio", "myspace", (*Bot).mySpace, provider, true},
	{"chiusura", "closure", (*Bot).closureCommand, provider, true},
	{"agenda", "schedule", (*Bot).agendaCommand, provider, true},
	{"nuovoevento", "newevent", (*Bot).newEventCommand, provider, true},

	// The comune's staff.
	{"comune", "staff", (*Bot).staffPanel, staff, true},
	{"approva", "approve", (*Bot).approveCommand, staff, true},
	{"rifiuta", "reject", (*Bot).rejectCommand, staff, true},
	{"sospendi", "suspend", (*Bot).suspendCommand, staff, true},
	{"riattiva", "reinstate", (*Bot).reinstateCommand, staff, true},
	{"invita", "invite", (*Bot).inviteCommand, staff, true},
	{"annuncio", "announce", (*Bot).announceCommand, staff, true},
	{"annunci", "announcements", (*Bot).announcementsCommand, staff, true},
	{"aggiungistaff", "addstaff", (*Bot).addStaffCommand, staff, false},
	{"rimuovistaff", "removestaff", (*Bot).removeStaffCommand, staff, false},
}

// The kinds of button.
const (
	kMenu         kind = "m"    // the /start menu: svc, loc, book, help
	kLanguage     kind = "l"    // choose a language
	kPick         kind = "f"    // the service picker: a service toggles, go searches, clr clears
	kPage         kind = "p"    // another page of the last search, from an offset
	kDetails      kind = "d"    // a space's card
	kRelax        kind = "r"    // drop a filter of the last search: time, desks, place
	kRelaxService kind = "rs"   // drop one service of the last search
	kChoose       kind = "q"    // the n-th choice of a question asked back
	kBook         kind = "bk"   // start booking a space
	kBookDay      kind = "bd"   // the booking flow, for the draft named by its token: the day
	kBookSlot     kind = "bsl"  // … a slot of the day: morning, afternoon, day
	kBookRoom     kind = "br"   // … a room
	kBookHour     kind = "bh"   // … the room's starting hour
	kBookLength   kind = "bl"   // … the room's length in hours
	kBookDesks    kind = "bq"   // … how many desks
	kBookChange   kind = "bc"   // … change the day, the slot or the desks
	kBookConfirm  kind = "bok"  // … confirm
	kBookAbandon  kind = "bno"  // … drop it
	kBookAlt      kind = "balt" // … move it to another space nearby
	kCancelAsk    kind = "x"    // cancel a booking: asks to confirm
	kCancelDo     kind = "xy"   // … confirmed
	kWaitJoin     kind = "wj"   // join the waitlist for the draft's full slot
	kWaitLeave    kind = "wl"   // leave a waitlist entry
	kOfferTake    kind = "wa"   // take a place offered
	kOfferPass    kind = "wd"   // pass it on
	kNoop         kind = "n"    // a label that does nothing (a closed day)
	kPrivacy      kind = "pv"   // the privacy notice's buttons: data, erase; keep answers the erasure's question no
	kErase        kind = "pe"   // erase me: yes, to the question asked at the given instant (Unix seconds)

	kNewsTopic   kind = "nt" // a topic of the announcements toggles
	kNewsNarrow  kind = "nn" // … narrow them: services, comune, none; or stop
	kNewsService kind = "ns" // … a service of the narrowing toggles, go saves

	kAnnTopic  kind = "at" // an announcement being composed: its topic
	kAnnNarrow kind = "an" // … narrowed to a comune, or to everyone
	kAnnSend   kind = "ao" // … confirmed: it goes out
	kAnnDrop   kind = "ax" // … dropped
	kAnnStop   kind = "ah" // a running announcement stopped

	kEventsPage  kind = "ep"  // another page of the events listed
	kEvent       kind = "ev"  // an event's card
	kEvSign      kind = "es"  // sign up for it ("1": the whole course): asks how many
	kEvPeople    kind = "eq"  // … for this many people
	kEvWait      kind = "ew"  // join its waiting list: first ask for how many
	kEvWaitFor   kind = "ewn" // join its waiting list for a number of people
	kEvUnsign    kind = "eu"  // cancel a sign-up (of a course's meeting: first ask whether the later ones too)
	kEvUnsignOne kind = "eu1" // cancel a course's meeting only
	kEvUnsignAll kind = "eua" // cancel a course's meeting and the later ones
	kEvOfferTake kind = "ea"  // take seats offered
	kEvOfferPass kind = "ed"  // pass them on
	kEvForm      kind = "ef"  // the event form: a step's choice, publish, stop
	kEvEdit      kind = "ee"  // a provider's Edit or Cancel of an event
	kEvRedo      kind = "er"  // … a part of it to write again

	kApplyStep    kind = "ap" // the application form: skip, next, send, stop
	kApplyService kind = "as" // … a service toggles

	kMine          kind = "my" // a provider's listing
	kMineEdit      kind = "me" // … open a part for editing
	kMineService   kind = "ms" // … a service of the edit toggles, go sends the choice for review
	kMineHoursOK   kind = "mh" // … confirm the hours read from words
	kMineRoom      kind = "mr" // … a room's price, by its place in the list shown
	kMineMute      kind = "mm" // … booking notifications off or on
	kMinePoster    kind = "mp" // … the poster with the space's QR code, as a file
	kClosureRemove kind = "cr" // … reopen a closure
	kAgenda        kind = "ag" // … the bookings, from a day offset

	kPanel         kind = "sp" // the staff panel: a section
	kStaffList     kind = "sl" // … the list, from an offset
	kStaffSpace    kind = "ss" // … a space as the staff manage it
	kAppApprove    kind = "aa" // … admit an application
	kAppReject     kind = "ar" // … reject it (asks the reason)
	kChangeApprove kind = "ca" // … approve a provider's change
	kChangeReject  kind = "cj" // … reject it (asks the reason)
	kSuspend       kind = "su" // … suspend a space (asks the reason)
	kReinstate     kind = "re" // … reinstate it
	kInvite        kind = "in" // … a one-time link to become its provider
	kStaffRemove   kind = "sr" // … take someone off the staff
)

// buttonRoute is what a kind of button does, the arguments its data carries
// and who may press it; space is the index of the argument naming the space
// it acts on (-1 for none), for the provider role.
type buttonRoute struct {
	h     buttonHandler
	args  []arg
	who   role
	space int
}

func on(h buttonHandler, args ...arg) buttonRoute { return buttonRoute{h: h, args: args, space: -1} }

// forProvider is a button for the provider of the space its first argument
// names (or staff).
func forProvider(h buttonHandler, args ...arg) buttonRoute {
	return buttonRoute{h: h, args: args, who: provider, space: 0}
}

// forStaff is a button for the staff.
func forStaff(h buttonHandler, args ...arg) buttonRoute {
	return buttonRoute{h: h, args: args, who: staff, space: -1}
}

var buttons map[kind]buttonRoute

func init() { // a map literal that refers to handlers that refer to it needs init
	buttons = map[kind]buttonRoute{
		kMenu:         on((*Bot).menu, aWord),
		kLanguage:     on((*Bot).languageButton, aWord),
		kPick:         on((*Bot).pickService, aWord),
		kPage:         on((*Bot).page, aInt),
		kDetails:      on((*Bot).detailsButton, aSpace),
		kRelax:        on((*Bot).relax, aWord),
		kRelaxService: on((*Bot).relaxService, aService),
		kChoose:       on((*Bot).answerAsk, aInt),
		kBook:         on((*Bot).bookButton, aSpace),
		kBookDay:      on(bookStep((*Bot).bookDay), aToken, aDay),
		kBookSlot:     on(bookStep((*Bot).bookSlot), aToken, aWord),
		kBookRoom:     on(bookStep((*Bot).bookRoom), aToken, aRoom),
		kBookHour:     on(bookStep((*Bot).bookHour), aToken, aInt),
		kBookLength:   on(bookStep((*Bot).bookLength), aToken, aInt),
		kBookDesks:    on(bookStep((*Bot).bookDesks), aToken, aInt),
		kBookChange:   on(bookStep((*Bot).bookChange), aToken, aWord),
		kBookConfirm:  on(bookStep((*Bot).bookConfirm), aToken),
		kBookAbandon:  on((*Bot).bookAbandon, aToken),
		kBookAlt:      on(bookStep((*Bot).bookAlt), aToken, aSpace),
		kCancelAsk:    on((*Bot).cancelButton, aCode),
		kCancelDo:     on((*Bot).cancelDo, aCode),
		kWaitJoin:     on((*Bot).waitJoin, aToken),
		kWaitLeave:    on((*Bot).waitLeave, aInt),
		kOfferTake:    on((*Bot).offerTake, aInt),
		kOfferPass:    on((*Bot).offerPass, aInt),
		kNoop:         on((*Bot).noop),
		kPrivacy:      on((*Bot).privacyButton, aWord),
		kErase:        on((*Bot).eraseButton, aInt),

		kNewsTopic:   on((*Bot).newsTopic, aWord),
		kNewsNarrow:  on((*Bot).newsNarrow, aWord),
		kNewsService: on((*Bot).newsService, aService),

		kAnnTopic:  forStaff((*Bot).annTopic, aInt, aWord),
		kAnnNarrow: forStaff((*Bot).annNarrow, aInt, aWord),
		kAnnSend:   forStaff((*Bot).annSend, aInt),
		kAnnDrop:   forStaff((*Bot).annDrop, aInt),
		kAnnStop:   forStaff((*Bot).annStop, aInt),

		kEventsPage:  on((*Bot).eventsPage, aInt),
		kEvent:       on((*Bot).eventButton, aInt),
		kEvSign:      on((*Bot).evSign, aInt, aWord),
		kEvPeople:    on((*Bot).evPeople, aInt, aSmall),
		kEvWait:      on((*Bot).evWaitAsk, aInt),
		kEvWaitFor:   on((*Bot).evWait, aInt, aSmall),
		kEvUnsign:    on((*Bot).evCancelSignup, aInt),
		kEvUnsignOne: on((*Bot).evCancelMeeting, aInt),
		kEvUnsignAll: on((*Bot).evCancelCourse, aInt),
		kEvOfferTake: on((*Bot).evOfferTake, aInt),
		kEvOfferPass: on((*Bot).evOfferPass, aInt),
		// The event's space is in the state or the registry: the handlers and
		// the registry check it is the person's.
		kEvForm: {h: (*Bot).evForm, args: []arg{aPart, aValue}, who: provider, space: -1},
		kEvEdit: {h: (*Bot).evEdit, args: []arg{aInt, aWord}, who: provider, space: -1},
		kEvRedo: {h: (*Bot).evRedo, args: []arg{aInt, aWord}, who: provider, space: -1},

		kApplyStep:    on((*Bot).applyStep, aWord),
		kApplyService: on((*Bot).applyService, aService),

		kMine:        forProvider((*Bot).mineButton, aSpace),
		kMineEdit:    forProvider((*Bot).mineEdit, aSpace, aPart),
		kMineHoursOK: forProvider((*Bot).mineHoursOK, aSpace),
		kMineMute:    forProvider((*Bot).mineMute, aSpace),
		kMinePoster:  forProvider((*Bot).minePoster, aSpace),
		kAgenda:      forProvider((*Bot).agendaButton, aSpace, aSmall),
		// These act on the space of the edit in the making (the state names
		// it, and the registry checks it again).
		kMineService:   {h: (*Bot).mineService, args: []arg{aService}, who: provider, space: -1},
		kMineRoom:      {h: (*Bot).mineRoom, args: []arg{aSmall}, who: provider, space: -1},
		kClosureRemove: {h: (*Bot).closureRemove, args: []arg{aInt}, who: provider, space: -1}, // the registry checks whose closure it is

		kPanel:         forStaff((*Bot).panelButton, aWord),
		kStaffList:     forStaff((*Bot).staffListButton, aInt),
		kStaffSpace:    forStaff((*Bot).staffSpace, aSpace),
		kAppApprove:    forStaff((*Bot).appApproveButton, aInt),
		kAppReject:     forStaff((*Bot).appRejectButton, aInt),
		kChangeApprove: forStaff((*Bot).changeApproveButton, aInt),
		kChangeReject:  forStaff((*Bot).changeRejectButton, aInt),
		kSuspend:       forStaff((*Bot).suspendButton, aSpace),
		kReinstate:     forStaff((*Bot).reinstateButton, aSpace),
		kInvite:        forStaff((*Bot).inviteButton, aSpace),
		kStaffRemove:   forStaff((*Bot).staffRemoveButton, aInt),
	}
}

// intentRoute is what a message in plain words does, by its intent.
type intentRoute struct {
	h   intentHandler
	who role
}

var intents = map[intent.Intent]intentRoute{
	intent.Search:      {(*Bot).searchFromText, anyone},
	intent.Details:     {(*Bot).aboutSpace, anyone},
	intent.Hours:       {(*Bot).aboutSpace, anyone},
	intent.Prices:      {(*Bot).aboutSpace, anyone},
	intent.Contacts:    {(*Bot).aboutSpace, anyone},
	intent.Book:        {(*Bot).bookFromText, anyone},
	intent.MyBookings:  {(*Bot).myBookingsFromText, anyone},
	intent.Cancel:      {(*Bot).cancelFromText, anyone},
	intent.Help:        {(*Bot).helpFromText, anyone},
	intent.Language:    {(*Bot).languageFromText, anyone},
	intent.Subscribe:   {(*Bot).subscribeFromText, anyone},
	intent.Unsubscribe: {(*Bot).unsubscribeFromText, anyone},
	intent.Greeting:    {(*Bot).greeting, anyone},
	intent.Thanks:      {(*Bot).thanks, anyone},
	intent.Explain:     {(*Bot).explain, anyone},
	intent.Has:         {(*Bot).has, anyone},
	intent.IsOpen:      {(*Bot).isOpen, anyone},
	intent.Apply:       {(*Bot).applyFromText, anyone},
	intent.Events:      {(*Bot).eventsFromText, anyone},
	intent.NewEvent:    {(*Bot).newEventFromText, anyone}, // a citizen's is a question about events
	intent.Privacy:     {(*Bot).privacyFromText, anyone},
	intent.MyData:      {(*Bot).myDataFromText, anyone},
	intent.DeleteMe:    {(*Bot).deleteMeFromText, anyone},
	// A provider closing their space; to anyone else "chiuso domani?" is a
	// question about a space (closureFromText tells them apart).
	intent.Closure: {(*Bot).closureFromText, anyone},
}

// payloadRoute is what a deep link (/start <payload>) opens, by the
// payload's prefix.
type payloadRoute struct {
	prefix string
	h      payloadHandler
	who    role
}

var payloads = []payloadRoute{
	{PayloadSpace + "_", (*Bot).detailsPayload, anyone},
	{PayloadInvite + "_", (*Bot).acceptInvitation, anyone},
}

// answerKind names what typed answer the bot is waiting for.
type answerKind string

const (
	answerBooking           answerKind = "booking"     // any step of the booking flow: a day, a slot, how many, yes, no
	answerApply             answerKind = "apply"       // the application form's current question
	answerMineDesks         answerKind = "mine_desks"  // a provider's edits: the desks
	answerMineHours         answerKind = "mine_hours"  // … the opening hours, in words
	answerMinePriceDay      answerKind = "mine_day"    // … the price of a day
	answerMinePriceHalf     answerKind = "mine_half"   // … of half a day
	answerMineRoomPrice     answerKind = "mine_room"   // … of an hour in a room
	answerMinePhone         answerKind = "mine_phone"  // … the contacts
	answerMineEmail         answerKind = "mine_email"  //
	answerMineWebsite       answerKind = "mine_web"    //
	answerMineDescIT        answerKind = "mine_descit" // … the descriptions
	answerMineDescEN        answerKind = "mine_descen" //
	answerMineName          answerKind = "mine_name"   // … the name, for review
	answerMineAddress       answerKind = "mine_addr"   // … the address, for review
	answerMineLocation      answerKind = "mine_loc"    // … the location, typed or shared, for review
	answerClosure           answerKind = "closure"     // the days of a closure
	answerRejectApplication answerKind = "reject_app"  // the staff's reason for rejecting an application
	answerRejectChange      answerKind = "reject_chg"  // … a provider's change
	answerSuspend           answerKind = "suspend"     // … suspending a space
	answerNewsComune        answerKind = "news_comune" // the comune a subscriber wants to hear of
	answerAnnounce          answerKind = "announce"    // the staff's announcement, as it should appear
	answerAnnComune         answerKind = "ann_comune"  // … the comune it is for
	answerEvent             answerKind = "event"       // the event form's current question
	answerEventCancel       answerKind = "event_off"   // the reason an event is cancelled
)

// answerRoute is how a typed answer is taken, and, for a question a shared
// location answers, how that is taken.
type answerRoute struct {
	h   answerHandler
	who role
	loc func(b *Bot, s *session, p orb.Point) error
}

var answers map[answerKind]answerRoute

func init() {
	answers = map[answerKind]answerRoute{
		answerBooking:           {h: (*Bot).typedBooking},
		answerApply:             {h: (*Bot).typedApply, loc: (*Bot).applyLocation},
		answerMineDesks:         {h: (*Bot).typedMineDesks, who: provider},
		answerMineHours:         {h: (*Bot).typedMineHours, who: provider},
		answerMinePriceDay:      {h: (*Bot).typedMinePriceDay, who: provider},
		answerMinePriceHalf:     {h: (*Bot).typedMinePriceHalf, who: provider},
		answerMineRoomPrice:     {h: (*Bot).typedMineRoomPrice, who: provider},
		answerMinePhone:         {h: (*Bot).typedMinePhone, who: provider},
		answerMineEmail:         {h: (*Bot).typedMineEmail, who: provider},
		answerMineWebsite:       {h: (*Bot).typedMineWebsite, who: provider},
		answerMineDescIT:        {h: (*Bot).typedMineDescIT, who: provider},
		answerMineDescEN:        {h: (*Bot).typedMineDescEN, who: provider},
		answerMineName:          {h: (*Bot).typedMineName, who: provider},
		answerMineAddress:       {h: (*Bot).typedMineAddress, who: provider},
		answerMineLocation:      {h: (*Bot).typedMineLocation, who: provider, loc: (*Bot).sharedMineLocation},
		answerClosure:           {h: (*Bot).typedClosure, who: provider},
		answerRejectApplication: {h: (*Bot).typedRejectApplication, who: staff},
		answerRejectChange:      {h: (*Bot).typedRejectChange, who: staff},
		answerSuspend:           {h: (*Bot).typedSuspend, who: staff},
		answerNewsComune:        {h: (*Bot).typedNewsComune},
		answerAnnounce:          {h: (*Bot).typedAnnouncement, who: staff},
		answerAnnComune:         {h: (*Bot).typedAnnComune, who: staff},
		answerEvent:             {h: (*Bot).typedEvent, who: provider},
		answerEventCancel:       {h: (*Bot).typedEventCancel, who: provider},
	}
}

// route sends a request to its handler, once it has checked that the person
// may use it.
func (b *Bot) route(s *session) error {
	in := s.in
	switch {
	case in.Callback != "":
		k, args, ok := parseData(in.Callback)
		if !ok {
			s.resp.Notice = s.T("error.old_button")
			return nil
		}
		r := buttons[k]
		space := ""
		if r.space >= 0 {
			space = args[r.space]
		}
		if !s.may(r.who, space) {
			return b.refuseRole(s, r.who)
		}
		// A question still open is dropped: a handler that asks one sets
		// it again, so that a later message is never taken for the answer
		// to something the person has moved on from.
		s.st.Await = nil
		return r.h(b, s, args)
	case in.Location != nil:
		if a := s.st.Await; a != nil {
			if r, ok := answers[a.Kind]; ok && r.loc != nil && s.may(r.who, a.Space) {
				return r.loc(b, s, *in.Location)
			}
		}
		return b.onLocation(s)
	}
	text := strings.TrimSpace(in.Text)
	if name, args, ok := command(text); ok {
		for _, c := range commands {
			if name == c.it || name == c.en {
				if !s.may(c.who, "") {
					return b.refuseRole(s, c.who)
				}
				s.st.Await = nil // as for a button
				return c.h(b, s, args)
			}
		}
		s.say(s.T("error.unknown_command", "Command", "/"+name))
		return b.help(s, "")
	}
	if a := s.st.Await; a != nil {
		if a.Kind != answerBooking && abandoning(text) { // the booking flow has its own
			b.dropAnswer(s, a.Kind)
			return nil
		}
		if r, ok := answers[a.Kind]; ok && s.may(r.who, a.Space) {
			done, err := r.h(b, s, text)
			if done || err != nil {
				return err
			}
		}
		s.st.Await = nil // a message that is no answer: the question is dropped
	}
	return b.onText(s, text)
}

// startPayload routes the payload of a deep link, /start <payload>. An
// unknown one gets the ordinary greeting.
func (b *Bot) startPayload(s *session, payload string) (bool, error) {
	for _, p := range payloads {
		if v, ok := strings.CutPrefix(payload, p.prefix); ok {
			if !s.may(p.who, "") {
				return true, b.refuseRole(s, p.who)
			}
			return true, p.h(b, s, v)
		}
	}
	return false, nil
}

// routeIntent answers a message understood in plain words.
func (b *Bot) routeIntent(s *session, r intent.Request) error {
	route, ok := intents[r.Intent]
	if !ok {
		s.reply(Reply{Text: s.T("unknown"), Buttons: b.mainMenu(s)})
		return nil
	}
	if !s.may(route.who, r.Space) {
		return b.refuseRole(s, route.who)
	}
	return route.h(b, s, r)
}

// may reports whether the person may use an entry for the given role, on
// the given space ("" for an entry that names none: a provider of any
// space).
func (s *session) may(who role, space string) bool {
	switch who {
	case anyone:
		return true
	case staff:
		return s.roles.Staff
	case provider:
		if s.roles.Staff {
			return true
		}
		if space == "" {
			return len(s.roles.Spaces) > 0
		}
		return s.roles.Provides(space)
	}
	return false
}

// refuseRole tells someone that what they tried is not for them.
func (b *Bot) refuseRole(s *session, who role) error {
	msg := s.T("role.staff_only")
	if who == provider {
		msg = s.T("role.provider_only")
	}
	if s.in.Callback != "" {
		s.resp.Notice = msg
		return nil
	}
	s.say(msg)
	return nil
}

// MenuCommand is one entry of a command menu.
type MenuCommand struct{ Command, Description string }

// Menu returns the command menu in a language (for setMyCommands).
func (b *Bot) Menu(lang string) []MenuCommand {
	l := b.texts.For(lang)
	var out []MenuCommand
	for _, c := range commands {
		if !c.menu || c.who != anyone {
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

func (b *Bot) noop(s *session, _ []string) error { return nil }
