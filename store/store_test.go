package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

var t0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func openTest(t testing.TB, dir string, opt Options) *Store {
	t.Helper()
	s, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// result makes a finished check: ok with latency ms, or blocked by a TLS reset when ms is 0.
func result(route, service string, at time.Time, ms int) checks.CheckResult {
	c := checks.CheckResult{Route: route, Service: service, Finished: at, Started: at.Add(-time.Second)}
	if ms > 0 {
		c.Verdict, c.Latency = checks.VerdictOK, time.Duration(ms)*time.Millisecond
		c.Targets = []checks.TargetResult{{OK: true, Phases: checks.Phases{Connect: c.Latency / 2, TLS: c.Latency / 2}}}
		return c
	}
	c.Verdict, c.Reason = checks.VerdictBlocked, "TLS reset after ClientHello on e1.whatsapp.net"
	c.Cause = checks.NewError(checks.FailConnectionReset, checks.OpTLSHandshake, "")
	c.Targets = []checks.TargetResult{{Err: c.Cause, Phases: checks.Phases{Connect: 40 * time.Millisecond}}}
	return c
}

func done(c checks.CheckResult) checks.Event {
	return checks.Event{Kind: checks.EventCheckDone, Check: c}
}

// A restart finds the same history: uptime, percentiles, sparkline and last change.
func TestRestartKeepsHistory(t *testing.T) {
	dir := t.TempDir()
	live := checks.NewHistory(0)
	var want checks.Stats
	s := openTest(t, dir, Options{})
	rec := NewRecorder(s, RecorderOptions{})
	rec.Observe(checks.Event{Kind: checks.EventRouteChecked, Route: checks.RouteResult{Name: "direct", OK: true}})
	lat := []int{120, 0, 0, 140, 150, 0, 90, 300, 110, 130}
	for i, ms := range lat {
		c := result("direct", "whatsapp", t0.Add(time.Duration(i)*30*time.Second), ms)
		want = live.Add(c)
		rec.Observe(done(c))
	}
	rec.Close()
	s.Close()

	s2 := openTest(t, dir, Options{})
	rows, err := s2.Recent(context.Background(), checks.DefaultHistorySize, nil)
	if err != nil {
		t.Fatal(err)
	}
	seeded := checks.NewHistory(0)
	for _, r := range rows {
		seeded.Add(r.Result())
	}
	got := seeded.Stats("direct", "whatsapp")
	if got.Samples != len(lat) || got.Uptime != want.Uptime || got.P50 != want.P50 || got.P95 != want.P95 ||
		!slices.Equal(got.Recent, want.Recent) || !slices.Equal(got.Verdicts, want.Verdicts) ||
		!got.LastChange.Equal(want.LastChange) || !got.LastFailed.Equal(want.LastFailed) {
		t.Fatalf("after restart:\n got %+v\nwant %+v", got, want)
	}
	r := rows[1]
	if r.Failure != checks.FailConnectionReset || r.Operation != checks.OpTLSHandshake || r.RouteState != checks.RouteUp ||
		r.Phases.Connect != 40*time.Millisecond || r.Reason == "" {
		t.Fatalf("a stored failure lost detail: %+v", r)
	}
}

// Recent keeps the newest n per cell, oldest first, of the cells asked for.
func TestRecentKeepsNewestPerCell(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	var rows []Row
	for i := range 10 {
		rows = append(rows, RowOf(result("direct", "signal", t0.Add(time.Duration(i)*time.Minute), 100+i), ""))
		rows = append(rows, RowOf(result("tor", "signal", t0.Add(time.Duration(i)*time.Minute), 200+i), ""))
	}
	if err := s.Write(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recent(context.Background(), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lat []int
	for _, r := range got {
		lat = append(lat, int(r.Latency/time.Millisecond))
	}
	if want := []int{107, 108, 109, 207, 208, 209}; !slices.Equal(lat, want) {
		t.Fatalf("latencies %v, want %v", lat, want)
	}
	// Only the cells asked for: a starting lifeline reads its plan's cells.
	got, err = s.Recent(context.Background(), 3, map[checks.Cell]bool{{Route: "tor", Service: "signal"}: true})
	if err != nil || len(got) != 3 || got[0].Route != "tor" {
		t.Fatalf("tor only: %+v, %v", got, err)
	}
}

// A store from a newer lifeline is refused, not rewritten.
func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir, Options{})
	if _, err := s.db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "newer lifeline") {
		t.Fatalf("opening a newer store: %v", err)
	}
}

