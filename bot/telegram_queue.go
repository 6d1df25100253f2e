package bot

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

// This file is how updates flow through the Telegram edge: a bounded pool
// of workers handles different people's updates at once and each person's
// in the order they came; the bookkeeping of what was handled (the users'
// rows, the handled marks, the update offset) is stored for a whole batch
// in one transaction; an update that takes too long (its reply retried for
// minutes), that waits for its person's pace while many are under way, or
// that is under way while half of Telegram's window of updates is, is held
// in the registry so that the offset, and everyone else, can move on.
//
// An update is settled when its bookkeeping is stored, or when it is held;
// the offset moves over settled updates only, so what a crash or a stop
// interrupts comes again: from Telegram (the offset did not pass it) or
// from the registry (it was held). A person's state is stored in the same
// transaction as what says that the update that left it was handled (the
// offset past it, or its mark), so an update that comes again is handled
// again from the state before it, answered again (at least once), and a
// booking it made is found again by its key.

// updateSource names Telegram's updates in the registry's bookkeeping.
const updateSource = "telegram"

// offsetKey is the setting that keeps the update offset.
const offsetKey = "telegram.offset"

// job is one update on its way through the edge.
type job struct {
	id    int
	raw   []byte   // the update as Telegram sent it, to hold it
	r     received // what the core and the edge need of it
	ok    bool     // an update the bot answers; false: only to be confirmed
	key   int64    // whose turn it waits for: the person's id (0 for none)
	taken time.Time

	cont *delivery // parked: what is left to send (only its worker touches it)

	// Under the pipeline's lock:
	state   jobState
	parked  bool           // waiting for its person's pace, with no worker
	held    bool           // held in the registry: released when done
	rehold  bool           // its hold erased with its person: to be held again
	erasing bool           // it erased its person: not to be held (their name) once it has
	erasure uint8          // moved at each erasure of its person, to spot one during a batch
	row     *registry.User // the person's row as the update left it
	settled chan struct{}  // closed once settled
}

type jobState uint8

const (
	jobWaiting  jobState = iota // in its person's queue, or being handled
	jobFinished                 // handled and answered; its bookkeeping not stored yet
	jobDone                     // its bookkeeping is stored
	jobDropped                  // handed back: the bot stopped before it finished
)

// Defaults of the pipeline.
const (
	DefaultWorkers = 16
	// maxInflight bounds the updates taken and not yet done.
	maxInflight = 1000
	// batchEvery is the least time between two batches' transactions:
	// the updates finished meanwhile are stored together.
	batchEvery = 5 * time.Millisecond
	// crowdedFrom is how many updates under way make the parked ones held
	// (blockedLocked), and how many taken past the offset make every one
	// under way held (crowdedLocked): half of what one getUpdates gives.
	crowdedFrom = 50
	// keepDone is how many done updates the webhook remembers, to drop a
	// duplicate without asking the registry.
	keepDone = 4096
)

// pipeline takes updates, hands each to a worker in its person's turn and
// stores what was handled.
type pipeline struct {
	t       *Telegram
	polling bool // long polling: the offset is kept

	mu       sync.Mutex
	byID     map[int]*job
	order    []*job       // polling: the jobs not yet passed by the offset, in id order
	offset   int          // polling: every update below it is settled
	seen     map[int]bool // polling: updates past the stored offset handled before a restart
	polledTo int          // webhook: the offset stored by long polling before, below which all was handled
	recent   []int        // webhook: the ids of done jobs still in byID, oldest first
	queues   map[int64][]*job
	rows     map[int64]*registry.User // rows handled and not stored yet, by person
	finished []*job                   // for the next batch
	inflight int
	stopping bool
	work     context.Context // of the handling (start)
	changed  chan struct{}   // closed and replaced when a batch is stored

	ready chan int64    // people whose turn it is
	kick  chan struct{} // something for the committer
	quit  chan struct{} // closed at stop: workers take nothing more
	wg    sync.WaitGroup
	cwg   sync.WaitGroup
	final chan struct{} // closed when the last batch is to be stored
}

func newPipeline(t *Telegram, polling bool) *pipeline {
	return &pipeline{t: t, polling: polling, byID: make(map[int]*job), seen: make(map[int]bool),
		queues: make(map[int64][]*job), rows: make(map[int64]*registry.User), changed: make(chan struct{}),
		ready: make(chan int64, 2*maxInflight), kick: make(chan struct{}, 1), quit: make(chan struct{}),
		final: make(chan struct{})}
}

