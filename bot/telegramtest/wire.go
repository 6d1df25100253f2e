package telegramtest

import "encoding/json"

// The types in this file are the Bot API objects as they travel on the wire,
// with the field names of https://core.telegram.org/bots/api. They are kept
// separate from the test-facing types so that the fake answers in the real
// format whatever the tests find convenient to read.

// apiResponse is the envelope of every Bot API answer.
type apiResponse struct {
	OK          bool           `json:"ok"`
	Result      any            `json:"result,omitempty"`
	ErrorCode   int            `json:"error_code,omitempty"`
	Description string         `json:"description,omitempty"`
	Parameters  *apiParameters `json:"parameters,omitempty"`
}

// apiParameters is the ResponseParameters object of an error.
type apiParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// wireUser is the User object.
type wireUser struct {
	ID                      int64  `json:"id"`
	IsBot                   bool   `json:"is_bot"`
	FirstName               string `json:"first_name"`
	Username                string `json:"username,omitempty"`
	LanguageCode            string `json:"language_code,omitempty"`
	CanJoinGroups           bool   `json:"can_join_groups,omitempty"`
	CanReadAllGroupMessages bool   `json:"can_read_all_group_messages,omitempty"`
	SupportsInlineQueries   bool   `json:"supports_inline_queries,omitempty"`
}

// wireChat is the Chat object: a private chat (first name, username) or a
// group or supergroup (title, username).
type wireChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

// wireEntity is the MessageEntity object.
type wireEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

// wireLocation is the Location object.
type wireLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// wireVenue is the Venue object.
type wireVenue struct {
	Location      wireLocation `json:"location"`
	Title         string       `json:"title"`
	Address       string       `json:"address"`
	GooglePlaceID string       `json:"google_place_id,omitempty"`
}

// wirePhotoSize is the PhotoSize object.
type wirePhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

// wireDocument is the Document object.
type wireDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// wireButton is the InlineKeyboardButton object, reduced to the kinds the
// fake records.
type wireButton struct {
	Text         string  `json:"text"`
	URL          string  `json:"url,omitempty"`
	CallbackData *string `json:"callback_data,omitempty"`
}

// wireInlineMarkup is the InlineKeyboardMarkup object.
type wireInlineMarkup struct {
	InlineKeyboard [][]wireButton `json:"inline_keyboard"`
}

// wireMessage is the Message object.
type wireMessage struct {
	MessageID       int               `json:"message_id"`
	From            *wireUser         `json:"from,omitempty"`
	Chat            wireChat          `json:"chat"`
	Date            int64             `json:"date"`
	EditDate        int64             `json:"edit_date,omitempty"`
	ViaBot          *wireUser         `json:"via_bot,omitempty"`
	Text            string            `json:"text,omitempty"`
	Entities        []wireEntity      `json:"entities,omitempty"`
	Photo           []wirePhotoSize   `json:"photo,omitempty"`
	Document        *wireDocument     `json:"document,omitempty"`
	Caption         string            `json:"caption,omitempty"`
	CaptionEntities []wireEntity      `json:"caption_entities,omitempty"`
	Location        *wireLocation     `json:"location,omitempty"`
	Venue           *wireVenue        `json:"venue,omitempty"`
	NewChatMembers  []wireUser        `json:"new_chat_members,omitempty"`
	NewChatMember   *wireUser         `json:"new_chat_member,omitempty"`
	NewParticipant  *wireUser         `json:"new_chat_participant,omitempty"`
	ReplyMarkup     *wireInlineMarkup `json:"reply_markup,omitempty"`
}

// wireMessageID is the MessageId object that copyMessage returns.
type wireMessageID struct {
	MessageID int `json:"message_id"`
}

// wireCallbackQuery is the CallbackQuery object.
type wireCallbackQuery struct {
	ID           string       `json:"id"`
	From         wireUser     `json:"from"`
	Message      *wireMessage `json:"message,omitempty"`
	ChatInstance string       `json:"chat_instance"`
	Data         string       `json:"data,omitempty"`
}

// wireChatMember is the ChatMember object, reduced to its user, status and,
// for a user who blocked the bot or a bot removed from a group, until_date.
type wireChatMember struct {
	User      wireUser `json:"user"`
	Status    string   `json:"status"`
	UntilDate *int64   `json:"until_date,omitempty"`
}

// wireChatMemberUpdated is the ChatMemberUpdated object.
type wireChatMemberUpdated struct {
	Chat          wireChat       `json:"chat"`
	From          wireUser       `json:"from"`
	Date          int64          `json:"date"`
	OldChatMember wireChatMember `json:"old_chat_member"`
	NewChatMember wireChatMember `json:"new_chat_member"`
}

// wireInlineQuery is the InlineQuery object.
type wireInlineQuery struct {
	ID       string   `json:"id"`
	From     wireUser `json:"from"`
	Query    string   `json:"query"`
	Offset   string   `json:"offset"`
	ChatType string   `json:"chat_type,omitempty"`
}

// wireChosenInlineResult is the ChosenInlineResult object.
type wireChosenInlineResult struct {
	ResultID        string   `json:"result_id"`
	From            wireUser `json:"from"`
	InlineMessageID string   `json:"inline_message_id,omitempty"`
	Query           string   `json:"query"`
}

// wireUpdate is the Update object, for the kinds the fake generates itself.
type wireUpdate struct {
	UpdateID           int                     `json:"update_id"`
	Message            *wireMessage            `json:"message,omitempty"`
	CallbackQuery      *wireCallbackQuery      `json:"callback_query,omitempty"`
	MyChatMember       *wireChatMemberUpdated  `json:"my_chat_member,omitempty"`
	InlineQuery        *wireInlineQuery        `json:"inline_query,omitempty"`
	ChosenInlineResult *wireChosenInlineResult `json:"chosen_inline_result,omitempty"`
}

// kind names the update's one optional field, as allowed_updates does.
func (u *wireUpdate) kind() string {
	switch {
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.MyChatMember != nil:
		return "my_chat_member"
	case u.InlineQuery != nil:
		return "inline_query"
	case u.ChosenInlineResult != nil:
		return "chosen_inline_result"
	default:
		return "message"
	}
}

// wireCommand is the BotCommand object.
type wireCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// wireScope is the BotCommandScope object. chat_id may be a number or an
// @username, so it is kept raw.
type wireScope struct {
	Type   string          `json:"type"`
	ChatID json.RawMessage `json:"chat_id,omitempty"`
	UserID int64           `json:"user_id,omitempty"`
}

// wireWebhookInfo is the WebhookInfo object.
type wireWebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
}

// wireDescription is the BotDescription object; wireShortDescription is
// BotShortDescription.
type wireDescription struct {
	Description string `json:"description"`
}

type wireShortDescription struct {
	ShortDescription string `json:"short_description"`
}
