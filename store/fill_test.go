package store

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// fill stores, straight through SQL, a result every step for each of routes × services
// cells from start to end: the shape of a long-running lifeline, fast. One result in ten
// fails, with a reason, as a realistic mix.
func fill(t testing.TB, s *Store, routes, services int, start, end time.Time, step time.Duration) int64 {
	t.Helper()
	ctx := context.Background()
	for r := 0; r < routes; r++ {
		for v := 0; v < services; v++ {
			if _, err := s.db.ExecContext(ctx, `INSERT INTO cells (route, service) VALUES (?, ?) ON CONFLICT DO NOTHING`,
				fmt.Sprintf("route-%02d", r), fmt.Sprintf("service-%d", v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := s.db.ExecContext(ctx, `WITH RECURSIVE ts(at) AS (
			SELECT ? UNION ALL SELECT at + ? FROM ts WHERE at + ? < ?)
		INSERT INTO results (cell, at, verdict, latency_us, reason, failure, operation, route_state,
			dns_us, connect_us, tls_us, first_byte_us, total_us)
		SELECT c.id, ts.at + c.id * 37,
			CASE WHEN (ts.at / ? + c.id) % 10 = 0 THEN 'blocked' ELSE 'ok' END,
			CASE WHEN (ts.at / ? + c.id) % 10 = 0 THEN NULL ELSE 80000 + (ts.at / ? * 7919 + c.id * 104729) % 200000 END,
			CASE WHEN (ts.at / ? + c.id) % 10 = 0 THEN 'TLS reset after ClientHello on e1.whatsapp.net' ELSE NULL END,
			CASE WHEN (ts.at / ? + c.id) % 10 = 0 THEN 'connection_reset' ELSE NULL END,
			CASE WHEN (ts.at / ? + c.id) % 10 = 0 THEN 'tls_handshake' ELSE NULL END,
			'up', 12000, 41000, 60000, NULL, 113000
		FROM ts CROSS JOIN cells c WHERE c.id <= ? ORDER BY ts.at, c.id`,
		start.UnixMilli(), step.Milliseconds(), step.Milliseconds(), end.UnixMilli(),
		step.Milliseconds(), step.Milliseconds(), step.Milliseconds(), step.Milliseconds(),
		step.Milliseconds(), step.Milliseconds(), routes*services)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := res.RowsAffected()
	return n
}

func osStat(path string) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}
