package registry

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
)

// demoGeoJSON is the embedded demo registry: fictional spaces at real places
// in Seregno and its neighbours, each described as demo data.
//
//go:embed demo/demo.geojson
var demoGeoJSON []byte

// DemoSpaces returns the spaces of the embedded demo registry.
func DemoSpaces() ([]Space, error) {
	spaces, err := Read(bytes.NewReader(demoGeoJSON), GeoJSON)
	if err != nil {
		return nil, fmt.Errorf("demo registry: %w", err)
	}
	return spaces, nil
}

// LoadDemo puts the demo registry into d. Callers give it a database of its
// own: demo data is never mixed into a real list.
func (d *DB) LoadDemo(ctx context.Context) error {
	spaces, err := DemoSpaces()
	if err != nil {
		return err
	}
	_, err = d.PutSpaces(ctx, CommandLine, spaces, PutOptions{})
	return err
}
