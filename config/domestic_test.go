package config

import (
	"context"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
)

func addrs(ts []checks.Target) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Kind+" "+t.Addr)
	}
	return out
}

func TestDomesticReferencesDefaultFollowTheControlAndCanBeSet(t *testing.T) {
	base := "routes: [{name: direct, direct: true}]\nservices: [whatsapp, max, {name: gos, domestic: true, targets: [{role: web, https: \"https://gos.example/\"}]}]\n"
	for _, tc := range []struct{ doc, want string }{
		{"", "https https://web.max.ru/,https https://ya.ru/,https https://vk.com/"},
		{"control: none\n", ""},
		{"domestic: none\n", ""},
		{"domestic: [\"https://ya.example/\", \"tls://vk.example:443\"]\n", "https https://ya.example/,tls vk.example:443"},
	} {
		cfg, err := Parse("c.yaml", []byte(tc.doc+base))
		if err != nil {
			t.Fatalf("%q: %v", tc.doc, err)
		}
		if got := strings.Join(addrs(cfg.Plan.Domestic), ","); got != tc.want {
			t.Errorf("%q: domestic = %q, want %q", tc.doc, got, tc.want)
		}
	}
	cfg, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cfg.Plan.Services {
		if want := s.Name != "whatsapp"; s.Domestic != want {
			t.Errorf("service %s domestic = %v, want %v", s.Name, s.Domestic, want)
		}
	}
	def, err := DefaultWith(context.Background(), Discovery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(def.Plan.Domestic) != len(checks.DefaultDomestic) || def.Plan.Domestic[0].RootCAs != nil {
		t.Errorf("embedded default domestic = %v, want the default references trusting the system roots", addrs(def.Plan.Domestic))
	}
}
