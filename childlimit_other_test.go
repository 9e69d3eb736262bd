//go:build !unix

package main

import "errors"

// lowerFileLimit is unavailable where there is no RLIMIT_NOFILE.
func lowerFileLimit(limit string) error {
	if limit == "" {
		return nil
	}
	return errors.New("no open-file limit on this system")
}
