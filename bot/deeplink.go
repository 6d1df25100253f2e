package bot

import (
	"strings"
)

// Deep links open the bot with a start parameter: t.me/<bot>?start=<payload>
// arrives as "/start <payload>". Telegram allows only A–Z, a–z, 0–9, _ and -
// in a payload, at most 64 characters. A payload is a kind and a value
// joined by the first underscore: "space_officina-brianza".

// The kinds of payload: a space's card, an invitation to become a space's
// provider.
const (
	PayloadSpace  = "space"
	PayloadInvite = "inv"
)

// MaxPayload is the longest start parameter Telegram accepts.
const MaxPayload = 64

// SpacePayload is the start parameter that opens the space with this id.
func SpacePayload(id string) string { return PayloadSpace + "_" + id }

// SpaceLink is the link that opens the bot on the space's card; username is
// the bot's, with or without its leading @.
func SpaceLink(username, spaceID string) string {
	return "https://t.me/" + strings.TrimPrefix(username, "@") + "?start=" + SpacePayload(spaceID)
}

// InvitePayload is the start parameter of an invitation.
func InvitePayload(token string) string { return PayloadInvite + "_" + token }

// InviteLink is the one-time link that makes whoever opens it a space's
// provider.
func InviteLink(username, token string) string {
	return "https://t.me/" + strings.TrimPrefix(username, "@") + "?start=" + InvitePayload(token)
}

// ParsePayload splits a start parameter into its kind and value
// ("space_officina-brianza" → "space", "officina-brianza"). A payload without
// an underscore is a kind with no value; one Telegram would not carry (empty,
// too long, or with other characters) gives "", "".
func ParsePayload(p string) (kind, value string) {
	if !ValidPayload(p) {
		return "", ""
	}
	kind, value, _ = strings.Cut(p, "_")
	return kind, value
}

// ValidPayload reports whether Telegram carries p as a start parameter.
func ValidPayload(p string) bool {
	if p == "" || len(p) > MaxPayload {
		return false
	}
	for _, c := range []byte(p) {
		if !isPayloadByte(c) {
			return false
		}
	}
	return true
}

func isPayloadByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// ValidUsername reports whether name (without its @) can be a Telegram
// username: 5 to 32 letters, digits or underscores, starting with a letter.
func ValidUsername(name string) bool {
	if len(name) < 5 || len(name) > 32 {
		return false
	}
	for i, c := range []byte(name) {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if i == 0 && !letter || !letter && !('0' <= c && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}
