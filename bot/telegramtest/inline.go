package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of answerInlineQuery (core.telegram.org/bots/api#answerinlinequery
// and the Bot API server's get_inline_query_results).
const (
	maxInlineResults  = 50
	maxResultIDBytes  = 64
	maxCacheTime      = 24 * 60 * 60
	defaultCacheTime  = 300
	maxNextOffsetByte = 64
)

// InlineAnswer is how the bot answered an inline query.
type InlineAnswer struct {
	Results    []InlineResult
	CacheTime  int
	IsPersonal bool
	NextOffset string
}

// InlineResult is an InlineQueryResultArticle, with the message that
// choosing it posts.
type InlineResult struct {
	ID          string
	Title       string
	Description string
	URL         string
	// Text and ParseMode are input_message_content's message_text and
	// parse_mode as the bot sent them; Plain and Entities the text as
	// the user will read it.
	Text        string
	ParseMode   string
	Plain       string
	Entities    []Entity
	LinkPreview *LinkPreview
	Keyboard    [][]Button
}

// inlineQuery is an inline query a test sent, and its answer.
type inlineQuery struct {
	from     User
	query    string
	answered bool
	answer   InlineAnswer
}

// SetInlineFeedback switches the updates with the results users choose
// (chosen_inline_result), off by default as in BotFather's /setinlinefeedback.
func (s *Server) SetInlineFeedback(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feedback = on
}

// SendInlineQuery enqueues an inline query from u, as when u types
// "@<bot username> query" in any chat, and returns its ID, which the bot
// must answer with answerInlineQuery. (getMe reports the bot as
// supporting inline queries; on Telegram, BotFather's /setinline must be
// on for that.)
func (s *Server) SendInlineQuery(u User, query string) (queryID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rememberLocked(u)
	s.nextQuery++
	id := strconv.FormatInt(5_000_000_000_000_000_000+s.nextQuery, 10)
	s.inline[id] = &inlineQuery{from: u, query: query}
	s.enqueueLocked(wireUpdate{InlineQuery: &wireInlineQuery{ID: id, From: userWire(u), Query: query}})
	return id
}

// InlineAnswered returns the bot's answer to an inline query, if it
// answered.
func (s *Server) InlineAnswered(queryID string) (InlineAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.inline[queryID]
	if q == nil || !q.answered {
		return InlineAnswer{}, false
	}
	return q.answer, true
}

// WaitInlineAnswer blocks until the bot answers an inline query and returns
// the answer, or returns an error when ctx ends first.
func (s *Server) WaitInlineAnswer(ctx context.Context, queryID string) (InlineAnswer, error) {
	var answer InlineAnswer
	err := s.wait(ctx, func() bool {
		q := s.inline[queryID]
		if q != nil && q.answered {
			answer = q.answer
		}
		return q != nil && q.answered
	})
	if err != nil {
		return InlineAnswer{}, fmt.Errorf("telegramtest: waiting for the answer to inline query %s: %w", queryID, err)
	}
	return answer, nil
}

// ChooseInlineResult plays u choosing result resultID of its answered
// inline query queryID in chat chatID (a group, a private chat with the bot
// or with someone else): the result's message is posted there by u via
// the bot, and Messages(chatID) returns it with ViaBot set. The bot receives
// no message update for it; with SetInlineFeedback on, it receives a
// chosen_inline_result update.
func (s *Server) ChooseInlineResult(u User, queryID, resultID string, chatID int64) (Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.inline[queryID]
	if q == nil || !q.answered {
		return Message{}, fmt.Errorf("telegramtest: inline query %s was not answered", queryID)
	}
	var result *InlineResult
	for i := range q.answer.Results {
		if q.answer.Results[i].ID == resultID {
			result = &q.answer.Results[i]
		}
	}
	if result == nil {
		return Message{}, fmt.Errorf("telegramtest: inline query %s has no result %q", queryID, resultID)
	}
	s.rememberLocked(u)
	posted := s.appendLocked(chatID, Message{
		Text:        result.Text,
		Plain:       result.Plain,
		ParseMode:   result.ParseMode,
		Entities:    result.Entities,
		LinkPreview: result.LinkPreview,
		Keyboard:    result.Keyboard,
		ViaBot:      true,
		SentBy:      u.ID,
	})
	if s.feedback {
		chosen := &wireChosenInlineResult{ResultID: resultID, From: userWire(u), Query: q.query}
		if len(result.Keyboard) > 0 {
			chosen.InlineMessageID = fmt.Sprintf("AgAAA%d_%d", chatID, posted.ID)
		}
		s.enqueueLocked(wireUpdate{ChosenInlineResult: chosen})
	}
	return *posted, nil
}

func (s *Server) answerInlineQuery(r *request) (any, *apiError) {
	p := r.params
	answer := InlineAnswer{IsPersonal: boolParam(p, "is_personal"), NextOffset: p.Get("next_offset"), CacheTime: defaultCacheTime}
	if v := p.Get("cache_time"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil {
			answer.CacheTime = min(max(n, 0), maxCacheTime)
		}
	}
	if len(answer.NextOffset) > maxNextOffsetByte {
		// The limit of messages.setInlineBotResults (core.telegram.org).
		return nil, badRequest("NEXT_OFFSET_INVALID")
	}
	results, aerr := inlineResults(p.Get("results"))
	if aerr != nil {
		return nil, aerr
	}
	answer.Results = results

	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.inline[p.Get("inline_query_id")]
	if q == nil || q.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	q.answered, q.answer = true, answer
	s.notifyLocked()
	return true, nil
}

// inlineResults reads the results of answerInlineQuery. The descriptions
// are those of the Bot API server (get_inline_query_results) and, for what
// Telegram's servers check, the MTProto errors it passes on
// (RESULT_ID_DUPLICATE, ARTICLE_TITLE_EMPTY…, from
// core.telegram.org/method/messages.setInlineBotResults).
func inlineResults(raw string) ([]InlineResult, *apiError) {
	if raw == "" || raw == "null" {
		return []InlineResult{}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		if !json.Valid([]byte(raw)) {
			return nil, badRequest("can't parse JSON encoded inline query results: %v", err)
		}
		return nil, badRequest("expected an Array of inline query results")
	}
	if len(list) > maxInlineResults {
		return nil, badRequest("too many inline query results specified")
	}
	const prefix = "can't parse inline query result: "
	out := make([]InlineResult, 0, len(list))
	seen := map[string]bool{}
	for _, item := range list {
		var fields map[string]json.RawMessage
		if json.Unmarshal(item, &fields) != nil || fields == nil {
			return nil, badRequest(prefix + "Inline query result must be an object")
		}
		typ, aerr := requiredString(fields, "type", prefix)
		if aerr != nil {
			return nil, aerr
		}
		var res InlineResult
		if res.ID, aerr = requiredString(fields, "id", prefix); aerr != nil {
			return nil, aerr
		}
		switch typ = strings.ToLower(typ); typ {
		case "article":
		case "audio", "contact", "game", "document", "gif", "location", "mpeg4_gif", "photo", "sticker", "venue", "video", "voice":
			return nil, badRequest("%stype %q is not supported by telegramtest, which knows only article results", prefix, typ)
		default:
			return nil, badRequest("%stype %q is unsupported for the inline query result", prefix, typ)
		}
		if aerr := inlineContent(fields, &res, prefix); aerr != nil {
			return nil, aerr
		}
		if res.Title, aerr = requiredString(fields, "title", prefix); aerr != nil {
			return nil, aerr
		}
		if res.Description, aerr = optionalString(fields, "description"); aerr != nil {
			return nil, prefixed(aerr, prefix)
		}
		if res.URL, aerr = optionalString(fields, "url"); aerr != nil {
			return nil, prefixed(aerr, prefix)
		}
		if hide, aerr := optionalBool(fields, "hide_url"); aerr != nil {
			return nil, prefixed(aerr, prefix)
		} else if hide {
			res.URL = ""
		}
		if raw, ok := fields["reply_markup"]; ok {
			if len(raw) == 0 || raw[0] != '{' {
				return nil, badRequest(prefix + "Field \"reply_markup\" must be of type Object")
			}
			m, aerr := parseMarkup(string(raw), false)
			if aerr != nil {
				return nil, prefixed(aerr, prefix)
			}
			if m.reply != nil || m.remove {
				return nil, badRequest("inline keyboard expected")
			}
			res.Keyboard = m.inline
		}
		if res.ID == "" || len(res.ID) > maxResultIDBytes {
			// The Bot API documents 1-64 bytes; the description is the
			// MTProto error's name, which the server passes on.
			return nil, badRequest("RESULT_ID_INVALID")
		}
		if seen[res.ID] {
			return nil, badRequest("RESULT_ID_DUPLICATE")
		}
		seen[res.ID] = true
		if strings.TrimSpace(res.Title) == "" {
			return nil, badRequest("ARTICLE_TITLE_EMPTY")
		}
		out = append(out, res)
	}
	return out, nil
}

// inlineContent reads an article's message: input_message_content with
// message_text, or the older message_text of the result itself.
func inlineContent(fields map[string]json.RawMessage, res *InlineResult, prefix string) *apiError {
	content := fields
	if raw, ok := fields["input_message_content"]; ok {
		if len(raw) == 0 || raw[0] != '{' {
			return badRequest("%s%s", prefix, "Field \"input_message_content\" must be of type Object")
		}
		content = nil
		if json.Unmarshal(raw, &content) != nil {
			return badRequest("%s%s", prefix, "Field \"input_message_content\" must be of type Object")
		}
		text, aerr := optionalString(content, "message_text")
		if aerr != nil {
			return prefixed(aerr, prefix)
		}
		if text == "" {
			return badRequest("%s%s", prefix, "Input message content is not specified")
		}
		if raw, ok := content["link_preview_options"]; ok {
			var lp map[string]json.RawMessage
			if json.Unmarshal(raw, &lp) != nil || lp == nil {
				return badRequest("%s%s", prefix, "Field \"link_preview_options\" must be of type Object")
			}
			if res.LinkPreview, aerr = linkPreviewFields(lp); aerr != nil {
				return prefixed(aerr, prefix)
			}
		}
	} else if _, ok := fields["message_text"]; !ok {
		return badRequest("%s%s", prefix, "Can't find field \"message_text\"")
	}
	var aerr *apiError
	if res.Text, aerr = optionalString(content, "message_text"); aerr != nil {
		return prefixed(aerr, prefix)
	}
	if res.ParseMode, aerr = optionalString(content, "parse_mode"); aerr != nil {
		return prefixed(aerr, prefix)
	}
	if res.LinkPreview == nil {
		disabled, aerr := optionalBool(content, "disable_web_page_preview")
		if aerr != nil {
			return prefixed(aerr, prefix)
		}
		if disabled {
			res.LinkPreview = &LinkPreview{IsDisabled: true}
		}
	}
	entities := ""
	if raw, ok := content["entities"]; ok {
		entities = string(raw)
	}
	if res.Text == "" {
		return badRequest("%s%s", prefix, "Message text is empty")
	}
	t, aerr := formatText(res.Text, res.ParseMode, entities)
	switch {
	case aerr != nil:
		return prefixed(aerr, prefix)
	case t.plain == "":
		return badRequest("text must be non-empty")
	case utf8.RuneCountInString(t.plain) > maxTextLength:
		return badRequest("MESSAGE_TOO_LONG")
	}
	res.Plain, res.Entities = t.plain, t.entities
	return nil
}
