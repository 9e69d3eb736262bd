package checks

import "errors"

// Placeholder: replaced by the interface route implementation.
func newInterfaceRoute(spec RouteSpec) (Route, error) {
	return nil, errors.New("interface routes: not implemented yet")
}
