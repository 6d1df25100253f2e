// Command tgbench measures the Telegram front end under load, side by side
// with two bare echo bots: `coworkbot serve`, an echo bot on the same
// go-telegram-bot-api library (echobot/) and a grammY echo bot on Node.js
// (grammy/). Each runs as its own process against a fresh loopback fake Bot
// API that plays N distinct users, each with a short script (/start,
// questions in Italian and English, a shared location, a booking confirmed
// with its button), every step waiting for the bot's reply to the previous
// one. Rounds interleave the bots, so that a shared, noisy machine treats
// them alike; the summary gives the ratios within each round.
//
//	go run ./cmd/tgbench [-bots serve,go-echo,grammy] [-rounds 3] [-users 2000] [-mix full|text]
//	                     [-spaces N] [-known-users N] [-db FILE] [-json FILE]
//	go run ./cmd/tgbench -broadcast 100000 -broadcast-rate 1000   # the announcements' pace (broadcast.go)
//
// See docs/benchmarks.md, "Telegram front end under load".
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/comune-seregno/coworkbot/registry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var u usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2) // the flag package has printed the usage
	case errors.As(err, &u):
		fmt.Fprintln(os.Stderr, "tgbench:", err)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "tgbench:", err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError string

func (u usageError) Error() string { return string(u) }

// The bots tgbench knows.
const (
	botServe  = "serve"
	botGoEcho = "go-echo"
	botGrammy = "grammy"
)

var allBots = []string{botServe, botGoEcho, botGrammy}

// Config is one run's settings.
type Config struct {
	Bots       []string `json:"bots"`
	Rounds     int      `json:"rounds"`
	Users      int      `json:"users"`
	Mix        Mix      `json:"mix"`
	Spaces     int      `json:"spaces"`
	KnownUsers int      `json:"known_users"`
	DB         string   `json:"db,omitempty"`
	Seed       uint64   `json:"seed"`
	// Broadcast, when set, runs the broadcast bench instead (broadcast.go):
	// serve sends one announcement to this many subscribers.
	Broadcast     int           `json:"broadcast,omitempty"`
	BroadcastRate float64       `json:"broadcast_rate,omitempty"`
	Timeout       time.Duration `json:"-"`
	Settle        time.Duration `json:"-"`
	JSON          string        `json:"-"`
	Keep          bool          `json:"-"`
	CPUProfile    string        `json:"-"`
}

func parseConfig(args []string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("tgbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c Config
	bots := fs.String("bots", strings.Join(allBots, ","), "bots to measure, in this order: serve, go-echo, grammy")
	fs.IntVar(&c.Rounds, "rounds", 3, "rounds; each runs every bot once")
	fs.IntVar(&c.Users, "users", 2000, "distinct users, all starting at once")
	mix := fs.String("mix", string(MixFull), "workload: full (with the booking flow) or text (free text only)")
	fs.IntVar(&c.Spaces, "spaces", 0, "synthetic spaces added to the demo registry (serve)")
	fs.IntVar(&c.KnownUsers, "known-users", 0, "people already in the users table (serve)")
	fs.StringVar(&c.DB, "db", "", "registry to copy for serve each round, instead of one made by tgbench")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the workload; round r plays seed+r")
	fs.DurationVar(&c.Timeout, "timeout", 2*time.Minute, "give up on a bot's round after this long")
	fs.DurationVar(&c.Settle, "settle", 300*time.Millisecond, "wait after the last reply, counting late replies, before stopping the bot")
	fs.StringVar(&c.JSON, "json", "", "write the raw figures to this file")
	fs.IntVar(&c.Broadcast, "broadcast", 0, "instead, measure serve sending one announcement to this many subscribers")
	fs.Float64Var(&c.BroadcastRate, "broadcast-rate", 25, "with -broadcast: serve's -broadcast-rate, messages a second")
	fs.BoolVar(&c.Keep, "keep", false, "keep the temporary directory (binaries, databases, bot logs)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of tgbench itself (the fake) to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return c, usageError(fmt.Sprintf("unexpected arguments: %q", fs.Args()))
	}
	for _, b := range strings.Split(*bots, ",") {
		b = strings.TrimSpace(b)
		if !slices.Contains(allBots, b) {
			return c, usageError(fmt.Sprintf("-bots: unknown bot %q (want serve, go-echo, grammy)", b))
		}
		if !slices.Contains(c.Bots, b) {
			c.Bots = append(c.Bots, b)
		}
	}
	c.Mix = Mix(*mix)
	if c.Mix != MixFull && c.Mix != MixText {
		return c, usageError(fmt.Sprintf("-mix %q: want full or text", *mix))
	}
	if c.Broadcast < 0 || c.BroadcastRate <= 0 {
		return c, usageError("-broadcast must not be negative, and -broadcast-rate must be more than 0")
	}
	if c.Rounds < 1 || c.Users < 1 {
		return c, usageError("-rounds and -users must be at least 1")
	}
	return c, nil
}

// run is the whole program.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	rep := Report{Config: cfg, Machine: Machine{NProc: nproc(), Model: cpuModel(), LoadStart: loadAvg(), Go: runtime.Version()}}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if cfg.Broadcast > 0 {
		return runBroadcast(ctx, cfg, root, stdout, stderr)
	}
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	tmp, err := os.MkdirTemp("", "tgbench-")
	if err != nil {
		return err
	}
	if cfg.Keep {
		fmt.Fprintln(stderr, "tgbench: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	env, err := prepare(ctx, cfg, root, tmp, stderr)
	if err != nil {
		return err
	}
	if slices.Contains(cfg.Bots, botGrammy) {
		rep.Machine.Node = nodeVersion()
	}
	fmt.Fprintf(stdout, "tgbench: %d users, mix %s, %d rounds; nproc %d, %s; load average %s\n",
		cfg.Users, cfg.Mix, cfg.Rounds, rep.Machine.NProc, rep.Machine.Model, rep.Machine.LoadStart)
	if cfg.Spaces > 0 || cfg.KnownUsers > 0 {
		fmt.Fprintf(stdout, "serve's registry: the demo list + %d synthetic spaces, %d known users\n", cfg.Spaces, cfg.KnownUsers)
	}
	for r := 1; r <= cfg.Rounds; r++ {
		scripts := Workload(cfg.Users, cfg.Mix, cfg.Seed+uint64(r), time.Now().In(registry.Rome))
		var round []Result
		for _, name := range cfg.Bots {
			fmt.Fprintf(stderr, "round %d: %s… ", r, name)
			res, err := env.measure(ctx, name, r, scripts)
			if err != nil {
				return err // interrupted
			}
			fmt.Fprintf(stderr, "%.1f s\n", res.WallSeconds)
			round = append(round, res)
		}
		fmt.Fprintf(stdout, "\nround %d (%d updates each)\n", r, countSteps(scripts))
		printRound(stdout, round)
		rep.Results = append(rep.Results, round...)
	}
	rep.Machine.LoadEnd = loadAvg()
	rep.Summary = summarize(cfg, rep.Results)
	printSummary(stdout, rep)
	if cfg.JSON != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.JSON, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// moduleRoot is the directory of this module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run tgbench from inside the coworkbot module (go run ./cmd/tgbench)")
	}
	return filepath.Dir(mod), nil
}

