package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// bigModel is a 20 routes × 8 services dashboard with every cell filled.
func bigModel(b *testing.B, w, h int) Model {
	b.Helper()
	p := testPlan(20, 8)
	m, _ := testModel(p, Options{Title: "config.yaml"}, w, h)
	evs := []checks.Event{{Kind: checks.EventSweepStarted, Sweep: 1}}
	for i, r := range p.Routes {
		evs = append(evs, routeChecked(r.Name, 1, true, nil))
		for j, s := range p.Services {
			v := []checks.Verdict{checks.VerdictOK, checks.VerdictSlow, checks.VerdictPartial, checks.VerdictBlocked}[(i+j)%4]
			evs = append(evs, check(r.Name, s.Name, 1, v, time.Duration(30+i+j)*time.Millisecond,
				checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")))
		}
	}
	return feed(m, evs...)
}

func BenchmarkView20x8(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			m := bigModel(b, sz[0], sz[1])
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
	// A result arrives before every frame: its row, the counts and the best routes are drawn
	// again, the other rows come from the cache.
	b.Run("result_80x24", func(b *testing.B) {
		m := bigModel(b, 80, 24)
		m.runner = nil
		verdicts := []checks.Verdict{checks.VerdictOK, checks.VerdictBlocked}
		k := 0
		b.ReportAllocs()
		for b.Loop() {
			k++
			m = update(m, eventMsg{check("wg0", "whatsapp", 1, verdicts[k%2], 40*time.Millisecond, nil)})
			_ = m.View()
		}
	})
	// Nothing cached: the first frame, or one after a resize.
	b.Run("cold_80x24", func(b *testing.B) {
		m := bigModel(b, 80, 24)
		b.ReportAllocs()
		for b.Loop() {
			m.cache = &renderCache{}
			_ = m.View()
		}
	})
	b.Run("detail_200x60", func(b *testing.B) {
		m := press(bigModel(b, 200, 60), "l", "enter")
		b.ReportAllocs()
		for b.Loop() {
			_ = m.View()
		}
	})
}

// BenchmarkApplyResult is the cost of one result arriving (Update only, no render).
func BenchmarkApplyResult(b *testing.B) {
	m := bigModel(b, 200, 60)
	msg := eventMsg{check("tor", "signal", 1, checks.VerdictOK, 40*time.Millisecond, nil)}
	m.runner = nil // no event wait to arm
	b.ReportAllocs()
	for b.Loop() {
		_, _ = m.Update(msg)
	}
}
