package registry

import (
	"context"
	"testing"
	"time"
)

// Tests written in review: each shows a bug (it fails until the bug is
// fixed). See the review's report for the cause and the fix of each.

// TestReviewReminderAfterMove: a meeting's reminder went out the evening
// before; the provider then moves it a week later. The people signed up
// must be reminded again before the new day, but reminded_at stays set and
// they never are.
func TestReviewReminderAfterMove(t *testing.T) {
	d := mustRoles(t)
	ctx := context.Background()
	at := func(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 30, 0, 0, Rome) }
	dr := workshop()
	dr.From, dr.To = 10*60, 12*60 // Thursday the 10th, in the morning: reminded on the 9th from 18:00
	e := mustPublish(t, d, Person(keeper), dr)[0]
	s, err := d.SignUp(ctx, SignupRequest{Key: "review-move", UserID: citizen, EventID: e.ID, People: 1})
	if err != nil {
		t.Fatal(err)
	}
	d.Now = func() time.Time { return at(9, 18) }
	due, err := d.DueEventReminders(ctx, at(9, 18))
	if err != nil || len(due) != 1 || due[0].ID != s[0].ID {
		t.Fatalf("on the 9th: got %+v, %v, want the sign-up due", due, err)
	}
	if err := d.MarkEventReminded(ctx, s[0].ID); err != nil {
		t.Fatal(err)
	}
	d.Now = func() time.Time { return at(9, 19) }
	if _, err := d.EditEvent(ctx, Person(keeper), e.ID, false, func(x *EventDraft) error {
		x.Day = x.Day.AddDate(0, 0, 7)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	d.Now = func() time.Time { return at(16, 18) }
	due, err = d.DueEventReminders(ctx, at(16, 18))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 {
		t.Errorf("on the 16th, the eve of the new day: got %d reminders due, want 1", len(due))
	}
}
