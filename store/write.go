package store

import (
	"context"
	"database/sql"
	"maps"
	"time"

	"github.com/lifeline-app/lifeline/checks"
)

const insertRow = `INSERT INTO results (cell, at, verdict, latency_us, reason, failure, operation, route_state,
	dns_us, connect_us, tls_us, first_byte_us, total_us,
	transfer_bytes, transfer_wanted, transfer_bps, transfer_stalled, udp_sent, udp_received, udp_rtt_us)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Write stores rows in one transaction: all of them or none.
func (s *Store) Write(ctx context.Context, rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, insertRow)
	if err != nil {
		return err
	}
	defer ins.Close()
	s.cellsMu.Lock()
	defer s.cellsMu.Unlock()
	added := map[checks.Cell]int64{} // remembered once the transaction commits
	for _, r := range rows {
		id, ok := s.cellIDs[r.Cell()]
		if !ok {
			if id, ok = added[r.Cell()]; !ok {
				if id, err = cellID(ctx, tx, r.Cell()); err != nil {
					return err
				}
				added[r.Cell()] = id
			}
		}
		args := []any{id, r.At.UnixMilli(), string(r.Verdict), micros(r.Latency), text(r.Reason),
			text(r.Failure), text(r.Operation), text(string(r.RouteState)),
			micros(r.Phases.DNS), micros(r.Phases.Connect), micros(r.Phases.TLS),
			micros(r.Phases.FirstByte), micros(r.Phases.Total)}
		if t := r.Transfer; t != nil {
			args = append(args, t.Bytes, t.Wanted, t.Goodput, t.Stalled)
		} else {
			args = append(args, nil, nil, nil, nil)
		}
		if u := r.UDP; u != nil {
			args = append(args, u.Sent, u.Received, micros(u.RTT))
		} else {
			args = append(args, nil, nil, nil)
		}
		if _, err := ins.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	maps.Copy(s.cellIDs, added)
	return nil
}

// cellID finds or adds the cell's row.
func cellID(ctx context.Context, tx *sql.Tx, c checks.Cell) (int64, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO cells (route, service) VALUES (?, ?)
		ON CONFLICT (route, service) DO NOTHING`, c.Route, c.Service); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM cells WHERE route = ? AND service = ?`, c.Route, c.Service).Scan(&id)
	return id, err
}

func micros(d time.Duration) any {
	if d <= 0 {
		return nil
	}
	return d.Microseconds()
}

func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}
