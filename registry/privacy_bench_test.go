package registry

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// The privacy benchmarks run on a registry of the size a comune reaches
// after years (people × bookings each, over the last two years, an audit
// log naming a tenth of them): the purge the ticker runs every minute, an
// erasure, an export.
const (
	benchPeople   = 20000
	benchBookings = 10 // each
)

// codeOf is the i-th booking code, distinct for every i below 24⁶.
func codeOf(i int) string {
	var c [codeLen]byte
	for k := codeLen - 1; k >= 0; k-- {
		c[k] = CodeAlphabet[i%len(CodeAlphabet)]
		i /= len(CodeAlphabet)
	}
	return string(c[:])
}

// seedPeople writes the people, their bookings and audit entries in one
// transaction, straight into the tables.
func seedPeople(b *testing.B, d *DB) {
	b.Helper()
	ctx := context.Background()
	now := d.now()
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		user, err := tx.PrepareContext(ctx, `INSERT INTO users (id, first_name, lang, lat, lon, located_at, state, created_at, updated_at)
			VALUES (?, ?, 'it', 45.65, 9.2, ?, '{"results":["il-cortile"]}', ?, ?)`)
		if err != nil {
			return err
		}
		book, err := tx.PrepareContext(ctx, `INSERT INTO bookings (code, key, user_id, space_id, day, slot, start_min, end_min, desks, status, created_at)
			VALUES (?, ?, ?, 'officina-brianza', ?, 'morning', 510, 780, 1, 'confirmed', ?)`)
		if err != nil {
			return err
		}
		audit, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (at, actor, role, action, space_id, after) VALUES (?, ?, 'staff', 'provider.add', 'officina-brianza', ?)`)
		if err != nil {
			return err
		}
		n := 0
		for p := 1; p <= benchPeople; p++ {
			id := int64(1_000_000 + p)
			// Most spoke days ago: their locations and states are gone already,
			// as the ticker keeps it.
			at := now.Add(-time.Duration(p%30+1) * 24 * time.Hour).Unix()
			if _, err := user.ExecContext(ctx, id, fmt.Sprintf("Persona%d", p), at, at, at); err != nil {
				return err
			}
			for k := 0; k < benchBookings; k++ {
				day := now.AddDate(0, 0, -((p*benchBookings + k) % 730))
				if _, err := book.ExecContext(ctx, codeOf(n), fmt.Sprintf("confirm:%d:%d", id, k), id, dayKey(day), day.Unix()); err != nil {
					return err
				}
				n++
			}
			if p%10 == 0 {
				if _, err := audit.ExecContext(ctx, at, clerk, fmt.Sprintf(`{"user_id":%d}`, id)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.Purge(ctx, Retention{}, false); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPurgeIdle is the ticker's purge once it has caught up: what it
// costs every minute.
func BenchmarkPurgeIdle(b *testing.B) {
	d := mustRolesB(b)
	seedPeople(b, d)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if p, err := d.Purge(ctx, Retention{}, false); err != nil || !p.Zero() {
			b.Fatalf("got %+v, %v, want nothing to do", p, err)
		}
	}
}

// BenchmarkErase erases one person after another, each with their bookings
// and an audit entry in ten.
func BenchmarkErase(b *testing.B) {
	d := mustRolesB(b)
	seedPeople(b, d)
	ctx := context.Background()
	p := 0
	b.ResetTimer()
	for b.Loop() {
		p++
		if _, err := d.Erase(ctx, int64(1_000_000+p%benchPeople+1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExportPerson exports one person's data.
func BenchmarkExportPerson(b *testing.B) {
	d := mustRolesB(b)
	seedPeople(b, d)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		data, err := d.ExportPerson(ctx, 1_000_010)
		if err != nil || data.Count("bookings") != benchBookings {
			b.Fatalf("got %d bookings, %v", data.Count("bookings"), err)
		}
	}
}

// mustRolesB is mustRoles for a benchmark.
func mustRolesB(b *testing.B) *DB {
	b.Helper()
	d := mustDemo(b)
	if err := d.AddStaff(context.Background(), CommandLine, clerk, "Carla"); err != nil {
		b.Fatal(err)
	}
	return d
}
