package store

import (
	"context"
	"testing"
	"time"
)

// A simulated month and more of 50 routes × 4 services: results older than the retention
// go, and nothing newer. The fill steps twelve hours rather than 30 seconds so that the test
// stays quick (at 30 s the size bound, not the retention, decides: the next test).
func TestRetentionDropsOldestOnly(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{Retention: 30 * 24 * time.Hour})
	ctx := context.Background()
	start := t0.Add(-35 * 24 * time.Hour)
	fill(t, s, 50, 4, start, t0, 12*time.Hour)
	if err := s.Prune(ctx, t0); err != nil {
		t.Fatal(err)
	}
	var oldest, newest, cells int64
	if err := s.db.QueryRow(`SELECT min(at), max(at), count(DISTINCT cell) FROM results`).Scan(&oldest, &newest, &cells); err != nil {
		t.Fatal(err)
	}
	cutoff := t0.Add(-30 * 24 * time.Hour)
	if time.UnixMilli(oldest).Before(cutoff) {
		t.Fatalf("oldest result %v is past the 30-day retention (%v)", time.UnixMilli(oldest), cutoff)
	}
	if time.UnixMilli(oldest).After(cutoff.Add(12*time.Hour)) || newest < t0.Add(-12*time.Hour).UnixMilli() || cells != 200 {
		t.Fatalf("pruned too much: oldest %v newest %v over %d cells", time.UnixMilli(oldest), time.UnixMilli(newest), cells)
	}
}

// At 50 routes × 4 services every 30 seconds the store outgrows its size bound (here 512 KB,
// reached in about a quarter of an hour; the default 100 MB in about two days): pruning, as the
// recorder runs it, keeps the file under the bound, dropping the oldest results first and
// keeping the newest.
func TestSizeBoundDropsOldestFirst(t *testing.T) {
	const bound = 512 << 10
	s := openTest(t, t.TempDir(), Options{MaxBytes: bound})
	ctx := context.Background()
	var prevOldest int64
	const round = 10 * time.Minute
	for h := range 6 {
		from := t0.Add(time.Duration(h) * round)
		fill(t, s, 50, 4, from, from.Add(round), 30*time.Second)
		if err := s.Prune(ctx, from.Add(round)); err != nil {
			t.Fatal(err)
		}
		used, err := s.UsedBytes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if used > bound {
			t.Fatalf("round %d: %d bytes used, bound %d", h, used, bound)
		}
		var oldest, newest int64
		if err := s.db.QueryRow(`SELECT min(at), max(at) FROM results`).Scan(&oldest, &newest); err != nil {
			t.Fatal(err)
		}
		if oldest < prevOldest {
			t.Fatalf("round %d: oldest result went back in time", h)
		}
		prevOldest = oldest
		if newest < from.Add(round-time.Minute).UnixMilli() {
			t.Fatalf("round %d: the newest results were pruned", h)
		}
	}
	if prevOldest == t0.UnixMilli() {
		t.Fatal("an hour at this rate should pass a 512 KB bound, yet nothing was pruned")
	}
	// Pruning gives the space back to the disk: the file shrinks to the pages in use.
	info, err := osStat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if info > bound*11/10 {
		t.Fatalf("file is %d bytes for a %d bound", info, bound)
	}
}

func TestAutoVacuumIsIncremental(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	var mode int
	if err := s.db.QueryRow(`PRAGMA auto_vacuum`).Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("auto_vacuum = %d (%v), want 2 (incremental)", mode, err)
	}
}
