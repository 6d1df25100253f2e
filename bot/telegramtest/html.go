package telegramtest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseHTML parses text in Telegram's HTML style as Telegram does and
// returns the text the user reads and its entities, with offsets in UTF-16
// code units as in the Bot API. Tests use it to play a user who formats a
// message (SendFormatted) without counting offsets by hand.
func ParseHTML(text string) (string, []Entity, error) {
	plain, entities, err := parseHTML(text)
	return plain, fromWire(entities), err
}

// supportedTags are the tags of Telegram's HTML style.
var supportedTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true, "del": true,
	"u": true, "ins": true, "tg-spoiler": true, "tg-emoji": true, "tg-time": true, "span": true,
	"pre": true, "code": true, "blockquote": true,
}

// openTag is a start tag waiting for its end tag.
type openTag struct {
	name     string
	argument string
	offset   int // UTF-16 offset in the parsed text
	begin    int // byte offset in the parsed text
}

// parseHTML is a port of tdlib's parse_html (td/telegram/MessageEntity.cpp),
// error messages included: unknown entities and a bare "&" are literal
// text, as in Telegram, and an entity that covers nothing is dropped.
func parseHTML(text string) (string, []wireEntity, error) {
	at := func(i int) byte {
		if i < len(text) {
			return text[i]
		}
		return 0
	}
	var out strings.Builder
	var stack []openTag
	var entities []wireEntity
	offset := 0 // UTF-16 length of out

	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '&' {
			if r, next := decodeHTMLEntity(text, i); r != 0 {
				if r >= 0xd800 && r <= 0xdfff {
					return "", nil, fmt.Errorf("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units")
				}
				out.WriteRune(r)
				offset += utf16.RuneLen(r)
				i = next - 1
				continue
			}
		}
		if c != '<' {
			r, n := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+n])
			offset += max(utf16.RuneLen(r), 1)
			i += n - 1
			continue
		}

		begin := i
		i++
		if at(i) != '/' {
			// A start tag.
			for at(i) != 0 && !isSpace(at(i)) && at(i) != '>' {
				i++
			}
			if at(i) == 0 {
				return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
			}
			name := strings.ToLower(text[begin+1 : i])
			if !supportedTags[name] {
				return "", nil, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, begin)
			}
			argument := ""
			for at(i) != '>' {
				for at(i) != 0 && isSpace(at(i)) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrBegin := i
				for at(i) != 0 && !isSpace(at(i)) && !strings.ContainsRune("=>/\"'", rune(at(i))) {
					i++
				}
				attr := text[attrBegin:i]
				if attr == "" {
					return "", nil, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)
				}
				for at(i) != 0 && isSpace(at(i)) {
					i++
				}
				if at(i) != '=' {
					if at(i) == 0 {
						return "", nil, fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
					}
					if name == "blockquote" && attr == "expandable" {
						argument = "1"
					}
					continue
				}
				i++
				for at(i) != 0 && isSpace(at(i)) {
					i++
				}
				if at(i) == 0 {
					return "", nil, fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
				}
				var value string
				if q := at(i); q != '\'' && q != '"' {
					// A name token: letters, digits, periods and hyphens,
					// not case sensitive.
					tokenBegin := i
					for isAlnum(at(i)) || at(i) == '.' || at(i) == '-' {
						i++
					}
					value = strings.ToLower(text[tokenBegin:i])
					if !isSpace(at(i)) && at(i) != '>' {
						return "", nil, fmt.Errorf("Unexpected end of name token at byte offset %d", tokenBegin)
					}
				} else {
					// A string literal.
					i++
					var b strings.Builder
					for at(i) != q && at(i) != 0 {
						if at(i) == '&' {
							if r, next := decodeHTMLEntity(text, i); r != 0 {
								b.WriteRune(r)
								i = next
								continue
							}
						}
						b.WriteByte(text[i])
						i++
					}
					if at(i) == q {
						i++
					}
					value = b.String()
				}
				if at(i) == 0 {
					return "", nil, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
				}
				switch {
				case name == "a" && attr == "href":
					argument = value
				case name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
					argument = value[len("language-"):]
				case name == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
					argument = value[len("tg-"):]
				case name == "tg-emoji" && attr == "emoji-id":
					argument = value
				case name == "blockquote" && attr == "expandable":
					argument = "1"
				}
			}
			if name == "span" && argument != "spoiler" {
				return "", nil, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			stack = append(stack, openTag{name: name, argument: argument, offset: offset, begin: out.Len()})
			continue
		}

		// An end tag.
		if len(stack) == 0 {
			return "", nil, fmt.Errorf("Unexpected end tag at byte offset %d", begin)
		}
		for at(i) != 0 && !isSpace(at(i)) && at(i) != '>' {
			i++
		}
		endName := strings.ToLower(text[begin+2 : i])
		for at(i) != 0 && isSpace(at(i)) {
			i++
		}
		if at(i) != '>' {
			return "", nil, fmt.Errorf("Unclosed end tag at byte offset %d", begin)
		}
		top := stack[len(stack)-1]
		if endName != "" && endName != top.name {
			return "", nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.name, endName)
		}
		stack = stack[:len(stack)-1]
		if offset <= top.offset {
			continue
		}
		e := wireEntity{Offset: top.offset, Length: offset - top.offset}
		last := func() *wireEntity {
			if n := len(entities); n > 0 && entities[n-1].Offset == e.Offset && entities[n-1].Length == e.Length {
				return &entities[n-1]
			}
			return nil
		}
		switch top.name {
		case "i", "em":
			e.Type = "italic"
		case "b", "strong":
			e.Type = "bold"
		case "s", "strike", "del":
			e.Type = "strikethrough"
		case "u", "ins":
			e.Type = "underline"
		case "tg-spoiler", "span":
			e.Type = "spoiler"
		case "tg-emoji":
			id, err := strconv.ParseInt(top.argument, 10, 64)
			if err != nil || id == 0 {
				return "", nil, fmt.Errorf("Invalid custom emoji identifier specified")
			}
			e.Type, e.CustomEmojiID = "custom_emoji", top.argument
		case "tg-time":
			// A formatted date; the fake keeps its text and drops it.
			continue
		case "a":
			link := top.argument
			if link == "" {
				link = out.String()[top.begin:]
			}
			normalized, ok := normalizeLink(link)
			if !ok {
				continue
			}
			e.Type, e.URL = "text_link", normalized
		case "pre":
			if l := last(); l != nil && l.Type == "code" && l.Language != "" {
				l.Type = "pre"
				continue
			}
			e.Type = "pre"
		case "code":
			if l := last(); l != nil && l.Type == "pre" && top.argument != "" {
				l.Language = top.argument
				continue
			}
			e.Type, e.Language = "code", top.argument
		case "blockquote":
			e.Type = "blockquote"
			if top.argument != "" {
				e.Type = "expandable_blockquote"
			}
		}
		entities = append(entities, e)
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	for i := range entities {
		if entities[i].Type == "code" {
			entities[i].Language = ""
		}
	}
	sortEntities(entities)
	return out.String(), entities, nil
}