const killChildEnv = "LIFELINE_STORE_KILL_CHILD"

// TestSIGKILLLosesAtMostABatch kills a writer in the middle of its work: the store opens
// cleanly and holds every batch the writer saw committed, and at most one batch more.
func TestSIGKILLLosesAtMostABatch(t *testing.T) {
	if fixture.PlayChild(killChildEnv, killChild) {
		return
	}
	dir := t.TempDir()
	cmd := fixture.RerunAsChild(t, killChildEnv, dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	committed := 0
	for lines.Scan() {
		n, err := strconv.Atoi(strings.TrimPrefix(lines.Text(), "committed "))
		if err != nil {
			continue
		}
		committed = n
		if n >= 20*killBatch {
			break
		}
	}
	// The child is inside its next transaction or about to start it.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if committed < 20*killBatch {
		t.Fatalf("the child stopped early after %d rows", committed)
	}

	s := openTest(t, dir, Options{})
	var check string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	n, err := s.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n < int64(committed) || n > int64(committed)+2*killBatch {
		t.Fatalf("%d rows after SIGKILL; the child had committed %d (batches of %d)", n, committed, killBatch)
	}
	if n%killBatch != 0 {
		t.Fatalf("%d rows: a batch was stored in part", n)
	}
	// And the store takes writes again.
	if err := s.Write(context.Background(), []Row{RowOf(result("direct", "max", t0, 50), "")}); err != nil {
		t.Fatal(err)
	}
}

const killBatch = 200

// killChild writes batches forever, saying after each how many rows are committed.
func killChild(dir string) {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		batch := make([]Row, killBatch)
		for j := range batch {
			batch[j] = RowOf(result(fmt.Sprintf("route-%d", j%50), "whatsapp", t0.Add(time.Duration(i)*time.Second), 100+j), "")
		}
		if err := s.Write(context.Background(), batch); err != nil {
			fmt.Println("write:", err)
			os.Exit(1)
		}
		fmt.Printf("committed %d\n", (i+1)*killBatch)
	}
}

const writerChildEnv = "LIFELINE_STORE_WRITER_CHILD"

// Two processes write the same store at once, each in its own batches, while a third
// handle reads: neither writer fails on the other's lock and no result is lost.
func TestTwoProcessesShareAStore(t *testing.T) {
	if fixture.PlayChild(writerChildEnv, func(spec string) {
		dir, route, _ := strings.Cut(spec, "|")
		writerChild(dir, route)
	}) {
		return
	}
	dir := t.TempDir()
	openTest(t, dir, Options{}).Close()
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for _, route := range []string{"dashboard", "status"} {
		cmd := fixture.RerunAsChild(t, writerChildEnv, dir+"|"+route)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	reader := openTest(t, dir, Options{ReadOnly: true})
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d: %v\n%s", i, err, outs[i])
		}
		if _, err := reader.Count(context.Background()); err != nil {
			t.Fatalf("reading while the other writes: %v", err)
		}
	}
	rows, err := reader.Results(context.Background(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, r := range rows {
		per[r.Route]++
	}
	if per["dashboard"] != writerBatches*writerBatch || per["status"] != writerBatches*writerBatch {
		t.Fatalf("rows per writer %v, want %d each", per, writerBatches*writerBatch)
	}
}

const writerBatches, writerBatch = 40, 50

// writerChild writes its batches as fast as it can.
func writerChild(dir, route string) {
	s, err := Open(dir, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	defer s.Close()
	for i := range writerBatches {
		batch := make([]Row, writerBatch)
		for j := range batch {
			batch[j] = RowOf(result(route, "telegram", t0.Add(time.Duration(i*writerBatch+j)*time.Second), 100), "")
		}
		if err := s.Write(context.Background(), batch); err != nil {
			fmt.Println("write:", err)
			os.Exit(1)
		}
	}
}

// Two lifeline processes opening a new store at once both end up with the schema.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			s, err := Open(dir, Options{})
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := openTest(t, dir, Options{})
	if v, err := s.version(context.Background()); err != nil || v != SchemaVersion {
		t.Fatalf("version %d (%v)", v, err)
	}
}

// A store that cannot be written makes the recorder warn once and drop results; Observe
// never blocks, so checking goes on.
func TestReadOnlyStoreWarnsAndGoesOn(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes through file modes; a read-only handle stands in for a read-only disk.
		t.Log("running as root: using a read-only handle")
	}
	dir := t.TempDir()
	openTest(t, dir, Options{}).Close()
	ro := openTest(t, dir, Options{ReadOnly: true})
	var diag fixture.SyncBuffer
	rec := NewRecorder(ro, RecorderOptions{Diagnostics: &diag, FlushEvery: time.Millisecond, BatchSize: 1})
	for i := range 10000 {
		rec.Observe(done(result("direct", "signal", t0.Add(time.Duration(i)*time.Second), 100)))
	}
	rec.Close()
	out := diag.String()
	if strings.Count(out, "going on without history") != 1 {
		t.Fatalf("want one warning, got:\n%s", out)
	}
}

