package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/engine"
	"github.com/lifeline-app/lifeline/internal/hostilelab"
)

// BenchmarkHostilePeer measures one check against each hostile peer through the scheduler:
// ns/op is how long the peer holds a check (bounded by the step or check deadline for the
// silent and dripping ones), B/op the bytes the whole process allocates meanwhile, fixture
// included, however much the peer offers.
func BenchmarkHostilePeer(b *testing.B) {
	for _, peer := range hostilelab.Peers(b) {
		b.Run(strings.ReplaceAll(peer.Name, " ", "_"), func(b *testing.B) {
			s, err := engine.NewScheduler(checks.Plan{
				Settings: hostilelab.Settings,
				Routes:   []checks.RouteSpec{peer.Route},
				Services: []checks.Service{{Name: "chatapp", Targets: []checks.Target{peer.Target}}},
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				var got checks.Verdict
				var reason string
				s.Sweep(context.Background(), nil, func(e checks.Event) {
					if e.Kind == checks.EventCheckDone {
						got, reason = e.Check.Verdict, e.Check.Reason
					}
				})
				if got != peer.Verdict {
					b.Fatalf("verdict %s, want %s (%s)", got, peer.Verdict, reason)
				}
			}
		})
	}
}
