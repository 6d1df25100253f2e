package telegramtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// entityTypes maps the tags of Telegram's HTML subset to the types of the
// entities they make.
var entityTypes = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"tg-spoiler": "spoiler", "span": "spoiler",
	"a":          "text_link",
	"code":       "code",
	"pre":        "pre",
	"blockquote": "blockquote",
	"tg-emoji":   "custom_emoji",
}

// openTag is a start tag waiting for its end tag.
type openTag struct {
	name  string
	kind  string
	start int // UTF-16 offset in the parsed text
	url   string
	lang  string
	inPre bool
}

// parseHTML parses text in Telegram's HTML style and returns the text the
// user reads and its entities, with offsets in UTF-16 code units as in the
// Bot API. It is stricter than Telegram in one place: a bare "&" is an
// error rather than a literal ampersand, so that the bot always escapes.
func parseHTML(text string) (string, []wireEntity, error) {
	var out strings.Builder
	var stack []*openTag
	var entities []wireEntity
	pos := 0 // UTF-16 length of out

	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			if strings.HasPrefix(text[i:], "</") {
				end := strings.IndexByte(text[i:], '>')
				if end < 0 {
					return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", i)
				}
				name := strings.ToLower(strings.TrimSpace(text[i+2 : i+end]))
				if len(stack) == 0 {
					return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				top := stack[len(stack)-1]
				if name != top.name {
					return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top.name, name)
				}
				stack = stack[:len(stack)-1]
				switch {
				case top.name == "code" && top.inPre:
					// <pre><code class="language-x"> is one pre entity.
					if top.lang != "" {
						stack[len(stack)-1].lang = top.lang
					}
				case pos > top.start && !(top.kind == "text_link" && top.url == ""):
					entities = append(entities, wireEntity{Type: top.kind, Offset: top.start, Length: pos - top.start, URL: top.url, Language: top.lang})
				}
				i += end + 1
				continue
			}
			tag, next, err := parseStartTag(text, i)
			if err != nil {
				return "", nil, err
			}
			tag.start = pos
			tag.inPre = tag.name == "code" && len(stack) > 0 && stack[len(stack)-1].name == "pre"
			stack = append(stack, tag)
			i = next
		case '&':
			r, n, err := decodeEntity(text, i)
			if err != nil {
				return "", nil, err
			}
			out.WriteRune(r)
			pos += utf16.RuneLen(r)
			i += n
		default:
			r, n := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+n])
			pos += max(utf16.RuneLen(r), 1)
			i += n
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	slices.SortStableFunc(entities, func(a, b wireEntity) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return b.Length - a.Length
	})
	return out.String(), entities, nil
}

// parseStartTag parses the start tag at text[at] and returns it with the
// offset just past its '>'.
func parseStartTag(text string, at int) (*openTag, int, error) {
	j := at + 1
	for j < len(text) && isNameByte(text[j]) {
		j++
	}
	name := strings.ToLower(text[at+1 : j])
	kind, ok := entityTypes[name]
	if !ok {
		return nil, 0, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, at)
	}
	tag := &openTag{name: name, kind: kind}
	attrs := map[string]string{}
	for {
		for j < len(text) && isSpace(text[j]) {
			j++
		}
		if j >= len(text) {
			return nil, 0, fmt.Errorf("Unclosed start tag at byte offset %d", at)
		}
		if text[j] == '>' {
			j++
			break
		}
		k := j
		for j < len(text) && isNameByte(text[j]) {
			j++
		}
		if k == j {
			return nil, 0, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, k)
		}
		attr := strings.ToLower(text[k:j])
		for j < len(text) && isSpace(text[j]) {
			j++
		}
		if j >= len(text) || text[j] != '=' {
			attrs[attr] = ""
			continue
		}
		j++
		for j < len(text) && isSpace(text[j]) {
			j++
		}
		if j >= len(text) {
			return nil, 0, fmt.Errorf("Unclosed start tag at byte offset %d", at)
		}
		var raw string
		if q := text[j]; q == '"' || q == '\'' {
			end := strings.IndexByte(text[j+1:], q)
			if end < 0 {
				return nil, 0, fmt.Errorf("Unclosed start tag at byte offset %d", at)
			}
			raw = text[j+1 : j+1+end]
			j += end + 2
		} else {
			k := j
			for j < len(text) && !isSpace(text[j]) && text[j] != '>' {
				j++
			}
			raw = text[k:j]
		}
		value, err := decodeAll(raw, j-len(raw))
		if err != nil {
			return nil, 0, err
		}
		attrs[attr] = value
	}

	switch name {
	case "a":
		tag.url = attrs["href"]
	case "code", "pre":
		if lang, ok := strings.CutPrefix(attrs["class"], "language-"); ok {
			tag.lang = lang
		}
	case "span":
		if attrs["class"] != "tg-spoiler" {
			return nil, 0, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", at)
		}
	case "blockquote":
		if _, ok := attrs["expandable"]; ok {
			tag.kind = "expandable_blockquote"
		}
	case "tg-emoji":
		if _, err := strconv.ParseInt(attrs["emoji-id"], 10, 64); err != nil {
			return nil, 0, fmt.Errorf("Custom emoji entity must contain a valid custom emoji identifier at byte offset %d", at)
		}
	}
	return tag, j, nil
}

// decodeEntity decodes the HTML entity at text[at], which is '&'. Telegram
// knows &lt; &gt; &amp; &quot; and numeric entities.
func decodeEntity(text string, at int) (rune, int, error) {
	semi := strings.IndexByte(text[at:], ';')
	if semi < 0 || semi > 12 {
		return 0, 0, fmt.Errorf("Unescaped \"&\" at byte offset %d: write &amp;", at)
	}
	name := text[at+1 : at+semi]
	switch name {
	case "lt":
		return '<', semi + 1, nil
	case "gt":
		return '>', semi + 1, nil
	case "amp":
		return '&', semi + 1, nil
	case "quot":
		return '"', semi + 1, nil
	}
	if digits, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, ok := strings.CutPrefix(strings.ToLower(digits), "x"); ok {
			digits, base = hex, 16
		}
		n, err := strconv.ParseUint(digits, base, 32)
		if err == nil && n > 0 && utf8.ValidRune(rune(n)) {
			return rune(n), semi + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("Unsupported HTML entity \"&%s;\" at byte offset %d", name, at)
}

// decodeAll decodes the entities in an attribute value found at byte
// offset at of the source.
func decodeAll(raw string, at int) (string, error) {
	var b strings.Builder
	for i := 0; i < len(raw); {
		if raw[i] != '&' {
			b.WriteByte(raw[i])
			i++
			continue
		}
		r, n, err := decodeEntity(raw, i)
		if err != nil {
			return "", fmt.Errorf("in attribute value at byte offset %d: %w", at, err)
		}
		b.WriteRune(r)
		i += n
	}
	return b.String(), nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}
