package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Result is one bot's figures in one round.
type Result struct {
	Bot   string `json:"bot"`
	Round int    `json:"round"`

	Steps       int `json:"steps"`       // steps of all scripts
	Updates     int `json:"updates"`     // updates handed out
	Redelivered int `json:"redelivered"` // handed out again, not confirmed by the offset
	Answered    int `json:"answered"`    // steps that had a reply
	Missing     int `json:"missing"`     // steps without a reply
	Duplicated  int `json:"duplicated"`  // replies identical to an earlier one to the same step
	Replies     int `json:"replies"`     // all replies, late ones included
	Unsolicited int `json:"unsolicited"` // replies to no step
	Pressed     int `json:"pressed"`     // presses of a button the bot sent
	Synthesized int `json:"synthesized"` // presses made up: the bot sent no matching button
	Polls       int `json:"polls"`       // getUpdates calls
	Unknown     int `json:"unknown_calls"`
	LogErrors   int `json:"log_errors"` // lines of the bot's log with a warning or an error

	WallSeconds            float64 `json:"wall_seconds"` // first update handed out → last step answered
	UpdatesPerSecond       float64 `json:"updates_per_second"`
	CPUSeconds             float64 `json:"cpu_seconds"` // the bot's utime+stime over the same span
	CPUPerUpdateMicros     float64 `json:"cpu_per_update_us"`
	PeakRSSMB              float64 `json:"peak_rss_mb"` // VmHWM, MiB
	FakeCPUPerUpdateMicros float64 `json:"fake_cpu_per_update_us"`
	StartupSeconds         float64 `json:"startup_seconds"` // start of the process → first getUpdates

	TimedOut bool           `json:"timed_out,omitempty"`
	Error    string         `json:"error,omitempty"`
	Calls    map[string]int `json:"calls,omitempty"`
}

// Report is everything a run measured.
type Report struct {
	Machine Machine  `json:"machine"`
	Config  Config   `json:"config"`
	Results []Result `json:"results"`
	Summary Summary  `json:"summary"`
}

// Summary is the run in a few numbers.
type Summary struct {
	Bots   []BotSummary `json:"bots"`
	Ratios []Ratio      `json:"ratios"` // serve's updates/s over each other bot's, per round
}

// BotSummary is one bot over all rounds.
type BotSummary struct {
	Bot                      string  `json:"bot"`
	MedianUpdatesPerSecond   float64 `json:"median_updates_per_second"`
	MedianCPUPerUpdateMicros float64 `json:"median_cpu_per_update_us"`
	MaxPeakRSSMB             float64 `json:"max_peak_rss_mb"`
	Missing                  int     `json:"missing"`
	Duplicated               int     `json:"duplicated"`
	Failed                   int     `json:"failed_rounds"`
}

// Ratio is serve's throughput over another bot's, round by round.
type Ratio struct {
	Name     string    `json:"name"` // "serve/go-echo"
	PerRound []float64 `json:"per_round"`
	Median   float64   `json:"median"`
}

func summarize(cfg Config, results []Result) Summary {
	var s Summary
	for _, name := range cfg.Bots {
		b := BotSummary{Bot: name}
		var ups, cpus []float64
		for _, r := range results {
			if r.Bot != name {
				continue
			}
			if r.Error != "" || r.TimedOut {
				b.Failed++
			}
			if r.UpdatesPerSecond > 0 {
				ups = append(ups, r.UpdatesPerSecond)
				cpus = append(cpus, r.CPUPerUpdateMicros)
			}
			b.MaxPeakRSSMB = max(b.MaxPeakRSSMB, r.PeakRSSMB)
			b.Missing += r.Missing
			b.Duplicated += r.Duplicated
		}
		b.MedianUpdatesPerSecond, b.MedianCPUPerUpdateMicros = median(ups), median(cpus)
		s.Bots = append(s.Bots, b)
	}
	if !slices.Contains(cfg.Bots, botServe) {
		return s
	}
	for _, other := range cfg.Bots {
		if other == botServe {
			continue
		}
		ratio := Ratio{Name: botServe + "/" + other}
		for round := 1; round <= cfg.Rounds; round++ {
			serve, ok1 := find(results, botServe, round)
			them, ok2 := find(results, other, round)
			if ok1 && ok2 && them.UpdatesPerSecond > 0 {
				ratio.PerRound = append(ratio.PerRound, serve.UpdatesPerSecond/them.UpdatesPerSecond)
			}
		}
		ratio.Median = median(ratio.PerRound)
		s.Ratios = append(s.Ratios, ratio)
	}
	return s
}

