package registry

import (
	"context"
	"io"
)

// Import reads a file in the given format and writes its spaces as the
// official list, all or nothing: any problem writes nothing and comes back as
// Problems.
func (d *DB) Import(ctx context.Context, a Actor, r io.Reader, f Format) (PutResult, error) {
	spaces, err := Read(r, f)
	if err != nil {
		return PutResult{}, err
	}
	return d.PutSpaces(ctx, a, spaces, PutOptions{})
}

// ICS is the iCalendar format (RFC 5545) of the events export. It is no
// format of the list: Read and Write refuse it, and the list's own exports
// (GeoJSON, CSV) carry no events.
const ICS Format = "ics"

// Export writes the approved spaces, ordered by id, in the given format, or
// with ICS their events (see WriteCalendar).
func (d *DB) Export(ctx context.Context, w io.Writer, f Format) error {
	if f == ICS {
		return d.WriteCalendar(ctx, w, "")
	}
	spaces, err := d.Spaces(ctx, Approved)
	if err != nil {
		return err
	}
	return Write(w, spaces, f)
}
