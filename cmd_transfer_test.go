package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/internal/fixture"
)

// A media transfer that freezes after 16 KB makes `check` say so: partial with the stall in
// the reason and the JSON, exit 1; a metered route skips it and says why.
func TestCheckReportsATransferStallAndSkipsMeteredRoutes(t *testing.T) {
	chat := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "chat.lifeline.test")})
	media := fixture.StartTLS(t, fixture.TLSOptions{Cert: fixture.Leaf(t, "127.0.0.1"), Handler: fixture.StallHandler(16 << 10)})
	cfg := writeFile(t, "config.yaml", fmt.Sprintf(`
timeout: 5s
control: none
ca_files: [%s]
transfer: {every: 10m, bytes: 64KiB, slow_below: 1Mbit}
routes:
  - {name: home, direct: true}
  - {name: phone, direct: true, metered: true}
services:
  - name: chatapp
    targets:
      - {role: chat, tls: "%s", sni: chat.lifeline.test}
      - {role: media, transfer: "%s/blob"}
`, caFile(t), chat.Addr, media.URL))
	code, out, errOut := runCLI("check", "--json", "--config", cfg)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (partial)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var doc struct {
		Results []struct {
			Route, Verdict, Reason, Skipped, Failure string
			Targets                                  []struct {
				Transfer *struct {
					Bytes        int64  `json:"bytes"`
					Wanted       int64  `json:"wanted"`
					Stalled      bool   `json:"stalled"`
					StalledAfter *int64 `json:"stalled_after"`
					CarriedOver  bool   `json:"carried_over"`
				} `json:"transfer"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, r := range doc.Results {
		switch r.Route {
		case "home":
			if r.Verdict != "partial" || r.Reason != "media stalls after 16 KB on 127.0.0.1" || r.Failure != "stalled" {
				t.Errorf("home: %s %q (%s), want partial: media stalls after 16 KB", r.Verdict, r.Reason, r.Failure)
			}
			if len(r.Targets) != 2 || r.Targets[1].Transfer == nil {
				t.Fatalf("home: targets %+v, want chat and a transfer", r.Targets)
			}
			x := r.Targets[1].Transfer
			if !x.Stalled || x.StalledAfter == nil || *x.StalledAfter != 16<<10 || x.Wanted != 64<<10 || x.CarriedOver {
				t.Errorf("home transfer JSON %+v", *x)
			}
		case "phone":
			if r.Verdict != "ok" || r.Skipped != "transfer off (metered)" || len(r.Targets) != 1 {
				t.Errorf("phone: %s skipped=%q targets=%d, want ok on chat with transfer off (metered)", r.Verdict, r.Skipped, len(r.Targets))
			}
		default:
			t.Errorf("unexpected route %q", r.Route)
		}
	}
	_, text, _ := runCLI("check", "-v", "--config", cfg)
	for _, want := range []string{"transfer: stalled after 16 KB of 64 KB", "transfer off (metered)"} {
		if !strings.Contains(text, want) {
			t.Errorf("check -v lacks %q:\n%s", want, text)
		}
	}
}