// env is where the bots are: their binaries, serve's registry, the logs.
type env struct {
	cfg      Config
	root     string
	tmp      string
	registry string // serve's registry, copied each round
}

// token is the bot token every bot is given; the fake accepts any.
const token = "123456:tgbench"

// prepare builds the Go bots, installs grammY when needed and writes serve's registry.
func prepare(ctx context.Context, cfg Config, root, tmp string, stderr io.Writer) (*env, error) {
	e := &env{cfg: cfg, root: root, tmp: tmp}
	var pkgs []string
	if slices.Contains(cfg.Bots, botServe) {
		pkgs = append(pkgs, "./cmd/coworkbot")
	}
	if slices.Contains(cfg.Bots, botGoEcho) {
		pkgs = append(pkgs, "./cmd/tgbench/echobot")
	}
	if len(pkgs) > 0 {
		fmt.Fprintln(stderr, "tgbench: go build", strings.Join(pkgs, " "))
		if err := runCmd(ctx, root, append([]string{"go", "build", "-o", tmp + string(filepath.Separator)}, pkgs...)...); err != nil {
			return nil, err
		}
	}
	if slices.Contains(cfg.Bots, botGrammy) {
		if err := installGrammy(ctx, filepath.Join(root, "cmd", "tgbench", "grammy"), stderr); err != nil {
			return nil, err
		}
	}
	if slices.Contains(cfg.Bots, botServe) {
		e.registry = filepath.Join(tmp, "registry.db")
		if cfg.DB != "" {
			if err := copyRegistry(e.registry, cfg.DB); err != nil {
				return nil, err
			}
		} else {
			fmt.Fprintf(stderr, "tgbench: writing serve's registry (demo + %d spaces, %d known users)\n", cfg.Spaces, cfg.KnownUsers)
			if err := makeRegistry(ctx, e.registry, cfg.Spaces, cfg.KnownUsers); err != nil {
				return nil, fmt.Errorf("serve's registry: %w", err)
			}
		}
	}
	return e, nil
}

