package registry

import (
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Limits on what one file and one space may hold. Lengths count characters
// (Unicode code points), not bytes, except MaxFileBytes. The bot reuses them
// for what providers type, so a listing is held to the same limits however
// it arrives.
const (
	// MaxFileBytes is the largest file an import reads: 10 MB, far more than
	// any list of coworking spaces needs.
	MaxFileBytes = 10 << 20
	// MaxRecords is the most spaces one file may hold.
	MaxRecords = 5000

	// MaxID is the longest space id.
	MaxID = 48
	// MaxName is the longest name: it must fit a button and a card's title.
	MaxName = 80
	// MaxComune is the longest comune: Italy's longest names, the
	// bilingual ones of South Tyrol, have about 50 characters.
	MaxComune = 60
	// MaxAddress is the longest street address.
	MaxAddress = 120
	// MaxPhone is the longest phone field: room for two numbers.
	MaxPhone = 40
	// MaxEmail is the longest address SMTP allows (RFC 5321).
	MaxEmail = 254
	// MaxWebsite is the longest website address.
	MaxWebsite = 200
	// MaxDescription is the longest description in one language, so that a
	// space's whole card fits one Telegram message (4,096 characters).
	MaxDescription = 1500
	// MaxHours is the longest opening-hours expression, as written on
	// export: OpenStreetMap allows 255 characters in a tag's value.
	MaxHours = 255
	// MaxServices is the most service codes one record may list (there are
	// 15 services; a longer list is not a list of services).
	MaxServices = 32
	// MaxRooms is the most rooms one space may have.
	MaxRooms = 20
	// MaxRoomID is the longest room id: the bot puts room ids into button
	// data, which Telegram caps at 64 bytes.
	MaxRoomID = 32
	// MaxRoomName is the longest room name.
	MaxRoomName = 60
	// MaxReason is the longest reason or note given with a decision (a
	// rejection, a suspension, a closure, a cancelled event): it is quoted
	// in the messages to the people it concerns, which must fit Telegram's
	// 4,096 characters.
	MaxReason = 500
)

// FieldReason is the field of a reason's Problem.
const FieldReason = "reason"

// checkReason refuses a reason longer than MaxReason, as Problems.
func checkReason(reason string) error {
	if utf8.RuneCountInString(reason) > MaxReason {
		return Problems{{Field: FieldReason, Code: ProbTooLong, Value: strconv.Itoa(MaxReason)}}
	}
	return nil
}

// Problem codes for limits and for the text of a file.
const (
	ProbTooMany         = "too_many"            // a list longer than its limit; Value is the limit
	ProbFileTooLarge    = "file_too_large"      // Value is the limit in MB
	ProbTooManyRecords  = "too_many_records"    // Value is the limit
	ProbBadEncoding     = "bad_encoding"        // neither UTF-8 nor Windows-1252; Value is the byte
	ProbNotUTF8         = "not_utf8"            // GeoJSON must be UTF-8; Value is the byte
	ProbMixedEncoding   = "mixed_encoding"      // UTF-8 and Windows-1252 in one file; Value is the text
	ProbReplacementChar = "replacement_char"    // U+FFFD, text already spoilt; Value is the text around it
	ProbControlChar     = "control_char"        // a control character, not text; Value is U+XXXX
	ProbThousands       = "thousands_separator" // a number with a thousands separator; Value is the number
)

// ProblemCodes lists every problem code, so that a caller can check it has
// words for each.
var ProblemCodes = []string{ProbMissing, ProbBadCoords, ProbSwappedCoords, ProbUnknownSvc, ProbBadHours,
	ProbNegative, ProbNotNumber, ProbDuplicateID, ProbBadID, ProbBadEmail, ProbBadURL, ProbBadGeometry,
	ProbUnknownField, ProbBadRoom, ProbUnreadable, ProbBadType, ProbBadLanguage, ProbEmptyFile, ProbTooLong,
	ProbTooMany, ProbFileTooLarge, ProbTooManyRecords, ProbBadEncoding, ProbNotUTF8, ProbMixedEncoding,
	ProbReplacementChar, ProbControlChar, ProbThousands}

// limitProblems says which of s's fields are longer than their limit, and
// which lists hold too many items. Each problem's Value is the limit.
func (s *Space) limitProblems() []Problem {
	var ps []Problem
	over := func(field, code string, max int) {
		ps = append(ps, Problem{ID: s.ID, Field: field, Code: code, Value: strconv.Itoa(max)})
	}
	long := func(field, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			over(field, ProbTooLong, max)
		}
	}
	long("name", s.Name, MaxName)
	long("comune", s.Comune, MaxComune)
	long("address", s.Address, MaxAddress)
	long("phone", s.Phone, MaxPhone)
	long("email", s.Email, MaxEmail)
	long("website", s.Website, MaxWebsite)
	if !s.Hours.IsZero() {
		long("opening_hours", s.Hours.String(), MaxHours)
	}
	for _, lang := range slices.Sorted(maps.Keys(s.Description)) {
		long("description_"+lang, s.Description[lang], MaxDescription)
	}
	if len(s.Rooms) > MaxRooms {
		over("rooms", ProbTooMany, MaxRooms)
	}
	for _, r := range s.Rooms {
		long("rooms", r.ID, MaxRoomID)
		long("rooms", r.Name, MaxRoomName)
	}
	return ps
}