// A disk that does not keep up fills the queue: results are dropped with one warning and
// Observe returns at once.
func TestFullQueueDropsWithoutBlocking(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	var diag fixture.SyncBuffer
	rec := NewRecorder(s, RecorderOptions{Diagnostics: &diag, QueueSize: 4})
	// Hold the write lock from another handle so the writer waits on the disk.
	other := openTest(t, filepath.Dir(s.Path()), Options{})
	tx, err := other.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO cells (route, service) VALUES ('lock', 'lock')`); err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		rec.Observe(done(result("direct", "signal", t0.Add(time.Duration(i)*time.Second), 100)))
	}
	tx.Rollback()
	rec.Close()
	if strings.Count(diag.String(), "falling behind") != 1 {
		t.Fatalf("want one warning, got:\n%s", diag.String())
	}
}

// Results filters by span (rows come in the order stored) and by route and service (rows
// come by cell, then time, even when stored out of order).
func TestResultsFiltersAndOrders(t *testing.T) {
	s := openTest(t, t.TempDir(), Options{})
	var rows []Row
	for i := range 6 {
		at := t0.Add(time.Duration(5-i) * time.Minute) // newest first
		rows = append(rows, RowOf(result("direct", "signal", at, 100+i), ""), RowOf(result("tor", "signal", at, 200+i), ""),
			RowOf(result("direct", "max", at, 300+i), ""))
	}
	if err := s.Write(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	all, err := s.Results(context.Background(), Query{Since: t0.Add(time.Minute), Until: t0.Add(5 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range all {
		got = append(got, fmt.Sprintf("%s/%s@%d", r.Route, r.Service, r.At.Sub(t0)/time.Minute))
	}
	want := []string{"direct/signal@4", "tor/signal@4", "direct/max@4", "direct/signal@3", "tor/signal@3", "direct/max@3",
		"direct/signal@2", "tor/signal@2", "direct/max@2", "direct/signal@1", "tor/signal@1", "direct/max@1"}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	one, err := s.Results(context.Background(), Query{Route: "direct", Service: "max"})
	if err != nil || len(one) != 6 || one[0].Latency != 305*time.Millisecond || one[5].Latency != 300*time.Millisecond {
		t.Fatalf("direct/max: %d rows, %v", len(one), err)
	}
	direct, err := s.Results(context.Background(), Query{Route: "direct"})
	if err != nil || len(direct) != 12 || direct[0].Service != "signal" || direct[6].Service != "max" ||
		!direct[0].At.Equal(t0) || !direct[5].At.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("direct: %d rows, %v", len(direct), err)
	}
}