// installGrammy runs npm ci in dir unless the locked grammY is installed.
func installGrammy(ctx context.Context, dir string, stderr io.Writer) error {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	var installed struct {
		Version string `json:"version"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		return fmt.Errorf("package-lock.json: %w", err)
	}
	want := lock.Packages["node_modules/grammy"].Version
	if b, err := os.ReadFile(filepath.Join(dir, "node_modules", "grammy", "package.json")); err == nil &&
		json.Unmarshal(b, &installed) == nil && installed.Version == want {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("grammy needs node and npm (or leave it out: -bots serve,go-echo)")
	}
	fmt.Fprintln(stderr, "tgbench: npm ci in", dir, "(grammy", want+")")
	return runCmd(ctx, dir, "npm", "ci", "--no-audit", "--no-fund")
}

// copyRegistry copies a registry file and its write-ahead log, if any.
func copyRegistry(dst, src string) error {
	if err := copyFile(dst, src); err != nil {
		return err
	}
	if _, err := os.Stat(src + "-wal"); err == nil {
		return copyFile(dst+"-wal", src+"-wal")
	}
	return nil
}

// argv is how to start a bot against the fake at url.
func (e *env) argv(name, url, db string) (argv []string, dir string, extra []string) {
	switch name {
	case botServe:
		return []string{filepath.Join(e.tmp, "coworkbot"), "serve", "-db", db, "-api-endpoint", url,
			"-privacy-contact", "privacy@comune.example", "-dpo-contact", "dpo@comune.example"}, e.tmp, nil
	case botGoEcho:
		return []string{filepath.Join(e.tmp, "echobot"), "-api-endpoint", url}, e.tmp, nil
	default:
		return []string{"node", "bot.js"}, filepath.Join(e.root, "cmd", "tgbench", "grammy"), []string{"TELEGRAM_API_ROOT=" + url}
	}
}

// measure runs one bot through one round's workload. Only an interruption
// is an error; a bot that fails has it written in its result.
func (e *env) measure(ctx context.Context, name string, round int, scripts []Script) (Result, error) {
	res := Result{Bot: name, Round: round}
	f, err := NewFake(scripts)
	if err != nil {
		return res, err
	}
	defer f.Close()
	db := ""
	if name == botServe {
		db = filepath.Join(e.tmp, fmt.Sprintf("round%d.db", round))
		if err := copyRegistry(db, e.registry); err != nil {
			return res, err
		}
		defer os.Remove(db)
	}
	argv, dir, extra := e.argv(name, f.URL, db)
	p, err := startBot(argv, dir, append(extra, "TELEGRAM_BOT_TOKEN="+token), filepath.Join(e.tmp, fmt.Sprintf("round%d-%s.log", round, name)))
	if err != nil {
		res.Error = err.Error()
		return res, nil
	}
	stopped := false
	defer func() {
		if !stopped {
			p.stop(5 * time.Second)
		}
	}()
	began := time.Now()
	select {
	case <-f.Ready():
	case <-p.exited:
		res.Error = fmt.Sprintf("exited before polling (%v): %s", p.err, p.tail())
		return res, nil
	case <-time.After(time.Minute):
		res.Error = "did not poll within a minute: " + p.tail()
		return res, nil
	case <-ctx.Done():
		return res, ctx.Err()
	}
	res.StartupSeconds = time.Since(began).Seconds()
	before, err1 := readUsage(p.pid())
	self0, err2 := readUsage("self")
	f.Start()
	select {
	case <-f.Done():
	case <-time.After(e.cfg.Timeout):
		res.TimedOut = true
	case <-p.exited:
		res.Error = fmt.Sprintf("exited during the round (%v): %s", p.err, p.tail())
	case <-ctx.Done():
		return res, ctx.Err()
	}
	end := time.Now()
	after, err3 := readUsage(p.pid())
	self1, err4 := readUsage("self")
	select {
	case <-time.After(e.cfg.Settle): // late replies count, in replies and duplicates
	case <-ctx.Done():
		return res, ctx.Err()
	}
	peak, err5 := readUsage(p.pid())
	st := f.Stats()
	p.stop(10 * time.Second)
	stopped = true
	res.LogErrors = p.logErrors(name == botServe)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil && res.Error == "" {
		res.Error = "reading /proc: " + err.Error()
	}

	res.Steps, res.Updates, res.Redelivered = st.Steps, st.Updates, st.Redelivered
	res.Answered, res.Missing, res.Duplicated = st.Answered, st.Missing(), st.Duplicated
	res.Replies, res.Unsolicited, res.Pressed, res.Synthesized = st.Replies, st.Unsolicited, st.Pressed, st.Synthesized
	res.Polls, res.Unknown, res.Calls = st.Polls, st.Unknown, st.Calls
	last := st.Last
	if res.Missing > 0 || last.IsZero() {
		last = end
	}
	if !st.First.IsZero() {
		res.WallSeconds = last.Sub(st.First).Seconds()
	}
	if res.WallSeconds > 0 {
		res.UpdatesPerSecond = float64(res.Updates) / res.WallSeconds
	}
	res.CPUSeconds = (after.CPU - before.CPU).Seconds()
	res.PeakRSSMB = float64(max(peak.PeakRSS, after.PeakRSS)) / (1 << 20)
	if res.Updates > 0 {
		res.CPUPerUpdateMicros = res.CPUSeconds * 1e6 / float64(res.Updates)
		res.FakeCPUPerUpdateMicros = (self1.CPU - self0.CPU).Seconds() * 1e6 / float64(res.Updates)
	}
	return res, nil
}
