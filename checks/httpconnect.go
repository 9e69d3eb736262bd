package checks

import "errors"

// Placeholder: replaced by the HTTP CONNECT route implementation.
func newHTTPConnect(spec RouteSpec) (Route, error) {
	return nil, errors.New("http: not implemented yet")
}
