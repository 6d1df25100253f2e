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

	// HTML is the message's text, or a photo's or document's caption, with
	// the person's formatting, as Telegram HTML: what an announcement
	// written by the staff says.
	HTML string
	// Media reports a photo, a document or anything else that only a copy
	// of the message carries faithfully (copyMessage).
	Media bool
	// Message names the person's message, for a copy of it; zero in the
	// console, which cannot copy.
	Message MessageRef
	// PhotoID is the Telegram file id of a photo the person sent (the
	// largest size), for the bot to send again (an event's picture).
	PhotoID string
}

// MessageRef names a message by its chat and its id.
type MessageRef struct {
	ChatID    int64
	MessageID int64
}

// Reply is one message to show the user.
type Reply struct {
	Text     string // Telegram HTML
	Buttons  [][]Button
	Keyboard [][]KeyButton // a reply keyboard under the input field
	Venue    *Venue        // a map pin instead of text
	Document *Document     // a file, with Text as its caption
	Edit     bool          // replace the message whose button was pressed
	// Copy sends a copy of a message instead of text (an announcement a
	// staff member wrote, with its photo or document).
	Copy *MessageRef
	// Photo sends a photo the bot keeps by its Telegram file id (an event's).
	Photo string
}

// Document is a file sent to the user, such as the JSON of everything kept
// about them (/imieidati).
type Document struct {
	Name  string // the file's name, as the user sees it
	Bytes []byte
	MIME  string // such as "application/json"
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
	// Progress names the announcement whose delivery report the last reply
	// is: the edge records that message, and edits it as the sending goes.
	Progress int64
	// Erased says the person was erased (/cancellami): an edge that keeps
	// their row to store later must drop it.
	Erased bool
}

// Outgoing is a message for a user other than the one who asked, or one the
// bot sends by itself (reminders, announcements).
type Outgoing struct {
	UserID int64
	Reply  Reply
}