func find(results []Result, bot string, round int) (Result, bool) {
	for _, r := range results {
		if r.Bot == bot && r.Round == round {
			return r, true
		}
	}
	return Result{}, false
}

// median of xs; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// printRound writes one round's table.
func printRound(w io.Writer, round []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "bot\tupdates\twall s\tupdates/s\tCPU s\tCPU µs/update\tpeak RSS MB\treplies\tmissing\tdup\tpressed\tsynth\tlog err\tfake µs/update\tstart s\t")
	for _, r := range round {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.2f\t%.0f\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.2f\t\n",
			r.Bot, r.Updates, r.WallSeconds, r.UpdatesPerSecond, r.CPUSeconds, r.CPUPerUpdateMicros,
			r.PeakRSSMB, r.Replies, r.Missing, r.Duplicated, r.Pressed, r.Synthesized, r.LogErrors, r.FakeCPUPerUpdateMicros, r.StartupSeconds)
	}
	tw.Flush()
	for _, r := range round {
		switch {
		case r.Error != "":
			fmt.Fprintf(w, "%s: %s\n", r.Bot, r.Error)
		case r.TimedOut:
			fmt.Fprintf(w, "%s: timed out with %d steps unanswered\n", r.Bot, r.Missing)
		}
		if r.Unsolicited > 0 || r.Redelivered > 0 || r.Unknown > 0 {
			fmt.Fprintf(w, "%s: %d replies to no step, %d updates redelivered, %d calls to unknown methods\n", r.Bot, r.Unsolicited, r.Redelivered, r.Unknown)
		}
	}
	var ratios []string
	if serve, ok := find(round, botServe, roundOf(round)); ok {
		for _, r := range round {
			if r.Bot != botServe && r.UpdatesPerSecond > 0 {
				ratios = append(ratios, fmt.Sprintf("serve/%s %.2f", r.Bot, serve.UpdatesPerSecond/r.UpdatesPerSecond))
			}
		}
	}
	if len(ratios) > 0 {
		fmt.Fprintln(w, "ratios:", strings.Join(ratios, ", "))
	}
}

func roundOf(round []Result) int {
	if len(round) == 0 {
		return 0
	}
	return round[0].Round
}

// printSummary writes the medians, the ratios and the machine's load.
func printSummary(w io.Writer, rep Report) {
	fmt.Fprintf(w, "\nsummary over %d rounds\n", rep.Config.Rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "bot\tmedian updates/s\tmedian CPU µs/update\tmax peak RSS MB\tmissing\tdup\tfailed rounds\t")
	for _, b := range rep.Summary.Bots {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.1f\t%d\t%d\t%d\t\n", b.Bot, b.MedianUpdatesPerSecond, b.MedianCPUPerUpdateMicros,
			b.MaxPeakRSSMB, b.Missing, b.Duplicated, b.Failed)
	}
	tw.Flush()
	for _, r := range rep.Summary.Ratios {
		per := make([]string, len(r.PerRound))
		for i, x := range r.PerRound {
			per[i] = fmt.Sprintf("%.2f", x)
		}
		fmt.Fprintf(w, "%s: median %.2f (rounds: %s)\n", r.Name, r.Median, strings.Join(per, ", "))
	}
	fmt.Fprintf(w, "nproc %d, %s; load average at start %s, at end %s\n", rep.Machine.NProc, rep.Machine.Model, rep.Machine.LoadStart, rep.Machine.LoadEnd)
}
