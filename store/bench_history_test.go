package store_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/lifeline-app/lifeline/history"
	"github.com/lifeline-app/lifeline/store"
	"github.com/lifeline-app/lifeline/ui"
)

// BenchmarkHistory7d is `lifeline history --since 7d` on a store at its size bound (50 × 4
// every 30 s): open read-only, read every result of the week, tell the story, print text.
func BenchmarkHistory7d(b *testing.B) {
	dir := store.FullStore(b)
	b.ResetTimer()
	for range b.N {
		s, err := store.Open(dir, store.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		until := time.Now()
		rep := ui.HistoryReport{Since: until.Add(-7 * 24 * time.Hour), Until: until, Loc: time.UTC}
		rows, err := s.Results(context.Background(), store.Query{Since: rep.Since, Until: rep.Until})
		if err != nil {
			b.Fatal(err)
		}
		rep.Cells = history.Build(rows, history.Options{Since: rep.Since, Until: rep.Until, Loc: rep.Loc})
		if err := ui.WriteHistory(io.Discard, ui.HistoryText, rep); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rows)), "results")
		s.Close()
	}
}
