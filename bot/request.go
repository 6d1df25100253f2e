package bot

import "github.com/paulmach/orb"

// Incoming is one thing a user did, whatever the front end: a message, a
// shared location or a button press. The edges build it from what they
// receive; the core never sees a Telegram type or a console line, and what
// only an edge needs (update ids, callback query ids, message ids) stays
// there.
type Incoming struct {
	UserID     int64
	FirstName  string
	ClientLang string // the client's language code, e.g. "en-GB"

	Text     string     // a message's text; "" for anything else (a sticker, a photo)
	Location *orb.Point // a shared location
	Callback string     // the data of a pressed button
}

// Reply is one message to show the user.
type Reply struct {
	Text     string // Telegram HTML
	Buttons  [][]Button
	Keyboard [][]KeyButton // a reply keyboard under the input field
	Venue    *Venue        // a map pin instead of text
	Edit     bool          // replace the message whose button was pressed
}

// Button is an inline button: pressing it sends Data back. Label is plain
// text, never HTML. Data follows the grammar of keyboard.go. A button with
// a URL instead opens it (a deep link into the private chat, for messages
// outside it: groups, inline results).
type Button struct {
	Label, Data string
	URL         string
}

// KeyButton is a reply-keyboard button; RequestLocation makes it share the
// user's location.
type KeyButton struct {
	Label           string
	RequestLocation bool
}

// Venue is a place on a map.
type Venue struct {
	Point          orb.Point
	Title, Address string
}

// Response is what the bot does for an Incoming.
type Response struct {
	Replies []Reply
	Notice  string     // the short answer to a button press
	Others  []Outgoing // messages to other users (waitlist offers, providers)
}

// Outgoing is a message for a user other than the one who asked, or one the
// bot sends by itself (reminders, announcements).
type Outgoing struct {
	UserID int64
	Reply  Reply
}
