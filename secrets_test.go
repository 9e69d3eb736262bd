package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/internal/fixture"
	"github.com/lifeline-app/lifeline/ui"
)

// Recognisable secrets, one per place a config can hold one. None may leave the process
// except towards the proxy that asks for it (and the token in the webhook's own URL).
const (
	secretUser   = "Us3rName-Zq7"
	secretInline = "Inl1nePass-Zq7"
	secretFile   = "F1lePass-Zq7"
	secretEnv    = "Env1Pass-Zq7"
	secretHook   = "H00kToken-Zq7"
)

var allSecrets = []string{secretUser, secretInline, secretFile, secretEnv, secretHook}

// toggle is a TCP forwarder to a fixture that can be switched off, so a working route can
// fail mid-run and alerts fire. Switched off, it accepts and closes at once.
type toggle struct {
	addr string
	up   atomic.Bool
}

func newToggle(t *testing.T, to string) *toggle {
	t.Helper()
	tg := &toggle{}
	tg.up.Store(true)
	tg.addr = fixture.Serve(t, func(c net.Conn) {
		if !tg.up.Load() {
			return
		}
		up, err := net.DialTimeout("tcp", to, 2*time.Second)
		if err != nil {
			return
		}
		defer up.Close()
		deadline := time.Now().Add(10 * time.Second)
		c.SetDeadline(deadline)
		up.SetDeadline(deadline)
		go io.Copy(up, c)
		io.Copy(c, up)
	})
	return tg
}

// webhookSink records what the webhook receives.
type webhookSink struct {
	mu     sync.Mutex
	bodies []string
	paths  []string
}

func (w *webhookSink) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var headers bytes.Buffer
	r.Header.Write(&headers)
	w.mu.Lock()
	w.bodies = append(w.bodies, headers.String()+"\n"+string(body))
	w.paths = append(w.paths, r.URL.Path)
	w.mu.Unlock()
}

func (w *webhookSink) received() (bodies, paths []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.bodies...), append([]string(nil), w.paths...)
}

