package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procUsage is what /proc tells of a process: CPU time (user + system) and
// peak resident memory.
type procUsage struct {
	CPU     time.Duration
	PeakRSS int64 // bytes (VmHWM)
}

// clockTick is the kernel's clock tick, the unit of utime and stime in
// /proc/PID/stat (getconf CLK_TCK; 100 on Linux almost always).
var clockTick = func() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return 100
}()

// readUsage reads the CPU time and peak RSS of process pid ("self" for this one).
func readUsage(pid string) (procUsage, error) {
	var u procUsage
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return u, err
	}
	// The command name, in parentheses, may hold spaces: fields count from
	// after its closing parenthesis, where field 3 (state) begins.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return u, fmt.Errorf("/proc/%s/stat: no command name", pid)
	}
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 13 {
		return u, fmt.Errorf("/proc/%s/stat: %d fields", pid, len(fields))
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(fields[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return u, fmt.Errorf("/proc/%s/stat: %w", pid, err)
	}
	u.CPU = time.Duration(utime+stime) * time.Second / time.Duration(clockTick)
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return u, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return u, fmt.Errorf("/proc/%s/status: VmHWM: %w", pid, err)
			}
			u.PeakRSS = kb << 10
		}
	}
	return u, nil
}

// botProc is a bot running as a separate process.
type botProc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended
	err    error         // its exit status, once exited is closed
	log    string        // file with its standard output and error
}

// startBot starts argv in dir with extra environment, output to logPath.
func startBot(argv []string, dir string, env []string, logPath string) (*botProc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &botProc{cmd: cmd, exited: make(chan struct{}), log: logPath}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	return p, nil
}

func (p *botProc) pid() string { return strconv.Itoa(p.cmd.Process.Pid) }

// stop sends SIGTERM and waits for the end, killing after grace.
func (p *botProc) stop(grace time.Duration) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// logErrors counts the lines of the bot's log that tell of a failure:
// serve's warnings and errors; every line of the echo bots, which log
// nothing else.
func (p *botProc) logErrors(structured bool) int {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return 0
	}
	n := 0
	for line := range strings.Lines(string(b)) {
		if !structured || strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
			n++
		}
	}
	return n
}

// tail is the end of the bot's log, for error messages.
func (p *botProc) tail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// runCmd runs a command to its end in dir, its output shown on failure.
func runCmd(ctx context.Context, dir string, argv ...string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, out)
	}
	return nil
}

// Machine describes where the run happened.
type Machine struct {
	NProc     int    `json:"nproc"`
	Model     string `json:"cpu_model"`
	LoadStart string `json:"load_start"`
	LoadEnd   string `json:"load_end"`
	Go        string `json:"go"`
	Node      string `json:"node,omitempty"`
}

func nproc() int {
	out, err := exec.Command("nproc").Output()
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			return n
		}
	}
	return runtime.NumCPU()
}

func cpuModel() string {
	out, err := exec.Command("lscpu").Output()
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(out)) {
		if rest, ok := strings.CutPrefix(line, "Model name:"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// loadAvg is the 1, 5 and 15 minute load averages, as uptime prints them.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], ", ")
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
