package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Benchmarks behind the figures in README (Keeping history). Run them one at a time on a
// quiet machine:
//
//	go test -run '^$' -bench . -benchtime 1x ./store/

// BenchmarkStoreDay stores a day at 50 routes × 4 services every 30 s (576,000 results, one
// in ten a failure with its reason) and reports the bytes it takes.
func BenchmarkStoreDay(b *testing.B) {
	for range b.N {
		s, err := Open(b.TempDir(), Options{MaxBytes: 1 << 40})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		n := fill(b, s, 50, 4, start, start.Add(24*time.Hour), 30*time.Second)
		used, err := s.UsedBytes(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(used)/1e6, "MB/day")
		b.ReportMetric(float64(used)/float64(n), "B/result")
		s.Close()
	}
}

// BenchmarkWriteSweep is the writer's cost for one sweep of 50 × 4: one transaction of 200
// results with their phases, as the recorder writes them.
func BenchmarkWriteSweep(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	sweep := make([]Row, 0, 200)
	for r := range 50 {
		for v := range 4 {
			c := checks.CheckResult{Route: fmt.Sprintf("route-%02d", r), Service: fmt.Sprintf("service-%d", v), Verdict: checks.VerdictOK,
				Latency: 120 * time.Millisecond, Finished: time.Now(),
				Targets: []checks.TargetResult{{OK: true, Phases: checks.Phases{DNS: 10 * time.Millisecond, Connect: 50 * time.Millisecond, TLS: 60 * time.Millisecond, Total: 130 * time.Millisecond}}}}
			if (r+v)%10 == 0 {
				c.Verdict, c.Latency, c.Reason = checks.VerdictBlocked, 0, "TLS reset after ClientHello on e1.whatsapp.net"
				c.Cause = checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")
			}
			sweep = append(sweep, RowOf(c, checks.RouteUp))
		}
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		for j := range sweep {
			sweep[j].At = time.Unix(1764547200+int64(i)*30, 0)
		}
		if err := s.Write(ctx, sweep); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStartupFullStore is what a starting lifeline spends on history: opening a store
// at its 100 MB bound (50 × 4 every 30 s) and reading the newest 120 results of each of the
// 200 cells to seed the in-memory history.
func BenchmarkStartupFullStore(b *testing.B) {
	dir := FullStore(b)
	b.ResetTimer()
	for range b.N {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := s.Recent(context.Background(), checks.DefaultHistorySize, nil)
		if err != nil || len(rows) != 200*checks.DefaultHistorySize {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
		h := checks.NewHistory(0)
		for _, r := range rows {
			h.Add(r.Result())
		}
		s.Close()
	}
}

// FullStore is a store at the default 100 MB bound, 50 routes × 4 services every 30 s up to
// now, as a month-old store of that size is after pruning (about two days fit). It is built
// once and kept in the temporary directory for later runs.
func FullStore(b testing.TB) string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("lifeline-bench-fullstore-v%d", SchemaVersion))
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	end := time.Now().Truncate(time.Hour)
	for start := end.Add(-72 * time.Hour); start.Before(end); start = start.Add(6 * time.Hour) {
		fill(b, s, 50, 4, start, start.Add(6*time.Hour), 30*time.Second)
		if err := s.Prune(context.Background(), start.Add(6*time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "complete"), nil, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir
}
