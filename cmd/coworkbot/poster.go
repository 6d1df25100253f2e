package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/comune-seregno/coworkbot/bot"
	"github.com/comune-seregno/coworkbot/bot/poster"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// linkFlags are the flags link and poster share.
type linkFlags struct {
	db, space, username, lang *string
}

func addLinkFlags(fs *flag.FlagSet) linkFlags {
	return linkFlags{
		db:       fs.String("db", "", "registry database to read (required)"),
		space:    fs.String("space", "", "the space's id in the list (required)"),
		username: fs.String("bot-username", "", "the bot's Telegram username (default $TELEGRAM_BOT_USERNAME)"),
		lang:     fs.String("lang", "it", "language of the messages, and the poster's first language: it or en"),
	}
}

// botUsername is the bot's username for its links: -bot-username, else
// $TELEGRAM_BOT_USERNAME, with or without the @, else what getMe says with
// $TELEGRAM_BOT_TOKEN (at $TELEGRAM_API_ENDPOINT, or Telegram's). Every way
// of finding it goes here.
func botUsername(ctx context.Context, given string, l *locales.Localizer) (string, error) {
	name := strings.TrimPrefix(strings.TrimSpace(given), "@")
	if name == "" {
		name = strings.TrimPrefix(strings.TrimSpace(os.Getenv("TELEGRAM_BOT_USERNAME")), "@")
	}
	if token := os.Getenv("TELEGRAM_BOT_TOKEN"); name == "" && token != "" {
		var err error
		if name, err = bot.BotUsername(ctx, os.Getenv("TELEGRAM_API_ENDPOINT"), token); err != nil {
			return "", err
		}
	}
	if name == "" {
		return "", usageError(plain(l.T("cli.no_username")))
	}
	if !bot.ValidUsername(name) {
		return "", usageError(plain(l.T("cli.bad_username", "Name", name)))
	}
	return name, nil
}

// spaceLink checks the flags, finds the space in the list and makes its
// deep link; only an approved space gets one, since only those can be booked.
func (f linkFlags) spaceLink(ctx context.Context, l *locales.Localizer) (registry.Space, string, error) {
	if *f.db == "" {
		return registry.Space{}, "", usageError(plain(l.T("cli.no_db")))
	}
	if *f.space == "" {
		return registry.Space{}, "", usageError(plain(l.T("cli.no_space")))
	}
	username, err := botUsername(ctx, *f.username, l)
	if err != nil {
		return registry.Space{}, "", err
	}
	db, err := openExisting(ctx, *f.db, l)
	if err != nil {
		return registry.Space{}, "", err
	}
	defer db.Close()
	s, err := db.Space(ctx, *f.space)
	switch {
	case errors.Is(err, registry.ErrNotFound):
		return s, "", errors.New(plain(l.T("cli.unknown_space", "ID", *f.space)))
	case err != nil:
		return s, "", err
	case s.Status == registry.Suspended:
		return s, "", errors.New(plain(l.T("poster.suspended", "Name", s.Name, "ID", s.ID)))
	case s.Status != registry.Approved:
		return s, "", errors.New(plain(l.T("poster.pending", "Name", s.Name, "ID", s.ID)))
	}
	return s, bot.SpaceLink(username, s.ID), nil
}

// localizer is the bundle's localizer for -lang, refusing a language the
// bot does not speak.
func localizer(lang string) (*locales.Localizer, *locales.Bundle, error) {
	if locales.Match(lang) == "" {
		return nil, nil, usageError(fmt.Sprintf("-lang %q: want it or en", lang))
	}
	texts, err := locales.New()
	if err != nil {
		return nil, nil, err
	}
	return texts.For(lang), texts, nil
}

func runLink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("link", stderr)
	f := addLinkFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("usage: coworkbot link -db PATH -space ID [-bot-username NAME] [-lang it|en]")
	}
	l, _, err := localizer(*f.lang)
	if err != nil {
		return err
	}
	_, link, err := f.spaceLink(ctx, l)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, link)
	return err
}

func runPoster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("poster", stderr)
	f := addLinkFlags(fs)
	out := fs.String("o", "", "the file to write: FILE.png or FILE.pdf (A4)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("usage: coworkbot poster -db PATH -space ID -o FILE.png|FILE.pdf [-bot-username NAME] [-lang it|en]")
	}
	l, texts, err := localizer(*f.lang)
	if err != nil {
		return err
	}
	var write func(io.Writer, poster.Poster) error
	switch ext := strings.ToLower(filepath.Ext(*out)); {
	case *out == "":
		return usageError(plain(l.T("poster.no_output")))
	case ext == ".png":
		write = poster.PNG
	case ext == ".pdf":
		write = poster.PDF
	default:
		return usageError(plain(l.T("poster.bad_format", "File", *out)))
	}
	s, link, err := f.spaceLink(ctx, l)
	if err != nil {
		return err
	}
	// The instructions in the poster's language, then in the other one.
	other := l
	if i := slices.IndexFunc(locales.Languages, func(lang string) bool { return lang != l.Lang }); i >= 0 {
		other = texts.For(locales.Languages[i])
	}
	p := poster.Poster{
		Name:     s.Name,
		Comune:   s.Comune,
		Official: plain(l.T("poster.official")),
		Scan:     plain(l.T("poster.scan")),
		ScanAlt:  plain(other.T("poster.scan")),
		LinkText: strings.TrimPrefix(link, "https://"),
		Link:     link,
	}
	// Write beside the target and rename, so a failed poster leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".poster-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := write(tmp, p); err != nil {
		tmp.Close()
		var ge *poster.GlyphError
		if errors.As(err, &ge) {
			return errors.New(plain(l.T("poster.glyph", "Text", ge.Text, "Char", string(ge.Char))))
		}
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, plain(l.T("poster.written", "Name", s.Name, "File", *out)))
	return err
}
