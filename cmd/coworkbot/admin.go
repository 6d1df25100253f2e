package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/comune-seregno/coworkbot/bot"
	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// openExisting opens a registry that must exist already: the operator's
// commands never create an empty one by mistake.
func openExisting(ctx context.Context, path string, l *locales.Localizer) (*registry.DB, error) {
	if path == "" {
		return nil, usageError(plain(l.T("cli.no_db")))
	}
	if _, err := os.Stat(path); err != nil {
		return nil, errors.New(plain(l.T("cli.db_missing", "Path", path)))
	}
	return registry.Open(ctx, path)
}

// runAdmin names the comune's staff from the server's command line:
// coworkbot admin add|remove|list -db PATH [TELEGRAM_ID] [-name NAME].
func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: coworkbot admin add|remove|list -db PATH [TELEGRAM_ID] [-name NAME] [-lang it|en]"
	if len(args) == 0 {
		return usageError(use)
	}
	verb := args[0]
	fs := newFlags("admin "+verb, stderr)
	dbPath := fs.String("db", "", "registry database (required)")
	name := fs.String("name", "", "the staff member's name, as colleagues know them")
	lang := fs.String("lang", "it", "language of the messages: it or en")
	// The id may come before, between or after the flags.
	var id string
	for rest := args[1:]; ; {
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		if id != "" {
			return usageError(use)
		}
		id, rest = fs.Arg(0), fs.Args()[1:]
	}
	l, _, err := localizer(*lang)
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, *dbPath, l)
	if err != nil {
		return err
	}
	defer db.Close()
	switch verb {
	case "list":
		staff, err := db.Staff(ctx)
		if err != nil {
			return err
		}
		if len(staff) == 0 {
			fmt.Fprintln(stdout, plain(l.T("cli.staff_none")))
		}
		for _, m := range staff {
			fmt.Fprintln(stdout, plain(l.T("cli.staff_line", "ID", m.UserID, "Name", m.Name, "Since", m.Added.Format(time.DateOnly))))
		}
		return nil
	case "add", "remove":
		uid, err := strconv.ParseInt(id, 10, 64)
		if err != nil || uid <= 0 {
			return usageError(plain(l.T("cli.bad_user_id", "ID", id)) + "\n" + use)
		}
		if verb == "add" {
			if err := db.AddStaff(ctx, registry.CommandLine, uid, *name); err != nil {
				return err
			}
			fmt.Fprintln(stdout, plain(l.T("cli.staff_added", "ID", uid, "Name", *name)))
			return nil
		}
		if err := db.RemoveStaff(ctx, registry.CommandLine, uid); errors.Is(err, registry.ErrNotFound) {
			return errors.New(plain(l.T("cli.staff_not_found", "ID", uid)))
		} else if err != nil {
			return err
		}
		fmt.Fprintln(stdout, plain(l.T("cli.staff_removed", "ID", uid)))
		return nil
	}
	return usageError(use)
}

// runInvite makes an invitation to become a space's provider and prints
// its link: coworkbot invite -db PATH -space ID [-bot-username NAME].
func runInvite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("invite", stderr)
	dbPath := fs.String("db", "", "registry database (required)")
	space := fs.String("space", "", "the space's id")
	username := fs.String("bot-username", os.Getenv("TELEGRAM_BOT_USERNAME"), "the bot's username, for the link (default $TELEGRAM_BOT_USERNAME)")
	lang := fs.String("lang", "it", "language of the messages: it or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	l, _, err := localizer(*lang)
	if err != nil {
		return err
	}
	if *space == "" {
		return usageError(plain(l.T("cli.no_space")))
	}
	db, err := openExisting(ctx, *dbPath, l)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := db.Invite(ctx, registry.CommandLine, *space)
	if errors.Is(err, registry.ErrNotFound) {
		return errors.New(plain(l.T("cli.unknown_space", "ID", *space)))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, plain(l.T("cli.invited", "ID", *space, "Days", int(registry.InvitationFor/(24*time.Hour)))))
	if *username != "" {
		fmt.Fprintln(stdout, bot.InviteLink(*username, token))
	}
	fmt.Fprintln(stdout, plain(l.T("cli.invite_console", "Line", "/start "+bot.InvitePayload(token))))
	return nil
}

// runAudit writes the audit log as CSV for a spreadsheet:
// coworkbot audit -db PATH [-since DATE] [-o FILE].
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit", stderr)
	dbPath := fs.String("db", "", "registry database (required)")
	since := fs.String("since", "", "only the entries from this day on, e.g. 2026-12-01")
	out := fs.String("o", "", "write to this file instead of standard output")
	lang := fs.String("lang", "it", "language of the header and the actions: it or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	l, _, err := localizer(*lang)
	if err != nil {
		return err
	}
	var from time.Time
	if *since != "" {
		if from, err = time.ParseInLocation(time.DateOnly, *since, registry.Rome); err != nil {
			return usageError(fmt.Sprintf("-since %q: want a day like 2026-12-01", *since))
		}
	}
	db, err := openExisting(ctx, *dbPath, l)
	if err != nil {
		return err
	}
	defer db.Close()
	entries, err := db.Audit(ctx, from, 0)
	if err != nil {
		return err
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	// A spreadsheet on an Italian PC opens ';'-separated UTF-8 with a BOM
	// as it should.
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{l.T("audit.col_when"), l.T("audit.col_who"), l.T("audit.col_role"), l.T("audit.col_action"),
		l.T("audit.col_space"), l.T("audit.col_before"), l.T("audit.col_after"), l.T("audit.col_note")})
	for i := len(entries) - 1; i >= 0; i-- { // oldest first, as a ledger reads
		e := entries[i]
		who := l.T("audit.operator")
		if !e.Actor.Operator {
			who = strconv.FormatInt(e.Actor.UserID, 10)
		}
		cw.Write([]string{e.At.Format("2006-01-02 15:04:05"), who, l.T("role." + string(e.Role)), l.T("action." + e.Action),
			e.SpaceID, cell(e.Before), cell(e.After), cell(e.Note)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}

// cell neutralises a value a spreadsheet would run as a formula (OWASP's
// advice on CSV injection).
func cell(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}
