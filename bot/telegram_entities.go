package bot

import (
	"html"
	"sort"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// entityTags are the HTML tags of the formatting entities a person can put
// in a message, as Telegram's HTML parse mode writes them.
var entityTags = map[string][2]string{
	"bold": {"<b>", "</b>"}, "italic": {"<i>", "</i>"}, "underline": {"<u>", "</u>"},
	"strikethrough": {"<s>", "</s>"}, "spoiler": {"<tg-spoiler>", "</tg-spoiler>"},
	"code": {"<code>", "</code>"}, "pre": {"<pre>", "</pre>"}, "blockquote": {"<blockquote>", "</blockquote>"},
}

// entitiesHTML writes a message's text with its entities as Telegram HTML,
// so that what a person formatted (bold, italic, links) survives when the
// bot sends it on. Offsets are in UTF-16 code units, as in the Bot API;
// entities Telegram nests properly are written nested.
func entitiesHTML(text string, entities []tgbotapi.MessageEntity) string {
	units := utf16.Encode([]rune(text))
	type mark struct {
		at    int
		open  bool
		tag   string
		order int // closing tags of later entities first
	}
	var marks []mark
	for i, e := range entities {
		if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > len(units) {
			continue
		}
		tags, ok := entityTags[e.Type]
		if e.Type == "text_link" && e.URL != "" {
			tags, ok = [2]string{`<a href="` + html.EscapeString(e.URL) + `">`, "</a>"}, true
		}
		if !ok {
			continue // mentions, hashtags, urls: Telegram finds them again by itself
		}
		marks = append(marks, mark{e.Offset, true, tags[0], i}, mark{e.Offset + e.Length, false, tags[1], i})
	}
	sort.SliceStable(marks, func(a, b int) bool {
		if marks[a].at != marks[b].at {
			return marks[a].at < marks[b].at
		}
		if marks[a].open != marks[b].open {
			return !marks[a].open // close before opening at the same place
		}
		if marks[a].open {
			return marks[a].order < marks[b].order
		}
		return marks[a].order > marks[b].order
	})
	var b strings.Builder
	pos := 0
	for _, m := range marks {
		b.WriteString(html.EscapeString(string(utf16.Decode(units[pos:m.at]))))
		b.WriteString(m.tag)
		pos = m.at
	}
	b.WriteString(html.EscapeString(string(utf16.Decode(units[pos:]))))
	return b.String()
}
