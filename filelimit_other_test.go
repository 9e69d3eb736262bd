//go:build !unix

package main

import "errors"

// lowerFileLimit: this system has no RLIMIT_NOFILE to lower.
func lowerFileLimit(limit string) error {
	if limit == "" {
		return nil
	}
	return errors.New("open-file limits are not supported here")
}
