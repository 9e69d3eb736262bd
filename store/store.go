// Package store keeps every check result in an SQLite file in the user's state directory, so
// that history survives a restart and `lifeline history` can tell the story of a day.
//
// The file is plain SQLite (WAL journal, pure-Go driver, no cgo): a user can open it with
// sqlite3. Writes are batched by a Recorder off the check path; retention and size bounds
// drop the oldest results first. Several lifeline processes may share one store: each writes
// its own results and waits on the other's lock for at most the busy timeout.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/lifeline-app/lifeline/checks"
)

// FileName is the store's file inside the state directory.
const FileName = "history.db"

// Defaults for Options.
const (
	DefaultRetention = 30 * 24 * time.Hour
	DefaultMaxBytes  = 100 << 20
	// busyTimeout is how long a statement waits for another process's write lock.
	busyTimeout = 5 * time.Second
)

// Options bound a store; zero fields take the defaults.
type Options struct {
	Retention time.Duration // results older than this are dropped (DefaultRetention)
	MaxBytes  int64         // the file is kept under this size, oldest results first (DefaultMaxBytes)
	ReadOnly  bool          // open for reading only: `lifeline history`
}

func (o Options) withDefaults() Options {
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// Store is an open history file.
type Store struct {
	db   *sql.DB
	path string
	opt  Options

	cellsMu sync.Mutex
	cellIDs map[checks.Cell]int64 // cells are never deleted, so their ids can be kept
}

// Open opens (creating it and dir when needed) the store in dir and brings its schema up to
// date. A store written by a newer lifeline is refused rather than damaged.
func Open(dir string, opt Options) (*Store, error) {
	opt = opt.withDefaults()
	path := filepath.Join(dir, FileName)
	if opt.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no history at %s yet: the dashboard and `lifeline status` keep it", path)
		} else if err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, opt.ReadOnly))
	if err != nil {
		return nil, err
	}
	// One connection: SQLite serialises writers anyway, and one connection keeps the
	// pragmas and the write lock simple. Readers in other processes are not blocked (WAL).
	db.SetMaxOpenConns(1)
	s := &Store{db: db, path: path, opt: opt, cellIDs: map[checks.Cell]int64{}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*busyTimeout)
	defer cancel()
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// dsn is the driver's connection string: the pragmas every connection needs. auto_vacuum
// must come before the first table exists, so that pruning can give space back to the disk.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	if readOnly {
		q.Add("mode", "ro")
	} else {
		q.Add("_pragma", "auto_vacuum(incremental)")
		q.Add("_pragma", "journal_mode(wal)")
		// WAL with synchronous=normal: a crash (even SIGKILL) never corrupts the file; a
		// power cut may lose the last transactions, which hold only a batch of results.
		q.Add("_pragma", "synchronous(normal)")
		q.Add("_pragma", "journal_size_limit(4194304)")
		q.Add("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// ErrNewerSchema says the store was written by a newer lifeline.
var ErrNewerSchema = errors.New("the history store was written by a newer lifeline")
