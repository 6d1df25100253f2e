package telegramtest

import (
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Telegram's limits on texts, in characters (code points) after entity
// parsing: core.telegram.org/bots/api#sendmessage and #sendphoto. The Bot
// API server also refuses a raw text over 32 KiB before parsing it.
const (
	maxTextLength    = 4096
	maxCaptionLength = 1024
	maxRawTextBytes  = 1 << 15
)

// formatted is a text with its entities, as the user reads it.
type formatted struct {
	plain    string
	entities []Entity
}

// messageText checks the text of a message (sendMessage, editMessageText,
// an inline result's input_message_content) as Telegram does.
func messageText(text, parseMode, entitiesJSON string) (formatted, *apiError) {
	if text == "" {
		return formatted{}, badRequest("message text is empty")
	}
	f, aerr := formatText(text, parseMode, entitiesJSON)
	if aerr != nil {
		return formatted{}, aerr
	}
	if f.plain == "" {
		return formatted{}, badRequest("text must be non-empty")
	}
	if utf8.RuneCountInString(f.plain) > maxTextLength {
		return formatted{}, badRequest("message is too long")
	}
	return f, nil
}

// captionText checks the caption of a photo or a document, which may be
// empty.
func captionText(caption, parseMode, entitiesJSON string) (formatted, *apiError) {
	if caption == "" {
		return formatted{}, nil
	}
	f, aerr := formatText(caption, parseMode, entitiesJSON)
	if aerr != nil {
		return formatted{}, aerr
	}
	if utf8.RuneCountInString(f.plain) > maxCaptionLength {
		return formatted{}, badRequest("message caption is too long")
	}
	return f, nil
}

// formatText is tdlib's get_formatted_text and fix_formatted_text: the text
// parsed in its parse mode, or read with the explicit entities when there
// is no parse mode, then trimmed of leading and trailing spaces and
// newlines as Telegram trims them. Markdown is not parsed: the bot writes
// HTML.
func formatText(text, parseMode, entitiesJSON string) (formatted, *apiError) {
	if len(text) > maxRawTextBytes {
		return formatted{}, badRequest("text is too long")
	}
	if !utf8.ValidString(text) {
		return formatted{}, badRequest("strings must be encoded in UTF-8")
	}
	plain := text
	var entities []Entity
	switch strings.ToLower(parseMode) {
	case "", "none":
		var aerr *apiError
		if entities, aerr = explicitEntities(text, entitiesJSON); aerr != nil {
			return formatted{}, aerr
		}
	case "markdown", "markdownv2":
	case "html":
		p, e, err := parseHTML(text)
		if err != nil {
			return formatted{}, badRequest("can't parse entities: %v", err)
		}
		plain, entities = p, fromWire(e)
	default:
		return formatted{}, badRequest("unsupported parse_mode")
	}
	plain, entities = trimText(plain, entities)
	return formatted{plain: plain, entities: entities}, nil
}

// explicitEntities reads the entities parameter: unparsable JSON is
// ignored, as the Bot API server ignores it, and the kinds Telegram finds by
// itself (urls, mentions, commands…) are dropped.
func explicitEntities(text, raw string) ([]Entity, *apiError) {
	var list []json.RawMessage
	if raw == "" || json.Unmarshal([]byte(raw), &list) != nil {
		return nil, nil
	}
	const prefix = "can't parse MessageEntity: "
	length := utf16Len(text)
	var out []Entity
	for _, item := range list {
		var fields map[string]json.RawMessage
		if json.Unmarshal(item, &fields) != nil || fields == nil {
			return nil, badRequest(prefix + "expected an Object")
		}
		var e Entity
		offset, aerr := requiredInt(fields, "offset", prefix)
		if aerr != nil {
			return nil, aerr
		}
		size, aerr := requiredInt(fields, "length", prefix)
		if aerr != nil {
			return nil, aerr
		}
		if e.Type, aerr = requiredString(fields, "type", prefix); aerr != nil {
			return nil, aerr
		}
		switch e.Type {
		case "":
			return nil, badRequest(prefix + "Type is not specified")
		case "bold", "italic", "underline", "strikethrough", "spoiler", "code", "blockquote", "expandable_blockquote":
		case "pre":
			if e.Language, aerr = optionalString(fields, "language"); aerr != nil {
				return nil, prefixed(aerr, prefix)
			}
		case "text_link":
			if e.URL, aerr = requiredString(fields, "url", prefix); aerr != nil {
				return nil, aerr
			}
			link, ok := normalizeLink(e.URL)
			if !ok {
				continue
			}
			e.URL = link
		case "custom_emoji":
			if e.CustomEmojiID, aerr = requiredString(fields, "custom_emoji_id", prefix); aerr != nil {
				return nil, aerr
			}
		case "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "bank_card_number":
			continue
		default:
			return nil, badRequest(prefix + "Unsupported type specified")
		}
		if offset < 0 || offset > 1000000 {
			return nil, badRequest("receive an entity with incorrect offset %d", offset)
		}
		if size < 0 || size > 1000000 {
			return nil, badRequest("receive an entity with incorrect length %d", size)
		}
		// Telegram cuts an entity at the end of the text and drops one
		// that covers nothing.
		size = min(size, length-offset)
		if size <= 0 {
			continue
		}
		e.Offset, e.Length = offset, size
		out = append(out, e)
	}
	ws := toWire(out)
	sortEntities(ws)
	return fromWire(ws), nil
}

func requiredInt(fields map[string]json.RawMessage, name, prefix string) (int, *apiError) {
	raw, ok := fields[name]
	if !ok {
		return 0, missingField(name, prefix)
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		var m int
		if json.Unmarshal([]byte(s), &m) == nil {
			return m, nil
		}
		return 0, badRequest("%sField \"%s\" must be a valid Number", prefix, name)
	}
	return 0, badRequest("%sField \"%s\" must be a Number", prefix, name)
}

// trimText removes the trailing spaces and newlines of a text, and its
// leading ones up to the first entity, as tdlib's fix_formatted_text does;
// the entities are cut or moved to match.
func trimText(text string, entities []Entity) (string, []Entity) {
	end := len(strings.TrimRight(text, " \n"))
	if end == 0 {
		return "", nil
	}
	text = text[:end]
	last := utf16Len(text)
	kept := entities[:0:0]
	for _, e := range entities {
		if e.Offset >= last {
			continue
		}
		e.Length = min(e.Length, last-e.Offset)
		kept = append(kept, e)
	}
	first := len(text)
	if len(kept) > 0 {
		first = kept[0].Offset // leading spaces are one byte and one UTF-16 unit each
		for _, e := range kept {
			first = min(first, e.Offset)
		}
	}
	lead := 0
	for lead < first && lead < len(text) && (text[lead] == ' ' || text[lead] == '\n') {
		lead++
	}
	if lead > 0 {
		text = text[lead:]
		for i := range kept {
			kept[i].Offset -= lead
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	return text, kept
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// linkPreviewParam reads link_preview_options, or the older
// disable_web_page_preview when it is absent.
func linkPreviewParam(p map[string][]string) (*LinkPreview, *apiError) {
	raw := get(p, "link_preview_options")
	if raw == "" {
		if boolParam(p, "disable_web_page_preview") {
			return &LinkPreview{IsDisabled: true}, nil
		}
		return nil, nil
	}
	if !json.Valid([]byte(raw)) {
		return nil, badRequest("can't parse link preview options JSON object")
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &fields) != nil || fields == nil {
		return nil, badRequest("object expected as link preview options")
	}
	return linkPreviewFields(fields)
}

func linkPreviewFields(fields map[string]json.RawMessage) (*LinkPreview, *apiError) {
	var lp LinkPreview
	var aerr *apiError
	if lp.IsDisabled, aerr = optionalBool(fields, "is_disabled"); aerr != nil {
		return nil, aerr
	}
	if lp.URL, aerr = optionalString(fields, "url"); aerr != nil {
		return nil, aerr
	}
	if lp.PreferSmallMedia, aerr = optionalBool(fields, "prefer_small_media"); aerr != nil {
		return nil, aerr
	}
	if lp.PreferLargeMedia, aerr = optionalBool(fields, "prefer_large_media"); aerr != nil {
		return nil, aerr
	}
	if lp.ShowAboveText, aerr = optionalBool(fields, "show_above_text"); aerr != nil {
		return nil, aerr
	}
	return &lp, nil
}
