package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry"
	"github.com/comune-seregno/coworkbot/registry/hours"
)

// makeRegistry writes the registry serve starts from: the demo list, plus
// spaces synthetic spaces spread over Lombardy and knownUsers people who
// talked to the bot before, so that memory can be measured at scale.
func makeRegistry(ctx context.Context, path string, spaces, knownUsers int) error {
	db, err := registry.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.LoadDemo(ctx); err != nil {
		return err
	}
	if spaces > 0 {
		synth, err := syntheticSpaces(spaces)
		if err != nil {
			return err
		}
		if _, err := db.PutSpaces(ctx, registry.CommandLine, synth, registry.PutOptions{}); err != nil {
			return fmt.Errorf("synthetic spaces: %w", err)
		}
	}
	rng := rand.New(rand.NewPCG(3, uint64(knownUsers)))
	langs := []string{"it", "it", "it", "en"}
	for i := range knownUsers {
		u := registry.User{ID: 500_000_001 + int64(i), FirstName: fmt.Sprintf("Cliente%d", i+1),
			ClientLang: langs[rng.IntN(len(langs))], State: "{}", Subscribed: rng.IntN(5) == 0}
		if rng.IntN(3) == 0 {
			u.Location = &orb.Point{seregno[1] + (rng.Float64()-0.5)*0.1, seregno[0] + (rng.Float64()-0.5)*0.1}
			u.LocatedAt = db.Now()
		}
		if err := db.SaveUser(ctx, u); err != nil {
			return fmt.Errorf("known user %d: %w", i+1, err)
		}
	}
	return nil
}

// syntheticSpaces spreads n approved spaces over 2° × 1.5° around Seregno,
// with random services, desks and one of a few kinds of opening hours.
func syntheticSpaces(n int) ([]registry.Space, error) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	exprs := []string{"Mo-Fr 08:30-18:30", "Mo-Fr 09:00-13:00,14:00-18:00; Sa 09:00-12:00", "24/7", "Mo,We,Fr 09:00-17:00"}
	scheds := make([]hours.Schedule, len(exprs))
	for i, e := range exprs {
		h, err := hours.Parse(e)
		if err != nil {
			return nil, fmt.Errorf("hours %q: %w", e, err)
		}
		scheds[i] = h
	}
	comuni := []string{"Milano", "Monza", "Como", "Lecco", "Bergamo", "Varese", "Lodi", "Cantù", "Saronno", "Vimercate"}
	out := make([]registry.Space, n)
	for i := range out {
		out[i] = registry.Space{
			ID: fmt.Sprintf("sintetico-%d", i+1), Name: fmt.Sprintf("Spazio Sintetico %d", i+1),
			Comune:   comuni[rng.IntN(len(comuni))],
			Address:  fmt.Sprintf("Via Prova %d", 1+rng.IntN(200)),
			Location: orb.Point{8.5 + rng.Float64()*2, 45.0 + rng.Float64()*1.5},
			Services: registry.ServiceSet(rng.Uint32() & (1<<len(registry.Services) - 1)),
			Desks:    1 + rng.IntN(40), Hours: scheds[rng.IntN(len(scheds))],
		}
	}
	return out, nil
}

// copyFile copies the registry file src to dst (src is closed: no WAL beside it).
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