// start runs the workers and the committer; work is the context of the
// handling, cancelled when the grace of a stop is over.
func (p *pipeline) start(work context.Context) {
	p.work = work
	for range p.t.cfg.Workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.worker(work)
		}()
	}
	p.cwg.Add(1)
	go func() {
		defer p.cwg.Done()
		p.commitLoop()
	}()
}

// newJob makes the job of an update.
func (p *pipeline) newJob(id int, raw []byte, r received, ok bool) *job {
	j := &job{id: id, raw: raw, r: r, ok: ok, taken: p.t.cfg.Now(), settled: make(chan struct{})}
	if ok {
		j.key = r.in.UserID
	}
	return j
}

// known reports, while polling, whether an update was already taken,
// settled or handled before a restart.
func (p *pipeline) known(id int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return id < p.offset || p.byID[id] != nil || p.seen[id]
}

// byIDHas reports whether an update is in the pipeline, under way or done
// recently.
func (p *pipeline) byIDHas(id int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byID[id] != nil
}

// take starts a job. A job whose update is already in the pipeline is not
// taken (a duplicate): take returns the one there and false.
func (p *pipeline) take(j *job) (*job, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.byID[j.id]; old != nil {
		return old, false
	}
	p.byID[j.id] = j
	p.inflight++
	if p.polling && j.id >= p.offset {
		// Ids come in order from getUpdates, but an update held above the
		// offset at the last stop comes first, from the registry.
		i, _ := slices.BinarySearchFunc(p.order, j.id, func(o *job, id int) int { return cmp.Compare(o.id, id) })
		p.order = slices.Insert(p.order, i, j)
	}
	if !j.ok {
		j.state = jobFinished
		p.finished = append(p.finished, j)
		p.kickLocked()
		return j, true
	}
	q, busy := p.queues[j.key]
	p.queues[j.key] = append(q, j)
	if !busy {
		p.ready <- j.key // never blocks: fewer people than jobs, fewer jobs than its room
	}
	return j, true
}

func (p *pipeline) kickLocked() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// busy reports the jobs taken and not done, and a channel closed at the
// next stored batch.
func (p *pipeline) busy() (int, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight, p.changed
}

// currentOffset is the offset to ask Telegram for.
func (p *pipeline) currentOffset() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.offset
}

// worker handles people's turns until the pipeline stops.
func (p *pipeline) worker(work context.Context) {
	for {
		select {
		case <-p.quit:
			// The turns given meanwhile: the updates already started (a
			// parked one resumed) are finished, the others handed back.
			for {
				select {
				case key := <-p.ready:
					p.turn(work, key)
				default:
					return
				}
			}
		case key := <-p.ready:
			p.turn(work, key)
		}
	}
}

// turn handles a person's updates, in order, until none is left or one is
// parked. Once the bot is stopping, an update already started (parked) is
// finished and the others are handed back.
func (p *pipeline) turn(work context.Context, key int64) {
	for {
		p.mu.Lock()
		q := p.queues[key]
		if len(q) == 0 || (p.stopping && q[0].cont == nil) {
			for _, j := range q { // the bot is stopping: handed back
				j.state = jobDropped
			}
			delete(p.queues, key)
			p.mu.Unlock()
			return
		}
		j := q[0]
		prior := p.rows[key]
		mayPark := !p.stopping
		p.mu.Unlock()

		row, finished, erased, park := p.t.run(work, j, prior, mayPark)
		if !p.ran(j, row, finished, erased, park) {
			return
		}
	}
}

