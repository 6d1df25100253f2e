// Command coworkbot runs the Comune di Seregno's coworking bot: a console
// chat, the Telegram bot, and the clerk's import and export of the list.
//
//	coworkbot chat   [-db PATH] [-user ID] [-name NAME] [-lang it|en] [-now TIME]
//	coworkbot serve  [-db PATH] [-token TOKEN] [-api-endpoint URL] [-webhook-url URL -listen ADDR] [-broadcast-rate N]
//	coworkbot import -db PATH [-keep live|file] FILE
//	coworkbot export -db PATH -format geojson|csv|ics [-space ID] [-o FILE]
//	coworkbot link   -db PATH -space ID [-bot-username NAME]
//	coworkbot poster -db PATH -space ID -o FILE.png|FILE.pdf [-bot-username NAME]
//	coworkbot admin  add|remove|list -db PATH [TELEGRAM_ID] [-name NAME]
//	coworkbot invite -db PATH -space ID [-bot-username NAME]
//	coworkbot audit  -db PATH [-since DATE] [-o FILE.csv]
//	coworkbot purge  -db PATH [-dry-run] [-lang it|en] [-keep-bookings MONTHS]
//
// chat and serve also take the privacy notice's contacts (-privacy-contact,
// -dpo-contact, -privacy-channel, -privacy-dir) and the retention
// (-keep-location, -keep-state, -keep-bookings); -log-text writes the
// text of failed messages into the log, for debugging. See docs/privacy.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/comune-seregno/coworkbot/bot"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	var u usageError
	switch {
	case errors.As(err, &u):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "coworkbot:", err)
		os.Exit(1)
	}
}

type usageError string

func (u usageError) Error() string { return string(u) }

const usage = `usage:
  coworkbot chat   [-db PATH] [-user ID] [-name NAME] [-lang it|en] [-now 2026-12-02T10:00] [-patron MM-DD]
  coworkbot serve  [-db PATH] [-token TOKEN] [-api-endpoint URL] [-webhook-url URL -listen ADDR] [-broadcast-rate N]
  coworkbot link   -db PATH -space ID [-bot-username NAME] [-lang it|en]
  coworkbot poster -db PATH -space ID -o FILE.png|FILE.pdf [-bot-username NAME] [-lang it|en]
  coworkbot import -db PATH [-keep live|file] FILE.geojson|FILE.csv
  coworkbot export -db PATH -format geojson|csv [-o FILE]
  coworkbot admin  add|remove|list -db PATH [TELEGRAM_ID] [-name NAME]
  coworkbot invite -db PATH -space ID [-bot-username NAME]
  coworkbot audit  -db PATH [-since 2026-12-01] [-o FILE.csv]
  coworkbot purge  -db PATH [-dry-run] [-lang it|en] [-keep-location 3h] [-keep-state 24h] [-keep-bookings 12]

chat and serve: [-privacy-contact TEXT] [-dpo-contact TEXT] [-privacy-channel TEXT] [-privacy-dir DIR]
  [-keep-location 3h] [-keep-state 24h] [-keep-bookings 12] [-log-text]`

// run is the whole program; tests call it with their own arguments and streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError(usage)
	}
	switch args[0] {
	case "chat":
		return runChat(ctx, args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)
	case "link":
		return runLink(ctx, args[1:], stdout, stderr)
	case "poster":
		return runPoster(ctx, args[1:], stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[1:], stdout, stderr)
	case "invite":
		return runInvite(ctx, args[1:], stdout, stderr)
	case "audit":
		return runAudit(ctx, args[1:], stdout, stderr)
	case "purge":
		return runPurge(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError(fmt.Sprintf("unknown command %q\n%s", args[0], usage))
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("coworkbot "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usageError(usage)
		}
		return usageError(err.Error())
	}
	return nil
}

