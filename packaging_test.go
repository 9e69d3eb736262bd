package main

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// packageFile is one entry of an nfpm contents list.
type packageFile struct {
	Src      string `yaml:"src"`
	Dst      string `yaml:"dst"`
	Packager string `yaml:"packager"`
	FileInfo struct {
		Mode int `yaml:"mode"`
	} `yaml:"file_info"`
}

type packageSpec struct {
	Maintainer  string        `yaml:"maintainer"`
	Homepage    string        `yaml:"homepage"`
	Description string        `yaml:"description"`
	Section     string        `yaml:"section"`
	Recommends  []string      `yaml:"recommends"`
	Contents    []packageFile `yaml:"contents"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// The release (GoReleaser) and CI's package build (nfpm on its own) must ship the same files.
func TestReleaseAndCIPackagesShipTheSameFiles(t *testing.T) {
	var release struct {
		NFPMs []packageSpec `yaml:"nfpms"`
	}
	readYAML(t, ".goreleaser.yaml", &release)
	var ci packageSpec
	readYAML(t, "packaging/nfpm.yaml", &ci)
	if len(release.NFPMs) != 1 {
		t.Fatalf(".goreleaser.yaml has %d nfpms entries, want 1", len(release.NFPMs))
	}
	rel := release.NFPMs[0]

	// GoReleaser adds the binary itself (bindir); nfpm.yaml names it.
	var ciFiles []packageFile
	for _, f := range ci.Contents {
		if f.Dst == "/usr/bin/lifeline" {
			if f.FileInfo.Mode != 0o755 {
				t.Errorf("the binary's mode is %o", f.FileInfo.Mode)
			}
			continue
		}
		ciFiles = append(ciFiles, f)
	}
	if !reflect.DeepEqual(rel.Contents, ciFiles) {
		t.Errorf("contents differ:\n.goreleaser.yaml: %+v\npackaging/nfpm.yaml: %+v", rel.Contents, ciFiles)
	}
	relMeta, ciMeta := rel, ci
	relMeta.Contents, ciMeta.Contents = nil, nil
	if !reflect.DeepEqual(relMeta, ciMeta) {
		t.Errorf("package metadata differs:\n.goreleaser.yaml: %+v\npackaging/nfpm.yaml: %+v", relMeta, ciMeta)
	}

	// Everything shipped is in the tree or made by scripts/assets.sh.
	assets, err := os.ReadFile("scripts/assets.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rel.Contents {
		if strings.HasPrefix(f.Src, "build/assets/") {
			if !strings.Contains(string(assets), strings.TrimPrefix(f.Src, "build/assets/")) {
				t.Errorf("%s: scripts/assets.sh does not make it", f.Src)
			}
			continue
		}
		if _, err := os.Stat(f.Src); err != nil {
			t.Errorf("packaged file missing: %v", err)
		}
	}
	for _, want := range []string{"/usr/share/man/man1/lifeline.1.gz", "/usr/share/bash-completion/completions/lifeline",
		"/usr/share/fish/vendor_completions.d/lifeline.fish", "/usr/lib/systemd/user/lifeline.service", "/usr/lib/systemd/system/lifeline.service"} {
		found := false
		for _, f := range rel.Contents {
			found = found || f.Dst == want
		}
		if !found {
			t.Errorf("the packages do not install %s", want)
		}
	}
}

// unitDirectives reads the [Service] directives of a systemd unit, one value per key (the
// last wins, as systemd does for these).
func unitDirectives(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = line
		default:
			k, v, _ := strings.Cut(line, "=")
			out[section+k] = v
		}
	}
	return out
}

// The units run the headless mode with flags lifeline accepts, reload with SIGHUP, and keep
// metrics on loopback.
func TestSystemdUnitsRunTheHeadlessModeWithFlagsLifelineAccepts(t *testing.T) {
	units, _ := filepath.Glob("packaging/systemd/*/lifeline.service")
	if len(units) != 2 {
		t.Fatalf("units: %v, want a user and a system unit", units)
	}
	for _, unit := range units {
		d := unitDirectives(t, unit)
		exec := strings.Fields(d["[Service]ExecStart"])
		if len(exec) < 2 || exec[0] != "/usr/bin/lifeline" || exec[1] != "status" {
			t.Errorf("%s: ExecStart %q does not run lifeline status", unit, exec)
			continue
		}
		// With --help appended, lifeline parses every flag and stops: exit 0 only when all
		// of them exist.
		code, _, errOut := runCLI(append(exec[1:], "--help")...)
		if code != 0 {
			t.Errorf("%s: lifeline rejects the unit's flags: %s", unit, errOut)
		}
		if !strings.Contains(d["[Service]ExecStart"], "--metrics 127.0.0.1:") {
			t.Errorf("%s: metrics are not on loopback", unit)
		}
		if d["[Service]ExecReload"] != "/bin/kill -HUP $MAINPID" {
			t.Errorf("%s: ExecReload = %q, want SIGHUP", unit, d["[Service]ExecReload"])
		}
		if d["[Install]WantedBy"] == "" {
			t.Errorf("%s: cannot be enabled (no WantedBy)", unit)
		}
	}
}