// ran records how a person's first update went; false when it is parked,
// which ends their turn until resume. True with the update still first in
// line (park > 0 once stopping) makes turn run it again, without parking.
func (p *pipeline) ran(j *job, row *registry.User, finished, erased bool, park time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := j.key
	if park > 0 && p.stopping {
		// The bot began to stop while it ran: stop has taken over only
		// the updates parked before, so this one goes on now, its turn
		// unbroken, waiting for the pace in place.
		return true
	}
	if park > 0 {
		// The person's later updates wait behind it. When many are under
		// way, it is held at the next batch, and so are they
		// (blockedLocked), so that the offset moves on.
		j.parked = true
		p.kickLocked()
		go func() {
			p.t.cfg.Sleep(p.work, park) // at a stop, stop finishes it
			p.resume(j)
		}()
		return false
	}
	p.queues[key] = p.queues[key][1:]
	if erased { // the rows of their earlier updates, not stored yet, must not bring them back
		delete(p.rows, key)
		for _, f := range p.finished {
			if f.key == key {
				f.row = nil
			}
		}
	}
	if finished {
		j.state = jobFinished
		j.row = row
		if row != nil {
			p.rows[key] = row
		}
		p.finished = append(p.finished, j)
		p.kickLocked()
	} else {
		j.state = jobDropped
	}
	return true
}

// resume gives a parked update's person their turn again. Once the bot is
// stopping, stop has taken the update over.
func (p *pipeline) resume(j *job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !j.parked || p.stopping {
		return
	}
	j.parked = false
	p.ready <- j.key // never blocks, as in take
}

// crowdedLocked reports, while polling, whether half of Telegram's window
// of updates past the offset is taken by updates the offset has not passed:
// every update under way is then held at the next batch, so that the
// offset passes it and the next ones come, instead of the bot handling
// only what it has until the slowest of them is done.
func (p *pipeline) crowdedLocked() bool {
	return p.polling && len(p.order) >= crowdedFrom
}

// erased is told that a person's data was erased while their update j was
// being handled: the erasure deleted the holds of their updates (the
// registry drops every row that is theirs), so their later updates are
// held again at the next batch: the offset may have passed them, and they
// must still be answered (they come after the erasure).
// j itself is not held from now on: its person's name would be written
// again after their erasure.
func (p *pipeline) erased(j *job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	j.erasing = true
	for _, later := range p.queues[j.key] {
		if later != j {
			// Held or being held by a batch written meanwhile: either way
			// the erasure may have deleted the hold.
			later.held, later.rehold = false, true
			later.erasure++
		}
	}
	p.kickLocked()
}

// blockedLocked reports whether a job is to be held because it is, or
// waits behind, a parked update while many are under way: a parked
// update waits for its person's pace, a second or two, and Telegram gives
// no more than 100 updates past the offset.
func (p *pipeline) blockedLocked(j *job) bool {
	if p.inflight < crowdedFrom {
		return false
	}
	q := p.queues[j.key]
	return len(q) > 0 && q[0].parked
}

// stop takes nothing more, lets the updates under way finish within grace
// (then cancels them with cancelWork), stores the last batch and returns.
// What did not finish is handed back.
func (p *pipeline) stop(grace time.Duration, cancelWork context.CancelFunc) {
	p.mu.Lock()
	p.stopping = true
	// The parked updates were started: they are finished within the grace
	// too, each waiting for its person's pace in place.
	var parked []*job
	for _, q := range p.queues {
		if len(q) > 0 && q[0].parked {
			q[0].parked = false
			parked = append(parked, q[0])
		}
	}
	p.mu.Unlock()
	for _, j := range parked {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.turn(p.work, j.key)
		}()
	}
	close(p.quit)
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(grace)
	select {
	case <-done:
	case <-timer.C:
		p.t.log.Warn("stopping: updates still under way are handed back", "grace", grace)
		cancelWork()
		<-done
	}
	timer.Stop()
	close(p.final)
	p.cwg.Wait()
}

// commitLoop stores batches as jobs finish, and holds the jobs under way
// for too long, until the final batch.
func (p *pipeline) commitLoop() {
	hold := time.NewTicker(max(p.t.cfg.HoldAfter/4, 10*time.Millisecond))
	defer hold.Stop()
	failures := 0
	var last time.Time
	for {
		final := false
		select {
		case <-p.kick:
			// Let a few more finish, to store them together.
			select {
			case <-time.After(time.Until(last.Add(batchEvery))):
			case <-p.final:
				final = true
			}
		case <-hold.C:
		case <-p.final:
			final = true
		}
		last = time.Now()
		for {
			err := p.commit(final)
			if err == nil {
				failures = 0
				break
			}
			p.t.log.Error("store the handled updates", "err", err)
			if final && failures > 5 {
				return
			}
			failures++
			time.Sleep(backoff(failures) / 10)
		}
		if final {
			return
		}
	}
}

