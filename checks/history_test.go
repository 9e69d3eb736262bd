package checks

import (
	"sync"
	"testing"
	"time"
)

// Results that arrive while stored ones are still being read wait for them: the cell's stats
// then hold the stored results first and the new one last, as if the store had been read
// before the checks began.
func TestPreloadedResultsComeBeforeNewOnes(t *testing.T) {
	h := NewHistory(10)
	t0 := time.Now().Add(-time.Hour)
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	h.Preload(func() []CheckResult {
		<-release // the store is slow: Preload must have returned already
		note("loaded")
		return []CheckResult{
			{Route: "r", Service: "s", Verdict: VerdictBlocked, Finished: t0},
			{Route: "r", Service: "s", Verdict: VerdictOK, Latency: 40 * time.Millisecond, Finished: t0.Add(time.Minute)},
		}
	})
	added := make(chan Stats)
	go func() {
		st := h.Add(CheckResult{Route: "r", Service: "s", Verdict: VerdictOK, Latency: 30 * time.Millisecond, Finished: time.Now()})
		note("added")
		added <- st
	}()
	close(release)
	st := <-added
	mu.Lock()
	if len(order) != 2 || order[0] != "loaded" || order[1] != "added" {
		t.Errorf("order %v: the new result was added before the stored ones were in", order)
	}
	mu.Unlock()
	want := []Verdict{VerdictBlocked, VerdictOK, VerdictOK}
	if len(st.Verdicts) != len(want) {
		t.Fatalf("verdicts %v, want %v", st.Verdicts, want)
	}
	for i := range want {
		if st.Verdicts[i] != want[i] {
			t.Fatalf("verdicts %v, want %v (stored first, new last)", st.Verdicts, want)
		}
	}
	if st.Recent[2] != 30*time.Millisecond || st.LastFailed != t0 {
		t.Errorf("stats %+v: want the new latency last and the stored failure remembered", st)
	}
	if got := h.Stats("r", "s"); got.Samples != 3 {
		t.Errorf("Stats after: %d samples, want 3", got.Samples)
	}
}
