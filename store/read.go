package store

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

// Query selects stored results; zero fields select everything.
type Query struct {
	Since, Until time.Time // Since inclusive, Until exclusive
	Route        string
	Service      string
}

// fullColumns are every column of a result, for Recent; the cell is resolved in Go.
const fullColumns = `cell, at, verdict, latency_us, reason, failure, operation,
	route_state, dns_us, connect_us, tls_us, first_byte_us, total_us,
	transfer_bytes, transfer_wanted, transfer_bps, transfer_stalled,
	udp_sent, udp_received, udp_rtt_us`

// storyColumns are what the history tells a story from, for Results.
const storyColumns = `cell, at, verdict, latency_us, failure, operation`

// Results returns the matching results with the fields a history needs (time, verdict,
// latency, failure and operation), in the order they were stored: oldest first, except that
// two processes writing at once interleave their batches.
func (s *Store) Results(ctx context.Context, q Query) ([]Row, error) {
	cells, err := s.cellNames(ctx)
	if err != nil {
		return nil, err
	}
	since, until := int64(0), int64(1<<62)
	if !q.Since.IsZero() {
		since = q.Since.UnixMilli()
	}
	if !q.Until.IsZero() {
		until = q.Until.UnixMilli()
	}
	if q.Route == "" && q.Service == "" {
		// Results are appended in time order: reading the table straight through beats
		// walking the (cell, at) index, which visits the table in random order. The id
		// range bounds how many rows can come, so the slice grows once.
		var lo, hi sql.NullInt64
		if err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM results`).Scan(&lo, &hi); err != nil {
			return nil, err
		}
		rows := make([]Row, 0, min(max(hi.Int64-lo.Int64+1, 0), 1<<22))
		got, err := s.db.QueryContext(ctx, `SELECT `+storyColumns+` FROM results NOT INDEXED
			WHERE at >= ? AND at < ?`, since, until)
		if err != nil {
			return nil, err
		}
		return scanStory(got, cells, rows)
	}
	stmt, err := s.db.PrepareContext(ctx, `SELECT `+storyColumns+` FROM results
		WHERE cell = ? AND at >= ? AND at < ? ORDER BY at, id`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	var rows []Row
	for _, id := range sortedIDs(cells) {
		c := cells[id]
		if q.Route != "" && c.Route != q.Route || q.Service != "" && c.Service != q.Service {
			continue
		}
		got, err := stmt.QueryContext(ctx, id, since, until)
		if err != nil {
			return nil, err
		}
		if rows, err = scanStory(got, cells, rows); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// Recent returns up to n of the newest results of each cell in keep (every cell when keep is
// nil), oldest first within a cell: what a starting lifeline seeds its in-memory history with.
func (s *Store) Recent(ctx context.Context, n int, keep map[checks.Cell]bool) ([]Row, error) {
	cells, err := s.cellNames(ctx)
	if err != nil {
		return nil, err
	}
	stmt, err := s.db.PrepareContext(ctx, `SELECT `+fullColumns+` FROM results
		WHERE cell = ? ORDER BY at DESC, id DESC LIMIT ?`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	var out []Row
	for _, id := range sortedIDs(cells) {
		if keep != nil && !keep[cells[id]] {
			continue
		}
		got, err := stmt.QueryContext(ctx, id, n)
		if err != nil {
			return nil, err
		}
		rows, err := scanFull(got, cells)
		if err != nil {
			return nil, err
		}
		slices.Reverse(rows)
		out = append(out, rows...)
	}
	return out, nil
}

// Cells lists every route × service the store has seen, in the order first stored.
func (s *Store) Cells(ctx context.Context) ([]checks.Cell, error) {
	cells, err := s.cellNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []checks.Cell
	for _, id := range sortedIDs(cells) {
		out = append(out, cells[id])
	}
	return out, nil
}

// Count is how many results the store holds.
func (s *Store) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results`).Scan(&n)
	return n, err
}

func (s *Store) cellNames(ctx context.Context) (map[int64]checks.Cell, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, route, service FROM cells`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]checks.Cell{}
	for rows.Next() {
		var id int64
		var c checks.Cell
		if err := rows.Scan(&id, &c.Route, &c.Service); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

func sortedIDs(cells map[int64]checks.Cell) []int64 {
	ids := make([]int64, 0, len(cells))
	for id := range cells {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// scanStory appends the rows to out.
func scanStory(rows *sql.Rows, cells map[int64]checks.Cell, out []Row) ([]Row, error) {
	defer rows.Close()
	for rows.Next() {
		var (
			r                  Row
			cell, at           int64
			verdict            string
			latency            sql.NullInt64
			failure, operation sql.NullString
		)
		if err := rows.Scan(&cell, &at, &verdict, &latency, &failure, &operation); err != nil {
			return nil, err
		}
		c := cells[cell]
		r.Route, r.Service = c.Route, c.Service
		r.At, r.Verdict, r.Latency = time.UnixMilli(at), checks.Verdict(verdict), duration(latency)
		r.Failure, r.Operation = failure.String, operation.String
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanFull(rows *sql.Rows, cells map[int64]checks.Cell) ([]Row, error) {
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var (
			r                                     Row
			cell, at                              int64
			verdict                               string
			latency, dns, connect, tls, fb, total sql.NullInt64
			reason, failure, operation, route     sql.NullString
			stalled                               sql.NullBool
			bytes, wanted, sent, received, rtt    sql.NullInt64
			bps                                   sql.NullFloat64
		)
		if err := rows.Scan(&cell, &at, &verdict, &latency, &reason, &failure, &operation,
			&route, &dns, &connect, &tls, &fb, &total, &bytes, &wanted, &bps, &stalled,
			&sent, &received, &rtt); err != nil {
			return nil, err
		}
		c := cells[cell]
		r.Route, r.Service = c.Route, c.Service
		r.At = time.UnixMilli(at)
		r.Verdict = checks.Verdict(verdict)
		r.Latency = duration(latency)
		r.Reason, r.Failure, r.Operation = reason.String, failure.String, operation.String
		r.RouteState = checks.RouteState(route.String)
		r.Phases = checks.Phases{DNS: duration(dns), Connect: duration(connect), TLS: duration(tls),
			FirstByte: duration(fb), Total: duration(total)}
		if bytes.Valid || wanted.Valid {
			r.Transfer = &checks.TransferStats{Bytes: bytes.Int64, Wanted: wanted.Int64, Goodput: bps.Float64, Stalled: stalled.Bool}
		}
		if sent.Valid {
			r.UDP = &checks.UDPStats{Sent: int(sent.Int64), Received: int(received.Int64), RTT: duration(rtt)}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func duration(v sql.NullInt64) time.Duration {
	if !v.Valid {
		return 0
	}
	return time.Duration(v.Int64) * time.Microsecond
}
