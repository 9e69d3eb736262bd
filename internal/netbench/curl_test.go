//go:build unix

package netbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// curlArgs are curl's options for service i through r: the name goes to the proxy, as
// lifeline hands it.
func (bd *bed) curlArgs(r route, i int) []string {
	proxy := []string{"--socks5-hostname", r.relay}
	if r.kind == "http" {
		proxy = []string{"--proxy", "http://" + r.relay}
	}
	args := []string{"-q", "-sS", "-o", "/dev/null", "--max-time", "10", "--cacert", bd.caFile}
	return append(append(args, proxy...), "https://"+bd.target(i)+"/")
}

// curlReady runs curl once for service 1 through r and returns its TLS-ready time:
// time_appconnect, which counts the proxy exchange (curl's time_connect stops at the TCP
// connection to the proxy).
func (bd *bed) curlReady(b *testing.B, r route) time.Duration {
	p := run(b, bd.dir, "curl", append(bd.curlArgs(r, 1), "-w", "%{time_connect} %{time_appconnect}")...)
	if p.exit != 0 {
		b.Fatalf("curl through %s exited %d", r.kind, p.exit)
	}
	f := strings.Fields(string(p.out))
	if len(f) != 2 {
		b.Fatalf("curl printed %q", p.out)
	}
	return seconds(b, f[1])
}

// curlJobs writes one line of curl arguments per route × service of an n-route sweep (routes
// alternating as in config) and returns the file.
func (bd *bed) curlJobs(b *testing.B, n int) string {
	var lines strings.Builder
	rs := bd.routes()
	for i := range n {
		for s := 1; s <= services; s++ {
			lines.WriteString(strings.Join(bd.curlArgs(rs[i%len(rs)], s), " ") + "\n")
		}
	}
	path := filepath.Join(bd.dir, fmt.Sprintf("curl-%d.txt", n))
	if err := os.WriteFile(path, []byte(lines.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// curlSerial runs the jobs one after another, as a shell loop would; curlParallel runs them
// through xargs -P 32. Both return the whole run, children's CPU included.
func (bd *bed) curlSerial(b *testing.B, jobs string) proc {
	return bd.curlShell(b, "xargs -L 1 curl < "+jobs+" > /dev/null")
}

func (bd *bed) curlParallel(b *testing.B, jobs string) proc {
	return bd.curlShell(b, "xargs -P 32 -L 1 curl < "+jobs+" > /dev/null")
}

func (bd *bed) curlShell(b *testing.B, script string) proc {
	if _, err := exec.LookPath("curl"); err != nil {
		b.Skip("curl is not installed")
	}
	p := run(b, bd.dir, "sh", "-c", script)
	if p.exit != 0 {
		b.Fatalf("%s: exit %d", script, p.exit)
	}
	return p
}

func seconds(b *testing.B, s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		b.Fatalf("curl timing %q: %v", s, err)
	}
	return time.Duration(f * float64(time.Second))
}
