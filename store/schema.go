package store

import (
	"context"
	"fmt"
)

// migrations bring the schema from version i to i+1 (PRAGMA user_version). Append only:
// a released step never changes.
var migrations = []string{
	// 1: cells are interned so that each result row holds a small number, not two names.
	// Times are Unix milliseconds, durations microseconds; NULL means "not measured".
	`CREATE TABLE cells (
		id      INTEGER PRIMARY KEY,
		route   TEXT NOT NULL,
		service TEXT NOT NULL,
		UNIQUE (route, service)
	);
	CREATE TABLE results (
		id               INTEGER PRIMARY KEY,
		cell             INTEGER NOT NULL REFERENCES cells (id),
		at               INTEGER NOT NULL, -- when the check finished
		verdict          TEXT NOT NULL,    -- ok, slow, partial, blocked, route-down
		latency_us       INTEGER,          -- the latency a user feels; NULL unless it worked
		reason           TEXT,
		failure          TEXT,             -- OONI failure string of the cause
		operation        TEXT,             -- the operation that failed
		route_state      TEXT,             -- the route's own check: up, down, offline, allowlist
		dns_us           INTEGER,          -- phases of the target the verdict rests on
		connect_us       INTEGER,
		tls_us           INTEGER,
		first_byte_us    INTEGER,
		total_us         INTEGER,
		transfer_bytes   INTEGER,          -- media transfer probe
		transfer_wanted  INTEGER,
		transfer_bps     REAL,
		transfer_stalled INTEGER,
		udp_sent         INTEGER,          -- STUN (calls) probe
		udp_received     INTEGER,
		udp_rtt_us       INTEGER
	);
	CREATE INDEX results_cell_at ON results (cell, at);`,
}

// SchemaVersion is the version this lifeline writes.
var SchemaVersion = len(migrations)

// migrate applies the missing migrations, each in its own transaction; the write lock makes
// two processes opening a new store at once take turns.
func (s *Store) migrate(ctx context.Context) error {
	version, err := s.version(ctx)
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return fmt.Errorf("%w (schema %d, this one knows %d)", ErrNewerSchema, version, SchemaVersion)
	}
	if s.opt.ReadOnly || version == SchemaVersion {
		return nil
	}
	for version < SchemaVersion {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// Another process may have migrated while this one waited for the lock.
		var now int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
			tx.Rollback()
			return err
		}
		if now > version {
			tx.Rollback()
			version = now
			continue
		}
		if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
			tx.Rollback()
			return fmt.Errorf("schema %d: %w", version+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		version++
	}
	return nil
}

func (s *Store) version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