// secretsLab writes a config holding a secret in every form lifeline reads one (inline in a
// proxy URL, password_file, ${ENV} in a proxy URL and in the webhook URL), with proxies that
// accept and reject those credentials and proxies that are not there. Two working routes go
// through toggles, to fail on demand.
func secretsLab(t *testing.T) (cfg, changes string, hook *webhookSink, toggles []*toggle) {
	t.Helper()
	t.Setenv("LL_PASS", secretEnv)
	// A secret under a LIFELINE_ name: the on_change command gets LIFELINE_* variables, but
	// never one a secret was read from.
	t.Setenv("LIFELINE_HOOK_TOKEN", secretHook)
	srv := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.lifeline.test")})
	socksOK := newToggle(t, fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: secretUser, Password: secretEnv}).Addr)
	socksBad := fixture.NewSOCKS5(t, fixture.SOCKS5Options{User: secretUser, Password: "another"})
	httpOK := newToggle(t, fixture.NewConnect(t, fixture.ConnectOptions{User: secretUser, Password: secretFile}).Addr)
	httpBad := fixture.NewConnect(t, fixture.ConnectOptions{User: secretUser, Password: "another"})
	hook = &webhookSink{}
	hookSrv := fixture.StartHTTP(t, hook)
	dir := t.TempDir()
	pw := filepath.Join(dir, "proxy.pass")
	if err := os.WriteFile(pw, []byte(secretFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	changes = filepath.Join(dir, "changes")
	cfg = filepath.Join(dir, "config.yaml")
	doc := fmt.Sprintf(`
interval: 1s
timeout: 2s
step_timeout: 1s
control: none
failure_threshold: 1
success_threshold: 1
ca_files: [%s]
on_change: 'env >> %s; echo >> %s'
webhook: %s/hook/${LIFELINE_HOOK_TOKEN}
routes:
  - {name: socks-ok, proxy: "socks5://%s:${LL_PASS}@%s"}
  - {name: socks-bad, proxy: "socks5://%s:%s@%s"}
  - {name: http-file, proxy: "http://%s@%s", password_file: %s}
  - {name: http-bad, proxy: "http://%s:%s@%s"}
  - {name: socks-dead, proxy: "socks5://%s:%s@%s"}
  - {name: http-dead, proxy: "http://%s:${LL_PASS}@%s"}
services:
  - name: chatapp
    targets:
      - {role: chat, tls: "%s", sni: chat.lifeline.test}
`, caFile(t), changes, changes, hookSrv.URL,
		secretUser, socksOK.addr,
		secretUser, secretInline, socksBad.Addr,
		secretUser, httpOK.addr, pw,
		secretUser, secretInline, httpBad.Addr,
		secretUser, secretInline, fixture.RefusedAddr(t),
		secretUser, fixture.RefusedAddr(t),
		srv.Addr)
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, changes, hook, []*toggle{socksOK, httpOK}
}

func assertNoSecrets(t *testing.T, where, text string) {
	t.Helper()
	fixture.AssertNoSecrets(t, where, text, allSecrets)
}

// TestSecretsNeverLeaveTheProcess runs every command and exporter against proxies that accept
// and reject the configured credentials and proxies that are gone, makes working routes fail
// so alerts fire, and looks for the secrets in everything lifeline writes: reports, status
// lines of every format, the results log, the metrics scrape, the on_change environment,
// webhook requests, config commands and every message on stderr.
func TestSecretsNeverLeaveTheProcess(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	cfg, changes, hook, toggles := secretsLab(t)
	outputs := map[string]string{}

	// A long-running status with every exporter, while two routes go down.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, metricsAddr, logPath := startStatusExporting(ctx, t, cfg, 1000)
	result, errOut := run.result, run.errOut
	var lines []string
	waitLines := func(n int) {
		t.Helper()
		for range n {
			lines = append(lines, run.next(t))
		}
	}
	waitLines(2)
	if !strings.Contains(lines[1], `"route":"socks-ok","service":"chatapp","sweep":2,"verdict":"ok"`) ||
		!strings.Contains(lines[1], `"route":"http-file","service":"chatapp","sweep":2,"verdict":"ok"`) {
		t.Fatalf("the routes with the right credentials do not work:\n%s", lines[1])
	}
	for _, tg := range toggles {
		tg.up.Store(false)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		waitLines(1)
		data, _ := os.ReadFile(changes)
		bodies, _ := hook.received()
		if strings.Count(string(data), "LIFELINE_TO=") >= 2 && len(bodies) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts did not fire: on_change saw %q, webhook %d requests", data, len(bodies))
		}
	}
	outputs["metrics scrape"] = scrapeMetrics(t, metricsAddr)
	cancel()
	select {
	case <-result:
	case <-time.After(10 * time.Second):
		t.Fatal("status did not stop")
	}
	outputs["status json lines"] = strings.Join(lines, "\n")
	outputs["status stderr"] = errOut.String()
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	outputs["results log"] = string(logData)
	changeData, _ := os.ReadFile(changes)
	outputs["on_change environment"] = string(changeData)
	if !strings.Contains(outputs["on_change environment"], "LIFELINE_REASON=socks5: ") {
		t.Errorf("on_change never saw the proxy failure it should describe:\n%s", changeData)
	}
	bodies, paths := hook.received()
	outputs["webhook requests"] = strings.Join(bodies, "\n")
	for _, p := range paths {
		if p != "/hook/"+secretHook {
			t.Errorf("webhook posted to %q, want the configured URL", p)
		}
	}

	// One-shot commands.
	for _, args := range [][]string{
		{"check"}, {"check", "-v"}, {"check", "--json"}, {"config", "check"}, {"config", "path"},
	} {
		code, stdout, stderr := runCLI(append(args, "--config", cfg)...)
		if code == 3 {
			t.Errorf("%v: exit 3: %s", args, stderr)
		}
		outputs[strings.Join(args, " ")] = stdout + "\n" + stderr
	}
	for _, f := range ui.StatusFormats {
		for _, extra := range [][]string{nil, {"--short"}, {"--color", "always"}} {
			args := append([]string{"--once", "--config", cfg, "--format", string(f)}, extra...)
			code, stdout, stderr := runStatusCLI(context.Background(), args...)
			if code == 3 {
				t.Errorf("status %v: exit 3: %s", args, stderr)
			}
			outputs[fmt.Sprintf("status %s %v", f, extra)] = stdout + "\n" + stderr
		}
	}
	if !strings.Contains(outputs["check -v"], "socks5: authentication rejected") || !strings.Contains(outputs["check -v"], "http: proxy rejected the credentials") {
		t.Errorf("check -v does not show the rejected credentials:\n%s", outputs["check -v"])
	}

	for where, text := range outputs {
		assertNoSecrets(t, where, text)
	}
}

