package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

// The grammar of button data. A button's data is its kind, then its
// arguments, separated by ':': "d:officina-brianza", "bd:3f2a4:2026-12-04".
// The kinds and the arguments each takes are listed in the buttons table of
// routes.go; button builds data, and parseData reads it back, refusing what
// the table does not allow (a forged or outdated button never reaches a
// handler). Telegram caps data at 64 bytes: TestButtonDataFits builds every
// kind with its longest arguments.

// kind is what a button does: the first field of its data.
type kind string

const sep = ":"

// arg is one argument of a button's data: its longest form and a check.
type arg struct {
	name  string
	max   int // bytes
	valid func(string) bool
}

// The arguments buttons carry.
var (
	aSpace   = arg{"space", registry.MaxID, isSlug}
	aRoom    = arg{"room", registry.MaxRoomID, isSlug}
	aToken   = arg{"draft", draftTokenLen, isToken}
	aDay     = arg{"day", len(time.DateOnly), isDay}
	aInt     = arg{"number", 19, isNumber}
	aCode    = arg{"code", 6, isCode}
	aWord    = arg{"word", 16, isWord}              // one of a closed set, checked by the handler
	aPart    = arg{"part", 10, isWord}              // a part of a listing, beside a space id
	aSmall   = arg{"small", 3, isNumber}            // a small count or index, beside a space id
	aValue   = arg{"value", registry.MaxID, isSlug} // a step's value: a space, a room, a number, a language
	aService = arg{"service", 16, isWord}
)

// button is a button with its data built from a kind and its arguments.
// Telegram shows a label as plain text: the localizer's HTML (an escaped
// "&" in a space's name, a tag) is turned back into what a person reads.
func button(label string, k kind, args ...string) Button {
	return Button{Label: plainLabel(label), Data: data(k, args...)}
}

// plainLabel turns a message's HTML into the plain text of a button.
func plainLabel(s string) string { return stripHTML(s) }

// data builds the data of a button.
func data(k kind, args ...string) string {
	if len(args) == 0 {
		return string(k)
	}
	return string(k) + sep + strings.Join(args, sep)
}

// parseData splits button data into its kind and arguments, and checks them
// against the kind's grammar.
func parseData(s string) (kind, []string, bool) {
	head, rest, hasArgs := strings.Cut(s, sep)
	k := kind(head)
	r, ok := buttons[k]
	if !ok {
		return k, nil, false
	}
	var args []string
	if hasArgs {
		args = strings.Split(rest, sep)
	}
	if len(args) != len(r.args) {
		return k, nil, false
	}
	for i, a := range r.args {
		if len(args[i]) > a.max || !a.valid(args[i]) {
			return k, nil, false
		}
	}
	return k, args, true
}

// rows drops empty rows, which Telegram refuses.
func rows(rs ...[]Button) [][]Button {
	out := make([][]Button, 0, len(rs))
	for _, r := range rs {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	return out
}

// chunk lays buttons out n to a row.
func chunk(bs []Button, n int) [][]Button {
	var out [][]Button
	for len(bs) > 0 {
		k := min(n, len(bs))
		out = append(out, bs[:k:k])
		bs = bs[k:]
	}
	return out
}

func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isNumber(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil && s != "" && s[0] != '+'
}

func isDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(registry.CodeAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// atoi reads an argument parseData checked as a number.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
