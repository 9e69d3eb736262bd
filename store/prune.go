package store

import (
	"context"
	"time"
)

// Prune drops results older than the retention and then, while the file's used pages pass
// the size bound, the oldest results, leaving a tenth of the bound free so that pruning does
// not run on every batch. Freed pages go back to the disk.
func (s *Store) Prune(ctx context.Context, now time.Time) error {
	cutoff := now.Add(-s.opt.Retention).UnixMilli()
	// Per cell, so that the (cell, at) index serves the delete: no index on time alone.
	cells, err := s.db.QueryContext(ctx, `SELECT id FROM cells`)
	if err != nil {
		return err
	}
	var ids []int64
	for cells.Next() {
		var id int64
		if err := cells.Scan(&id); err != nil {
			cells.Close()
			return err
		}
		ids = append(ids, id)
	}
	cells.Close()
	if err = cells.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM results WHERE cell = ? AND at < ?`, id, cutoff); err != nil {
			return err
		}
	}
	// Deleting rows leaves index pages part full, so a round may free less than it aimed
	// at: a few rounds close in on the bound.
	for range 8 {
		used, err := s.UsedBytes(ctx)
		if err != nil {
			return err
		}
		if used <= s.opt.MaxBytes {
			break
		}
		// Rows are appended in time order, so the lowest ids are the oldest results.
		var count int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results`).Scan(&count); err != nil {
			return err
		}
		target := float64(s.opt.MaxBytes) * 0.9
		drop := int64(float64(count) * (1 - target/float64(used)))
		drop = max(count/100+1, min(drop, count))
		if _, err := s.db.ExecContext(ctx, `DELETE FROM results WHERE id IN
			(SELECT id FROM results ORDER BY id LIMIT ?)`, drop); err != nil {
			return err
		}
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA incremental_vacuum`); err != nil {
		return err
	}
	// The file shrinks when the freed pages are checkpointed; a passive checkpoint never
	// waits for another process's readers.
	_, err = s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	return err
}

// UsedBytes is the size of the pages holding data (the file less its free pages).
func (s *Store) UsedBytes(ctx context.Context) (int64, error) {
	var pages, free, size int64
	if err := s.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, err
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return 0, err
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		return 0, err
	}
	return (pages - free) * size, nil
}
