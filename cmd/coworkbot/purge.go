package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// retentionFlags say how long what is kept about people lasts, for the
// commands that run the bot (whose ticker purges) and for purge.
type retentionFlags struct {
	location, state *time.Duration
	bookings        *int
}

func addRetentionFlags(fs *flag.FlagSet) retentionFlags {
	return retentionFlags{
		location: fs.Duration("keep-location", registry.DefaultLocationFor, "how long a shared location is kept"),
		state:    fs.Duration("keep-state", registry.DefaultStateFor, "how long the conversation's state outlives the last message"),
		bookings: fs.Int("keep-bookings", registry.DefaultBookingMonths, "months after its day a booking keeps its person; then it is anonymised (the figures stay)"),
	}
}

func (f retentionFlags) retention() (registry.Retention, error) {
	if *f.location <= 0 || *f.state <= 0 || *f.bookings <= 0 {
		return registry.Retention{}, usageError("-keep-location, -keep-state and -keep-bookings must be positive")
	}
	return registry.Retention{Location: *f.location, State: *f.state, BookingMonths: *f.bookings}.WithDefaults(), nil
}

// runPurge forgets what is kept too long, as the bot's ticker does:
// coworkbot purge -db PATH [-dry-run] [-lang it|en] [-keep-…].
func runPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const use = "usage: coworkbot purge -db PATH [-dry-run] [-lang it|en] [-keep-location 3h] [-keep-state 24h] [-keep-bookings 12]"
	fs := newFlags("purge", stderr)
	dbPath := fs.String("db", "", "registry database (required)")
	dry := fs.Bool("dry-run", false, "say what would be forgotten, and change nothing")
	lang := fs.String("lang", "it", "language of the messages: it or en")
	keep := addRetentionFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError(use)
	}
	r, err := keep.retention()
	if err != nil {
		return err
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
	p, err := db.Purge(ctx, r, *dry)
	if err != nil {
		return err
	}
	header := "cli.purge_header"
	if *dry {
		header = "cli.purge_dry_header"
	}
	fmt.Fprintln(stdout, plain(l.T(header, "Location", durationWords(l, r.Location), "State", durationWords(l, r.State),
		"Bookings", l.N("privacy.months", r.BookingMonths))))
	for _, line := range []struct {
		id string
		n  int64
	}{{"cli.purge_locations", p.Locations}, {"cli.purge_states", p.States}, {"cli.purge_bookings", p.Bookings}, {"cli.purge_signups", p.Signups},
		{"cli.purge_waits", p.WaitEntries}, {"cli.purge_mail", p.Mail}, {"cli.purge_deliveries", p.Deliveries}} {
		fmt.Fprintln(stdout, plain(l.T(line.id, "N", line.n)))
	}
	return nil
}

// durationWords writes a retention period as hours ("3 ore").
func durationWords(l *locales.Localizer, d time.Duration) string {
	return l.N("privacy.hours", max(1, int(d.Round(time.Hour).Hours())))
}
