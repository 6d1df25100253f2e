package telegramtest

import (
	"unicode/utf8"
)

// Limits of the bot's profile texts (core.telegram.org/bots/api#setmydescription).
const (
	maxDescription      = 512
	maxShortDescription = 120
)

// Description returns the description set for a language code with
// setMyDescription; the empty code is the one for users without a
// dedicated one.
func (s *Server) Description(languageCode string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.descriptions[languageCode]
}

// ShortDescription returns the short description set for a language code
// with setMyShortDescription.
func (s *Server) ShortDescription(languageCode string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shorts[languageCode]
}

// DescriptionSeenBy returns the description and the short description u
// sees on the bot's profile: those of u's language, or else the default
// ones.
func (s *Server) DescriptionSeenBy(u User) (description, short string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lang := languageOf(u)
	pick := func(texts map[string]string) string {
		if t, ok := texts[lang]; ok && lang != "" {
			return t
		}
		return texts[""]
	}
	return pick(s.descriptions), pick(s.shorts)
}

func (s *Server) setMyDescription(r *request) (any, *apiError) {
	// Telegram's servers check the length; the description is the one Bot
	// API users report (gramio.dev lists "short description is too long"),
	// not found in tdlib's sources.
	return s.setText(r, "description", maxDescription, "description is too long", s.descriptions)
}

func (s *Server) setMyShortDescription(r *request) (any, *apiError) {
	return s.setText(r, "short_description", maxShortDescription, "short description is too long", s.shorts)
}

// setText stores a profile text for a language; the empty text removes the
// dedicated one.
func (s *Server) setText(r *request, field string, limit int, tooLong string, texts map[string]string) (any, *apiError) {
	lang := r.params.Get("language_code")
	if aerr := checkLanguageCode(lang); aerr != nil {
		return nil, aerr
	}
	text := r.params.Get(field)
	if utf8.RuneCountInString(text) > limit {
		return nil, badRequest("%s", tooLong)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if text == "" {
		delete(texts, lang)
	} else {
		texts[lang] = text
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) getMyDescription(r *request) (any, *apiError) {
	lang := r.params.Get("language_code")
	if aerr := checkLanguageCode(lang); aerr != nil {
		return nil, aerr
	}
	return wireDescription{Description: s.Description(lang)}, nil
}

func (s *Server) getMyShortDescription(r *request) (any, *apiError) {
	lang := r.params.Get("language_code")
	if aerr := checkLanguageCode(lang); aerr != nil {
		return nil, aerr
	}
	return wireShortDescription{ShortDescription: s.ShortDescription(lang)}, nil
}