// sortEntities orders entities by offset, longer first, as tdlib does.
func sortEntities(entities []wireEntity) {
	slices.SortStableFunc(entities, func(a, b wireEntity) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return b.Length - a.Length
	})
}

// decodeHTMLEntity decodes the character reference at text[at], which is
// '&', as tdlib's decode_html_entity does: &lt; &gt; &amp; &quot; and
// numeric references, the semicolon optional. It returns 0 for anything
// else, which is then literal text, and the offset just past the reference.
func decodeHTMLEntity(text string, at int) (rune, int) {
	byteAt := func(i int) byte {
		if i < len(text) {
			return text[i]
		}
		return 0
	}
	end := at + 1
	var r rune
	if byteAt(end) == '#' {
		end++
		if byteAt(end) == 'x' {
			end++
			for isHexDigit(byteAt(end)) {
				r = r*16 + rune(hexValue(byteAt(end)))
				end++
				if r > 0x10ffff {
					return 0, 0
				}
			}
		} else {
			for byteAt(end) >= '0' && byteAt(end) <= '9' {
				r = r*10 + rune(byteAt(end)-'0')
				end++
				if r > 0x10ffff {
					return 0, 0
				}
			}
		}
		if r == 0 || r >= 0x10ffff || end-at >= 10 {
			return 0, 0
		}
	} else {
		for isAlpha(byteAt(end)) {
			end++
		}
		switch text[at+1 : end] {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		default:
			return 0, 0
		}
	}
	if byteAt(end) == ';' {
		end++
	}
	return r, end
}

// normalizeLink checks a link as tdlib's get_checked_link does and returns
// it as Telegram stores it (a scheme and a path added, the host in lower
// case), or false when Telegram would drop it.
func normalizeLink(link string) (string, bool) {
	if checkLink(link) != "" {
		return "", false
	}
	lower := strings.ToLower(link)
	if rest, ok := strings.CutPrefix(lower, "tg:"); ok {
		rest = strings.TrimPrefix(rest, "//")
		return "tg://" + rest, true
	}
	scheme, rest := "http", link
	if i := strings.Index(lower, "://"); i >= 0 && !strings.ContainsAny(lower[:i], "/?#@[]") {
		scheme, rest = lower[:i], link[i+3:]
	}
	hostEnd := len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		hostEnd = i
	}
	path := strings.TrimRight(rest[hostEnd:], " \t\n\r")
	if path == "" {
		path = "/"
	} else if path[0] != '/' {
		path = "/" + path
	}
	return scheme + "://" + strings.ToLower(rest[:hostEnd]) + path, true
}

// isSpace is tdlib's is_space, which counts the end of the text (0).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == 0
}

func isAlpha(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isAlnum(c byte) bool {
	return isAlpha(c) || c >= '0' && c <= '9'
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}