// TestSecretsNeverInConfigErrors: a config that holds secrets and is wrong says where and
// why, never what the secret was.
func TestSecretsNeverInConfigErrors(t *testing.T) {
	t.Setenv("LL_PASS", secretEnv)
	t.Setenv("LL_HOOK", secretHook)
	dir := t.TempDir()
	route := func(proxy string) string {
		return "routes:\n  - {name: a, proxy: \"" + proxy + "\"}\nservices: [max]\n"
	}
	docs := map[string]string{
		"port 0, inline":          route("socks5://" + secretUser + ":" + secretInline + "@127.0.0.1:0"),
		"space in host, env":      route("socks5://" + secretUser + ":${LL_PASS}@h h:1"),
		"ftp scheme, inline":      route("ftp://" + secretUser + ":" + secretInline + "@127.0.0.1:21"),
		"password_file is a dir":  "routes:\n  - {name: a, proxy: \"http://" + secretUser + "@127.0.0.1:3128\", password_file: " + dir + "}\nservices: [max]\n",
		"webhook not http, env":   "webhook: \"ftp://${LL_HOOK}@h/" + secretInline + "\"\n" + route("socks5://127.0.0.1:1"),
		"unknown key near inline": "routes:\n  - {name: a, proxy: \"socks5://" + secretUser + ":" + secretInline + "@127.0.0.1:1\", colour: red}\nservices: [max]\n",
	}
	for name, doc := range docs {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"check", "--config", path}, {"config", "check", "--config", path}, {"status", "--once", "--config", path}} {
			code, stdout, stderr := runCLI(args...)
			if code != 3 || stderr == "" {
				t.Errorf("%s: %v: exit %d, stderr %q; want a config error", name, args, code, stderr)
			}
			assertNoSecrets(t, name+": "+strings.Join(args, " "), stdout+stderr)
		}
	}
}

// TestSharedConfigWithPasswordIsWarnedOnStderr: every command that loads a group-readable
// config with a password in it says so on stderr, without the password.
func TestSharedConfigWithPasswordIsWarnedOnStderr(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	doc := "control: none\nroutes:\n  - {name: p, proxy: \"socks5://" + secretUser + ":" + secretInline + "@" + fixture.RefusedAddr(t) + "\"}\n" +
		"services:\n  - {name: m, targets: [{role: chat, tcp: \"" + fixture.RefusedAddr(t) + "\"}]}\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o600, 0o640} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"config", "check"}, {"check"}, {"status", "--once"}} {
			_, stdout, stderr := runCLI(append(args, "--config", path)...)
			warned := strings.Contains(stderr, "holds a password and is readable by other users")
			if warned != (mode == 0o640) {
				t.Errorf("mode %o, %v: warned=%v; stderr %q", mode, args, warned, stderr)
			}
			assertNoSecrets(t, strings.Join(args, " "), stdout+stderr)
		}
	}
}
