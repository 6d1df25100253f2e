package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geo"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// details shows everything about one space, then its place on the map.
func (b *Bot) details(s *session, id string) error {
	sp, err := b.db.Space(s.ctx, id)
	if errors.Is(err, registry.ErrNotFound) || (err == nil && sp.Status != registry.Approved) {
		s.say(s.T("details.gone"))
		return nil
	}
	if err != nil {
		return err
	}
	s.reply(Reply{Text: b.detailsText(s, &sp), Buttons: b.detailsButtons(s, &sp)})
	s.reply(Reply{Venue: &Venue{Point: sp.Location, Title: sp.Name, Address: sp.Address + ", " + sp.Comune}})
	return nil
}

func (b *Bot) detailsText(s *session, sp *registry.Space) string {
	l := s.l
	var t strings.Builder
	fmt.Fprintf(&t, "<b>%s</b>\n", esc(sp.Name))
	where := esc(sp.Address + ", " + sp.Comune)
	if q := s.st.Search; q != nil {
		where += " · " + distance(l, geo.Distance(sp.Location, pointOf(q.Point)))
	}
	fmt.Fprintf(&t, "📍 %s\n", where)
	fmt.Fprintf(&t, "🕘 %s\n", esc(sp.Hours.Format(hoursNames(l))))
	if !sp.Hours.Always() {
		fmt.Fprintf(&t, "    %s\n", openStatus(l, sp, s.now, b.db.Calendar))
	}
	if sp.Services != 0 {
		fmt.Fprintf(&t, "%s\n", l.T("details.services", "List", locales.HTML(serviceList(l, sp.Services))))
	}
	fmt.Fprintf(&t, "%s\n", l.N("details.desks", sp.Desks))
	for _, r := range sp.Rooms {
		price := ""
		if r.PriceHourCents > 0 {
			price = l.T("details.room_price", "Price", euro(l, r.PriceHourCents))
		}
		fmt.Fprintf(&t, "%s\n", l.N("details.room", r.Seats, "Name", r.Name, "Price", locales.HTML(price)))
	}
	var prices []string
	if sp.PriceDayCents > 0 {
		prices = append(prices, l.T("details.price_day", "Price", euro(l, sp.PriceDayCents)))
	}
	if sp.PriceHalfDayCents > 0 {
		prices = append(prices, l.T("details.price_half_day", "Price", euro(l, sp.PriceHalfDayCents)))
	}
	if len(prices) > 0 {
		fmt.Fprintf(&t, "💶 %s\n", strings.Join(prices, " · "))
	}
	if sp.Phone != "" {
		fmt.Fprintf(&t, "☎️ %s\n", esc(sp.Phone))
	}
	if sp.Email != "" {
		fmt.Fprintf(&t, "✉️ %s\n", esc(sp.Email))
	}
	if sp.Website != "" {
		fmt.Fprintf(&t, "🌐 %s\n", esc(sp.Website))
	}
	if d := sp.DescriptionIn(s.lang()); d != "" {
		fmt.Fprintf(&t, "\n<i>%s</i>\n", esc(d))
	}
	return strings.TrimRight(t.String(), "\n")
}

func (b *Bot) detailsButtons(s *session, sp *registry.Space) [][]Button {
	out := [][]Button{{b.bookButtonFor(s, sp.ID)}}
	if s.st.Search != nil && len(s.st.Results) > 0 {
		out = append(out, []Button{button(s.T("details.back"), kPage, strconv.Itoa(s.st.Search.Offset))})
	}
	return out
}

// detailsButton opens a space's card.
func (b *Bot) detailsButton(s *session, args []string) error { return b.details(s, args[0]) }

// detailsPayload opens the card of the space a deep link names.
func (b *Bot) detailsPayload(s *session, id string) error { return b.details(s, id) }