// openDB opens the database at path or, when path is empty, a throw-away
// copy of the demo registry; the returned func closes (and removes) it.
func openDB(ctx context.Context, path string, log *slog.Logger) (*registry.DB, func(), error) {
	if path != "" {
		db, err := registry.Open(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		return db, func() { db.Close() }, nil
	}
	dir, err := os.MkdirTemp("", "coworkbot-demo-")
	if err != nil {
		return nil, nil, err
	}
	db, err := registry.Open(ctx, filepath.Join(dir, "demo.db"))
	if err == nil {
		err = db.LoadDemo(ctx)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	log.Info("running on the demo registry (fictional spaces), in a throw-away copy", "path", db.Path())
	return db, func() { db.Close(); os.RemoveAll(dir) }, nil
}

// botFlags are the flags of the commands that run the bot (chat and serve),
// declared once.
type botFlags struct {
	db, centre, patron               *string
	contact, dpo, channel, noticeDir *string
	keep                             retentionFlags
	logText                          *bool
	username                         *string
}

func addBotFlags(fs *flag.FlagSet) botFlags {
	return botFlags{
		db:        fs.String("db", "", "registry database (default: a throw-away copy of the demo registry)"),
		centre:    fs.String("centre", "seregno-centro", "gazetteer id of the point used when the user names none"),
		patron:    fs.String("patron", "03-19", "the patron saint's day, MM-DD, a public holiday (Seregno: San Giuseppe)"),
		contact:   fs.String("privacy-contact", "", "the privacy notice: how to reach the controller, the Comune di Seregno (address, PEC, e-mail)"),
		dpo:       fs.String("dpo-contact", "", "the privacy notice: how to reach the data protection officer (RPD)"),
		channel:   fs.String("privacy-channel", "", "the privacy notice: the comune's other channel, for whoever would rather not use Telegram"),
		noticeDir: fs.String("privacy-dir", "", "a directory with the comune's own notice: privacy.it.html, privacy.en.html (see docs/privacy.md)"),
		keep:      addRetentionFlags(fs),
		logText:   fs.Bool("log-text", false, "write the text of messages that fail into the log (personal data: for debugging only)"),
		username:  fs.String("bot-username", os.Getenv("TELEGRAM_BOT_USERNAME"), "the bot's username, for the links and posters it makes (default $TELEGRAM_BOT_USERNAME; serve asks getMe)"),
	}
}

// open opens the registry the flags name and builds the bot on it; the
// returned func closes the registry (and removes a demo copy).
func (f botFlags) open(ctx context.Context, log *slog.Logger) (*registry.DB, *bot.Bot, func(), error) {
	cal, err := patronCalendar(*f.patron)
	if err != nil {
		return nil, nil, nil, err
	}
	db, closeDB, err := openDB(ctx, *f.db, log)
	if err != nil {
		return nil, nil, nil, err
	}
	db.Calendar = cal
	keep, err := f.keep.retention()
	if err != nil {
		closeDB()
		return nil, nil, nil, err
	}
	b, err := bot.New(bot.Config{DB: db, Centre: *f.centre, Log: log, LogText: *f.logText, Retention: keep, Username: *f.username,
		Privacy: bot.Privacy{Contact: *f.contact, DPO: *f.dpo, Channel: *f.channel, Dir: *f.noticeDir}})
	if err != nil {
		closeDB()
		return nil, nil, nil, err
	}
	return db, b, closeDB, nil
}

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("chat", stderr)
	common := addBotFlags(fs)
	user := fs.Int64("user", 1, "your user id: the same id on the same database is the same person")
	name := fs.String("name", "", "your first name")
	lang := fs.String("lang", "it", "your client's language: it or en")
	now := fs.String("now", "", "fix the clock, e.g. 2026-12-02T10:00 (Europe/Rome)")
	verbose := fs.Bool("v", false, "log what the bot does on standard error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if locales.Match(*lang) == "" {
		return usageError(fmt.Sprintf("-lang %q: want it or en", *lang))
	}
	var fixed time.Time
	if *now != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", *now, registry.Rome)
		if err != nil {
			return usageError(fmt.Sprintf("-now %q: want a time like 2026-12-02T10:00", *now))
		}
		fixed = t
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	db, b, closeDB, err := common.open(ctx, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if !fixed.IsZero() {
		db.Now = func() time.Time { return fixed }
	}
	c := &bot.Console{Bot: b, UserID: *user, FirstName: *name, Lang: *lang, In: stdin, Out: stdout}
	return c.Run(ctx)
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	common := addBotFlags(fs)
	token := fs.String("token", os.Getenv("TELEGRAM_BOT_TOKEN"), "bot token (default $TELEGRAM_BOT_TOKEN)")
	endpoint := fs.String("api-endpoint", bot.DefaultEndpoint, "Bot API server; /bot<token>/<method> is appended")
	pollTimeout := fs.Duration("poll-timeout", 30*time.Second, "long-polling timeout")
	webhookURL := fs.String("webhook-url", "", "public HTTPS URL of the webhook (webhook mode instead of long polling)")
	listen := fs.String("listen", ":8443", "address the webhook server listens on")
	secret := fs.String("webhook-secret", os.Getenv("TELEGRAM_WEBHOOK_SECRET"), "secret token Telegram sends with each webhook call (default: random)")
	workers := fs.Int("workers", bot.DefaultWorkers, "updates handled at once, each of a different person")
	broadcastRate := fs.Float64("broadcast-rate", bot.DefaultBroadcastRate, "messages a second of broadcasts (announcements); replies are not held back by it")
	patience := fs.Duration("reply-patience", 10*time.Minute, "how long a reply is retried while Telegram or the network fails")
	sendTimeout := fs.Duration("send-timeout", time.Minute, "timeout of one Bot API call; an answer later than this is taken for lost and the call repeated")
	grace := fs.Duration("stop-grace", 10*time.Second, "on SIGTERM, how long the updates under way may take to finish; the others are handed back")
	memLimit := fs.Int("memory-limit", 40, "soft memory limit in MiB: the garbage collector works harder near it (0: none; $GOMEMLIMIT wins)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if *common.contact == "" || *common.dpo == "" {
		log.Warn("the privacy notice names no contact of the controller or of the DPO, only the comune's website: set -privacy-contact and -dpo-contact")
	}
	_, b, closeDB, err := common.open(ctx, log)
	if err != nil {
		return err
	}
	defer closeDB()
	tg, err := bot.NewTelegram(ctx, b, bot.TelegramConfig{Token: *token, Endpoint: *endpoint, PollTimeout: *pollTimeout,
		WebhookURL: *webhookURL, Listen: *listen, Secret: *secret, Workers: *workers, BroadcastRate: *broadcastRate,
		ReplyPatience: *patience, SendTimeout: *sendTimeout, StopGrace: *grace})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	return tg.Run(ctx)
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	dbPath := fs.String("db", "", "registry database to write (required)")
	lang := fs.String("lang", "it", "language of the messages: it or en")
	keep := fs.String("keep", "live", "where the file and a change made in the chat disagree, keep the live list's value (live) or the file's (file)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || fs.NArg() != 1 {
		return usageError("usage: coworkbot import -db PATH [-keep live|file] FILE.geojson|FILE.csv")
	}
	if *keep != "live" && *keep != "file" {
		return usageError(fmt.Sprintf("-keep %q: want live or file", *keep))
	}
	texts, err := locales.New()
	if err != nil {
		return err
	}
	l := texts.For(*lang)
	file := fs.Arg(0)
	format := registry.FormatOf(file)
	if format == "" {
		return errors.New(plain(l.T("import.unknown_format", "File", file)))
	}
	f, err := os.Open(file)
	if err != nil {
		return errors.New(plain(l.T("import.unreadable", "File", file, "Err", err.Error())))
	}
	defer f.Close()
	// Read and check the whole file before touching the database: a refused
	// import leaves no trace, not even a new empty file.
	spaces, err := registry.Read(f, format)
	var probs registry.Problems
	if errors.As(err, &probs) {
		for _, p := range probs {
			fmt.Fprintln(stderr, plain(problemText(l, p)))
		}
		return errors.New(plain(l.N("import.refused", len(probs), "File", file)))
	}
	if err != nil {
		return err
	}
	db, err := registry.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.PutSpaces(ctx, registry.CommandLine, spaces, registry.PutOptions{FileWins: *keep == "file"})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, plain(l.T("import.done", "File", file, "Added", l.N("import.added", res.Added),
		"Updated", l.N("import.updated", res.Updated), "Unchanged", l.N("import.unchanged", res.Unchanged))))
	if len(res.KeptSuspended) > 0 {
		fmt.Fprintln(stdout, plain(l.T("import.kept_suspended", "IDs", strings.Join(res.KeptSuspended, ", "))))
	}
	if len(res.Missing) > 0 {
		fmt.Fprintln(stdout, plain(l.N("import.missing", len(res.Missing), "IDs", strings.Join(res.Missing, ", "))))
	}
	if len(res.Disagreements) > 0 {
		fmt.Fprintln(stdout, plain(l.N("import.disagreements", len(res.Disagreements))))
		for _, d := range res.Disagreements {
			kept := l.T("import.kept_live")
			if d.FileKept {
				kept = l.T("import.kept_file")
			}
			fmt.Fprintln(stdout, plain(l.T("import.disagreement", "ID", d.SpaceID, "Field", d.Field, "File", d.File, "Live", d.Live, "Kept", kept)))
		}
	}
	return nil
}

// patronCalendar is Italy's calendar with the patron saint's day given as MM-DD.
func patronCalendar(mmdd string) (hours.Calendar, error) {
	t, err := time.Parse("01-02", mmdd)
	if err != nil {
		return hours.Calendar{}, usageError(fmt.Sprintf("-patron %q: want a day like 03-19", mmdd))
	}
	name := "Santo patrono"
	if t.Month() == registry.DefaultCalendar.PatronMonth && t.Day() == registry.DefaultCalendar.PatronDay {
		name = registry.DefaultCalendar.PatronName
	}
	return hours.Italy(t.Month(), t.Day(), name), nil
}

// problemText writes one import problem in the clerk's language.
func problemText(l *locales.Localizer, p registry.Problem) string {
	where := ""
	switch {
	case p.Record > 0 && p.Line > 0:
		where = l.T("import.where_line", "Record", p.Record, "Line", p.Line)
	case p.Record > 0:
		where = l.T("import.where", "Record", p.Record)
	case p.Line > 0:
		where = l.T("import.where_header", "Line", p.Line)
	}
	if p.ID != "" {
		where += " [" + p.ID + "]"
	}
	field := ""
	if p.Field != "" {
		field = l.T("import.field", "Field", p.Field)
	}
	return l.T("import.problem", "Where", where, "Field", field, "What", locales.HTML(l.T("problem."+p.Code, "Value", p.Value)))
}

// plain turns a message into terminal text.
func plain(s string) string {
	return html.UnescapeString(strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "").Replace(s))
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", stderr)
	dbPath := fs.String("db", "", "registry database to read (required)")
	format := fs.String("format", "geojson", "geojson or csv (the list), or ics (its coming events, iCalendar)")
	space := fs.String("space", "", "with -format ics: the events of this space only")
	out := fs.String("o", "", "write to this file instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbPath == "" || fs.NArg() != 0 {
		return usageError("usage: coworkbot export -db PATH -format geojson|csv|ics [-space ID] [-o FILE]")
	}
	f := registry.Format(*format)
	if f != registry.GeoJSON && f != registry.CSV && f != registry.ICS {
		return usageError(fmt.Sprintf("-format %q: want geojson, csv or ics", *format))
	}
	if *space != "" && f != registry.ICS {
		return usageError("-space goes with -format ics: the list's exports hold every space")
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	db, err := registry.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	export := func(w io.Writer) error {
		if f == registry.ICS {
			return db.WriteCalendar(ctx, w, *space)
		}
		return db.Export(ctx, w, f)
	}
	if *out == "" {
		return export(stdout)
	}
	// Write beside the target and rename, so a failed export leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := export(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), *out)
}
