package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

const secret = "hunter2-Zq9xK"

// writeFile writes content to a file in a test directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func caFile(t *testing.T) string {
	return writeFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fixture.CA().Cert.Raw})))
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// fixtureConfig has a working direct route, a working socks5 route with a password, and a
// dead proxy, all to a loopback TLS server.
func fixtureConfig(t *testing.T) string {
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.lifeline.test")})
	proxy := fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: "bob", Password: secret})
	dead := fixture.RefusedAddr(t)
	return writeFile(t, "config.yaml", fmt.Sprintf(`
timeout: 5s
control: none
ca_files: [%s]
routes:
  - name: home
    direct: true
  - name: tunnel
    proxy: socks5://bob:%s@%s
  - name: gone
    proxy: http://alice:%s@%s
services:
  - name: chatapp
    targets:
      - {role: chat, tls: "%s", sni: chat.lifeline.test}
`, caFile(t), secret, proxy.Addr, secret, dead, srv.Addr))
}

func TestCheckReportsEveryRouteAndExitsDown(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	cfg := fixtureConfig(t)
	code, out, errOut := runCLI("check", "-v", "--config", cfg)
	if code != 2 {
		t.Fatalf("exit %d, want 2 (a route is down)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"home", "tunnel", "gone", "chatapp", "ms", "— route down", "gone: route down — http proxy", "connection_refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	lines := strings.Split(out, "\n")
	for _, line := range lines {
		if strings.HasPrefix(line, "home ") || strings.HasPrefix(line, "tunnel ") {
			if !strings.Contains(line, "✓") {
				t.Errorf("working route not shown working: %q", line)
			}
		}
	}
	if strings.Contains(out+errOut, secret) {
		t.Error("the proxy password appears in the output")
	}
}

func TestCheckJSONIsOneDocumentWithTheDocumentedFields(t *testing.T) {
	cfg := fixtureConfig(t)
	code, out, _ := runCLI("check", "--json", "--config", cfg)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if strings.Contains(out, secret) {
		t.Error("the proxy password appears in the JSON")
	}
	var doc struct {
		Results []struct {
			Route, Service, Verdict, Reason string
			LatencyMS                       *float64 `json:"latency_ms"`
			Targets                         []struct {
				Target, Role, Failure, Operation string
				OK                               bool
				PhasesMS                         map[string]float64 `json:"phases_ms"`
			}
		}
		Routes []struct {
			Name, Kind, Reason string
			OK                 bool
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not one JSON document: %v\n%s", err, out)
	}
	verdicts := map[string]string{}
	for _, r := range doc.Results {
		verdicts[r.Route] = r.Verdict
		if r.Verdict == "ok" {
			if r.LatencyMS == nil || *r.LatencyMS <= 0 {
				t.Errorf("%s: ok without a latency", r.Route)
			}
			if len(r.Targets) != 1 || !r.Targets[0].OK || r.Targets[0].PhasesMS["tls"] <= 0 || r.Targets[0].Role != "chat" {
				t.Errorf("%s: targets = %+v", r.Route, r.Targets)
			}
		}
	}
	want := map[string]string{"home": "ok", "tunnel": "ok", "gone": "route-down"}
	for route, v := range want {
		if verdicts[route] != v {
			t.Errorf("%s verdict = %q, want %q", route, verdicts[route], v)
		}
	}
	if len(doc.Routes) != 3 || doc.Routes[2].OK || doc.Routes[2].Kind != "http" {
		t.Errorf("routes = %+v", doc.Routes)
	}
}

func TestBadConfigIsOneClearErrorWithLocationAndExit3(t *testing.T) {
	cases := map[string]struct{ yaml, want string }{
		"malformed":             {"routes: [\n  - name: a\n    direct: true\n", ":"},
		"unknown key":           {"routes:\n  - name: a\n    direct: true\n    colour: red\nservices: [whatsapp]\n", ":4:"},
		"bad duration":          {"interval: soon\nroutes:\n  - {name: a, direct: true}\nservices: [whatsapp]\n", ":1:"},
		"bad proxy":             {"routes:\n  - name: a\n    proxy: ftp://" + secret + "@h:1\nservices: [whatsapp]\n", ":3:"},
		"duplicate":             {"routes:\n  - {name: a, direct: true}\n  - {name: a, direct: true}\nservices: [whatsapp]\n", ":3:"},
		"no services":           {"routes:\n  - {name: a, direct: true}\nservices: []\n", ":"},
		"missing password file": {"routes:\n  - name: a\n    proxy: socks5://u@127.0.0.1:1080\n    password_file: /nonexistent/pass\nservices: [whatsapp]\n", ":4:"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeFile(t, "config.yaml", tc.yaml)
			for _, args := range [][]string{{"check", "--config", path}, {"config", "check", "--config", path}} {
				code, out, errOut := runCLI(args...)
				if code != 3 {
					t.Errorf("%v: exit %d, want 3", args, code)
				}
				if !strings.Contains(errOut, path+tc.want) {
					t.Errorf("%v: error %q lacks the location %s%s", args, errOut, path, tc.want)
				}
				if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 2 {
					t.Errorf("%v: error is %d lines, want one clear message:\n%s", args, n+1, errOut)
				}
				if strings.Contains(out+errOut, secret) || strings.Contains(errOut, "panic") {
					t.Errorf("%v: output leaks a secret or panics:\n%s", args, errOut)
				}
			}
		})
	}
}

func TestConfigInitWritesOnceAndCheckAcceptsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.yaml")
	if code, _, errOut := runCLI("config", "init", "--config", path); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errOut)
	}
	if code, _, _ := runCLI("config", "init", "--config", path); code == 0 {
		t.Error("init overwrote an existing config")
	}
	if code, out, errOut := runCLI("config", "check", "--config", path); code != 0 || !strings.Contains(out, "ok") {
		t.Errorf("check of the starter config: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("LIFELINE_CONFIG", path)
	if code, out, _ := runCLI("config", "path"); code != 0 || !strings.Contains(out, path) || !strings.Contains(out, "LIFELINE_CONFIG") {
		t.Errorf("config path = %q (exit %d)", out, code)
	}
}

func TestInterruptedCheckExitsUnknown(t *testing.T) {
	cfg := fixtureConfig(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	if code := runCheck(ctx, []string{"--config", cfg}, &out, &errOut); code != 3 {
		t.Errorf("interrupted check exit %d, want 3", code)
	}
}
