package main

import (
	"errors"
	"io"
	"reflect"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	c, err := parseConfig(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Bots: []string{"serve", "go-echo", "grammy"}, Rounds: 3, Users: 2000, Mix: MixFull, Seed: 1,
		BroadcastRate: 25, Timeout: 2 * time.Minute, Settle: 300 * time.Millisecond}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("defaults: got %+v, want %+v", c, want)
	}
	c, err = parseConfig([]string{"-bots", "grammy, serve,grammy", "-users", "200", "-rounds", "1", "-mix", "text"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Bots, []string{"grammy", "serve"}) || c.Users != 200 || c.Rounds != 1 || c.Mix != MixText {
		t.Fatalf("got %+v", c)
	}
	if c, err = parseConfig([]string{"-broadcast", "1500", "-broadcast-rate", "1000"}, io.Discard); err != nil || c.Broadcast != 1500 || c.BroadcastRate != 1000 {
		t.Errorf("the broadcast bench: got %+v, %v", c, err)
	}
	for _, args := range [][]string{{"-bots", "telegraf"}, {"-mix", "voice"}, {"-users", "0"}, {"-rounds", "x"}, {"extra"},
		{"-broadcast", "10", "-broadcast-rate", "0"}} {
		var u usageError
		if _, err := parseConfig(args, io.Discard); !errors.As(err, &u) {
			t.Errorf("%q: got %v, want a usage error", args, err)
		}
	}
}
