package registry

import (
	"context"
	"time"
)

// Choice is a way forward from a full slot: other hours at the same space,
// or the same slot at another space nearby.
type Choice struct {
	SpaceID  string
	Name     string
	Distance float64 // metres from the space asked for; 0 for the same space
	RoomID   string
	Slot     Slot
	From, To int
	Left     int // desks free in the slot; 0 for rooms
}

// Alternatives are the ways forward from a full slot or a taken room.
type Alternatives struct {
	Slots  []Choice // the other slots of that day at the same space with room
	Nearby []Choice // the nearest approved spaces with enough desks in the same slot
}

// Alternatives suggests what to book instead of req: for desks, the other
// slots of the day with room at the same space and up to three nearby
// spaces with enough desks free in the same slot; for a room, the other free
// times of the same length that day.
func (d *DB) Alternatives(ctx context.Context, req BookingRequest) (Alternatives, error) {
	var out Alternatives
	s, err := d.Space(ctx, req.SpaceID)
	if err != nil {
		return out, err
	}
	now := d.now()
	day := time.Date(req.Day.Year(), req.Day.Month(), req.Day.Day(), 0, 0, 0, 0, Rome)
	key := dayKey(day)
	spans := s.Hours.Spans(day, d.Calendar)
	over := func(to int) bool { return key < dayKey(now) || (key == dayKey(now) && to <= minuteOf(now)) }
	if req.RoomID != "" {
		length := req.To - req.From
		if length <= 0 || length%60 != 0 {
			return out, nil
		}
		for from := 0; from+length <= 24*60; from += 60 {
			to := from + length
			if from == req.From || over(to) || (!s.Hours.Always() && !within(spans, from, to)) {
				continue
			}
			taken, err := roomTaken(ctx, d.db, s.ID, req.RoomID, key, from, to, 0)
			if err != nil {
				return out, err
			}
			if !taken {
				out.Slots = append(out.Slots, Choice{SpaceID: s.ID, Name: s.Name, RoomID: req.RoomID, Slot: Hours, From: from, To: to})
			}
		}
		return out, nil
	}
	for _, sl := range []Slot{Morning, Afternoon, FullDay} {
		sp, ok := slotIn(spans, sl)
		if !ok || sl == req.Slot || over(sp.To) {
			continue
		}
		left, err := leftIn(ctx, d.db, &s, key, sp.From, sp.To, now, 0)
		if err != nil {
			return out, err
		}
		if left >= req.Desks {
			out.Slots = append(out.Slots, Choice{SpaceID: s.ID, Name: s.Name, Slot: sl, From: sp.From, To: sp.To, Left: left})
		}
	}
	from, to := req.From, req.To
	if req.Slot != Hours {
		sp, ok := slotIn(spans, req.Slot)
		if !ok {
			return out, nil
		}
		from, to = sp.From, sp.To
	}
	results, err := d.Search(ctx, Query{Near: &s.Location, During: &Window{Day: day, From: from, To: to}, Limit: 20})
	if err != nil {
		return out, err
	}
	for _, r := range results {
		o := r.Space
		if o.ID == s.ID || o.Desks < req.Desks {
			continue
		}
		ospans := o.Hours.Spans(day, d.Calendar)
		of, ot := from, to
		if req.Slot != Hours {
			sp, ok := slotIn(ospans, req.Slot)
			if !ok {
				continue
			}
			of, ot = sp.From, sp.To
		} else if !o.Hours.Always() && !within(ospans, of, ot) {
			continue
		}
		if over(ot) {
			continue
		}
		closed, err := closedOn(ctx, d.db, o.ID, key)
		if err != nil {
			return out, err
		}
		if closed {
			continue
		}
		left, err := leftIn(ctx, d.db, o, key, of, ot, now, 0)
		if err != nil {
			return out, err
		}
		if left >= req.Desks {
			out.Nearby = append(out.Nearby, Choice{SpaceID: o.ID, Name: o.Name, Distance: r.Distance, Slot: req.Slot, From: of, To: ot, Left: left})
			if len(out.Nearby) == 3 {
				break
			}
		}
	}
	return out, nil
}
