package config

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLocateOrder(t *testing.T) {
	cfgHome := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgHome)
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvConfig, "/env/config.yaml")

	path, source, err := Locate("/flag/config.yaml")
	if err != nil || path != "/flag/config.yaml" || source != SourceFlag {
		t.Errorf("with flag: %q %q %v", path, source, err)
	}
	path, source, err = Locate("")
	if err != nil || path != "/env/config.yaml" || source != SourceEnv {
		t.Errorf("with env: %q %q %v", path, source, err)
	}
	t.Setenv(EnvConfig, "")
	path, source, err = Locate("")
	dir, _ := os.UserConfigDir()
	if err != nil || path != filepath.Join(dir, "lifeline", "config.yaml") || source != SourceDefault {
		t.Errorf("default: %q %q %v", path, source, err)
	}
}

func TestInitWritesPrivateStarterAndNeverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "config.yaml")
	if err := Init(path); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if string(data) != string(Starter()) {
		t.Error("Init did not write the starter config")
	}

	if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = Init(path)
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Init = %v, want an error wrapping fs.ErrExist", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "mine" {
		t.Errorf("Init overwrote an existing file: %q", data)
	}
}

func TestStarterParses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := Init(path); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("the starter config does not load: %v", err)
	}
	if cfg.Path != path || len(cfg.Plan.Routes) == 0 || len(cfg.Plan.Services) != len(DefaultServices) {
		t.Errorf("starter = %+v", cfg)
	}
	// Every commented-out example is valid too once uncommented (with its secrets supplied).
	writeCA(t, dir, "office-ca.pem")
	writeCA(t, dir, "extra.pem")
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".config", "lifeline"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".config", "lifeline"), "shop.pass", "pw\n", 0o600)
	t.Setenv("OFFICE_PASS", "x")
	t.Setenv("LIFELINE_HOOK_TOKEN", "y")
	var lines []string
	for _, line := range strings.Split(string(Starter()), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(trimmed)]
		if strings.HasPrefix(trimmed, "# ") && looksLikeYAML(trimmed[2:]) {
			line = indent + trimmed[2:]
		}
		lines = append(lines, line)
	}
	full := strings.Join(lines, "\n")
	cfg, err = Parse(path, []byte(full))
	if err != nil {
		t.Fatalf("the starter with its examples uncommented does not parse: %v\n%s", err, full)
	}
	// Every built-in service is offered (the defaults on, the rest commented out), plus the
	// example of one's own.
	if len(cfg.Plan.Routes) != 5 || len(cfg.Plan.Services) != len(catalog)+1 || cfg.Alerts.Webhook() == "" {
		t.Errorf("uncommented starter: %d routes, %d services", len(cfg.Plan.Routes), len(cfg.Plan.Services))
	}
}

// looksLikeYAML tells a commented-out setting from a prose comment.
func looksLikeYAML(s string) bool {
	return strings.HasPrefix(s, "- ") || (strings.Contains(s, ": ") || strings.HasSuffix(s, ":")) &&
		!strings.Contains(s, ". ") && strings.ToLower(s[:1]) == s[:1] && !strings.HasPrefix(s, "lifeline")
}

func TestLoadOrDefault(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvConfig, "")

	// Nothing at the default location: the embedded default.
	cfg, err := LoadOrDefault(ctx, "")
	if err != nil || cfg.Path != "" || cfg.Plan.Routes[0].Name != "direct" {
		t.Fatalf("default = %+v, %v", cfg, err)
	}

	// An explicit path must exist, whether from the flag or the environment.
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := LoadOrDefault(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing --config = %v, want not-exist", err)
	}
	t.Setenv(EnvConfig, missing)
	if _, err := LoadOrDefault(ctx, ""); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing $%s = %v, want not-exist", EnvConfig, err)
	}

	// A file at the default location is read, and its errors are reported.
	t.Setenv(EnvConfig, "")
	path, _, _ := Locate("")
	if err := Init(path); err != nil {
		t.Fatal(err)
	}
	if cfg, err := LoadOrDefault(ctx, ""); err != nil || cfg.Path != path {
		t.Errorf("default location = %+v, %v", cfg, err)
	}
	if err := os.WriteFile(path, []byte("interval: nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrDefault(ctx, ""); err == nil || !strings.HasPrefix(err.Error(), path+":1:11: ") {
		t.Errorf("broken default-location file = %v", err)
	}
}

func TestPathReportAndCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	report, err := PathReport(path)
	if err != nil || !strings.Contains(report, "missing") || !strings.Contains(report, SourceFlag) {
		t.Errorf("report for a missing file = %q, %v", report, err)
	}
	if _, _, err := Check(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("check of a missing file = %v", err)
	}
	if err := Init(path); err != nil {
		t.Fatal(err)
	}
	if report, _ := PathReport(path); report != path+" (from --config)" {
		t.Errorf("report = %q", report)
	}
	cfg, summary, err := Check(path)
	if err != nil || cfg == nil || len(summary) < 3 || summary[0] != path+": ok" {
		t.Errorf("check = %v %q", err, summary)
	}
}
