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

const selectRow = `SELECT c.route, c.service, r.at, r.verdict, r.latency_us, r.reason, r.failure, r.operation,
	r.route_ok, r.dns_us, r.connect_us, r.tls_us, r.first_byte_us, r.total_us,
	r.transfer_bytes, r.transfer_wanted, r.transfer_bps, r.transfer_stalled,
	r.udp_sent, r.udp_received, r.udp_rtt_us
	FROM results r JOIN cells c ON c.id = r.cell`

// Results returns the matching results, grouped by cell (in the order cells were first
// stored) and oldest first within a cell.
func (s *Store) Results(ctx context.Context, q Query) ([]Row, error) {
	where, args := " WHERE 1", []any{}
	if q.Route != "" {
		where += " AND c.route = ?"
		args = append(args, q.Route)
	}
	if q.Service != "" {
		where += " AND c.service = ?"
		args = append(args, q.Service)
	}
	if !q.Since.IsZero() {
		where += " AND r.at >= ?"
		args = append(args, q.Since.UnixMilli())
	}
	if !q.Until.IsZero() {
		where += " AND r.at < ?"
		args = append(args, q.Until.UnixMilli())
	}
	rows, err := s.db.QueryContext(ctx, selectRow+where+" ORDER BY r.cell, r.at, r.id", args...)
	if err != nil {
		return nil, err
	}
	return scanRows(rows)
}

// Recent returns up to n of the newest results of each cell, oldest first within a cell:
// what a starting lifeline seeds its in-memory history with.
func (s *Store) Recent(ctx context.Context, n int) ([]Row, error) {
	cells, err := s.Cells(ctx)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, c := range cells {
		rows, err := s.db.QueryContext(ctx, selectRow+
			` WHERE c.route = ? AND c.service = ? ORDER BY r.at DESC, r.id DESC LIMIT ?`, c.Route, c.Service, n)
		if err != nil {
			return nil, err
		}
		got, err := scanRows(rows)
		if err != nil {
			return nil, err
		}
		slices.Reverse(got)
		out = append(out, got...)
	}
	return out, nil
}

// Cells lists every route × service the store has seen.
func (s *Store) Cells(ctx context.Context) ([]checks.Cell, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT route, service FROM cells ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []checks.Cell
	for rows.Next() {
		var c checks.Cell
		if err := rows.Scan(&c.Route, &c.Service); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Count is how many results the store holds.
func (s *Store) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results`).Scan(&n)
	return n, err
}

func scanRows(rows *sql.Rows) ([]Row, error) {
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var (
			r                                     Row
			at                                    int64
			verdict                               string
			latency, dns, connect, tls, fb, total sql.NullInt64
			reason, failure, operation            sql.NullString
			routeOK, stalled                      sql.NullBool
			bytes, wanted, sent, received, rtt    sql.NullInt64
			bps                                   sql.NullFloat64
		)
		if err := rows.Scan(&r.Route, &r.Service, &at, &verdict, &latency, &reason, &failure, &operation,
			&routeOK, &dns, &connect, &tls, &fb, &total, &bytes, &wanted, &bps, &stalled,
			&sent, &received, &rtt); err != nil {
			return nil, err
		}
		r.At = time.UnixMilli(at)
		r.Verdict = checks.Verdict(verdict)
		r.Latency = duration(latency)
		r.Reason, r.Failure, r.Operation = reason.String, failure.String, operation.String
		if routeOK.Valid {
			ok := routeOK.Bool
			r.RouteOK = &ok
		}
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
