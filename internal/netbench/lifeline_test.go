//go:build unix

package netbench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lifelineBin is the binary under test, built by scripts/bench.sh.
func lifelineBin(b *testing.B) string {
	bin := os.Getenv("NETBENCH_LIFELINE")
	if bin == "" {
		b.Skip("NETBENCH_LIFELINE is not set: run scripts/bench.sh")
	}
	return bin
}

// proc is one finished process, measured.
type proc struct {
	wall time.Duration
	cpu  time.Duration // user + system, its waited-for children included
	rss  int64         // peak resident set, bytes
	exit int
	out  []byte
}

// run starts name with args in a clean environment (no proxy variables, no curlrc) and waits.
func run(b *testing.B, dir, name string, args ...string) proc {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	p := proc{wall: time.Since(start), out: out.Bytes()}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		b.Fatalf("%s: %v: %s", name, err, errOut.Bytes())
	}
	p.exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		p.rss = int64(ru.Maxrss) * 1024
	}
	if p.exit > 2 {
		b.Fatalf("%s %s exited %d: %s", name, strings.Join(args, " "), p.exit, errOut.Bytes())
	}
	return p
}

// selfCPU is this process's CPU time so far (user + system): the bed's servers, proxies and
// relays run here.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runMeasured is run with the peak RSS taken by /usr/bin/time when it is installed: a child
// forked from this (large) process inherits its high-water mark at exec, so the rusage of a
// direct child overstates a small program's RSS.
func runMeasured(b *testing.B, dir, name string, args ...string) proc {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		p := run(b, dir, name, args...)
		p.rss = 0
		return p
	}
	rssFile := filepath.Join(dir, "rss")
	p := run(b, dir, "/usr/bin/time", append([]string{"-f", "%M", "-o", rssFile, name}, args...)...)
	data, err := os.ReadFile(rssFile)
	if err != nil {
		b.Fatal(err)
	}
	// After a non-zero exit, time writes a line saying so before the figure.
	lines := strings.Fields(strings.TrimSpace(string(data)))
	kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		b.Fatalf("/usr/bin/time wrote %q", data)
	}
	p.rss = kb * 1024
	return p
}

// config writes a lifeline config with n routes (alternating the bed's route kinds) and the
// given number of services; settings are extra top-level lines such as "concurrency: 256".
func (bd *bed) config(b *testing.B, name string, n, svcs int, settings ...string) string {
	var y strings.Builder
	y.WriteString("control: none\ninterval: 1h\n")
	fmt.Fprintf(&y, "ca_files: [%q]\n", bd.caFile)
	for _, s := range settings {
		y.WriteString(s + "\n")
	}
	y.WriteString("routes:\n")
	rs := bd.routes()
	for i := range n {
		r := rs[i%len(rs)]
		fmt.Fprintf(&y, "  - {name: r%03d, proxy: \"%s://%s\"}\n", i, r.kind, r.relay)
	}
	y.WriteString("services:\n")
	for i := 1; i <= svcs; i++ {
		fmt.Fprintf(&y, "  - name: s%d\n    targets:\n      - {role: chat, tls: %q}\n", i, bd.target(i))
	}
	path := filepath.Join(bd.dir, name+".yaml")
	if err := os.WriteFile(path, []byte(y.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// report is the part of `lifeline check --json` the bench reads.
type report struct {
	Results []struct {
		Route   string `json:"route"`
		Service string `json:"service"`
		Verdict string `json:"verdict"`
		Targets []struct {
			OK     bool `json:"ok"`
			Phases struct {
				Connect *float64 `json:"connect"`
				TLS     *float64 `json:"tls"`
				Total   *float64 `json:"total"`
			} `json:"phases_ms"`
		} `json:"targets"`
	} `json:"results"`
}

// measured is one target's connect and TLS times as lifeline reported them.
type measured struct {
	kind         string
	connect, tls time.Duration
}

// sweep runs `lifeline check --json` on config and returns the process and every target's
// times; it fails the bench if a target did not work.
func sweep(b *testing.B, bin, dir, config string) (proc, []measured) {
	p := runMeasured(b, dir, bin, "check", "--json", "--config", config)
	var rep report
	if err := json.Unmarshal(p.out, &rep); err != nil {
		b.Fatalf("lifeline check --json: %v: %.200s", err, p.out)
	}
	var got []measured
	for _, r := range rep.Results {
		for _, t := range r.Targets {
			if !t.OK {
				b.Fatalf("%s × %s: %s", r.Route, r.Service, r.Verdict)
			}
			got = append(got, measured{kindOf(r.Route), msDur(t.Phases.Connect), msDur(t.Phases.TLS)})
		}
	}
	return p, got
}

// kindOf is the route kind config gave route name rNNN: even numbers SOCKS5, odd CONNECT.
func kindOf(name string) string {
	var i int
	fmt.Sscanf(name, "r%d", &i)
	if i%2 == 0 {
		return "socks5"
	}
	return "http"
}

func msDur(ms *float64) time.Duration {
	if ms == nil {
		return 0
	}
	return time.Duration(*ms * float64(time.Millisecond))
}
