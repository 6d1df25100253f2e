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

// Export writes the approved spaces, ordered by id, in the given format.
func (d *DB) Export(ctx context.Context, w io.Writer, f Format) error {
	spaces, err := d.Spaces(ctx, Approved)
	if err != nil {
		return err
	}
	return Write(w, spaces, f)
}
