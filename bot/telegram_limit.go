package bot

import (
	"context"
	"sync"
	"time"
)

// This file paces every message and edit the Telegram edge sends
// (answers to buttons are free): replies, messages to other people and
// broadcasts share one pacer, so that the bot keeps to Telegram's limits
// (core.telegram.org/bots/faq, "My bot is hitting limits, how do I avoid
// this?"): in a chat, no more than one message a second, with a short
// burst allowed for a person's own replies, as Telegram allows in
// practice; in a group, no more than 20 a minute; in bulk, about 30 a
// second. Broadcasts keep to their own rate (-broadcast-rate) and yield to
// conversations; a flood wait (429) pauses the chat it came from and the
// whole broadcast lane for its retry_after. A reply that must wait for its
// chat's pace does not keep a worker waiting: its update is parked
// (telegram_queue.go).

// lane says whose message is paced: a conversation's or a broadcast's.
type lane uint8

const (
	laneReply     lane = iota // an answer to someone, or a message about them to someone else
	laneBroadcast             // one message of a broadcast
)

// The per-chat pace.
const (
	chatEvery  = time.Second     // one message a second in a chat…
	replyBurst = 3               // … but a reply of up to three messages goes at once
	groupEvery = 3 * time.Second // twenty messages a minute in a group, one at a time
	// maxDebt is how far replies may push back the broadcast lane: under a
	// busy conversation a broadcast slows down, and it catches up within
	// this time once the conversation calms.
	maxDebt = 2 * time.Second
	// sweepAfter is how many chats the pacer remembers before it forgets
	// those whose pace is back to rest.
	sweepAfter = 4096
)

// DefaultBroadcastRate is the default pace of broadcasts, in messages a
// second: under Telegram's 30 a second for bulk messages.
const DefaultBroadcastRate = 25

// pacer decides when each message may go. It is a generic cell rate
// algorithm per chat (a theoretical arrival time that each message moves
// one interval on; a message may go when that time is at most burst-1
// intervals ahead of now) and a slot schedule for the broadcast lane.
type pacer struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	every time.Duration // between two broadcast messages

	mu     sync.Mutex
	chats  map[int64]*chatPace
	next   time.Time // the broadcast lane's next free slot
	paused time.Time // the broadcast lane waits until then (a 429)
	swept  time.Time
}

type chatPace struct {
	tat    time.Time // theoretical arrival time of the chat's next message
	paused time.Time // a 429 for this chat: nothing goes before then
}

func newPacer(rate float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	if rate <= 0 {
		rate = DefaultBroadcastRate
	}
	return &pacer{now: now, sleep: sleep, every: time.Duration(float64(time.Second) / rate), chats: make(map[int64]*chatPace)}
}

// wait returns when a message to chat may go in its lane, having reserved
// its place; it fails only when ctx ends first.
func (p *pacer) wait(ctx context.Context, chat int64, l lane) error {
	for {
		p.mu.Lock()
		now := p.now()
		at := p.reserveLocked(now, chat, l)
		p.mu.Unlock()
		if !at.After(now) {
			return ctx.Err()
		}
		if err := p.sleep(ctx, at.Sub(now)); err != nil {
			return err
		}
		// A 429 may have come while this message waited: it waits for it too.
		p.mu.Lock()
		now = p.now()
		held := p.heldLocked(now, chat, l)
		p.mu.Unlock()
		if !held {
			return ctx.Err()
		}
	}
}

// delay is how long a message to chat in lane would wait now, without
// taking its place: the worker that would wait parks the update instead
// (telegram_queue.go) and sends it then.
func (p *pacer) delay(chat int64, l lane) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	c := p.chats[chat]
	if c == nil {
		return 0
	}
	return c.earliest(now, chat, l).Sub(now)
}

// earliest is when the chat's next message in lane may go, as far as the
// chat's own pace and its 429s say.
func (c *chatPace) earliest(now time.Time, chat int64, l lane) time.Time {
	interval, burst := paceOf(chat, l)
	return latest(now, c.paused, c.tat.Add(-(burst-1)*interval))
}

// paceOf is the interval between two messages to chat and how many may go
// at once.
func paceOf(chat int64, l lane) (interval, burst time.Duration) {
	interval, burst = chatEvery, replyBurst
	if chat < 0 {
		interval, burst = groupEvery, 1
	}
	if l == laneBroadcast {
		burst = 1
	}
	return interval, burst
}

// reserveLocked takes the next place of a message and returns when it may
// go.
func (p *pacer) reserveLocked(now time.Time, chat int64, l lane) time.Time {
	p.sweepLocked(now)
	c := p.chats[chat]
	if c == nil {
		c = &chatPace{}
		p.chats[chat] = c
	}
	interval, _ := paceOf(chat, l)
	at := c.earliest(now, chat, l)
	switch l {
	case laneBroadcast:
		slot := latest(now, p.paused, p.next)
		p.next = slot.Add(p.every)
		at = latest(at, slot)
	default:
		// A reply is not held back by the broadcast rate, but it takes its
		// share of it: conversations come first.
		p.next = earliest(latest(p.next, now).Add(p.every), now.Add(maxDebt))
	}
	c.tat = latest(c.tat, at).Add(interval)
	return at
}

// heldLocked reports whether a 429 now holds a message that had its place.
func (p *pacer) heldLocked(now time.Time, chat int64, l lane) bool {
	if c := p.chats[chat]; c != nil && c.paused.After(now) {
		return true
	}
	return l == laneBroadcast && p.paused.After(now)
}

// pause holds a chat, and the broadcast lane, for d: Telegram answered 429
// with retry_after d.
func (p *pacer) pause(chat int64, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := p.now().Add(d)
	c := p.chats[chat]
	if c == nil {
		c = &chatPace{}
		p.chats[chat] = c
	}
	c.paused = latest(c.paused, until)
	p.paused = latest(p.paused, until)
}

// sweepLocked forgets the chats whose pace is back to rest, once there are
// many, at most every ten seconds.
func (p *pacer) sweepLocked(now time.Time) {
	if len(p.chats) < sweepAfter || now.Sub(p.swept) < 10*time.Second {
		return
	}
	p.swept = now
	for id, c := range p.chats {
		if !c.tat.After(now) && !c.paused.After(now) {
			delete(p.chats, id)
		}
	}
}

func latest(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