// commit stores one batch: the rows and marks of the finished jobs, the
// holds of the jobs under way for longer than HoldAfter (or parked, or
// under way while the window is crowded), and the offset that passes
// everything settled.
func (p *pipeline) commit(final bool) error {
	now := p.t.cfg.Now()
	p.mu.Lock()
	batch := p.finished
	p.finished = nil
	var holds []*job
	var erasures []uint8 // of each hold's person when it was chosen
	crowded := !final && p.crowdedLocked()
	for _, j := range p.byID {
		if j.held || j.erasing || !j.ok || len(j.raw) == 0 {
			continue
		}
		switch {
		case j.rehold && (j.state == jobWaiting || j.state == jobDropped):
			// The offset may have passed it: it is held again, even at
			// the last batch, which hands it back.
		case !final && j.state == jobWaiting && (crowded || p.blockedLocked(j) || now.Sub(j.taken) >= p.t.cfg.HoldAfter):
		default:
			continue
		}
		holds = append(holds, j)
		erasures = append(erasures, j.erasure)
	}
	// The offset passes every job settled, or settled by this batch.
	inBatch := make(map[*job]bool, len(batch)+len(holds))
	for _, j := range batch {
		inBatch[j] = true
	}
	for _, j := range holds {
		inBatch[j] = true
	}
	passed := 0
	offset := p.offset
	if p.polling {
		for _, j := range p.order {
			if !(j.state == jobDone || j.held || inBatch[j]) {
				break
			}
			passed++
			offset = j.id + 1
		}
	}
	k := registry.Bookkeeping{Source: updateSource}
	if offset != p.offset {
		k.Settings = map[string]string{offsetKey: strconv.Itoa(offset)}
	}
	for _, j := range batch {
		if !j.ok {
			continue
		}
		if j.row != nil {
			k.Users = append(k.Users, *j.row)
		}
		// A mark tells a restart not to answer again an update that
		// Telegram gives again: one that the offset stored with it passes
		// will not come again (polling), and a held one is released.
		if !p.polling || j.id >= offset {
			k.Handled = append(k.Handled, int64(j.id))
		}
		if j.held || j.rehold { // rehold: a batch written during its person's erasure may have held it
			k.Release = append(k.Release, int64(j.id))
		}
	}
	for _, j := range holds {
		k.Hold = append(k.Hold, registry.HeldUpdate{ID: int64(j.id), Raw: string(j.raw)})
	}
	p.mu.Unlock()
	if len(batch)+len(holds) == 0 && k.Settings == nil {
		return nil
	}
	if len(k.Users)+len(k.Handled)+len(k.Hold)+len(k.Settings) > 0 {
		if err := p.t.bot.db.Keep(context.Background(), k); err != nil {
			p.mu.Lock()
			p.finished = append(batch, p.finished...)
			p.mu.Unlock()
			return err
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for i, j := range holds {
		// A job that finished while this batch was written is in the next
		// one, which releases it. One whose person was erased meanwhile
		// is held again by the next.
		if j.erasure == erasures[i] {
			j.held, j.rehold = true, false
		}
		settle(j)
	}
	for _, j := range batch {
		j.state = jobDone
		p.inflight--
		settle(j)
		if j.row != nil && p.rows[j.key] == j.row {
			delete(p.rows, j.key)
		}
		j.row, j.raw = nil, nil
		if p.polling {
			if j.id < offset { // passed by the offset; a later batch's offset drops the others
				delete(p.byID, j.id)
			}
			continue
		}
		p.recent = append(p.recent, j.id)
	}
	if p.polling {
		for _, j := range p.order[:passed] {
			if j.state == jobDone {
				delete(p.byID, j.id)
			}
		}
		p.order = append(p.order[:0], p.order[passed:]...)
		p.offset = offset
	} else if n := len(p.recent) - keepDone; n > 0 {
		for _, id := range p.recent[:n] {
			if j := p.byID[id]; j != nil && j.state == jobDone {
				delete(p.byID, id)
			}
		}
		p.recent = append(p.recent[:0], p.recent[n:]...)
	}
	close(p.changed)
	p.changed = make(chan struct{})
	return nil
}

// settle closes a job's settled channel once.
func settle(j *job) {
	select {
	case <-j.settled:
	default:
		close(j.settled)
	}
}
