package checks

import "errors"

// Placeholder: replaced by the SOCKS5 route implementation.
func newSOCKS5(spec RouteSpec) (Route, error) { return nil, errors.New("socks5: not implemented yet") }
