package bot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Console is the terminal front end: each input line is a message, "@LAT,LON"
// shares a location and "#N" presses button N of the latest message that has
// buttons. It needs no token and no network.
type Console struct {
	Bot       *Bot
	UserID    int64
	FirstName string
	Lang      string // the client's language code, as Telegram would send it
	In        io.Reader
	Out       io.Writer

	buttons []Button // the buttons of the latest message that has them
}

var locationLine = regexp.MustCompile(`^@\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$`)

// Run reads lines until the input ends or ctx is cancelled.
func (c *Console) Run(ctx context.Context) error {
	l := c.Bot.texts.For(c.Lang)
	fmt.Fprintln(c.Out, stripHTML(l.T("console.banner")))
	c.showMail(ctx)
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		in := Incoming{UserID: c.UserID, FirstName: c.FirstName, ClientLang: c.Lang}
		switch {
		case locationLine.MatchString(line):
			m := locationLine.FindStringSubmatch(line)
			lat, _ := strconv.ParseFloat(m[1], 64)
			lon, _ := strconv.ParseFloat(m[2], 64)
			if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
				fmt.Fprintln(c.Out, stripHTML(l.T("console.bad_location")))
				continue
			}
			in.Location = &orb.Point{lon, lat}
		case strings.HasPrefix(line, "#"):
			n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
			if err != nil || n < 1 || n > len(c.buttons) {
				fmt.Fprintln(c.Out, stripHTML(l.T("console.bad_button", "N", strings.TrimSpace(line[1:]))))
				continue
			}
			in.Callback = c.buttons[n-1].Data
		default:
			in.Text, in.HTML = line, html.EscapeString(line)
		}
		resp := c.Bot.Handle(ctx, in)
		c.print(ctx, resp)
		c.tick(ctx)
	}
	return sc.Err()
}

// tick does the bot's own work (reminders, waitlist offers) after each line,
// as the Telegram front end does every minute.
func (c *Console) tick(ctx context.Context) {
	if err := c.Bot.Tick(ctx, c.deliver); err != nil {
		c.Bot.log.Error("tick", "err", err)
	}
	// Announcements go out at once here: each into its reader's mailbox
	// (this user's is shown), and the sender gets the final report.
	for {
		res, err := c.Bot.Broadcast(ctx, 500, time.Minute, func(ctx context.Context, userID int64, r Reply) (int64, error) {
			return 0, c.deliver(ctx, Outgoing{UserID: userID, Reply: r})
		})
		if err != nil {
			c.Bot.log.Error("broadcast", "err", err)
			return
		}
		for _, a := range res.Finished {
			if o, _, err := c.Bot.Progress(ctx, a.ID); err == nil && o.UserID != 0 {
				c.deliver(ctx, o)
			}
		}
		if res.Delivered == 0 && len(res.Finished) == 0 {
			return
		}
	}
}

// deliver shows a message for this console's user; a message for someone
// else is kept in their mailbox and shown the next time they open the chat
// (coworkbot chat -user ID), so that everything the bot tells other people
// can be tried without Telegram.
func (c *Console) deliver(ctx context.Context, o Outgoing) error {
	if o.UserID == c.UserID {
		c.show(o.Reply)
		return nil
	}
	raw, err := json.Marshal(o.Reply)
	if err != nil {
		return err
	}
	return c.Bot.db.Post(ctx, o.UserID, string(raw))
}

// showMail shows the messages kept for this user while they were away.
func (c *Console) showMail(ctx context.Context) {
	mail, err := c.Bot.db.TakeMail(ctx, c.UserID)
	if err != nil {
		c.Bot.log.Error("mailbox", "user", c.UserID, "err", err)
		return
	}
	for _, m := range mail {
		var r Reply
		if err := json.Unmarshal([]byte(m), &r); err != nil {
			c.Bot.log.Error("mailbox message", "user", c.UserID, "err", err)
			continue
		}
		r.Edit = false
		c.show(r)
	}
}

// print shows a response as plain text with numbered buttons.
func (c *Console) print(ctx context.Context, resp Response) {
	if resp.Notice != "" {
		fmt.Fprintf(c.Out, "» %s\n", stripHTML(resp.Notice))
	}
	for _, r := range resp.Replies {
		c.show(r)
	}
	for _, o := range resp.Others {
		if err := c.deliver(ctx, o); err != nil {
			c.Bot.log.Error("deliver", "user", o.UserID, "err", err)
		}
	}
}

func (c *Console) show(r Reply) {
	fmt.Fprintln(c.Out)
	if v := r.Venue; v != nil {
		fmt.Fprintf(c.Out, "📍 %s — %s (%.5f, %.5f)\n", v.Title, v.Address, v.Point.Lat(), v.Point.Lon())
		fmt.Fprintf(c.Out, "   https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f\n",
			v.Point.Lat(), v.Point.Lon(), v.Point.Lat(), v.Point.Lon())
		return
	}
	if d := r.Document; d != nil {
		c.showDocument(d)
	}
	switch {
	case r.Copy != nil:
		fmt.Fprintf(c.Out, "📋 (%s)\n", stripHTML(c.Bot.texts.For(c.Lang).T("console.copy")))
	case r.Photo != "":
		fmt.Fprintf(c.Out, "🖼 (%s)\n", stripHTML(c.Bot.texts.For(c.Lang).T("console.photo")))
	default:
		fmt.Fprintln(c.Out, stripHTML(r.Text))
	}
	if len(r.Buttons) > 0 {
		c.buttons = nil
		for _, row := range r.Buttons {
			for _, b := range row {
				c.buttons = append(c.buttons, b)
				fmt.Fprintf(c.Out, "[%d] %s\n", len(c.buttons), b.Label)
			}
		}
	}
	for _, row := range r.Keyboard {
		for _, k := range row {
			if k.RequestLocation {
				fmt.Fprintf(c.Out, "⌨ %s (@LAT,LON)\n", k.Label)
			} else {
				fmt.Fprintf(c.Out, "⌨ %s\n", k.Label)
			}
		}
	}
}

// showDocument prints a file the bot sends: its name, type and size, and
// its content when it is text (the JSON of /imieidati).
func (c *Console) showDocument(d *Document) {
	l := c.Bot.texts.For(c.Lang)
	fmt.Fprintln(c.Out, stripHTML(l.T("console.document", "Name", d.Name, "Type", d.MIME, "Size", len(d.Bytes))))
	if strings.HasPrefix(d.MIME, "text/") || d.MIME == "application/json" {
		c.Out.Write(d.Bytes)
		if !bytes.HasSuffix(d.Bytes, []byte("\n")) {
			fmt.Fprintln(c.Out)
		}
		return
	}
	// A picture or a PDF cannot be printed: it is saved, as a phone would
	// download it, in the system's temporary directory.
	path := filepath.Join(os.TempDir(), filepath.Base(d.Name))
	if err := os.WriteFile(path, d.Bytes, 0o644); err != nil {
		c.Bot.log.Error("save a document", "file", path, "err", err)
		return
	}
	fmt.Fprintln(c.Out, stripHTML(l.T("console.saved", "Path", path)))
}

var tag = regexp.MustCompile(`<[^>]*>`)

// stripHTML turns Telegram HTML into plain text.
func stripHTML(s string) string {
	return html.UnescapeString(tag.ReplaceAllString(s, ""))
}
