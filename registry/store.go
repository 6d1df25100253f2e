package registry

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Rome even on a machine without a zoneinfo database

	"github.com/mattn/go-sqlite3"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the registry's SQLite store. It is safe for concurrent use.
type DB struct {
	db   *sql.DB
	path string

	// Now is the clock; tests and demos replace it.
	Now func() time.Time
	// Calendar gives the public holidays the opening hours respect.
	Calendar hours.Calendar
	// Rules are the limits bookings respect; the zero value means the defaults.
	Rules BookingRules
	// EventRules are the limits event sign-ups respect; the zero value means the defaults.
	EventRules EventRules

	mu     sync.Mutex
	index  *spaceIndex // the approved spaces, rebuilt when the version moves
	spaces spaceCache  // the spaces read one by one, dropped when the version moves

	// writeMu serializes this process's write transactions: SQLite allows
	// one writer at a time, and waiting on a Go mutex is far cheaper than
	// SQLite's sleeping busy handler. Other processes still meet the busy
	// timeout.
	writeMu sync.Mutex
	writer  *sql.Conn // the one connection this process writes on, its page and statement caches kept warm

	books   commitQueue[*bookCall]   // the Book calls waiting to be written, see bookQueued
	signups commitQueue[*signupCall] // the SignUp calls waiting to be written, see signUpQueued
}

// maxConns bounds the connections to the database: the writer and the
// readers.
const maxConns = 8

// Rome is the time zone of the list: every day and time the registry
// stores or answers is in Europe/Rome.
var Rome = mustLoadRome()

func mustLoadRome() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(fmt.Sprintf("registry: no tz data for Europe/Rome: %v", err))
	}
	return loc
}

// DefaultCalendar is Italy's with Seregno's patron saint, San Giuseppe (19 March).
var DefaultCalendar = hours.Italy(time.March, 19, "San Giuseppe")

// Open opens (creating if needed) the registry at path and brings its schema
// up to date. The pragmas are in the DSN so that every pooled connection has
// them.
func Open(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	// What is deleted or rewritten is overwritten with zeros where that
	// costs no extra write: an erased person's rows do not linger in
	// free space (docs/privacy.md).
	q.Set("_secure_delete", "FAST")
	q.Set("_stmt_cache_size", "64") // reuse prepared statements on each connection
	dsn := "file:" + path + "?" + q.Encode()
	sqldb, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Keep the connections open: opening one reads the schema, and each
	// keeps its page and statement caches warm. database/sql would keep two
	// idle and open (and close) one per query beyond, under concurrent
	// readers. The bound keeps the caches' memory bounded too: each
	// connection's page cache grows to 2 MiB.
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	d := &DB{db: sqldb, path: path, Now: time.Now, Calendar: DefaultCalendar}
	if d.writer, err = sqldb.Conn(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// A checkpoint copies the pages written since the last one into the
	// database file; every 10,000 pages (about 40 MB of log) instead of
	// SQLite's 1,000 it copies a page rewritten by many commits once, not
	// ten times: bookings with 8 clients went from about 7,700 to 9,000 a
	// second (docs/bookings.md). The log file keeps its size and is
	// written over from its start after each checkpoint.
	if _, err := d.writer.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 10000`); err != nil {
		d.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := d.migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error {
	d.writer.Close()
	return d.db.Close()
}

// Path is the database file.
func (d *DB) Path() string { return d.path }

// now is the clock in the registry's time zone.
func (d *DB) now() time.Time { return d.Now().In(Rome) }

// migrate applies, in order, each embedded migration not applied yet, each in
// its own transaction.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		if err := d.inTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v, time.Now().Unix())
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs fn in one immediate transaction, committing when it returns nil.
func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback() // on an error, and on a panic on its way up
		}
	}()
	if err := fn(tx); err != nil {
		return mapErr(err)
	}
	committed = true
	return mapErr(tx.Commit())
}

// mapErr turns SQLite constraint errors into the registry's kinds, by code.
func mapErr(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		if se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey {
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return err
}
